"""Parameter sets per layer kind, as the registry contract tests want them: (input shape, params).

Each kind declares its own cases (LayerKind.cases, with the output shape its shape rule must
give), so a new kind brings them in its own file; this table only reads them.
"""
from __future__ import annotations

from layerlab.layers import load_all

CASES: dict[str, list[tuple[tuple[int, ...], dict]]] = {
    name: [(tuple(c.in_shape), dict(c.params)) for c in kind.cases] for name, kind in sorted(load_all().items())}
