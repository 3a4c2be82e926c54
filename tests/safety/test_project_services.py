"""Project is composed of services (Data, Runs, Inspect, Export) handed a ProjectContext, and parses
its document once per revision (issue 16.3). Before: four mixins with `type: ignore[attr-defined]`
between them, and `Project.spec` parsed the document on every access (five parses per build)."""
from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

import layerlab
from layerlab import api
from layerlab.data.facade import Data
from layerlab.engine.facade import Runs
from layerlab.export.facade import Export
from layerlab.inspect.facade import Inspect
from layerlab.spec import context as spec_context
from layerlab.spec import models
from layerlab.spec.context import ProjectContext

SRC = Path(__file__).resolve().parents[2] / "src" / "layerlab"
SERVICES = {"data/facade.py": Data, "engine/facade.py": Runs, "inspect/facade.py": Inspect, "export/facade.py": Export}


@pytest.fixture
def parses(monkeypatch):
    """Count every parse of a project document."""
    calls = []
    real = models.parse_project
    monkeypatch.setattr(spec_context, "parse_project", lambda doc, folder=None: calls.append(1) or real(doc, folder))
    return calls


def test_a_build_parses_the_document_once_and_an_edit_once_more(tmp_path, parses):
    p = layerlab.new(tmp_path / "xor", example="xor")
    parses.clear()
    p.build()
    p.summary()
    p.validate()
    assert p.spec.training.epochs == 60 and len(parses) == 1
    p.doc["training"]["epochs"] = 7                      # an edit in place is a new revision
    assert p.spec.training.epochs == 7 and len(parses) == 2
    p.doc = dict(p.doc, name="other")                    # so is a new document
    assert p.context().name == "other" and len(parses) == 3
    p.analyze()
    assert len(parses) == 3


def test_an_invalid_document_is_parsed_once_and_raises_each_time(tmp_path, parses):
    p = layerlab.new(tmp_path / "xor", example="xor")
    p.doc["training"]["epochs"] = "many"
    parses.clear()
    for _ in range(3):
        assert [e.path for e in p.errors()] == ["training.epochs"]   # the spec's own error, as before
    assert len(parses) == 1
    with pytest.raises(layerlab.SpecError):
        _ = p.spec


def test_two_projects_in_one_process_share_no_context(tmp_path):
    a = layerlab.new(tmp_path / "a", example="xor")
    b = layerlab.new(tmp_path / "b", example="iris")
    assert isinstance(a.context(), ProjectContext) and a.context().folder == tmp_path / "a"
    assert a.context().revision != b.context().revision and b.spec.data.source != a.spec.data.source
    assert a.data_service is not b.data_service and a.runs_service.require_folder() == tmp_path / "a"


def test_the_services_have_typed_interfaces_and_no_type_ignore():
    for rel, service in SERVICES.items():
        text = (SRC / rel).read_text(encoding="utf-8")
        assert "type: ignore" not in text and "getattr(self" not in text, rel
        init = inspect.signature(service.__init__)
        assert "context" in init.parameters and all(p.annotation != inspect.Parameter.empty
                                                    for n, p in init.parameters.items() if n != "self"), rel
    assert "__getattr__" not in {n.name for n in ast.walk(ast.parse((SRC / "api.py").read_text(encoding="utf-8")))
                                 if isinstance(n, ast.FunctionDef)}


@pytest.mark.parametrize("service", list(SERVICES.values()), ids=lambda s: s.__name__)
def test_project_delegates_every_public_method_of_each_service(service):
    public = {n for n, v in vars(service).items() if callable(v) and not n.startswith("_")}
    renamed = {"data_key": "_data_key", "refuse_over_budget": "_refuse_over_budget",
               "require_folder": "_require_folder"}
    for name in public:
        own = renamed.get(name, name)
        assert own in vars(api.Project), f"Project does not offer {service.__name__}.{name}"
        assert (inspect.signature(getattr(service, name)).parameters.keys() - {"self"}
                == inspect.signature(getattr(api.Project, own)).parameters.keys() - {"self"}), own
