"""GraphML written as text: the bytes :func:`networkx.write_graphml` writes (its lxml
writer, pretty-printed), at a fifth of its time.

networkx builds an lxml element per node, edge and data value (~12 s for the 400,000
nodes and edges of a 100,000-task build); here each line is formatted directly, with
the escaping libxml2 applies. Graphs this writer does not cover (graph attributes,
multigraphs, text that is not XML, a value type GraphML has no name for) go to
networkx as before, so the file is always networkx's. Tested byte for byte against
networkx (tests/test_workload_outputs.py).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # (networkx is imported where a graph is written: `kg workload` starts without it)
    import networkx as nx

__all__ = ["write_graphml"]

_HEAD = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns'
    ' http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">'
)
# what lxml refuses in text (control characters, surrogates, U+FFFE/U+FFFF): networkx raises
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# text that needs escaping or checking (most needs neither: str.translate is not called)
_SPECIAL = re.compile("[&<>\"\r\n\t\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;",
                       "\t": "&#9;"})


def _xml_types() -> dict[type, str]:
    """networkx's GraphML names of Python (and numpy) types."""
    from networkx.readwrite.graphml import GraphML

    g = GraphML()
    g.construct_types()
    return dict(g.xml_type)


class _Unsupported(Exception):
    """A graph this writer leaves to networkx."""


class _Text:
    """The pieces of one GraphML file: keys in networkx's order (ids by first use, every
    node's attributes, then every edge's; written last first), then the elements."""

    def __init__(self) -> None:
        self.xml_type = _xml_types()
        self.keys: dict[tuple[str, str, str], str] = {}
        self.key_lines: list[str] = []
        self.ids: dict[tuple[str, object, type], str] = {}  # (scope, attribute, value type): key id
        self.body: list[str] = []

    def key(self, scope: str, d: dict[Any, Any]) -> None:
        for name, value in d.items():
            if (scope, name, type(value)) in self.ids:
                continue
            t = self.xml_type.get(type(value))
            text = str(name)
            if t is None or _NOT_XML.search(text):
                raise _Unsupported
            found = self.keys.get((text, t, scope))
            if found is None:
                found = self.keys[(text, t, scope)] = f"d{len(self.keys)}"
                self.key_lines.append(
                    f'<key id="{found}" for="{scope}" attr.name="{text.translate(_ATTR)}" attr.type="{t}"/>\n')
            self.ids[(scope, name, type(value))] = found

    def element(self, head: str, scope: str, tag: str, d: dict[Any, Any]) -> None:
        if not d:
            self.body.append(head + "/>\n")
            return
        self.body.append(head + ">\n")
        for k, v in d.items():
            text = str(v)
            if _SPECIAL.search(text):
                if _NOT_XML.search(text):
                    raise _Unsupported
                text = text.translate(_TEXT)
            self.body.append(f'  <data key="{self.ids[(scope, k, type(v))]}">{text}</data>\n')
        self.body.append(f"</{tag}>\n")


def _attr(value: object) -> str:
    text = str(value)
    if _SPECIAL.search(text):
        if _NOT_XML.search(text):
            raise _Unsupported
        return text.translate(_ATTR)
    return text


def _lines(G: nx.Graph) -> list[str] | None:
    """The file's text in pieces, or None for a graph left to networkx."""
    if G.graph or G.is_multigraph():
        return None
    w = _Text()
    try:
        for _, d in G.nodes(data=True):
            w.key("node", d)
        for _, _, d in G.edges(data=True):
            w.key("edge", d)
        for n, d in G.nodes(data=True):
            w.element(f'<node id="{_attr(n)}"', "node", "node", d)
        for u, v, d in G.edges(data=True):
            w.element(f'<edge source="{_attr(u)}" target="{_attr(v)}"', "edge", "edge", d)
    except _Unsupported:
        return None
    edgedefault = "directed" if G.is_directed() else "undirected"
    return [_HEAD, *reversed(w.key_lines), f'<graph edgedefault="{edgedefault}">', *w.body, "</graph></graphml>"]


def write_graphml(G: nx.Graph, path: str | Path) -> None:
    """Write ``G`` as GraphML (UTF-8) to ``path``: the bytes of
    ``networkx.write_graphml(G, path, encoding="utf-8")``."""
    lines = _lines(G)
    if lines is None:
        import networkx

        networkx.write_graphml(G, path, encoding="utf-8")
        return
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.writelines(lines)
