"""Run records: PROV-O in one graph per run, valid against ontology/shapes/run.ttl, one run per
document graph (kept by incremental builds), and stores of other versions refused."""

import shutil
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from typer.testing import CliRunner

from kg import __version__
from kg.cli import app
from kg.provenance import DATA_DIR, file_hash, list_runs, ontology_version
from kg.rdf import ACO, PROV, RES
from kg.store import GraphStore
from tests.conftest import EXAMPLES, ROOT

SHAPES = ROOT / "ontology" / "shapes" / "run.ttl"
runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def union(store_dir: Path) -> rdflib.Graph:
    store = ox.Store.read_only(str(store_dir))
    lines = "".join(
        f"{q.subject} {q.predicate} {q.object} .\n"
        for q in store.quads_for_pattern(None, None, None, None)
    )
    return rdflib.Graph().parse(data=lines, format="nt")


def conforms(graph: rdflib.Graph) -> tuple[bool, str]:
    shapes = rdflib.Graph().parse(SHAPES)
    ok, _, text = pyshacl.validate(graph, shacl_graph=shapes, advanced=True)
    return bool(ok), str(text)


def select(store_dir: Path, sparql: str) -> list[tuple[str, ...]]:
    store = ox.Store.read_only(str(store_dir))
    return [tuple(t.value for t in row) for row in store.query(sparql)]  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    store = tmp_path_factory.mktemp("prov") / "store"
    result = invoke("build", EXAMPLES, "--store", store, "--workers", 1)
    assert result.exit_code == 0, result.output
    return store


@pytest.fixture
def corpus(tmp_path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(EXAMPLES, target)
    return target


DOC_RUNS = f"""SELECT ?g ?run ?rg WHERE {{
    GRAPH ?g {{ ?c a <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#Context> }}
    FILTER(STRSTARTS(STR(?g), "{RES}graph/doc/"))
    OPTIONAL {{ GRAPH ?rg {{ ?c <{PROV}wasGeneratedBy> ?run . ?run <{PROV}generated> ?g }} }} }}"""


def test_provenance_run_record_validates_against_the_shapes(built):
    ok, text = conforms(union(built))
    assert ok, text


def test_provenance_every_document_graph_has_exactly_one_run(built):
    rows = select(built, DOC_RUNS)
    assert len(rows) == 7
    assert all(run and rg == RES + "graph/run/" + run.rsplit("/", 1)[-1] for _, run, rg in rows)
    assert len({g for g, _, _ in rows}) == 7  # one run per document graph


def test_provenance_records_versions_data_hashes_options_and_documents(built):
    [run] = list_runs(GraphStore(built, read_only=True))
    assert (run.tool_version, run.ontology_version) == (__version__, ontology_version())
    assert (run.read, run.extracted, run.unchanged, run.current) == (7, 7, 0, 7)
    files = dict(
        select(built, f"SELECT ?n ?h WHERE {{ GRAPH ?g {{ ?f a <{ACO}DataFile> ; "
               f"<http://purl.org/dc/terms/identifier> ?n ; <{ACO}contentHash> ?h }} }}")
    )  # fmt: skip
    assert files["gazetteer.tsv.gz"] == file_hash(DATA_DIR / "gazetteer.tsv.gz")
    assert files.keys() == {p.name for p in DATA_DIR.iterdir() if p.is_file()}
    options = dict(
        select(built, f"SELECT ?n ?v WHERE {{ GRAPH ?g {{ ?o <{ACO}optionName> ?n ; "
               f"<{ACO}optionValue> ?v }} }}")
    )  # fmt: skip
    assert options["command"] == "build" and options["full"] == "false"
    hashes = select(built, f"SELECT ?h WHERE {{ GRAPH ?g {{ ?u <{ACO}outcome> ?o ; "
                    f"<{ACO}contentHash> ?h }} }}")  # fmt: skip
    assert len(hashes) == 7 and all(len(h) == 64 for (h,) in hashes)


def test_provenance_document_graphs_never_name_a_run(built):
    rows = select(
        built,
        f"""SELECT ?s WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
        FILTER(STRSTARTS(STR(?g), "{RES}graph/doc/"))
        FILTER(CONTAINS(STR(?o), "/run/") || CONTAINS(STR(?s), "/run/")) }}""",
    )
    assert rows == []


def test_provenance_a_broken_run_record_fails_the_shapes(built, tmp_path):
    store = tmp_path / "copy"
    shutil.copytree(built, store)
    s = ox.Store(str(store))
    s.update(f"""DELETE {{ GRAPH ?g {{ ?r <{ACO}toolVersion> ?v }} }}
                 WHERE {{ GRAPH ?g {{ ?r <{ACO}toolVersion> ?v ; a <{ACO}BuildRun> }} }}""")
    s.update(f"""DELETE {{ GRAPH ?g {{ ?f <{ACO}contentHash> ?h }} }}
                 INSERT {{ GRAPH ?g {{ ?f <{ACO}contentHash> "not a hash" }} }}
                 WHERE {{ GRAPH ?g {{ ?f a <{ACO}DataFile> ; <{ACO}contentHash> ?h }} }}""")
    del s
    ok, text = conforms(union(store))
    assert not ok
    assert "toolVersion" in text and "contentHash" in text


def test_provenance_each_run_graph_validates_on_its_own(built):
    store = ox.Store.read_only(str(built))
    [run] = [g for g in store.named_graphs() if g.value.startswith(RES + "graph/run/")]
    lines = "".join(f"{q.subject} {q.predicate} {q.object} .\n"
                    for q in store.quads_for_pattern(None, None, None, run))  # fmt: skip
    ok, text = conforms(rdflib.Graph().parse(data=lines, format="nt"))
    assert ok, text


def test_provenance_incremental_build_keeps_the_run_that_made_each_document(corpus, tmp_path):
    store = tmp_path / "store"
    assert invoke("build", corpus, "--store", store, "--workers", 1).exit_code == 0
    page = corpus / "txt" / "ex-006.txt"
    page.write_text(page.read_text(encoding="utf-8") + "\nوقالت مصادر محلية إن الهدوء عاد.\n")
    assert invoke("build", corpus, "--store", store, "--workers", 1).exit_code == 0
    first, second = list_runs(GraphStore(store, read_only=True))
    assert (first.current, second.current) == (6, 1)
    assert (second.read, second.extracted, second.unchanged) == (7, 1, 6)
    made = {g.rsplit("/", 1)[-1]: run.rsplit("/", 1)[-1] for g, run, _ in select(store, DOC_RUNS)}
    assert made["ex-006"] == second.id
    assert {run for doc, run in made.items() if doc != "ex-006"} == {first.id}
    derived = select(
        store,
        f"""SELECT ?g ?run WHERE {{ GRAPH ?r {{ ?run <{PROV}generated> ?g }}
        FILTER(?g IN (<{RES}graph/incidents>, <{RES}graph/control>)) }}""",
    )
    assert sorted(derived) == [(RES + "graph/control", RES + "run/" + second.id),
                               (RES + "graph/incidents", RES + "run/" + second.id)]  # fmt: skip
    ok, text = conforms(union(store))
    assert ok, text


def test_provenance_a_store_of_another_version_is_named_and_refused(built, tmp_path):
    store = tmp_path / "old"
    shutil.copytree(built, store)
    s = ox.Store(str(store))
    s.update(f"""DELETE {{ GRAPH ?g {{ ?r <{ACO}toolVersion> ?v }} }}
                 INSERT {{ GRAPH ?g {{ ?r <{ACO}toolVersion> "0.0.1" }} }}
                 WHERE {{ GRAPH ?g {{ ?r <{ACO}toolVersion> ?v }} }}""")
    del s
    for args in (("query", "events-by-place", "--store", store),
                 ("build", EXAMPLES, "--store", store, "--workers", 1)):  # fmt: skip
        result = invoke(*args)
        assert result.exit_code == 2
        [line] = [x for x in result.stderr.splitlines() if x.startswith("Error:")]
        assert "built by kg 0.0.1" in line and f"this is kg {__version__}" in line
        assert "rebuild" in result.stderr


def test_provenance_a_store_older_than_run_records_is_refused(built, tmp_path):
    store = tmp_path / "older"
    shutil.copytree(built, store)
    s = ox.Store(str(store))
    for g in list(s.named_graphs()):
        if isinstance(g, ox.NamedNode) and g.value.startswith(RES + "graph/run/"):
            s.remove_graph(g)
    del s
    result = invoke("query", "events-by-place", "--store", store)
    assert result.exit_code == 2
    assert "older than run records (no run record)" in result.stderr
    assert "7 documents" in result.stderr


def test_provenance_kg_load_records_its_own_run(tmp_path):
    nq = tmp_path / "g.nq"
    assert invoke("build", EXAMPLES, "--out", nq, "--workers", 1).exit_code == 0
    store = tmp_path / "loaded"
    assert invoke("load", nq, "--store", store).exit_code == 0
    runs = list_runs(GraphStore(store, read_only=True))
    assert [r.current for r in runs] == [0, 7]  # the file's build run, then the load
    assert invoke("query", "events-by-place", "--store", store).exit_code == 0
    ok, text = conforms(union(store))
    assert ok, text


def test_provenance_a_removed_document_no_longer_counts_for_its_run(built, tmp_path):
    store = tmp_path / "copy"
    shutil.copytree(built, store)
    assert invoke("remove", "ex-003", "--store", store).exit_code == 0
    build, regroup = list_runs(GraphStore(store, read_only=True))
    assert (build.read, build.current) == (7, 6)
    assert (regroup.read, regroup.current) == (0, 0)  # the incidents grouped again
    assert invoke("query", "events-by-place", "--store", store).exit_code == 0


def test_provenance_kg_runs_lists_the_runs(built):
    result = invoke("runs", "--store", built)
    assert result.exit_code == 0
    assert "1 runs" in result.stderr
    assert list_runs(GraphStore(built, read_only=True))[0].id[:8] in result.stdout


def test_provenance_a_standalone_resolve_records_its_thresholds(built, tmp_path):
    store = tmp_path / "copy"
    shutil.copytree(built, store)
    assert invoke("resolve", "--store", store, "--min-score", "3.5").exit_code == 0
    got = select(
        store,
        f"""SELECT ?value ?incidents WHERE {{ GRAPH ?g {{
            ?run <{ACO}option> [ <{ACO}optionName> "min-score" ; <{ACO}optionValue> ?value ] ;
                 <{PROV}generated> ?incidents .
            ?run <{ACO}option> [ <{ACO}optionName> "command" ; <{ACO}optionValue> "resolve" ] }}
            FILTER(STRENDS(STR(?incidents), "graph/incidents")) }}""",
    )
    assert got == [("3.5", f"{RES}graph/incidents")]
    # the build's run no longer claims the incidents graph; the resolve run does
    claims = select(
        store,
        f"""SELECT ?run WHERE {{ GRAPH ?g {{ ?run <{PROV}generated> <{RES}graph/incidents> }} }}""",
    )
    assert len(claims) == 1
    ok, text = conforms(union(store))
    assert ok, text
    assert invoke("query", "events-by-place", "--store", store).exit_code == 0
