"""The project spec: pydantic models of data, model and training. A project is one JSON file.

>>> p = ProjectSpec.model_validate({"name": "xor", "task": "classification",
...     "data": {"source": "xor"}, "model": {"layers": [{"type": "dense", "units": 2}]}})
>>> p.training.optimizer, p.data.validation_split
('adam', 0.2)
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..i18n import Text, msg
from . import catalog
from .errors import Fix, SpecError
from .loader import check_values
from .search import with_defaults
from .upgrade import SPEC_VERSION, upgrade



class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)


class DataSpec(_Strict):
    source: str = Field(description="Name of a built-in dataset or own-data source (csv, images, npy…).")
    params: dict[str, Any] = Field(default_factory=dict, description="Parameters of the source.")
    validation_split: float = Field(0.2, ge=0.0, lt=1.0, description="Share of samples held out for validation.")
    test_split: float = Field(0.0, ge=0.0, lt=1.0, description="Share of samples held out for the final test.")
    seed: int = Field(0, description="Seed of the split and of generated data.")
    input_shape: list[int] | None = Field(None, description="Shape of one sample (filled from the data).")
    classes: list[str] | None = Field(None, description="Class names (filled from the data).")
    outputs: int | None = Field(None, ge=1, description="Number of regression targets (filled from the data).")
    preprocessing: dict[str, Any] = Field(default_factory=dict, description="Preprocessing options.")
    augmentation: dict[str, Any] = Field(default_factory=dict, description="Augmentation name → parameters.")


class ModelSpec(_Strict):
    layers: list[dict[str, Any]] = Field(default_factory=list,
                                         description="Ordered layers; each has a 'type' and its parameters.")

    @field_validator("layers")
    @classmethod
    def _each_has_type(cls, layers: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for i, layer in enumerate(layers):
            if "type" not in layer:
                raise ValueError(msg("layer {i} has no 'type'", i=i))
        return layers


class ScheduleSpec(_Strict):
    type: str = Field("constant", description="Learning-rate schedule name.")
    step_size: int = Field(10, ge=1, description="step: epochs between reductions.")
    gamma: float = Field(0.5, gt=0.0, le=1.0, description="step/reduce_on_plateau: factor per reduction.")
    patience: int = Field(3, ge=0, description="reduce_on_plateau: epochs without improvement.")
    warmup_epochs: int = Field(1, ge=0, description="warmup: epochs to rise to the full rate.")
    min_lr: float = Field(0.0, ge=0.0, description="Lowest rate a schedule may reach.")


class EarlyStoppingSpec(_Strict):
    monitor: str = Field("val_loss", description="Metric to watch, e.g. val_loss or val_accuracy.")
    patience: int = Field(5, ge=1, description="Epochs without improvement before stopping.")
    min_delta: float = Field(0.0, ge=0.0, description="Smallest change that counts as improvement.")
    restore_best: bool = Field(True, description="Keep the weights of the best epoch.")


class TrainingSpec(_Strict):
    optimizer: str = Field("adam", description="Optimizer name.")
    learning_rate: float = Field(0.001, gt=0.0, le=10.0, description="Step size of the optimizer.")
    momentum: float = Field(0.0, ge=0.0, lt=1.0, description="sgd/rmsprop momentum.")
    nesterov: bool = Field(False, description="sgd: Nesterov momentum.")
    weight_decay: float = Field(0.0, ge=0.0, description="L2 weight decay of the optimizer.")
    loss: str | None = Field(None, description="Loss name; empty picks the task's default.")
    metrics: list[str] | None = Field(None, description="Metric names; empty picks the task's defaults.")
    epochs: int = Field(20, ge=1, le=100000, description="Passes over the training data.")
    batch_size: int = Field(32, ge=1, le=65536, description="Samples per step.")
    seed: int = Field(0, description="Seed of weight initialisation and shuffling.")
    schedule: ScheduleSpec = Field(default_factory=ScheduleSpec)
    early_stopping: EarlyStoppingSpec | None = Field(
        default_factory=EarlyStoppingSpec,
        description="Stop when the monitored metric stops improving (on by default); null turns it off.")
    gradient_clip: float | None = Field(None, gt=0.0, description="Clip the gradient norm to this value.")
    class_weights: Literal["balanced"] | dict[str, float] | None = Field(
        None, description="'balanced' or class name → weight.")
    device: Literal["auto", "cpu", "cuda"] = Field("auto", description="Where to train.")


class ProjectSpec(_Strict):
    """A project document, validated (layerlab.api.Project is the project you work with; this is its spec)."""

    model_config = ConfigDict(title="Project")  # the JSON schema's name, as before

    version: int = Field(SPEC_VERSION, description="Spec format version.")
    name: str = Field("untitled", min_length=1, max_length=200)
    description: str = ""
    task: Literal["classification", "regression"] = "classification"
    data: DataSpec
    model: ModelSpec = Field(default_factory=ModelSpec)
    training: TrainingSpec = Field(default_factory=TrainingSpec)

    @property
    def loss(self) -> str:
        """The loss in effect (the task's default when none is set)."""
        return self.training.loss or catalog.DEFAULT_LOSS[self.task]

    @property
    def metrics(self) -> list[str]:
        """The metrics in effect."""
        return list(self.training.metrics or catalog.DEFAULT_METRICS[self.task])

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON document (defaults included, None values dropped where optional).

        early_stopping stays as null when off: dropping it would turn the default (on) back on.
        """
        out = self.model_dump(mode="json", exclude_none=True)
        if self.training.early_stopping is None:
            out["training"]["early_stopping"] = None
        return out


Project = ProjectSpec  # the old name, still used by spec/check.py, schema.py, follow.py and spec/__init__.py


def parse_project(doc: Any, folder: Any = None) -> ProjectSpec:
    """Validate a JSON document (after upgrading) into a Project, or raise a SpecError.

    folder (the project's, when known) lets an upgrade read the project's data, e.g. to name the
    column an old table project predicted implicitly.
    """
    if not isinstance(doc, dict):
        raise SpecError("", msg("a project must be a JSON object"), type(doc).__name__,
                        msg('start from {{"name": ..., "data": {{...}}, "model": {{...}}}}'))
    check_values(doc)  # NaN, infinities, huge numbers and absurd nesting, wherever they hide
    doc = with_defaults(doc)  # search ranges: their defaults, or an error pointing to `layerlab search`
    doc = upgrade(doc, folder)
    _check_layer_types(doc)
    try:
        return ProjectSpec.model_validate(doc)
    except ValidationError as exc:
        raise from_pydantic(exc) from None


def _check_layer_types(doc: dict[str, Any]) -> None:
    """Every layer (at the top level) is an object with a 'type'; say which one and guess it."""
    from ..layers.stack import missing_type  # start-up time: layers load torch; the table process reads spec without
    model = doc.get("model")
    layers = model.get("layers") if isinstance(model, dict) else None
    if not isinstance(layers, list):
        return
    for i, layer in enumerate(layers):
        path = f"model.layers[{i}]"
        if not isinstance(layer, dict):
            raise SpecError(path, msg("a layer must be an object with a 'type'"), layer,
                            msg("use e.g. {example}", example='{"type": "dense", "units": 10}'))
        if "type" not in layer:
            raise missing_type(layer, path)


def from_pydantic(exc: ValidationError) -> SpecError:
    """The first pydantic error as a four-part SpecError."""
    err = exc.errors()[0]
    path = ""
    for part in err["loc"]:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    typ = err["type"]
    received = err.get("input")
    if typ == "extra_forbidden":
        return SpecError(path, msg("is not a known setting"), received,
                         msg("remove it; see `layerlab schema` for the valid settings"),
                         fixes=[_remove(path)])
    if typ == "missing":
        return SpecError(path, msg("is required but missing"), hint=msg("add it; see `layerlab schema`"))
    return SpecError(path, _pydantic_message(err), received, _hint_for(err))


def _remove(path: str):
    return Fix(msg("remove {path}", path=path), [{"op": "remove", "path": path}])


def _num(x: Any) -> Any:
    """A bound as pydantic writes it in its messages (10.0 as 10)."""
    return int(x) if isinstance(x, float) and x.is_integer() else x


def _choices(expected: str) -> Any:
    """pydantic's "'a', 'b' or 'c'" with a translatable "or"."""
    if " or " not in expected:
        return expected
    items, last = expected.rsplit(" or ", 1)
    return msg("{items} or {last}", items=items, last=last)


_PYDANTIC: dict[str, Any] = {
    "greater_than_equal": lambda c: msg("input should be greater than or equal to {ge}", ge=_num(c["ge"])),
    "greater_than": lambda c: msg("input should be greater than {gt}", gt=_num(c["gt"])),
    "less_than_equal": lambda c: msg("input should be less than or equal to {le}", le=_num(c["le"])),
    "less_than": lambda c: msg("input should be less than {lt}", lt=_num(c["lt"])),
    "int_type": lambda c: msg("input should be a valid integer"),
    "int_parsing": lambda c: msg("input should be a valid integer, unable to parse string as an integer"),
    "int_from_float": lambda c: msg("input should be a valid integer, got a number with a fractional part"),
    "float_type": lambda c: msg("input should be a valid number"),
    "float_parsing": lambda c: msg("input should be a valid number, unable to parse string as a number"),
    "finite_number": lambda c: msg("input should be a finite number"),
    "bool_type": lambda c: msg("input should be a valid boolean"),
    "bool_parsing": lambda c: msg("input should be a valid boolean, unable to interpret input"),
    "string_type": lambda c: msg("input should be a valid string"),
    "string_too_short": lambda c: msg("string should have at least 1 character") if c["min_length"] == 1
    else msg("string should have at least {n} characters", n=c["min_length"]),
    "string_too_long": lambda c: msg("string should have at most {n} characters", n=c["max_length"]),
    "literal_error": lambda c: msg("input should be {expected}", expected=_choices(c["expected"])),
    "dict_type": lambda c: msg("input should be a valid dictionary"),
    "list_type": lambda c: msg("input should be a valid list"),
    "model_type": lambda c: msg("input should be a valid dictionary or instance of {name}", name=c["class_name"]),
    "value_error": lambda c: c["error"].args[0] if c["error"].args and isinstance(c["error"].args[0], Text) else None,
}


def _pydantic_message(err: dict[str, Any]) -> Any:
    """pydantic's message, lowercased, as a translatable Text when its type is one we know.

    The Text is used only where its English is exactly pydantic's, so the English never changes.
    """
    text = err["msg"].replace("Value error, ", "")
    text = text[0].lower() + text[1:]
    make = _PYDANTIC.get(err["type"])
    try:
        ours = make(err.get("ctx") or {}) if make else None
    except (KeyError, TypeError, AttributeError):
        ours = None
    return ours if ours is not None and str(ours) == text else text


def _hint_for(err: dict[str, Any]) -> Text:
    ctx = err.get("ctx") or {}
    if "ge" in ctx:
        return msg("use a value ≥ {limit}", limit=ctx["ge"])
    if "gt" in ctx:
        return msg("use a value > {limit}", limit=ctx["gt"])
    if "le" in ctx:
        return msg("use a value ≤ {limit}", limit=ctx["le"])
    if "lt" in ctx:
        return msg("use a value < {limit}", limit=ctx["lt"])
    if "expected" in ctx:
        return msg("use one of {expected}", expected=_choices(ctx["expected"]))
    return msg("see `layerlab schema` for what this setting accepts")
