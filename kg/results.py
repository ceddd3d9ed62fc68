"""Answers of any query form, wherever the query runs, and how they are written.

SELECT and ASK answers are ``kg.query.Results`` and are written by ``kg.query.render`` (csv,
tsv, SPARQL JSON). CONSTRUCT and DESCRIBE answers are rdflib graphs, written as Turtle,
N-Triples or JSON-LD compacted with the project's published context
(``ontology/context.jsonld``).
"""

from __future__ import annotations

import json
import re
import warnings
from functools import lru_cache
from typing import Any

import pyoxigraph as ox
import rdflib

from kg import query as q
from kg.errors import EndpointError, InputError, QueryError
from kg.remote import HttpClient, HttpError, check_url
from kg.resources import ONTOLOGY_DIR
from kg.store import GraphStore

CONTEXT_FILE = ONTOLOGY_DIR / "context.jsonld"
GRAPH_FORMATS = ("turtle", "ntriples", "jsonld")
FORMATS = (*q.RESULT_FORMATS, *GRAPH_FORMATS)
GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")
_PROLOGUE = re.compile(
    r"\s+|#[^\n]*|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>", re.IGNORECASE | re.ASCII
)
_FORM = re.compile(r"(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_RDF_TYPES = {
    "application/n-triples": "nt",
    "text/plain": "nt",
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}
Answer = q.Results | rdflib.Graph


def query_form(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the form of a query, read past its prologue."""
    pos = 0
    while match := _PROLOGUE.match(sparql, pos):
        if match.end() == pos:
            break
        pos = match.end()
    form = _FORM.match(sparql, pos)
    if form is None:
        raise QueryError("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    return form.group(1).upper()


@lru_cache(maxsize=1)
def jsonld_context() -> dict[str, str]:
    """The project's JSON-LD context: a prefix for every namespace the graph uses."""
    data = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))
    return dict(data["@context"])


def construct_local(
    store: GraphStore, sparql: str, bindings: dict[str, str] | None = None
) -> rdflib.Graph:
    answer = store.query(q.with_values(sparql, bindings or {}))
    if not isinstance(answer, ox.QueryTriples):
        raise QueryError("expected a CONSTRUCT or DESCRIBE query")
    data = answer.serialize(format=ox.RdfFormat.N_TRIPLES) or b""
    return _bind(rdflib.Graph().parse(data=data.decode("utf-8"), format="nt"))


def construct_endpoint(
    url: str,
    sparql: str,
    bindings: dict[str, str] | None = None,
    *,
    user: str | None = None,
    password: str | None = None,
    timeout: float = 60.0,
    retries: int = 3,
    backoff: float = 1.0,
) -> rdflib.Graph:
    """Run a CONSTRUCT or DESCRIBE query on a remote endpoint (SPARQL protocol, POST form)."""
    check_url(url)
    client = HttpClient(
        user=user, password=password, timeout=timeout, retries=retries, backoff=backoff
    )
    accept = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
    try:
        response = client.send(
            "POST",
            url,
            what=f"query on {url}",
            data={"query": q.with_values(sparql, bindings or {})},
            headers={"Accept": accept},
        )
    except HttpError as exc:
        if exc.status == 400:
            raise QueryError(f"{url} rejected the query: {exc.message}") from exc
        raise
    finally:
        client.close()
    media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if media not in _RDF_TYPES:
        raise EndpointError(f"{url} answered {media or 'no content type'}, not an RDF graph")
    try:
        graph = rdflib.Graph().parse(data=response.content, format=_RDF_TYPES[media])
    except Exception as exc:  # rdflib's parsers raise many kinds
        raise EndpointError(f"{url} returned a malformed {media} graph ({exc})") from exc
    return _bind(graph)


def select_endpoint(
    url: str, sparql: str, bindings: dict[str, str] | None = None, **options: Any
) -> q.Results:
    """``kg.query.run_endpoint`` with malformed answers turned into ``EndpointError``."""
    check_url(url)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # SPARQLWrapper on a non-JSON answer
        try:
            return q.run_endpoint(url, sparql, bindings, **options)
        except ValueError as exc:
            raise EndpointError(f"{url} returned malformed SPARQL JSON results ({exc})") from exc
        except QueryError as exc:
            if "malformed" in exc.message:
                raise EndpointError(exc.message) from exc
            raise


def run(
    sparql: str,
    *,
    store: GraphStore | None = None,
    endpoint: str | None = None,
    bindings: dict[str, str] | None = None,
    **options: Any,
) -> Answer:
    """Run any query on the store or on ``endpoint`` (``options``: user, password, timeout)."""
    graph_form = query_form(sparql) in GRAPH_FORMS
    if endpoint is not None:
        if graph_form:
            return construct_endpoint(endpoint, sparql, bindings, **options)
        return select_endpoint(endpoint, sparql, bindings, **options)
    if store is None:
        raise InputError("nothing to query: give a store or an endpoint")
    if graph_form:
        return construct_local(store, sparql, bindings)
    return q.run_local(store, sparql, bindings)


def render(answer: Answer, fmt: str) -> str:
    """Write an answer: SELECT/ASK as csv, tsv or json; CONSTRUCT/DESCRIBE as turtle,
    ntriples or jsonld."""
    if isinstance(answer, rdflib.Graph):
        if fmt not in GRAPH_FORMATS:
            raise InputError(
                f"a CONSTRUCT or DESCRIBE answer cannot be written as {fmt!r}",
                hint="use --format " + ", ".join(GRAPH_FORMATS),
            )
        return render_graph(answer, fmt)
    if fmt in GRAPH_FORMATS:
        raise InputError(
            f"a SELECT or ASK answer cannot be written as {fmt!r}",
            hint="use --format " + ", ".join(x for x in q.RESULT_FORMATS if x != "table"),
        )
    return q.render(answer, fmt)


def render_graph(graph: rdflib.Graph, fmt: str) -> str:
    if fmt == "turtle":
        return _bind(graph).serialize(format="turtle")
    if fmt == "ntriples":
        return "".join(sorted(graph.serialize(format="nt").splitlines(keepends=True)))
    if fmt == "jsonld":
        text = graph.serialize(format="json-ld", context=jsonld_context(), auto_compact=True)
        return text if text.endswith("\n") else text + "\n"
    raise InputError(f"unknown graph format {fmt!r}", hint="use one of " + ", ".join(GRAPH_FORMATS))


def _bind(graph: rdflib.Graph) -> rdflib.Graph:
    for prefix, namespace in jsonld_context().items():
        graph.bind(prefix, namespace, replace=True)
    return graph
