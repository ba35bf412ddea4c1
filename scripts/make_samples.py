"""Write assets/samples.npz: the first 10 MNIST test digits of each class.

    python scripts/make_samples.py data/mnist
"""

import sys
from pathlib import Path

import numpy as np

from mnistviz import mnist_data

images, labels = mnist_data.load_split(sys.argv[1], "t10k")
picked = np.concatenate([np.flatnonzero(labels == c)[:10] for c in range(10)])
out = Path(__file__).resolve().parent.parent / "assets" / "samples.npz"
np.savez_compressed(out, images=images[picked], labels=labels[picked], test_index=picked)
print(f"{out}: {len(picked)} digits")
