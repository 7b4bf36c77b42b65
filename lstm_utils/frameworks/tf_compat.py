"""Importing TensorFlow (for TF1 code through ``tf.compat.v1``) and Keras 3, quietly.

TF1 cells (``tf.compat.v1.nn.rnn_cell.LSTMCell`` and friends) only work with the legacy
``tf-keras`` package, which TensorFlow selects when ``TF_USE_LEGACY_KERAS=1`` is set *before*
it is first imported; ``import keras`` still gives Keras 3. TensorFlow's native libraries
also print start-up lines (absl, CUDA probing) straight to the process's stderr, which would
end up in every stored notebook output: they are silenced during the import, and the C++ log
level is raised for the rest of the process.
"""

from __future__ import annotations

import importlib
import os
import sys
from types import ModuleType

from lstm_utils._quiet import stderr_silenced


def _quiet_import(name: str) -> ModuleType:
    # 3 = C++ errors too: on a machine without a GPU, device discovery logs a failed cuInit
    # as an error. Python exceptions are unaffected; set the variable yourself to see more.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with stderr_silenced():
        module = importlib.import_module(name)
    return module


def import_tf1() -> ModuleType:
    """Import TensorFlow with legacy Keras selected and start-up noise silenced.

    Call it before anything else imports TensorFlow (``import keras`` does). Raises a
    ``RuntimeError`` naming the fix if TensorFlow was already imported without the flag.
    """
    if "tensorflow" in sys.modules and os.environ.get("TF_USE_LEGACY_KERAS") != "1":
        raise RuntimeError(
            "TensorFlow was already imported without TF_USE_LEGACY_KERAS=1, so TF1 cells will "
            "not work in this process. Restart the kernel and call import_tf1() before "
            "importing tensorflow or keras."
        )
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    tf = _quiet_import("tensorflow")
    tf.get_logger().setLevel("ERROR")  # deprecation notices of the legacy API, logged by TF
    return tf


def import_keras() -> ModuleType:
    """Import Keras 3 on the TensorFlow backend with TensorFlow's start-up noise silenced.

    The backend is TensorFlow unless ``KERAS_BACKEND`` is already set; a different backend
    raises a ``RuntimeError``, since the book's Keras chapter explains the TensorFlow one.
    """
    backend = os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    if backend != "tensorflow":
        raise RuntimeError(
            f"KERAS_BACKEND is {backend!r}; the book's Keras code runs on 'tensorflow'. "
            "Unset the variable (or set it to 'tensorflow') and restart the kernel."
        )
    return _quiet_import("keras")


def seed_tf1_graph(seed: int) -> None:
    """Seed everything a TF1 graph draws random numbers from; call it inside ``graph.as_default()``.

    ``tf.compat.v1.set_random_seed`` alone is not enough: the TF1 cells and
    ``tf.compat.v1.layers`` create their weights with legacy-Keras initialisers, which take
    their seeds from Python's ``random`` module, so every build would start from different
    weights. ``tf.keras.utils.set_random_seed`` seeds that module (and NumPy and TensorFlow's
    global seed). TensorFlow must have been imported with :func:`import_tf1`.
    """
    if "tensorflow" not in sys.modules:
        raise RuntimeError("TensorFlow is not imported yet: call import_tf1() first.")
    tf = sys.modules["tensorflow"]
    if tf.executing_eagerly():
        raise RuntimeError(
            "seed_tf1_graph() was called outside a graph: call it inside "
            "`with graph.as_default():`, before the graph's variables are created."
        )
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    tf.compat.v1.set_random_seed(seed)
    tf.keras.utils.set_random_seed(seed)
