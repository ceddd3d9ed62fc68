"""Servers for the tests that talk HTTP, all on loopback: a real Oxigraph SPARQL server
(``oxigraph serve``), and a tiny stdlib server that injects faults (error answers, answers
that never come, malformed bodies) and can pass the first requests through to a real one."""

from __future__ import annotations

import contextlib
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

from kg.corpus import CorpusReader
from kg.errors import EndpointError, StoreError
from kg.pipeline import FileSink, StoreSink, build
from kg.serve import SparqlServer
from kg.store import GraphStore
from tests.conftest import EXAMPLES

FIXTURES = Path(__file__).resolve().parent / "fixtures"
WIKIDATA_FIXTURE = FIXTURES / "wikidata.ttl"
WIKIDATA = "https://query.wikidata.org/sparql"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    return free_port()


@contextlib.contextmanager
def oxigraph(location: Path | None = None, *, read_only: bool = False) -> Iterator[SparqlServer]:
    """A real ``oxigraph`` server on a free loopback port, stopped on exit."""
    for attempt in range(3):
        server = SparqlServer(location, port=free_port(), read_only=read_only)
        try:
            server.start(wait=20)
            break
        except (StoreError, EndpointError):
            if attempt == 2:
                raise
    try:
        yield server
    finally:
        server.stop()


def load_default_graph(server: SparqlServer, turtle: Path) -> None:
    """Put a Turtle file into the server's default graph (Graph Store Protocol POST)."""
    response = requests.post(
        server.store_url + "?default",
        data=turtle.read_bytes(),
        headers={"Content-Type": "text/turtle"},
        timeout=10,
    )
    response.raise_for_status()


def build_examples(folder: Path) -> tuple[Path, GraphStore]:
    """The example corpus built into an N-Quads file and an on-disk store (with ontology)."""
    store = GraphStore(folder / "store")
    store.ensure_ontology()
    nq = folder / "examples.nq"
    build(CorpusReader([EXAMPLES]), [StoreSink(store), FileSink(nq)])
    return nq, store


def quads(server: SparqlServer) -> set[tuple[str, str, str, str]]:
    """Every quad in the server's named graphs, as N-Triples-ish strings, for comparison."""
    query = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
    answer = requests.post(
        server.query_url,
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    answer.raise_for_status()
    out = set()
    for b in answer.json()["results"]["bindings"]:
        out.add(tuple(_text(b[v]) for v in ("g", "s", "p", "o")))
    return out  # type: ignore[return-value]


def _text(term: dict[str, str]) -> str:
    extra = term.get("xml:lang") or term.get("datatype") or ""
    return f"{term['type']}|{term['value']}|{extra}"


class FaultServer:
    """A loopback HTTP server for fault injection. The first ``pass_through`` requests go to
    ``upstream`` (a real server) and its answer comes back; every later request waits
    ``hang`` seconds (released early on close), then gets ``status`` with ``body``. With
    ``fail_first``, it is the other way round: the first requests fail, the rest are relayed.
    ``seen`` records each request's method, path and Authorization header."""

    def __init__(
        self,
        *,
        status: int = 500,
        body: bytes = b"injected failure",
        content_type: str = "text/plain",
        upstream: str | None = None,
        pass_through: int = 0,
        fail_first: int = 0,
        hang: float = 0.0,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.status, self.body, self.content_type = status, body, content_type
        self.upstream, self.pass_through, self.hang = upstream, pass_through, hang
        self.fail_first, self.headers = fail_first, headers or {}
        self.seen: list[tuple[str, str, str]] = []
        self.release = threading.Event()
        self.lock = threading.Lock()
        fault = self

        class Handler(BaseHTTPRequestHandler):
            def handle_any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with fault.lock:
                    n = len(fault.seen)
                    auth = self.headers.get("Authorization", "")
                    fault.seen.append((self.command, self.path, auth))
                relayed = n >= fault.fail_first if fault.fail_first else n < fault.pass_through
                if fault.upstream is not None and relayed:
                    self.relay(body)
                    return
                if fault.hang:
                    fault.release.wait(fault.hang)
                self.answer(fault.status, fault.content_type, fault.body)

            def relay(self, body: bytes) -> None:
                assert fault.upstream is not None
                request = urllib.request.Request(
                    fault.upstream + self.path, data=body or None, method=self.command
                )
                for name in ("Content-Type", "Accept"):
                    if self.headers.get(name):
                        request.add_header(name, self.headers[name])
                try:
                    with urllib.request.urlopen(request, timeout=10) as up:
                        self.answer(up.status, up.headers.get("Content-Type", ""), up.read())
                except urllib.error.HTTPError as exc:
                    self.answer(exc.code, exc.headers.get("Content-Type", ""), exc.read())

            def answer(self, status: int, content_type: str, body: bytes) -> None:
                try:
                    self.send_response(status)
                    if content_type:
                        self.send_header("Content-Type", content_type)
                    for name, value in fault.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting: that is the point of a hang

            do_GET = do_POST = do_PUT = do_HEAD = handle_any

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = int(self.httpd.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> FaultServer:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
