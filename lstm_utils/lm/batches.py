"""Batches for training a language model with truncated backpropagation through time.

Two ways to cut a long sequence of token ids into (input, target) batches of shape
(B, steps), targets being the inputs shifted by one position:

- :class:`StreamBatches`: the sequence is laid out as B contiguous streams, and window k + 1
  of each stream continues window k, so the recurrent state can be carried from one batch to
  the next (and the model sees contexts longer than ``steps``);
- :func:`random_windows`: B windows from random positions, independent of each other and of
  the previous batch, so the state must start from zero every time.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch

Batch = tuple[torch.Tensor, torch.Tensor]


def _as_ids(ids: np.ndarray | torch.Tensor) -> torch.Tensor:
    ids = torch.as_tensor(ids)
    if ids.dim() != 1:
        raise ValueError(f"ids must be one-dimensional (one long sequence), got {ids.dim()} dims")
    if ids.dtype.is_floating_point or ids.dtype == torch.bool or ids.dtype.is_complex:
        raise ValueError(f"ids must be integer token ids, got dtype {ids.dtype}")
    return ids.long()


class StreamBatches:
    """``ids`` as ``batch_size`` contiguous streams, cut into windows of ``steps`` tokens.

    Stream b is ``ids[b * L : (b + 1) * L]`` with L = ``len(ids) // batch_size`` (the last
    ``len(ids) % batch_size`` tokens are dropped). ``batches[k]`` is the pair (x, y) of shape
    (batch_size, steps) with ``x[b] = stream_b[k * steps : (k + 1) * steps]`` and ``y`` the
    same window one token later, so row b of batch k + 1 starts where row b of batch k ended.
    ``len(batches)`` windows make one pass (epoch) over the data; iterating yields them in
    order.
    """

    def __init__(self, ids: np.ndarray | torch.Tensor, batch_size: int, steps: int) -> None:
        ids = _as_ids(ids)
        if batch_size < 1 or steps < 1:
            raise ValueError(f"batch_size and steps must be positive, got {batch_size}, {steps}")
        length = len(ids) // batch_size
        if length < steps + 1:
            raise ValueError(
                f"{len(ids)} tokens make streams of {length} tokens for batch_size={batch_size}, "
                f"too short for one window of steps={steps} plus its target; use a smaller "
                "batch_size or steps"
            )
        self.streams = ids[: length * batch_size].view(batch_size, length)
        self.steps = steps

    def __len__(self) -> int:
        return (self.streams.shape[1] - 1) // self.steps

    def __getitem__(self, k: int) -> Batch:
        if not -len(self) <= k < len(self):
            raise IndexError(f"batch {k} out of range for {len(self)} batches")
        start = (k % len(self)) * self.steps
        window = self.streams[:, start : start + self.steps + 1]
        return window[:, :-1], window[:, 1:]

    def __iter__(self) -> Iterator[Batch]:
        return (self[k] for k in range(len(self)))


def parallel_streams(ids: np.ndarray | torch.Tensor, streams: int) -> Batch:
    """``ids`` cut into ``streams`` contiguous pieces of L = (len(ids) − 1) // ``streams`` tokens,
    read side by side: inputs of shape (streams, L) and the targets one token later. The trailing
    tokens that do not fill a piece are left out (the layout of evaluation, one pass)."""
    ids = _as_ids(ids)
    if not 1 <= streams <= len(ids) - 1:
        raise ValueError(f"{len(ids)} tokens cannot fill streams={streams}; use fewer streams")
    length = (len(ids) - 1) // streams
    inputs = ids[: streams * length].view(streams, length)
    return inputs, ids[1 : streams * length + 1].view(streams, length)


def random_windows(
    ids: np.ndarray | torch.Tensor, batch_size: int, steps: int, generator: torch.Generator
) -> Batch:
    """``batch_size`` windows of ``steps`` tokens from independent random positions of
    ``ids`` (drawn with ``generator``), and their targets one token later."""
    ids = _as_ids(ids)
    if len(ids) < steps + 1:
        raise ValueError(f"{len(ids)} tokens are too few for a window of steps={steps}")
    starts = torch.randint(len(ids) - steps, (batch_size,), generator=generator)
    window = ids[starts[:, None] + torch.arange(steps + 1)]
    return window[:, :-1], window[:, 1:]
