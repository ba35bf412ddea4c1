"""Mosaic tiling, coordinate mapping and scale modes (numpy only)."""

from __future__ import annotations

import numpy as np
import pytest

from mnistviz.mosaic import (
    SCALE_MODES,
    Levels,
    MosaicLayout,
    StageScale,
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
