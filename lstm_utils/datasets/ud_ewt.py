"""Part-of-speech-tagged English: UD English EWT, words and UPOS tags, vendored in this package.

Train/dev/test hold 12,544 / 2,001 / 2,077 sentences and 204,577 / 25,147 / 25,094 words, each
word tagged with one of the 17 universal part-of-speech tags. The files in ``ud_ewt_files/``
are a reduced form of the CoNLL-U originals (``tools/vendor_ud_ewt.py``); they are licensed
CC BY-SA 4.0 (attribution in ``ud_ewt_files/README.md``). The SHA-256 of each file's
uncompressed content is fixed below.

Each sentence's id (:func:`load_ud_ewt_ids`, from a separate file in the same order) names its
source, the *genre*: answers, email, newsgroup, reviews or weblog (:func:`ud_ewt_genre`).
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

#: The five sources of the English Web Treebank, the prefix of every sentence id.
GENRES = ("answers", "email", "newsgroup", "reviews", "weblog")

#: SHA-256 of the uncompressed sentence-id file of each split.
UD_EWT_IDS_SHA256 = {
    "train": "8fda174d6277d5c19e8e759c49f903fda1e68deb78c7db7e9408dc9e1e65d0e6",
    "dev": "6aea93a32eef70b0a7e82fe106e675661383dabb3e6ca6c007d02094f935ae72",
    "test": "a5d7e63ebbcf085a7c73f2310aea1d5e7ee501960d3ce63652cc2e088cd37d5a",
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


def parse_sent_ids(text: str) -> list[str]:
    """Sentence ids, one a line; raises ``ValueError`` on an id whose prefix is not a genre."""
    ids = text.strip("\n").split("\n")
    bad = next((i for i in ids if i.split("-", 1)[0] not in GENRES), None)
    if bad is not None:
        raise ValueError(f"not a UD EWT sentence id (GENRE-...): {bad!r}")
    return ids


@lru_cache(maxsize=3)
def _load_ids(split: str, directory: Path) -> tuple[str, ...]:
    path = directory / f"en_ewt-ud-{split}.sent_ids.txt.gz"
    raw = read_verified_gz(path, UD_EWT_IDS_SHA256[split], "UD EWT", _RESTORE_HINT)
    try:
        return tuple(parse_sent_ids(raw.decode("utf-8")))
    except ValueError as err:
        raise DataIntegrityError(f"{path}: {err}. {_RESTORE_HINT}") from err


def load_ud_ewt_ids(split: str, data_dir: str | Path | None = None) -> list[str]:
    """The sentence ids of ``split``, aligned with :func:`load_ud_ewt`'s sentences, e.g.
    ``"weblog-juancole.com_juancole_20051126063000_ENG_20051126_063000-0001"``.

    Checksum-verified at load; the same errors as :func:`load_ud_ewt`.
    """
    if split not in UD_EWT_IDS_SHA256:
        raise ValueError(f"unknown split {split!r}; choose one of {list(UD_EWT_IDS_SHA256)}")
    directory = Path(data_dir) if data_dir is not None else UD_EWT_DIR
    return list(_load_ids(split, directory.resolve()))


def ud_ewt_genre(sent_id: str) -> str:
    """The genre (one of :data:`GENRES`) of a sentence id: the part before the first ``-``."""
    genre = sent_id.split("-", 1)[0]
    if genre not in GENRES:
        raise ValueError(
            f"{sent_id!r} is not a UD EWT sentence id: it should start with one of {GENRES} "
            "and a '-'; take ids from load_ud_ewt_ids."
        )
    return genre
