"""Hyper-parameter search over the ranges a project declares.

    layerlab search my-digits --trials 20 --parallel 2     a table of trials as they end, then the best
    layerlab search my-digits --json                       one JSON object per trial, then the search
    layerlab search my-digits --ray [--address host:6379]  the same study on Ray Tune (TPE + ASHA)
    layerlab search my-digits --use-best                   the last search's best values become the
                                                           ranges' defaults (train uses them)
    layerlab search my-digits --rerun-best 3               the best values with 3 seeds: mean ± sd on
                                                           the test split
"""
from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import typer
from rich.table import Table

from .. import api_search
from .common import PROJECT_HELP, WORKSPACE, app, console, emit_json, err_console, friendly, open_project


def _fmt(v) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)


@app.command()
@friendly
def search(project: str = typer.Argument(..., help=PROJECT_HELP + " It needs search ranges in its settings."),
           workspace: Path = WORKSPACE,
           trials: int = typer.Option(20, "--trials", "-n", help="How many trials."),
           parallel: int = typer.Option(1, "--parallel", "-p", help="Trials at once."),
           epochs: int = typer.Option(None, "--epochs", "-e", help="Epochs per trial (default: the spec's)."),
           seed: int = typer.Option(0, "--seed", help="Seed of the sampler."),
           as_json: bool = typer.Option(False, "--json", help="One JSON object per trial, then the result."),
           on_ray: bool = typer.Option(False, "--ray", help="Run the trials on Ray Tune (this machine's Ray, "
                                       "or the cluster at --address / RAY_ADDRESS)."),
           address: str = typer.Option(None, "--address", help="A running Ray cluster (implies --ray)."),
           use_best: bool = typer.Option(False, "--use-best", help="Write the last search's best values into "
                                         "the project (as the ranges' defaults) instead of searching."),
           rerun_best: int = typer.Option(None, "--rerun-best", help="Train the last search's best values with "
                                          "this many seeds instead of searching.")) -> None:
    """Search the ranges written in a project's settings (Optuna's TPE sampler, early stopping of weak trials)."""
    p = open_project(project, workspace)
    if use_best:
        done = api_search.use_best(p)
        if as_json:
            emit_json(done)
        else:
            for path, value in done["values"].items():
                console.print(f"{path} = {_fmt(value)}", markup=False)
            console.print("Written as the ranges' defaults: `layerlab train` now uses them.", markup=False)
        return
    if rerun_best:
        out = api_search.rerun_best(p, seeds=rerun_best, epochs=epochs)
        if as_json:
            emit_json(out)
        else:
            console.print(f"{out['metric']} on the {out['split']} split over {out['seeds']} seeds: "
                          f"{out['mean']:.4f} ± {out['sd']:.4f}", markup=False)
        return
    found = api_search.check(p)
    if not as_json:
        console.print(f"Searching {len(found)} setting(s) in {trials} trials, {parallel} at a time: "
                      + ", ".join(r["path"] for r in found), markup=False)

    def on_trial(t) -> None:
        if as_json:
            emit_json({"trial": dataclasses.asdict(t)})
        else:
            shown = ", ".join(f"{k.rsplit('.', 1)[-1]}={_fmt(v)}" for k, v in t.params.items())
            value = _fmt(t.value) if t.value is not None else "-"
            console.print(f"trial {t.number:>3}  {t.state:<9} {value:>9}  {shown}", markup=False)
    if on_ray or address:  # Tune handles Ctrl-C itself: it stops the trials and returns what ended
        result = api_search.search_on_ray(p, trials=trials, parallel=parallel, seed=seed, epochs=epochs,
                                          address=address, on_trial=on_trial).to_dict()
    else:
        s = api_search.search(p, trials=trials, parallel=parallel, seed=seed, epochs=epochs, on_trial=on_trial,
                              background=True)
        try:
            while not s.done:
                time.sleep(0.1)
        except KeyboardInterrupt:
            err_console.print("Stopping every trial…")
            s.stop()
            s.wait()
        result = s.result.to_dict()
    if as_json:
        emit_json(result)
        return
    best = result["best"]
    if best is None:
        err_console.print("[red]No trial finished.[/red] Look at the trials above.", markup=True)
        raise typer.Exit(1)
    t = Table("setting", "best value")
    for k, v in best["params"].items():
        t.add_row(k, _fmt(v))
    console.print(t)
    console.print(f"Best {result['metric']} {_fmt(best['value'])} (trial {best['number']}, run {best['run_id']}). "
                  "Write it into the project with: layerlab search PROJECT --use-best", markup=False)
