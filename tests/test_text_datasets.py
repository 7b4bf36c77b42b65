"""The vendored text corpora and UD English EWT: genuine content, clear errors when damaged."""

import gzip
import shutil
from collections import Counter

import pytest

from lstm_utils.datasets import UPOS_TAGS, DataIntegrityError, load_text, load_ud_ewt
from lstm_utils.datasets.text import TEXT_DIR
from lstm_utils.datasets.ud_ewt import UD_EWT_DIR


def test_tiny_shakespeare_is_the_char_rnn_corpus():
    text = load_text("tinyshakespeare")
    assert (len(text), len(set(text)), text.count("\n")) == (1_115_394, 65, 40_000)
    assert text.startswith("First Citizen:\nBefore we proceed any further, hear me speak.")


def test_the_time_machine_is_d2ls_corpus():
    text = load_text("timemachine")
    assert (len(text), len(set(text))) == (178_979, 70)
    assert text.startswith("The Time Machine, by H. G. Wells [1898]")


def test_unknown_text_names_the_choices():
    with pytest.raises(ValueError, match=r"unknown text 'hamlet'.*timemachine.*tinyshakespeare"):
        load_text("hamlet")


@pytest.mark.parametrize(
    ("split", "sentences", "words"),
    [("train", 12_544, 204_577), ("dev", 2_001, 25_147), ("test", 2_077, 25_094)],
)
def test_ud_ewt_splits_have_the_official_sizes(split, sentences, words):
    data = load_ud_ewt(split)
    assert len(data) == sentences
    assert sum(len(w) for w, _ in data) == words
    assert all(len(w) == len(t) > 0 for w, t in data)


def test_ud_ewt_tags_are_the_17_upos_tags_with_the_known_frequencies():
    counts = Counter(tag for _, tags in load_ud_ewt("train") for tag in tags)
    assert set(counts) == set(UPOS_TAGS) and len(UPOS_TAGS) == 17
    assert counts.most_common(3) == [("NOUN", 34_751), ("PUNCT", 23_596), ("VERB", 22_576)]
    words, tags = load_ud_ewt("dev")[0]
    assert words == ("From", "the", "AP", "comes", "this", "story", ":")
    assert tags == ("ADP", "DET", "PROPN", "VERB", "DET", "NOUN", "PUNCT")


def test_ud_ewt_multiword_tokens_are_split_into_their_words():
    # "don't" is a multiword token in CoNLL-U: the range line is dropped, its words kept.
    words = [w for ws, _ in load_ud_ewt("train") for w in ws]
    assert "do" in words and "n't" in words and "don't" not in words


def test_unknown_split_names_the_choices():
    with pytest.raises(ValueError, match=r"unknown split 'validation'.*'train', 'dev', 'test'"):
        load_ud_ewt("validation")


def _damage(path, transform):
    with gzip.open(path, "rb") as fh:
        raw = fh.read()
    with gzip.open(path, "wb") as fh:
        fh.write(transform(raw))


@pytest.mark.parametrize(
    ("source", "name", "load", "hint"),
    [
        (TEXT_DIR, "timemachine.txt.gz", lambda d: load_text("timemachine", d), "text_files"),
        (UD_EWT_DIR, "en_ewt-ud-dev.upos.tsv.gz", lambda d: load_ud_ewt("dev", d), "ud_ewt"),
    ],
)
def test_missing_corrupt_and_truncated_files_name_the_file_and_the_fix(
    tmp_path, source, name, load, hint
):
    target = tmp_path / name
    with pytest.raises(FileNotFoundError, match=rf"{name} is missing.*git checkout.*{hint}"):
        load(tmp_path)
    shutil.copy(source / name, target)
    _damage(target, lambda raw: raw.replace(b"the", b"teh", 1))  # one word changed
    with pytest.raises(DataIntegrityError, match=rf"{name} is corrupt: SHA-256"):
        load(tmp_path)
    target.write_bytes((source / name).read_bytes()[:500])
    with pytest.raises(DataIntegrityError, match=rf"{name} is not a readable gzip"):
        load(tmp_path)
