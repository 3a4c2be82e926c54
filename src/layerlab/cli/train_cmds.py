"""Commands about training: train, runs, predict.

    layerlab train my-digits --epochs 5          progress bar, then a table of the final metrics
    layerlab train my-digits --json              one JSON object per epoch, then {"run_id", "final", ...}
    layerlab runs my-digits                      the project's runs, newest first (a run whose process
                                                 is gone reads 'interrupted'), with the epoch predictions use
    layerlab predict my-digits seven.png --top 3 the most likely classes with probabilities (the best
                                                 epoch's weights; --weights last for the last epoch's)
"""
from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import numpy as np
import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from .. import api
from ..i18n import msg
from .. import api_events as ev
from . import csv_out
from .common import PROJECT_HELP, WORKSPACE, app, console, emit_json, err_console, friendly, open_project

_SKIP = ("epoch", "lr", "samples_per_s", "elapsed_s", "epoch_s")


def _fmt(v) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def _headline(final: dict) -> str:
    for k in ("val_accuracy", "accuracy", "val_loss", "loss"):
        if k in final:
            return f"{k} {final[k]:.4g}"
    return ""


@app.command()
@friendly
def train(project: str = typer.Argument(..., help=PROJECT_HELP),
          workspace: Path = WORKSPACE,
          epochs: int = typer.Option(None, "--epochs", "-e", help="Epochs for this run (default: the spec's)."),
          as_json: bool = typer.Option(False, "--json", help="One JSON object per epoch, then the result."),
          continue_run: str = typer.Option(None, "--continue", help="Go on from this run id ('latest' for the newest)."),
          workers: int = typer.Option(None, "--workers", help="Data-parallel training on N Ray Train workers "
                                      "(needs the scale extra)."),
          address: str = typer.Option(None, "--address", help="A running Ray cluster (default: RAY_ADDRESS, or "
                                      "a private one on this machine)."),
          storage_path: str = typer.Option(None, "--storage-path", help="Ray's storage path (shared NFS or S3) "
                                           "for runs on several machines."),
          resources: str = typer.Option(None, "--resources-per-worker", help="Ray resources per worker, e.g. "
                                        "cpu=1,gpu=0.")
          ) -> None:
    """Train a project and save the run under PROJECT/runs/<run_id>/."""
    p = open_project(project, workspace)
    p.validate()
    if workers is not None or address or storage_path or resources:
        if continue_run:
            raise api.SpecError("--continue", msg("cannot be combined with --workers"), continue_run,
                                msg("continue the run on this machine (without --workers), or start a new one"))
        spread = dict(workers=2 if workers is None else workers, address=address, storage_path=storage_path,
                      resources_per_worker=_resources(resources))
    else:
        spread = None
    if as_json:
        def on_event(e: ev.Event) -> None:
            if isinstance(e, ev.EpochEnded):
                emit_json({"epoch": e.epoch, "epochs": e.epochs, **e.metrics, "lr": e.learning_rate,
                           "samples_per_s": round(e.samples_per_s, 1), "eta_s": round(e.eta_s, 2)})
        run = _start(p, epochs, on_event, continue_run, spread)
        _wait(run)
        out = {"run_id": run.run_id, "status": run.status, "final": run.final, **_kept(p, run.run_id)}
        if run.failure is not None:
            out["error"] = run.failure.to_dict()
        emit_json(out)
        if run.status == "failed":
            raise typer.Exit(1)
        return
    progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.fields[info]}"),
                        TimeRemainingColumn(), console=console, transient=False)
    task = progress.add_task("epoch", total=None, info="starting…")

    def on_progress(e: ev.Event) -> None:
        if isinstance(e, ev.RunStarted):
            progress.update(task, total=e.epochs - e.start_epoch, completed=0,
                            info=f"{e.n_train} samples on {e.device}")
        elif isinstance(e, ev.BatchEnded):
            progress.update(task, description=f"epoch {e.epoch}", info=f"loss {e.loss:.4f}")
        elif isinstance(e, ev.EpochEnded):
            shown = ", ".join(f"{k} {v:.4f}" for k, v in e.metrics.items() if k in (
                "loss", "val_loss", "accuracy", "val_accuracy", "mse", "val_mse"))
            progress.update(task, advance=1, description=f"epoch {e.epoch}/{e.epochs}",
                            info=f"{shown}  ({e.samples_per_s:,.0f} samples/s)")
    with progress:
        run = _start(p, epochs, on_progress, continue_run, spread)
        _wait(run)
    _report(run, _kept(p, run.run_id))


def _kept(p, run_id: str) -> dict:
    """epochs_done, best_epoch and which weights predictions use ("best: epoch 14 of 50")."""
    row = next((r for r in p.runs() if r["run_id"] == run_id), None) or {}
    note = row.get("weights_note")
    return {"epochs_done": row.get("epochs_done"), "best_epoch": row.get("best_epoch"),
            "weights": str(note) if note else None}


def _resources(text: str | None) -> dict[str, float] | None:
    """cpu=1,gpu=0.5 -> {"cpu": 1.0, "gpu": 0.5}."""
    if not text:
        return None
    out = {}
    for part in text.split(","):
        name, _, value = part.partition("=")
        try:
            out[name.strip().lower()] = float(value)
        except ValueError:
            raise api.SpecError("--resources-per-worker", msg("cannot read {part!r}", part=part.strip()), text,
                                msg("write it as cpu=1,gpu=0")) from None
    return out


def _start(p, epochs, on_event, continue_from, spread=None):
    if spread is not None:
        return p.train_distributed(epochs=epochs, on_event=on_event, background=True, **spread)
    if continue_from:
        return p.continue_run(None if continue_from == "latest" else continue_from, epochs=epochs,
                              on_event=on_event, background=True)
    return p.train(epochs=epochs, on_event=on_event, background=True)


def _wait(run) -> None:
    try:
        while not run.done:  # short waits keep Ctrl-C responsive
            time.sleep(0.1)
    except KeyboardInterrupt:
        err_console.print("Stopping after this batch… (the last finished epoch is kept)")
        run.stop()
        run.wait()


def _report(run, kept: dict) -> None:
    if run.status == "failed" and run.failure is not None:
        f = run.failure
        err_console.print(f"[red]Training failed:[/red] {f.message}", markup=True, highlight=False)
        if f.hint:
            err_console.print(f"  Fix: {f.hint}", markup=False)
        raise typer.Exit(1)
    console.print(f"Run [bold]{run.run_id}[/bold] {run.status}.")
    t = Table("metric", "value")
    for k, v in run.final.items():
        if k not in _SKIP:
            t.add_row(k, _fmt(v))
    console.print(t)
    done = run.history[-1]["epoch"] if run.history else 0
    if kept.get("weights"):
        console.print(f"Predict, inspect and export use {kept['weights']} (the metrics above; "
                      "`--weights last` for the last epoch's).", markup=False)
    console.print(f"{done} epochs. Saved in runs/{run.run_id}/. Predict with: layerlab predict PROJECT INPUT…")


@app.command()
@friendly
def runs(project: str = typer.Argument(..., help=PROJECT_HELP),
         workspace: Path = WORKSPACE,
         as_json: bool = typer.Option(False, "--json", help="Print JSON."),
         history: str = typer.Option(None, "--history", help="Show this run's per-epoch history ('latest')."),
         as_csv: bool = typer.Option(False, "--csv", help="With --history: print it as CSV."),
         out: Path = typer.Option(None, "--out", help="With --history: write the CSV to this file.")) -> None:
    """List a project's training runs, newest first (or one run's history, also as CSV)."""
    p = open_project(project, workspace)
    if history:
        return csv_out.history(p, history, as_csv, out)
    rows = p.runs()
    if as_json:
        return emit_json(rows)
    if not rows:
        console.print("No runs yet. Train with: layerlab train " + str(project))
        return
    t = Table("run id", "status", "started", "duration", "epochs", "predicts with", "result", "spec",
              title=f"Runs of {p.name}")
    for r in rows:
        started = datetime.fromtimestamp(r["started"]).strftime("%Y-%m-%d %H:%M") if r["started"] else ""
        dur = f"{r['duration_s']:.1f} s" if r["duration_s"] is not None else ""
        t.add_row(r["run_id"], r["status"], started, dur, str(r["epochs_done"] or 0), str(r.get("weights_note") or ""),
                  _headline(r["final"] or {}), r["spec_hash"] or "")
    console.print(t)


@app.command()
@friendly
def predict(project: str = typer.Argument(..., help=PROJECT_HELP),
            workspace: Path = WORKSPACE,
            inputs: list[str] = typer.Argument(..., help="Image files, a CSV of rows, a table row typed out ('5.1,3.5,1.4,0.2'), "
                                                       "or a JSON file/array."),
            top: int = typer.Option(3, "--top", "-k", min=1, help="How many classes to show per input."),
            run_id: str = typer.Option(None, "--run", help="Use this run (default: the latest)."),
            weights: str = typer.Option(None, "--weights",
                                        help="best (the best validation epoch's, the default) or last."),
            out_csv: Path = typer.Option(None, "--out", help="Also write the predictions as CSV to this file."),
            as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Predict with the latest trained run: top classes with probabilities, or the regression value."""
    p = open_project(project, workspace)
    loaded = p.load_run(run_id, weights)
    items = _read_inputs(inputs)
    out = p.predict(items, run_id=loaded.run_id, raw=True, weights=loaded.weights)
    if out_csv is not None:
        csv_out.predictions(p, items, loaded.run_id, out_csv)
    labels = inputs if len(inputs) == len(out) else [f"{inputs[0] if len(inputs) == 1 else 'input'}[{i}]"
                                                      for i in range(len(out))]
    results = []
    if loaded.info.task == "classification":
        classes = loaded.classes or [str(i) for i in range(out.shape[1])]
        for label, probs in zip(labels, out):
            order = np.argsort(-probs)[:top]
            results.append({"input": label, "top": [{"class": classes[i], "probability": float(probs[i])}
                                                    for i in order]})
    else:
        for label, values in zip(labels, out):
            results.append({"input": label, "value": [float(v) for v in np.atleast_1d(values)]})
    if as_json:
        return emit_json({"run_id": loaded.run_id, "weights": loaded.weights, "epoch": loaded.epoch,
                          "weights_note": str(loaded.note), "task": loaded.info.task, "predictions": results})
    for r in results:
        if "top" in r:
            shown = ", ".join(f"{c['class']} {c['probability']:.1%}" for c in r["top"])
        else:
            shown = ", ".join(f"{v:.6g}" for v in r["value"])
        console.print(f"{r['input']}: {shown}", markup=False)
    console.print(f"(run {loaded.run_id}, {loaded.note})", markup=False, highlight=False)


def _read_inputs(inputs: list[str]) -> list:
    """Paths stay paths for the data package's reader (images, CSV); JSON (a file or inline) becomes samples."""
    import json
    items: list = []
    for text in inputs:
        if text.lstrip().startswith(("[", "{")):
            data = json.loads(text)
        elif text.lower().endswith(".json"):
            data = json.loads(Path(text).read_text(encoding="utf-8"))
        elif "," in text and not Path(text).exists():   # a table row typed out: "5.1,3.5,1.4,0.2"
            items.append(text + "\n")                   # read as CSV text (a header row may come first)
            continue
        else:
            items.append(Path(text))
            continue
        # a JSON object is one sample; a list of numbers is one sample; a list of lists/objects is several
        if isinstance(data, dict) or (isinstance(data, list) and data and not isinstance(data[0], (list, dict))):
            items.append(data)
        else:
            items.extend(data)
    return items
