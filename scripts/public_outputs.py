"""Record LayerLab's public outputs (CLI text, API JSON, files written) so a refactor can be
checked for changed behaviour (issue 16.5).

    python scripts/public_outputs.py OUT.json            # record this checkout
    python scripts/public_outputs.py OUT.json --diff OLD.json   # and list what changed

Every output is normalised so that two recordings of the same code are equal: the temporary
workspace path becomes <WS>, run ids and times become <RUN>/<TIME>. Trained weights are
deterministic here (fixed seed, one torch thread), so exported files are compared by content
hash; files whose bytes carry a time (zip, .layerlab) are compared by their member names.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

EXAMPLES = ("xor", "iris", "digits", "sine")
CLI = [  # commands that need no project
    ["--help"], ["examples"], ["datasets"], ["layers"], ["layers", "dense"], ["layers", "conv2d"],
    ["activations"], ["schema"],
]
PER_PROJECT = [["summary", "{p}"], ["validate", "{p}"], ["data", "{p}"]]
AFTER_TRAIN = [["runs", "{p}"], ["predict", "{p}", "--help"]]
FORMATS = ("onnx", "torchscript", "safetensors", "script", "tfjs", "webpage", "zip")
ROUTES = ["/api/examples", "/api/projects/{p}", "/api/projects/{p}/validate", "/api/projects/{p}/summary",
          "/api/projects/{p}/runs"]


def _norm(text: str, ws: str) -> str:
    text = text.replace(ws, "<WS>").replace(os.path.realpath(ws), "<WS>")
    text = re.sub(r"\b\d{8}[-_T]\d{6}[-_\w]*", "<RUN>", text)
    text = re.sub(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?)?([+-]\d\d:\d\d|Z)?", "<TIME>", text)
    text = re.sub(r"\b\d+(\.\d+)? ?(s|ms|min)\b", "<DUR>", text)
    return text


def _cli(args: list[str], ws: str, env: dict[str, str]) -> dict[str, object]:
    r = subprocess.run([sys.executable, "-m", "layerlab", *args], capture_output=True, text=True,
                       env=env, cwd=ws, timeout=600)
    return {"rc": r.returncode, "out": _norm(r.stdout, ws), "err": _norm(r.stderr, ws)[-2000:]}


def _files(folder: Path) -> dict[str, str]:
    out = {}
    for f in sorted(folder.rglob("*") if folder.is_dir() else [folder]):
        if not f.is_file():
            continue
        name = str(f.relative_to(folder)) if folder.is_dir() else f.name
        if f.suffix in (".zip", ".layerlab"):
            with zipfile.ZipFile(f) as z:
                out[name] = "members: " + ", ".join(sorted(z.namelist()))
        else:
            out[name] = hashlib.sha256(f.read_bytes()).hexdigest()[:16]
    return out


def record() -> dict[str, object]:
    ws = tempfile.mkdtemp(prefix="ll-public-")
    env = {**os.environ, "LAYERLAB_HOME": ws, "OMP_NUM_THREADS": "1", "COLUMNS": "100", "NO_COLOR": "1",
           "TERM": "dumb", "LAYERLAB_LANG": "en"}
    rec: dict[str, object] = {}
    for args in CLI:
        rec["cli " + " ".join(args)] = _cli(args, ws, env)
    for ex in EXAMPLES:
        p = f"{ws}/{ex}"
        rec[f"new {ex}"] = _cli(["new", p, "--example", ex], ws, env)
        for args in PER_PROJECT:
            rec["cli " + " ".join(args).format(p=ex)] = _cli([a.format(p=p) for a in args], ws, env)
        rec[f"train {ex}"] = _cli(["train", p, "--epochs", "2"], ws, env)
        for args in AFTER_TRAIN:
            rec["cli " + " ".join(args).format(p=ex)] = _cli([a.format(p=p) for a in args], ws, env)
        for fmt in FORMATS:
            suffix = {"onnx": ".onnx", "torchscript": ".pt", "script": ".py", "webpage": ".html",
                      "zip": ".zip"}.get(fmt, "")
            out = Path(ws) / "out" / ex / f"{fmt}{suffix}"
            out.parent.mkdir(parents=True, exist_ok=True)
            r = _cli(["export", p, "--format", fmt, "--out", str(out)], ws, env)
            rec[f"export {ex} {fmt}"] = {**r, "files": _files(out) if out.exists() else {}}
    rec.update(_api(ws))
    return rec


def _api(ws: str) -> dict[str, object]:
    os.environ["LAYERLAB_HOME"] = ws
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from layerlab.server import security
    app = FastAPI()
    security.install(app, token="t", host="127.0.0.1", port=8765)
    c = TestClient(app, base_url="http://127.0.0.1:8765", headers={"Authorization": "Bearer t"})
    out: dict[str, object] = {}
    for ex in EXAMPLES:
        for route in ROUTES:
            url = route.format(p=ex)
            r = c.get(url)
            out["api " + url] = {"status": r.status_code, "json": _norm(json.dumps(r.json(), sort_keys=True), ws)}
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--diff")
    a = ap.parse_args()
    rec = record()
    Path(a.out).write_text(json.dumps(rec, indent=1, sort_keys=True, ensure_ascii=False))
    if a.diff:
        old = json.loads(Path(a.diff).read_text())
        changed = sorted(k for k in set(old) | set(rec) if old.get(k) != rec.get(k))
        for k in changed:
            print("changed:", k)
        print(f"{len(changed)} of {len(rec)} outputs changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
