"""File ▸ Open recent: the last drawings and images opened or saved, newest first, remembered
in the settings ("recent_files", one path a line). A file that is gone is refused in words
and taken off the list.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMenu

MAX_RECENT = 8


def parse_list(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()][:MAX_RECENT]


class RecentFiles(QObject):
    """`paths()`, `add(path)`, `remove(path)`, `open(path)`, `fill(menu)`; images count only once
    they opened (`image_requested(path)` notes one, the window's opener confirms it)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self._window = window
        self._pending_image: Path | None = None
        window.image_opener.job.opened.connect(self._image_opened)

    def paths(self) -> list[str]:
        return parse_list(self._window.settings.get("recent_files"))

    def add(self, path: str | Path) -> None:
        path = str(Path(path).resolve())
        if "\n" in path:
            return  # a name with a line break cannot be kept in a one-per-line list
        paths = [path] + [p for p in self.paths() if p != path]
        self._store(paths[:MAX_RECENT])

    def remove(self, path: str | Path) -> None:
        self._store([p for p in self.paths() if p != str(path)])

    def clear(self) -> None:
        self._store([])

    def image_requested(self, path: str | Path) -> None:
        self._pending_image = Path(path)

    def open(self, path: str | Path) -> bool:
        """Open a listed file; a file that is gone is refused in words and dropped from the list."""
        path = Path(path)
        if not path.is_file():
            self.remove(path)
            where = "that folder" if not path.parent.is_dir() else f"“{path.parent}”"
            self._window.tell_user("Cannot open a recent file",
                                   f"{path.name} is no longer in {where}: it may have been moved, renamed "
                                   "or deleted. It was taken off File ▸ Open recent.")
            return False
        from mnistviz.ui import drawing_files

        drawing_files.open_path(self._window, path)
        return True

    def fill(self, menu: QMenu) -> None:
        """Rebuild the submenu (it is filled each time it opens, so it is never stale)."""
        menu.clear()
        paths = self.paths()
        for number, path in enumerate(paths, 1):
            name = Path(path).name.replace("&", "&&")  # "&" would mark a shortcut letter
            action = menu.addAction(f"&{number} {name}" if number < 10 else name)
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open(p))
        if not paths:
            menu.addAction("No recent files").setEnabled(False)
        else:
            menu.addSeparator()
            menu.addAction("Clear this list", self.clear)

    def _store(self, paths: list[str]) -> None:
        self._window.settings.set("recent_files", "\n".join(paths))

    def _image_opened(self, photo) -> None:
        pending = self._pending_image
        if pending is not None and photo.name == pending.name:
            self._pending_image = None
            self.add(pending)
