"""The ``kg`` command line: parse options, call the library, turn errors into one line."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from kg import __version__
from kg.errors import InputError, KgError

if TYPE_CHECKING:
    from kg.corpus import CorpusReader
    from kg.pipeline import BuildSummary, Sink

app = typer.Typer(
    name="kg",
    help="Build an RDF knowledge graph of actors, places and events from Arabic conflict news, "
    "and query it with SPARQL.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)
ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"


def fail(exc: KgError) -> NoReturn:
    err.print(f"Error: {exc.message}", markup=False)
    if exc.hint:
        err.print(f"Hint: {exc.hint}", markup=False)
    raise typer.Exit(exc.exit_code)


def version_callback(value: bool) -> None:
    if value:
        out.print(f"kg {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """Arabic conflict-news knowledge graph."""


@app.command()
def build(
    corpus: Annotated[
        list[Path], typer.Argument(help="Folders of .txt files and/or .jsonl files.")
    ],
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help="Write the graph to this file (.ttl .nt .nq .trig .jsonld)."),
    ] = None,
    store_dir: Annotated[
        Path | None,
        typer.Option("--store", help="Add the graph to this embedded store (default ./kg-store)."),
    ] = None,
    on_error: Annotated[
        str, typer.Option(help="What to do with a bad record: skip (count and report) or fail.")
    ] = "skip",
    rejects: Annotated[
        Path | None, typer.Option(help="Write every skipped record's origin and reason here (TSV).")
    ] = None,
    full: Annotated[
        bool,
        typer.Option(
            "--full", help="Re-extract every document, even those unchanged in the store."
        ),
    ] = False,
) -> None:
    """Build the graph from a corpus: into the embedded store, an RDF file, or both."""
    from kg.corpus import CorpusReader
    from kg.pipeline import FileSink, StoreSink
    from kg.pipeline import build as run_build
    from kg.store import DEFAULT_STORE, GraphStore, rdf_format

    try:
        if out_file is not None:
            rdf_format(out_file)
        reader = CorpusReader(corpus, policy=on_error)
        sinks: list[Sink] = []
        known = None
        if store_dir is not None or out_file is None:
            store = GraphStore(store_dir or DEFAULT_STORE)
            store.ensure_ontology()
            known = None if full else store.document_hashes()
            sinks.append(StoreSink(store))
        if out_file is not None:
            sinks.append(FileSink(out_file))
        summary = _run_with_progress(run_build, reader, sinks, known)
    except KgError as exc:
        fail(exc)
    for rej in reader.report.rejected:
        err.print(f"skipped: {rej.reason}: {rej.detail} ({rej.origin})", markup=False)
    for warn in reader.report.warnings:
        err.print(f"warning: {warn.reason}: {warn.detail} ({warn.origin})", markup=False)
    if rejects is not None:
        with rejects.open("w", encoding="utf-8") as handle:
            handle.write("origin\treason\tdetail\n")
            for rej in reader.report.rejected:
                handle.write(f"{rej.origin}\t{rej.reason}\t{rej.detail}\n")
    err.print(summary.line(), markup=False)
    if summary.read == 0 and summary.unchanged == 0:
        err.print("Error: no document could be read", markup=False)
        raise typer.Exit(2)


def _run_with_progress(
    run_build: Callable[..., BuildSummary],
    reader: CorpusReader,
    sinks: list[Sink],
    known: dict[str, str] | None,
) -> BuildSummary:
    if not err.is_terminal:
        return run_build(reader, sinks, known_hashes=known)
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("starting…")

        def update(s: BuildSummary) -> None:
            rate = s.documents / s.seconds if s.seconds else 0.0
            skipped = len(reader.report.rejected)
            bar.update(
                task, description=f"{s.documents} documents, {rate:.0f}/s, {skipped} skipped"
            )

        return run_build(reader, sinks, known_hashes=known, progress=update)


@app.command()
def query(
    sparql: Annotated[
        str,
        typer.Argument(help="A .rq file, a name from queries/ (see `kg queries`), or SPARQL text."),
    ],
    graph: Annotated[
        Path | None, typer.Option(help="Query this RDF file instead of the store.")
    ] = None,
    store_dir: Annotated[
        Path | None, typer.Option("--store", help="Query this embedded store (default ./kg-store).")
    ] = None,
    endpoint: Annotated[
        str | None, typer.Option(help="Query this remote SPARQL endpoint (via SPARQLWrapper).")
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="table, csv, tsv or json (SPARQL JSON results).")
    ] = "table",
    user: Annotated[str | None, typer.Option(help="User name for the endpoint.")] = None,
    password: Annotated[
        str | None, typer.Option(help="Password for the endpoint.", envvar="KG_ENDPOINT_PASSWORD")
    ] = None,
    bind: Annotated[
        list[str] | None,
        typer.Option(help="Bind a query variable to a string: --bind name=حلب (repeatable)."),
    ] = None,
) -> None:
    """Run a SPARQL 1.1 query and print the results."""
    from kg import query as q
    from kg.store import DEFAULT_STORE, GraphStore

    try:
        if sum(x is not None for x in (graph, store_dir, endpoint)) > 1:
            raise InputError("use only one of --graph, --store and --endpoint")
        if fmt not in q.RESULT_FORMATS:
            raise InputError(
                f"unknown format {fmt!r}", hint="use one of " + ", ".join(q.RESULT_FORMATS)
            )
        text = q.resolve_query(sparql)
        bindings = _parse_bindings(bind or [])
        if endpoint:
            results = q.run_endpoint(endpoint, text, bindings, user=user, password=password)
        elif graph:
            results = q.run_file(graph, text, bindings)
        else:
            store = GraphStore(store_dir or DEFAULT_STORE, read_only=True)
            results = q.run_local(store, text, bindings)
    except KgError as exc:
        fail(exc)
    if fmt != "table":
        sys.stdout.write(q.render(results, fmt))
        return
    if results.boolean is not None:
        out.print("true" if results.boolean else "false")
        return
    table = Table(*results.variables, show_lines=False)
    for row in results.values():
        table.add_row(*("" if v is None else v for v in row))
    out.print(table)
    err.print(f"{len(results.rows)} rows", markup=False)


def _parse_bindings(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InputError(f"--bind takes NAME=VALUE, not {item!r}")
        out[name.strip().lstrip("?")] = value
    return out


@app.command("queries")
def list_queries() -> None:
    """List the canned analyst queries in queries/."""
    from kg.query import available_queries, describe_query

    table = Table("name", "what it answers")
    for name, path in available_queries().items():
        table.add_row(name, describe_query(path))
    out.print(table)


@app.command()
def ontology() -> None:
    """Print where the ontology and its SHACL shapes live, and its classes."""
    import rdflib

    path = ONTOLOGY_DIR / "conflict.ttl"
    out.print(f"ontology: {path}", markup=False)
    out.print(f"shapes:   {ONTOLOGY_DIR / 'shapes.ttl'}", markup=False)
    g = rdflib.Graph().parse(path)
    rows = g.query(
        """SELECT ?c ?en ?ar WHERE { ?c a owl:Class ; rdfs:label ?en , ?ar .
           FILTER(lang(?en) = "en" && lang(?ar) = "ar") } ORDER BY ?c"""
    )
    table = Table("class", "label", "التسمية")
    for c, en, ar in rows:  # type: ignore[misc]
        table.add_row(str(c).split("#")[-1], str(en), str(ar))
    out.print(table)


if __name__ == "__main__":
    app()
