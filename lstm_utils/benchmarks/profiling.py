"""Operator-level time of a PyTorch callable, from ``torch.profiler``, without its log lines."""

from __future__ import annotations

from collections.abc import Callable

from lstm_utils._quiet import stderr_silenced


def operator_times(fn: Callable[[], object]) -> dict[str, float]:
    """Run ``fn()`` under ``torch.profiler`` (CPU activity) and return each operator's self
    time in seconds, e.g. ``{"aten::mkldnn_rnn_layer": 0.05, ...}``.

    The profiler's own start and stop lines, which its C++ side writes to the process's
    stderr, are silenced.
    """
    from torch.profiler import ProfilerActivity, profile

    with stderr_silenced(), profile(activities=[ProfilerActivity.CPU]) as prof:
        fn()
    return {event.key: event.self_cpu_time_total / 1e6 for event in prof.key_averages()}
