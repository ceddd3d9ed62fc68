"""kg export acled / geojson on the incident fixture (tests/fixtures/incidents.trig: five
articles written for the tests, four incidents): ACLED's columns and how each is filled, the
IRIs that lead back to the sentences, GeoJSON points, the filters, and bad input."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.export import ACLED_COLUMNS, KG_COLUMNS, interaction, write_acled
from kg.incident_view import acled_code, read_incidents
from kg.resolve import resolve
from kg.store import GraphStore
from tests.sparql_servers import build_examples

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "incidents.trig"
SARAQIB = "https://w3id.org/ar-conflict-kg/resource/incident/i-saraqib-2019-05-05"
TAIZ = "https://w3id.org/ar-conflict-kg/resource/incident/i-taiz-2019-05"
runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def acled(tmp_path: Path, *options, graph: Path = FIXTURE) -> list[dict[str, str]]:
    out = tmp_path / "acled.csv"
    result = invoke("export", "acled", out, "--graph", graph, *options)
    assert result.exit_code == 0, result.stderr
    with out.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == ACLED_COLUMNS + KG_COLUMNS
        return list(reader)


@pytest.fixture(scope="module")
def rows(tmp_path_factory) -> dict[str, dict[str, str]]:
    return {r["kg_incident"]: r for r in acled(tmp_path_factory.mktemp("acled"))}


def test_export_acled_columns_are_acleds_then_ours():
    assert len(ACLED_COLUMNS) == 31
    assert ACLED_COLUMNS[:4] == ("event_id_cnty", "event_date", "year", "time_precision")
    assert ACLED_COLUMNS[-3:] == ("fatalities", "tags", "timestamp")
    assert all(c.startswith("kg_") for c in KG_COLUMNS)


def test_export_acled_one_row_per_incident_in_date_order(tmp_path):
    got = acled(tmp_path)
    assert [r["kg_date"] for r in got] == ["2019-05", "2019-05-05", "2019-05-20", "2019-06-10"]
    assert [r["event_id_cnty"] for r in got] == ["YEM1", "SYR1", "SYR2", "SYR3"]


def test_export_acled_strike_reported_by_two_outlets(rows):
    r = rows[SARAQIB]
    expected = {
        "event_date": "2019-05-05", "year": "2019", "time_precision": "1",
        "disorder_type": "Political violence", "event_type": "Explosions/Remote violence",
        "sub_event_type": "Air/drone strike", "actor1": "Russian Armed Forces", "inter1": "8",
        "actor2": "Civilians", "inter2": "7", "interaction": "78",
        "civilian_targeting": "Civilian targeting", "iso": "760", "region": "Middle East",
        "country": "Syria", "admin1": "Idlib Governorate", "admin2": "", "location": "Saraqib",
        "latitude": "35.86447", "longitude": "36.80591", "fatalities": "12",
        "kg_fatalities_low": "12", "kg_fatalities_best": "15", "kg_fatalities_high": "15",
        "kg_tolls_disagree": "true", "kg_report_count": "2", "kg_outlet_count": "2",
        "timestamp": "1557100800",  # 2019-05-06, the later report's publication day
    }  # fmt: skip
    assert {k: r[k] for k in expected} == expected
    assert r["source"] == (
        "example-news; example-wire; Syrian Observatory for Human Rights; Medical sources"
    )
    assert "Sources disagree on the toll" in r["notes"] and "range 12-15" in r["notes"]


def test_export_acled_month_precision_protest_in_yemen_from_the_gazetteer(rows):
    r = rows[TAIZ]
    # Taiz Governorate and Yemen are not described in the graph: the gazetteer fills them
    assert (r["admin1"], r["country"], r["iso"]) == ("Taiz Governorate", "Yemen", "887")
    assert (r["event_date"], r["time_precision"], r["kg_time_precision"]) == (
        "2019-05-15",
        "3",
        "Month",
    )
    assert (r["inter1"], r["interaction"], r["disorder_type"]) == ("6", "60", "Demonstrations")
    assert (r["fatalities"], r["kg_fatalities_best"], r["kg_injured_best"]) == ("0", "", "3")


def test_export_acled_place_without_coordinates_keeps_its_row(rows):
    r = next(r for r in rows.values() if r["kg_place"].endswith("tall-al-ward"))
    assert (r["location"], r["latitude"], r["longitude"]) == ("تل الورد", "", "")
    assert (r["inter1"], r["actor2"], r["interaction"]) == ("1", "", "10")


def test_export_acled_battle_between_state_forces_and_rebels(rows):
    r = next(r for r in rows.values() if r["sub_event_type"] == "Armed clash")
    assert (r["actor1"], r["actor2"], r["interaction"]) == (
        "Syrian Arab Army",
        "Hay'at Tahrir al-Sham",
        "12",
    )
    assert (r["admin1"], r["disorder_type"]) == ("Hama Governorate", "Political violence")


def test_export_acled_iris_lead_back_to_the_sentences(rows):
    store = GraphStore(None)
    store.load_file(FIXTURE)
    for r in rows.values():
        events, sentences = r["kg_events"].split(), r["kg_sentences"].split()
        assert len(events) == len(sentences) == int(r["kg_report_count"])
        for event, sentence in zip(events, sentences, strict=True):
            ask = f"""ASK {{ GRAPH <https://w3id.org/ar-conflict-kg/resource/graph/incidents>
                       {{ <{r["kg_incident"]}> aco:hasReport <{event}> }}
                     <{event}> prov:wasDerivedFrom <{sentence}> . <{sentence}> a nif:Sentence }}"""
            assert bool(store.query(ask))


@pytest.mark.parametrize(
    ("inter1", "inter2", "code"),
    [(1, 2, "12"), (2, 1, "12"), (8, 7, "78"), (1, None, "10"), (None, 7, ""), (6, 1, "16")],
)
def test_export_interaction_code(inter1, inter2, code):
    assert interaction(inter1, inter2) == code


def test_export_geojson_points(tmp_path):
    out = tmp_path / "incidents.geojson"
    assert invoke("export", "geojson", out, "--graph", FIXTURE).exit_code == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == 4
    points = [f for f in doc["features"] if f["geometry"]]
    assert len(points) == 3  # the fourth has no coordinates: a null geometry (RFC 7946)
    saraqib = next(f for f in doc["features"] if f["id"] == SARAQIB)
    assert saraqib["geometry"] == {"type": "Point", "coordinates": [36.80591, 35.86447]}
    p = saraqib["properties"]
    assert (p["class"], p["date"], p["place_label_ar"]) == ("AirStrike", "2019-05-05", "سراقب")
    assert (p["fatalities_low"], p["fatalities_best"], p["fatalities_high"]) == (12, 15, 15)
    assert p["outlets"] == ["example-news", "example-wire"] and len(p["sentences"]) == 2


@pytest.mark.parametrize(
    ("options", "kept"),
    [
        (("--since", "2019-05-10"), ["2019-05", "2019-05-20", "2019-06-10"]),  # a month overlaps
        (("--since", "2019-05-01", "--until", "2019-05-05"), ["2019-05", "2019-05-05"]),
        (("--place", "محافظة ادلب"), ["2019-05-05"]),  # normalised: ادلب = إدلب
        (
            ("--place", "http://www.wikidata.org/entity/Q858"),
            ["2019-05-05", "2019-05-20", "2019-06-10"],
        ),
        (("--place", "Taiz Governorate"), ["2019-05"]),  # a parent known from the gazetteer
        (("--actor", "Syrian Arab Army"), ["2019-05-20", "2019-06-10"]),
        (("--actor", "هيئة تحرير الشام", "--since", "2019-05-20"), ["2019-05-20"]),
    ],
)
def test_export_filters(tmp_path, options, kept):
    assert [r["kg_date"] for r in acled(tmp_path, *options)] == kept


def test_export_filtered_to_nothing_says_so_and_writes_nothing(tmp_path):
    out = tmp_path / "acled.csv"
    result = invoke("export", "acled", out, "--graph", FIXTURE, "--since", "2030-01-01")
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: no incident matches --since 2030-01-01"
    assert list(tmp_path.iterdir()) == []


def test_export_graph_without_incidents(tmp_path):
    graph = tmp_path / "no-incidents.trig"
    text = FIXTURE.read_text(encoding="utf-8")
    graph.write_text(
        text[: text.index("<https://w3id.org/ar-conflict-kg/resource/graph/incidents>")]
    )
    out = tmp_path / "out.geojson"
    result = invoke("export", "geojson", out, "--graph", graph)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("Error: the graph has no incidents") and "kg resolve" in lines[1]
    assert not out.exists()


def test_export_failure_leaves_an_existing_file_alone(tmp_path):
    out = tmp_path / "acled.csv"
    out.write_text("old\n")
    result = invoke("export", "acled", out, "--graph", FIXTURE, "--actor", "Atlantis Navy")
    assert result.exit_code == 2
    assert result.stderr.strip() == "Error: no actor 'Atlantis Navy' among the incidents' actors"
    assert out.read_text() == "old\n" and len(list(tmp_path.iterdir())) == 1


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--since", "2019-13-01"), "--since takes a date YYYY-MM-DD, not '2019-13-01'"),
        (("--since", "2019-06-01", "--until", "2019-05-01"), "--since 2019-06-01 is after --until"),
        (("--place", "Atlantis"), "no place 'Atlantis' among the incidents' places"),
        (("--store", "x"), "use only one of --store and --graph"),
    ],
)
def test_export_bad_input(tmp_path, options, message):
    result = invoke("export", "acled", tmp_path / "a.csv", "--graph", FIXTURE, *options)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {message}")
    assert not (tmp_path / "a.csv").exists()


def test_export_missing_graph_file(tmp_path):
    result = invoke("export", "acled", tmp_path / "a.csv", "--graph", tmp_path / "nope.trig")
    assert result.exit_code == 2 and "no such graph file" in result.stderr


@pytest.fixture(scope="module")
def example_store(tmp_path_factory) -> GraphStore:
    """The bundled example corpus, built and resolved into incidents by kg resolve."""
    _, store = build_examples(tmp_path_factory.mktemp("examples"))
    resolve(store)
    return store


def test_export_acled_of_the_resolved_example_corpus(example_store, tmp_path):
    q = """SELECT (COUNT(?i) AS ?n) WHERE { GRAPH <https://w3id.org/ar-conflict-kg/resource/graph/incidents> { ?i a aco:Incident } }"""
    incidents = int(next(iter(example_store.query(q)))["n"].value)
    out = tmp_path / "examples.csv"
    assert write_acled(read_incidents(example_store), out) == incidents > 0
    with out.open(encoding="utf-8", newline="") as handle:
        got = list(csv.DictReader(handle))
    assert len(got) == incidents
    saraqib = next(r for r in got if r["location"] == "Saraqib")
    assert (saraqib["sub_event_type"], saraqib["kg_outlet_count"]) == ("Air/drone strike", "2")
    assert {"example-news", "example-wire"} <= set(saraqib["source"].split("; "))
    assert len(saraqib["kg_sentences"].split()) == 2
    assert saraqib["event_date"] == "2018-03-11" and saraqib["country"] == "Syria"


COUNTRY_CASES = """
@prefix aco: <https://w3id.org/ar-conflict-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sem: <http://semanticweb.cs.vu.nl/2009/11/sem/> .
@prefix wd: <http://www.wikidata.org/entity/> .
@prefix res: <https://w3id.org/ar-conflict-kg/resource/> .
res:graph\\/entities {
  res:entity\\/facility\\/airbase a aco:Facility ; rdfs:label "قاعدة جوية"@ar ;
    aco:partOf wd:Q1895761 .
  wd:Q1895761 a aco:Settlement ; rdfs:label "Saraqib"@en ; aco:country wd:Q858 .
  res:place\\/geonames-1862415 a aco:Settlement ; rdfs:label "Hiroshima"@en ;
    aco:geonamesId "1862415" .
  wd:Q30 a aco:Country ; rdfs:label "United States"@en .
}
res:graph\\/incidents {
  res:incident\\/a a aco:Incident , aco:AirStrike ; sem:hasPlace res:entity\\/facility\\/airbase .
  res:incident\\/b a aco:Incident , aco:Bombing ; sem:hasPlace res:place\\/geonames-1862415 .
  res:incident\\/c a aco:Incident , aco:Protest ; sem:hasPlace wd:Q30 .
}
"""


def test_export_acled_country_from_parent_geonames_or_name(tmp_path):
    graph = tmp_path / "countries.trig"
    graph.write_text(COUNTRY_CASES, encoding="utf-8")
    got = {r["kg_incident"].rsplit("/", 1)[-1]: r for r in acled(tmp_path, graph=graph)}
    columns = ("iso", "country", "region", "event_id_cnty")
    assert [tuple(got[k][c] for c in columns) for k in "abc"] == [
        ("760", "Syria", "Middle East", "SYR1"),  # the facility takes its parent's country
        ("392", "Japan", "East Asia", "JPN1"),  # GeoNames knows the city's country
        ("840", "United States", "North America", "USA1"),  # the country itself, by name
    ]


@pytest.mark.parametrize("command", [("export", "acled"), ("export", "geojson"), ("report",)])
def test_export_commands_have_help(command):
    result = invoke(*command, "--help")
    assert result.exit_code == 0
    assert "Usage" in result.output and "--since" in result.output and "--place" in result.output


def test_export_precision_codes_come_from_the_ontology(tmp_path):
    ontology = tmp_path / "codes.ttl"
    ontology.write_text(
        "@prefix aco: <https://w3id.org/ar-conflict-kg/ontology#> .\n"
        "aco:Week aco:acledTimePrecision 2 .\naco:GeoPartOfPlace aco:acledGeoPrecision 2 .\n",
        encoding="utf-8",
    )
    aco, path = "https://w3id.org/ar-conflict-kg/ontology#", str(ontology)
    assert acled_code(aco + "GeoPartOfPlace", "acled_geo_precision", path) == "2"
    assert acled_code(aco + "Week", "acled_time_precision", path) == "2"
    assert acled_code(aco + "GeoUnknown", "acled_geo_precision", path) is None
    assert acled_code("3", "acled_geo_precision", path) == "3"  # a literal code is its own
    assert acled_code(None, "acled_geo_precision", path) is None


def test_export_geo_precision_literal_on_the_incident(tmp_path):
    graph = tmp_path / "geo.trig"
    text = COUNTRY_CASES.replace(
        "sem:hasPlace res:place\\/geonames-1862415 .",
        "sem:hasPlace res:place\\/geonames-1862415 ; aco:geoPrecision 2 .",
    )
    graph.write_text(text, encoding="utf-8")
    got = {
        r["kg_incident"].rsplit("/", 1)[-1]: r["geo_precision"]
        for r in acled(tmp_path, graph=graph)
    }
    assert got == {"a": "", "b": "2", "c": ""}
