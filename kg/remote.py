"""Pushing a built graph into a remote SPARQL 1.1 store, one named graph per document.

Two ways in, chosen with ``method``:

- ``gsp``, the Graph Store HTTP Protocol: one ``PUT ?graph=IRI`` per graph, its triples as
  N-Triples. A PUT replaces the graph whole, so pushing twice leaves the store as one push does.
- ``update``, SPARQL 1.1 Update: requests of at most ``batch_size`` triples, each graph
  opened by ``DROP SILENT GRAPH`` and filled by ``INSERT DATA``. Every term is written by
  ``sparql_term``, escaped: nothing read from the graph is pasted raw into SPARQL.

Graphs go out in IRI order, so a push that failed resumes after the last graph the store
acknowledged (``resume_after``). Transient failures (connection errors, time-outs, HTTP 429
and 5xx) are retried with exponential back-off; retrying is safe because every request
replaces whole graphs. Anything else stops the push with a ``PushError`` that says what
failed, what was already sent and how to resume.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pyoxigraph as ox
import requests

from kg.endpoint import TRANSIENT, USER_AGENT
from kg.errors import EndpointError, InputError
from kg.query import sparql_string
from kg.store import GraphStore

METHODS = ("gsp", "update")
DEFAULT_BATCH = 5_000  # triples per SPARQL Update request
MAX_WAIT = 30.0  # seconds: the longest back-off, whatever Retry-After asks for
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_LANGUAGE = re.compile(r"^[A-Za-z]+(-[A-Za-z0-9]+)*$")
_BNODE = re.compile(r"^[A-Za-z0-9_]+$")


class HttpError(EndpointError):
    """The endpoint answered with an HTTP error status (``status``)."""

    def __init__(self, message: str, status: int, *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status = status


def check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"not an http(s) URL: {url!r}", hint="e.g. http://127.0.0.1:7878/store")
    return url


class HttpClient:
    """A ``requests`` session that retries transient failures with exponential back-off and
    turns every other failure into an ``EndpointError`` naming the request."""

    def __init__(
        self,
        *,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 60.0,
        retries: int = 3,
        backoff: float = 1.0,
    ) -> None:
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        if user is not None:
            self.session.auth = (user, password or "")
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff

    def close(self) -> None:
        self.session.close()

    def send(self, method: str, url: str, *, what: str, **kwargs: object) -> requests.Response:
        """Send one request; ``what`` names it in error messages ("PUT graph <…>")."""
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self.session.request(
                    method,
                    url,
                    timeout=(min(self.timeout, 10.0), self.timeout),
                    allow_redirects=False,
                    **kwargs,  # type: ignore[arg-type]
                )
            except requests.Timeout as exc:
                failure = f"no answer within {self.timeout:g} s"
                cause: Exception = exc
                wait = None
            except requests.ConnectionError as exc:
                failure = f"cannot connect to {urlsplit(url).netloc} ({_reason(exc)})"
                cause, wait = exc, None
            else:
                if response.status_code < 300:
                    return response
                if response.status_code not in TRANSIENT:
                    raise _refused(what, response)
                failure = _status(response)
                cause, wait = EndpointError(failure), _retry_after(response)
            if attempt > self.retries:
                tries = f" (after {attempt} attempts)" if attempt > 1 else ""
                raise EndpointError(f"{what}: {failure}{tries}") from cause
            time.sleep(
                min(wait if wait is not None else self.backoff * 2 ** (attempt - 1), MAX_WAIT)
            )


def _reason(exc: Exception) -> str:
    text = str(exc.args[0] if exc.args else exc)
    match = re.search(r"\[Errno -?\d+\] ([^'\")]+)", text)
    return match.group(1).strip() if match else text.splitlines()[0][:200]


def _status(response: requests.Response) -> str:
    body = (response.text or "").strip()
    first = body.splitlines()[0][:200] if body else ""
    text = f"HTTP {response.status_code} {response.reason or ''}".rstrip()
    return f"{text}: {first}" if first and not first.lstrip().startswith("<") else text


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    return float(value) if value.strip().isdigit() else None


def _refused(what: str, response: requests.Response) -> HttpError:
    code = response.status_code
    if 300 <= code < 400:
        where = response.headers.get("Location", "elsewhere")
        return HttpError(f"{what}: redirected to {where}", code, hint="use that URL instead")
    hint = {
        401: "the store wants credentials: give --user and --password",
        403: "these credentials may not write here: check --user and --password",
        404: "check the URL (Oxigraph serves /query, /update and the graph store at /store)",
        405: "this URL does not take that method: check --method and the URL",
        415: "the store does not take N-Triples there: try --method update",
    }.get(code)
    return HttpError(f"{what}: {_status(response)}", code, hint=hint)


# -- terms ---------------------------------------------------------------------------------


def iri_ref(value: str) -> str:
    """``value`` as a SPARQL IRI reference; refuses what cannot be written inside ``<…>``."""
    if _IRI_FORBIDDEN.search(value):
        raise InputError(f"not an IRI SPARQL can write: {value!r}")
    return f"<{value}>"


def sparql_term(term: object) -> str:
    """An RDF term written for SPARQL (INSERT DATA), escaped."""
    if isinstance(term, ox.NamedNode):
        return iri_ref(term.value)
    if isinstance(term, ox.BlankNode):
        if not _BNODE.match(term.value):
            raise InputError(f"unusual blank node label: {term.value!r}")
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        text = sparql_string(term.value)
        if term.language:
            if not _LANGUAGE.match(term.language):
                raise InputError(f"not a language tag: {term.language!r}")
            return f"{text}@{term.language}"
        if term.datatype.value != XSD_STRING:
            return f"{text}^^{iri_ref(term.datatype.value)}"
        return text
    raise InputError(f"cannot write {term!r} in SPARQL Update (RDF-star is not supported)")


def triple_text(t: ox.Triple) -> str:
    return f"{sparql_term(t.subject)} {sparql_term(t.predicate)} {sparql_term(t.object)} ."


# -- what to push --------------------------------------------------------------------------


def graph_names(store: GraphStore, into: str | None = None) -> list[str]:
    """The IRIs of the graphs to push, in the order they are pushed. Triples outside any named
    graph (a Turtle file) go to the graph ``into``, which must then be given."""
    names = []
    for g in store.store.named_graphs():
        if not isinstance(g, ox.NamedNode):
            raise InputError("a graph named by a blank node cannot be pushed")
        names.append(g.value)
    loose = next(iter(store.store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None)
    if loose is not None:
        if into is None:
            raise InputError(
                "the graph has triples outside any named graph",
                hint="name a graph for them with --into IRI, or push an .nq/.trig file",
            )
        if into in names:
            raise InputError(f"--into names a graph that is already in the data: {into}")
        iri_ref(into)
        names.append(into)
    return sorted(names)


def graph_triples(store: GraphStore, name: str, into: str | None = None) -> list[ox.Triple]:
    g = ox.DefaultGraph() if name == into else ox.NamedNode(name)
    return [q.triple for q in store.store.quads_for_pattern(None, None, None, g)]


@dataclass
class PushSummary:
    """What a push did so far: updated after every request, and returned at the end."""

    endpoint: str
    total_graphs: int = 0
    graphs: int = 0
    triples: int = 0
    skipped: int = 0
    requests: int = 0
    last_graph: str | None = None
    seconds: float = 0.0

    def line(self) -> str:
        parts = [f"{self.graphs} graphs, {self.triples} triples sent to {self.endpoint}"]
        if self.skipped:
            parts.append(f"{self.skipped} graphs skipped (already pushed)")
        parts.append(f"{self.requests} requests in {self.seconds:.1f} s")
        return ", ".join(parts)


class PushError(EndpointError):
    """A push stopped: ``summary`` holds what was sent, ``resume_after`` where to go on."""

    def __init__(self, cause: EndpointError, summary: PushSummary, resume_after: str | None):
        todo = summary.total_graphs - summary.skipped
        message = (
            f"push to {summary.endpoint} failed: {cause.message}; "
            f"{summary.graphs} of {todo} graphs ({summary.triples} triples) were sent before it"
        )
        if summary.skipped:
            message += f" and {summary.skipped} skipped as already pushed"
        message += (
            f"; resume with --resume-after {resume_after}"
            if resume_after
            else "; no graph was sent whole: run it again"
        )
        hint = "pushing again from the start is safe too: every graph is replaced whole"
        super().__init__(message, hint=f"{cause.hint}; {hint}" if cause.hint else hint)
        self.summary = summary
        self.resume_after = resume_after


@dataclass
class _Request:
    body: str
    triples: int
    completed: list[str] = field(default_factory=list)  # graphs whose last triples are in it


def update_requests(
    graphs: Iterable[tuple[str, list[ox.Triple]]], batch: int
) -> Iterator[_Request]:
    """SPARQL Update requests of about ``batch`` triples: ``DROP SILENT GRAPH`` opens each
    graph, ``INSERT DATA`` fills it. A graph with blank nodes is never split (a blank node
    label means one node within one request only)."""
    ops: list[str] = []
    request = _Request("", 0)
    for name, triples in graphs:
        g = iri_ref(name)
        ops.append(f"DROP SILENT GRAPH {g}")
        has_bnodes = any(
            isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)
            for t in triples
        )
        start = 0
        while start < len(triples):
            room = len(triples) if has_bnodes else max(batch - request.triples, 1)
            chunk = triples[start : start + room]
            ops.append(
                f"INSERT DATA {{ GRAPH {g} {{\n" + "\n".join(map(triple_text, chunk)) + "\n} }"
            )
            request.triples += len(chunk)
            start += len(chunk)
            if request.triples >= batch and start < len(triples):
                request.body = " ;\n".join(ops) + "\n"
                yield request
                ops, request = [], _Request("", 0)
        request.completed.append(name)
        if request.triples >= batch:
            request.body = " ;\n".join(ops) + "\n"
            yield request
            ops, request = [], _Request("", 0)
    if ops:
        request.body = " ;\n".join(ops) + "\n"
        yield request


def check_push_options(endpoint: str, method: str, batch_size: int) -> None:
    check_url(endpoint)
    if method not in METHODS:
        raise InputError(f"unknown push method {method!r}", hint="use gsp or update")
    if batch_size < 1:
        raise InputError("the batch size must be at least 1 triple")


def push(
    store: GraphStore,
    endpoint: str,
    *,
    method: str = "gsp",
    into: str | None = None,
    batch_size: int = DEFAULT_BATCH,
    resume_after: str | None = None,
    user: str | None = None,
    password: str | None = None,
    timeout: float = 60.0,
    retries: int = 3,
    backoff: float = 1.0,
    progress: Callable[[PushSummary], None] | None = None,
) -> PushSummary:
    """Send every named graph of ``store`` to ``endpoint``: the graph store URL for ``gsp``
    (Oxigraph: ``…/store``), the update URL for ``update`` (Oxigraph: ``…/update``).
    Graphs whose IRI sorts at or before ``resume_after`` are skipped."""
    check_push_options(endpoint, method, batch_size)
    names = graph_names(store, into)
    summary = PushSummary(endpoint, total_graphs=len(names))
    todo = [n for n in names if resume_after is None or n > resume_after]
    summary.skipped = len(names) - len(todo)
    started = time.perf_counter()
    client = HttpClient(
        user=user, password=password, timeout=timeout, retries=retries, backoff=backoff
    )
    sent_upto = resume_after if summary.skipped else None

    def acknowledged(graphs: list[str], triples: int) -> None:
        nonlocal sent_upto
        summary.requests += 1
        summary.graphs += len(graphs)
        summary.triples += triples
        if graphs:
            summary.last_graph = sent_upto = graphs[-1]
        summary.seconds = time.perf_counter() - started
        if progress:
            progress(summary)

    pairs = ((n, graph_triples(store, n, into)) for n in todo)
    try:
        if method == "gsp":
            for name, triples in pairs:
                body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
                client.send(
                    "PUT",
                    endpoint,
                    what=f"PUT graph <{name}>",
                    params={"graph": name},
                    data=body,
                    headers={"Content-Type": "application/n-triples"},
                )
                acknowledged([name], len(triples))
        else:
            for n, request in enumerate(update_requests(pairs, batch_size), start=1):
                client.send(
                    "POST",
                    endpoint,
                    what=f"update request {n} ({request.triples} triples)",
                    data=request.body.encode("utf-8"),
                    headers={"Content-Type": "application/sparql-update; charset=utf-8"},
                )
                acknowledged(request.completed, request.triples)
    except EndpointError as exc:
        summary.seconds = time.perf_counter() - started
        raise PushError(exc, summary, sent_upto) from exc
    finally:
        client.close()
    summary.seconds = time.perf_counter() - started
    return summary
