"""``kg resolve``: group per-document events into incidents across documents. ``register(app)``
adds it to the ``kg`` app; ``kg build`` calls ``run_resolve`` as its last step."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kg.errors import KgError

if TYPE_CHECKING:
    from kg.incidents import GroupingRules
    from kg.store import GraphStore


def register(app: typer.Typer) -> None:
    app.command("resolve")(resolve)


def rules(
    day_window: int, publication_slack: int, min_score: float, compatible_without_actor: bool
) -> GroupingRules:
    from kg.incidents import GroupingRules

    return GroupingRules(day_window, publication_slack, min_score, not compatible_without_actor)


def run_resolve(store: GraphStore, grouping: GroupingRules | None = None) -> str:
    """Resolve ``store`` and return the summary line."""
    from kg.resolve import resolve as run

    return run(store, grouping).line()


RESOLVE_OPTIONS = ("day-window", "publication-slack", "min-score", "compatible-without-actor")


def last_resolve_options(store: GraphStore) -> dict[str, str]:
    """The thresholds of the run that last grouped the store's incidents: a standalone
    ``kg resolve`` records them; a build resolves with the defaults (an empty answer)."""
    import pyoxigraph as ox

    from kg.rdf import ACO, PROV

    sparql = f"""SELECT ?run ?start ?name ?value WHERE {{ GRAPH ?g {{
        ?run <{PROV}startedAtTime> ?start ; <{ACO}option> ?o .
        ?o <{ACO}optionName> ?name ; <{ACO}optionValue> ?value }} }} ORDER BY ?start ?run"""
    answer = store.store.query(sparql)
    assert isinstance(answer, ox.QuerySolutions)
    runs: dict[str, dict[str, str]] = {}
    for s in answer:
        runs.setdefault(s["run"].value, {})[s["name"].value] = s["value"].value
    resolving = [o for o in runs.values() if o.get("command") == "resolve" or o.get("resolve")
                 == "true"]  # fmt: skip
    last = resolving[-1] if resolving else {}
    return {k: last[k] for k in RESOLVE_OPTIONS if k in last}


def rules_from_options(options: dict[str, str]) -> GroupingRules:
    """Grouping rules from recorded options (the defaults where one is missing)."""
    from kg.incidents import GroupingRules

    default = GroupingRules()
    return GroupingRules(
        int(options.get("day-window", default.day_window)),
        int(options.get("publication-slack", default.publication_slack)),
        float(options.get("min-score", default.min_score)),
        options.get("compatible-without-actor", "false") != "true",
    )


def resolve(
    store_dir: Annotated[
        Path | None, typer.Option("--store", help="Resolve this store (default ./kg-store).")
    ] = None,
    day_window: Annotated[
        int, typer.Option(help="Most days between two reports whose days are known.", min=0)
    ] = 0,
    publication_slack: Annotated[
        int,
        typer.Option(
            help="Most days an event dated only by its publication may come after the other.",
            min=0,
        ),
    ] = 1,
    min_score: Annotated[
        float, typer.Option(help="Least evidence score for a report to join an incident.")
    ] = 3.0,
    compatible_without_actor: Annotated[
        bool,
        typer.Option(
            "--compatible-without-actor",
            help="Group compatible classes (strike and shelling, killing and its cause) "
            "even when the reports share no actor.",
        ),
    ] = False,
) -> None:
    """Group the per-document events of the store into incidents (res:graph/incidents) and
    derive territorial control claims (res:graph/control). Re-run after new documents."""
    from kg.cli import err, fail
    from kg.control import CONTROL_GRAPH
    from kg.provenance import check_store_version, record_resolve
    from kg.resolve import INCIDENTS_GRAPH
    from kg.store import DEFAULT_STORE, GraphStore

    options = {
        "day-window": str(day_window),
        "publication-slack": str(publication_slack),
        "min-score": str(min_score),
        "compatible-without-actor": str(compatible_without_actor).lower(),
    }
    try:
        store = GraphStore(store_dir or DEFAULT_STORE, create=False)
        check_store_version(store)
        line = run_resolve(
            store, rules(day_window, publication_slack, min_score, compatible_without_actor)
        )
        record_resolve(store, options, [INCIDENTS_GRAPH, CONTROL_GRAPH])
    except KgError as exc:
        fail(exc)
    err.print(line, markup=False)


def print_grouping_score(score: dict[str, Any]) -> None:
    """The incident part of ``kg eval``."""
    from rich.table import Table

    from kg.cli import out

    b = score["bcubed"]
    table = Table("incident grouping (B-cubed)", "P", "R", "F1", "reports scored", "bad merges")
    table.add_row(
        f"{score['gold_incidents']} gold incidents, {score['gold_reports']} reports",
        f"{b['p']:.3f}",
        f"{b['r']:.3f}",
        f"{b['f1']:.3f}",
        str(score["scored_reports"]),
        str(score["bad_merges"]),
    )
    out.print(table)
    out.print(
        f"gold reports not scored: {score['unmatched_reports']} with no system event, "
        f"{score['reports_not_in_an_incident']} whose event has no place or date",
        markup=False,
    )
