"""Pathway diagrams: boxes fit their labels and never overlap; edge labels stay clear."""

from __future__ import annotations

import itertools

import pytest


def _overlap(a, b, tol: float = 0.5) -> bool:
    return min(a.x1, b.x1) - max(a.x0, b.x0) > tol and min(a.y1, b.y1) - max(a.y0, b.y0) > tol


@pytest.mark.parametrize("name", ["5ht1a", "mglur5"])
def test_pathway_layout_has_no_collisions(name):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.patches import FancyBboxPatch

    from preclin.receptor import load_pathway
    from preclin.report import plot_pathway

    graph = load_pathway(name)
    fig = plot_pathway(graph)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    r = canvas.get_renderer()
    ax = fig.axes[0]
    boxes = [p.get_window_extent(r) for p in ax.patches if isinstance(p, FancyBboxPatch)]
    texts = [t for t in ax.texts if t.get_text()]
    node_texts = [t for t in texts if t.get_fontsize() == 9.0]
    edge_texts = [t for t in texts if t.get_fontsize() == 7.0]
    assert len(boxes) == len(node_texts) == len(graph.nodes)
    assert len(edge_texts) == sum(bool(e.label) for e in graph.edges)
    for a, b in itertools.combinations(boxes, 2):
        assert not _overlap(a, b), "node boxes overlap"
    for t, box in zip(node_texts, boxes, strict=True):  # drawn in the same order
        e = t.get_window_extent(r)
        assert box.x0 <= e.x0 and e.x1 <= box.x1 and box.y0 <= e.y0 and e.y1 <= box.y1, (
            t.get_text()
        )
    labels = [t.get_window_extent(r) for t in edge_texts]
    for a, b in itertools.combinations(labels, 2):
        assert not _overlap(a, b), "edge labels overlap"
    for lab, box in itertools.product(labels, boxes):
        assert not _overlap(lab, box), "an edge label covers a node"
    fig_box = fig.bbox
    for e in [*labels, *boxes]:
        assert e.x0 >= fig_box.x0 - 1 and e.x1 <= fig_box.x1 + 1  # nothing cut off
