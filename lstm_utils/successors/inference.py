"""What generating one more token costs: the state an LSTM carries against the key–value cache
a Transformer carries, in bytes, and the time of one decoding step at a given context length.
"""

from __future__ import annotations

import time

import numpy as np
import torch

from lstm_utils.lm.neural import RecurrentLM
from lstm_utils.successors.models import SequenceLM


def lstm_state_bytes(hidden_size: int, layers: int = 1, dtype: torch.dtype = torch.float32
                     ) -> int:  # fmt: skip
    """Bytes of an LSTM's state for one sequence: h and c, ``hidden_size`` numbers each per
    layer, whatever the context length."""
    if hidden_size < 1 or layers < 1:
        raise ValueError("hidden_size and layers must be >= 1")
    return 2 * layers * hidden_size * torch.empty(0, dtype=dtype).element_size()


def kv_cache_bytes(
    layers: int, d_model: int, context: int, dtype: torch.dtype = torch.float32
) -> int:
    """Bytes of a Transformer's key–value cache for one sequence after ``context`` tokens: a
    key and a value of ``d_model`` numbers per token and layer (all heads together)."""
    if min(layers, d_model) < 1 or context < 0:
        raise ValueError("layers and d_model must be >= 1 and context >= 0")
    return 2 * layers * context * d_model * torch.empty(0, dtype=dtype).element_size()


@torch.no_grad()
def seconds_per_token(
    model: SequenceLM | RecurrentLM,
    context: int,
    batch: int = 1,
    tokens: int = 16,
    repeats: int = 5,
) -> float:
    """Median seconds to generate one token for each of ``batch`` sequences after ``context``
    tokens.

    For the attention model a key–value cache is filled with random keys and values for
    ``context`` steps (the values do not change the time), then ``tokens`` single-token
    decoding steps are timed; ``model.max_len`` must cover ``context + tokens``. For the LSTM
    the state is all it keeps, so the context length cannot matter; it is timed the same way
    from a random state. The median over ``repeats`` runs of ``tokens`` steps, per step."""
    if min(context, batch, tokens, repeats) < 1:
        raise ValueError("context, batch, tokens and repeats must be >= 1")
    was_training = model.training
    model.eval()
    like = next(model.parameters())
    token = torch.zeros(batch, 1, dtype=torch.long, device=like.device)
    times = []
    for _ in range(repeats):
        if isinstance(model, RecurrentLM):
            shape = (model.recurrent.num_layers, batch, model.recurrent.hidden_size)
            state = (torch.randn(shape).to(like), torch.randn(shape).to(like))
            _synchronize(like.device)  # the state's random fill is not part of the time
            start = time.perf_counter()
            for _ in range(tokens):
                _, state = model(token, state)
        else:
            caches = model.new_caches(batch, context + tokens)
            for cache in caches:
                cache.keys[:, :, :context].normal_()
                cache.values[:, :, :context].normal_()
                cache.length = context
            _synchronize(like.device)  # the cache's random fill is not part of the time
            start = time.perf_counter()
            for _ in range(tokens):
                model.decode(token, caches)
        _synchronize(like.device)
        times.append((time.perf_counter() - start) / tokens)
    model.train(was_training)
    return float(np.median(times))


def _synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)
