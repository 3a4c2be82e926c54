"""What a run reports while it trains, for the studio, the server and the CLI (they import only the
facade): the typed events of layerlab.engine.events, which `Project.train(on_event=...)` receives.

>>> e = RunStarted(run_id="r1", project="xor", epochs=3, n_train=8, n_val=2)
>>> e.run_id, isinstance(e, Event), RunFinished in TERMINAL
('r1', True, True)
"""
from __future__ import annotations

from .engine.events import (TERMINAL, BatchEnded, CheckpointSaved, EpochEnded, Event, LiveWeights, RunFailed,
                            RunFinished, RunPaused, RunResumed, RunStarted, RunStopped, RunYielded, event_from_dict,
                            saved_text)

__all__ = ["TERMINAL", "BatchEnded", "CheckpointSaved", "EpochEnded", "Event", "LiveWeights", "RunFailed",
           "RunFinished", "RunPaused", "RunResumed", "RunStarted", "RunStopped", "RunYielded", "event_from_dict",
           "saved_text"]
