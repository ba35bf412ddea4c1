import gzip

import numpy as np
import pytest

from mnist_files import idx_bytes
from mnistviz.mnist_data import DataError, read_idx


def test_reads_raw_and_gzip(tmp_path):
    images = np.arange(2 * 28 * 28, dtype=np.uint32).reshape(2, 28, 28) % 256
    (tmp_path / "a").write_bytes(idx_bytes(images))
    (tmp_path / "a.gz").write_bytes(gzip.compress(idx_bytes(images)))
    assert np.array_equal(read_idx(tmp_path / "a"), images)
    assert np.array_equal(read_idx(tmp_path / "a.gz"), images)


def test_truncated_file_is_refused_by_name(tmp_path):
    data = idx_bytes(np.zeros((3, 28, 28)))
    (tmp_path / "train-images-idx3-ubyte").write_bytes(data[:-10])
    with pytest.raises(DataError, match="train-images-idx3-ubyte"):
        read_idx(tmp_path / "train-images-idx3-ubyte")


def test_wrong_checksum_is_refused_by_name(tmp_path):
    (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(idx_bytes(np.zeros(5)))
    with pytest.raises(DataError, match="t10k-labels-idx1-ubyte: wrong SHA-256"):
        read_idx(tmp_path / "t10k-labels-idx1-ubyte", expected_sha256="0" * 64)
