"""The few training pieces the NumPy reference models need: a loss and an optimiser."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


def softmax_cross_entropy(logits: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of integer ``labels`` (B,) under ``logits`` (B, K), and dL/dlogits."""
    if logits.ndim != 2:
        raise ValueError(f"logits must have shape (B, num_classes), got {logits.shape}.")
    if labels.shape != (logits.shape[0],) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"labels must be integer class indices of shape ({logits.shape[0]},), got "
            f"{labels.dtype} array of shape {labels.shape}."
        )
    shifted = logits - logits.max(axis=1, keepdims=True)  # stable: exp never overflows
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(len(labels))
    loss = -float(log_probs[rows, labels].mean())
    dlogits = np.exp(log_probs)
    dlogits[rows, labels] -= 1.0
    return loss, dlogits / len(labels)


class Adam:
    """Adam (Kingma & Ba, 2015) updating a dict of NumPy arrays in place."""

    def __init__(
        self,
        params: Mapping[str, np.ndarray],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> None:
        self.params = dict(params)
        self.lr, (self.beta1, self.beta2), self.eps = lr, betas, eps
        self.m = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.v = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.t = 0

    def step(self, grads: Mapping[str, np.ndarray]) -> None:
        """Apply one update; ``grads`` must have exactly the parameters' names and shapes."""
        if set(grads) != set(self.params):
            raise KeyError(f"gradients for {sorted(grads)} but parameters {sorted(self.params)}.")
        self.t += 1
        for k, p in self.params.items():
            g = grads[k]
            if g.shape != p.shape:
                raise ValueError(f"gradient {k} has shape {g.shape}, parameter has {p.shape}.")
            self.m[k] = self.beta1 * self.m[k] + (1 - self.beta1) * g
            self.v[k] = self.beta2 * self.v[k] + (1 - self.beta2) * g**2
            m_hat = self.m[k] / (1 - self.beta1**self.t)
            v_hat = self.v[k] / (1 - self.beta2**self.t)
            p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
