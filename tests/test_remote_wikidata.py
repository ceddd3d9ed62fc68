"""Wikidata through SPARQLWrapper, with a real SPARQL server holding a small fixture in
Wikidata's shape standing in for it: refreshing the gazetteer snapshot, suggesting QIDs for
local entries (into a review file only), and enriching a store into its own named graph."""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import pytest

from kg.enrich import ENRICHMENT_GRAPH, enrich, linked_qids
from kg.errors import EndpointError, InputError
from kg.gazetteer import SNAPSHOT_COLUMNS, load_gazetteer, name_key
from kg.query import available_queries, resolve_query, run_local
from kg.snapshot import SNAPSHOT_FILE, read_snapshot, write_snapshot
from kg.store import GraphStore
from kg.wikidata import (
    facts_query,
    label_query,
    refresh,
    suggest_qids,
    write_changes,
)
from tests.sparql_servers import (
    WIKIDATA_FIXTURE,
    FaultServer,
    build_examples,
    closed_port,
    load_default_graph,
    oxigraph,
)

REAL = ("Q858", "Q41183", "Q233218", "Q232387", "gn:169041")
SOHR = "local:organisation/syrian-observatory-for-human-rights"


def made_up(key: str, label: str) -> dict[str, str]:
    row = dict.fromkeys(SNAPSHOT_COLUMNS, "")
    row.update(key=key, qid=key, kind="settlement", subkind="town", label_ar=label)
    row.update(names_ar=label, bare="0", source="project")
    return row


@pytest.fixture(scope="module")
def wikidata():
    with oxigraph() as server:
        load_default_graph(server, WIKIDATA_FIXTURE)
        yield server


@pytest.fixture(scope="module")
def shipped_rows():
    return {r["key"]: r for r in read_snapshot(SNAPSHOT_FILE) if r["key"] in (*REAL, SOHR)}


@pytest.fixture
def snapshot(tmp_path, shipped_rows):
    """A small snapshot: real rows of the shipped one, and three made-up items (one the
    fixture redirects, one it lacks, one a disambiguation page)."""
    rows = [dict(r) for r in shipped_rows.values()]
    rows += [made_up("Q999999999", "مكان أول"), made_up("Q999999998", "مكان ثان")]
    rows += [made_up("Q999999996", "صفحة توضيح")]
    path = tmp_path / "gazetteer.tsv.gz"
    write_snapshot(rows, path)
    return path


def by_key(path):
    return {r["key"]: r for r in read_snapshot(path)}


def test_wikidata_refresh_updates_facts_and_adds_names(wikidata, snapshot, shipped_rows, tmp_path):
    out = tmp_path / "refreshed.tsv.gz"
    summary = refresh(snapshot, out, endpoint=wikidata.query_url, batch=2, page=7)
    rows = by_key(out)
    aleppo, old = rows["Q41183"], shipped_rows["Q41183"]
    assert (aleppo["lat"], aleppo["lon"], aleppo["population"]) == ("36.2", "37.16", "2098210")
    assert aleppo["names_ar"] == old["names_ar"] + "|حلب الشهباء"  # "مدينة حلب" is "حلب"
    assert rows["Q233218"]["population"] == "1258427"
    assert rows["Q858"] == shipped_rows["Q858"]  # Wikidata says what the snapshot says
    for key in (*REAL[4:], SOHR, "Q999999999", "Q999999998", "Q999999996"):
        assert rows[key] == by_key(snapshot)[key]  # local, redirected, missing, disambiguation
    assert summary.asked == 7 and summary.found == 6
    assert summary.missing == ["Q999999998"]
    assert summary.redirected == {"Q999999999": "Q41183"}
    assert summary.suspect == ["Q999999996"]
    assert summary.updated == 2 and summary.cells == 5
    assert "2 entries updated (5 cells)" in summary.line()


def test_wikidata_refreshed_shipped_snapshot_loads_as_a_gazetteer(wikidata, tmp_path):
    out = tmp_path / "gazetteer.tsv.gz"
    refresh(SNAPSHOT_FILE, out, endpoint=wikidata.query_url, qids=["Q41183", "Q233218"])
    gaz = load_gazetteer(out)  # the format kg.gazetteer reads
    assert gaz.entries["Q41183"].entity.population == 2098210
    assert [e.entity.key for e in gaz.lookup(name_key("حلب الشهباء"), cued=False)] == ["Q41183"]
    old, new = by_key(SNAPSHOT_FILE), by_key(out)
    assert old.keys() == new.keys()
    assert [k for k in old if old[k] != new[k]] == ["Q233218", "Q41183"]


def test_wikidata_refresh_never_takes_another_entrys_name(wikidata, snapshot, tmp_path):
    rows = list(read_snapshot(snapshot))
    rows.append(made_up("local:test/shahba", "حلب الشهباء") | {"qid": ""})
    write_snapshot(rows, snapshot)
    refresh(snapshot, endpoint=wikidata.query_url)  # in place
    assert "حلب الشهباء" not in by_key(snapshot)["Q41183"]["names_ar"].split("|")


def test_wikidata_refresh_of_chosen_items_and_its_change_report(wikidata, snapshot, tmp_path):
    summary = refresh(
        snapshot, tmp_path / "out.tsv.gz", endpoint=wikidata.query_url, qids=["Q41183"]
    )
    assert summary.asked == 1 and summary.updated == 1
    report = tmp_path / "changes.tsv"
    write_changes(summary.changes, report)
    lines = list(csv.reader(io.StringIO(report.read_text(encoding="utf-8")), delimiter="\t"))
    assert lines[0] == ["key", "column", "old", "new"]
    assert ["Q41183", "population", "1602264", "2098210"] in lines
    with pytest.raises(InputError, match="not in the snapshot"):
        refresh(snapshot, endpoint=wikidata.query_url, qids=["Q1"])
    with pytest.raises(InputError, match="not a Wikidata item id"):
        refresh(snapshot, endpoint=wikidata.query_url, qids=["Q1 } ; DROP ALL ; #"])


def test_wikidata_failures_name_the_endpoint_and_change_nothing(snapshot):
    before = snapshot.read_bytes()
    url = f"http://127.0.0.1:{closed_port()}/sparql"
    with pytest.raises(EndpointError) as caught:
        refresh(snapshot, endpoint=url, retries=1, backoff=0.01)
    assert url in caught.value.message and "unreachable" in caught.value.message
    assert "batch 1 of 1" in caught.value.message and "was not changed" in caught.value.message
    with (
        FaultServer(status=200, body=b"<html>busy</html>", content_type="text/html") as fault,
        pytest.raises(EndpointError, match="not SPARQL JSON results"),
    ):
        refresh(snapshot, endpoint=fault.url + "/sparql", retries=0)
    with (
        FaultServer(status=429, body=b"slow down") as fault,
        pytest.raises(EndpointError, match="HTTP 429"),
    ):
        refresh(snapshot, endpoint=fault.url + "/sparql", retries=1, backoff=0.01)
    assert len(fault.seen) == 2  # 429 is retried
    assert snapshot.read_bytes() == before


def test_wikidata_queries_are_batched_paged_and_escaped(wikidata, snapshot, tmp_path):
    with FaultServer(upstream=wikidata.url, pass_through=1000) as relay:
        refresh(snapshot, tmp_path / "a.tsv.gz", endpoint=relay.url + "/query", batch=3, page=5)
    small_pages = len(relay.seen)
    assert small_pages > 3  # 7 items in 3 batches, pages of 5 rows
    assert by_key(tmp_path / "a.tsv.gz") == by_key(
        refresh(snapshot, tmp_path / "b.tsv.gz", endpoint=wikidata.query_url).path
    )
    text = facts_query(["Q1", "Q2"], ["P31"], names=True, limit=10, offset=20)
    assert "VALUES ?item { wd:Q1 wd:Q2 }" in text and "LIMIT 10 OFFSET 20" in text
    assert '"x\\" } ; DROP ALL ; #"@ar' in label_query(['x" } ; DROP ALL ; #'], limit=1, offset=0)
    with pytest.raises(InputError):
        facts_query(["Q1"], ["P31 } ; DROP ALL"], names=False, limit=1, offset=0)


def test_wikidata_suggests_qids_into_a_review_file_only(wikidata, snapshot, tmp_path):
    before = snapshot.read_bytes()
    review = tmp_path / "review.tsv"
    summary = suggest_qids(review, snapshot, endpoint=wikidata.query_url, batch=1)
    rows = list(csv.DictReader(review.open(encoding="utf-8"), delimiter="\t"))
    got = {(r["key"], r["qid"], r["matched_by"], r["geonames_agrees"]) for r in rows}
    assert got == {
        (SOHR, "Q999999995", "label", ""),
        ("gn:169041", "Q999999993", "label", "true"),
        ("gn:169041", "Q999999992", "alias", "false"),
    }  # Q999999994, a disambiguation page with SOHR's name, is left out
    sohr = next(r for r in rows if r["key"] == SOHR)
    assert (sohr["instance_of"], sohr["country"], sohr["label_en"]) == (
        "Q43229",
        "Q145",
        "Syrian Observatory for Human Rights",
    )
    assert summary.entries == 2 and summary.entries_matched == 2 and summary.suggestions == 3
    assert snapshot.read_bytes() == before  # nothing linked
    assert not by_key(snapshot)[SOHR]["qid"]


@pytest.fixture(scope="module")
def examples_nq(tmp_path_factory):
    return build_examples(tmp_path_factory.mktemp("built"))[0]


@pytest.fixture
def store(examples_nq):
    store = GraphStore(None)
    store.load_file(examples_nq)
    store.ensure_ontology()
    return store


def enriched(store: GraphStore) -> set[tuple[str, str, str]]:
    found = store.store.quads_for_pattern(None, None, None, ox.NamedNode(ENRICHMENT_GRAPH))
    return {(str(q.subject), str(q.predicate), str(q.object)) for q in found}


WD, WDT = "<http://www.wikidata.org/entity/", "<http://www.wikidata.org/prop/direct/"


def test_wikidata_enrich_fetches_facts_into_their_own_graph(wikidata, store):
    asked = linked_qids(store)
    assert {"Q858", "Q233218", "Q232387", "Q1895761", "Q58967", "Q130879"} <= set(asked)
    before = {n: run_local(store, resolve_query(n)).values() for n in available_queries()}
    summary = enrich(store, wikidata.query_url, batch=4)
    assert summary.asked == len(asked) and summary.found == 6
    got = enriched(store)
    assert (
        f"{WD}Q233218>",
        f"{WDT}P1082>",
        '"1258427"^^<http://www.w3.org/2001/XMLSchema#decimal>',
    ) in got
    assert (f"{WD}Q58967>", f"{WDT}P749>", f"{WD}Q999999997>") in got
    assert (
        f"{WD}Q58967>",
        f"{WDT}P571>",
        '"1948-05-26T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>',
    ) in got
    assert any(p == f"{WDT}P625>" and "wktLiteral" in o for s, p, o in got)
    assert not any("genid" in o for _, _, o in got)  # Wikidata's "unknown value" is left out
    assert not any(p.endswith("P1566>") or p.endswith("P150>") for _, p, _ in got)
    assert summary.triples == len(got)
    offline = run_local(
        store,
        f"SELECT ?pop WHERE {{ GRAPH <{ENRICHMENT_GRAPH}> {{ wd:Q233218 {WDT}P1082> ?pop }} }}",
    )
    assert offline.values() == [["1258427"]]
    after = {n: run_local(store, resolve_query(n)).values() for n in available_queries()}
    assert after == before  # the canned queries do not see the enrichment
    enrich(store, wikidata.query_url)  # again: the graph is replaced, not added to
    facts = {t for t in got if "modified" not in t[1]}
    assert {t for t in enriched(store) if "modified" not in t[1]} == facts
    assert len(enriched(store)) == len(got)


def test_wikidata_enrich_failure_leaves_the_store_as_it_was(wikidata, store):
    enrich(store, wikidata.query_url)
    before = enriched(store)
    with (
        FaultServer(upstream=wikidata.url, pass_through=1, status=503) as fault,
        pytest.raises(EndpointError) as caught,
    ):
        enrich(store, fault.url + "/query", batch=5, retries=1, backoff=0.01)
    message = caught.value.message
    assert fault.url in message and "batch 2 of" in message and "HTTP 503" in message
    assert "the store was not changed" in message
    assert enriched(store) == before
