"""kg explain: the rule, evidence and sentences that grouped an incident's reports."""

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.explain import explain, incident_iri
from kg.query import run_local
from kg.store import GraphStore
from tests.conftest import EXAMPLES

runner = CliRunner()


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    store = tmp_path_factory.mktemp("explain") / "s"
    result = runner.invoke(app, ["build", str(EXAMPLES), "--store", str(store), "--workers", "1"])
    assert result.exit_code == 0, result.output
    return store


def two_report_incident(store: GraphStore) -> str:
    [[inc]] = run_local(
        store, """SELECT ?i WHERE { ?i a aco:Incident ; aco:reportCount 2 }"""
    ).values()
    assert inc is not None
    return inc


def test_explain_gives_each_report_its_rule_score_and_sentence(store_dir):
    store = GraphStore(store_dir, read_only=True)
    x = explain(store, two_report_incident(store))
    assert (x.classes, x.place, x.date) == (["AirStrike"], "سراقب", "2018-03-11")
    assert x.tolls == "14 / 14 / 17 (low / best / high), sources disagree"
    first, second = x.reports
    assert (first.document, first.rule) == ("ex-001", "anchor")
    assert (second.document, second.rule, second.score, second.day_gap) == (
        "ex-002", "SamePlace; SameDay; SameClass", "3", "0")  # fmt: skip
    assert "14 مدنياً" in first.sentence and "17 قتيلاً" in second.sentence
    assert (first.outlet, second.outlet) == ("example-news", "example-wire")


def test_explain_on_the_command_line_by_short_id(store_dir):
    inc = two_report_incident(GraphStore(store_dir, read_only=True))
    short = inc.rsplit("/", 1)[-1]
    assert incident_iri(short) == incident_iri("res:incident/" + short) == inc
    result = runner.invoke(app, ["explain", short, "--store", str(store_dir)])
    assert result.exit_code == 0
    assert "SamePlace; SameDay; SameClass" in result.stdout
    assert "ex-001" in result.stdout and "ex-002" in result.stdout


def test_explain_an_unknown_incident_is_bad_input(store_dir):
    result = runner.invoke(app, ["explain", "nope", "--store", str(store_dir)])
    assert result.exit_code == 2
    assert "Error: no incident nope in the store" in result.stderr
