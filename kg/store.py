"""The embedded store (Oxigraph, on disk) and RDF files: loading, replacing, querying, dumping.

One named graph per document: re-building a document drops its graph and loads the new one,
so a second build adds to the store and a changed document replaces its old graph. A small
``kg-meta.json`` beside the data records the tool version that wrote the store.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kg import __version__
from kg.errors import InputError, QueryError, StoreError
from kg.rdf import ACO, DCT, NIF, ONTOLOGY_GRAPH, PREFIXES, RES
from kg.resources import ONTOLOGY_DIR

DEFAULT_STORE = Path("kg-store")
ONTOLOGY_FILE = ONTOLOGY_DIR / "conflict.ttl"
META_FILE = "kg-meta.json"
FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
}


def rdf_format(path: Path) -> ox.RdfFormat:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            f"unknown RDF format {path.suffix or '(no suffix)'!r} for {path}",
            hint="use one of " + ", ".join(FORMATS),
        )
    return fmt


class GraphStore:
    """An Oxigraph store on disk (``path``) or in memory (``path=None``)."""

    def __init__(self, path: Path | None, *, read_only: bool = False, create: bool = True) -> None:
        self.path = path
        try:
            if path is None:
                self.store = ox.Store()
            elif read_only:
                if not (path / META_FILE).exists() and not any(path.glob("*")):
                    raise StoreError(f"no store at {path}", hint="build one first: kg build CORPUS")
                self.store = ox.Store.read_only(str(path))
            else:
                if not create and not path.exists():
                    raise StoreError(f"no store at {path}", hint="build one first: kg build CORPUS")
                path.mkdir(parents=True, exist_ok=True)
                self.store = ox.Store(str(path))
                self._write_meta()
        except OSError as exc:
            raise StoreError(f"cannot open the store at {path}: {exc}") from exc

    def _write_meta(self) -> None:
        assert self.path is not None
        meta = self.path / META_FILE
        info = {"tool": "arabic-conflict-kg", "version": __version__}
        if meta.exists():
            old = json.loads(meta.read_text(encoding="utf-8"))
            info = {
                **old,
                "version": __version__,
                "created_by": old.get("created_by", old.get("version")),
            }
        meta.write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")

    # -- writing ---------------------------------------------------------------------------
    def replace_documents(
        self, graphs: Iterable[str], nquads: str | Path, *, trusted: bool = False
    ) -> None:
        """Drop the named ``graphs`` and bulk-load ``nquads`` (N-Quads text, or a file of it,
        which holds their new content). ``trusted``: the N-Quads are the pipeline's own
        (`kg.rdf`), whose IRIs need not be validated again; Oxigraph's lenient parser skips
        that, about a tenth of the load's CPU."""
        self.remove_documents(graphs)
        if isinstance(nquads, Path):
            self.store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS, lenient=trusted)
        elif nquads:
            self.store.bulk_load(nquads.encode("utf-8"), ox.RdfFormat.N_QUADS, lenient=trusted)

    def remove_documents(self, graphs: Iterable[str]) -> int:
        removed = 0
        for g in graphs:
            node = ox.NamedNode(g)
            if self.store.contains_named_graph(node):
                self.store.remove_graph(node)
                removed += 1
        return removed

    def ensure_ontology(self) -> None:
        """Load (or refresh) the ontology into its own named graph, for queries that use it."""
        node = ox.NamedNode(ONTOLOGY_GRAPH)
        text = ONTOLOGY_FILE.read_bytes()
        digest = hashlib.sha256(text).hexdigest()
        marker = ox.Quad(node, ox.NamedNode(ACO + "contentHash"), ox.Literal(digest), node)
        if marker in self.store:
            return
        if self.store.contains_named_graph(node):
            self.store.remove_graph(node)
        self.store.load(text, ox.RdfFormat.TURTLE, to_graph=node)
        self.store.add(marker)

    def load_file(self, path: Path, graph: str | None = None) -> None:
        fmt = rdf_format(path)
        try:
            to = ox.NamedNode(graph) if graph else None
            if to is not None and fmt.supports_datasets:
                raise InputError(f"{path}: a dataset cannot be loaded into one graph")
            if to is None:
                self.store.bulk_load(path=str(path), format=fmt)
            else:
                self.store.bulk_load(path=str(path), format=fmt, to_graph=to)
        except SyntaxError as exc:
            raise InputError(f"{path}: not valid {fmt.name} ({exc})") from exc
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc}") from exc

    def flush(self) -> None:
        self.store.flush()

    # -- reading ---------------------------------------------------------------------------
    def query(self, sparql: str) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        try:
            return self.store.query(sparql, use_default_graph_as_union=True, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise QueryError(f"invalid SPARQL: {_first_line(exc)}") from exc
        except (RuntimeError, ValueError) as exc:
            raise QueryError(f"the query failed: {_first_line(exc)}") from exc

    def document_hashes(self) -> dict[str, str]:
        """Document id -> content hash, for incremental builds."""
        q = f"""SELECT ?id ?h WHERE {{ GRAPH ?g {{ ?c a <{NIF}Context> ;
                 <{DCT}identifier> ?id ; <{ACO}contentHash> ?h }} }}"""
        solutions = self.store.query(q)
        assert isinstance(solutions, ox.QuerySolutions)
        return {str(s["id"].value): str(s["h"].value) for s in solutions}

    def count(self) -> int:
        return len(self.store)

    def dump(self, path: Path) -> None:
        """Write the store to ``path`` (format from the suffix), atomically."""
        from kg.pipeline import convert_nquads

        suffix = path.suffix.lower()
        rdf_format(path)
        with atomic_output(path) as tmp:
            if suffix == ".nt":
                quads = self.store.quads_for_pattern(None, None, None, None)
                ox.serialize((q.triple for q in quads), tmp, ox.RdfFormat.N_TRIPLES)
            else:
                self.store.dump(tmp, ox.RdfFormat.N_QUADS)
                if suffix != ".nq":
                    convert_nquads(Path(tmp), Path(tmp), suffix)


class Spool:
    """N-Quads waiting for a bulk load, in a temporary file in the store's folder (the system's
    temporary folder for an in-memory store): a build loads a few large files instead of many
    small batches, without holding their text in memory. The file is made on the first
    `add`, emptied by each `load_into` and removed by `close`."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.path: Path | None = None
        self.handle: BinaryIO | None = None
        self.graphs: list[str] = []  # the named graphs the spooled N-Quads replace
        self.size = 0  # bytes spooled

    def add(self, graph: str | None, nquads: str) -> None:
        """Spool ``nquads``, the new content of ``graph`` (None: quads added to a graph that
        is not replaced, such as the entity descriptions)."""
        if self.handle is None:
            fd, name = tempfile.mkstemp(prefix="kg-spool-", suffix=".nq", dir=self.folder)
            self.path, self.handle = Path(name), os.fdopen(fd, "wb")
        data = nquads.encode("utf-8")
        self.handle.write(data)
        self.size += len(data)
        if graph is not None:
            self.graphs.append(graph)

    def load_into(self, store: GraphStore) -> None:
        """Replace the spooled graphs in ``store`` by the spooled N-Quads, and start afresh."""
        if self.handle is None or not (self.size or self.graphs):
            return
        assert self.path is not None
        self.handle.flush()
        store.replace_documents(self.graphs, self.path, trusted=True)
        self.handle.seek(0)
        self.handle.truncate()
        self.graphs, self.size = [], 0

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
        if self.path is not None:
            self.path.unlink(missing_ok=True)
        self.handle, self.path = None, None


class atomic_output:
    """Write to a temporary file beside ``path``; rename it over ``path`` only on success."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tmp: str | None = None

    def __enter__(self) -> str:
        directory = self.path.parent if str(self.path.parent) else Path(".")
        if not directory.exists():
            raise InputError(f"no such folder for the output: {directory}")
        fd, self.tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".part", dir=directory)
        os.close(fd)
        # mkstemp makes the file private (0600); the output gets the mode any new file would
        os.chmod(self.tmp, 0o666 & ~_umask())
        return self.tmp

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        assert self.tmp is not None
        if exc_type is None:
            os.replace(self.tmp, self.path)
        else:
            Path(self.tmp).unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def graph_iri_prefix() -> str:
    return RES + "graph/doc/"
