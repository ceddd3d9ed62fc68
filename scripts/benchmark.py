"""Measure how the build's cost grows with the corpus: throughput, memory, time per stage.

    python scripts/benchmark.py --sizes 1000,10000,100000 --workers 1,2

For each size it generates a corpus of articles of about 4,000 characters into bench-out/
(git-ignored) by concatenating real articles (../shared/corpus/conflict_2144.jsonl when it is
there, else the bundled examples) under fresh ids, then runs, each in its own process so
peak memory is that run's alone:

* ``stages``: the serial build (``kg.pipeline.build`` into a fresh store, in one process)
  with its stage functions wrapped in timers (normalise and tokenise, recognise and link,
  events, RDF, store load; reading and the rest is what remains), then camel-tools'
  tokeniser over the same texts;
* ``build``: ``kg.pipeline.build`` into a fresh store with ``process_mapper(W)`` for each W
  in --workers.

With --extract-only the same two runs write no store: each document's N-Quads are made (the
text the store would parse) and counted, then dropped (``extract`` and ``xbuild``). This
measures extraction alone at sizes whose store would not fit on the disk, and how extraction
scales with workers when no store load competes for the cores.

Results accumulate in bench-out/results.json (or $KG_BENCH_OUT/results.json), so sizes can be run separately (the largest in
the background); --report prints the tables from what is there. --profile N runs cProfile
over N documents instead.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import math
import os
import pstats
import resource
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = Path(os.environ.get("KG_BENCH_OUT") or ROOT / "bench-out")
SHARED = ROOT.parent / "shared" / "corpus" / "conflict_2144.jsonl"
EXAMPLES = ROOT / "examples" / "corpus"
STAGES = ("tokenise", "recognise+link", "events", "rdf", "store load", "read, other")


# -- the corpus ------------------------------------------------------------------------------
def source_articles() -> list[dict]:
    from kg.corpus import CorpusReader

    path = SHARED if SHARED.exists() else EXAMPLES
    return [{"text": d.text, "date": d.date, "source": d.source} for d in CorpusReader([path])]


def articles(target: int) -> Iterator[dict]:
    """Endless articles of about ``target`` characters: whole paragraphs of the source
    articles, in turn, until the text is long enough."""
    source = source_articles()
    paragraphs = [(p.strip(), a) for a in source for p in a["text"].split("\n") if p.strip()]
    i = 0
    while True:
        parts, size, first = [], 0, paragraphs[i % len(paragraphs)][1]
        while size < target - 300:
            text = paragraphs[i % len(paragraphs)][0]
            if size and size + len(text) > target + 300:
                break  # a long paragraph waits for the next article
            parts.append(text)
            size += len(text) + 1
            i += 1
        yield {"date": first["date"], "source": first["source"], "text": "\n".join(parts)}


def corpus_file(size: int, chars: int) -> Path:
    path = OUT / f"corpus-{size}-{chars}.jsonl"
    if path.exists():
        return path
    OUT.mkdir(exist_ok=True)
    tmp = path.with_suffix(".part")
    with tmp.open("w", encoding="utf-8") as handle:
        for n, article in zip(range(size), articles(chars), strict=False):
            record = {"id": f"bench-{n:07d}", **article}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    tmp.replace(path)
    return path


# -- measuring -------------------------------------------------------------------------------
class MemoryWatch:
    """Peak proportional set size (shared pages split among the processes sharing them) of
    this process and its children, sampled twice a second."""

    def __init__(self) -> None:
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def _run(self) -> None:
        self._sample()
        while not self._stop.wait(0.5):
            self._sample()

    def _sample(self) -> None:
        self.peak_kb = max(self.peak_kb, tree_pss_kb(os.getpid()))


def tree_pss_kb(pid: int) -> int:
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0
    pss = next((int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), 0)
    return pss + sum(tree_pss_kb(int(c)) for c in children)


def cpu_seconds() -> float:
    """CPU time of this process and its waited-for children (the workers)."""
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def peak_rss_mb() -> dict[str, float]:
    return {
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


STAGE_OF = {  # the functions kg.pipeline calls, by stage
    "analyse": "tokenise",
    "find_candidates": "recognise+link",
    "link": "recognise+link",
    "add_references": "recognise+link",
    "extract_events": "events",
    "document_triples": "rdf",
    "entity_part": "rdf",
    "nquads": "rdf",
}


def time_stages(wall: dict[str, float], cpu: dict[str, float]) -> None:
    """Wrap the pipeline's stage functions and the store's bulk load with timers of wall time
    and of this thread's CPU time (which other processes on the machine do not inflate)."""
    import kg.pipeline as pipeline
    from kg.store import GraphStore

    def timed(fn: Callable[..., Any], stage: str) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t, c = time.perf_counter(), time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                wall[stage] += time.perf_counter() - t
                cpu[stage] += time.thread_time() - c

        return wrapper

    for name, stage in STAGE_OF.items():
        if hasattr(pipeline, name):
            setattr(pipeline, name, timed(getattr(pipeline, name), stage))
    GraphStore.replace_documents = timed(GraphStore.replace_documents, "store load")  # type: ignore[method-assign]
    GraphStore.flush = timed(GraphStore.flush, "store load")  # type: ignore[method-assign]


def counting_sink() -> Any:
    """A sink that makes each document's N-Quads as the store's sink does (the text the store
    would parse), counts the quads and drops them: extraction without a store."""
    from kg.pipeline import ENTITIES_GRAPH, Sink, in_graph
    from kg.rdf import nquads

    class CountingSink(Sink):
        quads = 0

        def write(self, graph: str, triples: list, entity_part: list) -> None:
            text = nquads(graph, triples) + nquads(ENTITIES_GRAPH, entity_part)
            self.quads += text.count("\n")

        def write_text(self, graph: str, text: str, entity_part: list) -> None:
            quads = in_graph(graph, text) + nquads(ENTITIES_GRAPH, entity_part)
            self.quads += quads.count("\n")

    return CountingSink()


def run_stages(corpus: Path, store_dir: Path | None) -> dict:
    """The serial build (``kg.pipeline.build`` into a store, or into a `counting_sink` when
    ``store_dir`` is None) with every stage timed, then camel-tools' tokeniser over the same
    texts."""
    from kg.arabic import camel_tokenise
    from kg.corpus import CorpusReader
    from kg.gazetteer import default_gazetteer
    from kg.pipeline import StoreSink, build
    from kg.store import GraphStore

    wall = dict.fromkeys((*STAGES, "camel"), 0.0)
    cpu = dict.fromkeys((*STAGES, "camel"), 0.0)
    time_stages(wall, cpu)
    default_gazetteer()
    sink = StoreSink(GraphStore(store_dir)) if store_dir else counting_sink()
    main, process = time.thread_time(), time.process_time()
    summary = build(CorpusReader([corpus]), [sink])
    main, process = time.thread_time() - main, time.process_time() - process
    wall["read, other"] = summary.seconds - sum(wall.values())
    cpu["read, other"] = main - sum(cpu.values())
    cpu["store background"] = process - main  # the store's own threads (compaction)
    rss = peak_rss_mb()
    chars = 0
    for doc in CorpusReader([corpus]):
        t, c = time.perf_counter(), time.thread_time()
        camel_tokenise(doc.text)
        wall["camel"] += time.perf_counter() - t
        cpu["camel"] += time.thread_time() - c
        chars += len(doc.text)
    return {
        "documents": summary.documents,
        "chars": chars / max(summary.documents, 1),
        "seconds": summary.seconds,
        "cpu": process,
        "stages": wall,
        "stages_cpu": cpu,
        **({"quads": sink.quads} if store_dir is None else {}),
        **rss,
    }


def run_build(corpus: Path, workers: int, store_dir: Path | None) -> dict:
    """The build with ``workers`` processes into a store, or into a `counting_sink` when
    ``store_dir`` is None."""
    from kg.corpus import CorpusReader
    from kg.gazetteer import default_gazetteer
    from kg.parallel import process_mapper
    from kg.pipeline import StoreSink, build
    from kg.store import GraphStore

    sink = StoreSink(GraphStore(store_dir)) if store_dir else counting_sink()
    default_gazetteer()
    cpu = cpu_seconds()
    with MemoryWatch() as watch:
        summary = build(CorpusReader([corpus]), [sink], mapper=process_mapper(workers))
    return {
        "documents": summary.documents,
        "seconds": summary.seconds,
        "cpu": cpu_seconds() - cpu,
        "pss_mb": watch.peak_kb / 1024,
        **peak_rss_mb(),
    }


def child(kind: str, corpus: Path, workers: int) -> dict:
    """Run one measurement in a fresh process; its last line of output is the result."""
    store = OUT / f"store-{kind}-{os.getpid()}"
    shutil.rmtree(store, ignore_errors=True)
    command = [sys.executable, __file__, "--child", kind, str(corpus), str(workers), str(store)]
    load_before = (
        Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
    )
    try:
        done = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
    finally:
        shutil.rmtree(store, ignore_errors=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["loadavg_before"] = load_before
    return result


def profile(size: int, chars: int, top: int = 25) -> None:
    """cProfile over ``size`` generated articles through the serial pipeline."""
    from kg.corpus import CorpusReader
    from kg.gazetteer import default_gazetteer
    from kg.pipeline import document_graph
    from kg.rdf import nquads

    gaz = default_gazetteer()
    docs = list(CorpusReader([corpus_file(size, chars)]))
    profiler = cProfile.Profile()
    profiler.enable()
    for doc in docs:
        dg = document_graph(doc, gaz)
        nquads(dg.graph, dg.triples)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.strip_dirs().sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


# -- reporting -------------------------------------------------------------------------------
def fitted_exponent(points: list[tuple[int, float]]) -> float | None:
    """The slope of log(seconds) on log(documents), by least squares."""
    if len(points) < 2:
        return None
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def rate(run: dict | None) -> str:
    """Documents per second of wall time, and per CPU-second where it was measured."""
    if not run:
        return ""
    cpu = f" ({run['documents'] / run['cpu']:.1f}/CPU-s)" if run.get("cpu") else ""
    return f"{run['documents'] / run['seconds']:.1f}{cpu}"


def ratio(st: dict | None) -> str:
    """The whole build's time over camel-tools' tokenisation of the same texts (CPU time
    where it was measured)."""
    if not st:
        return ""
    if "stages_cpu" in st:
        return f"{st['cpu'] / st['stages_cpu']['camel']:.1f}×"
    return f"{st['seconds'] / st['stages']['camel']:.1f}×"


def report(results: dict) -> str:
    return "\n\n".join(
        t for t in (build_tables(results), extraction_tables(results), machine(results)) if t
    )


def machine(results: dict) -> str:
    loads = sorted({" ".join(r.get("loadavg_before", [])) for r in results.values()})
    return (
        "Cost is CPU time where it was measured, else wall time. "
        f"Machine: {os.cpu_count()} cores; load averages before the runs: {'; '.join(loads)}."
    )


def extraction_tables(results: dict) -> str:
    """Extraction without a store (--extract-only): the serial run by stage, and the runs
    with workers."""
    runs = {int(k.split(":")[1]): r for k, r in results.items() if k.startswith("extract:")}
    parallel = [(k.split(":"), r) for k, r in results.items() if k.startswith("xbuild:")]
    if not runs and not parallel:
        return ""
    stages = [s for s in STAGES if s != "store load"]
    lines = (
        []
        if not runs
        else [
            "Extraction alone (N-Quads made and counted, no store), serial, CPU time per article:",
            "",
            "| articles | chars/article | quads/article | docs/CPU-s | peak RSS | "
            + " | ".join(stages)
            + " | extraction | camel-tools tokenise | extraction ÷ camel |",
            "|" + "---|" * (len(stages) + 8),
        ]
    )
    for n, r in sorted(runs.items()):
        cpu, docs = r["stages_cpu"], r["documents"]
        total = sum(cpu[s] for s in stages)
        lines.append(
            f"| {n:,} | {r['chars']:,.0f} | {r['quads'] / docs:,.0f} | {docs / r['cpu']:.1f} | "
            f"{r['rss_mb']:,.0f} MB | "
            + " | ".join(f"{1000 * cpu[s] / docs:.2f} ms" for s in stages)
            + f" | {1000 * total / docs:.2f} ms | {1000 * cpu['camel'] / docs:.2f} ms"
            f" | {total / cpu['camel']:.1f}× |"
        )
    exponent = fitted_exponent(sorted((r["documents"], r["cpu"]) for r in runs.values()))
    if exponent is not None:
        lines += ["", f"Extraction cost ~ documents^{exponent:.3f} ({len(runs)} sizes)."]
    if parallel:
        lines += [
            "Extraction alone (no store) with worker processes:",
            "",
            "| articles | workers | docs/s (wall) | docs/CPU-s | peak PSS | speed-up over 1 worker |",
            "|---|---|---|---|---|---|",
        ]
        one = {int(k[1]): r for k, r in parallel if k[2] == "1"}
        for k, r in sorted(parallel, key=lambda kr: (int(kr[0][1]), int(kr[0][2]))):
            n, w = int(k[1]), int(k[2])
            wall = r["documents"] / r["seconds"]
            base = one.get(n)
            up = f"{wall / (base['documents'] / base['seconds']):.2f}×" if base else ""
            lines.append(
                f"| {n:,} | {w} | {wall:.1f} | {r['documents'] / r['cpu']:.1f} | "
                f"{r['pss_mb']:,.0f} MB | {up} |"
            )
    return "\n".join(lines)


def build_tables(results: dict) -> str:
    results = {k: r for k, r in results.items() if k.startswith(("stages:", "build:"))}
    if not results:
        return ""
    sizes = sorted({int(k.split(":")[1]) for k in results})
    workers = sorted({int(k.split(":")[2]) for k in results if k.startswith("build:")})
    head = [
        "articles",
        "chars/article",
        "serial docs/s",
        *(f"{w} worker{'s' * (w > 1)} docs/s" for w in workers),
        "speed-up",
        "docs/s/core",
        "peak RSS serial",
        "peak PSS parallel",
        "build ÷ camel",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for n in sizes:
        st = results.get(f"stages:{n}")
        builds = {w: b for w in workers if (b := results.get(f"build:{n}:{w}"))}
        rates = {w: b["documents"] / b["seconds"] for w, b in builds.items()}
        most, least = (max(rates), min(rates)) if rates else (0, 0)
        cells = [
            f"{n:,}",
            f"{st['chars']:,.0f}" if st else "",
            rate(st),
            *(rate(builds.get(w)) for w in workers),
            f"{rates[most] / rates[least]:.2f}×" if most != least else "",
            f"{rates[most] / most:.1f}" if rates else "",
            f"{st['rss_mb']:,.0f} MB" if st else "",
            f"{builds[most]['pss_mb']:,.0f} MB" if rates else "",
            ratio(st),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    stages = (*STAGES, "store background")
    lines += ["", "| articles | " + " | ".join(stages) + " | build | camel-tools tokenise |"]
    lines.append("|" + "---|" * (len(stages) + 3))
    for n in sizes:
        st = results.get(f"stages:{n}")
        if not st:
            continue
        spent = st.get("stages_cpu") or st["stages"]  # CPU time where it was measured
        total = sum(spent[s] for s in stages if s in spent)
        cells = [
            f"{1000 * spent[s] / st['documents']:.2f} ms ({100 * spent[s] / total:.0f}%)"
            if s in spent
            else ""
            for s in stages
        ]
        per_doc = 1000 * total / st["documents"]
        camel = 1000 * spent["camel"] / st["documents"]
        lines.append(f"| {n:,} | " + " | ".join(cells) + f" | {per_doc:.2f} ms | {camel:.2f} ms |")
    lines.append("")

    def cost(run: dict) -> tuple[int, float]:
        return run["documents"], run.get("cpu") or run["seconds"]

    serial = sorted(cost(r) for k, r in results.items() if k.startswith("stages"))
    exponent = fitted_exponent(serial)
    if exponent is not None:
        lines.append(f"Cost ~ documents^{exponent:.3f} (serial build, {len(serial)} sizes).")
    store = ("store load", "store background")
    extraction = sorted(
        (r["documents"], sum(v for s, v in r["stages_cpu"].items() if s not in (*store, "camel")))
        for k, r in results.items()
        if k.startswith("stages") and "stages_cpu" in r
    )
    exponent = fitted_exponent(extraction)
    if exponent is not None:
        lines.append(f"Cost ~ documents^{exponent:.3f} (extraction alone, no store, CPU time).")
    for w in workers:
        points = sorted(cost(r) for k, r in results.items() if k.endswith(f":{w}"))
        exponent = fitted_exponent(points)
        if exponent is not None:
            name = f"{w} worker{'s' * (w > 1)}"
            lines.append(f"Cost ~ documents^{exponent:.3f} ({name}, {len(points)} sizes).")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--chars", type=int, default=4000, help="characters per article")
    parser.add_argument("--no-stages", action="store_true", help="skip the per-stage run")
    parser.add_argument(
        "--extract-only", action="store_true", help="make and count the N-Quads, load no store"
    )
    parser.add_argument("--report", action="store_true", help="print the tables and stop")
    parser.add_argument("--profile", type=int, metavar="N", help="cProfile N articles")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, corpus, workers, store = args.child
        target = None if kind in ("extract", "xbuild") else Path(store)
        if kind in ("stages", "extract"):
            result = run_stages(Path(corpus), target)
        else:
            result = run_build(Path(corpus), int(workers), target)
        print(json.dumps(result))
        return
    if args.profile:
        profile(args.profile, args.chars)
        return
    results_file = OUT / "results.json"
    results = json.loads(results_file.read_text()) if results_file.exists() else {}
    if not args.report:
        for size in (int(s) for s in args.sizes.split(",")):
            corpus = corpus_file(size, args.chars)
            serial, parallel = ("extract", "xbuild") if args.extract_only else ("stages", "build")
            runs = [] if args.no_stages else [(serial, 1)]
            runs += [(parallel, int(w)) for w in args.workers.split(",") if w]
            for kind, workers in runs:
                key = f"{kind}:{size}" if kind == serial else f"{kind}:{size}:{workers}"
                print(f"{key} …", file=sys.stderr, flush=True)
                results[key] = child(kind, corpus, workers)
                OUT.mkdir(exist_ok=True)
                results_file.write_text(json.dumps(results, indent=1) + "\n")
    print(report(results))


if __name__ == "__main__":
    main()
