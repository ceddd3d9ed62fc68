"""Commands for large corpora: ``kg build-dask`` (extract on a Dask cluster into N-Quads shards)
and ``kg load`` (bulk-load shards into the embedded store). ``register(app)`` adds them to the
``kg`` app; like every command they parse options, call the library and map ``KgError`` to one
``Error:`` line and an exit code."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kg.errors import InputError, KgError

if TYPE_CHECKING:
    from kg.corpus import Rejection
    from kg.distributed import ShardSummary


def register(app: typer.Typer) -> None:
    app.command("build-dask")(build_dask)
    app.command("load")(load)


def build_dask(
    corpus: Annotated[
        list[Path], typer.Argument(help="Folders of .txt files and/or .jsonl files.")
    ],
    shards: Annotated[
        Path, typer.Option("--shards", help="Write the N-Quads shards and manifest.json here.")
    ],
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Address of a running Dask scheduler (default: a cluster on this machine)."
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(help="Worker processes of the cluster on this machine (default: all cores)."),
    ] = None,
    on_error: Annotated[
        str, typer.Option(help="What to do with a bad record: skip (count and report) or fail.")
    ] = "skip",
    rejects: Annotated[
        Path | None, typer.Option(help="Write every skipped record's origin and reason here (TSV).")
    ] = None,
    partition_mb: Annotated[
        float, typer.Option(help="Megabytes of JSON Lines per partition (one shard each).")
    ] = 8.0,
) -> None:
    """Extract a corpus on a Dask cluster into N-Quads shards (needs the [dask] extra)."""
    from kg.cli import err, fail
    from kg.distributed import build_shards

    try:
        if scheduler is not None and workers is not None:
            raise InputError("--workers sizes the cluster on this machine; not with --scheduler")
        if partition_mb <= 0:
            raise InputError("--partition-mb must be positive")
        block = max(1, int(partition_mb * 1024 * 1024))
        if err.is_terminal:
            summary = _with_progress(corpus, shards, scheduler, workers, on_error, block)
        else:
            summary = build_shards(
                corpus, shards, scheduler=scheduler, workers=workers, policy=on_error,
                block_bytes=block,
            )  # fmt: skip
    except KgError as exc:
        fail(exc)
    _report(summary.rejected, summary.warnings, rejects)
    err.print(summary.line(), markup=False)
    if summary.read == 0:
        err.print("Error: no document could be read", markup=False)
        raise typer.Exit(2)


def _with_progress(
    corpus: list[Path],
    shards: Path,
    scheduler: str | None,
    workers: int | None,
    on_error: str,
    block: int,
) -> ShardSummary:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from kg.cli import err
    from kg.distributed import build_shards

    columns = (BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("partitions")

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return build_shards(
            corpus, shards, scheduler=scheduler, workers=workers, policy=on_error,
            block_bytes=block, progress=update,
        )  # fmt: skip


def _report(rejected: list[Rejection], warnings: list[Rejection], rejects: Path | None) -> None:
    from kg.cli import err

    for rej in rejected:
        err.print(f"skipped: {rej.reason}: {rej.detail} ({rej.origin})", markup=False)
    for warn in warnings:
        err.print(f"warning: {warn.reason}: {warn.detail} ({warn.origin})", markup=False)
    if rejects is not None:
        with rejects.open("w", encoding="utf-8") as handle:
            handle.write("origin\treason\tdetail\n")
            for rej in rejected:
                handle.write(f"{rej.origin}\t{rej.reason}\t{rej.detail}\n")


def load(
    shards: Annotated[
        list[Path],
        typer.Argument(help="Shard folders (with manifest.json) or .nq/.trig/.nt files."),
    ],
    store_dir: Annotated[
        Path | None,
        typer.Option("--store", help="Load into this embedded store (default ./kg-store)."),
    ] = None,
) -> None:
    """Bulk-load shards into the embedded store, replacing the graphs of their documents."""
    from kg.cli import err, fail
    from kg.provenance import check_store_version, record_load
    from kg.shards import load_shards
    from kg.store import DEFAULT_STORE, GraphStore

    try:
        store = GraphStore(store_dir or DEFAULT_STORE)
        check_store_version(store)
        store.ensure_ontology()
        summary = load_shards(shards, store)
        record_load(store, shards, summary.graphs)
    except KgError as exc:
        fail(exc)
    err.print(summary.line(), markup=False)
