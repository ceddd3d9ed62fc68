"""Reading a build, a store folder or an RDF file, as named graphs of N-Triples terms.

Terms are compared as N-Triples text, numbers in one canonical form, and a graph with blank
nodes gets canonical blank-node labels (``rdflib.compare``), so two isomorphic graphs read as
equal sets. A file without graphs (Turtle, N-Triples) is split into document graphs by the
document each subject belongs to.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError
from kg.rdf import RES, XSD
from kg.store import GraphStore, rdf_format

DOC_GRAPH = RES + "graph/doc/"
DEFAULT = "(default graph)"
Triple = tuple[str, str, str]
_ESCAPE = re.compile(r'\\(["\\nrt])')
_UNESCAPE = {'"': '"', "\\": "\\", "n": "\n", "r": "\r", "t": "\t"}


@dataclass
class Build:
    """A build's graphs: graph IRI -> its triples as N-Triples terms."""

    label: str
    graphs: dict[str, set[Triple]]


def open_build(path: Path) -> Build:
    """A store folder or an RDF file, read as named graphs."""
    if path.is_dir():
        store = GraphStore(path, read_only=True)
        quads: Iterable[ox.Quad] = store.store.quads_for_pattern(None, None, None, None)
    elif path.is_file():
        fmt = rdf_format(path)
        try:
            quads = list(ox.parse(path=str(path), format=fmt))
        except SyntaxError as exc:
            raise InputError(f"{path}: not valid {fmt.name} ({exc})") from exc
    else:
        raise InputError(f"no such store or RDF file: {path}")
    graphs: dict[str, set[Triple]] = defaultdict(set)
    for q in quads:
        g = q.graph_name
        name = g.value if isinstance(g, ox.NamedNode) else _graph_of(q.subject)
        graphs[name].add((str(q.subject), str(q.predicate), _object(q.object)))
    return Build(str(path), {g: _canonical(t) for g, t in graphs.items()})


_INTEGERS = {XSD + n for n in ("integer", "nonNegativeInteger", "int", "long", "positiveInteger")}
_REALS = {XSD + n for n in ("double", "float", "decimal")}


def _object(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """The term in N-Triples form, numbers in one canonical form: a TriG writer may print
    ``"1.000"^^xsd:double`` as ``1.0e+00``, and the store reads ``xsd:nonNegativeInteger``
    back as ``xsd:integer``; the values are the same."""
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        try:
            if dt in _INTEGERS:
                return f'"{int(term.value)}"^^<{XSD}integer>'
            if dt in _REALS:
                return f'"{float(term.value)!r}"^^<{dt}>'
        except ValueError:
            pass  # an ill-typed literal compares as written
    return str(term)


def _graph_of(subject: ox.NamedNode | ox.BlankNode | ox.Triple) -> str:
    """The document graph of a triple read from a file without graphs (Turtle, N-Triples)."""
    if isinstance(subject, ox.NamedNode) and subject.value.startswith(RES + "doc/"):
        rest = subject.value[len(RES + "doc/") :]
        for stop in ("#", "/"):
            rest = rest.split(stop, 1)[0]
        return DOC_GRAPH + rest
    return DEFAULT


def _canonical(triples: set[Triple]) -> set[Triple]:
    """Blank nodes relabelled canonically, so isomorphic graphs give equal sets."""
    if not any(s.startswith("_:") or o.startswith("_:") for s, _, o in triples):
        return triples
    import rdflib
    from rdflib.compare import to_canonical_graph

    g = rdflib.Graph()
    g.parse(data="".join(f"{s} {p} {o} .\n" for s, p, o in triples), format="nt")
    return {(t[0].n3(), t[1].n3(), t[2].n3()) for t in to_canonical_graph(g)}


def value(term: str) -> str:
    """The IRI or lexical value of an N-Triples term."""
    if term.startswith("<"):
        return term[1:-1]
    if term.startswith('"'):
        body = term[1 : term.rfind('"')]
        return _ESCAPE.sub(lambda m: _UNESCAPE[m.group(1)], body)
    return term
