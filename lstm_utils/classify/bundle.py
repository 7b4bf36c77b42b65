"""One file with everything a prediction needs: weights, vocabulary, labels, configuration."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import torch

from lstm_utils.classify.data import UNK
from lstm_utils.classify.model import BiLSTMClassifier, ClassifierConfig
from lstm_utils.lm.vocab import Vocabulary

#: Written into every bundle; :func:`load_bundle` refuses other formats.
BUNDLE_FORMAT = "lstm_utils.classify/1"


@dataclass
class ClassifierBundle:
    """A trained classifier with its vocabulary and label names, ready to predict."""

    model: BiLSTMClassifier
    vocab: Vocabulary
    labels: tuple[str, ...]
    lowercase: bool

    def encode(self, words: Sequence[str]) -> torch.Tensor:
        """The (1, T) ids of one tokenised sentence, on the model's device."""
        if isinstance(words, str):
            raise TypeError("pass a list of tokens, e.g. sentence.split(), not a string")
        if len(words) == 0:
            raise ValueError("the sentence has no words")
        tokens = [w.lower() for w in words] if self.lowercase else list(words)
        device = next(self.model.parameters()).device
        return torch.from_numpy(self.vocab.encode(tokens))[None].to(device)

    @torch.no_grad()
    def logits(self, words: Sequence[str]) -> torch.Tensor:
        """The (K,) logits of one tokenised sentence (the model in eval mode)."""
        self.model.eval()
        return self.model(self.encode(words))[0]

    def predict(self, words: Sequence[str]) -> str:
        """The predicted label of one tokenised sentence."""
        return self.labels[int(self.logits(words).argmax())]


def save_bundle(
    path: str | Path,
    model: BiLSTMClassifier,
    vocab: Vocabulary,
    labels: Sequence[str],
    lowercase: bool = True,
) -> Path:
    """Write ``model``'s configuration and weights (on the CPU), the vocabulary's symbols, the
    label names and the tokenisation flag to ``path`` with ``torch.save``; return the path.

    Only tensors, strings, numbers and lists are stored, so :func:`load_bundle` can read it
    with ``torch.load(weights_only=True)``, which runs no pickled code.
    """
    if not isinstance(model, BiLSTMClassifier):
        raise TypeError(f"save_bundle saves a BiLSTMClassifier, got {type(model).__name__}")
    if len(vocab) != model.config.vocab_size or len(labels) != model.config.classes:
        raise ValueError(
            f"the model expects {model.config.vocab_size} words and {model.config.classes} "
            f"labels, got a vocabulary of {len(vocab)} and {len(labels)} labels: save the "
            "vocabulary and label list the model was trained with"
        )
    path = Path(path)
    torch.save(
        {
            "format": BUNDLE_FORMAT,
            "config": asdict(model.config),
            "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
            "vocab": list(vocab.symbols),
            "labels": list(labels),
            "lowercase": lowercase,
        },
        path,
    )
    return path


def load_bundle(path: str | Path, device: str | torch.device = "cpu") -> ClassifierBundle:
    """The bundle saved by :func:`save_bundle`, its model on ``device`` in eval mode."""
    data = torch.load(Path(path), map_location="cpu", weights_only=True)
    if not isinstance(data, dict) or data.get("format") != BUNDLE_FORMAT:
        raise ValueError(
            f"{path} is not a classifier bundle ({BUNDLE_FORMAT}); write one with save_bundle"
        )
    model = BiLSTMClassifier.from_config(ClassifierConfig(**data["config"]))
    model.load_state_dict(data["state_dict"])
    model.to(device).eval()
    vocab = Vocabulary(data["vocab"], unk=UNK)
    return ClassifierBundle(model, vocab, tuple(data["labels"]), bool(data["lowercase"]))
