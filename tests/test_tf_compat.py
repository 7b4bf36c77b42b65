"""import_tf1 / import_keras: the right Keras is loaded, start-up noise is silenced, misuse is
reported."""

import subprocess
import sys
import textwrap

import pytest

SCRIPT = """
import warnings
warnings.simplefilter("ignore", UserWarning)  # the cells' own deprecation warnings
from lstm_utils.frameworks.tf_compat import import_tf1
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
    result = _run(
        "import tensorflow\nfrom lstm_utils.frameworks.tf_compat import import_tf1\nimport_tf1()"
    )
    assert result.returncode != 0
    assert "Restart the kernel and call import_tf1() before" in result.stderr


KERAS_SCRIPT = """
from lstm_utils.frameworks.tf_compat import import_keras
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


SEED_SCRIPT = """
import warnings
warnings.simplefilter("ignore", UserWarning)
from lstm_utils.frameworks.tf_compat import import_tf1, seed_tf1_graph
tf = import_tf1()
v1 = tf.compat.v1

def initial_kernel(full_seed):
    graph = tf.Graph()
    with graph.as_default():
        seed_tf1_graph(0) if full_seed else v1.set_random_seed(0)
        x = v1.placeholder(tf.float32, (2, 3, 5))
        v1.nn.dynamic_rnn(v1.nn.rnn_cell.LSTMCell(4), x, dtype=tf.float32)
        init = v1.global_variables_initializer()
    with v1.Session(graph=graph) as session:
        session.run(init)
        return session.run(graph.get_collection(v1.GraphKeys.GLOBAL_VARIABLES)[0])

print((initial_kernel(True) == initial_kernel(True)).all(),
      (initial_kernel(False) == initial_kernel(False)).all())
try:
    seed_tf1_graph(0)
except RuntimeError as error:
    print(error)
"""


@pytest.mark.filterwarnings("ignore")
def test_seed_tf1_graph_makes_initial_weights_reproducible():
    result = _run(SEED_SCRIPT)
    assert result.returncode == 0, result.stderr
    same, error = result.stdout.strip().splitlines()
    assert same == "True False"  # the graph seed alone is not enough
    assert "inside `with graph.as_default():`" in error
