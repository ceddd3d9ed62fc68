"""Commands that turn the incidents of the graph into files a person or another tool reads:
``kg export acled``, ``kg export geojson`` and ``kg report``. ``register(app)`` adds them. Like
``kg/cli.py`` they parse options, call the library and turn a ``KgError`` into one ``Error:``
line: exit 1 when there is nothing to write (no incidents, or none left after the filters),
2 for bad input."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from kg.errors import InputError, KgError

if TYPE_CHECKING:
    from kg.incident_view import Incident

err = Console(stderr=True, highlight=False, soft_wrap=True)
export = typer.Typer(
    help="Write the incidents as an ACLED-layout CSV or as GeoJSON.", no_args_is_help=True
)

OutArgument = Annotated[
    Path, typer.Argument(help="The file to write (written to a temporary file, then renamed).")
]
StoreOption = Annotated[
    Path | None, typer.Option("--store", help="Read this embedded store (default ./kg-store).")
]
GraphOption = Annotated[
    Path | None, typer.Option("--graph", help="Read this RDF file instead of the store.")
]
SinceOption = Annotated[
    str | None, typer.Option(help="Only incidents on or after this day (YYYY-MM-DD).")
]
UntilOption = Annotated[
    str | None, typer.Option(help="Only incidents on or before this day (YYYY-MM-DD).")
]
PlaceOption = Annotated[
    str | None,
    typer.Option(help="Only incidents in this place or a place inside it (label or IRI)."),
]
ActorOption = Annotated[
    str | None, typer.Option(help="Only incidents with this actor in any role (label or IRI).")
]


def _incidents(
    store_dir: Path | None,
    graph: Path | None,
    since: str | None,
    until: str | None,
    place: str | None,
    actor: str | None,
) -> list[Incident]:
    from kg.incident_select import Selection, parse_day, select
    from kg.incident_view import read_incidents
    from kg.store import DEFAULT_STORE, GraphStore

    if graph is not None and store_dir is not None:
        raise InputError("use only one of --store and --graph")
    selection = Selection(
        parse_day(since, "--since"), parse_day(until, "--until"), place or None, actor or None
    )
    if graph is not None:
        if not graph.exists():
            raise InputError(f"no such graph file: {graph}")
        store = GraphStore(None)
        store.load_file(graph)
    else:
        store = GraphStore(store_dir or DEFAULT_STORE, read_only=True)
    return select(read_incidents(store), selection)


def _command(writer: str, what: str, doc: str) -> Callable[..., None]:
    """A command writing the selected incidents with ``kg.export``/``kg.report``'s ``writer``."""

    def command(
        out: OutArgument,
        store_dir: StoreOption = None,
        graph: GraphOption = None,
        since: SinceOption = None,
        until: UntilOption = None,
        place: PlaceOption = None,
        actor: ActorOption = None,
    ) -> None:
        from kg.cli import fail

        try:
            incidents = _incidents(store_dir, graph, since, until, place, actor)
            count = _writer(writer)(incidents, out)
        except KgError as exc:
            fail(exc)
        err.print(f"{count} incidents written to {out} ({what})", markup=False)

    command.__doc__ = doc
    return command


def _writer(name: str) -> Callable[[list[Incident], Path], int]:
    import importlib

    module, _, function = name.rpartition(".")
    return getattr(importlib.import_module(module), function)


def register(app: typer.Typer) -> None:
    """Add ``export acled``, ``export geojson`` and ``report`` to ``app``."""
    export.command("acled")(
        _command(
            "kg.export.write_acled",
            "ACLED CSV",
            "One row per incident in ACLED's column layout, plus kg_ columns with the IRIs that "
            "lead back to the incident, its events and their sentences.",
        )
    )
    export.command("geojson")(
        _command(
            "kg.export.write_geojson",
            "GeoJSON",
            "Incidents as GeoJSON Point features with their class, date, place, tolls, "
            "outlets and IRIs.",
        )
    )
    app.add_typer(export, name="export")
    app.command("report")(
        _command(
            "kg.report.write_report",
            "HTML report",
            "One self-contained HTML page: a map of incidents sized by fatalities, a timeline "
            "by event type, the actor network, and a table linking each incident to its "
            "sentences and sources.",
        )
    )
