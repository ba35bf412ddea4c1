"""One palette for the whole window, light or dark, made for a projector.

A projector washes out thin and grey text, so both themes keep every text colour at a
high contrast with its background (checked by tests: WCAG contrast >= 4.5 for dim text,
>= 7 for normal text) and use no text thinner than the application font. The heatmap
colour maps are data, not decoration: the themes never change them.

`Theme` holds colours only; `palette(theme)` makes the Qt palette for the widgets that
follow it, and the docks with plots read the plot colours from the same Theme.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

CHOICES = {"system": "Follow the system", "light": "Light", "dark": "Dark"}
DEFAULT = "system"
FALLBACK = "dark"  # where the system says neither: the heatmaps read best on dark


@dataclass(frozen=True)
class Theme:
    name: str
    window: str  # panels, menus, status bar
    base: str  # text fields, lists, dialogs' tables
    button: str
    text: str
    dim_text: str  # captions and hints: still readable from the back of a room
    disabled_text: str
    highlight: str
    highlighted_text: str
    plot_background: str  # behind plots and maps; also the gaps between maps
    plot_text: str
    plot_dim_text: str
    grid_line: str  # #RRGGBBAA: the probability chart's guide lines
    bar: str  # probability bars
    winner: str  # the predicted class: bar, digit and percentage
    label_fill: str  # #RRGGBBAA: behind filter numbers on the maps

    @property
    def dark(self) -> bool:
        return QColor(self.window).lightnessF() < 0.5


DARK = Theme(
    name="dark",
    # base lighter than window: Fusion draws check boxes in base, framed by a darker window
    window="#202327", base="#343941", button="#2C3036",
    text="#F2F4F6", dim_text="#BCC4CD", disabled_text="#7D8590",
    highlight="#3D7DD8", highlighted_text="#FFFFFF",
    plot_background="#16181C", plot_text="#F2F4F6", plot_dim_text="#BCC4CD",
    grid_line="#FFFFFF38", bar="#B4BEC9", winner="#E8743B", label_fill="#16181CB4",
)

LIGHT = Theme(
    name="light",
    window="#F3F4F6", base="#FFFFFF", button="#E4E7EB",
    text="#14171A", dim_text="#3E4651", disabled_text="#8A929C",
    highlight="#1F5FBF", highlighted_text="#FFFFFF",
    plot_background="#FFFFFF", plot_text="#14171A", plot_dim_text="#3E4651",
    grid_line="#14171A30", bar="#7C8794", winner="#C4501A", label_fill="#FFFFFFC8",
)

THEMES = {"dark": DARK, "light": LIGHT}


def resolve(choice: str) -> Theme:
    """The theme for a menu choice; "system" follows the desktop's light or dark setting."""
    if choice in THEMES:
        return THEMES[choice]
    scheme = QGuiApplication.styleHints().colorScheme()
    if scheme == Qt.ColorScheme.Light:
        return LIGHT
    if scheme == Qt.ColorScheme.Dark:
        return DARK
    return THEMES[FALLBACK]


def qcolor(spec: str) -> QColor:
    """#RRGGBB or #RRGGBBAA (CSS order; Qt's own #AARRGGBB would swap the alpha)."""
    if len(spec) == 9:
        colour = QColor(spec[:7])
        colour.setAlpha(int(spec[7:], 16))
        return colour
    return QColor(spec)


def palette(theme: Theme) -> QPalette:
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: theme.window,
        QPalette.ColorRole.WindowText: theme.text,
        QPalette.ColorRole.Base: theme.base,
        QPalette.ColorRole.AlternateBase: theme.window,
        QPalette.ColorRole.ToolTipBase: theme.base,
        QPalette.ColorRole.ToolTipText: theme.text,
        QPalette.ColorRole.PlaceholderText: theme.dim_text,
        QPalette.ColorRole.Text: theme.text,
        QPalette.ColorRole.Button: theme.button,
        QPalette.ColorRole.ButtonText: theme.text,
        QPalette.ColorRole.BrightText: "#FF5A4F",
        QPalette.ColorRole.Highlight: theme.highlight,
        QPalette.ColorRole.HighlightedText: theme.highlighted_text,
        QPalette.ColorRole.Link: theme.highlight,
    }
    for role, colour in roles.items():
        p.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(theme.disabled_text))
    # Fusion draws frames and separators from these: keep them visible on either background.
    light, dark = QColor(theme.button).lighter(130), QColor(theme.button).darker(150)
    p.setColor(QPalette.ColorRole.Light, light)
    p.setColor(QPalette.ColorRole.Midlight, QColor(theme.button).lighter(110))
    p.setColor(QPalette.ColorRole.Mid, QColor(theme.dim_text) if theme.dark else dark)
    p.setColor(QPalette.ColorRole.Dark, dark)
    p.setColor(QPalette.ColorRole.Shadow, QColor("#000000"))
    return p


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two opaque colours (1 to 21)."""
    def luminance(spec: str) -> float:
        colour = QColor(spec[:7])
        channels = []
        for value in (colour.redF(), colour.greenF(), colour.blueF()):
            channels.append(value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4)
        r, g, b = channels
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)
