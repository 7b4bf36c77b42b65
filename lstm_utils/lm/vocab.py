"""A vocabulary: the map between symbols (characters or words) and integer ids."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence

import numpy as np

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|[.,;:!?]")


def word_tokens(text: str) -> list[str]:
    """Lower-cased words (with inner apostrophes: ``"don't"``) and the punctuation marks
    ``. , ; : ! ?`` of ``text``, in order; everything else (digits, quotes, dashes) is
    dropped. ``word_tokens("Hello, World!")`` is ``["hello", ",", "world", "!"]``."""
    return _WORD.findall(text.lower())


class Vocabulary:
    """Symbols numbered 0 … V − 1, in the order given.

    Build one from training data with :meth:`build`. With ``unk`` set, :meth:`encode` maps
    every symbol it does not know to the unknown token's id; without it, an unknown symbol is
    an error, which is what a character vocabulary wants (a new character means the data
    changed, not that it is rare).
    """

    def __init__(self, symbols: Sequence[Hashable], unk: Hashable | None = None) -> None:
        symbols = tuple(symbols)
        if not symbols:
            raise ValueError("a vocabulary needs at least one symbol")
        if len(set(symbols)) != len(symbols):
            repeated = sorted((s for s, c in Counter(symbols).items() if c > 1), key=repr)
            raise ValueError(f"symbols must be distinct; repeated: {repeated[:5]!r}")
        if unk is not None and unk not in symbols:
            raise ValueError(f"the unknown token {unk!r} must be one of the symbols")
        self.symbols = symbols
        self.unk = unk
        self.index = {s: i for i, s in enumerate(symbols)}

    @classmethod
    def build(
        cls, data: Iterable[Hashable], min_count: int = 1, unk: Hashable | None = None
    ) -> Vocabulary:
        """The symbols of ``data`` seen at least ``min_count`` times, most frequent first (ties
        in order of first appearance); with ``unk``, the unknown token comes first (id 0).

        A character vocabulary is ``Vocabulary.build(text)``; a word vocabulary with rare
        words folded into ``"<unk>"`` is ``Vocabulary.build(words, min_count=2, unk="<unk>")``.
        """
        if min_count < 1:
            raise ValueError(f"min_count must be at least 1, got {min_count}")
        if min_count > 1 and unk is None:
            raise ValueError(
                f"min_count={min_count} drops rare symbols, so the vocabulary needs an unknown "
                'token for them: pass unk="<unk>" (or any symbol not in the data)'
            )
        counts = Counter(data)
        if unk is not None and unk in counts:
            raise ValueError(f"the unknown token {unk!r} occurs in the data; choose another one")
        kept = [s for s, c in sorted(counts.items(), key=lambda sc: -sc[1]) if c >= min_count]
        return cls(([unk] if unk is not None else []) + kept, unk=unk)

    def __len__(self) -> int:
        return len(self.symbols)

    def __repr__(self) -> str:
        unk = f", unk={self.unk!r}" if self.unk is not None else ""
        return f"Vocabulary({len(self)} symbols{unk})"

    def encode(self, data: Iterable[Hashable]) -> np.ndarray:
        """The ids of ``data``'s symbols, as an int64 array."""
        if self.unk is None:
            try:
                return np.fromiter((self.index[s] for s in data), dtype=np.int64)
            except KeyError as error:
                raise ValueError(
                    f"symbol {error.args[0]!r} is not in the vocabulary; build the vocabulary "
                    "with unk=... to map unknown symbols to one token"
                ) from None
        unk_id = self.index[self.unk]
        return np.fromiter((self.index.get(s, unk_id) for s in data), dtype=np.int64)

    def decode(self, ids: Iterable[int]) -> list[Hashable]:
        """The symbols of ``ids`` (``"".join(vocab.decode(ids))`` for characters)."""
        ids = np.asarray(ids) if hasattr(ids, "__array__") else np.fromiter(ids, dtype=np.int64)
        if ids.size and not np.issubdtype(ids.dtype, np.integer):
            raise ValueError(f"ids must be integers, got dtype {ids.dtype}")
        if ids.size and (ids.min() < 0 or ids.max() >= len(self)):
            raise ValueError(f"ids must be in [0, {len(self)}), got values {ids.min()}…{ids.max()}")
        return [self.symbols[i] for i in ids.ravel().tolist()]
