"""Commands for the graph beyond this machine: push it to a SPARQL store, serve it, enrich it
from Wikidata, refresh the gazetteer, remove documents. ``register(app)`` adds them to the
``kg`` app; like ``kg/cli.py`` they parse options, call the library, and turn a ``KgError``
into one ``Error:`` line and an exit code (1 the work failed, 2 bad input)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console

from kg.errors import InputError, KgError

if TYPE_CHECKING:
    from kg.remote import PushSummary
    from kg.store import GraphStore

err = Console(stderr=True, highlight=False, soft_wrap=True)
WikidataOption = Annotated[
    str | None,
    typer.Option(
        "--endpoint", help="Wikidata's SPARQL endpoint or a mirror (default: query.wikidata.org)."
    ),
]

StoreOption = Annotated[
    Path | None, typer.Option("--store", help="The embedded store (default ./kg-store).")
]
UserOption = Annotated[str | None, typer.Option(help="User name for the endpoint (basic auth).")]
PasswordOption = Annotated[
    str | None, typer.Option(help="Password for the endpoint.", envvar="KG_ENDPOINT_PASSWORD")
]
TimeoutOption = Annotated[float, typer.Option(help="Seconds to wait for each answer.")]
RetriesOption = Annotated[
    int, typer.Option(help="Retries of a request after a transient failure (back-off doubles).")
]


def _fail(exc: KgError) -> NoReturn:
    from kg.cli import fail

    fail(exc)


def push(
    endpoint: Annotated[
        str,
        typer.Option(
            help="Graph store URL for --method gsp (Oxigraph: http://HOST:7878/store), "
            "update URL for --method update (Oxigraph: http://HOST:7878/update)."
        ),
    ],
    store_dir: StoreOption = None,
    graph: Annotated[
        Path | None,
        typer.Option(help="Push this RDF file instead of the store (.nq .trig .jsonld .ttl .nt)."),
    ] = None,
    method: Annotated[
        str,
        typer.Option(help="gsp: one HTTP PUT per graph; update: SPARQL Update in batches."),
    ] = "gsp",
    into: Annotated[
        str | None,
        typer.Option(help="Named graph for triples outside any graph (a .ttl or .nt file)."),
    ] = None,
    batch_size: Annotated[
        int, typer.Option(help="Triples per SPARQL Update request (--method update).")
    ] = 5_000,
    resume_after: Annotated[
        str | None,
        typer.Option(help="Skip the graphs up to and including this one (after a failed push)."),
    ] = None,
    user: UserOption = None,
    password: PasswordOption = None,
    timeout: TimeoutOption = 60.0,
    retries: RetriesOption = 3,
) -> None:
    """Load the graph into a SPARQL 1.1 store, one named graph per document; pushing
    twice leaves the store as one push does."""
    from kg.remote import check_push_options
    from kg.remote import push as run_push
    from kg.store import DEFAULT_STORE, GraphStore

    try:
        if graph is not None and store_dir is not None:
            raise InputError("use only one of --store and --graph")
        check_push_options(endpoint, method, batch_size)
        if graph is not None:
            source = GraphStore(None)
            source.load_file(graph)
        else:
            source = GraphStore(store_dir or DEFAULT_STORE, read_only=True)
        options: dict[str, Any] = dict(
            method=method,
            into=into,
            batch_size=batch_size,
            resume_after=resume_after,
            user=user,
            password=password,
            timeout=timeout,
            retries=retries,
        )
        if err.is_terminal:
            summary = _push_with_progress(run_push, source, endpoint, options)
        else:
            summary = run_push(source, endpoint, **options)
    except KgError as exc:
        _fail(exc)
    err.print(summary.line(), markup=False)


def _push_with_progress(
    run_push: Callable[..., PushSummary],
    source: GraphStore,
    endpoint: str,
    options: dict[str, Any],
) -> PushSummary:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("pushing graphs", total=None)

        def update(s: PushSummary) -> None:
            bar.update(
                task,
                total=s.total_graphs,
                completed=s.graphs + s.skipped,
                description=f"{s.triples} triples",
            )

        return run_push(source, endpoint, progress=update, **options)


def serve(
    store_dir: StoreOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 7878,
    timeout: Annotated[
        float | None, typer.Option(help="Stop any query that runs longer (seconds).")
    ] = None,
) -> None:
    """Serve the store read-only as a SPARQL 1.1 endpoint (Oxigraph's server) until Ctrl-C."""
    from kg.serve import SparqlServer
    from kg.store import DEFAULT_STORE

    location = store_dir or DEFAULT_STORE
    try:
        server = SparqlServer(location, host=host, port=port, query_timeout=timeout)
    except KgError as exc:
        _fail(exc)
    try:
        # said before the server answers, so that a Ctrl-C as soon as it answers finds it said
        err.print(
            f"Serving {location} read-only at {server.query_url} (SPARQL 1.1 protocol); "
            "Ctrl-C stops it",
            markup=False,
        )
        server.start()
        status = server.wait()
    except KeyboardInterrupt:
        status = 0
    except KgError as exc:
        _fail(exc)
    finally:
        server.stop()
    if status not in (0, -2):  # -2: the server got the terminal's Ctrl-C too
        err.print(f"Error: the SPARQL server stopped with status {status}", markup=False)
        raise typer.Exit(1)


def enrich(
    store_dir: StoreOption = None,
    endpoint: WikidataOption = None,
    batch_size: Annotated[int, typer.Option(help="Items per VALUES block.")] = 200,
    user: UserOption = None,
    password: PasswordOption = None,
    timeout: TimeoutOption = 60.0,
    retries: RetriesOption = 3,
) -> None:
    """Fetch Wikidata facts about the linked entities (instance of, country, coordinates,
    population, parent organisation, inception) into the enrichment graph, for offline use."""
    from kg.enrich import enrich as run_enrich
    from kg.store import DEFAULT_STORE, GraphStore
    from kg.wikidata import WIKIDATA

    try:
        store = GraphStore(store_dir or DEFAULT_STORE, create=False)
        summary = run_enrich(
            store,
            endpoint or WIKIDATA,
            batch=batch_size,
            user=user,
            password=password,
            timeout=timeout,
            retries=retries,
        )
    except KgError as exc:
        _fail(exc)
    err.print(summary.line(), markup=False)


def remove(
    ids: Annotated[list[str], typer.Argument(help="Ids of the documents to remove.")],
    store_dir: StoreOption = None,
    no_resolve: Annotated[
        bool, typer.Option("--no-resolve", help="Leave the incidents as they are (stale).")
    ] = False,
) -> None:
    """Remove documents (their named graphs) from the store, then group the remaining events
    into incidents again (with the thresholds of the last grouping), if the store had any."""
    from kg.prune import remove_documents
    from kg.store import DEFAULT_STORE, GraphStore

    try:
        store = GraphStore(store_dir or DEFAULT_STORE, create=False)
        removed = remove_documents(store, ids)
        err.print(f"removed {len(removed)} documents: {', '.join(removed)}", markup=False)
        if not no_resolve:
            line = reresolve(store)
            if line:
                err.print(line, markup=False)
    except KgError as exc:
        _fail(exc)


def reresolve(store: GraphStore) -> str | None:
    """After documents left the store, re-group its incidents (if it has any) with the
    thresholds of the last grouping; with no document left, drop them. The summary line."""
    import pyoxigraph as ox

    from kg.cli_incidents import last_resolve_options, rules_from_options, run_resolve
    from kg.control import CONTROL_GRAPH
    from kg.provenance import has_documents, record_resolve
    from kg.resolve import INCIDENTS_GRAPH

    if not store.store.contains_named_graph(ox.NamedNode(INCIDENTS_GRAPH)):
        return None
    graphs = [INCIDENTS_GRAPH, CONTROL_GRAPH]
    if not has_documents(store):
        store.remove_documents(graphs)
        store.flush()
        return "no document left: incidents and control claims removed"
    options = last_resolve_options(store)
    line = run_resolve(store, rules_from_options(options))
    record_resolve(store, {**options, "after": "remove"}, graphs)
    return line


gazetteer = typer.Typer(
    help="Refresh the gazetteer snapshot from Wikidata, or find QIDs for local entries.",
    no_args_is_help=True,
)


@gazetteer.command("refresh")
def gazetteer_refresh(
    snapshot: Annotated[
        Path | None, typer.Option(help="Snapshot to refresh (default: the shipped one).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Write the refreshed snapshot here (default: in place).")
    ] = None,
    qid: Annotated[
        list[str] | None, typer.Option(help="Refresh only this item (repeatable).")
    ] = None,
    changes: Annotated[
        Path | None, typer.Option(help="Write every changed cell here, for review (TSV).")
    ] = None,
    endpoint: WikidataOption = None,
    batch_size: Annotated[int, typer.Option(help="Items per VALUES block.")] = 200,
    timeout: TimeoutOption = 60.0,
    retries: RetriesOption = 3,
) -> None:
    """Refresh labels, names, country, coordinates, GeoNames ids and population of the
    snapshot's Wikidata items."""
    from kg.wikidata import WIKIDATA, refresh, write_changes

    try:
        summary = refresh(
            snapshot,
            out,
            endpoint=endpoint or WIKIDATA,
            qids=qid or None,
            batch=batch_size,
            timeout=timeout,
            retries=retries,
        )
        if changes is not None:
            write_changes(summary.changes, changes)
    except KgError as exc:
        _fail(exc)
    err.print(summary.line(), markup=False)


@gazetteer.command("suggest-qids")
def gazetteer_suggest_qids(
    out: Annotated[Path, typer.Option(help="Write the candidates here (TSV), for review.")],
    snapshot: Annotated[
        Path | None, typer.Option(help="Snapshot to read (default: the shipped one).")
    ] = None,
    kind: Annotated[
        list[str] | None, typer.Option(help="Only entries of this kind (repeatable).")
    ] = None,
    key: Annotated[list[str] | None, typer.Option(help="Only this entry (repeatable).")] = None,
    limit: Annotated[int | None, typer.Option(help="Look up at most this many entries.")] = None,
    endpoint: WikidataOption = None,
    timeout: TimeoutOption = 60.0,
    retries: RetriesOption = 3,
) -> None:
    """Look up Wikidata items whose Arabic label or alias is the name of an entry without a
    QID; the candidates go to a review file, never into the links."""
    from kg.wikidata import WIKIDATA, suggest_qids

    try:
        summary = suggest_qids(
            out,
            snapshot,
            endpoint=endpoint or WIKIDATA,
            kinds=kind,
            keys=key,
            limit=limit,
            timeout=timeout,
            retries=retries,
        )
    except KgError as exc:
        _fail(exc)
    err.print(summary.line(), markup=False)


def register(app: typer.Typer) -> None:
    """Add push, serve, enrich, remove and the gazetteer commands to ``app``."""
    for command in (push, serve, enrich, remove):
        app.command()(command)
    app.add_typer(gazetteer, name="gazetteer")
