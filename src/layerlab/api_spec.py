"""The project document as the studio, the server and the CLI read and edit it (they import only
the facade): reading and parsing a document, applying fixes and edits, spec paths, search ranges,
the JSON schema, and the spec's own models and analysis.

>>> doc = loads('{"name": "x", "data": {"source": "xor"}}', "project.json")
>>> parse_project(doc).data.source, parse_path("model.layers[2].units")
('xor', ['model', 'layers', 2, 'units'])
"""
from __future__ import annotations

from .spec.check import Analysis
from .spec.fixes import apply_edits, apply_fix
from .spec.loader import loads, read_document
from .spec.models import DataSpec, ScheduleSpec, TrainingSpec, parse_project
from .spec.paths import parse as parse_path
from .spec.schema import project_schema
from .spec.search import ranges, use_values

__all__ = ["Analysis", "DataSpec", "ScheduleSpec", "TrainingSpec", "apply_edits", "apply_fix", "loads",
           "parse_path", "parse_project", "project_schema", "ranges", "read_document", "use_values"]
