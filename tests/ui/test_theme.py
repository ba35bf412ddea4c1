"""Both themes are readable on a projector; "system" follows the desktop."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPalette

from mnistviz.ui import theme


@pytest.mark.parametrize("t", [theme.DARK, theme.LIGHT], ids=lambda t: t.name)
def test_every_text_colour_has_projector_contrast(t):
    assert theme.contrast(t.text, t.window) >= 7
    assert theme.contrast(t.text, t.base) >= 7
    assert theme.contrast(t.text, t.button) >= 7
    assert theme.contrast(t.plot_text, t.plot_background) >= 7
    assert theme.contrast(t.dim_text, t.window) >= 4.5
    assert theme.contrast(t.plot_dim_text, t.plot_background) >= 4.5
    assert theme.contrast(t.winner, t.plot_background) >= 3  # large bold digits and bars
    assert theme.contrast(t.bar, t.plot_background) >= 3


def test_light_and_dark_differ_where_it_shows():
    assert theme.DARK.dark and not theme.LIGHT.dark
    assert theme.contrast(theme.DARK.window, theme.LIGHT.window) > 10


def test_palette_carries_the_theme(qapp):
    p = theme.palette(theme.LIGHT)
    assert p.color(QPalette.ColorRole.Window).name() == theme.LIGHT.window.lower()
    assert p.color(QPalette.ColorRole.WindowText).name() == theme.LIGHT.text.lower()
    assert p.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText).name() == \
        theme.LIGHT.disabled_text.lower()


def test_css_colours_with_alpha_keep_their_alpha():
    colour = theme.qcolor("#11223380")
    assert (colour.red(), colour.green(), colour.blue(), colour.alpha()) == (0x11, 0x22, 0x33, 0x80)


def test_system_follows_the_desktop_scheme(qapp):
    hints = QGuiApplication.styleHints()
    scheme = hints.colorScheme()
    expected = {Qt.ColorScheme.Light: theme.LIGHT, Qt.ColorScheme.Dark: theme.DARK}.get(scheme, theme.THEMES[theme.FALLBACK])
    assert theme.resolve("system") is expected
    assert theme.resolve("light") is theme.LIGHT and theme.resolve("dark") is theme.DARK
