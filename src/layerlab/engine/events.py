"""Typed, past-tense events of a training run. The CLI, the studio and the run store consume
them; the engine imports none of those.

Every event carries `run_id` and `time` (seconds since the epoch) and serialises with
`to_dict()` to plain JSON types, with its class name under "event". Epochs and batches
are counted from 1 as users count them.

Order within one run::

    RunStarted → (BatchEnded* → EpochEnded → CheckpointSaved{1,2})* →
        RunFinished | RunStopped | RunFailed

RunPaused / RunResumed may appear between batches (a Step is RunResumed, one BatchEnded, RunPaused); RunYielded ... RunResumed(batch=0) between
epochs, when the scheduler gave the run's place to another user for a while. BatchEnded is rate-limited to at most
`BATCH_EVENTS_PER_S` per second over the whole run (short epochs may have none; their
EpochEnded follows anyway), so a consumer can redraw on every event.

>>> e = EpochEnded(run_id="r1", epoch=1, epochs=5, train={"loss": 0.5}, val={"loss": 0.6},
...                learning_rate=0.01, samples_per_s=1000.0, eta_s=4.0, elapsed_s=1.0)
>>> e.to_dict()["event"], e.metrics["val_loss"]
('EpochEnded', 0.6)
>>> event_from_dict(e.to_dict()) == e
True
"""
from __future__ import annotations

import dataclasses
import time as _time
from dataclasses import dataclass, field
from typing import Any

from ..i18n import Text

BATCH_EVENTS_PER_S = 10
LIVE_WEIGHTS_MAX_PARAMS = 100_000  # larger networks share no weights while watched (too much to send)


def _now() -> float:
    return _time.time()


@dataclass(frozen=True, kw_only=True)
class Event:
    """Base of every run event."""

    run_id: str
    time: float = field(default_factory=_now)

    @property
    def name(self) -> str:
        return type(self).__name__

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with the event's class name under 'event'."""
        return {"event": self.name, **dataclasses.asdict(self)}


@dataclass(frozen=True, kw_only=True)
class RunStarted(Event):
    """A run began (or a finished run was continued; then start_epoch > 0)."""

    project: str
    epochs: int                 # the epoch number the run will end at (inclusive)
    n_train: int
    n_val: int
    start_epoch: int = 0        # epochs already done before this run segment
    device: str = "cpu"
    params: int = 0             # trainable parameters
    continued_from: str | None = None


@dataclass(frozen=True, kw_only=True)
class BatchEnded(Event):
    """A training step finished (rate-limited)."""

    epoch: int
    batch: int
    batches: int                # batches per epoch
    loss: float
    samples_per_s: float


@dataclass(frozen=True, kw_only=True)
class LiveWeights(Event):
    """The network's weights right after a batch, shared only while someone watches batch by batch
    (slow motion or Step) and only for small networks (at most LIVE_WEIGHTS_MAX_PARAMS), so a page can
    redraw the decision boundary as it forms. weights: parameter name -> float32 numpy array."""

    epoch: int
    batch: int
    batches: int
    weights: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d["weights"] = {k: v.tolist() for k, v in self.weights.items()}
        return d


@dataclass(frozen=True, kw_only=True)
class EpochEnded(Event):
    """An epoch finished: train and validation metrics (val is {} without a validation split)."""

    epoch: int
    epochs: int
    train: dict[str, float]
    val: dict[str, float]
    learning_rate: float
    samples_per_s: float
    eta_s: float
    elapsed_s: float
    best: bool = False          # this epoch is the best so far on the monitored metric

    @property
    def metrics(self) -> dict[str, float]:
        """Flat metrics as in history.json: loss, accuracy, val_loss, val_accuracy, ..."""
        return {**self.train, **{f"val_{k}": v for k, v in self.val.items()}}


@dataclass(frozen=True, kw_only=True)
class CheckpointSaved(Event):
    """Weights were written: kind 'last' after every epoch, 'best' when the epoch is the best."""

    epoch: int
    kind: str
    path: str


@dataclass(frozen=True, kw_only=True)
class RunPaused(Event):
    """The run is waiting between batches until resumed (or stopped)."""

    epoch: int
    batch: int


@dataclass(frozen=True, kw_only=True)
class RunResumed(Event):
    """A paused run goes on."""

    epoch: int
    batch: int


@dataclass(frozen=True, kw_only=True)
class RunYielded(Event):
    """The run's time slice is over and another user waits: it saved everything after this epoch and
    waits in the queue; it goes on later under the same run id (RunResumed with batch 0)."""

    epoch: int


@dataclass(frozen=True, kw_only=True)
class RunFinished(Event):
    """All epochs ran (or early stopping ended the run); final holds the flat metrics kept."""

    final: dict[str, float]
    epochs_done: int
    elapsed_s: float
    best_epoch: int | None = None
    early_stopped: bool = False


@dataclass(frozen=True, kw_only=True)
class RunStopped(Event):
    """The user stopped the run; the last finished epoch was saved and can be continued."""

    final: dict[str, float]
    epochs_done: int
    elapsed_s: float


@dataclass(frozen=True, kw_only=True)
class RunFailed(Event):
    """The run could not go on. `message` is plain words for people; `detail` is technical.

    kind: 'nan' (loss became NaN/inf), 'shape' (a layer got data of the wrong shape),
    'data', 'out_of_memory', 'spec' (the project is invalid) or 'error'. `path` names the
    spec location when known, e.g. model.layers[3].
    """

    message: str
    detail: str = ""
    kind: str = "error"
    epoch: int | None = None
    batch: int | None = None
    path: str | None = None
    hint: str = ""
    # message and hint as translatable Texts ({"t": template, "p": values}), so the words can be
    # shown in German after a trip through JSON too; filled from message/hint when they are Texts
    texts: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.texts:
            texts = {k: v.to_dict() for k in ("message", "hint") if isinstance(v := getattr(self, k), Text)}
            object.__setattr__(self, "texts", texts)

    def text(self, part: str, lang: str | None = None) -> str:
        """'message' or 'hint' in lang (default: the current page's language)."""
        return saved_text(self.texts, part, getattr(self, part), lang)


def saved_text(texts: dict[str, Any] | None, part: str, fallback: Any, lang: str | None = None) -> str:
    """A failure's 'message' or 'hint' in lang from its saved Texts (RunFailed.texts, a run's meta.json),
    else the plain fallback (runs saved before Texts were kept)."""
    saved = (texts or {}).get(part)
    return Text.from_dict(saved).to(lang) if saved else str(fallback or "")


TERMINAL = (RunFinished, RunStopped, RunFailed)
EVENTS: dict[str, type[Event]] = {c.__name__: c for c in (
    RunStarted, BatchEnded, LiveWeights, EpochEnded, CheckpointSaved, RunPaused, RunResumed, RunYielded, RunFinished,
    RunStopped, RunFailed)}


def event_from_dict(d: dict[str, Any]) -> Event:
    """Rebuild an event from its to_dict() form (e.g. after a trip through JSON)."""
    d = dict(d)
    cls = EVENTS[d.pop("event")]
    return cls(**d)
