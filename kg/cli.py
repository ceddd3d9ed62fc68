"""The ``kg`` command line: parse options, call the library, turn errors into one line."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from kg import __version__
from kg.errors import InputError, KgError
from kg.resources import ONTOLOGY_DIR

if TYPE_CHECKING:
    from kg.corpus import CorpusReader
    from kg.pipeline import BuildSummary, Mapper, Sink
    from kg.provenance import RunRecord

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


def fail(exc: KgError, exit_code: int | None = None) -> NoReturn:
    err.print(f"Error: {exc.message}", markup=False)
    if exc.hint:
        err.print(f"Hint: {exc.hint}", markup=False)
    raise typer.Exit(exc.exit_code if exit_code is None else exit_code)


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
    workers: Annotated[
        int | None,
        typer.Option(
            help="Extract in this many processes (default: all cores; 1 = serial).", min=1
        ),
    ] = None,
    ner: Annotated[
        str,
        typer.Option(
            help="Recogniser: rules (default), or camel to add camel-tools' pretrained NER "
            "model (installed with `camel_data -i ner-arabert`; runs in this process)."
        ),
    ] = "rules",
    no_resolve: Annotated[
        bool, typer.Option("--no-resolve", help="Do not group events into incidents (kg resolve).")
    ] = False,
) -> None:
    """Build the graph from a corpus: into the embedded store, an RDF file, or both."""
    from kg.corpus import CorpusReader
    from kg.parallel import mapper_for
    from kg.pipeline import FileSink, StoreSink
    from kg.pipeline import build as run_build
    from kg.provenance import RunRecord, build_options, check_store_version, supersede
    from kg.store import DEFAULT_STORE, GraphStore, rdf_format

    try:
        if out_file is not None:
            rdf_format(out_file)
        mapper = mapper_for(workers) if ner == "rules" else _ner_mapper(ner)
        reader = CorpusReader(corpus, policy=on_error)
        sinks: list[Sink] = []
        known = None
        store = None
        if store_dir is not None or out_file is None:
            store = GraphStore(store_dir or DEFAULT_STORE)
            check_store_version(store)
            store.ensure_ontology()
            known = None if full else store.document_hashes()
            sinks.append(StoreSink(store))
        if out_file is not None:
            sinks.append(FileSink(out_file))
        options = build_options(corpus, out_file, store, on_error, full, workers)
        options["ner"] = ner
        options["resolve"] = str(store is not None and not no_resolve).lower()
        run = RunRecord(options)
        summary = _run_with_progress(run_build, reader, sinks, known, mapper, run)
        if store is not None:
            supersede(store, run)
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
    if store is not None and not no_resolve:
        from kg.cli_incidents import run_resolve

        try:
            err.print(run_resolve(store), markup=False)
            from kg.control import CONTROL_GRAPH
            from kg.provenance import add_generated
            from kg.resolve import INCIDENTS_GRAPH

            add_generated(store, run, [INCIDENTS_GRAPH, CONTROL_GRAPH])
        except KgError as exc:
            fail(exc)


def _ner_mapper(name: str) -> Mapper:
    """Serial extraction with a statistical recogniser (``kg.ner``) beside the rules."""
    from functools import partial

    from kg.ner import load_camel_ner
    from kg.pipeline import serial_graphs

    if name != "camel":
        raise InputError(f"unknown recogniser {name!r}", hint="use --ner rules or --ner camel")
    return partial(serial_graphs, ner=load_camel_ner())


def _run_with_progress(
    run_build: Callable[..., BuildSummary],
    reader: CorpusReader,
    sinks: list[Sink],
    known: dict[str, str] | None,
    mapper: Mapper,
    run: RunRecord,
) -> BuildSummary:
    if not err.is_terminal:
        return run_build(reader, sinks, known_hashes=known, mapper=mapper, run=run)
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

        return run_build(reader, sinks, known_hashes=known, mapper=mapper, progress=update, run=run)


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
        str,
        typer.Option(
            "--format",
            help="SELECT/ASK: table, csv, tsv or json (SPARQL JSON). "
            "CONSTRUCT/DESCRIBE: turtle (the default for them), ntriples or jsonld.",
        ),
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
    from kg import results as answers
    from kg.provenance import check_store_version
    from kg.store import DEFAULT_STORE, GraphStore

    try:
        if sum(x is not None for x in (graph, store_dir, endpoint)) > 1:
            raise InputError("use only one of --graph, --store and --endpoint")
        if fmt not in answers.FORMATS:
            raise InputError(
                f"unknown format {fmt!r}", hint="use one of " + ", ".join(answers.FORMATS)
            )
        text = q.resolve_query(sparql)
        bindings = _parse_bindings(bind or [])
        if endpoint:
            answer = answers.run(
                text, endpoint=endpoint, bindings=bindings, user=user, password=password
            )
        else:
            if graph is not None:
                if not graph.exists():
                    raise InputError(f"no such graph file: {graph}")
                store = GraphStore(None)
                store.load_file(graph)
                store.ensure_ontology()
            else:
                store = GraphStore(store_dir or DEFAULT_STORE, read_only=True)
                check_store_version(store)
            answer = answers.run(text, store=store, bindings=bindings)
        if not isinstance(answer, q.Results):  # a CONSTRUCT or DESCRIBE graph
            sys.stdout.write(answers.render(answer, "turtle" if fmt == "table" else fmt))
            return
        results = answer
        if fmt != "table":
            sys.stdout.write(answers.render(results, fmt))
            return
    except KgError as exc:
        fail(exc)
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


@app.command("eval")
def evaluate_command(
    gold: Annotated[
        list[Path], typer.Argument(help="Gold annotation files or folders (docs/annotation.md).")
    ],
    graph: Annotated[Path | None, typer.Option(help="Score this RDF file.")] = None,
    store_dir: Annotated[
        Path | None, typer.Option("--store", help="Score this store (default ./kg-store).")
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Also write the full report as JSON.")
    ] = None,
    precision_gold: Annotated[
        Path | None,
        typer.Option(
            "--precision",
            help="Precision and place gold (default: precision.jsonl beside the gold folder).",
        ),
    ] = None,
) -> None:
    """Score a built graph against gold mentions, links, events and precision codes."""
    from kg.evaluate import evaluate, read_gold, read_graph
    from kg.store import DEFAULT_STORE, GraphStore

    try:
        if graph is not None:
            store = GraphStore(None)
            store.load_file(graph)
        else:
            store = GraphStore(store_dir or DEFAULT_STORE, read_only=True)
        records = read_gold(gold)
        docs = read_graph(store)
        report = evaluate(records, docs)
        beside = gold[0].parent / "precision.jsonl" if gold and gold[0].is_dir() else None
        precision_gold = precision_gold or (beside if beside and beside.exists() else None)
        if precision_gold is not None:
            from kg import score_precision as sp

            codes = sp.read_codes(store)
            pg = sp.read_precision_gold(precision_gold)
            report.precision = sp.score_precision(report.matched, pg, codes, docs).as_dict()
        data = report.as_dict()
        incident_gold = [g for g in records if "incident" in g]
        if incident_gold:
            from kg.bcubed import score_incidents

            data["incidents"] = score_incidents(incident_gold, store).as_dict()
    except KgError as exc:
        fail(exc)
    if json_out is not None:
        json_out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    _print_report(data)


def _print_report(data: dict[str, Any]) -> None:
    out.print(
        f"documents scored: {data['documents']}"
        + (
            f" (missing from the graph: {len(data['missing_documents'])})"
            if data["missing_documents"]
            else ""
        )
    )
    table = Table("measure", "P", "R", "F1", "TP", "FP", "FN")
    rows = [
        ("mentions, exact span", data["mentions"]["exact"]),
        ("mentions, span + kind", data["mentions"]["typed"]),
        ("mentions, overlap", data["mentions"]["overlap"]),
        *((f"  kind {k}", v) for k, v in data["mentions"]["by_kind"].items()),
        ("linking, span + QID", data["linking"]["span_qid"]),
        *((f"  linking {k}", v) for k, v in data["linking"]["by_kind"].items()),
        ("linking, bag of QIDs", data["linking"]["bag_of_qids"]),
        ("events, type", data["events"]["type"]),
        *((f"  class {k}", v) for k, v in data["events"]["by_class"].items()),
        ("events, role fillers", data["events"]["arguments"]),
        ("sentences with violence", data["events"]["violent_sentences"]),
        ("sentences with protest", data["events"]["protest_sentences"]),
    ]
    for name, r in rows:
        table.add_row(
            name,
            f"{r['p']:.3f}",
            f"{r['r']:.3f}",
            f"{r['f1']:.3f}",
            str(r["tp"]),
            str(r["fp"]),
            str(r["fn"]),
        )
    out.print(table)
    acc = Table("accuracy", "value", "right", "of")
    nil = data["linking"]["nil_accuracy"]
    acc.add_row(
        "NIL (found gold NIL mentions left unlinked)",
        f"{nil['accuracy']:.3f}",
        str(nil["right"]),
        str(nil["total"]),
    )
    for key in ("place", "date", "fatalities"):
        r = data["events"][key]
        acc.add_row(
            f"{key} on matched events", f"{r['accuracy']:.3f}", str(r["right"]), str(r["total"])
        )
    for key, name in (("time_precision", "time precision code"),
                      ("from_publication", "dated by publication only"),
                      ("geo_precision", "geo precision code"),
                      ("geo_precision_right_place", "geo precision code, place right"),
                      ("place", "where-it-happened place")):  # fmt: skip
        if "precision" in data:
            r = data["precision"][key]
            acc.add_row(f"{name} on matched events", f"{r['accuracy']:.3f}", str(r["right"]),
                        str(r["total"]))  # fmt: skip
    ev = data["events"]
    acc.add_row(
        "negated gold events asserted as facts",
        str(ev["negated_asserted"]),
        "",
        str(ev["negated_total"]),
    )
    out.print(acc)
    if "incidents" in data:
        from kg.cli_incidents import print_grouping_score

        print_grouping_score(data["incidents"])
    errors = Table("remaining errors", "count")
    for name, n in list(data["errors"].items())[:25]:
        errors.add_row(name, str(n))
    out.print(errors)


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
    """Print where the ontology and its JSON-LD context live, and its classes."""
    import rdflib

    path = ONTOLOGY_DIR / "conflict.ttl"
    out.print(f"ontology: {path}", markup=False)
    for shapes in sorted((ONTOLOGY_DIR / "shapes").glob("*.ttl")):
        out.print(f"shapes:   {shapes}", markup=False)
    out.print(f"context:  {ONTOLOGY_DIR / 'context.jsonld'}", markup=False)
    g = rdflib.Graph().parse(path)
    rows = g.query(
        """SELECT ?c ?en ?ar WHERE { ?c a owl:Class ; rdfs:label ?en , ?ar .
           FILTER(lang(?en) = "en" && lang(?ar) = "ar") } ORDER BY ?c"""
    )
    table = Table("class", "label", "التسمية")
    for c, en, ar in rows:  # type: ignore[misc]
        table.add_row(str(c).split("#")[-1], str(en), str(ar))
    out.print(table)


def _register_extensions() -> None:
    from kg import cli_audit, cli_export, cli_incidents, cli_linked, cli_scale, cli_validate

    cli_incidents.register(app)
    cli_linked.register(app)
    cli_scale.register(app)
    cli_export.register(app)
    cli_validate.register(app)
    cli_audit.register(app)


_register_extensions()

if __name__ == "__main__":
    app()
