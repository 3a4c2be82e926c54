"""Text columns: the encoder's categories come from the training split only; a value met only in
validation rows (or first at prediction) encodes as all zeros, is reported, and never crashes."""
from __future__ import annotations

import numpy as np
import pytest

import layerlab
from layerlab.data import get_source
from layerlab.data.inputs import load_inputs
from layerlab.data.prepare import prepare
from layerlab.data.preprocess import Preprocessor
from layerlab.data.split import split_indices
from layerlab.data.summary import summarize

N, SEED, VAL = 40, 7, 0.25
KIND = ["a" if i % 2 else "b" for i in range(N)]


def _split() -> tuple[np.ndarray, np.ndarray]:
    """The seeded split prepare makes (it depends on the targets only, not on the features)."""
    y = np.array([k == "b" for k in KIND], np.int64)
    tr, va, _ = split_indices(y, "classification", VAL, 0.0, SEED)
    return tr, va


def _table(colour_of) -> str:
    return "size,colour,kind\n" + "".join(f"{i % 9},{colour_of(i)},{KIND[i]}\n" for i in range(N))


def _data(text: str, **params) -> dict:
    return {"source": "csv", "params": {"text": text, "target": "kind", **params}, "seed": SEED,
            "validation_split": VAL, "preprocessing": {"normalize": "none"}}


def _val_only_table() -> tuple[str, int]:
    """Colours red/blue everywhere, and 'purple' in exactly one validation row."""
    _, va = _split()
    odd = int(va[0])
    return _table(lambda i: "purple" if i == odd else ("red", "blue")[i % 3 % 2]), odd


def test_categories_come_from_training_rows_and_a_validation_only_value_encodes_as_zeros():
    text, odd = _val_only_table()
    ds = prepare(_data(text))
    colour = ds.preprocessor.columns[1]
    assert colour["categories"] == ["blue", "red"]                 # purple is not a category
    # the input width is the table's (it does not depend on the split): purple keeps a column that stays zero
    src = get_source("csv")
    assert ds.info.input_shape == src.info(src.resolve(_data(text)["params"]), None).input_shape == (4,)
    assert ds.info.feature_names == ["size", "colour=blue", "colour=purple", "colour=red"]
    val_idx = ds.val.indices.numpy()
    row = ds.val.x[int(np.flatnonzero(val_idx == odd)[0])].numpy()
    assert row[1:].tolist() == [0.0, 0.0, 0.0] and row[0] == odd % 9
    assert ds.train.x[:, 2].abs().sum() == 0                        # no training row has purple
    others = ds.val.x[val_idx != odd][:, 1:].numpy()
    assert (others.sum(1) == 1).all()                               # known colours stay one-hot
    assert ds.meta["unseen_categories"] == {"colour": ["purple"]}
    assert summarize(ds)["unseen_categories"] == {"colour": ["purple"]}


def test_training_and_prediction_with_a_value_the_encoder_does_not_know(tmp_path):
    text, _ = _val_only_table()
    doc = {"name": "t", "task": "classification", "data": _data(text),
           "model": {"layers": [{"type": "dense", "units": 8, "activation": "relu"},
                                {"type": "dense", "units": 2, "activation": "softmax"}]},
           "training": {"epochs": 2, "batch_size": 8}}
    p = layerlab.new(tmp_path / "t", doc=doc)
    run = p.train()
    assert run.status == "finished"
    saved = p.load_run().preprocessor.columns[1]
    assert saved["categories"] == ["blue", "red"] and saved["layout"] == ["blue", "purple", "red"]
    probs = p.predict([{"size": 3, "colour": "purple"}, {"size": 3, "colour": "orange"},
                       {"size": 3, "colour": "red"}])
    assert probs.shape == (3, 2) and np.allclose(probs.sum(1), 1)
    assert np.allclose(probs[0], probs[1])              # both unknown: the same all-zero encoding
    assert p.data_summary()["unseen_categories"] == {"colour": ["purple"]}


def test_missing_text_cells_take_the_training_rows_most_frequent_value():
    tr, va = _split()
    # training rows: 16 red, 14 blue; validation rows: all blue, so the whole table's mode would be blue
    colour = {int(i): "red" if k < 16 else "blue" for k, i in enumerate(sorted(tr))}
    colour.update({int(i): "blue" for i in va})
    colour[int(va[0])] = ""                                          # missing, in a validation row
    ds = prepare(_data(_table(colour.get)))
    assert ds.preprocessor.columns[1]["fill"] == "red"
    row = ds.val.x[int(np.flatnonzero(ds.val.indices.numpy() == va[0])[0])].numpy()
    assert row[1:].tolist() == [0.0, 1.0]                            # colour=blue, colour=red
    assert ds.train.x[:, 2].sum() == 16 and ds.train.x[:, 1].sum() == 14


def test_integer_codes_count_training_categories_and_unknown_is_minus_one():
    text, odd = _val_only_table()
    ds = prepare(_data(text, categorical="codes"))
    assert ds.preprocessor.columns[1]["categories"] == ["blue", "red"] and ds.info.input_shape == (2,)
    codes = dict(zip(ds.val.indices.tolist(), ds.val.x[:, 1].tolist()))
    assert codes[odd] == -1 and set(codes.values()) <= {-1.0, 0.0, 1.0}
    assert set(ds.train.x[:, 1].tolist()) == {0.0, 1.0}


def test_an_older_runs_schema_without_a_layout_still_encodes():
    """Runs saved before the fit on training rows list every value as a category."""
    text, _ = _val_only_table()
    ds = prepare(_data(text))
    old = ds.preprocessor.to_dict()
    old["columns"][1] = {k: v for k, v in old["columns"][1].items() if k != "layout"}
    old["columns"][1]["categories"] = ["blue", "purple", "red"]
    x = load_inputs([{"size": 2, "colour": "purple"}, {"size": 2, "colour": "pink"}], ds.info,
                    Preprocessor.from_dict(old))
    assert x.tolist() == [[2.0, 0.0, 1.0, 0.0], [2.0, 0.0, 0.0, 0.0]]


@pytest.mark.parametrize("value", ["purple", "never seen"])
def test_prediction_with_the_new_schema_encodes_unknown_values_as_zeros(value):
    text, _ = _val_only_table()
    ds = prepare(_data(text))
    pre = Preprocessor.from_dict(ds.preprocessor.to_dict())       # as after loading a run
    x = load_inputs([{"size": 2, "colour": value}, {"size": 2, "colour": "red"}], ds.info.to_dict(), pre)
    assert x.tolist() == [[2.0, 0.0, 0.0, 0.0], [2.0, 0.0, 0.0, 1.0]]
