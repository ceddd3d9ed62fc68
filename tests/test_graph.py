"""The graph contract, checked on graphs built from the example corpus."""

from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic, to_isomorphic
from rdflib.namespace import RDF, RDFS

from kg.corpus import CorpusReader
from kg.pipeline import FileSink, build
from kg.rdf import ACO, NIF, SEM
from tests.conftest import EXAMPLES

NIFNS = rdflib.Namespace(NIF)
ACONS = rdflib.Namespace(ACO)
ONTOLOGY = Path(__file__).resolve().parent.parent / "ontology" / "conflict.ttl"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    out = {}
    base = tmp_path_factory.mktemp("graphs")
    for suffix in (".nq", ".trig", ".jsonld", ".ttl", ".nt"):
        path = base / f"example{suffix}"
        build(CorpusReader([EXAMPLES]), [FileSink(path)])
        out[suffix] = path
    return out


@pytest.fixture(scope="module")
def dataset(built) -> rdflib.Dataset:
    ds = rdflib.Dataset(default_union=True)
    ds.parse(built[".nq"], format="nquads")
    return ds


def test_every_anchor_equals_the_text_slice_it_claims(dataset):
    checked = 0
    for phrase, anchor in dataset.subject_objects(NIFNS.anchorOf):
        ctx = dataset.value(phrase, NIFNS.referenceContext)
        text = str(dataset.value(ctx, NIFNS.isString))
        begin = int(dataset.value(phrase, NIFNS.beginIndex))
        end = int(dataset.value(phrase, NIFNS.endIndex))
        assert text[begin:end] == str(anchor)
        checked += 1
    assert checked > 50


def test_documents_are_nif_contexts_with_metadata(dataset):
    contexts = set(dataset.subjects(RDF.type, NIFNS.Context))
    assert len(contexts) == 7
    ids = {str(dataset.value(c, rdflib.DCTERMS.identifier)) for c in contexts}
    assert {"ex-001", "ex-006"} <= ids
    ex1 = next(c for c in contexts if str(dataset.value(c, rdflib.DCTERMS.identifier)) == "ex-001")
    assert str(dataset.value(ex1, rdflib.DCTERMS.created)) == "2018-03-12"
    assert str(dataset.value(ex1, rdflib.DCTERMS.source)) == "example-news"


def test_mentions_point_at_typed_labelled_entities(dataset):
    ontology = rdflib.Graph().parse(ONTOLOGY)
    mentions = list(
        dataset.subject_objects(rdflib.URIRef("http://www.w3.org/2005/11/its/rdf#taIdentRef"))
    )
    assert len(mentions) > 30
    for _, entity in mentions:
        types = set(dataset.objects(entity, RDF.type))
        assert types and all((t, RDFS.subClassOf, None) in ontology for t in types)
        assert any(label.language == "ar" for label in dataset.objects(entity, RDFS.label))


def test_event_classes_are_sem_events_with_provenance(dataset):
    ontology = rdflib.Graph().parse(ONTOLOGY)
    sem_event = rdflib.URIRef(SEM + "Event")
    events = [
        s
        for s, o in dataset.subject_objects(RDF.type)
        if str(o).startswith(ACO)
        and (o, RDFS.subClassOf, None) in ontology
        and sem_event in ontology.transitive_objects(o, RDFS.subClassOf)
    ]
    assert len(events) >= 10
    for ev in events:
        assert dataset.value(ev, ACONS.trigger) is not None
        assert dataset.value(ev, ACONS.reportedIn) is not None


def test_fatalities_are_integers_with_qualifier(dataset):
    figures = list(dataset.subject_objects(ACONS.fatalities))
    assert figures
    for ev, value in figures:
        assert value.datatype == rdflib.XSD.integer
        assert dataset.value(ev, ACONS.fatalitiesQualifier) is not None


def test_formats_round_trip_to_the_same_graph(built):
    triples = {}
    for suffix, fmt in ((".nq", "nquads"), (".trig", "trig"), (".jsonld", "json-ld")):
        ds = rdflib.Dataset()
        ds.parse(built[suffix], format=fmt)
        g = rdflib.Graph()
        for s, p, o, _ in ds.quads():
            g.add((s, p, o))
        triples[suffix] = g
    for suffix, fmt in ((".ttl", "turtle"), (".nt", "nt")):
        triples[suffix] = rdflib.Graph().parse(built[suffix], format=fmt)
    reference = to_isomorphic(triples[".nq"])
    for suffix, g in triples.items():
        assert isomorphic(reference, g), suffix


def test_quad_formats_keep_one_graph_per_document(built):
    ds = rdflib.Dataset()
    ds.parse(built[".trig"], format="trig")
    graphs = {str(g.identifier) for g in ds.graphs() if len(g)}
    doc_graphs = [g for g in graphs if "/graph/doc/" in g]
    assert len(doc_graphs) == 7
    assert any(g.endswith("/graph/entities") for g in graphs)


def test_builds_are_deterministic(tmp_path):
    a, b = tmp_path / "a.nq", tmp_path / "b.nq"
    build(CorpusReader([EXAMPLES]), [FileSink(a)])
    build(CorpusReader([EXAMPLES]), [FileSink(b)])
    assert sorted(a.read_text().splitlines()) == sorted(b.read_text().splitlines())


def test_entity_iris_are_stable_and_local_ones_live_in_the_project_namespace(dataset):
    entities = {
        o
        for _, o in dataset.subject_objects(
            rdflib.URIRef("http://www.w3.org/2005/11/its/rdf#taIdentRef")
        )
    }
    for e in entities:
        assert str(e).startswith(
            ("http://www.wikidata.org/entity/Q", "https://w3id.org/ar-conflict-kg/resource/")
        )


def test_build_collects_garbage_less_often_and_restores_the_thresholds(tmp_path):
    import gc

    from kg.pipeline import fewer_collections

    before = gc.get_threshold()
    with fewer_collections(12_345):
        assert gc.get_threshold() == (12_345, *before[1:])
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("a failed build")
    assert gc.get_threshold() == before
    build(CorpusReader([EXAMPLES]), [FileSink(tmp_path / "g.nq")])
    assert gc.get_threshold() == before
