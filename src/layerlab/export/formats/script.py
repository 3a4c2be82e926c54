"""A standalone PyTorch script (torch, numpy, Pillow) that trains the model again with the same settings
and predicts (export/codegen.py writes it and checks its model against PyTorch)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ...data.base import get_source
from ...data.split import split_indices
from ...data.tablefit import fit_table
from ...i18n import Text, msg
from ..common import Exported
from ..script_data import SKLEARN
from ..script_rows import script_columns, takes_rows
from . import ExportFormat, register


@register
class Script(ExportFormat):
    name = "script"
    order = 60
    label = msg("PyTorch script (.py)")
    description = msg("One readable Python file: model, data, training and prediction.")
    suffix = ".py"
    bundle_path = "train.py"
    snippet_language = "bash"
    no_verify = msg("the script trains its own model when it runs (minutes); its model was checked against "
                    "PyTorch's with these weights when the file was written")

    def snippet(self, file: str, shape: str, shape_tf: str) -> Text:
        return msg("python {file}                # train\npython {file} --predict FILE  # predict", file=file)

    def plain_readme(self, shape: str) -> str:
        return """### train.py — a standalone PyTorch script (torch, numpy, Pillow)
```bash
python train.py                  # trains with the same hyper-parameters, prints validation accuracy
python train.py --predict x.png  # predicts with the weights it saved
```"""

    def readme(self, src: Exported, shape: str, report: dict[str, Any]) -> str:
        pre = src.meta.get("preprocessing") or {}
        if not pre.get("kind") or not takes_rows(pre, tuple(src.input_shape), not src.example.is_floating_point()):
            return self.plain_readme(shape)
        names = ", ".join(c["name"] for c in script_columns(pre, tuple(src.input_shape), src.meta.get("feature_names")))
        return f"""### train.py — a standalone PyTorch script (torch, numpy)
```bash
python train.py                     # trains with the same hyper-parameters, prints validation accuracy
python train.py --predict rows.csv  # predicts each row of a CSV file with the weights it saved
python train.py --predict "..."     # or one row typed out: values separated by commas
```
A row gives the columns {names} (in this order, or under a header row that names them); an
empty cell is filled and text is encoded as in LayerLab."""

    def write(self, src: Exported, out: Path, project: Any = None) -> dict[str, Any]:
        from ..codegen import export_script  # start-up time: the training loop and every layer kind (0.25 s)
        raw = None
        source = (src.meta.get("doc") or {}).get("data", {}).get("source")
        if project is not None and source not in SKLEARN:
            raw = raw_samples(project)
        return export_script(src, out, raw)


def raw_samples(project: Any):
    """All samples of the project's data source, before splitting and scaling (for the script); a table's
    missing cells filled and categories encoded as the engine fits them, from the training rows only."""
    spec = project.spec
    source = get_source(spec.data.source)
    raw = source.load(source.resolve(spec.data.params), project.dir, seed=spec.data.seed)
    d = spec.data
    train, _, _ = split_indices(raw.y, raw.info.task, d.validation_split, d.test_split, d.seed)
    raw = fit_table(raw, train)
    return raw.x, raw.y
