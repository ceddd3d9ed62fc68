"""``kg validate``: check a built graph (the store or a file) against the SHACL shapes of
``ontology/shapes/``. Exit 0 when it conforms, 1 when it does not, 2 on an error.
``register(app)`` adds the command to the ``kg`` app."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kg.errors import InputError, KgError

if TYPE_CHECKING:
    from kg.validate import ValidationReport


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)


def validate(
    graph: Annotated[
        Path | None, typer.Option(help="Validate this RDF file (.nq .trig .nt .ttl .jsonld).")
    ] = None,
    store_dir: Annotated[
        Path | None,
        typer.Option("--store", help="Validate this embedded store (default ./kg-store)."),
    ] = None,
    shapes: Annotated[
        Path | None,
        typer.Option(help="Folder of SHACL shapes (*.ttl); default: the shipped ontology/shapes."),
    ] = None,
    limit: Annotated[
        int, typer.Option(help="Print at most this many results (all are counted).", min=0)
    ] = 50,
) -> None:
    """Validate the graph against the SHACL shapes of the graph contract (pySHACL)."""
    from kg.cli import err, fail
    from kg.store import DEFAULT_STORE, GraphStore
    from kg.validate import SHAPES_DIR, load_shapes, validate_file, validate_store

    try:
        if graph is not None and store_dir is not None:
            raise InputError("use only one of --graph and --store")
        shapes_graph = load_shapes(shapes or SHAPES_DIR)
        if graph is not None:
            report = validate_file(graph, shapes_graph)
        else:
            store = GraphStore(store_dir or DEFAULT_STORE, read_only=True)
            report = validate_store(store, shapes_graph)
    except KgError as exc:
        fail(exc, exit_code=2)
    print_report(report, limit)
    if not report.conforms:
        err.print(f"the graph does not conform: {len(report.violations)} violations", markup=False)
        raise typer.Exit(1)


def print_report(report: ValidationReport, limit: int) -> None:
    """Each result (focus node, path, value, message, shape), then a count by shape."""
    from kg.cli import out

    for r in report.results[:limit]:
        where = r.focus + (f"  path {r.path}" if r.path else "")
        value = f"  value {r.value}" if r.value and r.value != r.focus else ""
        out.print(f"{r.severity}: {where}{value}\n    {r.message}  [{r.shape}]", markup=False)
    if len(report.results) > limit:
        out.print(f"… {len(report.results) - limit} more (use --limit)", markup=False)
    if report.results:
        out.print("results by shape:", markup=False)
        for shape, n in sorted(report.by_shape().items(), key=lambda kv: (-kv[1], kv[0])):
            out.print(f"  {n:6d}  {shape}", markup=False)
    verdict = "conforms" if report.conforms else "does not conform"
    out.print(
        f"{report.documents} document graphs in {report.units} units validated: "
        f"{len(report.violations)} violations, {len(report.results) - len(report.violations)} "
        f"warnings; the graph {verdict}",
        markup=False,
    )
