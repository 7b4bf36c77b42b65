"""An LSTM tagger in PyTorch: one tag per word, read from a (Bi)LSTM over the sentence.

Each word is represented by its embedding, optionally concatenated with the final states of a
character-level BiLSTM run over its spelling (Plank et al., 2016; Lample et al., 2016), which
lets the model say something about words it has never seen.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
from tqdm.auto import tqdm

from lstm_utils.tagging.data import IGNORE, Sentence, TaggerBatch, TaggerVocab, bucket_batches


class LSTMTagger(nn.Module):
    """Word embeddings (+ a character BiLSTM per word), a one-layer (Bi)LSTM, and a linear
    layer from each step's hidden state to the tag logits.

    Padded positions are skipped by packing the sequences (``pack_padded_sequence``), so the
    backward direction of a short sentence starts at its last word, not at padding. The
    tensors it creates follow the device and dtype of its parameters (``model.to("cuda")``,
    ``model.double()``); the batch must be on the same device (:func:`train_tagger` and
    :func:`predict_tags` move it there).
    """

    def __init__(
        self,
        vocab: TaggerVocab,
        word_dim: int = 100,
        hidden_size: int = 128,
        bidirectional: bool = True,
        char_dim: int = 0,
        char_hidden: int = 32,
        dropout: float = 0.25,
    ) -> None:
        super().__init__()
        self.embedding = nn.Embedding(len(vocab.words), word_dim, padding_idx=0)
        self.use_chars = char_dim > 0
        features = word_dim
        if self.use_chars:
            self.char_embedding = nn.Embedding(len(vocab.chars), char_dim, padding_idx=0)
            self.char_lstm = nn.LSTM(char_dim, char_hidden, batch_first=True, bidirectional=True)
            features += 2 * char_hidden
        self.lstm = nn.LSTM(features, hidden_size, batch_first=True, bidirectional=bidirectional)
        self.dropout = nn.Dropout(dropout)
        self.readout = nn.Linear(hidden_size * (2 if bidirectional else 1), len(vocab.tags))

    def _spell(self, chars: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Final forward and backward states of the character BiLSTM for every real word."""
        words = chars[mask]  # (N, W): one row per real word
        word_lengths = (words != 0).sum(1).clamp(min=1).cpu()
        packed = pack_padded_sequence(
            self.char_embedding(words), word_lengths, batch_first=True, enforce_sorted=False
        )
        _, (h_n, _) = self.char_lstm(packed)
        spelled = h_n.new_zeros(*mask.shape, 2 * h_n.shape[-1])  # h_n's device and dtype
        spelled[mask] = torch.cat([h_n[0], h_n[1]], dim=-1)
        return spelled

    def forward(self, batch: TaggerBatch) -> torch.Tensor:
        """Tag logits (B, T, K) for a padded batch (on the model's device). Rows past a
        sentence's length hold the read-out bias (the hidden state there is zero); the loss
        ignores them."""
        lengths = batch.lengths.cpu()  # packing wants the lengths on the CPU
        device = batch.words.device
        mask = (
            torch.arange(batch.words.shape[1], device=device)[None, :] < lengths.to(device)[:, None]
        )
        features = self.embedding(batch.words)
        if self.use_chars:
            features = torch.cat([features, self._spell(batch.chars, mask)], dim=-1)
        packed = pack_padded_sequence(
            self.dropout(features), lengths, batch_first=True, enforce_sorted=False
        )
        hidden, _ = pad_packed_sequence(
            self.lstm(packed)[0], batch_first=True, total_length=batch.words.shape[1]
        )
        return self.readout(self.dropout(hidden))


def masked_loss(logits: torch.Tensor, tags: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over the real words only: positions whose tag is ``IGNORE``
    (padding) contribute nothing, neither to the sum nor to the count."""
    return nn.functional.cross_entropy(
        logits.reshape(-1, logits.shape[-1]), tags.reshape(-1), ignore_index=IGNORE
    )


@dataclass
class TaggerTraining:
    """What :func:`train_tagger` returns.

    ``loss`` the mean training loss per word of each epoch (batch losses weighted by their
    number of words; dropout on); ``seconds`` the time spent training (the
    development-set evaluations not included); ``dev_accuracy`` the tagging accuracy on the
    development sentences after each epoch (empty without them); ``best_epoch`` the epoch
    (1-based) whose parameters the model holds at the end: the one with the best development
    accuracy (the earliest on a tie), or the last epoch without development sentences.
    """

    loss: np.ndarray
    seconds: float
    dev_accuracy: np.ndarray
    best_epoch: int


def to_device(batch: TaggerBatch, device: torch.device) -> TaggerBatch:
    """The batch with its tensors on ``device`` (the same object if they are there already)."""
    if batch.words.device == device:
        return batch
    return TaggerBatch(
        batch.words.to(device),
        batch.chars.to(device),
        batch.lengths.to(device),
        batch.tags.to(device),
        batch.index,
    )


def _device_of(model: nn.Module) -> torch.device:
    return next(model.parameters()).device


def tag_accuracy(model: LSTMTagger, vocab: TaggerVocab, sentences: Sequence[Sentence]) -> float:
    """The share of the words of ``sentences`` whose predicted tag is the gold one."""
    predicted = predict_tags(model, vocab, sentences)
    right = sum(p == g for tags, (_, gold) in zip(predicted, sentences, strict=True)
                for p, g in zip(tags, gold, strict=True))  # fmt: skip
    return right / sum(len(gold) for _, gold in sentences)


def train_tagger(
    model: LSTMTagger,
    vocab: TaggerVocab,
    sentences: Sequence[Sentence],
    epochs: int,
    batch_size: int = 32,
    lr: float = 4e-3,
    seed: int = 0,
    progress: bool = True,
    dev: Sequence[Sentence] | None = None,
) -> TaggerTraining:
    """Train with Adam on length-bucketed batches reshuffled every epoch (``seed``).

    With ``dev`` sentences, the model is evaluated on them after every epoch and, at the end,
    gets back the parameters of the epoch with the best development accuracy (early stopping
    by model selection: training still runs all ``epochs``). The evaluations use no random
    numbers, so the training itself is the same with or without ``dev``.
    """
    if epochs < 1:
        raise ValueError(f"epochs must be positive, got {epochs}")
    rng = np.random.default_rng(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    lengths = [len(ws) for ws, _ in sentences]
    total_words = sum(lengths)
    device = _device_of(model)
    epoch_loss = np.zeros(epochs)
    dev_accuracy: list[float] = []
    best_state: dict[str, torch.Tensor] | None = None
    seconds = 0.0
    model.train()
    for epoch in tqdm(range(epochs), disable=not progress, leave=False):
        start = time.perf_counter()
        batches = bucket_batches(lengths, batch_size, rng)
        for index in tqdm(batches, disable=not progress, leave=False, mininterval=1.0):
            batch = to_device(vocab.batch(sentences, index), device)
            loss = masked_loss(model(batch), batch.tags)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            epoch_loss[epoch] += loss.item() * sum(lengths[i] for i in index) / total_words
        seconds += time.perf_counter() - start
        if dev is not None:
            dev_accuracy.append(tag_accuracy(model, vocab, dev))
            if dev_accuracy[-1] > max(dev_accuracy[:-1], default=-1.0):
                best_state = copy.deepcopy(model.state_dict())
    best_epoch = epochs
    if best_state is not None:
        model.load_state_dict(best_state)
        best_epoch = int(np.argmax(dev_accuracy)) + 1
    return TaggerTraining(epoch_loss, seconds, np.array(dev_accuracy), best_epoch)


@torch.no_grad()
def predict_tags(
    model: LSTMTagger, vocab: TaggerVocab, sentences: Sequence[Sentence], batch_size: int = 256
) -> list[list[str]]:
    """The predicted tags of every sentence, in the order given."""
    was_training = model.training
    model.eval()
    predicted: list[list[str]] = [[] for _ in sentences]
    device = _device_of(model)
    for index in bucket_batches([len(ws) for ws, _ in sentences], batch_size):
        batch = vocab.batch(sentences, index)
        best = model(to_device(batch, device)).argmax(-1).cpu()
        for row, i in enumerate(index):
            predicted[i] = vocab.tags.decode(best[row, : batch.lengths[row]])
    model.train(was_training)
    return predicted
