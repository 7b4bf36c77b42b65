"""A vocabulary: the map between symbols (characters or words) and integer ids."""

from __future__ import annotations

import numbers
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
        self._types = tuple({type(s) for s in symbols})
        words = [
            s
            for s in symbols
            if isinstance(s, str) and len(s) > 1 and s != unk and not _is_marker(s)
        ]
        #: A word of the vocabulary if it holds words (multi-character strings other than the
        #: unknown token and markers like "<pad>"), else None: then a string is not refused.
        self._word_example = words[0] if words else None

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

    def _unknown(self, symbol: object, unk_id: int | None) -> int:
        """The id for a symbol not in the vocabulary, or the error that names why."""
        if not isinstance(symbol, self._types):
            raise TypeError(
                f"encode got {symbol!r} of type {type(symbol).__name__}, but the vocabulary's "
                f"symbols are {' / '.join(sorted(t.__name__ for t in self._types))}"
                + (
                    "; to turn ids back into symbols, use decode(ids)"
                    if isinstance(symbol, numbers.Number) or getattr(symbol, "ndim", None) == 0
                    else ""
                )
            )
        if unk_id is None:
            raise ValueError(
                f"symbol {symbol!r} is not in the vocabulary; build the vocabulary "
                "with unk=... to map unknown symbols to one token"
            )
        return unk_id

    def encode(self, data: Iterable[Hashable]) -> np.ndarray:
        """The ids of ``data``'s symbols, as an int64 array.

        A string is a sequence of characters: a character vocabulary encodes it directly, a
        word vocabulary refuses it (pass its tokens, e.g. ``encode(word_tokens(text))``). A
        symbol of another type than the vocabulary's (an id, a number) is refused, even when
        an unknown token could stand for it.
        """
        if isinstance(data, str) and self._word_example is not None:
            raise TypeError(
                f"encode got a string, but this vocabulary holds words (e.g. "
                f"{self._word_example!r}), and "
                "a string would be read one character at a time. Pass a list of tokens, e.g. "
                "vocab.encode(word_tokens(text))."
            )
        if isinstance(data, np.ndarray) and data.ndim != 1:
            raise ValueError(
                f"encode takes one sequence of symbols, got an array of shape {data.shape}; "
                "encode each row separately."
            )
        unk_id = None if self.unk is None else self.index[self.unk]
        index = self.index
        return np.fromiter(
            (i if (i := index.get(s)) is not None else self._unknown(s, unk_id) for s in data),
            dtype=np.int64,
        )

    def decode(self, ids: Iterable[int]) -> list[Hashable]:
        """The symbols of ``ids``, a sequence of integers (``"".join(vocab.decode(ids))`` for
        characters); floats, booleans and arrays of rank other than 1 are refused."""
        ids = np.asarray(ids if hasattr(ids, "__array__") else list(ids))
        if ids.ndim != 1:
            raise ValueError(
                f"decode takes one sequence of ids (rank 1), got shape {ids.shape}; decode each "
                "row separately, e.g. [vocab.decode(row) for row in ids]."
            )
        if ids.size and not np.issubdtype(ids.dtype, np.integer):
            raise TypeError(
                f"ids must be integers, got dtype {ids.dtype}; ids are never rounded. If they "
                "come from a float tensor, convert it with ids.long() (PyTorch) or "
                "ids.astype(np.int64) after checking they are whole numbers."
            )
        if ids.size and (ids.min() < 0 or ids.max() >= len(self)):
            raise ValueError(f"ids must be in [0, {len(self)}), got values {ids.min()}…{ids.max()}")
        return [self.symbols[i] for i in ids.tolist()]


def _is_marker(symbol: str) -> bool:
    """``"<pad>"``, ``"<unk>"``, ``"<eos>"``…: a special token, not a word."""
    return len(symbol) > 2 and symbol[0] == "<" and symbol[-1] == ">"
