"""From sentences to padded tensors: a word vocabulary, a ``Dataset`` and a collate function."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch.utils.data import Dataset

from lstm_utils.lm.vocab import Vocabulary

PAD, UNK = "<pad>", "<unk>"


def build_vocab(sentences: Sequence[Sequence[str]], min_count: int = 2) -> Vocabulary:
    """A word vocabulary from training sentences: id 0 ``<pad>``, id 1 ``<unk>`` (every word
    seen fewer than ``min_count`` times, and every unseen word), then the words, most frequent
    first."""
    words = [w for ws in sentences for w in ws]
    if not words:
        raise ValueError("no training words: pass a non-empty list of tokenised sentences")
    kept = Vocabulary.build(words, min_count=min_count, unk=UNK)
    return Vocabulary((PAD, *kept.symbols), unk=UNK)


class SentenceDataset(Dataset):
    """Tokenised sentences and their integer labels, encoded with ``vocab``.

    Item ``i`` is ``(ids, label)``: a 1-D ``int64`` tensor of word ids and an ``int``. A
    sentence with no words is refused (the LSTM needs at least one step).
    """

    def __init__(
        self, sentences: Sequence[Sequence[str]], labels: Sequence[int], vocab: Vocabulary
    ) -> None:
        if len(sentences) != len(labels):
            raise ValueError(
                f"{len(sentences)} sentences but {len(labels)} labels: pass one label per sentence"
            )
        empty = next((i for i, ws in enumerate(sentences) if len(ws) == 0), None)
        if empty is not None:
            raise ValueError(f"sentence {empty} has no words; drop empty sentences first")
        # encode refuses a string (it would be read one character at a time)
        self.ids = [torch.from_numpy(vocab.encode(ws)) for ws in sentences]
        self.labels = [int(y) for y in labels]

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, int]:
        return self.ids[i], self.labels[i]


def collate_padded(
    items: Sequence[tuple[torch.Tensor, int]],
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``DataLoader``'s ``collate_fn``: ``(ids, lengths, labels)`` for a list of
    ``(ids, label)`` items.

    ``ids`` is (B, T) ``int64``, right-padded with 0 (``<pad>``) to the longest sentence;
    ``lengths`` (B,) ``int64`` on the CPU (where ``pack_padded_sequence`` wants them);
    ``labels`` (B,) ``int64``.
    """
    if not items:
        raise ValueError("a batch needs at least one item")
    seqs = [ids for ids, _ in items]
    if any(s.dim() != 1 or s.numel() == 0 for s in seqs):
        raise ValueError("each item's ids must be a non-empty 1-D tensor of word ids")
    lengths = torch.tensor([len(s) for s in seqs], dtype=torch.int64)
    ids = torch.nn.utils.rnn.pad_sequence(seqs, batch_first=True, padding_value=0)
    labels = torch.tensor([int(y) for _, y in items], dtype=torch.int64)
    return ids, lengths, labels
