"""MNIST IDX files made in a test (no download): one writer for every test that needs them."""

import numpy as np


def idx_bytes(array: np.ndarray) -> bytes:
    """The IDX format of the MNIST files: magic (uint8 data), dimension sizes, the bytes."""
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(d.to_bytes(4, "big") for d in array.shape)
    return header + np.asarray(array).astype(np.uint8).tobytes()
