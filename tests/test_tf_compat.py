"""import_tf1 / import_keras: the right Keras is loaded, start-up noise is silenced, misuse is
reported."""

import subprocess
import sys
import textwrap

import pytest

SCRIPT = """
import warnings
warnings.simplefilter("ignore", UserWarning)  # the cells' own deprecation warnings
from lstm_utils.tf_compat import import_tf1
tf = import_tf1()
graph = tf.Graph()
with graph.as_default():
    cell = tf.compat.v1.nn.rnn_cell.BasicLSTMCell(4)
    x = tf.compat.v1.placeholder(tf.float32, (2, 3, 5))
    outputs, state = tf.compat.v1.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    print(outputs.shape, state.h.shape)
"""


def _run(code: str, **extra_env: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", **extra_env}  # no TF_*/KERAS_* variables inherited
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


@pytest.mark.filterwarnings("ignore")
def test_tf1_cells_run_and_stderr_stays_clean():
    result = _run(SCRIPT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "(2, 3, 4) (2, 4)"
    assert result.stderr == ""


def test_import_after_plain_tensorflow_names_the_fix():
    result = _run("import tensorflow\nfrom lstm_utils.tf_compat import import_tf1\nimport_tf1()")
    assert result.returncode != 0
    assert "Restart the kernel and call import_tf1() before" in result.stderr


KERAS_SCRIPT = """
from lstm_utils.tf_compat import import_keras
keras = import_keras()
layer = keras.layers.LSTM(4)
print(keras.__version__.split(".")[0], keras.backend.backend(), tuple(layer(
    keras.ops.zeros((2, 3, 5))).shape))
"""


def test_import_keras_gives_keras_3_on_tensorflow_with_clean_stderr():
    result = _run(KERAS_SCRIPT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "3 tensorflow (2, 4)"
    assert result.stderr == ""


def test_import_keras_with_another_backend_names_the_fix():
    result = _run(KERAS_SCRIPT, KERAS_BACKEND="jax")
    assert result.returncode != 0
    assert "KERAS_BACKEND is 'jax'" in result.stderr
    assert "Unset the variable" in result.stderr
