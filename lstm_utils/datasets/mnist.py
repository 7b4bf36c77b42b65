"""MNIST from the IDX files vendored in this package: no network, content checksummed.

The four files in ``mnist_files/`` are the original MNIST database (LeCun, Cortes, Burges;
http://yann.lecun.com/exdb/mnist/, commonly distributed under CC BY-SA 3.0). Their
*uncompressed* SHA-256 sums are fixed below, so a truncated, altered or substituted file is
detected whatever its gzip wrapper.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from lstm_utils.datasets.files import read_verified_gz

#: A NumPy array or a PyTorch tensor: anything with ``.shape`` and ``.reshape``.
ArrayT = TypeVar("ArrayT", bound=Any)

#: Where the vendored files live.
MNIST_DIR = Path(__file__).with_name("mnist_files")

#: SHA-256 of the uncompressed content of each file (see mnist_files/SHA256SUMS.uncompressed).
MNIST_SHA256 = {
    "train-images-idx3-ubyte.gz": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",  # noqa: E501
    "train-labels-idx1-ubyte.gz": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",  # noqa: E501
    "t10k-images-idx3-ubyte.gz": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte.gz": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}

_RESTORE_HINT = (
    "Restore the vendored copy with `git checkout -- lstm_utils/datasets/mnist_files` "
    "(or pass data_dir= pointing at the four original IDX .gz files)."
)


@dataclass(frozen=True)
class MNIST:
    """The 60,000/10,000 split. Images are (N, 28, 28); read row by row they are sequences
    of T = 28 steps with 28 features each."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def _read_verified(path: Path) -> bytes:
    return read_verified_gz(path, MNIST_SHA256[path.name], "MNIST", _RESTORE_HINT)


def _parse_idx(raw: bytes, ndim: int) -> np.ndarray:
    # IDX header: two zero bytes, dtype code 0x08 (uint8), number of dims, then big-endian sizes.
    dims = np.frombuffer(raw, dtype=">u4", count=ndim, offset=4).astype(int)
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


@lru_cache(maxsize=2)
def _load_raw(data_dir: Path) -> tuple[np.ndarray, ...]:
    arrays = []
    for split in ("train", "t10k"):
        arrays.append(_parse_idx(_read_verified(data_dir / f"{split}-images-idx3-ubyte.gz"), 3))
        arrays.append(_parse_idx(_read_verified(data_dir / f"{split}-labels-idx1-ubyte.gz"), 1))
    return tuple(arrays)


def load_mnist(data_dir: str | Path | None = None, *, scale: bool = True) -> MNIST:
    """Load MNIST, verifying every file's checksum.

    With ``scale=True`` (default) images are float32 in [0, 1]; otherwise the raw uint8
    pixels. Labels are int64. Raises ``FileNotFoundError`` for a missing file and
    :class:`~lstm_utils.datasets.files.DataIntegrityError` for a corrupt one, each naming the
    file and the fix.
    """
    directory = Path(data_dir) if data_dir is not None else MNIST_DIR
    x_train, y_train, x_test, y_test = _load_raw(directory.resolve())
    if scale:
        x_train, x_test = (x.astype(np.float32) / 255.0 for x in (x_train, x_test))
    return MNIST(x_train, y_train.astype(np.int64), x_test, y_test.astype(np.int64))


def image_sequences(images: ArrayT, rows_per_step: int = 1) -> ArrayT:
    """Images (N, rows, cols) as sequences (N, rows / k, k · cols): k = ``rows_per_step``
    consecutive pixel rows per time step, batch first. Works on NumPy arrays and PyTorch
    tensors alike (a reshape, no copy).

    ``rows_per_step=1`` is the classic row-by-row reading (28 steps of 28 pixels for MNIST);
    2 halves the number of sequential steps, which the speed chapter uses to halve the time
    of an epoch at the same accuracy.
    """
    shape = tuple(images.shape)
    if len(shape) != 3:
        raise ValueError(
            f"images must have shape (N, rows, cols), got {shape}; for one image, add a batch "
            "axis (images[None])."
        )
    n, rows, cols = shape
    if isinstance(rows_per_step, bool) or not isinstance(rows_per_step, int) or rows_per_step < 1:
        raise ValueError(f"rows_per_step must be a positive integer, got {rows_per_step!r}.")
    if rows % rows_per_step:
        divisors = [k for k in range(1, rows + 1) if rows % k == 0]
        raise ValueError(
            f"{rows} rows cannot be split into steps of {rows_per_step} rows; choose one of "
            f"{divisors}."
        )
    return images.reshape(n, rows // rows_per_step, rows_per_step * cols)
