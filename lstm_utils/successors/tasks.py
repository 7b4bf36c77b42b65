"""Synthetic tasks that separate what a fixed-size state can do from what attention can do.

Each batch function returns ``(x, y, mask)``: input ids (B, T), target ids (B, T) and a boolean
mask (B, T) of the positions that are scored; a model predicts y[:, t] from x[:, : t + 1].

- **Parity** (a regular language; Delétang et al. 2023 score its last step only): x is a
  random bit string, y[:, t] the parity of x[:, : t + 1] (every step is scored).
- **aⁿbⁿ** (a counter language, Gers & Schmidhuber 2001): next-symbol prediction on
  a…a b…b E. The a's and the first b are unpredictable; from the first b on every next symbol
  is determined (n − 1 more b's, then E), and those n steps are scored.
- **Multi-query associative recall** (after Arora et al. 2023, "Zoology"): ``pairs``
  key–value pairs, then every key again in a random order; the value of each is scored.
"""

from __future__ import annotations

import numpy as np
import torch

TaskBatch = tuple[torch.Tensor, torch.Tensor, torch.Tensor]

#: Symbols of the aⁿbⁿ task.
A, B, END = 0, 1, 2


def parity_batch(batch: int, length: int, rng: np.random.Generator) -> TaskBatch:
    """``batch`` random bit strings of ``length`` bits and their running parities."""
    if batch < 1 or length < 1:
        raise ValueError(f"batch and length must be positive, got {batch} and {length}")
    bits = rng.integers(0, 2, size=(batch, length))
    x = torch.from_numpy(bits)
    y = torch.from_numpy(np.cumsum(bits, axis=1) % 2)
    return x, y, torch.ones_like(x, dtype=torch.bool)


def anbn_batch(ns: np.ndarray | list[int]) -> TaskBatch:
    """One string aⁿbⁿE per n in ``ns`` (each n ≥ 1), padded with E to the longest; inputs
    are the string without its last symbol, targets the string from its second symbol."""
    ns = np.asarray(ns)
    if ns.ndim != 1 or len(ns) == 0 or not np.issubdtype(ns.dtype, np.integer) or ns.min() < 1:
        raise ValueError(f"ns must be a non-empty list of integers >= 1, got {ns!r}")
    width = 2 * int(ns.max()) + 1
    seq = np.full((len(ns), width + 1), END)
    positions = np.arange(width + 1)
    seq[positions < ns[:, None]] = A
    seq[(positions >= ns[:, None]) & (positions < 2 * ns[:, None])] = B
    x, y = torch.from_numpy(seq[:, :-1]), torch.from_numpy(seq[:, 1:])
    # scored: the steps whose input is a b (the next symbol is b or the final E)
    mask = torch.from_numpy((positions[:-1] >= ns[:, None]) & (positions[:-1] < 2 * ns[:, None]))
    return x, y, mask


def recall_vocab_size(keys: int, values: int) -> int:
    """Number of distinct ids in :func:`recall_batch`: keys, values and one per (key, value)."""
    return keys + values + keys * values


def recall_batch(
    batch: int, pairs: int, keys: int, values: int, rng: np.random.Generator
) -> TaskBatch:
    """Multi-query associative recall with each key–value pair as one token.

    Ids 0 … keys − 1 are the keys (asked as queries), keys … keys + values − 1 the values (the
    answers) and keys + values + k · values + v the pair (k, v). Each row draws ``pairs``
    distinct keys and a random value for each, shows the ``pairs`` pair tokens, then asks every
    key once in a random order: x has length 2 · ``pairs``; at each query the target is its
    value. Zoology's MQAR shows a key and its value as two tokens (an attention model then
    needs two layers to look up the token after the matching key); one token per pair lets one
    attention layer do it and keeps training short.
    """
    if not 1 <= pairs <= keys or values < 1 or batch < 1:
        raise ValueError(f"need 1 <= pairs <= keys and values, batch >= 1; got pairs={pairs}, "
                         f"keys={keys}, values={values}, batch={batch}")  # fmt: skip
    chosen = np.argsort(rng.random((batch, keys)), axis=1)[:, :pairs]
    vals = rng.integers(0, values, size=(batch, pairs))
    order = np.argsort(rng.random((batch, pairs)), axis=1)
    asked = np.take_along_axis(chosen, order, axis=1)
    answers = np.take_along_axis(vals, order, axis=1)
    x = np.concatenate([keys + values + chosen * values + vals, asked], axis=1)
    y = np.concatenate([np.zeros_like(vals), keys + answers], axis=1)
    mask = np.zeros(x.shape, dtype=bool)
    mask[:, pairs:] = True
    return torch.from_numpy(x), torch.from_numpy(y), torch.from_numpy(mask)
