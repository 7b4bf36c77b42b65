"""lstm_utils.benchmarks and the fused NumPy LSTM: exact FLOP counts, the roofline, timing
helpers, and every implementation computing the same outputs on tiny shapes."""

import numpy as np
import pytest

from lstm_utils import LSTMParams, lstm_backward, lstm_forward
from lstm_utils.benchmarks import (
    IMPLEMENTATIONS,
    ImplementationUnavailableError,
    LSTMShape,
    best_time,
    copy_bandwidth_gbs,
    gemm_gflops,
    make_runner,
    roofline,
)
from lstm_utils.reference.lstm_fused import lstm_backward_fused, lstm_forward_fused


def test_flops_count_the_two_products_of_every_step():
    shape = LSTMShape(steps=2, batch=3, inputs=4, hidden=5)
    # [x_t, h_{t-1}] is 3 x 9, the stacked weights 9 x 20: 2 * 3 * 9 * 20 per step
    assert shape.step_flops() == 1080
    assert shape.flops() == 2160
    assert shape.flops(backward=True) == 3 * 2160


def test_intensity_is_about_half_the_batch_when_weights_dominate():
    for batch in (1, 2, 8):
        shape = LSTMShape(steps=1, batch=batch, inputs=4096, hidden=4096)
        assert shape.intensity() == pytest.approx(batch / 2, rel=0.01)
    assert LSTMShape(1, 64, 64, 64).intensity() < 32  # activations count when B ~ H


@pytest.mark.parametrize("bad", [0, -1, 2.0, True])
def test_shape_rejects_non_positive_or_non_integer_sizes(bad):
    with pytest.raises(ValueError, match="batch must be a positive integer"):
        LSTMShape(steps=1, batch=bad, inputs=1, hidden=1)


def test_roofline_is_the_lower_of_bandwidth_and_peak():
    np.testing.assert_allclose(roofline([0.5, 2.0, 100.0], 100.0, 20.0), [10.0, 40.0, 100.0])
    with pytest.raises(ValueError, match="measure them with gemm_gflops"):
        roofline(1.0, 0.0, 20.0)


def test_best_time_warms_up_then_returns_the_fastest_call():
    calls = []
    seconds = best_time(lambda: calls.append(1), repeats=4, warmup=2)
    assert len(calls) == 6 and 0 <= seconds < 0.1
    with pytest.raises(ValueError, match="repeats ≥ 1"):
        best_time(lambda: None, repeats=0)


def test_machine_limits_are_positive_rates():
    assert gemm_gflops(n=64, repeats=1) > 0
    assert gemm_gflops(n=64, library="torch", repeats=1) > 0
    assert copy_bandwidth_gbs(megabytes=1, repeats=1) > 0
    with pytest.raises(ValueError, match="'numpy' or 'torch'"):
        gemm_gflops(n=8, library="jax")


@pytest.fixture
def problem():
    rng = np.random.default_rng(3)
    params = LSTMParams.init(3, 4, rng)
    x = rng.normal(size=(6, 2, 3))
    h0, c0 = rng.normal(size=(2, 2, 4))
    return params, x, h0, c0, rng


def test_fused_forward_equals_the_reference(problem):
    params, x, h0, c0, _ = problem
    ref, fused = lstm_forward(x, params, h0, c0), lstm_forward_fused(x, params, h0, c0)
    for name in "hcifgo":
        np.testing.assert_allclose(getattr(fused, name), getattr(ref, name), atol=1e-14)


def test_fused_backward_equals_the_reference(problem):
    params, x, h0, c0, rng = problem
    dh, dc_T = rng.normal(size=(6, 2, 4)), rng.normal(size=(2, 4))
    ref = lstm_backward(lstm_forward(x, params, h0, c0), params, dh, dc_T)
    fused = lstm_backward_fused(lstm_forward_fused(x, params, h0, c0), params, dh, dc_T)
    for name in ("W_x", "W_h", "b", "x", "h0", "c0", "h", "c"):
        np.testing.assert_allclose(getattr(fused, name), getattr(ref, name), atol=1e-13)


def test_fused_forward_validates_like_the_reference(problem):
    params, x, *_ = problem
    with pytest.raises(ValueError, match="time first"):
        lstm_forward_fused(x[:, :, :2], params)
    with pytest.raises(TypeError, match="cast one of them"):
        lstm_forward_fused(x.astype(np.float32), params)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_every_implementation_computes_the_same_outputs():
    shape = LSTMShape(steps=5, batch=3, inputs=4, hidden=6)
    expected = make_runner("numpy_reference", shape).outputs()
    assert expected.shape == (5, 3, 6)
    ran = []
    for name in IMPLEMENTATIONS:
        try:
            runner = make_runner(name, shape, backward=True)
        except ImplementationUnavailableError as why:  # only torch.compile may be missing
            assert name == "torch_compiled_loop" and "C++ compiler" in str(why)
            continue
        with runner:
            runner()  # the backward pass builds and runs
            np.testing.assert_allclose(runner.outputs(), expected, atol=1e-5, err_msg=name)
        ran.append(name)
    assert len(ran) >= len(IMPLEMENTATIONS) - 1


def test_a_failed_compilation_is_reported_as_unavailable(monkeypatch):
    import torch

    def broken(fn, **kwargs):
        def fail(*args):
            raise RuntimeError("C++ compile error")

        return fail

    monkeypatch.setattr(torch, "compile", broken)
    with pytest.raises(ImplementationUnavailableError, match="needs a C\\+\\+ compiler"):
        make_runner("torch_compiled_loop", LSTMShape(2, 2, 3, 4))


def test_make_runner_names_the_choices():
    with pytest.raises(ValueError, match="choose one of numpy_reference, numpy_fused"):
        make_runner("cudnn", LSTMShape(1, 1, 1, 1))
    with pytest.raises(TypeError, match="must be an LSTMShape"):
        make_runner("numpy_fused", (1, 1, 1, 1))


def test_the_no_cuda_runtime_notice_is_dropped_while_compiling_only():
    """A CUDA build of PyTorch without a GPU logs this notice at inductor's first compile; the
    runner drops it there (a notebook cell would otherwise print to stderr), and nowhere else."""
    import logging

    from lstm_utils.benchmarks.torch_runners import _no_cuda_runtime_notice

    logger = logging.getLogger("torch.utils.cpp_extension")
    seen: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: seen.append(record.getMessage())
    logger.addHandler(handler)
    try:
        with _no_cuda_runtime_notice():
            logger.warning("No CUDA runtime is found, using CUDA_HOME='%s'", "/usr/local")
            logger.warning("another warning")
        logger.warning("No CUDA runtime is found, using CUDA_HOME='%s'", "/opt/cuda")
    finally:
        logger.removeHandler(handler)
    assert seen == ["another warning", "No CUDA runtime is found, using CUDA_HOME='/opt/cuda'"]
