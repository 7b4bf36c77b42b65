"""Exact match and character error rate of output strings against references."""

from __future__ import annotations

from collections.abc import Sequence


def _same_length(hypotheses: Sequence[str], references: Sequence[str]) -> None:
    if len(hypotheses) != len(references) or len(references) == 0:
        raise ValueError(
            f"need one hypothesis per reference and at least one pair, got "
            f"{len(hypotheses)} hypotheses and {len(references)} references"
        )


def exact_match(hypotheses: Sequence[str], references: Sequence[str]) -> float:
    """The fraction of outputs identical to their reference."""
    _same_length(hypotheses, references)
    return sum(h == r for h, r in zip(hypotheses, references, strict=True)) / len(references)


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance: the fewest insertions, deletions and substitutions from a to b."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def char_error_rate(hypotheses: Sequence[str], references: Sequence[str]) -> float:
    """Character error rate: total edit distance over total reference characters."""
    _same_length(hypotheses, references)
    total = sum(len(r) for r in references)
    if total == 0:
        raise ValueError("the references are all empty; the character error rate is undefined")
    return sum(edit_distance(h, r) for h, r in zip(hypotheses, references, strict=True)) / total
