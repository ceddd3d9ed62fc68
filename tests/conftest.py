"""Shared fixtures. Texts here are written for the project; the shared corpus is only read
from ../shared when it exists (tests that need it skip cleanly otherwise)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from kg.gazetteer import Gazetteer, default_gazetteer
from kg.model import Document, Extraction
from kg.pipeline import extract

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "corpus"
SHARED = ROOT.parent / "shared"
SEED_DIR = SHARED / "seed"
DEV = SHARED / "corpus" / "dev.jsonl"
BIG = SHARED / "corpus" / "conflict_2144.jsonl"

needs_shared = pytest.mark.skipif(not DEV.exists(), reason="../shared/corpus is not here")


@pytest.fixture(scope="session")
def gaz() -> Gazetteer:
    return default_gazetteer()


@pytest.fixture(scope="session")
def run(gaz: Gazetteer):
    def _run(text: str, date: str | None = "2016-11-28", doc_id: str = "t") -> Extraction:
        return extract(Document(doc_id, text, date), gaz)

    return _run


def classes(ex: Extraction, factual: bool = True) -> list[str]:
    """The classes of the extraction's events asserted as facts (or, with ``factual=False``,
    of those negated or hedged), in order."""
    return [e.cls for e in ex.events if factual != (e.negated or e.hedged)]


def surface(ex: Extraction) -> list[str]:
    return [ex.document.text[m.start : m.end] for m in ex.mentions]


def dev_articles(limit: int | None = None) -> list[dict]:
    rows = []
    with DEV.open(encoding="utf-8") as handle:
        for line in handle:
            rows.append(json.loads(line))
            if limit and len(rows) >= limit:
                break
    return rows


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A real Oxigraph SPARQL server on a free loopback port, one per test module."""
    from tests.sparql_servers import oxigraph  # it imports this module

    with oxigraph(tmp_path_factory.mktemp("remote")) as s:
        yield s


@pytest.fixture
def remote(server):
    """The server, emptied before the test."""
    requests.post(server.update_url, data={"update": "CLEAR ALL"}, timeout=10).raise_for_status()
    return server
