"""The run record: what a build used and made, in PROV-O, in its own named graph.

Each ``kg build`` is a ``prov:Activity`` in ``res:graph/run/{run id}``. It records the tool's
version, the ontology's ``owl:versionInfo``, a SHA-256 of every data file the extraction reads
(``kg/data/*``), the options, start and end time, the documents it read (each with its content
hash and whether it was extracted or found unchanged), and the document graphs it generated.

Determinism: everything that differs between two runs lives in the run graph only. The
per-document graphs never name a run, so two identical builds give identical document graphs.
The link from a document to the run that made it is kept in the run graph
(``<context> prov:wasGeneratedBy <run>`` and ``<run> prov:generated <document graph>``); when a
later run re-extracts a document, the older run's claim to it is dropped (``supersede``), and
an unchanged, skipped document keeps the run that made it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg import __version__
from kg.errors import StoreError
from kg.rdf import (
    ACO,
    DCT,
    NIF,
    PROV,
    RDF,
    RDFS,
    RES,
    XSD,
    Triple,
    context_iri,
    doc_graph,
    int_lit,
    iri,
    lit,
    nquads,
)
from kg.store import ONTOLOGY_FILE, GraphStore

DATA_DIR = Path(__file__).resolve().parent / "data"
RUN_GRAPH_PREFIX = RES + "graph/run/"
RUN_PREFIX = RES + "run/"
SOFTWARE = RES + "software/kg"
_VERSION_INFO = re.compile(r'owl:versionInfo\s+"([^"]+)"')


def ontology_version(path: Path = ONTOLOGY_FILE) -> str:
    """The ``owl:versionInfo`` of the ontology file."""
    found = _VERSION_INFO.search(path.read_text(encoding="utf-8"))
    return found.group(1) if found else "unknown"


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def data_files(directory: Path = DATA_DIR) -> dict[str, str]:
    """Name -> SHA-256 of each gazetteer, lexicon and data file the extraction reads."""
    return {p.name: file_hash(p) for p in sorted(directory.iterdir()) if p.is_file()}


def run_graph(run_id: str) -> str:
    return RUN_GRAPH_PREFIX + run_id


def run_iri(run_id: str) -> str:
    return RUN_PREFIX + run_id


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _stamp(moment: dt.datetime) -> str:
    return lit(moment.isoformat().replace("+00:00", "Z"), datatype=XSD + "dateTime")


@dataclass
class RunRecord:
    """Collects what one build used and generated; ``triples`` turns it into the run graph.

    The run id is the start time (UTC, to the microsecond) and a short hash of the configuration
    (tool and ontology version, data files, options), so ids sort by time and two runs never
    share one."""

    options: dict[str, str]
    started: dt.datetime = field(default_factory=_now)
    ended: dt.datetime | None = None
    tool_version: str = __version__
    ontology: str = field(default_factory=ontology_version)
    data: dict[str, str] = field(default_factory=data_files)
    used: list[tuple[str, str, str]] = field(default_factory=list)  # id, hash, outcome
    generated: list[str] = field(default_factory=list)  # document ids

    @property
    def config_hash(self) -> str:
        parts = [self.tool_version, self.ontology]
        parts += [f"{k}={v}" for k, v in sorted(self.data.items())]
        parts += [f"{k}={v}" for k, v in sorted(self.options.items())]
        return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()

    @property
    def id(self) -> str:
        return self.started.strftime("%Y%m%dT%H%M%S.%fZ") + "-" + self.config_hash[:8]

    @property
    def iri(self) -> str:
        return run_iri(self.id)

    @property
    def graph(self) -> str:
        return run_graph(self.id)

    def read(self, doc_id: str, content_hash: str, *, outcome: str) -> None:
        """A document read: ``outcome`` is Extracted, Unchanged (skipped) or Loaded."""
        self.used.append((doc_id, content_hash, outcome))

    def made(self, doc_id: str) -> None:
        self.generated.append(doc_id)

    def finish(self) -> None:
        self.ended = _now()

    def triples(self, counts: dict[str, int] | None = None) -> list[Triple]:
        """The run graph's content, as N-Triples terms."""
        run = iri(self.iri)
        a = iri(RDF + "type")
        software = iri(f"{SOFTWARE}/{self.tool_version}")
        out: list[Triple] = [
            (run, a, iri(PROV + "Activity")),
            (run, a, iri(ACO + "BuildRun")),
            (run, iri(DCT + "identifier"), lit(self.id)),
            (run, iri(PROV + "startedAtTime"), _stamp(self.started)),
            (run, iri(PROV + "endedAtTime"), _stamp(self.ended or _now())),
            (run, iri(ACO + "toolVersion"), lit(self.tool_version)),
            (run, iri(ACO + "ontologyVersion"), lit(self.ontology)),
            (run, iri(ACO + "configurationHash"), lit(self.config_hash)),
            (run, iri(PROV + "wasAssociatedWith"), software),
            (software, a, iri(PROV + "SoftwareAgent")),
            (software, iri(RDFS + "label"), lit(f"kg {self.tool_version}")),
            (software, iri(ACO + "toolVersion"), lit(self.tool_version)),
        ]
        for name, digest in sorted(self.data.items()):
            f = iri(f"{RES}data/{name}/{digest[:16]}")
            out += [
                (run, iri(PROV + "used"), f),
                (f, a, iri(ACO + "DataFile")),
                (f, iri(DCT + "identifier"), lit(name)),
                (f, iri(ACO + "contentHash"), lit(digest)),
            ]
        for name, value in sorted(self.options.items()):
            o = iri(f"{self.iri}/option/{name}")
            out += [
                (run, iri(ACO + "option"), o),
                (o, a, iri(ACO + "Option")),
                (o, iri(ACO + "optionName"), lit(name)),
                (o, iri(ACO + "optionValue"), lit(value)),
            ]
        for n, (doc_id, digest, outcome) in enumerate(self.used):
            ctx = iri(context_iri(doc_id))
            u = iri(f"{self.iri}/usage/{n}")
            out += [
                (run, iri(PROV + "used"), ctx),
                (run, iri(PROV + "qualifiedUsage"), u),
                (u, a, iri(PROV + "Usage")),
                (u, iri(PROV + "entity"), ctx),
                (u, iri(DCT + "identifier"), lit(doc_id)),
                (u, iri(ACO + "contentHash"), lit(digest)),
                (u, iri(ACO + "outcome"), iri(ACO + outcome)),
            ]
        for doc_id in self.generated:
            out += [
                (run, iri(PROV + "generated"), iri(doc_graph(doc_id))),
                (iri(context_iri(doc_id)), iri(PROV + "wasGeneratedBy"), run),
            ]
        for name, n in sorted((counts or {}).items()):
            out.append((run, iri(ACO + name), int_lit(n)))
        return out


def supersede(store: GraphStore, record: RunRecord) -> None:
    """Drop older runs' claims to the documents ``record`` re-generated."""
    if not record.generated:
        return
    graph, run = record.graph, record.iri
    for pattern in (
        f"?old <{PROV}generated> ?x . ",
        f"?x <{PROV}wasGeneratedBy> ?old . ",
    ):
        store.store.update(f"""DELETE {{ GRAPH ?g {{ {pattern} }} }}
            WHERE {{ GRAPH <{graph}> {{ {pattern.replace("?old", f"<{run}>")} }}
                     GRAPH ?g {{ {pattern} }} FILTER(?g != <{graph}>) }}""")


def add_generated(store: GraphStore, record: RunRecord, graphs: list[str]) -> None:
    """Record that the run (already in the store) also generated ``graphs`` (the incidents and
    control graphs ``kg resolve`` rewrites in a build), and drop older runs' claims to them."""
    run = iri(record.iri)
    body = "".join(f"{run} <{PROV}generated> {iri(g)} . " for g in graphs)
    store.store.update(f"INSERT DATA {{ GRAPH <{record.graph}> {{ {body} }} }}")
    for g in graphs:
        claim = f"GRAPH ?r {{ ?old <{PROV}generated> <{g}> }}"
        store.store.update(
            f"DELETE {{ {claim} }} WHERE {{ {claim} FILTER(?r != <{record.graph}>) }}"
        )


@dataclass(frozen=True)
class RunInfo:
    id: str
    started: str
    ended: str
    tool_version: str
    ontology_version: str
    read: int
    extracted: int
    unchanged: int
    current: int  # document graphs of the store this run made (not re-made or removed since)


def list_runs(store: GraphStore) -> list[RunInfo]:
    """The runs recorded in a store, oldest first. (One query per figure: joined in one
    query, the usages and the generated graphs of a run would multiply.)"""
    head = f"""SELECT ?run ?id ?start ?end ?tool ?onto WHERE {{ GRAPH ?g {{ ?run a <{ACO}BuildRun> ;
        <{DCT}identifier> ?id ; <{PROV}startedAtTime> ?start ; <{PROV}endedAtTime> ?end ;
        <{ACO}toolVersion> ?tool ; <{ACO}ontologyVersion> ?onto }} }} ORDER BY ?start ?id"""
    runs = [(s["run"].value, s) for s in _select(store, head)]
    read = _per_run(store, f"?run <{PROV}qualifiedUsage> ?x")
    unchanged = _per_run(
        store, f"?run <{PROV}qualifiedUsage> ?x . ?x <{ACO}outcome> <{ACO}Unchanged>"
    )
    made = _per_run(store, f"?run <{PROV}generated> ?x")
    present = set(document_graphs(store))
    out = []
    for run, s in runs:
        current = sum(1 for g in made.get(run, ()) if g in present)
        n, same = len(read.get(run, ())), len(unchanged.get(run, ()))
        out.append(
            RunInfo(s["id"].value, s["start"].value, s["end"].value, s["tool"].value,
                    s["onto"].value, n, n - same, same, current)
        )  # fmt: skip
    return out


def _per_run(store: GraphStore, pattern: str) -> dict[str, list[str]]:
    """Run IRI -> the values of ``?x`` in ``pattern`` in the run graphs."""
    out: dict[str, list[str]] = {}
    q = f"""SELECT ?run ?x WHERE {{ GRAPH ?g {{ {pattern} }}
        FILTER(STRSTARTS(STR(?g), '{RUN_GRAPH_PREFIX}')) }}"""
    for s in _select(store, q):
        out.setdefault(s["run"].value, []).append(s["x"].value)
    return out


def document_graphs(store: GraphStore) -> list[str]:
    prefix = RES + "graph/doc/"
    return [g.value for g in store.store.named_graphs()
            if isinstance(g, ox.NamedNode) and g.value.startswith(prefix)]  # fmt: skip


def _select(store: GraphStore, sparql: str) -> Iterable[ox.QuerySolution]:
    solutions = store.store.query(sparql)
    assert isinstance(solutions, ox.QuerySolutions)
    return solutions


def has_documents(store: GraphStore) -> bool:
    answer = store.store.query(
        f"ASK {{ GRAPH ?g {{ ?c a <{NIF}Context> }} FILTER(STRSTARTS(STR(?g), '{RES}graph/doc/')) }}"
    )
    assert isinstance(answer, ox.QueryBoolean)
    return bool(answer)


class OldStoreError(StoreError):
    """The store was written by another version of the tool or the ontology."""

    exit_code = 2


def check_store_version(store: GraphStore) -> None:
    """Refuse a store whose documents were made by another tool or ontology version, or by a
    version older than run records (documents no run accounts for)."""
    if not has_documents(store):
        return
    where = store.path or "the store"
    hint = (
        f"rebuild it (remove {where}, then kg build CORPUS --store {where}) or build into a "
        "new store; versions are never mixed in one store"
    )
    here = ontology_version()
    for run in list_runs(store):
        if run.current and (run.tool_version != __version__ or run.ontology_version != here):
            raise OldStoreError(
                f"the store at {where} holds documents built by kg {run.tool_version} "
                f"(ontology {run.ontology_version}, run {run.id}); this is kg {__version__} "
                f"(ontology {here})",
                hint=hint,
            )
    made = {x for xs in _per_run(store, f"?x <{PROV}wasGeneratedBy> ?run").values() for x in xs}
    contexts = {
        s["c"].value
        for s in _select(
            store,
            f"""SELECT ?c WHERE {{ GRAPH ?g {{
        ?c a <{NIF}Context> }} FILTER(STRSTARTS(STR(?g), '{RES}graph/doc/')) }}""",
        )
    }
    orphans = len(contexts - made)
    if orphans:
        raise OldStoreError(
            f"the store at {where} holds {orphans} documents built by a version of kg older "
            f"than run records (no run record); this is kg {__version__}",
            hint=hint,
        )


def build_options(
    corpus: list[Path],
    out_file: Path | None,
    store: GraphStore | None,
    on_error: str,
    full: bool,
    workers: int | None,
) -> dict[str, str]:
    """The options of a ``kg build`` as the run record keeps them (``workers`` is left out:
    the output does not depend on it)."""
    options = {
        "command": "build",
        "corpus": " ".join(str(p) for p in corpus),
        "on-error": on_error,
        "full": str(full).lower(),
    }
    if out_file is not None:
        options["out"] = str(out_file)
    if store is not None and store.path is not None:
        options["store"] = str(store.path)
    options["workers"] = str(workers) if workers else "all cores"
    return options


def record_load(store: GraphStore, sources: list[Path], graphs: list[str]) -> RunRecord:
    """Write the run record of a ``kg load``: the document graphs it loaded."""
    record = RunRecord({"command": "load", "sources": " ".join(str(p) for p in sources)})
    wanted = set(graphs)
    q = f"""SELECT ?g ?id ?h WHERE {{ GRAPH ?g {{ ?c <{DCT}identifier> ?id ;
        <{ACO}contentHash> ?h }} FILTER(STRSTARTS(STR(?g), '{RES}graph/doc/')) }}"""
    for s in sorted(_select(store, q), key=lambda s: s["id"].value):
        if s["g"].value in wanted:
            record.read(s["id"].value, s["h"].value, outcome="Loaded")
            record.made(s["id"].value)
    record.finish()
    counts = {"documentsRead": len(record.used), "documentsExtracted": 0}
    store.replace_documents([record.graph], nquads(record.graph, record.triples(counts)))
    supersede(store, record)
    store.flush()
    return record


def record_resolve(store: GraphStore, options: dict[str, str], graphs: list[str]) -> RunRecord:
    """Write the run record of a standalone ``kg resolve``: its thresholds and the incident and
    control graphs it rewrote (it reads no document text)."""
    record = RunRecord({"command": "resolve", **options})
    record.finish()
    counts = {"documentsRead": 0, "documentsExtracted": 0}
    store.replace_documents([record.graph], nquads(record.graph, record.triples(counts)))
    add_generated(store, record, graphs)
    store.flush()
    return record
