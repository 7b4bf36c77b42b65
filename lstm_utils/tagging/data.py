"""From tagged sentences to padded tensors: vocabularies and length-bucketed batches."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from lstm_utils.lm.vocab import Vocabulary

PAD, UNK = "<pad>", "<unk>"
#: The target at padded positions; ``cross_entropy(ignore_index=IGNORE)`` skips it.
IGNORE = -100

Sentence = tuple[Sequence[str], Sequence[str]]


@dataclass
class TaggerBatch:
    """A padded batch of B sentences, the longest T words and W characters long.

    ``words`` (B, T) word ids, 0 at padding; ``chars`` (B, T, W) character ids, 0 at padding;
    ``lengths`` (B,) sentence lengths; ``tags`` (B, T) tag ids, ``IGNORE`` at padding;
    ``index`` the positions of the sentences in the list they came from.
    """

    words: torch.Tensor
    chars: torch.Tensor
    lengths: torch.Tensor
    tags: torch.Tensor
    index: list[int]


class TaggerVocab:
    """Word, character and tag vocabularies built from training sentences.

    Words seen fewer than ``min_count`` times share the ``<unk>`` id with unseen words, so the
    model learns an embedding for "a word I do not know"; characters are all kept. Id 0 of the
    word and character vocabularies is ``<pad>``.
    """

    def __init__(self, train: Sequence[Sentence], tags: Sequence[str], min_count: int = 2) -> None:
        words = [w for ws, _ in train for w in ws]
        if not words:
            raise ValueError("no training words")
        word_vocab = Vocabulary.build(words, min_count=min_count, unk=UNK)
        char_vocab = Vocabulary.build((c for w in words for c in w), unk=UNK)
        self.words = Vocabulary((PAD, *word_vocab.symbols), unk=UNK)
        self.chars = Vocabulary((PAD, *char_vocab.symbols), unk=UNK)
        self.tags = Vocabulary(tags)
        self.train_words = frozenset(words)

    def batch(self, sentences: Sequence[Sentence], index: Sequence[int]) -> TaggerBatch:
        """The sentences at ``index``, encoded and padded."""
        chosen = [sentences[i] for i in index]
        if not chosen:
            raise ValueError("a batch needs at least one sentence")
        lengths = [len(ws) for ws, _ in chosen]
        if min(lengths) == 0:
            raise ValueError("a sentence has no words")
        B, T = len(chosen), max(lengths)
        W = max(len(w) for ws, _ in chosen for w in ws)
        words = np.zeros((B, T), np.int64)
        chars = np.zeros((B, T, W), np.int64)
        tags = np.full((B, T), IGNORE, np.int64)
        for b, (ws, ts) in enumerate(chosen):
            if len(ws) != len(ts):
                raise ValueError(f"sentence {index[b]} has {len(ws)} words but {len(ts)} tags")
            words[b, : len(ws)] = self.words.encode(ws)
            tags[b, : len(ws)] = self.tags.encode(ts)
            for t, w in enumerate(ws):
                chars[b, t, : len(w)] = self.chars.encode(w)
        return TaggerBatch(
            torch.from_numpy(words),
            torch.from_numpy(chars),
            torch.tensor(lengths),
            torch.from_numpy(tags),
            list(index),
        )


def bucket_batches(
    lengths: Sequence[int], batch_size: int, rng: np.random.Generator | None = None
) -> list[list[int]]:
    """Indices grouped into batches of sentences of similar length, so little is padding.

    Sentences are sorted by length (ties broken at random with ``rng``) and cut into batches
    of ``batch_size``; with ``rng`` the order of the batches is shuffled too. Without it the
    batches come in length order (for prediction).
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be positive, got {batch_size}")
    lengths = np.asarray(lengths)
    tiebreak = rng.random(len(lengths)) if rng is not None else np.arange(len(lengths))
    order = np.lexsort((tiebreak, lengths))
    batches = [order[i : i + batch_size].tolist() for i in range(0, len(order), batch_size)]
    if rng is not None:
        batches = [batches[i] for i in rng.permutation(len(batches))]
    return batches
