"""The training settings form: optimizer, learning rate, epochs, batch size, loss, metrics and
validation split (more in expert mode). Every change is an edit of the project's document
through the shell's Session, so it is saved at once and survives a refresh or a restart.

A value the spec would reject is not saved: the field shows the spec's message instead.

>>> check_value("training.learning_rate", 0, "de")
'muss größer als 0.0 sein'
>>> check_value("training.epochs", 5) is None
True
"""
from __future__ import annotations

from typing import Any, Callable

from nicegui import ui
from pydantic import ValidationError

from ...api_spec import DataSpec, ScheduleSpec, TrainingSpec, catalog
from ..i18n import err_text, t
from .charts import metric_label
from .local_number import LocalNumber
from .param_labels import choice


_MODELS = {"training": TrainingSpec, "data": DataSpec, "training.schedule": ScheduleSpec}


_ERRORS = {"greater_than": ("tf.err.gt", "gt"), "greater_than_equal": ("tf.err.ge", "ge"),
           "less_than": ("tf.err.lt", "lt"), "less_than_equal": ("tf.err.le", "le")}


def check_value(path: str, value: Any, lang: str | None = None) -> str | None:
    """What the spec says is wrong with one setting (e.g. 'training.epochs'), or None when valid."""
    section, _, key = path.rpartition(".")
    model = _MODELS[section]
    try:
        model.__pydantic_validator__.validate_assignment(model.model_construct(), key, value)
    except ValidationError as exc:
        err = exc.errors()[0]
        if err["type"] in _ERRORS:
            text_key, bound = _ERRORS[err["type"]]
            return t(text_key, lang, v=err.get("ctx", {}).get(bound))
        if err["type"].startswith("int_"):
            return t("tf.err.int", lang)
        return t("tf.err.other", lang, msg=err["msg"])
    return None


def _set_path(doc: dict[str, Any], path: str, value: Any) -> None:
    *parents, key = path.split(".")
    node = doc
    for p in parents:
        if not isinstance(node.get(p), dict):
            node[p] = {}
        node = node[p]
    if value is None:
        node.pop(key, None)
    else:
        node[key] = value


class TrainingForm:
    """Builds the form inside the current container; `session` is the shell's Session."""

    def __init__(self, session: Any, lang: str, expert: bool, task: str,
                 on_validity: Callable[[], Any] | None = None) -> None:
        self.session, self.lang, self.task = session, lang, task
        self.on_validity = on_validity
        self.inputs: dict[str, ui.element] = {}
        self.invalid: dict[str, str] = {}  # setting path -> what is wrong with the value in its field
        spec = TrainingSpec.model_validate(session.doc.get("training") or {})
        data = session.doc.get("data") or {}
        with ui.element("div").classes("w-full grid gap-3 grid-cols-1 sm:grid-cols-2 lg:grid-cols-4"):
            self._select("training.optimizer", [n for n, e in catalog.OPTIMIZERS.items() if task in e.tasks],
                         spec.optimizer, catalog.OPTIMIZERS)
            self._number("training.learning_rate", spec.learning_rate, step=0.0001, fmt="%.5g", help=True)
            self._number("training.epochs", spec.epochs, step=1, integer=True, help=True)
            self._number("training.batch_size", spec.batch_size, step=1, integer=True, help=True)
            losses = [n for n, e in catalog.LOSSES.items() if task in e.tasks]
            self._select("training.loss", losses, spec.loss, catalog.LOSSES,
                         default_label=self.tr("tf.default", name=choice("loss", catalog.DEFAULT_LOSS.get(task, ""),
                                                                         lang)))
            metrics = [n for n, e in catalog.METRICS.items() if task in e.tasks]
            self._select("training.metrics", metrics, spec.metrics or list(catalog.DEFAULT_METRICS.get(task, [])),
                         catalog.METRICS, multiple=True)
            self._number("data.validation_split", float(data.get("validation_split", 0.2)), step=0.05,
                         fmt="%.2f", help=True)
            if expert:
                self._number("training.momentum", spec.momentum, step=0.1, fmt="%.3g")
                self._number("training.weight_decay", spec.weight_decay, step=0.0001, fmt="%.5g")
                self._select("training.schedule.type", list(catalog.SCHEDULES), spec.schedule.type,
                             catalog.SCHEDULES, label_key="tf.schedule")
                self._number("training.gradient_clip", spec.gradient_clip, step=0.5, fmt="%.3g", nullable=True)
                self._number("training.seed", spec.seed, step=1, integer=True)
        with ui.row().classes("items-center gap-4"):  # on by default: beginners see it too, to turn it off
            es = spec.early_stopping
            ui.switch(self.tr("tf.early_stopping"), value=es is not None,
                      on_change=lambda e: self._save_early_stopping(bool(e.value))) \
                .mark("tf-early_stopping")

    # -- fields -------------------------------------------------------------------------
    def _label(self, path: str, label_key: str | None) -> str:
        return self.tr(label_key or f"tf.{path.rsplit('.', 1)[-1]}")

    def _select(self, path: str, options: list[str], value: Any, entries: dict, *, multiple: bool = False,
                default_label: str | None = None, label_key: str | None = None) -> None:
        name = "metrics" if multiple else "schedule" if path.endswith("schedule.type") else path.rsplit(".", 1)[-1]
        opts: dict[Any, str] = {n: metric_label(n, self.lang) if multiple else choice(name, n, self.lang)
                                for n in options}   # the value stays the value; the option says it in words
        if default_label is not None:
            opts = {None: default_label, **opts}
        if not multiple and value not in opts:
            opts[value] = str(value)
        sel = ui.select(opts, value=value, multiple=multiple, label=self._label(path, label_key),
                        on_change=lambda e: self._save(path, (e.value or None) if multiple else e.value))
        sel.props("outlined dense" + (" use-chips" if multiple else "")).classes("w-full").mark(f"tf-{path}")
        if not multiple and value in entries:
            sel.tooltip(entries[value].describe(self.lang))
        self.inputs[path] = sel

    def _number(self, path: str, value: Any, *, step: float, integer: bool = False, fmt: str | None = None,
                help: bool = False, nullable: bool = False) -> None:
        key = path.rsplit(".", 1)[-1]
        def coerce(v: Any) -> Any:
            return int(v) if integer and v is not None and float(v).is_integer() else v

        def problem(v: Any) -> str | None:
            if v is None:
                return None if nullable else self.tr("tf.err.empty")
            return check_value(path, coerce(v), self.lang) if path.rpartition(".")[0] in _MODELS else None

        num = LocalNumber(self._label(path, None), value=value, step=step, format=fmt, validation=problem,
                          lang=self.lang)   # 0,01 on a German page
        num.props("outlined dense").classes("w-full").mark(f"tf-{path}")
        if help:
            num.tooltip(self.tr(f"tf.help.{key}"))

        def changed(e: Any) -> None:
            # the field shows the problem and Train stays off until it is fixed; nothing invalid is saved
            text = problem(e.value)
            if text is None:
                self._save(path, coerce(e.value))
            self._mark(path, text)
        num.on_value_change(changed)
        self.inputs[path] = num

    def _mark(self, path: str, text: str | None) -> None:
        """Remember whether the field of path holds an invalid value, and tell the page when that changes."""
        before = dict(self.invalid)
        if text is None:
            self.invalid.pop(path, None)
        else:
            self.invalid[path] = text
        if self.invalid != before and self.on_validity is not None:
            self.on_validity()

    def blocked(self) -> str | None:
        """Why training cannot start with the settings as typed ("Epochs: must be 1 or more"), or None."""
        if not self.invalid:
            return None
        return "; ".join(f"{self._label(p, 'tf.schedule' if p == 'training.schedule.type' else None)}: {m}"
                         for p, m in self.invalid.items())

    def _save(self, path: str, value: Any) -> None:
        """Save one setting (None removes it, so the spec's default applies)."""
        self._edit(lambda d: _set_path(d, path, value))

    def _save_early_stopping(self, on: bool) -> None:
        """Off is saved as null: removing the key would bring the default (on) back at the next load."""
        def change(d: dict[str, Any]) -> None:
            d.setdefault("training", {})["early_stopping"] = {"patience": 5} if on else None
        self._edit(change)

    def _edit(self, change: Any) -> None:
        if not self.session.edit(change) and self.session.refused is not None:  # a lesson's lock
            ui.notify(err_text(self.session.refused, self.lang), type="warning")

    def tr(self, key: str, **fmt: Any) -> str:
        return t(key, self.lang, **fmt)
