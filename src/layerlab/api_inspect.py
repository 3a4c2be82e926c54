"""The inspect views as the studio shows them (it imports only the facade): the registry of views in
the order the studio lists them (`VIEWS`: name -> view with its titles, options, per_epoch), and
`layer_key`, a histogram's key in the words people number layers with. A view is computed with
`Project.inspect(name, ...)`.

>>> list(VIEWS)[:2], VIEWS["weights"].per_epoch, layer_key("0/dense/weight")
(['flow', 'weights'], True, '1 dense weight')
"""
from __future__ import annotations

from .inspect.views import VIEWS
from .inspect.views_model import layer_key

__all__ = ["VIEWS", "layer_key"]
