"""Test-session set-up shared by every test module."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

# TF1 cells (tf.compat.v1.nn.rnn_cell.*) need the legacy tf-keras, selected before TensorFlow
# is first imported; `import keras` still gives Keras 3. Quiet TensorFlow's C++ start-up logs.
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def html(tmp_path_factory) -> Path:
    """The book built strictly (warnings are errors) into a temporary folder, once per session.

    `LSTM_BOOK_HTML=path/to/_build/html` tests an existing build instead (quicker when working
    on the browser tests; the strict-build check then tests that build's pages only).
    """
    prebuilt = os.environ.get("LSTM_BOOK_HTML")
    if prebuilt:
        return Path(prebuilt)
    out = tmp_path_factory.mktemp("book")
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jupyter_book), "build", ".", "--config", "book/_config.yml"]
    cmd += ["--toc", "book/_toc.yml", "-W", "-n", "--keep-going", "--path-output", str(out)]
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    assert "build succeeded" in result.stdout
    return out / "_build" / "html"
