"""Mosaic tiling, coordinate mapping and scale modes (numpy only)."""

from __future__ import annotations

import numpy as np
import pytest

from mnistviz.mosaic import (
    SCALE_MODES,
    Levels,
    MosaicLayout,
    StageScale,
    fit_grid,
    fit_shared_grid,
    fit_zoom,
    grid_choices,
    grid_shape,
    mosaic,
    normalise_per_map,
)


@pytest.mark.parametrize("channels, expected", [(10, (2, 5)), (1, (1, 1)), (3, (1, 3)), (5, (1, 5)),
                                                (6, (2, 5)), (16, (3, 6)), (32, (4, 8)), (64, (6, 12))])
def test_grid_shape(channels, expected):
    assert grid_shape(channels) == expected


def test_grid_shape_refuses_no_maps():
    with pytest.raises(ValueError):
        grid_shape(0)


@pytest.mark.parametrize("shape", [(10, 28, 28), (10, 14, 14), (7, 5, 3), (1, 4, 6), (16, 7, 7)])
def test_tiles_equal_the_maps_and_gaps_are_nan(shape):
    rng = np.random.default_rng(1)
    maps = rng.normal(size=shape).astype(np.float32)
    layout = MosaicLayout.for_shape(shape)
    image = mosaic(maps)

    rows, cols = grid_shape(shape[0])
    assert image.shape == (rows * shape[1] + (rows - 1) * layout.gap, cols * shape[2] + (cols - 1) * layout.gap)
    assert image.dtype == np.float32
    covered = np.zeros(image.shape, bool)
    for index in range(shape[0]):
        np.testing.assert_array_equal(layout.tile(image, index), maps[index])
        ys, xs = layout.tile_slices(index)
        covered[ys, xs] = True
    # Everything that is not a tile (gaps, unused cells of the last row) is NaN.
    assert np.isnan(image[~covered]).all()
    assert not np.isnan(image[covered]).any()


def test_ten_maps_are_two_rows_of_five_with_thin_gaps():
    layout = MosaicLayout.for_shape((10, 28, 28))
    assert (layout.rows, layout.cols, layout.gap) == (2, 5, 2)
    assert layout.shape == (2 * 28 + 2, 5 * 28 + 4 * 2)
    assert layout.origin(0) == (0, 0)
    assert layout.origin(4) == (0, 4 * 30)
    assert layout.origin(5) == (30, 0)
    pool = MosaicLayout.for_shape((10, 14, 14))
    assert pool.gap == 1 and pool.shape == (29, 74)


@pytest.mark.parametrize("shape", [(10, 28, 28), (10, 14, 14), (7, 5, 3)])
def test_locate_round_trips_every_pixel(shape):
    layout = MosaicLayout.for_shape(shape)
    channels, h, w = shape
    for index in range(channels):
        y0, x0 = layout.origin(index)
        for row in range(h):
            for col in range(w):
                assert layout.locate(y0 + row, x0 + col) == (index, row, col)
                # view coordinates are floats inside the pixel
                assert layout.locate(y0 + row + 0.99, x0 + col + 0.01) == (index, row, col)


def test_locate_gaps_outside_and_unused_cells_give_none():
    layout = MosaicLayout.for_shape((7, 5, 3))  # 2 rows x 5 cols: cells 7..9 unused
    total_h, total_w = layout.shape
    assert layout.locate(0, 3) is None  # the gap right of map 0
    assert layout.locate(5, 0) is None  # the gap below map 0
    assert layout.locate(-0.5, 0) is None
    assert layout.locate(0, -0.01) is None
    assert layout.locate(total_h, 0) is None
    assert layout.locate(0, total_w) is None
    assert layout.locate(float("nan"), 1) is None
    y0, x0 = (5 + layout.gap), 2 * (3 + layout.gap)  # where map 7 would be
    assert layout.locate(y0, x0) is None


def test_fill_writes_in_place_and_leaves_gaps():
    layout = MosaicLayout.for_shape((10, 28, 28))
    buffer = layout.new_buffer()
    first = np.ones((10, 28, 28), np.float32)
    second = np.arange(10 * 28 * 28, dtype=np.float32).reshape(10, 28, 28)
    assert layout.fill(first, buffer) is buffer
    assert layout.fill(second, buffer) is buffer
    np.testing.assert_array_equal(buffer, mosaic(second))
    with pytest.raises(ValueError):
        layout.fill(np.zeros((9, 28, 28), np.float32), buffer)


def test_stage_mode_uses_the_stage_range():
    maps = np.array([[[0.0, 1.0]], [[2.0, 3.5]]], np.float32)
    scale = StageScale("stage")
    values, levels = scale.prepare(maps)
    assert levels == Levels(0.0, 3.5, False)
    assert values is maps


def test_map_mode_normalises_each_map_and_reads_relative():
    maps = np.array([[[1.0, 3.0], [2.0, 1.0]], [[-2.0, 0.0], [2.0, -2.0]], [[5.0, 5.0], [5.0, 5.0]]], np.float32)
    scale = StageScale("map")
    out = np.empty_like(maps)
    values, levels = scale.prepare(maps, out=out)
    assert levels == Levels(0.0, 1.0, True)
    assert values is out
    np.testing.assert_allclose(values[0], [[0.0, 1.0], [0.5, 0.0]])
    np.testing.assert_allclose(values[1], [[0.0, 0.5], [1.0, 0.0]])
    np.testing.assert_array_equal(values[2], 0.0)  # a flat map shows the lowest colour
    np.testing.assert_allclose(normalise_per_map(maps), values)


def test_fixed_mode_only_grows_until_reset():
    scale = StageScale("fixed")
    assert scale.fixed_range is None
    assert scale.levels(np.array([[[0.0, 2.0]]])) == Levels(0.0, 2.0)
    assert scale.levels(np.array([[[0.5, 1.0]]])) == Levels(0.0, 2.0)  # inside: unchanged
    assert scale.levels(np.array([[[-1.0, 3.0]]])) == Levels(-1.0, 3.0)  # grows both ways
    assert scale.levels(np.array([[[0.0, 2.5]]])) == Levels(-1.0, 3.0)  # never shrinks
    assert scale.fixed_range == (-1.0, 3.0)
    scale.reset()
    assert scale.fixed_range is None
    assert scale.levels(np.array([[[0.5, 1.0]]])) == Levels(0.5, 1.0)


def test_flat_stage_gets_a_usable_span_without_polluting_the_fixed_range():
    zeros = np.zeros((2, 3, 3), np.float32)
    assert StageScale("stage").levels(zeros) == Levels(0.0, 1.0)
    fixed = StageScale("fixed")
    assert fixed.levels(zeros) == Levels(0.0, 1.0)  # displayed: widened
    assert fixed.fixed_range == (0.0, 0.0)  # remembered: the data's range
    assert fixed.levels(np.full((2, 3, 3), 0.5, np.float32)) == Levels(0.0, 0.5)


def test_switching_modes_and_unknown_mode():
    scale = StageScale()
    assert scale.mode == "stage"
    for mode in SCALE_MODES:
        scale.mode = mode
        assert scale.mode == mode
    with pytest.raises(ValueError, match="unknown scale mode"):
        scale.mode = "log"
    with pytest.raises(ValueError):
        StageScale("nope")


# -- grids that follow the room they get ---------------------------------------------------


def test_grid_choices_have_no_empty_row_or_column():
    assert grid_choices(10) == [(10, 1), (5, 2), (4, 3), (3, 4), (2, 5), (1, 10)]
    assert grid_choices(1) == [(1, 1)]
    for channels in (1, 2, 7, 10, 16, 32, 64):
        for rows, cols in grid_choices(channels):
            assert rows * cols >= channels
            assert (rows - 1) * cols < channels and rows * (cols - 1) < channels
    with pytest.raises(ValueError):
        grid_choices(0)


@pytest.mark.parametrize("channels, height, width", [(10, 28, 28), (10, 14, 14), (16, 7, 7), (7, 5, 3), (64, 3, 3)])
def test_fit_grid_follows_the_area(channels, height, width):
    wide = fit_grid(channels, height, width, 2000, 150)
    tall = fit_grid(channels, height, width, 150, 2000)
    assert wide[1] > tall[1] and wide[0] < tall[0]
    assert fit_grid(channels, height, width, 0, 300) == grid_shape(channels)  # not laid out yet


def test_fit_grid_picks_the_largest_tiles():
    assert fit_grid(10, 28, 28, 1400, 130) == (1, 10)  # 4x in one row; 2x5 would be 2x
    assert fit_grid(10, 28, 28, 130, 1400) == (10, 1)
    assert fit_grid(10, 28, 28, 600, 250) == (2, 5)
    assert fit_grid(10, 28, 28, 300, 650) == (5, 2)
    for area in [(1400, 130), (600, 250), (300, 650), (777, 333)]:
        chosen = fit_grid(10, 28, 28, *area)
        best = max(fit_zoom(c * 28 + (c - 1) * 2, r * 28 + (r - 1) * 2, *area) for r, c in grid_choices(10))
        r, c = chosen
        assert fit_zoom(c * 28 + (c - 1) * 2, r * 28 + (r - 1) * 2, *area) >= 0.9 * best


def test_fit_zoom_snaps_to_whole_device_pixels_from_two_to_one():
    assert fit_zoom(148, 58, 700, 200) == 3  # 3.45 -> 3
    assert fit_zoom(148, 58, 700, 200, pixel_ratio=2) == 3.0  # 6.9 device px -> 6
    assert fit_zoom(148, 58, 700, 200, pixel_ratio=1.5) * 1.5 == 5  # 5.17 device px -> 5
    assert fit_zoom(148, 58, 296, 116) == 2
    assert fit_zoom(148, 58, 148 * 1.9, 58 * 1.9) == pytest.approx(1.9)  # not halved to 1
    assert fit_zoom(1480, 580, 700, 200) == pytest.approx(200 / 580)  # below 1:1: the exact fit
    assert fit_zoom(148, 58, 0, 200) == 0


@pytest.mark.parametrize("cols", [1, 2, 3, 4, 5, 10])
def test_every_grid_round_trips(cols):
    shape = (10, 14, 14)
    layout = MosaicLayout.for_shape(shape, cols=cols)
    assert layout.cols == cols and layout.rows == -(-10 // cols)
    maps = np.random.default_rng(cols).normal(size=shape).astype(np.float32)
    image = mosaic(maps, cols=cols)
    assert image.shape == layout.shape
    for index in range(10):
        np.testing.assert_array_equal(layout.tile(image, index), maps[index])
        y0, x0 = layout.origin(index)
        for row, col in [(0, 0), (13, 13), (5, 9)]:
            assert layout.locate(y0 + row + 0.5, x0 + col + 0.5) == (index, row, col)
    assert np.isnan(image).sum() == image.size - 10 * 14 * 14
    with pytest.raises(ValueError):
        MosaicLayout.for_shape(shape, cols=11)


def test_fitted_layout():
    assert MosaicLayout.fitted((10, 28, 28), 1400, 130) == MosaicLayout.for_shape((10, 28, 28), cols=10)
    assert MosaicLayout.fitted((10, 28, 28), 0, 0) == MosaicLayout.for_shape((10, 28, 28))


def test_stages_shown_together_share_the_grid_whose_smallest_maps_are_largest():
    conv, pooled = (28, 28, 700, 110), (14, 14, 700, 125)
    # Alone they choose differently (the pooled maps' tie goes to the default 2x5)...
    assert fit_grid(10, *conv) == (1, 10) and fit_grid(10, *pooled) == (2, 5)
    # ...together, one grid: 2x5 would shrink the 28x28 maps.
    assert fit_shared_grid(10, [conv, conv, pooled]) == (1, 10)
    assert fit_shared_grid(10, [conv, (28, 28, 0, 0)]) == (1, 10)  # a dock not laid out yet has none
    assert fit_shared_grid(10, []) == grid_shape(10)
