"""Part-of-speech-tagged English: UD English EWT, words and UPOS tags, vendored in this package.

Train/dev/test hold 12,544 / 2,001 / 2,077 sentences and 204,577 / 25,147 / 25,094 words, each
word tagged with one of the 17 universal part-of-speech tags. The files in ``ud_ewt_files/``
are a reduced form of the CoNLL-U originals (``tools/vendor_ud_ewt.py``); they are licensed
CC BY-SA 4.0 (attribution in ``ud_ewt_files/README.md``). The SHA-256 of each file's
uncompressed content is fixed below.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from lstm_utils.datasets.files import DataIntegrityError, read_verified_gz

#: Where the vendored files live.
UD_EWT_DIR = Path(__file__).with_name("ud_ewt_files")

#: The 17 universal part-of-speech tags, in alphabetical order.
UPOS_TAGS = ("ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON",
             "PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X")  # fmt: skip

#: SHA-256 of the uncompressed content of each split (ud_ewt_files/SHA256SUMS.uncompressed).
UD_EWT_SHA256 = {
    "train": "f66337dc7c394a1f497ddce9714c77f2bb296eb3721e01ed313d5a40eb5db6c9",
    "dev": "ac7b79f3411079d8dca268d824ce4b36e25c9ba839ccd64067024d2ac18fba8d",
    "test": "ead3f5bc8fe6026fa56cebf36b682bf79b165ff19762ad2bed0120039f6033ad",
}

_RESTORE_HINT = (
    "Restore the vendored copy with `git checkout -- lstm_utils/datasets/ud_ewt_files`, or "
    "rebuild it from the original CoNLL-U files with `python tools/vendor_ud_ewt.py`."
)

#: One sentence: its words and their tags, aligned.
TaggedSentence = tuple[tuple[str, ...], tuple[str, ...]]


def parse_upos_tsv(text: str) -> list[TaggedSentence]:
    """Sentences from the reduced format: ``FORM<TAB>UPOS`` per line, a blank line after each.

    Raises ``ValueError`` on a line that is not a form and one of the 17 UPOS tags.
    """
    sentences = []
    for block in text.strip("\n").split("\n\n"):
        pairs = [line.split("\t") for line in block.split("\n")]
        bad = next((p for p in pairs if len(p) != 2 or p[1] not in UPOS_TAGS), None)
        if bad is not None:
            line = "\t".join(bad)
            raise ValueError(f"not FORM<TAB>UPOS: {line!r}")
        words, tags = zip(*pairs, strict=True)
        sentences.append((words, tags))
    return sentences


@lru_cache(maxsize=3)
def _load(split: str, directory: Path) -> tuple[TaggedSentence, ...]:
    path = directory / f"en_ewt-ud-{split}.upos.tsv.gz"
    text = read_verified_gz(path, UD_EWT_SHA256[split], "UD EWT", _RESTORE_HINT).decode("utf-8")
    try:
        return tuple(parse_upos_tsv(text))
    except ValueError as err:
        raise DataIntegrityError(f"{path}: {err}. {_RESTORE_HINT}") from err


def load_ud_ewt(split: str, data_dir: str | Path | None = None) -> list[TaggedSentence]:
    """The sentences of ``split`` (``"train"``, ``"dev"`` or ``"test"``) as (words, tags) pairs.

    Checksum-verified at load. Raises ``ValueError`` for an unknown split,
    ``FileNotFoundError`` for a missing file and
    :class:`~lstm_utils.datasets.files.DataIntegrityError` for a corrupt one.
    """
    if split not in UD_EWT_SHA256:
        raise ValueError(f"unknown split {split!r}; choose one of {list(UD_EWT_SHA256)}")
    directory = Path(data_dir) if data_dir is not None else UD_EWT_DIR
    return list(_load(split, directory.resolve()))
