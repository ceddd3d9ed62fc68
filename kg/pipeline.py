"""The pipeline: document -> text layer -> mentions -> linked entities -> events -> RDF.

``extract`` is a pure function of one document (and the read-only gazetteer), so documents
stream through it one at a time and parallelise. ``build`` drives a corpus through it into
sinks (the embedded store, an RDF file) and returns what it did.
"""

from __future__ import annotations

import gc
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from kg.arabic import analyse
from kg.coref import add_references
from kg.corpus import CorpusReader
from kg.events import extract_events
from kg.gazetteer import Gazetteer, default_gazetteer
from kg.linking import link
from kg.mentions import find_candidates
from kg.model import Document, Entity, Extraction
from kg.ner import Recogniser, merge_candidates, model_candidates
from kg.phrases import extend_actor_phrases
from kg.rdf import (
    ENTITIES_GRAPH,
    PREFIXES,
    Triple,
    doc_graph,
    document_triples,
    entity_triples,
    iri,
    nquads,
    ntriples,
    text_hash,
)
from kg.store import GraphStore, Spool, atomic_output, rdf_format

if TYPE_CHECKING:
    from kg.provenance import RunRecord

# Bytes of N-Quads the store sink spools to disk before each bulk load. Oxigraph's bulk loader
# costs less per quad in few large loads than in many small ones: each load sorts its quads
# into new files, and RocksDB compacts them with the rest once four have piled up, in threads
# whose CPU counts in the build's. It holds what it loads in memory, up to a million quads (it
# cuts larger inputs into batches of that size): 256 MB is about 800,000 of the pipeline's
# quads and some 700 MB of the loader's memory (docs/scaling.md).
SPOOL_BYTES = 256 * 1024 * 1024


@contextmanager
def fewer_collections(young: int = 20_000) -> Iterator[None]:
    """Run the cyclic garbage collector less often (every ``young`` new containers instead of
    Python's 700). Extraction and resolution allocate millions of short-lived tuples and
    dataclasses that reference counting frees; the collector walking the survivors cost about
    1.2 s of CPU over the 2,144-article build. The old thresholds come back afterwards."""
    thresholds = gc.get_threshold()
    gc.set_threshold(young, thresholds[1], thresholds[2])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def extract(
    doc: Document, gazetteer: Gazetteer | None = None, ner: Recogniser | None = None
) -> Extraction:
    """Everything the pipeline finds in one document (``ner``: a statistical recogniser whose
    spans join the rule-based candidates, see ``kg.ner``)."""
    gaz = gazetteer or default_gazetteer()
    analysis = analyse(doc.text)
    candidates = find_candidates(doc.text, analysis, gaz)
    if ner is not None:
        candidates = merge_candidates(candidates, model_candidates(doc.text, analysis, gaz, ner))
    mentions, entities = link(doc.text, analysis, candidates, gaz)
    mentions, entities = add_references(doc.text, analysis, mentions, entities, gaz)
    mentions, entities = extend_actor_phrases(doc.text, analysis, mentions, entities)
    events = extract_events(doc, analysis, mentions, place_countries(entities))
    return Extraction(doc, analysis, mentions, entities, events)


def place_countries(entities: Mapping[str, Entity]) -> dict[str, str]:
    """Entity key -> the QID of the country the place lies in (a country's own QID)."""
    out = {}
    for key, e in entities.items():
        country = e.qid if e.kind == "country" else e.country_qid
        if country:
            out[key] = country
    return out


@dataclass(frozen=True, slots=True)
class DocumentGraph:
    """One document's output: its named graph and the entities it mentions. Picklable, so
    worker processes (``kg.parallel``) and cluster workers can send it back."""

    doc_id: str
    graph: str
    triples: list[Triple]
    entities: dict[str, Entity]
    mentions: int
    events: int
    # the triples as N-Triples text, when a worker process serialised them (``triples`` is then
    # empty and ``count`` says how many there were): see `serialised`
    text: str | None = None
    count: int = 0

    @property
    def size(self) -> int:
        """How many triples the document's graph holds."""
        return len(self.triples) if self.text is None else self.count


def serialised(dg: DocumentGraph) -> DocumentGraph:
    """The graph with its triples as one N-Triples string. A worker sends this back: one large
    string crosses a process boundary far more cheaply than a thousand tuples of strings."""
    if dg.text is not None:
        return dg
    return replace(dg, triples=[], text=ntriples(dg.triples), count=len(dg.triples))


def in_graph(graph: str, text: str) -> str:
    """N-Triples text as N-Quads of ``graph``. A line ends in " .\n" and nowhere else, since
    literals escape their line breaks."""
    return text.replace(" .\n", f" {iri(graph)} .\n")


def document_graph(
    doc: Document, gazetteer: Gazetteer | None = None, ner: Recogniser | None = None
) -> DocumentGraph:
    """Extract one document and turn it into triples: the unit of parallel work."""
    ex = extract(doc, gazetteer, ner)
    return DocumentGraph(
        doc.id,
        doc_graph(doc.id),
        document_triples(ex),
        ex.entities,
        len(ex.mentions),
        len(ex.events),
    )


def entity_part(entities: Iterable[Entity], seen: set[str]) -> list[Triple]:
    """Descriptions of the entities not in ``seen`` (which is updated)."""
    fresh = sorted((e for e in entities if e.key not in seen), key=lambda e: e.key)
    seen.update(e.key for e in fresh)
    return [t for e in fresh for t in entity_triples(e)]


@dataclass
class BuildSummary:
    read: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    unchanged: int = 0
    documents: int = 0
    mentions: int = 0
    entities: set[str] = field(default_factory=set)
    events: int = 0
    triples: int = 0
    seconds: float = 0.0

    def counts(self) -> dict[str, int]:
        """The figures a run record keeps."""
        return {"documentsRead": self.read, "documentsExtracted": self.documents,
                "documentsUnchanged": self.unchanged,
                "recordsSkipped": sum(self.skipped.values()), "triplesWritten": self.triples}  # fmt: skip

    def line(self) -> str:
        skipped = sum(self.skipped.values())
        why = ", ".join(f"{n} {reason}" for reason, n in sorted(self.skipped.items()))
        parts = [
            f"{self.read} documents read",
            f"{skipped} skipped" + (f" ({why})" if why else ""),
        ]
        if self.unchanged:
            parts.append(f"{self.unchanged} unchanged")
        parts += [
            f"{len(self.entities)} entities",
            f"{self.events} events",
            f"{self.triples} triples written",
            f"{self.documents / self.seconds:.0f} docs/s" if self.seconds > 0 else "",
        ]
        return ", ".join(p for p in parts if p)


class Sink:
    """Receives each document's graph, and each entity's description once."""

    def __init__(self) -> None:
        self.seen_entities: set[str] = set()

    def write_document(self, dg: DocumentGraph) -> None:
        entities = entity_part(dg.entities.values(), self.seen_entities)
        if dg.text is None:
            self.write(dg.graph, dg.triples, entities)
        else:
            self.write_text(dg.graph, dg.text, entities)

    def write(self, graph: str, triples: list[Triple], entity_part: list[Triple]) -> None: ...
    def write_text(self, graph: str, text: str, entity_part: list[Triple]) -> None:
        """Like `write`, with the document's triples as N-Triples text (`serialised`). By
        default the text is split back into triples (subject and predicate hold no space)."""
        lines = text.splitlines()
        triples = [tuple(line[:-2].split(" ", 2)) for line in lines]
        self.write(graph, triples, entity_part)  # type: ignore[arg-type]

    def close(self) -> None: ...
    def abort(self) -> None: ...


class StoreSink(Sink):
    """Spools documents' N-Quads to a file beside the store (`kg.store.Spool`) and bulk-loads
    it, replacing their named graphs, whenever it holds ``spool_bytes`` and at the end."""

    def __init__(self, store: GraphStore, spool_bytes: int = SPOOL_BYTES) -> None:
        super().__init__()
        self.store = store
        self.spool_bytes = spool_bytes
        self.spool = Spool(store.path)

    def write(self, graph: str, triples: list[Triple], entity_part: list[Triple]) -> None:
        self._add(graph, nquads(graph, triples), entity_part)

    def write_text(self, graph: str, text: str, entity_part: list[Triple]) -> None:
        self._add(graph, in_graph(graph, text), entity_part)

    def _add(self, graph: str, quads: str, entity_part: list[Triple]) -> None:
        self.spool.add(graph, quads)
        if entity_part:
            self.spool.add(None, nquads(ENTITIES_GRAPH, entity_part))
        if self.spool.size >= self.spool_bytes:
            self.spool.load_into(self.store)

    def close(self) -> None:
        try:
            self.spool.load_into(self.store)
        finally:
            self.spool.close()
        self.store.flush()

    def abort(self) -> None:
        try:
            self.spool.load_into(self.store)  # what was extracted before the failure is kept
        finally:
            self.spool.close()


class FileSink(Sink):
    """Writes an RDF file atomically. N-Quads and N-Triples stream line by line; Turtle, TriG
    and JSON-LD are written by rdflib from the N-Quads at the end (Oxigraph's Turtle writer
    shortens typed integers such as xsd:nonNegativeInteger to bare numbers, which read back as
    xsd:integer)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        rdf_format(path)
        self.suffix = path.suffix.lower()
        self.output = atomic_output(path)
        self.tmp = self.output.__enter__()
        self.handle = open(self.tmp, "w", encoding="utf-8")  # noqa: SIM115

    def write(self, graph: str, triples: list[Triple], entity_part: list[Triple]) -> None:
        if self.suffix == ".nt":
            self.handle.write(ntriples(triples) + ntriples(entity_part))
        else:
            self.handle.write(nquads(graph, triples) + nquads(ENTITIES_GRAPH, entity_part))

    def write_text(self, graph: str, text: str, entity_part: list[Triple]) -> None:
        if self.suffix == ".nt":
            self.handle.write(text + ntriples(entity_part))
        else:
            self.handle.write(in_graph(graph, text) + nquads(ENTITIES_GRAPH, entity_part))

    def close(self) -> None:
        self.handle.close()
        if self.suffix not in (".nq", ".nt"):
            convert_nquads(Path(self.tmp), Path(self.tmp), self.suffix)
        self.output.__exit__(None, None, None)

    def abort(self) -> None:
        self.handle.close()
        self.output.__exit__(RuntimeError, None, None)


def convert_nquads(source: Path, target: Path, suffix: str) -> None:
    """Re-serialise an N-Quads file as Turtle (graphs merged), TriG or JSON-LD, with rdflib."""
    import rdflib

    ds = rdflib.Dataset()
    ds.parse(source, format="nquads")
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns, replace=True)
    if suffix == ".ttl":
        merged = rdflib.Graph()
        for prefix, ns in PREFIXES.items():
            merged.bind(prefix, ns, replace=True)
        for s, p, o, _ in ds.quads():
            merged.add((s, p, o))
        merged.serialize(target, format="turtle", encoding="utf-8")
    else:
        fmt = {".trig": "trig", ".jsonld": "json-ld"}[suffix]
        ds.serialize(target, format=fmt, encoding="utf-8")


Mapper = Callable[[Iterable[Document]], Iterable[DocumentGraph]]


def serial_graphs(
    docs: Iterable[Document], ner: Recogniser | None = None
) -> Iterator[DocumentGraph]:
    gaz = default_gazetteer()
    for doc in docs:
        yield document_graph(doc, gaz, ner)


def build(
    reader: CorpusReader,
    sinks: list[Sink],
    *,
    known_hashes: dict[str, str] | None = None,
    mapper: Mapper = serial_graphs,
    progress: Callable[[BuildSummary], None] | None = None,
    run: RunRecord | None = None,
) -> BuildSummary:
    """Extract every document of ``reader`` and write its graph to each sink.

    ``known_hashes`` (document id -> content hash already in the store) makes the build
    incremental: a document whose text is unchanged is skipped. ``mapper`` turns documents
    into graphs, in order: in this process by default, or in worker processes. ``run``
    collects the run record, which each sink receives as its own graph at the end.
    """
    with fewer_collections():
        return _build(reader, sinks, known_hashes, mapper, progress, run)


def _build(
    reader: CorpusReader,
    sinks: list[Sink],
    known_hashes: dict[str, str] | None,
    mapper: Mapper,
    progress: Callable[[BuildSummary], None] | None,
    run: RunRecord | None,
) -> BuildSummary:
    summary = BuildSummary()
    default_gazetteer()  # load before the clock starts
    started = time.perf_counter()

    def fresh() -> Iterator[Document]:
        for doc in reader:
            digest = text_hash(doc.text)
            unchanged = known_hashes is not None and known_hashes.get(doc.id) == digest
            if run is not None:
                run.read(doc.id, digest, outcome="Unchanged" if unchanged else "Extracted")
            if unchanged:
                summary.unchanged += 1
                continue
            yield doc

    try:
        for dg in mapper(fresh()):
            for sink in sinks:
                sink.write_document(dg)
            if run is not None:
                run.made(dg.doc_id)
            summary.documents += 1
            summary.mentions += dg.mentions
            summary.entities.update(dg.entities)
            summary.events += dg.events
            summary.triples += dg.size
            summary.read = reader.report.read
            summary.seconds = time.perf_counter() - started
            if progress:
                progress(summary)
    except BaseException:
        for sink in sinks:
            sink.abort()
        raise
    summary.read = reader.report.read
    summary.skipped = reader.report.skipped
    if run is not None:
        run.finish()
        record = run.triples(summary.counts())
        for sink in sinks:
            sink.write(run.graph, record, [])
    for sink in sinks:
        sink.close()
    summary.seconds = time.perf_counter() - started
    return summary
