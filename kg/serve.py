"""The embedded store as a SPARQL 1.1 HTTP endpoint, served by Oxigraph's own server.

``SparqlServer`` runs the ``oxigraph`` command (package ``oxigraph``, the ``server`` extra) as a
child process: ``serve-read-only`` on a built store for ``kg serve``, or ``serve`` (read-write,
in memory when no folder is given) for a scratch store to push to. It binds 127.0.0.1 unless
told otherwise, waits until the server answers a query, and stops it on ``stop()``.
Queries see the union of all named graphs as the default graph, as on the embedded store.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType

import requests

from kg.errors import EndpointError, InputError, StoreError
from kg.store import META_FILE

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
PROBE = "ASK {}"


def oxigraph_command() -> str:
    """The path of the ``oxigraph`` server command (beside this Python, or on PATH)."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if found is None:
        raise StoreError(
            "the `oxigraph` server command is not installed",
            hint="pip install 'arabic-conflict-kg[server]'",
        )
    return found


class SparqlServer:
    """An ``oxigraph`` server process: ``with SparqlServer(path) as server: server.query_url``."""

    def __init__(
        self,
        location: Path | None,
        *,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        read_only: bool = True,
        query_timeout: float | None = None,
    ) -> None:
        if read_only and location is None:
            raise InputError("a read-only server needs a store folder")
        if not 0 < port < 65536:
            raise InputError(f"not a port number: {port}")
        self.location = location
        self.host = host
        self.port = port
        self.read_only = read_only
        self.query_timeout = query_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self._log: Path | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def query_url(self) -> str:
        return self.url + "/query"

    @property
    def update_url(self) -> str:
        return self.url + "/update"

    @property
    def store_url(self) -> str:
        """The Graph Store HTTP Protocol URL (``?graph=IRI`` or ``?default``)."""
        return self.url + "/store"

    def command(self) -> list[str]:
        args = [oxigraph_command(), "serve-read-only" if self.read_only else "serve"]
        if self.location is not None:
            args += ["--location", str(self.location)]
        args += ["--bind", f"{self.host}:{self.port}", "--union-default-graph"]
        if self.query_timeout is not None:
            args += ["--timeout-s", str(max(1, round(self.query_timeout)))]
        return args

    def start(self, wait: float = 20.0) -> SparqlServer:
        """Start the server and return once it answers a query (at most ``wait`` seconds)."""
        if self.process is not None:
            return self
        if self.read_only and self.location is not None:
            _check_store(self.location)
        _check_port_free(self.host, self.port)
        args = self.command()
        fd, log = tempfile.mkstemp(prefix="kg-oxigraph-", suffix=".log")
        self._log = Path(log)
        with open(fd, "wb") as handle:
            self.process = subprocess.Popen(
                args, stdin=subprocess.DEVNULL, stdout=handle, stderr=subprocess.STDOUT
            )
        try:
            self._wait_until_ready(wait)
        except BaseException:  # a failure, or Ctrl-C while starting: leave no server behind
            self.stop()
            raise
        return self

    def _wait_until_ready(self, wait: float) -> None:
        assert self.process is not None
        deadline = time.monotonic() + wait
        with requests.Session() as session:
            while True:
                if self.process.poll() is not None:
                    raise StoreError(
                        f"the SPARQL server on {self.url} could not start: {self._log_error()}"
                    )
                if _answers(session, self.query_url):
                    return
                if time.monotonic() > deadline:
                    raise EndpointError(
                        f"the SPARQL server on {self.url} did not answer in {wait:g} s"
                    )
                time.sleep(0.05)

    def wait(self) -> int:
        """Block until the server ends (Ctrl-C ends it); return its exit status."""
        if self.process is None:
            raise StoreError("the SPARQL server is not running")
        return self.process.wait()

    def stop(self) -> None:
        """Stop the server (if running) and wait for it to end."""
        proc, self.process = self.process, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._log is not None:
            self._log.unlink(missing_ok=True)
            self._log = None

    def __enter__(self) -> SparqlServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _log_error(self) -> str:
        assert self._log is not None
        lines = self._log.read_text(encoding="utf-8", errors="replace").splitlines()
        errors = [x.removeprefix("Error: ") for x in lines if x.startswith("Error")]
        return (errors or lines or ["it exited without a message"])[0].strip()


def _answers(session: requests.Session, query_url: str) -> bool:
    try:
        response = session.get(query_url, params={"query": PROBE}, timeout=1.0)
    except requests.RequestException:
        return False
    return response.status_code == 200


def _check_port_free(host: str, port: int) -> None:
    """Refuse a port another server holds: it would answer the readiness probe for us."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise StoreError(
                f"the SPARQL server could not start: {host}:{port} is not free ({exc.strerror})",
                hint="choose another port with --port",
            ) from exc


def _check_store(location: Path) -> None:
    if not location.is_dir() or not ((location / META_FILE).exists() or any(location.iterdir())):
        raise StoreError(f"no store at {location}", hint="build one first: kg build CORPUS")
