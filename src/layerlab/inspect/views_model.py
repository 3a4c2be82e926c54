"""Views of the network itself: data flow, weights, maximum activation, CKA, math.

Each function takes a Context and options and returns a ViewResult (data + figure).
"""
from __future__ import annotations

import math

import torch

from ..i18n import msg
from ..spec.errors import SpecError
from . import plots
from .cka import cka_between, cka_matrix
from .context import Context, ViewResult
from .flow import data_flow
from .maxact import alive_unit, default_layer, synthesize, top_samples
from .mathview import layer_math, sample_math
from .trace import layer_index, types_of
from .weights import conv_kernels, dead_relu, gradient_histograms, weight_histograms


def layer_key(key: str) -> str:
    """A histogram key '0/dense/weight' as people number layers: '1 dense weight'.

    >>> layer_key("0/dense/weight")
    '1 dense weight'
    """
    i, _, rest = key.partition("/")
    return f"{int(i) + 1} {rest.replace('/', ' ')}" if i.isdigit() else key


def _sample_panel(ax, ctx: Context, x: torch.Tensor, title: str) -> None:
    """One input drawn as an image (images) or bars (anything else)."""
    shown = ctx.shown(x)
    if shown.dim() == 3:
        plots.image(ax, shown, title)
    else:
        plots.bars(ax, shown.flatten(), title)


def flow_view(ctx: Context, max_channels: int = 16) -> ViewResult:
    """Layer data flow: every layer's output for the chosen input."""
    outs = data_flow(ctx.net, ctx.sample)
    data = {"sample_index": ctx.sample_index, "label": ctx.sample_label,
            "layers": [o.to_dict() for o in outs]}

    def draw():
        fig = plots.new_figure(1, 1, cell=4.5, squeeze_height=0.5 * (len(outs) + 1))
        fig.clear()
        subs = fig.subfigures(len(outs) + 1, 1)
        ax = subs[0].subplots()
        _sample_panel(ax, ctx, ctx.sample, msg("input"))
        for sub, o in zip(subs[1:], outs):
            title = f"{o.index + 1}: {o.type} {tuple(o.shape)}"
            if o.kind == "vector":
                ax = sub.subplots()
                plots.bars(ax, o.values, title, labels=ctx.classes if o.index == len(outs) - 1 else None)
            else:
                plots.tiles(sub, o.tiles()[:max_channels], title)
        return fig
    return ViewResult("flow", data, draw)


def weights_view(ctx: Context, bins: int = 30, grad_samples: int = 256) -> ViewResult:
    """Weights: conv kernels, weight and gradient histograms, dead ReLU units (now and per epoch)."""
    net = ctx.net
    x, y = ctx.subset()
    try:
        kernels = conv_kernels(net)
    except Exception:  # noqa: BLE001 - a net without conv layers simply has no kernels to show
        kernels = {}
    whist = weight_histograms(net, bins)
    ghist = gradient_histograms(net, x[:grad_samples], y[:grad_samples], bins) if y is not None else {}
    dead = dead_relu(net, x)
    per_epoch = []
    if ctx.history is not None:
        for e in ctx.history.epochs:
            per_epoch.append({"epoch": e["epoch"], "weights": e.get("weights", {}), "gradients": e.get("gradients", {}),
                              "dead": [{k: d[k] for k in ("index", "fraction")} for d in e.get("dead", [])]})
    data = {"kernels": {str(i): k.tolist() for i, k in kernels.items()},
            "weights": {k: h.to_dict() for k, h in whist.items()},
            "gradients": {k: h.to_dict() for k, h in ghist.items()},
            "dead": [d.to_dict() for d in dead],
            "dead_fraction": (sum(len(d.dead_units) for d in dead) / max(1, sum(d.units for d in dead))) if dead else 0.0,
            "epochs": per_epoch}

    def draw():
        keys = [k for k in whist if k.endswith("weight")] or list(whist)
        cols = max(1, len(keys))
        rows = 2 + (1 if kernels else 0) + (1 if dead else 0)
        fig = plots.new_figure(rows, cols, cell=2.6)
        axes = fig.axes
        for c, k in enumerate(keys):
            plots.histogram(axes[c], whist[k].counts, whist[k].edges, msg("weights {name}", name=layer_key(k)))
            g = ghist.get(k)
            if g is not None:
                plots.histogram(axes[cols + c], g.counts, g.edges, msg("gradients {name}", name=layer_key(k)), color="#ff7f0e")
            else:
                axes[cols + c].set_axis_off()
        r = 2
        if kernels:
            for c, (i, k) in enumerate(list(kernels.items())[:cols]):
                w = k[:, 0] if k.dim() == 4 else k                # (filters, kh, kw): first input channel
                n = w.shape[0]
                side = math.ceil(math.sqrt(n))
                grid = torch.full((side * (w.shape[1] + 1), side * (w.shape[-1] + 1)), float("nan"))
                for j in range(n):
                    rr, cc = divmod(j, side)
                    grid[rr * (w.shape[1] + 1): rr * (w.shape[1] + 1) + w.shape[1],
                         cc * (w.shape[-1] + 1): cc * (w.shape[-1] + 1) + w.shape[-1]] = w[j].reshape(w.shape[1], -1)
                lim = float(w.abs().max()) or 1.0
                plots.image(axes[r * cols + c], grid, msg("kernels of layer {i}", i=i + 1), cmap=plots.CMAP_DIVERGING,
                            vmin=-lim, vmax=lim)
            for c in range(len(kernels), cols):
                axes[r * cols + c].set_axis_off()
            r += 1
        if dead:
            plots.bars(axes[r * cols], [d.fraction for d in dead], msg("dead ReLU fraction"),
                       labels=[f"{d.index + 1}:{d.type}" for d in dead])
            for c in range(1, cols):
                axes[r * cols + c].set_axis_off()
        return fig
    return ViewResult("weights", data, draw)


def max_activation_view(ctx: Context, layer=None, unit: int | None = None, k: int = 9, steps: int = 128,
                        l2: float = 1e-3, blur: float = 0.5, jitter: int = 1, reduce: str = "mean") -> ViewResult:
    """The samples that excite one unit most, and an input synthesised for it.

    Without a layer: the last conv layer or the last hidden layer (maxact.default_layer);
    without a unit: the one that varies most over the samples, so never a dead one."""
    x, _ = ctx.subset()
    layer = default_layer(ctx.net) if layer is None else layer
    if unit is None:
        unit = alive_unit(ctx.net, x, layer_index(ctx.net, layer), reduce)
    top = top_samples(ctx.net, x, layer, unit, k, reduce)
    # token ids are whole numbers: there is no input to climb towards, only samples to rank
    syn = (synthesize(ctx.net, top.layer, unit, steps=steps, l2=l2, blur=blur, jitter=jitter, reduce=reduce)
           if x.is_floating_point() and steps > 0 else None)
    labels = [int(ctx.y[i]) for i in top.indices] if ctx.classification else None
    data = {**top.to_dict(), "labels": labels, "synthesised": syn.to_dict() if syn is not None else None}

    def draw():
        cols = max(3, math.ceil(math.sqrt(len(top.indices) + 2)))
        rows = math.ceil((len(top.indices) + 2) / cols)
        fig = plots.new_figure(rows, cols, cell=1.9)
        axes = fig.axes
        for j, i in enumerate(top.indices):
            lab = f" ({ctx.class_name(labels[j])})" if labels else ""
            _sample_panel(axes[j], ctx, x[i], f"#{i}: {top.scores[j]:.2f}{lab}")
        if syn is not None:
            _sample_panel(axes[len(top.indices)], ctx, syn.input, msg("synthesised"))
            plots.lines(axes[len(top.indices) + 1], [syn.trajectory], msg("activation while climbing"), msg("step"))
        else:
            axes[len(top.indices)].set_axis_off()
            axes[len(top.indices) + 1].set_axis_off()
        for ax in axes[len(top.indices) + 2:]:
            ax.set_axis_off()
        plots.suptitle(fig, msg("layer {layer}, unit {unit}", layer=top.layer + 1, unit=unit + 1), fontsize=9)
        return fig
    return ViewResult("max_activation", data, draw)


def cka_view(ctx: Context) -> ViewResult:
    """Linear CKA between every pair of layers, and per layer against a second run when given."""
    x, _ = ctx.subset()
    m = cka_matrix(ctx.net, x)
    names = [f"{i + 1}:{t}" for i, t in enumerate(types_of(ctx.net))]
    between = cka_between(ctx.net, ctx.other, x) if ctx.other is not None else None
    data = {"layers": names, "matrix": m.tolist(), "between_runs": between}

    def draw():
        fig = plots.new_figure(1, 2 if between is not None else 1, cell=4.0)
        plots.heatmap(fig.axes[0], m, msg("linear CKA between layers"), names, vmin=0, vmax=1)
        if between is not None:
            plots.bars(fig.axes[1], list(between.values()), msg("same layer, two runs"), names)
            fig.axes[1].set_ylim(0, 1)
        return fig
    return ViewResult("cka", data, draw)


def math_view(ctx: Context, max_weights: int = 16, digits: int = 3) -> ViewResult:
    """Each layer's formula in LaTeX, the chosen sample's numbers flowing through it (its input,
    its output and one output worked out from its weights), and all weights of small layers."""
    if ctx.rows is None:
        raise SpecError("model", msg("the math view needs the project's layer list"), None,
                        msg("open it through a project"))
    rows = layer_math(ctx.rows, ctx.net, max_weights, digits)
    try:
        flow = sample_math(ctx.rows, ctx.net, ctx.sample, digits)
    except Exception:  # noqa: BLE001 - token inputs or an unusual layer: the formulas still show
        flow = []
    for row, f in zip(rows, flow):
        row.update({k: f[k] for k in ("input", "output", "worked", "unit", "in_shape", "out_shape")})
    data = {"layers": rows, "sample_index": ctx.sample_index, "label": ctx.sample_label}

    def draw():
        fig = plots.new_figure(1, 1, cell=7.0, squeeze_height=0.12 * (len(rows) * 3 + 2), layout=None)
        lines = []
        for r in rows:
            lines.append(f"{r['index'] + 1}: {r['type']}    {r['latex']}")
            if r.get("worked"):
                lines.append(f"      {r['worked']}")
            elif r["numeric"]:
                lines.append(f"      = {r['numeric']}")
        plots.text(fig.axes[0], lines, msg("formulas (LaTeX)"))
        return fig
    return ViewResult("math", data, draw)
