"""(a op b) mod p for every pair a, b: the data of the grokking lesson.

Each sample is the token pair (a, b) as int64 (for an embedding layer with vocab_size p);
the class is the result, named '0'..'p-1'.

>>> from layerlab.data import get_source
>>> raw = get_source("modular_arithmetic").load({"p": 7, "op": "add"}, None, seed=0)
>>> raw.x.shape, int(raw.y[3 * 7 + 5])   # a=3, b=5 -> 8 mod 7
((49, 2), 1)
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..i18n import msg
from ..spec.errors import Fix, SpecError
from ..spec.params import Param
from .base import DataInfo, DataSource, RawData, SourceCase, register

OPS = ("add", "sub", "mul", "div", "square_sum")


def _is_prime(n: int) -> bool:
    return n >= 2 and all(n % k for k in range(2, int(n ** 0.5) + 1))


@register
class ModularArithmetic(DataSource):
    name = "modular_arithmetic"
    summary = "Every (a op b) mod p as a token pair: memorised first, understood ('grokked') much later."
    params = (
        Param("p", "int", 97, "The modulus; tokens and classes are 0..p-1.", min=2, max=1000, suggested=(23, 59, 97, 113)),
        Param("op", "choice", "add", "The operation: a+b, a-b, a*b, a/b (p prime) or a^2+b^2.", choices=OPS),
    )
    cases = (SourceCase({"p": 7, "op": "add"}), SourceCase({"p": 7, "op": "div"}),
             SourceCase({"p": 8, "op": "div"}, error="must be a prime number"))

    def _check(self, p: dict[str, Any]) -> None:
        if p["op"] == "div" and not _is_prime(p["p"]):
            prime = next(k for k in range(p["p"], 2 * p["p"] + 2) if _is_prime(k))
            raise SpecError("data.params.p", msg("must be a prime number for division (every b needs an inverse)"),
                            p["p"], msg("use a prime such as {prime}", prime=prime),
                            [Fix(msg("set p to {prime}", prime=prime),
                                 [{"op": "set", "path": "data.params.p", "value": prime}])])

    def info(self, p: dict[str, Any], root: Any) -> DataInfo:
        self._check(p)
        n = p["p"] * (p["p"] - 1) if p["op"] == "div" else p["p"] ** 2
        return DataInfo("tokens", (2,), "classification", [str(i) for i in range(p["p"])], 1, n,
                        ["a", "b"], vocab_size=p["p"], extra={"op": p["op"]})

    def load(self, p: dict[str, Any], root: Any, seed: int) -> RawData:
        self._check(p)
        m = p["p"]
        a, b = np.meshgrid(np.arange(m), np.arange(m), indexing="ij")
        a, b = a.ravel(), b.ravel()                       # every pair, a major
        if p["op"] == "div":
            a, b = a[b != 0], b[b != 0]
            y = a * np.array([pow(int(v), -1, m) for v in range(1, m)])[b - 1]
        else:
            y = {"add": a + b, "sub": a - b, "mul": a * b, "square_sum": a * a + b * b}[p["op"]]
        x = np.stack([a, b], 1).astype(np.int64)          # (N, 2) token ids
        return RawData(x, (y % m).astype(np.int64), self.info(p, root))
