"""Validating a built graph against the SHACL shapes of ``ontology/shapes/`` (pySHACL).

Every ``*.ttl`` file of the shapes folder is loaded (one file per concern: the graph contract
in ``graph.ttl``, others beside it). A store or a dataset file is validated in units small
enough to stay fast: batches of document graphs, each with the descriptions of the entities
those documents mention, then the entities graph, then every other named graph (with the
descriptions of the entities it points at too); each unit
also holds the ontology, which the class-hierarchy checks need. Units are loaded into an
in-memory Oxigraph store, on which pySHACL runs its SPARQL-based constraints natively.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SH

from kg.errors import DataError, InputError
from kg.rdf import ENTITIES_GRAPH, ITSRDF, ONTOLOGY_GRAPH, PREFIXES, RES, SEM
from kg.store import ONTOLOGY_FILE, GraphStore, rdf_format

SHAPES_DIR = ONTOLOGY_FILE.parent / "shapes"
DOC_GRAPH_PREFIX = RES + "graph/doc/"
BATCH = 40  # document graphs per validation unit
# what points at an entity whose description lives in the entities graph
ENTITY_LINKS = tuple(
    ox.NamedNode(p)
    for p in (
        ITSRDF + "taIdentRef",
        SEM + "hasPlace",
        *(PREFIXES["aco"] + r for r in ("agent", "target", "victim", "mediator", "addressee")),
        *(PREFIXES["aco"] + r for r in ("reportedBy", "claimedBy", "country", "partOf")),
    )
)


@dataclass(frozen=True, slots=True)
class Violation:
    """One SHACL result: the node, the property path, the offending value and why."""

    shape: str  # the named node shape it belongs to ("PhraseShape")
    focus: str
    path: str | None
    value: str | None
    message: str
    severity: str  # Violation, Warning or Info


@dataclass
class ValidationReport:
    results: list[Violation] = field(default_factory=list)
    units: int = 0  # validation units checked
    documents: int = 0

    @property
    def violations(self) -> list[Violation]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def conforms(self) -> bool:
        return not self.violations

    def by_shape(self) -> Counter[str]:
        return Counter(r.shape for r in self.results)


def load_shapes(directory: Path = SHAPES_DIR) -> rdflib.Graph:
    """Every ``*.ttl`` file of ``directory``, merged into one shapes graph."""
    files = sorted(directory.glob("*.ttl")) if directory.is_dir() else []
    if not files:
        raise DataError(f"no SHACL shapes (*.ttl) in {directory}")
    shapes = rdflib.Graph()
    for path in files:
        try:
            shapes.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises several parser exceptions
            raise DataError(f"cannot read the shapes in {path}: {exc}") from exc
    return shapes


def _ontology_triples(store: ox.Store | None = None) -> list[ox.Triple]:
    if store is not None and store.contains_named_graph(ox.NamedNode(ONTOLOGY_GRAPH)):
        quads = store.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_GRAPH))
        return [q.triple for q in quads]
    return list(ox.parse(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE))


TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


def _targets_on_property_shapes(shapes: rdflib.Graph) -> rdflib.Graph:
    """The same constraints, with each node shape's targets given to its property shapes.

    pySHACL evaluates a node shape's property shapes one focus node at a time; a property
    shape with targets of its own is evaluated once over all its focus nodes, several times
    faster. The rewrite keeps the meaning for node shapes used only through their targets
    (not referenced by sh:node, sh:or…), and only those are rewritten.
    """
    out = rdflib.Graph()
    out += shapes
    for node in set(shapes.subjects(SH.property, None)):
        referenced = any(p != SH.property for _, p in shapes.subject_predicates(node))
        targets = [(p, o) for p in TARGETS for o in shapes.objects(node, p)]
        if referenced or not targets:
            continue
        for prop in list(shapes.objects(node, SH.property)):
            out.remove((node, SH.property, prop))
            for p, o in targets:
                out.add((prop, p, o))
    return out


class _Shapes:
    """The shapes graph and, for reporting, the named node shape of each property shape."""

    def __init__(self, graph: rdflib.Graph) -> None:
        self.owner = {prop: node for node, prop in graph.subject_objects(SH.property)}
        self.graph = _targets_on_property_shapes(graph)
        self.names = {str(ns): prefix for prefix, ns in PREFIXES.items()}
        self.names["https://w3id.org/ar-conflict-kg/shapes#"] = ""
        self.names[str(SH)] = "sh"

    def compact(self, term: rdflib.term.Node | None) -> str | None:
        if term is None:
            return None
        if isinstance(term, rdflib.Literal):
            return term.n3()
        text = str(term)
        for ns, prefix in sorted(self.names.items(), key=lambda kv: -len(kv[0])):
            if text.startswith(ns) and len(text) > len(ns):
                return f"{prefix}:{text[len(ns) :]}" if prefix else text[len(ns) :]
        return f"<{text}>" if isinstance(term, rdflib.URIRef) else text

    def shape_name(self, shape: rdflib.term.Node | None) -> str:
        seen = set()
        while isinstance(shape, rdflib.BNode) and shape in self.owner and shape not in seen:
            seen.add(shape)
            shape = self.owner[shape]
        return self.compact(shape) or "?"


def validate_unit(data: ox.Store, shapes: _Shapes) -> list[Violation]:
    """Validate the default graph of ``data`` (it is changed in place) against the shapes."""
    import pyshacl
    from pyshacl.graph_abstraction import DataGraph

    _conforms, results, _text = pyshacl.validate(
        DataGraph.from_oxigraph_store(data),
        shacl_graph=shapes.graph,
        inference="none",
        inplace=True,
        allow_warnings=True,
    )
    out = []
    assert isinstance(results, rdflib.Graph)
    for result in results.subjects(RDF.type, SH.ValidationResult):
        severity = results.value(result, SH.resultSeverity)
        message = results.value(result, SH.resultMessage)
        out.append(
            Violation(
                shape=shapes.shape_name(results.value(result, SH.sourceShape)),
                focus=shapes.compact(results.value(result, SH.focusNode)) or "?",
                path=shapes.compact(results.value(result, SH.resultPath)),
                value=shapes.compact(results.value(result, SH.value)),
                message=str(message) if message is not None else "(no message)",
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            )
        )
    return out


def _unit(triples: Iterable[ox.Triple]) -> ox.Store:
    unit = ox.Store()
    unit.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    return unit


def _document_units(source: ox.Store, graphs: list[ox.NamedNode]) -> Iterator[list[ox.Triple]]:
    """Batches of graphs, each with the descriptions of the entities they mention."""
    entities = ox.NamedNode(ENTITIES_GRAPH)
    for k in range(0, len(graphs), BATCH):
        triples: list[ox.Triple] = []
        linked: set[ox.NamedNode | ox.BlankNode] = set()
        for g in graphs[k : k + BATCH]:
            for q in source.quads_for_pattern(None, None, None, g):
                triples.append(q.triple)
                if q.predicate in ENTITY_LINKS and not isinstance(q.object, ox.Literal):
                    linked.add(q.object)  # type: ignore[arg-type]
        for ent in sorted(linked, key=str):
            triples += [q.triple for q in source.quads_for_pattern(ent, None, None, entities)]
        yield triples


def validate_dataset(source: ox.Store, shapes: rdflib.Graph | None = None) -> ValidationReport:
    """Validate every graph of ``source``: documents in batches, then the other graphs."""
    sh = _Shapes(shapes if shapes is not None else load_shapes())
    ontology = _ontology_triples(source)
    report = ValidationReport()
    named = sorted(source.named_graphs(), key=lambda g: g.value)
    docs = [
        g for g in named if isinstance(g, ox.NamedNode) and g.value.startswith(DOC_GRAPH_PREFIX)
    ]
    report.documents = len(docs)
    units: list[list[ox.Triple]] = list(_document_units(source, docs))
    for g in named:
        if g.value == ENTITIES_GRAPH:
            units.append([q.triple for q in source.quads_for_pattern(None, None, None, g)])
        elif g.value != ONTOLOGY_GRAPH and not g.value.startswith(DOC_GRAPH_PREFIX):
            # incidents, control claims, runs…: with the entities they point at, as documents
            units += _document_units(source, [g])  # type: ignore[list-item]
    default = [q.triple for q in source.quads_for_pattern(None, None, None, ox.DefaultGraph())]
    if default:
        units.append(default)
    seen: set[Violation] = set()
    for triples in units:
        report.units += 1
        for v in validate_unit(_unit([*triples, *ontology]), sh):
            if v not in seen:
                seen.add(v)
                report.results.append(v)
    report.results.sort(key=lambda v: (v.shape, v.focus, v.path or "", v.message))
    return report


def validate_file(path: Path, shapes: rdflib.Graph | None = None) -> ValidationReport:
    """Validate an RDF file (.nq .trig .nt .ttl .jsonld)."""
    if not path.exists():
        raise InputError(f"no such graph file: {path}")
    fmt = rdf_format(path)
    source = ox.Store()
    try:
        source.bulk_load(path=str(path), format=fmt)
    except SyntaxError as exc:
        raise InputError(f"{path}: not valid {fmt.name} ({exc})") from exc
    return validate_dataset(source, shapes)


def validate_store(store: GraphStore, shapes: rdflib.Graph | None = None) -> ValidationReport:
    return validate_dataset(store.store, shapes)
