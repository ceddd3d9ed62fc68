"""Benchmark the canned queries on a graph of a million triples or more.

1. Extract every article of a corpus once (the shared corpus when it is there, else the
   bundled examples), then write its graph again and again under new document ids
   ("<id>-r001", …) until the graph holds ``--triples`` triples. Only the ids change, so the
   copies are as rich as the real graphs; nothing is written inside the repository.
2. Bulk-load the N-Quads into the embedded store (Oxigraph, on disk) and report triples/s;
   then resolve incidents across documents (``kg resolve``), so the incident queries have data.
3. Time every query of queries/*.rq (median of ``--runs`` runs) on that store, and on
   rdflib's in-memory Dataset (default_union=True) holding the same quads.

Run: python scripts/bench_queries.py [--corpus FILE_OR_DIR] [--triples 1000000] [--runs 5]
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import multiprocessing
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.corpus import CorpusReader  # noqa: E402
from kg.gazetteer import default_gazetteer  # noqa: E402
from kg.model import Extraction  # noqa: E402
from kg.pipeline import entity_part, extract  # noqa: E402
from kg.query import available_queries, run_local  # noqa: E402
from kg.rdf import ENTITIES_GRAPH, doc_graph, document_triples, nquads  # noqa: E402
from kg.resolve import resolve  # noqa: E402
from kg.store import ONTOLOGY_FILE, GraphStore  # noqa: E402

SHARED = ROOT.parent / "shared" / "corpus" / "conflict_2144.jsonl"
EXAMPLES = ROOT / "examples" / "corpus"
LIMIT_SECONDS = 1.0


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def extract_corpus(corpus: Path, articles: int | None) -> list[Extraction]:
    gaz = default_gazetteer()
    started = time.perf_counter()
    reader = CorpusReader([corpus])
    out = [extract(doc, gaz) for doc in itertools.islice(reader, articles)]
    seconds = time.perf_counter() - started
    say(f"extracted {len(out)} articles of {corpus} in {seconds:.1f} s")
    return out


def write_replicated(extractions: list[Extraction], target: int, path: Path) -> int:
    """Write the documents' graphs, copy after copy under new ids, until ``target`` triples."""
    written = 0
    seen: set[str] = set()
    with path.open("w", encoding="utf-8") as handle:
        for copy in itertools.count():
            for ex in extractions:
                doc_id = ex.document.id if copy == 0 else f"{ex.document.id}-r{copy:03d}"
                renamed = dataclasses.replace(
                    ex, document=dataclasses.replace(ex.document, id=doc_id)
                )
                triples = list(dict.fromkeys(document_triples(renamed)))  # as the store keeps them
                handle.write(nquads(doc_graph(doc_id), triples))
                entities = entity_part(ex.entities.values(), seen)
                handle.write(nquads(ENTITIES_GRAPH, entities))
                written += len(triples) + len(entities)
                if written >= target:
                    return written
    raise AssertionError("unreachable")


def dump_nquads(store: GraphStore, path: Path) -> None:
    """Write the whole store (documents, entities, incidents, control) as N-Quads."""
    import pyoxigraph as ox

    store.store.dump(str(path), ox.RdfFormat.N_QUADS)


def median_time(run: Callable[[], int], runs: int, cap: float) -> tuple[float, int, int]:
    """Median seconds over ``runs`` runs, the row count, and how many runs were made: runs
    stop early once ``cap`` seconds are spent (a slow engine on a big graph)."""
    times, rows = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        rows = run()
        times.append(time.perf_counter() - started)
        if sum(times) > cap:
            break
    return statistics.median(times), rows, len(times)


Timings = dict[str, tuple[float, int, int]]


def bench_oxigraph(nq: Path, work: Path, queries: dict[str, str], runs: int) -> Timings:
    store = GraphStore(work / "store")
    started = time.perf_counter()
    store.load_file(nq)
    store.ensure_ontology()
    store.flush()
    seconds = time.perf_counter() - started
    count = store.count()
    say(
        f"Oxigraph bulk load: {count:,} triples in {seconds:.1f} s = {count / seconds:,.0f} triples/s"
    )
    started = time.perf_counter()
    say(f"{resolve(store).line()} ({time.perf_counter() - started:.1f} s wall)")
    dump_nquads(store, nq)  # the incident and control graphs too, for rdflib
    out = {}
    for name, text in queries.items():
        out[name] = median_time(lambda t=text: len(run_local(store, t).rows), runs, 1e9)  # type: ignore[misc]
        say(f"Oxigraph {name}: {out[name][0] * 1000:,.1f} ms")
    return out


def bench_rdflib(nq: Path, queries: dict[str, str], runs: int, cap: float) -> Timings:
    import rdflib

    ds = rdflib.Dataset(default_union=True)
    started = time.perf_counter()
    ds.parse(nq, format="nquads")
    ds.graph(rdflib.URIRef("https://w3id.org/ar-conflict-kg/resource/graph/ontology")).parse(
        ONTOLOGY_FILE, format="turtle"
    )
    seconds = time.perf_counter() - started
    say(
        f"rdflib parse: {len(ds):,} triples in {seconds:.1f} s = {len(ds) / seconds:,.0f} triples/s"
    )
    out = {}
    for name, text in queries.items():
        timing = in_child(lambda t=text: len(list(ds.query(t))), runs, cap)  # type: ignore[misc]
        if timing is None:
            say(f"rdflib {name}: stopped after {cap:g} s")
            continue
        out[name] = timing
        say(f"rdflib {name}: {timing[0]:,.1f} s ({timing[2]} runs, {timing[1]} rows)")
    return out


def in_child(run: Callable[[], int], runs: int, cap: float) -> tuple[float, int, int] | None:
    """``median_time`` in a forked child (it shares the loaded graph), killed after ``cap``
    seconds: rdflib cannot be interrupted otherwise. None if it ran out of time."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=lambda: send.send(median_time(run, runs, cap / 2)))
    child.start()
    try:
        return receive.recv() if receive.poll(cap) else None
    finally:
        child.terminate()
        child.join()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=SHARED if SHARED.exists() else EXAMPLES)
    parser.add_argument("--articles", type=int, default=None, help="extract at most this many")
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-rdflib", action="store_true", help="time the embedded store only")
    parser.add_argument(
        "--rdflib-cap",
        type=float,
        default=120.0,
        help="stop a query's rdflib runs after this many s",
    )
    args = parser.parse_args()

    queries = {n: p.read_text(encoding="utf-8") for n, p in available_queries().items()}
    extractions = extract_corpus(args.corpus, args.articles)
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        work = Path(tmp)
        nq = work / "graph.nq"
        started = time.perf_counter()
        written = write_replicated(extractions, args.triples, nq)
        say(f"wrote {written:,} triples in {time.perf_counter() - started:.1f} s")
        oxi = bench_oxigraph(nq, work, queries, args.runs)
        rdf = {} if args.no_rdflib else bench_rdflib(nq, queries, args.runs, args.rdflib_cap)

    print(f"\nmedian of {args.runs} runs (rdflib: fewer where marked), {written:,} triples\n")
    print("| query | rows | Oxigraph (ms) | rdflib (ms) | rdflib / Oxigraph |")
    print("|---|---:|---:|---:|---:|")
    slow = []
    rdf_ran = not args.no_rdflib
    for name in queries:
        seconds, rows, _ = oxi[name]
        if seconds >= LIMIT_SECONDS:
            slow.append(name)
        cells = [f"> {args.rdflib_cap * 1000:,.0f} (stopped)", "-"] if rdf_ran else ["-", "-"]
        if name in rdf:
            other, other_rows, made = rdf[name]
            mark = f" ({made} run{'s' if made > 1 else ''})" if made < args.runs else ""
            same = "" if other_rows == rows else f" [{other_rows} rows]"
            cells = [f"{other * 1000:,.0f}{mark}{same}", f"{other / seconds:,.0f}x"]
        print(f"| {name} | {rows} | {seconds * 1000:,.1f} | " + " | ".join(cells) + " |")
    if slow:
        say(f"over {LIMIT_SECONDS:g} s on the embedded store: {', '.join(slow)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
