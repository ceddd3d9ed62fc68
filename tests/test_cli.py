"""The command line: help everywhere, the main path, and one clear line for bad input."""

import json

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from kg.cli import app
from tests.conftest import EXAMPLES

runner = CliRunner()


def invoke(*args, cwd=None):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_every_command_has_help():
    commands = get_command(app).commands  # type: ignore[attr-defined]
    assert {"build", "query", "queries", "ontology"} <= set(commands)
    for name in commands:
        result = invoke(name, "--help")
        assert result.exit_code == 0
        assert "Usage" in result.output


def test_build_then_query_with_no_flags_uses_the_default_store(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("build", EXAMPLES)
    assert result.exit_code == 0, result.output
    assert "7 documents read, 0 skipped" in result.stderr
    assert (tmp_path / "kg-store").is_dir()
    result = invoke("query", "events-by-place", "--format", "csv")
    assert result.exit_code == 0
    header, *lines = result.stdout.splitlines()
    assert header == "eventType,place,placeLabel,events"
    assert any("سراقب" in line for line in lines)


def test_query_a_graph_file_in_json(tmp_path):
    out = tmp_path / "g.trig"
    assert invoke("build", EXAMPLES, "--out", out).exit_code == 0
    result = invoke("query", "fatalities-by-place", "--graph", out, "--format", "json")
    doc = json.loads(result.stdout)
    assert doc["head"]["vars"][:3] == ["place", "placeLabel", "fatalities"]
    assert doc["results"]["bindings"][0]["fatalities"]["datatype"].endswith("#integer")


def one_line_error(result, *needles):
    lines = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0]
    return lines[0]


def test_missing_corpus_path(tmp_path):
    result = invoke("build", tmp_path / "nope", "--out", tmp_path / "g.nq")
    assert result.exit_code == 2
    one_line_error(result, "no such file or folder", "nope")
    assert not (tmp_path / "g.nq").exists()


def test_bad_records_are_skipped_counted_and_reported(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_bytes(
        b'{"id": "a", "text": "\xd9\x82\xd8\xaa\xd9\x84 \xd8\xb3\xd8\xaa\xd8\xa9 \xd9\x85\xd8\xaf\xd9\x86\xd9\x8a\xd9\x8a\xd9\x86"}\n'
        b'{"id": "b", "text": \n'
        b'{"id": "c"}\n'
        b'{"id": "a", "text": "\xd8\xa2\xd8\xae\xd8\xb1"}\n'
        b'\xff\xfe{"id": "d"}\n'
        b"[1, 2]\n"
    )
    rejects = tmp_path / "rejects.tsv"
    result = invoke("build", corpus, "--out", tmp_path / "g.nq", "--rejects", rejects)
    assert result.exit_code == 0
    assert "1 documents read, 5 skipped" in result.stderr
    assert "1 duplicate id" in result.stderr and "2 malformed JSON" in result.stderr
    assert f"{corpus}:2" in result.stderr  # file and line of the malformed record
    assert len(rejects.read_text().splitlines()) == 6


def test_fail_policy_stops_at_the_first_bad_record(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"id": "a", "text": "نص"}\n{"id": "b"\n', encoding="utf-8")
    result = invoke("build", corpus, "--on-error", "fail", "--out", tmp_path / "g.ttl")
    assert result.exit_code == 2
    one_line_error(result, "malformed JSON", f"{corpus}:2")
    assert not (tmp_path / "g.ttl").exists()
    assert not list(tmp_path.glob("*.part"))


def test_non_utf8_text_file_is_skipped_with_its_name(tmp_path):
    folder = tmp_path / "txt"
    folder.mkdir()
    (folder / "good.txt").write_text("قصفت الطائرات بلدة كفرنبل", encoding="utf-8")
    (folder / "bad.txt").write_bytes("قصف".encode("cp1256"))
    result = invoke("build", folder, "--out", tmp_path / "g.nq")
    assert result.exit_code == 0
    assert "not UTF-8" in result.stderr and "bad.txt" in result.stderr


def test_nothing_readable_is_an_error(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"id": "a", "text": ""}\n', encoding="utf-8")
    result = invoke("build", corpus, "--out", tmp_path / "g.nq")
    assert result.exit_code == 2
    one_line_error(result, "no document could be read")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("build", EXAMPLES, "--out", "g.xml"), "unknown RDF format"),
        (("query", "SELECT ?x WHERE { ?x ", "--graph", "GRAPH"), "invalid SPARQL"),
        (("query", "no-such-query", "--graph", "GRAPH"), "unknown query"),
        (("query", "events-by-place", "--graph", "GRAPH", "--format", "xls"), "unknown format"),
        (("query", "events-by-place", "--store", "STORE_MISSING"), "no store"),
    ],
)
def test_bad_usage_gets_one_clear_line(tmp_path, args, needle):
    graph = tmp_path / "g.nq"
    invoke("build", EXAMPLES, "--out", graph)
    args = [
        str(a).replace("GRAPH", str(graph)).replace("STORE_MISSING", str(tmp_path / "none"))
        for a in args
    ]
    result = invoke(*args)
    assert result.exit_code != 0
    one_line_error(result, needle)


def test_queries_lists_every_canned_query():
    result = invoke("queries")
    assert result.exit_code == 0
    for name in ("events-by-place", "fatalities-by-place", "documents-mentioning"):
        assert name in result.stdout


def test_construct_and_describe_print_turtle_or_jsonld(tmp_path):
    graph = tmp_path / "g.nq"
    assert invoke("build", EXAMPLES, "--out", graph).exit_code == 0
    construct = 'CONSTRUCT { ?p rdfs:label ?l } WHERE { ?p a aco:Settlement ; rdfs:label ?l FILTER(lang(?l) = "ar") }'
    result = invoke("query", construct, "--graph", graph)
    assert result.exit_code == 0
    assert '"سراقب"@ar' in result.stdout and "@prefix rdfs:" in result.stdout
    result = invoke("query", "DESCRIBE wd:Q1895761", "--graph", graph, "--format", "jsonld")
    doc = json.loads(result.stdout)
    assert doc["@context"]["aco"] == "https://w3id.org/ar-conflict-kg/ontology#"
    result = invoke("query", construct, "--graph", graph, "--format", "csv")
    assert result.exit_code == 2
    one_line_error(result, "cannot be written as 'csv'")
