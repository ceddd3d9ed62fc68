"""Loading shards and other RDF files into the embedded store with its bulk loader.

Each file replaces the named graphs of the documents it holds: their old graphs are dropped,
then the file is bulk-loaded as it is (Oxigraph's bulk loader, not quad-by-quad inserts).
For shards written by ``kg build-dask`` the documents come from the folder's
``manifest.json``; for any other N-Quads or TriG file they are the document graphs found by
parsing it. The shared entities graph is only ever added to, as in ``kg build``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError
from kg.rdf import doc_graph
from kg.store import FORMATS, GraphStore, graph_iri_prefix, rdf_format

MANIFEST = "manifest.json"


@dataclass
class LoadSummary:
    files: int = 0
    documents: int = 0  # document graphs loaded (new or replaced)
    replaced: int = 0  # of which were already in the store
    quads: int = 0  # in the store afterwards
    graphs: list[str] = field(default_factory=list)  # the document graphs loaded

    def line(self) -> str:
        return (
            f"{self.files} file{'s' if self.files != 1 else ''} loaded, {self.documents} documents "
            f"({self.replaced} replaced), {self.quads} quads in the store"
        )


def rdf_files(paths: Sequence[Path]) -> Iterator[tuple[Path, list[str] | None]]:
    """Each file to load, with its document graphs when a manifest lists them. A folder gives
    the shards its manifest lists, or else every RDF file in it."""
    manifests: dict[Path, dict[Path, list[str]] | None] = {}

    def listed(folder: Path) -> dict[Path, list[str]] | None:
        if folder not in manifests:
            manifests[folder] = _manifest(folder)
        return manifests[folder]

    for path in paths:
        if path.is_dir():
            shards = listed(path)
            if shards is not None:
                yield from shards.items()
                continue
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in FORMATS)
            if not found:
                raise InputError(f"no RDF files in {path}", hint="point at a folder of shards")
            yield from ((p, None) for p in found)
        elif path.is_file():
            rdf_format(path)
            yield path, (listed(path.parent) or {}).get(path)
        else:
            raise InputError(f"no such file or folder: {path}")


def _manifest(folder: Path) -> dict[Path, list[str]] | None:
    path = folder / MANIFEST
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {
            folder / shard["file"]: [doc_graph(i) for i in shard["ids"]] for shard in data["shards"]
        }
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: not a shard manifest ({exc})") from exc


def document_graphs(path: Path) -> list[str]:
    """The document graphs in an RDF file (none in a file of triples)."""
    fmt = rdf_format(path)
    if not fmt.supports_datasets:
        return []
    prefix = graph_iri_prefix()
    found: dict[str, None] = {}
    try:
        for quad in ox.parse(path=str(path), format=fmt):
            g = quad.graph_name
            if isinstance(g, ox.NamedNode) and g.value.startswith(prefix):
                found[g.value] = None
    except SyntaxError as exc:
        raise InputError(f"{path}: not valid {fmt.name} ({exc})") from exc
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc}") from exc
    return list(found)


def load_shards(paths: Sequence[Path], store: GraphStore) -> LoadSummary:
    """Bulk-load ``paths`` (files, folders of shards) into ``store``, replacing the graphs of
    the documents they hold."""
    summary = LoadSummary()
    files = list(rdf_files(paths))  # every path checked before anything is loaded
    for path, _ in files:
        if not path.is_file():
            raise InputError(f"no such file: {path}", hint="the manifest lists a missing shard")
    for path, graphs in files:
        if graphs is None:
            graphs = document_graphs(path)
        summary.replaced += store.remove_documents(graphs)
        store.load_file(path)
        summary.files += 1
        summary.documents += len(graphs)
        summary.graphs += graphs
    store.flush()
    summary.quads = store.count()
    return summary
