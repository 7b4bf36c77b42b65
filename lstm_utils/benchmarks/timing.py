"""Timing a callable or the phases of a loop; the machine's GEMM rate and memory bandwidth."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator

import numpy as np


def best_time(fn: Callable[[], object], repeats: int = 5, warmup: int = 1) -> float:
    """The fastest of ``repeats`` timed calls of ``fn()``, in seconds, after ``warmup`` calls.

    The minimum, not the mean: other processes and caches only ever add time, so the fastest
    run is the best estimate of what the code itself costs.
    """
    if repeats < 1 or warmup < 0:
        raise ValueError(f"need repeats ≥ 1 and warmup ≥ 0, got {repeats} and {warmup}.")
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def gemm_gflops(n: int = 2048, library: str = "numpy", repeats: int = 5) -> float:
    """GFLOP/s of an n × n by n × n float32 product (2n³ FLOPs), in NumPy or PyTorch."""
    if n < 1:
        raise ValueError(f"n must be positive, got {n}.")
    rng = np.random.default_rng(0)
    a, b = rng.random((2, n, n), dtype=np.float32)
    if library == "numpy":
        out = np.empty((n, n), np.float32)
        seconds = best_time(lambda: np.matmul(a, b, out=out), repeats)
    elif library == "torch":
        import torch

        ta, tb, out_t = torch.from_numpy(a), torch.from_numpy(b), torch.empty(n, n)
        seconds = best_time(lambda: torch.mm(ta, tb, out=out_t), repeats)
    else:
        raise ValueError(f"library must be 'numpy' or 'torch', got {library!r}.")
    return 2 * n**3 / seconds / 1e9


def copy_bandwidth_gbs(megabytes: int = 256, repeats: int = 5) -> float:
    """Memory bandwidth in GB/s from copying a ``megabytes`` float32 array (read + write).

    The array must be much larger than the last-level cache for this to measure memory,
    not cache; 256 MB is, on every current laptop or server CPU.
    """
    if megabytes < 1:
        raise ValueError(f"megabytes must be positive, got {megabytes}.")
    src = np.ones(megabytes * 2**20 // 4, np.float32)
    dst = np.empty_like(src)
    seconds = best_time(lambda: np.copyto(dst, src), repeats)
    return 2 * src.nbytes / seconds / 1e9


class PhaseTimer:
    """Wall-clock time per named phase of a loop, accumulated over iterations.

    >>> timer = PhaseTimer()
    >>> with timer("data"):
    ...     pass
    >>> sorted(timer.seconds)
    ['data']
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextlib.contextmanager
    def __call__(self, phase: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            elapsed = time.perf_counter() - start
            self.seconds[phase] = self.seconds.get(phase, 0.0) + elapsed

    def fractions(self) -> dict[str, float]:
        """Each phase's share of the total time; raises if nothing was timed yet."""
        total = sum(self.seconds.values())
        if total <= 0:
            raise ValueError("no time recorded yet: wrap phases in `with timer(name):` first.")
        return {phase: s / total for phase, s in self.seconds.items()}
