"""Extracting documents in worker processes, in input order, with bounded memory.

``process_mapper(workers=N)`` returns a mapper for ``kg.pipeline.build``: documents stream
from the reader to N worker processes in small chunks, and their graphs stream back in the
order the documents were read, so the output is the serial build's. At most a fixed window
of chunks is in flight, so memory does not grow with the corpus.

Each worker holds the gazetteer once. On Linux the workers are forked after the parent has
loaded it, so they share its pages copy-on-write instead of loading it again; where fork is
not available (macOS, Windows) they are spawned and load it in an initializer.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import sys
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import islice

from kg.errors import InputError, KgError
from kg.gazetteer import Gazetteer, default_gazetteer
from kg.model import Document
from kg.pipeline import DocumentGraph, Mapper, document_graph, serial_graphs, serialised

Task = Callable[[Document, Gazetteer], DocumentGraph]

CHUNK = 4  # documents per message to a worker
WINDOW = 4  # chunks in flight per worker


class ExtractionError(KgError):
    """A document could not be extracted in a worker process. ``doc_ids`` is the document,
    or the documents in flight when a worker died (one of them killed it)."""

    def __init__(
        self,
        message: str,
        *,
        doc_ids: tuple[str, ...] = (),
        details: str = "",
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.doc_ids = doc_ids
        self.details = details  # the worker's traceback, for a bug report

    @property
    def doc_id(self) -> str | None:
        return self.doc_ids[0] if self.doc_ids else None


def default_workers() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def default_start_method() -> str:
    """``fork`` where the platform offers it safely (Linux), else ``spawn``."""
    return "fork" if sys.platform.startswith("linux") else "spawn"


def mapper_for(workers: int | None) -> Mapper:
    """The mapper for ``kg build --workers N``: in this process for 1, else in N processes
    (all cores when ``workers`` is None)."""
    n = default_workers() if workers is None else workers
    return serial_graphs if n == 1 else process_mapper(n)


def process_mapper(
    workers: int | None = None,
    *,
    gazetteer: Gazetteer | None = None,
    task: Task = document_graph,
    chunk: int = CHUNK,
    window: int = WINDOW,
    start_method: str | None = None,
) -> Mapper:
    """A mapper that extracts documents in ``workers`` processes (default: all cores).

    ``task`` turns one document into its graph (a module-level function, so spawned workers
    can import it). ``chunk`` documents go to a worker at a time and at most
    ``window * workers`` chunks are in flight.
    """
    n = default_workers() if workers is None else workers
    if n < 1:
        raise InputError(f"--workers must be at least 1, not {n}")
    if chunk < 1 or window < 1:
        raise InputError("chunk and window must be at least 1")
    method = start_method or default_start_method()
    if method not in mp.get_all_start_methods():
        raise InputError(
            f"start method {method!r} is not available here",
            hint="use one of " + ", ".join(mp.get_all_start_methods()),
        )

    def graphs(docs: Iterable[Document]) -> Iterator[DocumentGraph]:
        return _ordered_graphs(docs, n, gazetteer, task, chunk, window * n, method)

    return graphs


# -- the worker side -------------------------------------------------------------------------
_gazetteer: Gazetteer | None = None
_task: Task = document_graph


@dataclass(frozen=True, slots=True)
class _Failure:
    doc_id: str
    origin: str
    error: str
    details: str


def _init_worker(gazetteer: Gazetteer | None, task: Task) -> None:
    global _gazetteer, _task
    _gazetteer = gazetteer or default_gazetteer()
    _task = task


def _extract_chunk(docs: list[Document]) -> list[DocumentGraph] | _Failure:
    assert _gazetteer is not None, "the worker was not initialised"
    out = []
    for doc in docs:
        try:
            out.append(serialised(_task(doc, _gazetteer)))  # text: cheaper to send back
        except Exception as exc:  # reported in the parent with the document's id
            error = f"{type(exc).__name__}: {exc}"
            return _Failure(doc.id, doc.origin, error, traceback.format_exc())
    return out


# -- the parent side -------------------------------------------------------------------------
def _ordered_graphs(
    docs: Iterable[Document],
    workers: int,
    gazetteer: Gazetteer | None,
    task: Task,
    chunk: int,
    in_flight: int,
    method: str,
) -> Iterator[DocumentGraph]:
    forked = method == "fork"
    if forked and gazetteer is None:
        gazetteer = default_gazetteer()  # loaded once here, shared by the forked workers
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=mp.get_context(method),
        initializer=_init_worker,
        initargs=(gazetteer, task),
    )
    pending: deque[tuple[list[Document], Future[list[DocumentGraph] | _Failure]]] = deque()
    source = iter(docs)
    clean = False
    try:
        started = False
        while True:
            while len(pending) < in_flight:
                batch = list(islice(source, chunk))
                if not batch:
                    break
                if forked and not started:
                    # Workers fork on the first submit. Frozen objects (the gazetteer) are
                    # never visited by the workers' collector, so their pages stay shared.
                    gc.freeze()
                    try:
                        pending.append((batch, pool.submit(_extract_chunk, batch)))
                    finally:
                        gc.unfreeze()
                else:
                    pending.append((batch, pool.submit(_extract_chunk, batch)))
                started = True
            if not pending:
                break
            batch, future = pending.popleft()
            try:
                result = future.result()
            except BrokenProcessPool as exc:
                lost = batch + [doc for b, _ in pending for doc in b]
                raise _died(lost) from exc
            yield from _graphs(result)
        clean = True
    finally:
        pool.shutdown(wait=clean, cancel_futures=True)


def _died(docs: list[Document]) -> ExtractionError:
    first, last = docs[0], docs[-1]
    which = (
        repr(first.id) if len(docs) == 1 else f"{len(docs)} documents, {first.id!r} to {last.id!r}"
    )
    return ExtractionError(
        f"a worker process died while extracting {which} ({first.origin})",
        doc_ids=tuple(d.id for d in docs),
        hint="it may have run out of memory: try fewer --workers",
    )


def _graphs(result: list[DocumentGraph] | _Failure) -> list[DocumentGraph]:
    if isinstance(result, _Failure):
        where = f" ({result.origin})" if result.origin else ""
        raise ExtractionError(
            f"extracting document {result.doc_id!r} failed{where}: {result.error}",
            doc_ids=(result.doc_id,),
            details=result.details,
        )
    return result
