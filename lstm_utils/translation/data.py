"""Dates as people write them, in several languages and formats, paired with ISO 8601.

The strings come from Babel's copy of the Unicode CLDR data (month and weekday names, and each
locale's 'short', 'medium', 'long' and 'full' date patterns), so nothing is hand-written. The
split is by *date*: every calendar day belongs to exactly one of the training or test days,
and all of a day's renderings go with it, so no test date appears in training in any format.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from babel.dates import format_date

#: The locales and CLDR formats used. Spanish 'short' ("3/4/98", day first) is left out:
#: it collides with US English 'short' ("3/4/98", month first), and no model can tell them
#: apart without being told the locale.
LOCALES = ("en_US", "de_DE", "fr_FR", "es_ES")
FORMATS = ("short", "medium", "long", "full")
EXCLUDED = (("es_ES", "short"),)
STYLES = tuple((loc, fmt) for loc in LOCALES for fmt in FORMATS if (loc, fmt) not in EXCLUDED)
FIRST_DAY, LAST_DAY = dt.date(1950, 1, 1), dt.date(2049, 12, 31)

PAD, BOS, EOS, UNK = 0, 1, 2, 3
SPECIALS = ("<pad>", "<s>", "</s>", "<unk>")


def all_days(first: dt.date = FIRST_DAY, last: dt.date = LAST_DAY) -> list[dt.date]:
    """Every calendar day from ``first`` to ``last``, inclusive."""
    if last < first:
        raise ValueError(f"last ({last}) is before first ({first}); swap them")
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def render(day: dt.date, style: tuple[str, str]) -> str:
    """``day`` written in ``style`` = (locale, CLDR format name), e.g. ("de_DE", "long")."""
    locale, fmt = style
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, got {fmt!r}")
    return format_date(day, fmt, locale=locale)


def iso(day: dt.date) -> str:
    """The ISO 8601 form of ``day``, the target: always 10 characters, e.g. 1998-03-03."""
    return day.isoformat()


@dataclass(frozen=True)
class DatePair:
    """One example: the source string, its ISO target, the day and the style it came from."""

    source: str
    target: str
    day: dt.date
    style: tuple[str, str]


def split_days(
    days: Sequence[dt.date], test_fraction: float, rng: np.random.Generator
) -> tuple[list[dt.date], list[dt.date]]:
    """A random partition of ``days`` into (train, test), ``test_fraction`` of them tested.

    Splitting the *days*, not the strings, keeps every rendering of a test day out of
    training: "3. März 1998" and "March 3, 1998" are the same date and go to the same side.
    """
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction}")
    order = rng.permutation(len(days))
    n_test = round(test_fraction * len(days))
    if n_test == 0 or n_test == len(days):
        raise ValueError(f"{len(days)} days cannot be split with test_fraction={test_fraction}")
    test = sorted(days[i] for i in order[:n_test])
    train = sorted(days[i] for i in order[n_test:])
    return train, test


def render_all(
    days: Sequence[dt.date], styles: Sequence[tuple[str, str]] = STYLES
) -> list[DatePair]:
    """Every day in every style, duplicates of the same (string, day) dropped (French
    'medium' and 'long' agree for months without an abbreviation, e.g. "3 mars 1998")."""
    seen, pairs = set(), []
    for day in days:
        for style in styles:
            source = render(day, style)
            if (source, day) not in seen:
                seen.add((source, day))
                pairs.append(DatePair(source, iso(day), day, style))
    return pairs


def ambiguous_sources(pairs: Sequence[DatePair]) -> dict[str, set[dt.date]]:
    """Source strings that stand for more than one date (empty for this chapter's styles)."""
    dates: dict[str, set[dt.date]] = {}
    for p in pairs:
        dates.setdefault(p.source, set()).add(p.day)
    return {s: d for s, d in dates.items() if len(d) > 1}


def leaked_days(train: Sequence[DatePair], test: Sequence[DatePair]) -> set[dt.date]:
    """Test dates that occur in training, in any form: as a day, or through a source or target
    string shared with a training example. Empty for a split made by :func:`split_days`."""
    train_days = {p.day for p in train}
    train_sources = {p.source for p in train}
    train_targets = {p.target for p in train}
    return {
        p.day
        for p in test
        if p.day in train_days or p.source in train_sources or p.target in train_targets
    }


class CharVocab:
    """Characters to ids and back; ids 0-3 are ``<pad>``, ``<s>``, ``</s>``, ``<unk>``.

    Built from the training sources and targets; a character never seen in training reads
    as ``<unk>``.
    """

    def __init__(self, texts: Sequence[str]) -> None:
        chars = sorted({c for text in texts for c in text})
        self.itos = list(SPECIALS) + chars
        self.stoi = {c: i for i, c in enumerate(self.itos)}

    def __len__(self) -> int:
        return len(self.itos)

    def encode(self, text: str, eos: bool = False) -> list[int]:
        """The ids of ``text``'s characters, ``</s>`` appended if ``eos``."""
        ids = [self.stoi.get(c, UNK) for c in text]
        return [*ids, EOS] if eos else ids

    def decode(self, ids: Sequence[int]) -> str:
        """The text of ``ids``, stopping at the first ``</s>``; padding and ``<s>`` skipped."""
        out = []
        for i in ids:
            i = int(i)
            if i == EOS:
                break
            if i not in (PAD, BOS):
                out.append(self.itos[i] if 0 <= i < len(self.itos) else SPECIALS[UNK])
        return "".join(out)


@dataclass
class EncodedPairs:
    """Padded id tensors for a list of pairs (on the CPU, int64).

    ``src`` (N, S) with lengths ``src_len`` (N,); ``tgt_in`` (N, T) starts with ``<s>``,
    ``tgt_out`` (N, T) ends with ``</s>`` (teacher forcing: the decoder reads ``tgt_in`` and
    is scored on ``tgt_out``).
    """

    src: torch.Tensor
    src_len: torch.Tensor
    tgt_in: torch.Tensor
    tgt_out: torch.Tensor

    def __len__(self) -> int:
        return len(self.src)

    def take(self, index: np.ndarray | torch.Tensor) -> EncodedPairs:
        """The rows ``index``, re-padded to their own longest source."""
        index = torch.as_tensor(index, dtype=torch.long)
        src_len = self.src_len[index]
        width = int(src_len.max())
        return EncodedPairs(
            self.src[index, :width], src_len, self.tgt_in[index], self.tgt_out[index]
        )


def _encode_block(texts: Sequence[str], vocab: CharVocab, eos: bool) -> torch.Tensor:
    """(N, longest + eos) ids, right-padded with ``<pad>``; vectorised through code points."""
    codes = np.array(texts, dtype=str)
    codes = codes.view(np.uint32).reshape(len(texts), -1)  # code points, 0 = padding
    chars = {char: i for char, i in vocab.stoi.items() if len(char) == 1}
    size = max(int(codes.max()), *map(ord, chars)) + 1
    table = np.full(size, UNK, dtype=np.int64)
    for char, i in chars.items():
        table[ord(char)] = i
    table[0] = PAD
    ids = table[codes]
    if eos:
        ids = np.concatenate([ids, np.full((len(texts), 1), PAD, dtype=np.int64)], 1)
        ids[np.arange(len(texts)), [len(t) for t in texts]] = EOS
    return torch.from_numpy(ids)


def encode_pairs(pairs: Sequence[DatePair], vocab: CharVocab) -> EncodedPairs:
    """Encode and pad ``pairs`` with ``vocab`` (sources right-padded with ``<pad>``)."""
    if len(pairs) == 0:
        raise ValueError("no pairs to encode; pass at least one DatePair")
    if any(len(p.source) == 0 for p in pairs):
        raise ValueError("a source string is empty; every example needs at least one character")
    if any("\0" in p.source or "\0" in p.target for p in pairs):
        raise ValueError("a string contains a NUL character; remove it before encoding")
    src = _encode_block([p.source for p in pairs], vocab, eos=False)
    tgt_out = _encode_block([p.target for p in pairs], vocab, eos=True)
    tgt_in = torch.cat([torch.full_like(tgt_out[:, :1], BOS), tgt_out[:, :-1]], 1)
    tgt_in = tgt_in.masked_fill(tgt_in == EOS, PAD)
    src_len = torch.tensor([len(p.source) for p in pairs], dtype=torch.long)
    return EncodedPairs(src, src_len, tgt_in, tgt_out)
