"""Safe-file handling lives below the server, and every way a picture enters a workspace counts
toward its disk quota (the prepared-dataset cache does not).

Before: data/archive.py, store/unpack.py and the studio's Data page imported
layerlab.server.uploads; pictures taken with the webcam or drawn were never counted.
"""
from __future__ import annotations

import ast
import io
from pathlib import Path

import pytest
from PIL import Image

from layerlab.data import samples
from layerlab.store import quota
from layerlab.api import create_project
from layerlab.store import workspace as ws

SRC = Path(__file__).resolve().parents[2] / "src" / "layerlab"
# Who may import whom (DESIGN.md): the lower packages never import the server, the studio or the
# CLI; the studio (ui) calls the facade and the lower packages, never the server. (The whole
# layer order is checked by tests/safety/test_import_graph.py.)
LOWER = ("data", "store", "engine", "layers", "spec", "export", "inspect", "i18n")
FORBIDDEN = {**{pkg: ("server", "ui", "cli") for pkg in LOWER}, "ui": ("server", "cli")}


def _imports(file: Path) -> list[tuple[int, str]]:
    """(line, absolute module) of every import in file, relative ones resolved."""
    pkg = file.relative_to(SRC.parent).with_suffix("").parts[:-1]
    out = []
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = list(pkg[:len(pkg) - node.level + 1]) if node.level else []
            mod = ".".join(base + ([node.module] if node.module else []))
            out += [(node.lineno, mod)] + [(node.lineno, f"{mod}.{a.name}") for a in node.names]
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
    return out


def test_no_lower_package_and_no_studio_page_imports_the_server():
    wrong = []
    for pkg, banned in FORBIDDEN.items():
        for file in sorted((SRC / pkg).rglob("*.py")):
            for line, mod in _imports(file):
                top = mod.split(".")[1] if mod.startswith("layerlab.") and mod.count(".") >= 1 else None
                if top in banned:
                    wrong.append(f"{file.relative_to(SRC)}:{line} imports {mod}")
    assert not wrong, "\n".join(wrong)


def test_the_scanner_sees_relative_and_absolute_imports(tmp_path, monkeypatch):
    fake = SRC / "data" / "x.py"
    monkeypatch.setattr(Path, "read_text", lambda self, **k: "from ..server import uploads\nimport layerlab.ui.app\n"
                        if self == fake else Path.__dict__["read_text"](self, **k))
    assert ("layerlab.server.uploads" in {m for _, m in _imports(fake)}
            and "layerlab.ui.app" in {m for _, m in _imports(fake)})


def _png(size=(64, 64)) -> bytes:
    buf = io.BytesIO()
    Image.effect_noise(size, 80).convert("RGB").save(buf, "PNG")  # noise: PNG cannot shrink it much
    return buf.getvalue()


def test_webcam_and_drawn_pictures_count_toward_the_workspace_quota(monkeypatch):
    monkeypatch.setattr(quota, "FRESH_S", 0.0)
    p = create_project("cam", example="xor")
    (ws.home() / "limits.toml").write_text("workspace_files = 40\n")
    used = quota.workspace_usage(ws.home())[0]
    for _ in range(40 - used):
        samples.add_sample(p.dir, "cat", _png())
    with pytest.raises(quota.QuotaExceeded) as e:
        samples.add_sample(p.dir, "cat", _png())
    assert e.value.path == "sample" and "files" in e.value.message and "workspace_files" in e.value.hint
    assert samples.class_counts(p.dir) == {"cat": 40 - used}  # the refused picture was not written


def test_the_dataset_cache_does_not_count(monkeypatch):
    monkeypatch.setattr(quota, "FRESH_S", 0.0)
    create_project("cam", example="xor")
    before = quota.workspace_usage(ws.home())
    cache = ws.home() / ".cache" / "datasets" / "abc"
    cache.mkdir(parents=True)
    (cache / "train.npy").write_bytes(bytes(3_000_000))
    assert quota.workspace_usage(ws.home()) == before
    (ws.home() / "limits.toml").write_text("workspace_mb = 2\n")
    samples.add_sample(ws.project_dir("cam"), "dog", _png())  # 3 MB of cache would be over 2 MB


def test_a_burst_reuses_a_fresh_walk_and_a_refusal_walks_again(monkeypatch):
    p = create_project("cam", example="xor")
    walks = []
    real = quota.workspace_usage
    monkeypatch.setattr(quota, "workspace_usage", lambda root: walks.append(root) or real(root))
    monkeypatch.setattr(quota, "FRESH_S", 60.0)
    quota._walks.clear()
    for _ in range(5):
        samples.add_sample(p.dir, "cat", _png((8, 8)))
    assert len(walks) == 1  # ten pictures a second must not walk the whole workspace each time
    (ws.home() / "limits.toml").write_text("workspace_files = 1\n")
    for n in (1, 2):  # the first refusal comes from the fresh walk; the next try walks again
        with pytest.raises(quota.QuotaExceeded):
            samples.add_sample(p.dir, "cat", _png((8, 8)))
        assert len(walks) == n
