"""Vendor UD English EWT into the package in a reduced form: the word form and UPOS tag only.

Usage: python tools/vendor_ud_ewt.py [SOURCE_DIR]   (default: ../shared/data/ud-ewt)

Reads the original CoNLL-U files (checking their SHA-256 against the source's
SHA256SUMS.uncompressed), keeps every syntactic word (skipping comment lines, multiword-token
ranges such as ``1-2`` and empty nodes such as ``8.1``), and writes
``lstm_utils/datasets/ud_ewt_files/en_ewt-ud-{train,dev,test}.upos.tsv.gz``: one word per line
as ``FORM<TAB>UPOS``, a blank line after each sentence, gzip with a zero timestamp so the bytes
are reproducible. Beside each, ``en_ewt-ud-{split}.sent_ids.txt.gz`` holds the sentences'
``# sent_id`` comments, one a line in the same order (its prefix names the genre: answers,
email, newsgroup, reviews or weblog). It checks the result against the originals (sentence and
word counts of the source's README, every tag one of the 17 UPOS tags, the words in the original
order, one id per sentence, all distinct), copies the CC BY-SA 4.0 licence and writes the
checksums that ``lstm_utils.datasets.ud_ewt`` verifies.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
import sys
from pathlib import Path

from lstm_utils.datasets.ud_ewt import GENRES, UPOS_TAGS, parse_sent_ids, parse_upos_tsv

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "lstm_utils" / "datasets" / "ud_ewt_files"
#: (sentences, syntactic words) per split, from the source's README.
EXPECTED = {"train": (12_544, 204_577), "dev": (2_001, 25_147), "test": (2_077, 25_094)}


def read_sent_ids(text: str) -> list[str]:
    """The ``# sent_id = ...`` of every sentence of CoNLL-U text, in order."""
    return [
        line.split("=", 1)[1].strip() for line in text.split("\n") if line.startswith("# sent_id")
    ]


def read_conllu(text: str) -> list[list[tuple[str, str]]]:
    """Sentences of (FORM, UPOS) from CoNLL-U text, without multiword ranges or empty nodes."""
    sentences, current = [], []
    for line in text.split("\n"):
        if not line:
            if current:
                sentences.append(current)
                current = []
        elif not line.startswith("#"):
            columns = line.split("\t")
            if len(columns) != 10:
                raise ValueError(f"not a CoNLL-U token line (10 columns): {line!r}")
            if "-" in columns[0] or "." in columns[0]:
                continue
            current.append((columns[1], columns[3]))
    if current:
        sentences.append(current)
    return sentences


def main(source: Path) -> None:
    checksums = dict(
        reversed(line.split())
        for line in (source / "SHA256SUMS.uncompressed").read_text().splitlines()
    )
    OUT.mkdir(exist_ok=True)
    sums = []
    for split, (n_sentences, n_words) in EXPECTED.items():
        name = f"en_ewt-ud-{split}.conllu"
        raw = gzip.decompress((source / f"{name}.gz").read_bytes())
        if hashlib.sha256(raw).hexdigest() != checksums[name]:
            raise SystemExit(f"{name}: content differs from the source's SHA256SUMS.uncompressed")
        sentences = read_conllu(raw.decode("utf-8"))
        words = [w for s in sentences for w in s]
        assert (len(sentences), len(words)) == (n_sentences, n_words), (split, len(sentences))
        assert {tag for _, tag in words} <= set(UPOS_TAGS), split
        assert all("\t" not in form and "\n" not in form for form, _ in words), split
        reduced = "".join("".join(f"{f}\t{t}\n" for f, t in s) + "\n" for s in sentences)
        # Round trip through the package's own parser: same words, tags and order.
        assert parse_upos_tsv(reduced) == [tuple(zip(*s, strict=True)) for s in sentences]
        target = OUT / f"en_ewt-ud-{split}.upos.tsv.gz"
        with open(target, "wb") as fh, gzip.GzipFile("", "wb", 9, fh, mtime=0) as gz:
            gz.write(reduced.encode("utf-8"))
        sums.append(f"{hashlib.sha256(reduced.encode('utf-8')).hexdigest()}  {target.stem}")
        ids = read_sent_ids(raw.decode("utf-8"))
        assert len(ids) == len(sentences) == len(set(ids)), (split, len(ids))
        assert all(i.split("-", 1)[0] in GENRES for i in ids), split
        id_text = "".join(f"{i}\n" for i in ids)
        assert parse_sent_ids(id_text) == ids
        id_target = OUT / f"en_ewt-ud-{split}.sent_ids.txt.gz"
        with open(id_target, "wb") as fh, gzip.GzipFile("", "wb", 9, fh, mtime=0) as gz:
            gz.write(id_text.encode("utf-8"))
        sums.append(f"{hashlib.sha256(id_text.encode('utf-8')).hexdigest()}  {id_target.stem}")
        print(f"{split}: {len(sentences):,} sentences, {len(words):,} words -> {target.name}")
    (OUT / "SHA256SUMS.uncompressed").write_text("\n".join(sums) + "\n")
    shutil.copyfile(source / "LICENSE.txt", OUT / "LICENSE.txt")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data" / "ud-ewt")
