"""The baseline every tagger has to beat: tag each word with its most frequent training tag."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence


def word_shape(word: str) -> str:
    """A coarse shape class: ``"number"`` (has a digit), ``"symbol"`` (no letter or digit),
    ``"capitalised"`` (first character upper-case) or ``"lower"``."""
    if any(c.isdigit() for c in word):
        return "number"
    if not any(c.isalnum() for c in word):
        return "symbol"
    return "capitalised" if word[:1].isupper() else "lower"


class MostFrequentTagger:
    """Tags a known word with its most frequent tag in training (ties: the tag seen first).

    An unknown word gets the most frequent tag of the *rare* training words (seen once) of the
    same :func:`word_shape`: words seen once are the training words most like unseen ones (on
    UD English EWT the rare lower-case ones are most often nouns, the capitalised ones proper
    nouns).
    """

    def __init__(self) -> None:
        self.word_tag: dict[str, str] = {}
        self.shape_tag: dict[str, str] = {}

    def fit(self, sentences: Iterable[tuple[Sequence[str], Sequence[str]]]) -> MostFrequentTagger:
        """Count (word, tag) pairs in ``sentences`` of (words, tags); returns ``self``."""
        counts: dict[str, Counter] = defaultdict(Counter)
        for words, tags in sentences:
            if len(words) != len(tags):
                raise ValueError(f"{len(words)} words but {len(tags)} tags in one sentence")
            for word, tag in zip(words, tags, strict=True):
                counts[word][tag] += 1
        if not counts:
            raise ValueError("no training sentences")
        self.word_tag = {w: c.most_common(1)[0][0] for w, c in counts.items()}
        rare: dict[str, Counter] = defaultdict(Counter)
        for word, c in counts.items():
            if c.total() == 1:
                rare[word_shape(word)].update(c)
        overall = Counter(tag for c in counts.values() for tag in c.elements()).most_common(1)
        self.shape_tag = {s: overall[0][0] for s in ("number", "symbol", "capitalised", "lower")}
        self.shape_tag.update({s: c.most_common(1)[0][0] for s, c in rare.items()})
        return self

    def predict(self, words: Sequence[str]) -> list[str]:
        """One tag per word."""
        if not self.word_tag:
            raise RuntimeError("the tagger is not fitted; call fit(sentences) first")
        return [self.word_tag.get(w) or self.shape_tag[word_shape(w)] for w in words]
