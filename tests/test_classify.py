"""The sequence classifier: collate, packing, training, the bundle, ONNX and the Keras port."""

import subprocess
import sys

import numpy as np
import pytest
import torch

from lstm_utils.classify import (
    BiLSTMClassifier,
    SentenceDataset,
    build_vocab,
    collate_padded,
    export_onnx,
    load_bundle,
    onnx_logits,
    port_to_keras,
    predict_logits,
    save_bundle,
    train_classifier,
)
from lstm_utils.classify.model import ClassifierConfig
from lstm_utils.datasets import DataIntegrityError
from lstm_utils.datasets.ud_ewt import (
    GENRES,
    UD_EWT_DIR,
    load_ud_ewt,
    load_ud_ewt_ids,
    ud_ewt_genre,
)

SENTENCES = [["the", "cat", "sat"], ["a", "dog"], ["the", "dog", "sat", "down", "today"], ["cat"]]
LABELS = [0, 1, 0, 1]


def _model(vocab_size=12, classes=2, **kw) -> BiLSTMClassifier:
    torch.manual_seed(0)
    return BiLSTMClassifier(vocab_size, classes, embed_dim=6, hidden_size=5, **kw).eval()


def test_vocab_reserves_padding_and_unknown():
    vocab = build_vocab(SENTENCES, min_count=2)
    assert vocab.symbols[:2] == ("<pad>", "<unk>")
    assert set(vocab.symbols[2:]) == {"the", "cat", "sat", "dog"}
    assert vocab.encode(["the", "zebra"]).tolist()[1] == 1
    with pytest.raises(ValueError, match="no training words"):
        build_vocab([])


def test_collate_pads_right_and_returns_lengths():
    vocab = build_vocab(SENTENCES, min_count=1)
    data = SentenceDataset(SENTENCES, LABELS, vocab)
    ids, lengths, labels = collate_padded([data[i] for i in range(4)])
    assert ids.shape == (4, 5) and ids.dtype == torch.int64
    assert lengths.tolist() == [3, 2, 5, 1] and labels.tolist() == LABELS
    assert (ids[1, 2:] == 0).all() and (ids[1, :2] != 0).all()
    with pytest.raises(ValueError, match="at least one item"):
        collate_padded([])


def test_dataset_errors_name_the_fix():
    vocab = build_vocab(SENTENCES, min_count=1)
    with pytest.raises(ValueError, match="one label per sentence"):
        SentenceDataset(SENTENCES, [0], vocab)
    with pytest.raises(ValueError, match="drop empty sentences"):
        SentenceDataset([["cat"], []], [0, 1], vocab)
    with pytest.raises(TypeError, match="list of tokens"):
        SentenceDataset(["the cat"], [0], vocab)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_packing_makes_padding_invisible_and_follows_the_dtype(dtype):
    model = _model().to(dtype)
    vocab = build_vocab(SENTENCES, min_count=1)
    data = SentenceDataset(SENTENCES, LABELS, vocab)
    ids, lengths, _ = collate_padded([data[i] for i in range(4)])
    with torch.no_grad():
        batch = model(ids, lengths)
        alone = torch.cat([model(data[i][0][None]) for i in range(4)])
        unpacked = model(ids)
    assert batch.dtype == dtype and batch.shape == (4, 2)
    torch.testing.assert_close(batch, alone)
    assert not torch.allclose(unpacked[3], alone[3])  # without lengths the padding is read


def test_head_reads_both_directions_of_the_last_layer():
    model = _model(num_layers=2)
    ids = torch.tensor([[3, 4, 5]])
    with torch.no_grad():
        _, (h_n, _) = model.lstm(model.embedding(ids))
        expected = model.head(torch.cat([h_n[-2], h_n[-1]], dim=-1))
        torch.testing.assert_close(model(ids), expected)
    uni = _model(bidirectional=False)
    assert uni.head.in_features == 5


def test_model_input_errors_name_the_fix():
    model = _model()
    with pytest.raises(ValueError, match="add a batch axis"):
        model(torch.tensor([1, 2, 3]))
    with pytest.raises(ValueError, match="one length per row"):
        model(torch.ones(2, 3, dtype=torch.int64), torch.tensor([3]))
    with pytest.raises(ValueError, match="drop empty sentences"):
        model(torch.ones(2, 3, dtype=torch.int64), torch.tensor([3, 0]))
    with pytest.raises(ValueError, match="classes >= 2"):
        BiLSTMClassifier(10, 1)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_training_learns_a_separable_task_and_keeps_the_best_epoch(dtype):
    rng = np.random.default_rng(0)
    # class 0 sentences hold word "a", class 1 word "b", among filler words, of varied length
    sentences, labels = [], []
    for _ in range(120):
        y = int(rng.integers(2))
        words = list(rng.choice(["x", "y", "z"], size=int(rng.integers(1, 8))))
        words.insert(int(rng.integers(len(words) + 1)), "ab"[y])
        sentences.append(words)
        labels.append(y)
    vocab = build_vocab(sentences, min_count=1)
    data = SentenceDataset(sentences, labels, vocab)
    model = _model(len(vocab)).to(dtype).train()
    run = train_classifier(
        model, data, data, epochs=6, patience=2, lr=3e-2, class_weights=[1.0, 2.0], progress=False
    )
    assert run.dev_accuracy[run.best_epoch - 1] == run.dev_accuracy.max() > 0.95
    assert 1 <= run.best_epoch <= run.epochs_run <= 6 and len(run.loss) == run.epochs_run
    logits = predict_logits(model, data)
    assert logits.shape == (120, 2) and logits.dtype == dtype
    assert (
        float((logits.argmax(1) == torch.tensor(labels)).double().mean()) == run.dev_accuracy.max()
    )


def test_early_stopping_stops_after_patience_epochs_without_gain():
    vocab = build_vocab(SENTENCES, min_count=1)
    data = SentenceDataset(SENTENCES, LABELS, vocab)
    run = train_classifier(_model(len(vocab)), data, data, epochs=20, patience=1, lr=0.0,
                           progress=False)  # fmt: skip
    assert run.epochs_run == 2 and run.best_epoch == 1  # lr 0: nothing ever improves
    with pytest.raises(ValueError, match="positive"):
        train_classifier(_model(), data, data, epochs=0, progress=False)


def test_bundle_round_trip_in_a_fresh_process(tmp_path):
    vocab = build_vocab(SENTENCES, min_count=1)
    model = _model(len(vocab), 3)
    path = save_bundle(tmp_path / "m.pt", model, vocab, ["x", "y", "z"])
    bundle = load_bundle(path)
    assert bundle.model.config == model.config and bundle.labels == ("x", "y", "z")
    words = ["The", "dog", "zebra"]  # lower-cased; "zebra" is <unk>
    torch.testing.assert_close(bundle.logits(words), bundle.logits(["the", "dog", "<unk>"]))
    script = (
        "import sys, torch; torch.set_num_threads(1)\n"
        "from lstm_utils.classify import load_bundle\n"
        "b = load_bundle(sys.argv[1])\n"
        "print(','.join(float(v).hex() for v in b.logits(sys.argv[2:])))"
    )
    out = subprocess.run([sys.executable, "-c", script, str(path), *words], capture_output=True,
                         text=True, check=True).stdout.strip()  # fmt: skip
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with torch.no_grad():
            here = model(torch.from_numpy(vocab.encode([w.lower() for w in words]))[None])[0]
    finally:
        torch.set_num_threads(threads)
    assert out == ",".join(float(v).hex() for v in here)


def test_bundle_errors_name_the_fix(tmp_path):
    vocab = build_vocab(SENTENCES, min_count=1)
    with pytest.raises(ValueError, match="label list the model was trained with"):
        save_bundle(tmp_path / "m.pt", _model(len(vocab), 3), vocab, ["x", "y"])
    torch.save({"weights": torch.zeros(1)}, tmp_path / "other.pt")
    with pytest.raises(ValueError, match="write one with save_bundle"):
        load_bundle(tmp_path / "other.pt")
    bundle = load_bundle(save_bundle(tmp_path / "m.pt", _model(len(vocab)), vocab, ["x", "y"]))
    with pytest.raises(TypeError, match="list of tokens"):
        bundle.predict("the cat")


def test_config_rebuilds_the_same_architecture():
    model = _model(num_layers=2, dropout=0.1)
    clone = BiLSTMClassifier.from_config(model.config)
    assert clone.config == model.config == ClassifierConfig(12, 2, 6, 5, 2, True, 0.1)
    assert [p.shape for p in clone.parameters()] == [p.shape for p in model.parameters()]


def test_onnx_round_trip_for_several_lengths(tmp_path):
    pytest.importorskip("onnxruntime")
    model = _model(20, 3, num_layers=2)
    path = export_onnx(model, tmp_path / "m.onnx")
    for T in (1, 4, 17):
        ids = torch.randint(2, 20, (1, T))
        with torch.no_grad():
            expected = model(ids, torch.tensor([T])).numpy()
        np.testing.assert_allclose(onnx_logits(path, ids.numpy()), expected, atol=1e-5)
    with pytest.raises(ValueError, match="add a batch axis"):
        onnx_logits(path, np.array([1, 2]))


@pytest.mark.parametrize("layers", [1, 2])
def test_port_to_keras_computes_the_same_function(layers):
    from lstm_utils.frameworks.tf_compat import import_keras

    keras = import_keras()
    vocab = build_vocab(SENTENCES, min_count=1)
    model = _model(len(vocab), 3, num_layers=layers)
    data = SentenceDataset(SENTENCES, [0, 1, 2, 0], vocab)
    ids, lengths, _ = collate_padded([data[i] for i in range(4)])
    with torch.no_grad():
        expected = model(ids, lengths).numpy()
    ported = port_to_keras(model, keras)
    np.testing.assert_allclose(np.asarray(ported(ids.numpy())), expected, atol=1e-5)
    with pytest.raises(TypeError, match="BiLSTMClassifier"):
        port_to_keras(torch.nn.LSTM(2, 2), keras)


def test_genres_come_from_the_vendored_sentence_ids():
    for split, n in (("train", 12_544), ("dev", 2_001), ("test", 2_077)):
        ids = load_ud_ewt_ids(split)
        assert len(ids) == len(load_ud_ewt(split)) == n and len(set(ids)) == n
    train = [ud_ewt_genre(i) for i in load_ud_ewt_ids("train")]
    assert [train.count(g) for g in GENRES] == [2631, 3770, 1833, 2725, 1585]
    assert load_ud_ewt_ids("train")[0].startswith("weblog-juancole.com")
    with pytest.raises(ValueError, match="load_ud_ewt_ids"):
        ud_ewt_genre("blog-1")
    with pytest.raises(ValueError, match="unknown split"):
        load_ud_ewt_ids("validation")


def test_a_damaged_id_file_is_refused_with_the_fix(tmp_path):
    import gzip
    import shutil

    for f in UD_EWT_DIR.iterdir():
        shutil.copy(f, tmp_path / f.name)
    path = tmp_path / "en_ewt-ud-dev.sent_ids.txt.gz"
    ids = gzip.decompress(path.read_bytes()).decode().replace("email-", "mail-", 1)
    path.write_bytes(gzip.compress(ids.encode()))
    with pytest.raises(DataIntegrityError, match=r"vendor_ud_ewt\.py"):
        load_ud_ewt_ids("dev", tmp_path)
