"""MNIST loading with checksums, and the synthetic task generators."""

import gzip
import shutil

import numpy as np
import pytest

from lstm_utils.datasets import (
    DataIntegrityError,
    adding_problem,
    adjacent_sum,
    image_sequences,
    load_mnist,
)
from lstm_utils.datasets.mnist import MNIST_DIR


def test_mnist_is_the_genuine_set():
    m = load_mnist()
    assert m.x_train.shape == (60000, 28, 28) and m.x_test.shape == (10000, 28, 28)
    assert m.x_train.dtype == np.float32 and m.y_train.dtype == np.int64
    assert list(m.y_train[:10]) == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert list(np.bincount(m.y_train)) == [
        5923,
        6742,
        5958,
        6131,
        5842,
        5421,
        5918,
        6265,
        5851,
        5949,
    ]
    assert list(np.bincount(m.y_test)[:2]) == [980, 1135]
    assert m.x_train.mean() == pytest.approx(0.1307, abs=1e-4)
    assert m.x_train.std() == pytest.approx(0.3081, abs=1e-4)


def test_mnist_raw_pixels():
    m = load_mnist(scale=False)
    assert m.x_test.dtype == np.uint8 and m.x_test.max() == 255


@pytest.fixture
def mnist_copy(tmp_path):
    for path in MNIST_DIR.glob("*.gz"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def test_image_sequences_put_consecutive_rows_in_one_step():
    images = np.arange(2 * 4 * 3).reshape(2, 4, 3)
    pairs = image_sequences(images, rows_per_step=2)
    assert pairs.shape == (2, 2, 6)
    np.testing.assert_array_equal(pairs[1, 1], np.concatenate([images[1, 2], images[1, 3]]))
    np.testing.assert_array_equal(image_sequences(images), images)
    torch = pytest.importorskip("torch")
    assert tuple(image_sequences(torch.zeros(5, 28, 28), 4).shape) == (5, 7, 112)


@pytest.mark.parametrize(
    ("shape", "k", "message"),
    [
        ((28, 28), 1, "add a batch axis"),
        ((1, 28, 28), 3, r"choose one of \[1, 2, 4, 7, 14, 28\]"),
        ((1, 28, 28), 0, "positive integer"),
    ],
)
def test_image_sequences_reject_bad_input(shape, k, message):
    with pytest.raises(ValueError, match=message):
        image_sequences(np.zeros(shape), k)


def test_missing_file_names_file_and_fix(mnist_copy):
    (mnist_copy / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(FileNotFoundError, match=r"t10k-labels.* is missing.*git checkout"):
        load_mnist(mnist_copy)


def test_corrupt_content_is_detected(mnist_copy):
    path = mnist_copy / "t10k-labels-idx1-ubyte.gz"
    with gzip.open(path, "rb") as fh:
        raw = bytearray(fh.read())
    raw[100] = (raw[100] + 1) % 10  # one label changed: still valid IDX, wrong content
    with gzip.open(path, "wb") as fh:
        fh.write(bytes(raw))
    with pytest.raises(DataIntegrityError, match=r"t10k-labels-idx1-ubyte.gz is corrupt.*SHA-256"):
        load_mnist(mnist_copy)


def test_truncated_gzip_is_detected(mnist_copy):
    path = mnist_copy / "train-labels-idx1-ubyte.gz"
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(DataIntegrityError, match=r"train-labels.* is not a readable gzip"):
        load_mnist(mnist_copy)


def test_adding_problem_targets_are_sums_of_marked_values():
    x, y = adding_problem(n=50, steps=20, rng=np.random.default_rng(0))
    assert x.shape == (20, 50, 2) and y.shape == (50, 1)
    markers = x[:, :, 1]
    np.testing.assert_array_equal(markers.sum(axis=0), 2)
    assert np.all(markers[:10].sum(axis=0) == 1)  # one marker in each half
    np.testing.assert_allclose(y[:, 0], (x[:, :, 0] * markers).sum(axis=0), rtol=1e-6)


def test_adding_problem_is_seeded():
    a = adding_problem(5, 10, np.random.default_rng(7))
    b = adding_problem(5, 10, np.random.default_rng(7))
    np.testing.assert_array_equal(a[0], b[0])


def test_adjacent_sum_rule():
    x, y = adjacent_sum(n=4, steps=6, rng=np.random.default_rng(0))
    assert x.shape == y.shape == (6, 4, 1)
    np.testing.assert_allclose(y[0], x[0])
    np.testing.assert_allclose(y[1:], x[1:] + x[:-1], rtol=1e-6)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda rng: adding_problem(0, 10, rng), r"n must be a positive integer"),
        (lambda rng: adding_problem(3, 1, rng), r"steps must be at least 2"),
        (lambda rng: adjacent_sum(3, 4, rng, low=1.0, high=1.0), r"high must exceed low"),
    ],
)
def test_generators_reject_bad_sizes(call, message):
    with pytest.raises(ValueError, match=message):
        call(np.random.default_rng(0))
