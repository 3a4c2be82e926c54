"""The numbers a teacher sets in the environment are read in one place (spec/env.py): a mistyped value
stops `layerlab studio`/`classroom` at start with the four-part error, and every reader refuses it the same
way instead of one crashing mid-request with a bare ValueError and another quietly using its default."""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from layerlab.cli import app
from layerlab.data.streaming import default_workers
from layerlab.data.upload_checks import MB, UploadLimits
from layerlab.engine.scheduler import default_max_running, default_time_slice
from layerlab.engine.setup import threads_for
from layerlab.spec import env
from layerlab.spec.errors import SpecError
from layerlab.store.class_dataset import max_per_pupil, max_sample_bytes


@pytest.mark.parametrize("name", sorted(env.SETTINGS))
@pytest.mark.parametrize("bad", ["two", "nan", "inf", "-1"])
def test_every_setting_refuses_what_is_not_a_sensible_number(name, bad):
    with pytest.raises(SpecError) as e:
        env.number(name, 1, {name: bad})
    assert e.value.path == name and e.value.received == bad
    assert f"{name}={env.SETTINGS[name].example}" in str(e.value.hint)
    assert env.number(name, 7, {}) == 7 and env.number(name, 7, {name: "  "}) == 7   # unset or empty: default
    example = env.number(name, 7, {name: env.SETTINGS[name].example})                  # its own example is fine
    assert isinstance(example, int) == env.SETTINGS[name].whole


def test_counts_must_be_whole_and_sizes_above_zero():
    with pytest.raises(SpecError, match="whole number of at least 1"):
        env.number("LAYERLAB_MAX_RUNS", 1, {"LAYERLAB_MAX_RUNS": "1.5"})
    with pytest.raises(SpecError, match="above 0"):
        env.number("LAYERLAB_MAX_UPLOAD_MB", 1, {"LAYERLAB_MAX_UPLOAD_MB": "0"})
    assert env.number("LAYERLAB_MAX_UPLOAD_MB", 1, {"LAYERLAB_MAX_UPLOAD_MB": "0.001"}) == 0.001
    assert env.number("LAYERLAB_DATA_WORKERS", 2, {"LAYERLAB_DATA_WORKERS": "0"}) == 0   # decode in the loop
    assert env.number("LAYERLAB_MAX_RUNS", 1, {"LAYERLAB_MAX_RUNS": "3.0"}) == 3
    env.check({})
    with pytest.raises(SpecError, match="LAYERLAB_MAX_ZIP_RATIO"):
        env.check({"LAYERLAB_MAX_RUNS": "2", "LAYERLAB_MAX_ZIP_RATIO": "lots"})


def test_every_reader_goes_through_it(monkeypatch):
    readers = {"LAYERLAB_MAX_RUNS": default_max_running, "LAYERLAB_TIME_SLICE_S": default_time_slice,
               "LAYERLAB_THREADS": lambda: threads_for(1e12), "LAYERLAB_THREADS_CAP": lambda: threads_for(1e12),
               "LAYERLAB_DATA_WORKERS": default_workers, "LAYERLAB_MAX_UPLOAD_MB": UploadLimits.from_env,
               "LAYERLAB_MAX_IMAGE_PIXELS": UploadLimits.from_env, "LAYERLAB_CLASS_DATASET_MAX_PER_PUPIL": max_per_pupil,
               "LAYERLAB_CLASS_DATASET_MAX_MB": max_sample_bytes}
    for name, read in readers.items():
        monkeypatch.setenv(name, "x")
        with pytest.raises(SpecError, match=name):
            read()
        monkeypatch.delenv(name)
    monkeypatch.setenv("LAYERLAB_MAX_RUNS", "3")
    monkeypatch.setenv("LAYERLAB_CLASS_DATASET_MAX_MB", "0.5")
    monkeypatch.setenv("LAYERLAB_MAX_UPLOAD_MB", "1")
    monkeypatch.setenv("OMP_NUM_THREADS", "1,1")    # OpenMP's nested syntax: read as 1, not a crash
    assert default_max_running() == 3 and max_sample_bytes() == MB // 2
    assert UploadLimits.from_env().max_file_bytes == MB and threads_for(1e12) == 1


def test_the_studio_does_not_start_with_a_mistyped_setting(monkeypatch, tmp_path):
    monkeypatch.setenv("LAYERLAB_HOME", str(tmp_path))
    monkeypatch.setenv("LAYERLAB_MAX_UPLOAD_MB", "200MB")
    r = CliRunner().invoke(app, ["studio", "--no-browser", "--port", "1"])   # refused before the port is tried
    assert r.exit_code == 2, r.output
    assert "LAYERLAB_MAX_UPLOAD_MB" in r.output and "200MB" in r.output and "LAYERLAB_MAX_UPLOAD_MB=200" in r.output
    r = CliRunner().invoke(app, ["classroom", "--no-browser", "--port", "1", "--workspace", str(tmp_path / "c")])
    assert r.exit_code == 2 and "LAYERLAB_MAX_UPLOAD_MB" in r.output
    assert not (tmp_path / "c").exists()       # nothing made before the refusal
