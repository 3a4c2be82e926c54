"""The project document as the studio, the server and the CLI read and edit it (they import only
the facade): reading and parsing a document, applying fixes and edits, spec paths, search ranges,
the JSON schema, and the spec's own models and analysis; the layer kinds (`layer_kinds()`, `get_layer`,
their `FAMILIES`, the `ACTIVATIONS` a layer's `activation` takes) and the training `catalog` (losses,
optimizers, metrics, schedules, each with the tasks it fits) the model and training forms offer.

>>> doc = loads('{"name": "x", "data": {"source": "xor"}}', "project.json")
>>> parse_project(doc).data.source, parse_path("model.layers[2].units")
('xor', ['model', 'layers', 2, 'units'])
>>> get_layer("dense").name, "relu" in ACTIVATIONS, "dense" in layer_kinds(), "adam" in catalog.OPTIMIZERS
('dense', True, True, True)
"""
from __future__ import annotations

from .layers import ACTIVATIONS, FAMILIES, get_layer
from .layers import load_all as layer_kinds
from .spec import catalog
from .spec.check import Analysis
from .spec.env import check as check_environment
from .spec.fixes import apply_edits, apply_fix
from .spec.loader import loads, read_document
from .spec.models import DataSpec, ScheduleSpec, TrainingSpec, parse_project
from .spec.paths import parse as parse_path
from .spec.schema import project_schema
from .spec.search import ranges, use_values

__all__ = ["ACTIVATIONS", "Analysis", "DataSpec", "FAMILIES", "ScheduleSpec", "TrainingSpec", "apply_edits", "apply_fix",
           "catalog", "check_environment", "get_layer", "layer_kinds", "loads", "parse_path", "parse_project", "project_schema", "ranges",
           "read_document", "use_values"]
