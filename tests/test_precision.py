"""Precision codes (time, place), mentioned places, their triples and ontology terms, and the
precision scorer of kg eval."""

import hashlib
import json

import pyshacl
import pytest
import rdflib

from kg import precision
from kg.errors import InputError
from kg.evaluate import evaluate, read_graph
from kg.model import Document
from kg.pipeline import extract
from kg.rdf import ACO, PREFIXES, doc_graph, document_triples, nquads, ntriples
from kg.score_precision import read_codes, read_precision_gold, score_precision
from kg.store import GraphStore
from tests.conftest import ROOT

ONTOLOGY = ROOT / "ontology" / "conflict.ttl"


def only_event(run, text, date="2018-03-12"):
    ex = run(text, date)
    assert len(ex.events) == 1, ex.events
    return ex, ex.events[0]


@pytest.mark.parametrize(
    ("text", "code", "words"),
    [
        ("قُتل خمسة مدنيين في غارات جوية على بلدة سراقب أمس.", "day", None),
        ("تظاهر المئات في مدينة حلب في منتصف مارس 2011.", "month", None),
        ("شنت القوات الروسية غارات على مدينة دوما عام 2015.", "year", None),
        ("قُتل خمسة مدنيين في غارات جوية على بلدة سراقب.", "week", None),
        ("اندلعت اشتباكات عنيفة قرب مدينة سراقب الأسبوع الماضي.", "week", "الأسبوع الماضي"),
    ],
)
def test_precision_time_code(run, text, code, words):
    ex, ev = only_event(run, text)
    assert precision.time_precision(ex, ev) == (code, words)


def test_precision_no_time_without_a_publication_date(run):
    ex, ev = only_event(run, "قُتل خمسة مدنيين في غارات جوية على بلدة سراقب.", None)
    assert precision.time_precision(ex, ev) is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("قُتل خمسة مدنيين في غارات جوية على بلدة سراقب.", "exact"),
        ("اندلعت اشتباكات عنيفة قرب مدينة سراقب.", "part"),
        ("قُتل خمسة مدنيين في غارات جوية على ريف إدلب الجنوبي.", "part"),
        ("شنت طائرات حربية غارات على محافظة إدلب.", "region"),
        ("قُتل ثلاثة مدنيين في قصف على شمال سوريا.", "region"),
        ("قُتل ثلاثة مدنيين في قصف على سوريا.", "country"),
    ],
)
def test_precision_geo_code(run, text, code):
    ex, ev = only_event(run, text)
    assert precision.geo_precision(ex, ev) == code


def test_precision_mentioned_places_leave_out_where_it_happened(run):
    text = "شنت القوات الروسية غارات على مدينة دوما في الغوطة الشرقية عام 2015."
    ex, ev = only_event(run, text)
    assert text[ex.mentions[ev.place].start : ex.mentions[ev.place].end] == "دوما"
    mentioned = [text[ex.mentions[i].start : ex.mentions[i].end] for i in precision.mentioned_places(ex, ev)]  # fmt: skip
    assert mentioned == ["الغوطة الشرقية"]


def test_precision_codes_are_triples_of_ontology_individuals(run):
    ex = run("اندلعت اشتباكات عنيفة قرب مدينة سراقب الأسبوع الماضي.")
    triples = document_triples(ex)
    by_pred = {p.strip("<>").split("#")[-1]: o for _, p, o in triples}
    assert by_pred["timePrecision"] == f"<{ACO}Week>"
    assert by_pred["geoPrecision"] == f"<{ACO}GeoPartOfPlace>"
    assert by_pred["timeExpression"] == '"الأسبوع الماضي"@ar'
    assert by_pred["timeFromPublicationDate"].startswith('"true"')
    onto = rdflib.Graph().parse(ONTOLOGY)
    acled = rdflib.URIRef(ACO + "acledGeoPrecision")
    codes = {str(s)[len(ACO) :]: int(o) for s, o in onto.subject_objects(acled)}
    assert codes == {"GeoExact": 1, "GeoPartOfPlace": 2, "GeoRegion": 3, "GeoCountry": 3}
    time = rdflib.URIRef(ACO + "acledTimePrecision")
    assert {str(s)[len(ACO) :]: int(o) for s, o in onto.subject_objects(time)} == {
        "Day": 1, "Week": 2, "Month": 3, "Year": 3}  # fmt: skip
    for term in ("Week", "GeoExact", "geoPrecision", "mentionedPlace", "BuildRun"):
        labels = {o.language for o in onto.objects(rdflib.URIRef(ACO + term), rdflib.RDFS.label)}
        assert labels == {"en", "ar"}, term


TEXT = "قُتل خمسة مدنيين في غارات جوية على بلدة سراقب أمس. وتظاهر المئات في مدينة حلب."


def test_precision_scorer_counts_agreement(tmp_path, gaz):
    doc = Document("p-1", TEXT, "2018-03-12")
    ex = extract(doc, gaz)
    store = GraphStore(None)
    store.replace_documents([doc_graph(doc.id)], nquads(doc_graph(doc.id), document_triples(ex)))
    strike, protest = ex.events
    place = ex.mentions[strike.place]
    mentions = [{"start": m.start, "end": m.end, "kind": m.kind, "qid": None, "label": ""}
                for m in ex.mentions]  # fmt: skip
    gold_events = [
        {"class": e.cls, "triggers": [list(t) for t in e.triggers], "place": [], "date": None,
         "fatalities": None}
        for e in (strike, protest)
    ]  # fmt: skip
    record = {"id": doc.id, "sha1": hashlib.sha1(TEXT.encode()).hexdigest(),
              "mentions": mentions, "events": gold_events}  # fmt: skip
    codes = [
        {"triggers": gold_events[0]["triggers"], "time_precision": "day",
         "time_from_publication": False, "geo_precision": "exact",
         "place": [place.start, place.end]},
        {"triggers": gold_events[1]["triggers"], "time_precision": "day",  # system: week
         "time_from_publication": False, "geo_precision": "part", "place": [0, 4]},
    ]  # fmt: skip
    path = tmp_path / "precision.jsonl"
    path.write_text(json.dumps({"id": doc.id, "events": codes}, ensure_ascii=False) + "\n")
    docs = read_graph(store)
    report = evaluate([record], docs)
    assert len(report.matched) == 2
    result = score_precision(report.matched, read_precision_gold(path), read_codes(store), docs)
    assert (result.time.right, result.time.total) == (1, 2)
    assert (result.from_publication.right, result.from_publication.total) == (1, 2)
    assert (result.geo.right, result.geo.total) == (1, 2)
    assert (result.place.right, result.place.total) == (1, 2)
    assert result.confusion == {"time day as week": 1, "geo part as exact": 1}


def test_precision_gold_covers_every_event_of_gold_parts():
    parts = [json.loads(x) for f in sorted((ROOT / "gold" / "parts").glob("*.jsonl"))
             for x in f.read_text(encoding="utf-8").splitlines() if x.strip()]  # fmt: skip
    gold = read_precision_gold(ROOT / "gold" / "precision.jsonl")
    keys = {(r["id"], tuple(tuple(t) for t in e["triggers"])) for r in parts for e in r["events"]}
    assert keys == set(gold)
    for ev in gold.values():
        assert ev["time_precision"] in ("day", "week", "month", "year")
        assert ev["geo_precision"] in (None, "exact", "part", "region", "country")
        assert (ev["geo_precision"] is None) == (ev["place"] is None)


def test_precision_malformed_gold_is_bad_input(tmp_path):
    bad = tmp_path / "p.jsonl"
    bad.write_text('{"id": "x", "events": []}\n{"id": "x"}\n')
    with pytest.raises(InputError, match=r"malformed precision gold record: .*p.jsonl:2"):
        read_precision_gold(bad)
    with pytest.raises(InputError, match="no such precision gold file"):
        read_precision_gold(tmp_path / "nope.jsonl")


def test_precision_codes_of_a_built_graph_validate_against_their_shapes(run):
    texts = ["اندلعت اشتباكات عنيفة قرب مدينة سراقب الأسبوع الماضي.",
             "شنت القوات الروسية غارات على مدينة دوما في الغوطة الشرقية عام 2015.",
             "قُتل ثلاثة مدنيين في قصف على سوريا."]  # fmt: skip
    data = rdflib.Graph()
    for n, text in enumerate(texts):
        ex = run(text, doc_id=f"s-{n}")
        data.parse(data=ntriples(document_triples(ex)), format="nt")
    assert len(data) > 100
    shapes = rdflib.Graph().parse(ROOT / "ontology" / "shapes" / "precision.ttl")
    ok, _, text = pyshacl.validate(data, shacl_graph=shapes, advanced=True)
    assert ok, text
    bad = ex.document.id
    event = next(s for s, p, _ in data if str(p) == ACO + "geoPrecision" and bad in str(s))
    data.remove((event, rdflib.URIRef(PREFIXES["sem"] + "hasPlace"), None))
    ok, _, text = pyshacl.validate(data, shacl_graph=shapes, advanced=True)
    assert not ok and "needs the place it qualifies" in str(text)
