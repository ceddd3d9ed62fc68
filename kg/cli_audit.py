"""Audit commands: ``kg runs`` (the run records in a store) and ``kg diff`` (what changed
between two builds). ``register(app)`` adds them to the ``kg`` app; like every command they
parse options, call the library and map ``KgError`` to one ``Error:`` line and an exit code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from kg.errors import KgError

if TYPE_CHECKING:
    from kg.diff import Diff
    from kg.explain import Explanation


def register(app: typer.Typer) -> None:
    app.command("runs")(runs)
    app.command("diff")(diff)
    app.command("explain")(explain)


def runs(
    store_dir: Annotated[
        Path | None, typer.Option("--store", help="The embedded store (default ./kg-store).")
    ] = None,
) -> None:
    """List the build runs recorded in a store (PROV-O run records), oldest first: documents
    read, extracted and unchanged, and how many document graphs each run still accounts for."""
    from kg.cli import err, fail, out
    from kg.provenance import list_runs
    from kg.store import DEFAULT_STORE, GraphStore

    try:
        found = list_runs(GraphStore(store_dir or DEFAULT_STORE, read_only=True))
    except KgError as exc:
        fail(exc)
    table = Table("kg", "ontology", "read", "extracted", "unchanged", "made")
    table.add_column("run (started, configuration)", no_wrap=True)
    for r in found:
        table.add_row(r.tool_version, r.ontology_version, str(r.read), str(r.extracted),
                      str(r.unchanged), str(r.current), r.id)  # fmt: skip
    out.print(table)
    err.print(f"{len(found)} runs", markup=False)


def diff(
    a: Annotated[Path, typer.Argument(help="The earlier build: a store folder or an RDF file.")],
    b: Annotated[Path, typer.Argument(help="The later build: a store folder or an RDF file.")],
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Also write every change as JSON here.")
    ] = None,
    include_runs: Annotated[
        bool, typer.Option("--runs", help="Also compare the run records (they differ by design).")
    ] = False,
) -> None:
    """What changed from build A to build B, per document and per incident: events added or
    removed, tolls, places, actors, dates and links that changed."""
    from kg.builds import open_build
    from kg.cli import err, fail
    from kg.diff import compare

    try:
        result = compare(open_build(a), open_build(b), include_runs=include_runs)
    except KgError as exc:
        fail(exc)
    if json_out is not None:
        text = json.dumps(result.as_dict(), indent=2, ensure_ascii=False) + "\n"
        json_out.write_text(text, encoding="utf-8")
    _print_diff(result)
    err.print(result.line(), markup=False)


def _print_diff(result: Diff) -> None:
    from kg.cli import out

    if not result.changes:
        return
    table = Table("document / incident", "subject", "change", "before", "after")
    for c in result.changes:
        table.add_row(c.scope, c.subject, c.kind, c.before, c.after)
    out.print(table)


def explain(
    incident: Annotated[
        str, typer.Argument(help="An incident: its IRI, res:incident/ID or the ID.")
    ],
    store_dir: Annotated[
        Path | None, typer.Option("--store", help="The embedded store (default ./kg-store).")
    ] = None,
) -> None:
    """Why an incident's reports are one incident: the rule, the evidence and its score for
    each report, with the sentences side by side."""
    from kg.cli import fail
    from kg.explain import explain as explain_incident
    from kg.provenance import check_store_version
    from kg.store import DEFAULT_STORE, GraphStore

    try:
        store = GraphStore(store_dir or DEFAULT_STORE, read_only=True)
        check_store_version(store)
        found = explain_incident(store, incident)
    except KgError as exc:
        fail(exc)
    _print_explanation(found)


def _print_explanation(x: Explanation) -> None:
    from kg.cli import out

    out.print(f"incident {x.incident}", markup=False)
    out.print(f"{', '.join(x.classes)} at {x.place or '?'} on {x.date or '?'}; "
              f"fatalities {x.tolls}; {len(x.reports)} reports", markup=False)  # fmt: skip
    table = Table("")
    for r in x.reports:
        table.add_column(r.document, overflow="fold")
    rows = [
        ("outlet", [r.outlet for r in x.reports]),
        ("published", [r.published for r in x.reports]),
        ("event", [f"{r.event_class} ({r.event.rsplit('/event/', 1)[-1]})" for r in x.reports]),
        ("fatalities", [r.fatalities for r in x.reports]),
        ("rule", [r.rule for r in x.reports]),
        ("score", [r.score for r in x.reports]),
        ("day gap", [r.day_gap for r in x.reports]),
        ("shared actors", [", ".join(r.shared_actors) for r in x.reports]),
        ("sentence", [r.sentence for r in x.reports]),
    ]
    for name, values in rows:
        table.add_row(name, *values)
    out.print(table)
