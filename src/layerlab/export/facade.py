"""The export part of the facade: methods that `layerlab.api.Project` gains from this package."""
from __future__ import annotations


class ExportFacade:
    """Mixed into layerlab.api.Project; methods here may use self.doc, self.spec, self.dir."""
