"""Layered drawing of a signalling pathway (no Graphviz): node boxes sized by
their measured labels, crossings reduced, long edges routed through their
layers, edge labels placed where they do not collide."""

from __future__ import annotations

import itertools
import math
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["draw_pathway", "isotonic"]

_NODE_FONT = 9.0
_EDGE_FONT = 7.0
_NODE_WRAP = 22
_EDGE_WRAP = 20
_PAD = 0.08  # inches of box padding around a label
_GAP = 0.35  # inches between boxes of a layer
_LAYER_GAP = 0.62  # inches between layers (room for edge labels)
_DUMMY = 0.12  # width of a routing point of a long edge
_FILL = {
    "ligand": "#fdebd0",
    "drug": "#fdebd0",
    "receptor": "#d6eaf8",
    "g_protein": "#e8daef",
    "effector": "#d5f5e3",
    "second_messenger": "#fcf3cf",
    "channel": "#d1f2eb",
    "outcome": "#f2f3f4",
}


def _field(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def isotonic(values: list[float]) -> list[float]:
    """Least-squares non-decreasing fit (pool-adjacent-violators).

    >>> isotonic([1.0, 3.0, 2.0, 4.0])
    [1.0, 2.5, 2.5, 4.0]
    """
    blocks: list[list[float]] = []  # [mean, weight]
    for v in values:
        blocks.append([v, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, w2 = blocks.pop()
            m1, w1 = blocks.pop()
            blocks.append([(m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2])
    out: list[float] = []
    for m, w in blocks:
        out.extend([m] * int(w))
    return out


class _Measure:
    """Text extents in inches, measured by the Agg renderer."""

    def __init__(self) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.fig = Figure(figsize=(4, 4), dpi=100)
        self.canvas = FigureCanvasAgg(self.fig)
        self.renderer = self.canvas.get_renderer()

    def __call__(self, text: str, size: float) -> tuple[float, float]:
        t = self.fig.text(0, 0, text, fontsize=size, linespacing=1.15)
        box = t.get_window_extent(renderer=self.renderer)
        t.remove()
        return box.width / self.fig.dpi, box.height / self.fig.dpi


@dataclass
class _Node:
    id: str
    label: str
    kind: str
    layer: int
    w: float
    h: float
    x: float = 0.0
    y: float = 0.0
    dummy: bool = False


def _layers(ids: list[str], pairs: list[tuple[str, str]]) -> dict[str, int]:
    """Longest path from a source (back edges of a cycle are ignored)."""
    layer = dict.fromkeys(ids, 0)
    for _ in range(len(ids)):
        changed = False
        for s, t in pairs:
            if s in layer and t in layer and layer[t] < layer[s] + 1 < len(ids):
                layer[t] = layer[s] + 1
                changed = True
        if not changed:
            break
    return layer


def _order(rows: list[list[str]], up: dict[str, list[str]], down: dict[str, list[str]]) -> None:
    """Barycentre sweeps (down and up) to reduce crossings, in place."""
    for sweep in range(8):
        going_down = sweep % 2 == 0
        seq = range(1, len(rows)) if going_down else range(len(rows) - 2, -1, -1)
        for k in seq:
            ref = rows[k - 1] if going_down else rows[k + 1]
            where = {n: i for i, n in enumerate(ref)}
            nbrs = up if going_down else down

            def key(item: tuple[int, str], where: dict = where, nbrs: dict = nbrs) -> float:
                i, n = item
                ps = [where[m] for m in nbrs.get(n, []) if m in where]
                return sum(ps) / len(ps) if ps else float(i)

            rows[k] = [n for _, n in sorted(enumerate(rows[k]), key=key)]


def _place(
    rows: list[list[str]], nodes: dict[str, _Node], nbrs: dict[str, list[str]], passes: int = 6
) -> None:
    """x of every node: near its neighbours' mean, boxes never closer than the gap."""
    for row in rows:  # start packed
        x = 0.0
        for n in row:
            nodes[n].x = x + nodes[n].w / 2
            x += nodes[n].w + _GAP
    for _ in range(passes):
        for row in rows:
            want = []
            for n in row:
                xs = [nodes[m].x for m in nbrs.get(n, [])]
                want.append(sum(xs) / len(xs) if xs else nodes[n].x)
            sep = [0.0]
            for a, b in itertools.pairwise(row):
                sep.append(sep[-1] + (nodes[a].w + nodes[b].w) / 2 + _GAP)
            fitted = isotonic([w - s for w, s in zip(want, sep, strict=True)])
            for n, f, s in zip(row, fitted, sep, strict=True):
                nodes[n].x = f + s
    left = min(n.x - n.w / 2 for n in nodes.values())
    for nd in nodes.values():
        nd.x -= left


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    dx = min(a[2], b[2]) - max(a[0], b[0])
    dy = min(a[3], b[3]) - max(a[1], b[1])
    return dx * dy if dx > 0 and dy > 0 else 0.0


def _overlap_many(a: tuple[float, ...], rects: Any) -> float:
    """Total overlap area of rectangle ``a`` with each row (x0, y0, x1, y1) of ``rects``."""
    import numpy as np

    dx = np.minimum(a[2], rects[:, 2]) - np.maximum(a[0], rects[:, 0])
    dy = np.minimum(a[3], rects[:, 3]) - np.maximum(a[1], rects[:, 1])
    return float(np.sum(np.clip(dx, 0, None) * np.clip(dy, 0, None)))


def draw_pathway(nodes_in: Any, edges_in: Any, *, title: str | None = None) -> Figure:
    """The pathway figure (see :func:`preclin.report.plot_pathway`)."""
    import numpy as np
    import pandas as pd
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyBboxPatch

    if isinstance(nodes_in, pd.DataFrame):
        nodes_in = nodes_in.to_dict(orient="records")
    if isinstance(edges_in, pd.DataFrame):
        edges_in = edges_in.to_dict(orient="records")
    measure = _Measure()
    ids = [str(_field(n, "id")) for n in nodes_in]
    edges = [
        (
            str(_field(e, "source")),
            str(_field(e, "target")),
            str(_field(e, "sign", "+") or "+").strip() in ("-", "−", "inhibits", "negative"),
            str(_field(e, "label") or ""),
        )
        for e in edges_in
    ]
    edges = [e for e in edges if e[0] in ids and e[1] in ids and e[0] != e[1]]
    layer = _layers(ids, [(s, t) for s, t, _, _ in edges])
    nodes: dict[str, _Node] = {}
    for n, i in zip(nodes_in, ids, strict=True):
        label = textwrap.fill(str(_field(n, "label") or i), _NODE_WRAP)
        w, h = measure(label, _NODE_FONT)
        kind = str(_field(n, "kind") or _field(n, "type") or "")
        nodes[i] = _Node(i, label, kind, layer[i], w + 2 * _PAD, h + 2 * _PAD)
    # long edges become chains through routing points, one per skipped layer
    chains: list[tuple[list[str], bool, str]] = []
    for s, t, inhibit, lab in edges:
        lo, hi = sorted((layer[s], layer[t]))
        path = [s]
        for k in range(lo + 1, hi):
            d = f"__{s}>{t}@{k}"
            nodes[d] = _Node(d, "", "", k, _DUMMY, 0.0, dummy=True)
            path.append(d)
        path.append(t)
        if layer[s] > layer[t]:
            path = [s, *reversed(path[1:-1]), t]
        chains.append((path, inhibit, lab))
    depth = max((n.layer for n in nodes.values()), default=0) + 1
    rows: list[list[str]] = [[] for _ in range(depth)]
    for i in nodes:
        rows[nodes[i].layer].append(i)
    up: dict[str, list[str]] = {}
    down: dict[str, list[str]] = {}
    for path, _, _ in chains:
        for a, b in itertools.pairwise(path):
            hi_, lo_ = (a, b) if nodes[a].layer < nodes[b].layer else (b, a)
            down.setdefault(hi_, []).append(lo_)
            up.setdefault(lo_, []).append(hi_)
    _order(rows, up, down)
    both = {n: up.get(n, []) + down.get(n, []) for n in nodes}
    _place(rows, nodes, both)
    # vertical: layer 0 on top
    heights = [max((nodes[n].h for n in row), default=0.3) for row in rows]
    y = 0.0
    for k in range(depth - 1, -1, -1):
        for n in rows[k]:
            nodes[n].y = y + heights[k] / 2
        y += heights[k] + (_LAYER_GAP if k else 0.0)
    width = max(n.x + n.w / 2 for n in nodes.values()) + 0.3
    height = y + (0.35 if title else 0.15)
    fig = Figure(figsize=(max(width, 3.0), height))
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    off = (max(width, 3.0) - width) / 2 + 0.15
    for n in nodes.values():
        n.x += off
    ax.set_xlim(0, max(width, 3.0))
    ax.set_ylim(-0.1, height - 0.1)
    ax.axis("off")
    boxes = []
    for n in nodes.values():
        if n.dummy:
            continue
        ax.add_patch(
            FancyBboxPatch(
                (n.x - n.w / 2 + 0.03, n.y - n.h / 2 + 0.03),
                n.w - 0.06,
                n.h - 0.06,
                boxstyle="round,pad=0.03,rounding_size=0.06",
                fc=_FILL.get(n.kind, "#ffffff"),
                ec="#5d6d7e",
                lw=0.8,
                zorder=3,
            )
        )
        ax.text(n.x, n.y, n.label, ha="center", va="center", fontsize=_NODE_FONT,
                linespacing=1.15, zorder=4)  # fmt: skip
        boxes.append((n.x - n.w / 2, n.y - n.h / 2, n.x + n.w / 2, n.y + n.h / 2))
    # attachment points spread along the bottom / top of a box, ordered by direction
    ports: dict[tuple[str, str], float] = {}
    outs: dict[str, list[tuple[float, str]]] = {}
    ins: dict[str, list[tuple[float, str]]] = {}
    for path, _, _ in chains:
        outs.setdefault(path[0], []).append((nodes[path[1]].x, path[1]))
        ins.setdefault(path[-1], []).append((nodes[path[-2]].x, path[-2]))
    for side, table in (("out", outs), ("in", ins)):
        for n, items in table.items():
            items.sort()
            span = 0.6 * nodes[n].w
            for j, (_, other) in enumerate(items):
                frac = (j + 1) / (len(items) + 1) - 0.5 if len(items) > 1 else 0.0
                ports[(side, n + "|" + other)] = nodes[n].x + frac * span
    routes = []
    for path, inhibit, lab in chains:
        pts = []
        for j, n in enumerate(path):
            node = nodes[n]
            if j == 0:
                below = nodes[path[1]].y < node.y
                x = ports[("out", n + "|" + path[1])]
                pts.append((x, node.y - node.h / 2 if below else node.y + node.h / 2))
            elif j == len(path) - 1:
                above = nodes[path[-2]].y > node.y
                x = ports[("in", n + "|" + path[-2])]
                pts.append((x, node.y + node.h / 2 + 0.02 if above else node.y - node.h / 2))
            else:
                pts.append((node.x, node.y))
        routes.append((pts, inhibit, lab))
    lines: list[tuple[float, ...]] = []  # small squares along every edge, for label placement
    for pts, inhibit, _ in routes:
        colour = "#c0392b" if inhibit else "#34495e"
        for p, q in itertools.pairwise(pts[:-1]):
            ax.plot([p[0], q[0]], [p[1], q[1]], color=colour, lw=1.2, zorder=2)
        ax.annotate(
            "",
            xy=pts[-1],
            xytext=pts[-2],
            arrowprops={
                "arrowstyle": "-[, widthB=0.35, lengthB=0" if inhibit else "-|>",
                "lw": 1.2,
                "color": colour,
                "shrinkA": 0,
                "shrinkB": 0,
                "mutation_scale": 14 if inhibit else 11,
            },
            zorder=2,
        )
        for p, q in itertools.pairwise(pts):
            n_s = max(2, int(math.hypot(q[0] - p[0], q[1] - p[1]) / 0.05))
            for k in range(n_s + 1):
                px, py = p[0] + k / n_s * (q[0] - p[0]), p[1] + k / n_s * (q[1] - p[1])
                lines.append((px - 0.025, py - 0.025, px + 0.025, py + 0.025))
    segs = np.asarray(lines, dtype=float).reshape(-1, 4)
    placed: list[tuple[float, ...]] = []
    for pts, _, lab in routes:
        if not lab:
            continue
        text = textwrap.fill(lab, _EDGE_WRAP)
        w, h = measure(text, _EDGE_FONT)
        best: tuple[float, tuple[float, ...]] = (float("inf"), (0.0, 0.0, w, h))
        for (x0, y0), (x1, y1) in itertools.pairwise(pts):
            for frac in (0.5, 0.38, 0.62, 0.26, 0.74):
                cx, cy = x0 + frac * (x1 - x0), y0 + frac * (y1 - y0)
                for dx, dy in ((0.06, -h / 2), (-0.06 - w, -h / 2), (-w / 2, 0.05),
                               (-w / 2, -h - 0.05)):  # fmt: skip
                    rect: tuple[float, ...] = (cx + dx, cy + dy, cx + dx + w, cy + dy + h)
                    cost = 10 * sum(_overlap(rect, r) for r in placed + boxes)
                    cost += _overlap_many(rect, segs)
                    if rect[0] < 0 or rect[2] > width + off:
                        cost += 1.0
                    if cost < best[0] - 1e-9:
                        best = (cost, rect)
            if best[0] == 0:
                break
        rect = best[1]
        placed.append(rect)
        ax.text(rect[0], (rect[1] + rect[3]) / 2, text, ha="left", va="center",
                fontsize=_EDGE_FONT, color="#555", linespacing=1.1, zorder=5,
                bbox={"boxstyle": "square,pad=0.05", "fc": "white", "ec": "none",
                      "alpha": 0.85})  # fmt: skip
    if title:
        ax.text(max(width, 3.0) / 2, height - 0.25, title, ha="center", fontsize=10)
    return fig
