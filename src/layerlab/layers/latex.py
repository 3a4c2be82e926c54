"""Numbers in LaTeX, for the formulas layer kinds write with their own weights (the math view).

A kind's `numeric_math` writes its formula with the trained numbers filled in; its `worked_math`
works one output of one sample out, term by term:
y_3 = f(0.52 · 1.2 + (-0.1) · 0.4 + … + 0.05) = f(0.61) = 0.61. These helpers format the parts.

>>> num(0.12345), num(-0.00001), bmatrix([[1.0, -2.5]])
('0.1235', '0', '\\\\begin{bmatrix} 1 & -2.5 \\\\end{bmatrix}')
>>> weighted_sum([0.5, -2.0], [4.0, 0.5], 1.0, shown=4, digits=3)
'0.5 \\\\cdot 4 + (-2) \\\\cdot 0.5 + 1'
"""
from __future__ import annotations

from .activations import ACTIVATIONS


def num(v: float, digits: int = 4) -> str:
    """A number as LaTeX: rounded to `digits` decimals, without trailing zeros."""
    s = f"{v:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def bmatrix(rows: list[list[float]], digits: int = 4) -> str:
    """A LaTeX bmatrix of numbers."""
    body = r" \\ ".join(" & ".join(num(v, digits) for v in r) for r in rows)
    return rf"\begin{{bmatrix}} {body} \end{{bmatrix}}"


def wrap(activation: str | None, inner: str) -> str:
    """y = f(inner) with the activation's own formula, or y = inner when it is linear."""
    if activation in (None, "linear"):
        return f"y = {inner}"
    f = ACTIVATIONS[activation].latex.split("=", 1)[1].strip()
    return rf"y = f\left({inner}\right),\quad f(x) = {f}"


def signed(v: float, digits: int) -> str:
    """A number, in brackets when negative (for a term of a sum)."""
    s = num(v, digits)
    return f"({s})" if s.startswith("-") else s


def activated(activation: str | None, unit: str, inner: str, z: float, y: float, digits: int) -> str:
    """unit = f(inner) = f(z) = y with the activation's name (softmax, which mixes all outputs, as
    z then softmax(z)), or unit = inner = y for a linear layer."""
    if activation in (None, "linear"):
        return rf"{unit} = {inner} = {num(y, digits)}"
    if activation == "softmax":
        return (rf"z_{unit[2:]} = {inner} = {num(z, digits)},\quad {unit} = \mathrm{{softmax}}(z)_{unit[2:]}"
                rf" = {num(y, digits)}")
    # plain brackets, not \left( \right): KaTeX can break a long sum at + and = only outside such a pair
    return rf"{unit} = \mathrm{{{activation}}}({inner}) = \mathrm{{{activation}}}({num(z, digits)}) = {num(y, digits)}"


def weighted_sum(weights: list[float], inputs: list[float], bias: float | None, shown: int, digits: int) -> str:
    """w·x terms with numbers: the `shown` largest contributions in their order, the others
    folded into one \\cdots with their sum, then the bias."""
    products = [w * x for w, x in zip(weights, inputs)]
    keep = sorted(sorted(range(len(products)), key=lambda i: -abs(products[i]))[:shown])
    terms = [rf"{signed(weights[i], digits)} \cdot {signed(inputs[i], digits)}" for i in keep]
    if len(products) > len(keep):
        rest = sum(p for i, p in enumerate(products) if i not in set(keep))
        terms.append(rf"\underbrace{{\cdots}}_{{{len(products) - len(keep)}\ \text{{more}}:\ {num(rest, digits)}}}")
    if bias is not None:
        terms.append(signed(bias, digits))
    return " + ".join(terms)
