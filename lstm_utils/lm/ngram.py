"""An interpolated Kneser–Ney n-gram language model over any symbols (characters or words).

The baseline a neural language model has to beat (Chen and Goodman, 1999). The highest order
uses raw counts; lower orders use *continuation* counts (in how many distinct contexts a
symbol sequence appears), and every order interpolates with the next lower one, down to the
uniform distribution over the vocabulary, so every symbol of the vocabulary has a non-zero
probability and every conditional distribution sums to one. One absolute discount per order,
D = n1 / (n1 + 2 n2) from the counts of counts (Ney et al., 1994), unless given.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Sequence

import numpy as np


class KneserNeyLM:
    """Interpolated Kneser–Ney model of ``order`` n (n − 1 symbols of context).

    ``fit(symbols)`` counts a training sequence (a ``str`` for characters, or a sequence of
    hashable tokens such as words); ``prob(symbol, context)``, ``distribution(context)`` and
    ``bits_per_symbol(symbols)`` evaluate it. Symbols outside the training vocabulary raise
    ``ValueError``: map them to an unknown token first.
    """

    def __init__(self, order: int, discount: float | None = None) -> None:
        if not isinstance(order, int) or order < 1:
            raise ValueError(f"order must be an int >= 1, got {order!r}")
        if discount is not None and not 0 < discount < 1:
            raise ValueError(f"discount must be in (0, 1), got {discount}")
        self.order = order
        self._fixed_discount = discount
        self.vocab: tuple[Hashable, ...] = ()

    def fit(self, symbols: Sequence[Hashable]) -> KneserNeyLM:
        """Count every n-gram of ``symbols`` up to the model's order; returns ``self``."""
        seq = symbols if isinstance(symbols, str) else tuple(symbols)
        if len(seq) < self.order:
            raise ValueError(
                f"a training sequence of {len(seq)} symbols is shorter than the order {self.order}"
            )
        self._empty = seq[:0]
        self.vocab = tuple(sorted(set(seq), key=repr))
        self._index = {s: i for i, s in enumerate(self.vocab)}
        n = self.order
        # counts[k]: n-gram -> count used at order k (raw for k = n, continuation below).
        counts: list[Counter] = [Counter() for _ in range(n + 1)]
        counts[n] = Counter(seq[i : i + n] for i in range(len(seq) - n + 1))
        for k in range(n - 1, 0, -1):
            # Continuation count: in how many distinct one-symbol-longer contexts it occurs.
            counts[k] = Counter(gram[1:] for gram in counts[k + 1])
        self._counts = counts
        # Per order: context -> (total count, number of distinct followers).
        self._context_stats: list[dict] = [{} for _ in range(n + 1)]
        self._discounts = [0.0] * (n + 1)
        for k in range(1, n + 1):
            stats: dict = {}
            for gram, c in counts[k].items():
                total, types = stats.get(gram[:-1], (0, 0))
                stats[gram[:-1]] = (total + c, types + 1)
            self._context_stats[k] = stats
            self._discounts[k] = self._fixed_discount or self._estimate_discount(counts[k])
        return self

    @staticmethod
    def _estimate_discount(counts: Counter) -> float:
        of = Counter(counts.values())
        n1, n2 = of.get(1, 0), of.get(2, 0)
        return n1 / (n1 + 2 * n2) if n1 and n2 else 0.5

    def _check_fitted(self) -> None:
        if not self.vocab:
            raise RuntimeError("the model is not fitted; call fit(symbols) first")

    def _prob(self, symbol: Hashable, context: Sequence[Hashable]) -> float:
        """P(symbol | last order-1 symbols of context), interpolated down to uniform."""
        p = 1.0 / len(self.vocab)
        history = context[len(context) - (self.order - 1) :] if self.order > 1 else self._empty
        for k in range(1, self.order + 1):
            # Order k conditions on the last k - 1 symbols of the history.
            h = history[len(history) - (k - 1) :] if k > 1 else self._empty
            if len(h) < k - 1:
                break  # not enough history for this order: keep the lower-order estimate
            total, types = self._context_stats[k].get(h, (0, 0))
            if total == 0:
                continue  # unseen context: back off entirely to order k - 1
            c = self._counts[k].get(h + symbol, 0)
            d = self._discounts[k]
            p = max(c - d, 0.0) / total + d * types / total * p
        return p

    def _as_context(self, context: Sequence[Hashable]) -> Sequence[Hashable]:
        """``context`` in the training sequence's type (str or tuple), so slices are keys."""
        if isinstance(self._empty, str):
            return context if isinstance(context, str) else "".join(context)
        return tuple(context)

    def _check_symbols(self, symbols: Sequence[Hashable]) -> None:
        unknown = set(symbols) - set(self._index)
        if unknown:
            raise ValueError(
                f"{len(unknown)} symbol(s) not in the training vocabulary, e.g. "
                f"{sorted(unknown, key=repr)[:5]}; map them to an unknown token before fitting"
            )

    def prob(self, symbol: Hashable, context: Sequence[Hashable] = ()) -> float:
        """P(symbol | context); only the last ``order - 1`` symbols of ``context`` matter."""
        self._check_fitted()
        context = self._as_context(context)
        self._check_symbols([symbol, *context])
        token = symbol if isinstance(self._empty, str) else (symbol,)
        return self._prob(token, context)

    def distribution(self, context: Sequence[Hashable] = ()) -> np.ndarray:
        """P(· | context) over ``self.vocab``, as an array that sums to one."""
        self._check_fitted()
        context = self._as_context(context)
        self._check_symbols(context)
        wrap = (lambda s: s) if isinstance(self._empty, str) else (lambda s: (s,))
        return np.array([self._prob(wrap(s), context) for s in self.vocab])

    def bits_per_symbol(self, symbols: Sequence[Hashable], history: Sequence = ()) -> float:
        """Mean −log2 P of each symbol given the ones before it (``history`` precedes them).

        Bits per character for a character model; 2 ** result is the perplexity.
        """
        self._check_fitted()
        seq = self._as_context(symbols)
        full = self._as_context(history) + seq
        self._check_symbols(full)
        if len(seq) == 0:
            raise ValueError("cannot evaluate an empty sequence")
        offset = len(full) - len(seq)
        span = self.order - 1
        bits = 0.0
        for i in range(offset, len(full)):
            context = full[max(0, i - span) : i]
            bits -= math.log2(self._prob(full[i : i + 1], context))
        return bits / len(seq)
