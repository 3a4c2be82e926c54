"""Views of the network on data: saliency, adversarial examples, errors, decision surface,
embeddings. Each function takes a Context and options and returns a ViewResult."""
from __future__ import annotations

import math

import numpy as np
import torch

from ..i18n import localize, msg
from ..spec.errors import SpecError
from . import plots
from .adversarial import accuracy_under_attack, attack
from .confusion import confusion, hardest, losses
from .context import Context, ViewResult
from .embeddings import embedding
from .maxact import default_layer
from .saliency import METHODS, saliency
from .surface import _classes_of, decision_surface, pca_projection
from .trace import eval_mode, layer_index, predict, types_of


def _need_classes(ctx: Context, view: str) -> None:
    if not ctx.classification:
        raise SpecError("task", msg("the {view} view needs a classification project with labelled samples", view=view),
                        msg("regression") if ctx.y is not None else msg("no labels"), msg("use a classification project"))


def _no_grad_cam(ctx: Context):
    """Why Grad-CAM cannot explain this network (a msg), or None when it can."""
    if not ctx.is_image:
        return msg("Grad-CAM works on pictures, and this project's inputs are not pictures")
    types = types_of(ctx.net)
    shapes = getattr(ctx.net, "shapes", None)
    convs = [i for i, t in enumerate(types) if "conv" in t]
    if not convs or (shapes is not None and len(shapes[convs[0]]) != 3):
        return msg("Grad-CAM needs a convolution layer before the flatten layer, and this network has none")
    return None


def saliency_view(ctx: Context, method: str = "all", target: int | None = None, samples: int = 25,
                  noise: float = 0.15) -> ViewResult:
    """Which input values the prediction depends on: vanilla gradients, SmoothGrad, Grad-CAM."""
    x = ctx.sample[None]                                        # (1, *input_shape)
    notes = []
    cam_reason = _no_grad_cam(ctx)
    if method == "all":
        methods = ["vanilla", "smoothgrad"] + ([] if cam_reason else ["grad_cam"])
        if cam_reason:
            notes.append(cam_reason)
    elif method in METHODS:
        if method == "grad_cam" and cam_reason:
            raise SpecError("method", cam_reason, method,
                            msg("use vanilla gradients or SmoothGrad (method 'vanilla' or 'smoothgrad') instead"))
        methods = [method]
    else:
        raise SpecError("method", msg("is not a saliency method"), method, msg("use all, {listing}", listing=", ".join(METHODS)))
    with eval_mode(ctx.net), torch.no_grad():
        probs = torch.softmax(predict(ctx.net, x), dim=1)[0]   # (classes,)
    tgt = int(probs.argmax()) if target is None else int(target)
    maps = {}
    for m in methods:
        opts = {"samples": samples, "noise": noise} if m == "smoothgrad" else {}
        maps[m] = saliency(ctx.net, x, m, tgt, **opts)[0]       # (H, W) or (*input_shape)
    if "grad_cam" in maps and float(maps["grad_cam"].max() - maps["grad_cam"].min()) < 1e-9:
        notes.append(msg("Grad-CAM is empty here: no position of the last feature maps speaks for {name} "
                         "(all their contributions are zero or negative). Try another sample or train longer.",
                         name=ctx.class_name(tgt)))
    data = {"sample_index": ctx.sample_index, "label": ctx.sample_label, "target": tgt,
            "probabilities": probs.tolist(), "maps": {k: v.tolist() for k, v in maps.items()},
            "notes": notes}

    def draw():
        fig = plots.new_figure(1, len(maps) + 1, cell=2.6)
        shown = ctx.shown(ctx.sample)
        if ctx.is_image:
            plots.image(fig.axes[0], shown, msg("input ({name})", name=ctx.class_name(ctx.sample_label)))
            for ax, (k, v) in zip(fig.axes[1:], maps.items()):
                plots.overlay(ax, shown, v, msg("{method} for {name}", method=k, name=ctx.class_name(tgt)))
        else:
            plots.bars(fig.axes[0], shown.flatten(), msg("input"))
            for ax, (k, v) in zip(fig.axes[1:], maps.items()):
                plots.bars(ax, v.flatten(), msg("{method} for {name}", method=k, name=ctx.class_name(tgt)))
        return fig
    return ViewResult("saliency", data, draw)


def adversarial_view(ctx: Context, method: str = "fgsm", epsilon: float = 0.1, steps: int = 10,
                     epsilons: list[float] | None = None) -> ViewResult:
    """An attack on the chosen input, and the accuracy under attack on the samples."""
    _need_classes(ctx, "adversarial")
    label = ctx.sample_label
    x = ctx.sample[None]
    with eval_mode(ctx.net), torch.no_grad():
        y1 = torch.tensor([label]) if label is not None else predict(ctx.net, x).argmax(dim=1)
    opts = {"steps": steps} if method == "pgd" else {}
    res = attack(ctx.net, x, y1, method, epsilon, **opts)
    xs, ys = ctx.subset()
    eps_list = epsilons if epsilons is not None else sorted({0.0, epsilon / 4, epsilon / 2, float(epsilon), 2.0 * epsilon})
    curve = accuracy_under_attack(ctx.net, xs, ys, eps_list, method, **opts)
    data = {**res.to_dict(), "sample_index": ctx.sample_index, "label": label,
            "probs_before": res.probs_before[0].tolist(), "probs_after": res.probs_after[0].tolist(),
            "perturbation": res.perturbation[0].tolist(), "accuracy_under_attack": curve}

    def draw():
        fig = plots.new_figure(1, 5, cell=2.4)
        a = fig.axes
        before, after = int(res.pred_before[0]), int(res.pred_after[0])
        if ctx.is_image:
            lim = float(res.perturbation.abs().max()) or 1.0
            shown = ctx.shown(x[0])
            lo, hi = float(shown.min()), float(shown.max())      # the same grey scale for both pictures
            plots.image(a[0], shown, msg("input: {name}", name=ctx.class_name(before)), vmin=lo, vmax=hi)
            plots.image(a[1], res.perturbation[0], msg("perturbation (eps {eps:g})", eps=epsilon),
                        cmap=plots.CMAP_DIVERGING, vmin=-lim, vmax=lim)
            plots.image(a[2], ctx.shown(res.adversarial[0]), msg("perturbed: {name}", name=ctx.class_name(after)),
                        vmin=lo, vmax=hi)
        else:
            plots.bars(a[0], ctx.shown(x[0]).flatten(), msg("input: {name}", name=ctx.class_name(before)))
            plots.bars(a[1], res.perturbation[0].flatten(), msg("perturbation (eps {eps:g})", eps=epsilon))
            plots.bars(a[2], ctx.shown(res.adversarial[0]).flatten(),
                       msg("perturbed: {name}", name=ctx.class_name(after)))
        names = ctx.classes
        plots.bars(a[3], res.probs_before[0], msg("probabilities before"), names, before)
        plots.bars(a[3 + 1], res.probs_after[0], msg("after"), names, after)
        a[4].set_ylim(0, 1)
        a[3].set_ylim(0, 1)
        # drawing runs in the page's language, so the points are localised here and then joined
        points = ", ".join(localize(msg("{acc:.0%} at {eps:g}", acc=r["accuracy"], eps=r["epsilon"])) for r in curve)
        plots.suptitle(fig, msg("{method}: accuracy {points}", method=method.upper(), points=points), fontsize=8)
        return fig
    return ViewResult("adversarial", data, draw)


def errors_view(ctx: Context, k: int = 12) -> ViewResult:
    """Confusion matrix (cells list their samples), hardest examples, forgotten examples."""
    _need_classes(ctx, "errors")
    x, y = ctx.x, ctx.y
    with eval_mode(ctx.net), torch.no_grad():
        pred = _classes_of(predict(ctx.net, x))                 # (N,)
    n_classes = len(ctx.classes) if ctx.classes else int(max(int(y.max()), int(pred.max())) + 1)
    cm = confusion(y, pred, n_classes, ctx.classes)
    hard = hardest(ctx.net, x, y, k)
    forgotten = None
    curves = []
    history = []
    if ctx.history is not None and any("correct" in e for e in ctx.history.epochs):
        forgotten = ctx.history.forgetting()
        table = ctx.history.losses()                            # (E, N)
        epochs = [int(e["epoch"]) for e in ctx.history.epochs if "loss" in e]
        for i in forgotten["forgotten"][:8]:
            curves.append({"index": i, "epochs": epochs, "loss": table[:, i].tolist()})
        for e in ctx.history.epochs:
            if "loss" in e and "correct" in e and e["loss"]:
                history.append({"epoch": int(e["epoch"]), "loss": float(np.mean(e["loss"])),
                                "accuracy": float(np.mean(e["correct"]))})
    data = {"confusion": cm.to_dict(), "hardest": hard, "forgetting": forgotten, "loss_curves": curves,
            "history": history, "mean_loss": float(losses(ctx.net, x, y).mean()) if len(x) else None}

    def draw():
        cols = max(4, min(6, len(hard)))
        rows = 1 + math.ceil(len(hard) / cols)
        fig = plots.new_figure(rows, cols, cell=1.8)
        a = fig.axes
        gs = a[0].get_gridspec()
        for ax in a[:cols]:
            ax.remove()
        big = fig.add_subplot(gs[0, : cols // 2 + 1])
        plots.heatmap(big, np.array(cm.counts), msg("confusion ({acc:.0%} right)", acc=cm.accuracy), cm.classes,
                      xlabel=msg("predicted"), ylabel=msg("true"))
        side = fig.add_subplot(gs[0, cols // 2 + 1:])
        if curves:
            plots.lines(side, [c["loss"] for c in curves], msg("forgotten examples: loss per epoch"), msg("epoch"),
                        msg("loss"), xs=curves[0]["epochs"])
        else:
            side.set_axis_off()
            side.set_title(localize(msg("per-example loss per epoch: recorded while training")), fontsize=7)
        for j, h in enumerate(hard):
            ax = a[cols + j]
            title = f"#{h['index']} {ctx.class_name(h.get('label'))}->{ctx.class_name(h.get('predicted'))}"
            title += " ✗" if h.get("why") == "wrong" else (" ?" if h.get("why") == "unsure" else "")
            if ctx.is_image:
                plots.image(ax, ctx.shown(x[h["index"]]), title)
            else:
                plots.bars(ax, ctx.shown(x[h["index"]]).flatten(), title)
        for ax in a[cols + len(hard):]:
            ax.set_axis_off()
        return fig
    return ViewResult("errors", data, draw)


def surface_view(ctx: Context, resolution: int = 100) -> ViewResult:
    """Decision surface for 2-D inputs; a PCA projection with the predicted class otherwise."""
    x, y = ctx.subset()
    if tuple(x.shape[1:]) == (2,) and x.is_floating_point():  # two token ids have no plane between them
        s = decision_surface(ctx.net, x, resolution)
        with eval_mode(ctx.net), torch.no_grad():
            pred = _classes_of(predict(ctx.net, x))
        data = {"mode": "surface", **s.to_dict(), "points": x.tolist(),
                "point_labels": y.tolist() if ctx.classification else None, "point_predicted": pred.tolist()}

        def draw():
            fig = plots.new_figure(1, 1, cell=4.5)
            ax = fig.axes[0]
            ext = [float(s.xs[0]), float(s.xs[-1]), float(s.ys[0]), float(s.ys[-1])]
            ax.imshow(s.predicted.numpy(), origin="lower", extent=ext, cmap=plots.CLASS_COLORS, vmin=0, vmax=9,
                      alpha=0.35, aspect="auto", interpolation="nearest")
            colours = y.tolist() if ctx.classification else pred.tolist()
            plots.scatter(ax, x, colours, msg("decision surface"), ctx.classes)
            return fig
        return ViewResult("surface", data, draw)
    p = pca_projection(ctx.net, x, y)
    data = {"mode": "pca", **p.to_dict()}

    def draw_pca():
        fig = plots.new_figure(1, 1, cell=4.5)
        plots.scatter(fig.axes[0], p.coords, p.predicted, msg("inputs (PCA), coloured by prediction"), ctx.classes,
                      marker_true=p.labels)
        return fig
    return ViewResult("surface", data, draw_pca)


def embeddings_view(ctx: Context, layer=None) -> ViewResult:
    """A 2-D PCA of one layer's activations, coloured by class (default: the last conv or
    hidden layer, maxact.default_layer)."""
    x, y = ctx.subset()
    if layer is None:
        layer = default_layer(ctx.net)
    p = embedding(ctx.net, x, layer, y)
    i = layer_index(ctx.net, layer)
    data = {"layer": i, "type": types_of(ctx.net)[i], **p.to_dict()}

    def draw():
        fig = plots.new_figure(1, 1, cell=4.5)
        colours = p.labels if p.labels is not None else p.predicted
        plots.scatter(fig.axes[0], p.coords, colours, msg("layer {i} ({type}), PCA", i=i + 1, type=data["type"]),
                      ctx.classes)
        return fig
    return ViewResult("embeddings", data, draw)


def samples_png(ctx: Context, indices: list[int], title: str = "", max_samples: int = 32) -> bytes:
    """A picture of the given samples of ctx.x with label and prediction (e.g. one confusion cell)."""
    idx = [i for i in indices if 0 <= i < len(ctx.x)][:max_samples]
    cols = max(1, min(8, len(idx)))
    rows = max(1, math.ceil(len(idx) / cols))
    fig = plots.new_figure(rows, cols, cell=1.5)
    with eval_mode(ctx.net), torch.no_grad():
        pred = _classes_of(predict(ctx.net, ctx.x[idx])).tolist() if idx else []
    for ax, i, p in zip(fig.axes, idx, pred):
        label = ctx.class_name(int(ctx.y[i])) if ctx.classification else "?"
        name = f"#{i} {label}->{ctx.class_name(p)}"
        if ctx.classification and int(ctx.y[i]) != p:
            name += " ✗"                                        # marked wrong, as in the hardest examples
        if ctx.is_image:
            plots.image(ax, ctx.shown(ctx.x[i]), name)
        else:
            plots.bars(ax, ctx.shown(ctx.x[i]).flatten(), name)
    for ax in fig.axes[len(idx):]:
        ax.set_axis_off()
    if title:
        plots.suptitle(fig, title, fontsize=9)
    return plots.to_png(fig)
