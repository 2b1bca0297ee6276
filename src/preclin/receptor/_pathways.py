"""Signalling cascades as data: 5-HT1A (Gi/o) and mGluR5 (Gq) as small graphs.

Nodes have a type (ligand, receptor, G protein, effector, second messenger,
channel, outcome); edges a sign (+ activates / increases, − inhibits /
decreases), a label and a reference id from the project's reference list
(``reference/knowledge/references.csv``) where one fits. The report room
draws them; this module only holds them.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from preclin.core import InputError, Result, check_option

__all__ = ["Edge", "Node", "Pathway", "load_pathway"]

NODE_TYPES = (
    "ligand",
    "receptor",
    "g_protein",
    "effector",
    "second_messenger",
    "channel",
    "outcome",
)


@dataclasses.dataclass(frozen=True)
class Node:
    """A node of a signalling pathway (``type`` one of NODE_TYPES)."""

    id: str
    label: str
    type: str


@dataclasses.dataclass(frozen=True)
class Edge:
    """A directed edge: ``sign`` "+" (activates) or "-" (inhibits)."""

    source: str
    target: str
    sign: str
    label: str
    ref_id: str = ""


@dataclasses.dataclass(frozen=True, kw_only=True)
class Pathway(Result):
    """A signalling cascade as a graph.

    Attributes
    ----------
    name : str
        Key ("5ht1a", "mglur5").
    title : str
    nodes : tuple of Node
    edges : tuple of Edge
    """

    name: str
    title: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    def __post_init__(self) -> None:
        ids = [n.id for n in self.nodes]
        if len(set(ids)) != len(ids):
            raise InputError(f"pathway {self.name!r} has duplicate node ids")
        for node in self.nodes:
            check_option("node type", node.type, NODE_TYPES)
        for e in self.edges:
            check_option("edge sign", e.sign, ["+", "-"])
            for end in (e.source, e.target):
                if end not in ids:
                    raise InputError(f"pathway {self.name!r}: edge end {end!r} is not a node")

    def to_frame(self, kind: str = "edges") -> pd.DataFrame:
        """``kind="edges"``: source, target, sign, label, ref_id, source_type,
        target_type; ``kind="nodes"``: id, label, type."""
        check_option("kind", kind, ["edges", "nodes"])
        nodes = pd.DataFrame([dataclasses.asdict(n) for n in self.nodes])
        if kind == "nodes":
            return nodes
        edges = pd.DataFrame([dataclasses.asdict(e) for e in self.edges])
        types = dict(zip(nodes.id, nodes.type, strict=True))
        edges["source_type"] = edges.source.map(types)
        edges["target_type"] = edges.target.map(types)
        return edges

    def _title(self) -> str:
        return self.title


def _5ht1a() -> Pathway:
    n = [
        Node("agonist", "5-HT1A agonist (5-HT, 8-OH-DPAT, buspirone)", "ligand"),
        Node("htr1a", "5-HT1A receptor", "receptor"),
        Node("gio_alpha", "Gαi/o", "g_protein"),
        Node("gbg", "Gβγ", "g_protein"),
        Node("ac", "adenylyl cyclase", "effector"),
        Node("camp", "cAMP", "second_messenger"),
        Node("pka", "PKA", "effector"),
        Node("girk", "GIRK channel", "channel"),
        Node("vgcc", "voltage-gated Ca2+ channels", "channel"),
        Node("hyperpol", "hyperpolarisation, reduced firing", "outcome"),
        Node("release", "reduced transmitter release", "outcome"),
        Node("autoreceptor", "somatodendritic autoreceptor (raphe)", "receptor"),
        Node("desens", "autoreceptor desensitisation (chronic dosing)", "outcome"),
    ]
    e = [
        Edge("agonist", "htr1a", "+", "binds, activates", "R62"),
        Edge("htr1a", "gio_alpha", "+", "couples to Gi/o", "R50"),
        Edge("htr1a", "gbg", "+", "releases Gβγ", "R62"),
        Edge("gio_alpha", "ac", "-", "inhibits", "R62"),
        Edge("ac", "camp", "+", "synthesises", "R62"),
        Edge("camp", "pka", "+", "activates", ""),
        Edge("gbg", "girk", "+", "opens", "R62"),
        Edge("girk", "hyperpol", "+", "K+ efflux", "R62"),
        Edge("gbg", "vgcc", "-", "inhibits", "R62"),
        Edge("vgcc", "release", "-", "less Ca2+ entry", ""),
        Edge("agonist", "autoreceptor", "+", "activates (presynaptic)", "R62"),
        Edge("autoreceptor", "hyperpol", "+", "less 5-HT neuron firing", "R62"),
        Edge("autoreceptor", "desens", "+", "chronic agonist exposure", "R62"),
    ]
    return Pathway(
        name="5ht1a", title="5-HT1A receptor signalling (Gi/o)", nodes=tuple(n), edges=tuple(e)
    )


def _mglur5() -> Pathway:
    n = [
        Node("glutamate", "glutamate", "ligand"),
        Node("nam", "NAM (basimglurant, MPEP) at the allosteric site", "ligand"),
        Node("grm5", "mGluR5", "receptor"),
        Node("gq", "Gαq/11", "g_protein"),
        Node("plcb", "PLCβ", "effector"),
        Node("pip2", "PIP2", "second_messenger"),
        Node("ip3", "IP3", "second_messenger"),
        Node("dag", "DAG", "second_messenger"),
        Node("ip3r", "IP3 receptor (ER)", "channel"),
        Node("ca", "cytosolic Ca2+ release", "second_messenger"),
        Node("pkc", "PKC", "effector"),
        Node("flipr", "Ca2+ fluorescence (FLIPR)", "outcome"),
        Node("excitability", "neuronal excitability, plasticity", "outcome"),
    ]
    e = [
        Edge("glutamate", "grm5", "+", "binds the orthosteric site, activates", "R61"),
        Edge("nam", "grm5", "-", "binds the allosteric site, reduces signalling", "R04"),
        Edge("grm5", "gq", "+", "couples to Gq/11", "R51"),
        Edge("gq", "plcb", "+", "activates", "R51"),
        Edge("plcb", "pip2", "-", "hydrolyses", "R51"),
        Edge("plcb", "ip3", "+", "produces", "R51"),
        Edge("plcb", "dag", "+", "produces", "R51"),
        Edge("ip3", "ip3r", "+", "opens", "R51"),
        Edge("ip3r", "ca", "+", "Ca2+ release from stores", "R51"),
        Edge("dag", "pkc", "+", "activates", "R51"),
        Edge("ca", "pkc", "+", "co-activates", "R51"),
        Edge("ca", "flipr", "+", "measured as a transient", "R52"),
        Edge("pkc", "excitability", "+", "modulates", "R51"),
    ]
    return Pathway(
        name="mglur5", title="mGluR5 signalling (Gq) and its NAMs", nodes=tuple(n), edges=tuple(e)
    )


_PATHWAYS = {"5ht1a": _5ht1a, "mglur5": _mglur5}


def load_pathway(name: str) -> Pathway:
    """A bundled signalling pathway as a graph.

    Parameters
    ----------
    name : {"5ht1a", "mglur5"}
        5-HT1A → Gi/o (cAMP ↓, GIRK, Ca2+ channels, autoreceptor
        desensitisation) or mGluR5 → Gq → PLCβ → IP3/DAG → Ca2+/PKC with the
        NAM site.

    Returns
    -------
    Pathway
        ``nodes`` and ``edges``; ``to_frame("edges")`` (source, target, sign,
        label, ref_id, source_type, target_type) and ``to_frame("nodes")``
        (id, label, type).

    Notes
    -----
    Reference ids point into ``reference/knowledge/references.csv`` (R62
    5-HT1A receptor overview, R50 GtoPdb 5-HT receptors, R51 Gregory & Goudet
    2020 mGlu review, R04 Lindemann 2015 basimglurant, R52 mGlu5 NAM
    Ca2+ assays, R61 mGlu review); an empty id marks textbook links with no
    fitting entry.

    Examples
    --------
    >>> p = load_pathway("mglur5")
    >>> p.to_frame("edges").query("sign == '-'")[["source", "target", "ref_id"]]
      source target ref_id
    1    nam   grm5    R04
    4   plcb   pip2    R51
    """
    key = name.lower().replace("-", "").replace("_", "")
    check_option("name", key, list(_PATHWAYS))
    return _PATHWAYS[key]()
