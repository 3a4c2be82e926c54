"""The project spec: models, parameters, errors that teach, fixes, upgrades and checks."""
from .errors import Fix, SpecError
from .models import SPEC_VERSION, DataSpec, ModelSpec, Project, TrainingSpec, parse_project
from .params import Param

__all__ = ["SPEC_VERSION", "DataSpec", "Fix", "ModelSpec", "Param", "Project", "SpecError",
           "TrainingSpec", "parse_project"]
