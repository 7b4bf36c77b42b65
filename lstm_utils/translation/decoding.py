"""Greedy decoding and beam search with length normalisation, on any step function.

A *step function* ``step(tokens, state) -> (log_probs, state)`` maps the last token of each
of N hypotheses (N,) and their state (a tuple of tensors, batch first) to log-probabilities
of the next token (N, V) and the new state;
:meth:`~lstm_utils.translation.model.Seq2Seq.step` is one. Beam search keeps,
for every example, the ``width`` hypotheses with the highest total log-probability; when all
have ended (``</s>``) or ``max_len`` tokens are written, it ranks them by
``log p(y) / |y| ** alpha`` (``|y|`` counts the tokens written, ``</s>`` included), so that
longer outputs are not penalised merely for having more factors below 1.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from lstm_utils.translation.data import BOS, EOS, PAD, CharVocab, EncodedPairs
from lstm_utils.translation.model import Seq2Seq

StepFn = Callable[[torch.Tensor, tuple], tuple[torch.Tensor, tuple]]


def _check(batch: int, max_len: int, state: tuple) -> None:
    if batch < 1 or max_len < 1:
        raise ValueError(f"batch and max_len must be >= 1, got {batch} and {max_len}")
    if any(s.shape[0] != batch for s in state):
        raise ValueError(
            f"every tensor of the state must have the batch ({batch}) as its first axis, got "
            f"shapes {[tuple(s.shape) for s in state]}"
        )


@torch.no_grad()
def greedy_decode(
    step: StepFn, state: tuple, batch: int, max_len: int, device: torch.device | str = "cpu"
) -> torch.Tensor:
    """The most likely next token at every step: ids (batch, max_len), ``<pad>`` after the
    first ``</s>``. Stops early once every row has ended."""
    _check(batch, max_len, state)
    tokens = torch.full((batch,), BOS, dtype=torch.long, device=device)
    done = torch.zeros(batch, dtype=torch.bool, device=device)
    out = torch.full((batch, max_len), PAD, dtype=torch.long, device=device)
    for t in range(max_len):
        log_probs, state = step(tokens, state)
        tokens = log_probs.argmax(dim=-1)
        out[:, t] = torch.where(done, torch.full_like(tokens, PAD), tokens)
        done = done | (tokens == EOS)
        if bool(done.all()):
            break
    return out


@dataclass
class Beams:
    """Beam search's result for B examples and width K: ``tokens`` (B, K, L), best first,
    ``<pad>`` after ``</s>``; ``scores`` (B, K), the length-normalised log-probabilities
    they are ranked by; ``log_probs`` (B, K), the raw totals."""

    tokens: torch.Tensor
    scores: torch.Tensor
    log_probs: torch.Tensor

    @property
    def best(self) -> torch.Tensor:
        """The top hypothesis of each example, (B, L)."""
        return self.tokens[:, 0]


@torch.no_grad()
def beam_search(
    step: StepFn,
    state: tuple,
    batch: int,
    width: int,
    max_len: int,
    alpha: float = 1.0,
    device: torch.device | str = "cpu",
) -> Beams:
    """Beam search of ``width`` hypotheses per example (see the module's docstring).

    Width 1 gives exactly greedy decoding. A finished hypothesis is carried on unchanged
    (its only continuation is ``<pad>``, at no cost) and competes with the others on its
    total log-probability; length normalisation ranks the final ``width`` hypotheses.
    """
    _check(batch, max_len, state)
    if width < 1 or alpha < 0:
        raise ValueError(f"width must be >= 1 and alpha >= 0, got {width} and {alpha}")
    k = width
    state = tuple(s.repeat_interleave(k, dim=0) for s in state)
    tokens = torch.full((batch * k,), BOS, dtype=torch.long, device=device)
    finished = torch.zeros(batch, k, dtype=torch.bool, device=device)
    lengths = torch.zeros(batch, k, dtype=torch.long, device=device)
    history = torch.zeros(batch, k, 0, dtype=torch.long, device=device)
    scores: torch.Tensor | None = None
    rows = torch.arange(batch, device=device)[:, None] * k
    for t in range(max_len):
        log_probs, new_state = step(tokens, state)
        vocab = log_probs.shape[-1]
        log_probs = log_probs.view(batch, k, vocab)
        if scores is None:  # only the first beam is real at the start
            scores = torch.full((batch, k), float("-inf"), dtype=log_probs.dtype, device=device)
            scores[:, 0] = 0.0
        ended = torch.full((vocab,), float("-inf"), dtype=log_probs.dtype, device=device)
        ended[PAD] = 0.0
        log_probs = torch.where(finished[..., None], ended, log_probs)
        candidates = (scores[..., None] + log_probs).view(batch, k * vocab)
        scores, index = candidates.topk(min(k, k * vocab), dim=1)
        if scores.shape[1] < k:
            raise ValueError(f"width {k} exceeds the {vocab} tokens of the first step")
        beam, token = index // vocab, index % vocab
        history = torch.cat(
            [history.gather(1, beam[..., None].expand(-1, -1, t)), token[..., None]], 2
        )
        was_finished = finished.gather(1, beam)
        finished = was_finished | (token == EOS)
        lengths = lengths.gather(1, beam) + (~was_finished).long()
        flat = (beam + rows).view(-1)
        state = tuple(s.index_select(0, flat) for s in new_state)
        tokens = token.view(-1)
        if bool(finished.all()):
            break
    assert scores is not None
    normalised = scores / lengths.to(scores.dtype).clamp(min=1) ** alpha
    order = normalised.argsort(dim=1, descending=True)
    pad = torch.full((batch, k, max_len - history.shape[2]), PAD, dtype=torch.long, device=device)
    history = torch.cat([history, pad], 2)
    return Beams(
        history.gather(1, order[..., None].expand(-1, -1, max_len)),
        normalised.gather(1, order),
        scores.gather(1, order),
    )


def _device(model: torch.nn.Module) -> torch.device:
    return next(model.parameters()).device


@torch.no_grad()
def translate(
    model: Seq2Seq,
    data: EncodedPairs,
    vocab: CharVocab,
    width: int | None = None,
    alpha: float = 1.0,
    max_len: int = 12,
    batch_size: int = 1000,
) -> list[str]:
    """The model's output string for every row of ``data``: greedy decoding if ``width`` is
    None, else beam search of that width. The model is put in eval mode."""
    model.eval()
    out: list[str] = []
    device = _device(model)
    for start in range(0, len(data), batch_size):
        part = data.take(torch.arange(start, min(start + batch_size, len(data))))
        state = model.encode(part.src, part.src_len)
        if width is None:
            ids = greedy_decode(model.step, state, len(part), max_len, device)
        else:
            ids = beam_search(model.step, state, len(part), width, max_len, alpha, device).best
        out.extend(vocab.decode(row) for row in ids.tolist())
    return out


@torch.no_grad()
def attention_weights(model: Seq2Seq, data: EncodedPairs, outputs: torch.Tensor) -> torch.Tensor:
    """The attention weights (B, T, S) the model used while writing ``outputs`` (B, T) (ids
    it wrote, e.g. by greedy decoding): the decoder is deterministic given its inputs, so
    feeding it ``<s>`` + its own outputs reproduces the weights of free-running decoding."""
    if model.score is None:
        raise ValueError("this model has no attention; build it with attention='additive'")
    outputs = outputs.to(_device(model))
    bos = torch.full_like(outputs[:, :1], BOS)
    model.eval()
    _, weights = model(data.src, data.src_len, torch.cat([bos, outputs[:, :-1]], 1))
    assert weights is not None
    return weights


@torch.no_grad()
def teacher_forced(model: Seq2Seq, data: EncodedPairs) -> torch.Tensor:
    """The most likely character at every target position when the decoder reads the *true*
    previous characters (teacher forcing), ids (B, T) on the CPU."""
    model.eval()
    logits, _ = model(data.src, data.src_len, data.tgt_in)
    return logits.argmax(-1).cpu()


@torch.no_grad()
def sequence_log_prob(
    model: Seq2Seq, data: EncodedPairs, outputs: list[str], vocab: CharVocab
) -> torch.Tensor:
    """The model's total log-probability (N,) of writing ``outputs[i]`` followed by ``</s>``
    for the source of row ``i`` of ``data``, on the CPU (the sum of the log-probabilities of
    its characters, read with teacher forcing). Compare it with the same for the reference to
    tell a search error (the reference scores higher than the output) from a model error."""
    if len(outputs) != len(data):
        raise ValueError(f"{len(outputs)} outputs for {len(data)} rows; pass one per row")
    model.eval()
    width = max(len(o) for o in outputs) + 1
    tgt_out = torch.full((len(outputs), width), PAD, dtype=torch.long)
    for i, text in enumerate(outputs):
        ids = vocab.encode(text, eos=True)
        tgt_out[i, : len(ids)] = torch.tensor(ids, dtype=torch.long)
    tgt_in = torch.cat([torch.full((len(outputs), 1), BOS, dtype=torch.long), tgt_out[:, :-1]], 1)
    tgt_in = tgt_in.masked_fill(tgt_in == EOS, PAD)
    logits, _ = model(data.src, data.src_len, tgt_in)
    log_probs = torch.log_softmax(logits, -1).cpu().gather(2, tgt_out[..., None])[..., 0]
    return log_probs.masked_fill(tgt_out == PAD, 0.0).sum(1)
