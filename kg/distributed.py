"""The build on a Dask cluster: partitions of the corpus in, sharded N-Quads out.

The corpus is cut into partitions (byte ranges of JSON Lines files, ending on line breaks;
blocks of ``.txt`` files). Each runs through the same per-document extraction as ``kg build``
on a worker of a Dask cluster (a ``LocalCluster`` on this machine by default, or an existing
scheduler) and becomes one N-Quads shard, ``shard-NNNNN.nq``: the documents' named graphs plus
the descriptions of the entities they use in the entities graph (repeated across shards; a
store keeps one copy of a quad). ``manifest.json`` beside the shards records the partitions,
counts and every rejected record. ``kg load`` bulk-loads the shards into the embedded store.

Bad records follow ``CorpusReader``'s policy exactly (see ``kg.partitions``): a duplicate id
across partitions is rejected as in a serial build, and ``fail`` stops at the same first bad
record, leaving no manifest. Workers read the corpus and write the shards by path: on a
cluster both must be on a file system every worker sees, and every worker needs this package.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg import __version__
from kg.corpus import Rejection
from kg.errors import InputError, KgError
from kg.gazetteer import default_gazetteer
from kg.parallel import ExtractionError, default_workers
from kg.partitions import (
    BLOCK_BYTES,
    BLOCK_FILES,
    CorpusReplay,
    Partition,
    PartitionReader,
    plan_partitions,
    scan_partition,
)
from kg.pipeline import FileSink, document_graph, entity_part
from kg.shards import MANIFEST
from kg.store import atomic_output

if TYPE_CHECKING:
    from distributed import Client

SHARD_RE = re.compile(r"shard-\d{5,}\.nq")
INSTALL_HINT = "install the optional extra: pip install 'arabic-conflict-kg[dask]'"


@dataclass
class ShardResult:
    part: Partition
    documents: int = 0
    triples: int = 0  # of the documents' graphs, as ``kg build`` counts them
    quads: int = 0  # lines in the shard, entity descriptions included
    mentions: int = 0
    events: int = 0
    entities: set[str] = field(default_factory=set)
    ids: list[str] = field(default_factory=list)
    seconds: float = 0.0
    failure: tuple[str, str, str] | None = None  # document id, origin, error

    @property
    def shard(self) -> str:
        return self.part.shard


def extract_partition(part: Partition, seen: set[str], shard_dir: str) -> ShardResult:
    """Extract one partition into its shard (written atomically). Runs on a worker."""
    started = time.perf_counter()
    gaz = default_gazetteer()
    result = ShardResult(part)
    sink = FileSink(Path(shard_dir) / part.shard)
    try:
        for doc in PartitionReader(part, "skip", seen):
            try:
                dg = document_graph(doc, gaz)
            except Exception as exc:  # reported by the client with the document's id
                result.failure = (doc.id, doc.origin, f"{type(exc).__name__}: {exc}")
                sink.abort()
                return result
            entities = entity_part(dg.entities.values(), sink.seen_entities)
            sink.write(dg.graph, dg.triples, entities)
            result.documents += 1
            result.triples += len(dg.triples)
            result.quads += len(dg.triples) + len(entities)
            result.mentions += dg.mentions
            result.events += dg.events
            result.entities.update(dg.entities)
            result.ids.append(dg.doc_id)
    except BaseException:
        sink.abort()
        raise
    sink.close()
    result.seconds = time.perf_counter() - started
    return result


@dataclass
class ShardSummary:
    """What a distributed build did; ``manifest.json`` holds the same."""

    read: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[Rejection] = field(default_factory=list)
    shards: list[ShardResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def skipped(self) -> Counter[str]:
        return Counter(r.reason for r in self.rejected)

    @property
    def documents(self) -> int:
        return sum(s.documents for s in self.shards)

    @property
    def triples(self) -> int:
        return sum(s.triples for s in self.shards)

    def line(self) -> str:
        why = ", ".join(f"{n} {reason}" for reason, n in sorted(self.skipped.items()))
        entities = set().union(*(s.entities for s in self.shards))
        rate = f", {self.documents / self.seconds:.0f} docs/s" if self.seconds > 0 else ""
        return (
            f"{self.read} documents read, {len(self.rejected)} skipped"
            + (f" ({why})" if why else "")
            + f", {len(entities)} entities, {sum(s.events for s in self.shards)} events, "
            f"{self.triples} triples written to {len(self.shards)} shards{rate}"
        )


def build_shards(
    corpus: Sequence[Path | str],
    shard_dir: Path,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    processes: bool = True,
    policy: str = "skip",
    block_bytes: int = BLOCK_BYTES,
    block_files: int = BLOCK_FILES,
    progress: Callable[[int, int], None] | None = None,
) -> ShardSummary:
    """Extract ``corpus`` on a Dask cluster into N-Quads shards and a manifest in ``shard_dir``.

    ``scheduler`` is the address of a running Dask scheduler; without it a ``LocalCluster``
    of ``workers`` processes (default: all cores; threads if not ``processes``) runs here.
    ``progress(done, total)`` is called as partitions finish.
    """
    started = time.perf_counter()
    replay = CorpusReplay(corpus, policy)  # checks the paths, lists the files in corpus order
    parts = plan_partitions(replay.files, block_bytes=block_bytes, block_files=block_files)
    _prepare(shard_dir)
    summary = ShardSummary()
    with dask_client(scheduler, workers, processes) as client:
        scans = client.map(scan_partition, parts, pure=False)
        extracting = []
        for part, scan in zip(parts, scans, strict=True):
            seen, warnings = _outcome(scan, part)
            prior = replay.prior_ids(seen)  # raises at the first bad record under "fail"
            summary.warnings += warnings
            job = client.submit(extract_partition, part, prior, str(shard_dir), pure=False)
            extracting.append(job)
            scan.release()
        results = _gather(extracting, parts, progress)
    summary.read = replay.report.read
    summary.rejected = replay.report.rejected
    summary.shards = results
    summary.seconds = time.perf_counter() - started
    if summary.documents != summary.read:
        raise KgError(
            f"{summary.read} documents were read but {summary.documents} extracted",
            hint="the corpus changed while it was being built; build again",
        )
    _finish(shard_dir, corpus, policy, summary)
    return summary


@contextmanager
def dask_client(
    scheduler: str | None = None, workers: int | None = None, processes: bool = True
) -> Iterator[Client]:
    """A client of the scheduler at ``scheduler``, or of a ``LocalCluster`` started here."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise KgError(
            "the distributed build needs Dask (dask.distributed)", hint=INSTALL_HINT
        ) from exc
    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise KgError(
                f"cannot reach the Dask scheduler at {scheduler}: {exc}",
                hint="start one with `dask scheduler`, or leave out --scheduler to run here",
            ) from exc
        with client:
            yield client
        return
    n = default_workers() if workers is None else workers
    if n < 1:
        raise InputError(f"--workers must be at least 1, not {n}")
    if not processes:
        default_gazetteer()  # threads share this process's copy: load it once, not per thread
    where = {"host": "127.0.0.1"} if processes else {}  # threads talk in-process
    try:
        cluster = LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=processes,
            dashboard_address="127.0.0.1:0",
            silence_logs=logging.ERROR,
            **where,
        )
    except (OSError, RuntimeError, TimeoutError) as exc:
        raise KgError(f"cannot start a Dask cluster on this machine: {exc}") from exc
    with cluster, Client(cluster) as client:
        yield client


def _outcome(future: Any, part: Partition) -> Any:
    """The result of a task, with a worker's unexpected error turned into a ``KgError``."""
    try:
        return future.result()
    except KgError:
        raise
    except Exception as exc:
        raise KgError(
            f"partition {part.shard} failed on a worker: {type(exc).__name__}: {exc}"
        ) from exc


def _gather(
    futures: list[Any], parts: list[Partition], progress: Callable[[int, int], None] | None
) -> list[ShardResult]:
    from distributed import as_completed

    index = {f.key: i for i, f in enumerate(futures)}
    results: dict[int, ShardResult] = {}
    for future in as_completed(futures):
        i = index[future.key]
        result: ShardResult = _outcome(future, parts[i])
        if result.failure is not None:
            for other in futures:
                other.cancel()
            doc_id, origin, error = result.failure
            raise ExtractionError(
                f"extracting document {doc_id!r} failed ({origin}): {error}", doc_ids=(doc_id,)
            )
        results[i] = result
        future.release()
        if progress:
            progress(len(results), len(futures))
    return [results[i] for i in range(len(futures))]


def _prepare(shard_dir: Path) -> None:
    if shard_dir.exists() and not shard_dir.is_dir():
        raise InputError(f"{shard_dir} is not a folder", hint="--shards takes a folder")
    shard_dir.mkdir(parents=True, exist_ok=True)
    (shard_dir / MANIFEST).unlink(missing_ok=True)  # a failed build leaves no manifest


def _finish(
    shard_dir: Path, corpus: Sequence[Path | str], policy: str, summary: ShardSummary
) -> None:
    """Write the manifest, and remove shards an earlier build left that this one did not."""
    names = {s.shard for s in summary.shards}
    for stale in shard_dir.iterdir():
        if SHARD_RE.fullmatch(stale.name) and stale.name not in names:
            stale.unlink()
    manifest = {
        "tool": "arabic-conflict-kg",
        "version": __version__,
        "corpus": [str(Path(p)) for p in corpus],
        "policy": policy,
        "read": summary.read,
        "documents": summary.documents,
        "triples": summary.triples,
        "quads": sum(s.quads for s in summary.shards),
        "mentions": sum(s.mentions for s in summary.shards),
        "events": sum(s.events for s in summary.shards),
        "entities": len(set().union(*(s.entities for s in summary.shards))),
        "rejected": dict(sorted(summary.skipped.items())),
        "warnings": dict(sorted(Counter(w.reason for w in summary.warnings).items())),
        "rejections": [asdict(r) for r in summary.rejected],
        "seconds": round(summary.seconds, 3),
        "shards": [_shard_entry(s) for s in summary.shards],
    }
    with atomic_output(shard_dir / MANIFEST) as tmp:
        Path(tmp).write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", "utf-8")


def _shard_entry(s: ShardResult) -> dict[str, Any]:
    part = s.part
    if part.path:
        source: dict[str, Any] = {"source": part.path, "bytes": [part.start, part.end]}
        source["first_line"] = part.first_line
    else:
        source = {"source": str(Path(part.files[0]).parent), "files": len(part.files)}
    return {
        "file": s.shard,
        **source,
        "documents": s.documents,
        "triples": s.triples,
        "quads": s.quads,
        "seconds": round(s.seconds, 3),
        "ids": s.ids,
    }
