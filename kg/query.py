"""Running SPARQL: which query (a name from ``queries/``, a file, or inline text), where (the
embedded store, an RDF file, a remote endpoint), and printing the results."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import InputError, QueryError
from kg.resources import QUERIES_DIR
from kg.store import GraphStore

RESULT_FORMATS = ("table", "csv", "tsv", "json")


Term = dict[str, str]  # a SPARQL 1.1 JSON results term: {"type", "value", "xml:lang"|"datatype"}


@dataclass
class Results:
    """SELECT results (terms in SPARQL JSON shape, None for unbound), or an ASK answer."""

    variables: list[str]
    rows: list[list[Term | None]]
    boolean: bool | None = None

    def values(self) -> list[list[str | None]]:
        return [[t["value"] if t else None for t in row] for row in self.rows]


def available_queries(directory: Path = QUERIES_DIR) -> dict[str, Path]:
    return {p.stem: p for p in sorted(directory.glob("*.rq"))}


def describe_query(path: Path) -> str:
    """The query's opening comment: what it answers."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("# ").rstrip())
    return " ".join(x for x in lines if x)


def resolve_query(spec: str, directory: Path = QUERIES_DIR) -> str:
    """The SPARQL text for ``spec``: a path to a ``.rq`` file, a name in ``queries/``, or SPARQL."""
    path = Path(spec)
    if spec.endswith(".rq") or path.suffix == ".rq":
        if not path.exists():
            raise InputError(f"no such query file: {spec}")
        return path.read_text(encoding="utf-8")
    named = available_queries(directory)
    if spec in named:
        return named[spec].read_text(encoding="utf-8")
    keywords = ("select", "ask", "construct", "describe", "prefix", "base")
    if any(w in spec.lower() for w in keywords):
        return spec
    raise InputError(
        f"unknown query {spec!r}",
        hint="use a .rq file, inline SPARQL, or one of: " + ", ".join(named),
    )


def _term(term: Any) -> Term | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": str(term.value)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def run_local(store: GraphStore, sparql: str, bindings: dict[str, str] | None = None) -> Results:
    answer = store.query(with_values(sparql, bindings or {}))
    if isinstance(answer, ox.QueryBoolean):
        return Results([], [], bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows = [[_term(sol[v]) for v in variables] for sol in answer]
        return Results(variables, rows)
    raise QueryError("a CONSTRUCT or DESCRIBE query answers a graph: run it with kg.results.run")


def run_file(path: Path, sparql: str, bindings: dict[str, str] | None = None) -> Results:
    if not path.exists():
        raise InputError(f"no such graph file: {path}")
    store = GraphStore(None)
    store.load_file(path)
    store.ensure_ontology()
    return run_local(store, sparql, bindings)


def sparql_string(value: str) -> str:
    """``value`` as a SPARQL string literal, escaped: user input is never pasted raw."""
    escaped = (
        value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    return f'"{escaped}"'


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def with_values(sparql: str, bindings: dict[str, str]) -> str:
    """Bind each variable to its (escaped) value with a VALUES block at the start of the
    query's first WHERE group, so that the rest of the pattern sees it bound."""
    if not bindings:
        return sparql
    for name in bindings:
        if not name.isidentifier():
            raise InputError(f"not a SPARQL variable name: {name!r}")
    names = " ".join(f"?{n}" for n in bindings)
    values = " ".join(sparql_string(v) for v in bindings.values())
    block = f" VALUES ({names}) {{ ({values}) }} "
    match = _WHERE.search(sparql)
    if match is None:
        raise InputError("--bind needs a query with a WHERE clause")
    return sparql[: match.end()] + block + sparql[match.end() :]


def run_endpoint(
    url: str, sparql: str, bindings: dict[str, str] | None = None, **options: Any
) -> Results:
    from kg.endpoint import select

    doc = select(url, with_values(sparql, bindings or {}), **options)
    if "boolean" in doc:
        return Results([], [], bool(doc["boolean"]))
    try:
        variables = list(doc["head"]["vars"])
        rows = [[b.get(v) for v in variables] for b in doc["results"]["bindings"]]
    except (KeyError, TypeError) as exc:
        raise QueryError(f"{url}: malformed SPARQL JSON results ({exc})") from exc
    return Results(variables, rows)


def render(results: Results, fmt: str) -> str:
    """Results as csv, tsv or SPARQL JSON text ("table" is drawn by the CLI)."""
    if results.boolean is not None:
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": results.boolean}) + "\n"
        return ("true" if results.boolean else "false") + "\n"
    if fmt in ("csv", "tsv"):
        out = io.StringIO()
        writer = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(results.variables)
        writer.writerows([["" if v is None else v for v in row] for row in results.values()])
        return out.getvalue()
    if fmt == "json":
        bindings = [
            {v: t for v, t in zip(results.variables, row, strict=True) if t is not None}
            for row in results.rows
        ]
        return (
            json.dumps(
                {"head": {"vars": results.variables}, "results": {"bindings": bindings}},
                ensure_ascii=False,
                indent=1,
            )
            + "\n"
        )
    raise InputError(
        f"unknown result format {fmt!r}", hint="use one of " + ", ".join(RESULT_FORMATS)
    )
