"""The one place triples are made: namespaces, IRIs, and the per-document graph as N-Quads.

The hot path writes N-Quads lines as text (one named graph per document), which the store
bulk-loads and ``.nq`` files take as they are; rdflib reads them back for other formats,
queries on files and validation. All IRIs are deterministic functions of the document id,
offsets, and entity keys, so re-building the same input yields the same graph.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from functools import lru_cache
from urllib.parse import quote

from kg import precision
from kg.model import Entity, Event, Extraction
from kg.tolls import event_toll

NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
ITSRDF = "http://www.w3.org/2005/11/its/rdf#"
SEM = "http://semanticweb.cs.vu.nl/2009/11/sem/"
DCT = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"
PROV = "http://www.w3.org/ns/prov#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
WGS = "http://www.w3.org/2003/01/geo/wgs84_pos#"
WD = "http://www.wikidata.org/entity/"
GEONAMES = "https://sws.geonames.org/"
WOF = "https://spelunker.whosonfirst.org/id/"
ACO = "https://w3id.org/ar-conflict-kg/ontology#"
RES = "https://w3id.org/ar-conflict-kg/resource/"
ONTOLOGY_GRAPH = RES + "graph/ontology"
ENTITIES_GRAPH = RES + "graph/entities"  # one description per entity, shared by all documents

PREFIXES = {
    "nif": NIF, "itsrdf": ITSRDF, "sem": SEM, "dcterms": DCT, "schema": SCHEMA, "prov": PROV,
    "rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD, "skos": SKOS, "geo": WGS, "wd": WD,
    "aco": ACO, "res": RES,
}  # fmt: skip

KIND_CLASS = {
    "person": "Person",
    "state_force": "StateForce",
    "armed_group": "ArmedGroup",
    "government": "Government",
    "organisation": "Organisation",
    "media": "MediaOutlet",
    "civilians": "Civilians",
    "country": "Country",
    "region": "Region",
    "settlement": "Settlement",
    "neighbourhood": "Neighbourhood",
    "facility": "Facility",
}
QUALIFIER = {
    "exact": "Exact",
    "at_least": "AtLeast",
    "more_than": "MoreThan",
    "about": "About",
    "at_most": "AtMost",
}
PRECISION = {"day": "Day", "week": "Week", "month": "Month", "year": "Year"}
GEO_PRECISION = {"exact": "GeoExact", "part": "GeoPartOfPlace", "region": "GeoRegion",
                 "country": "GeoCountry"}  # fmt: skip
_IRI_SAFE = "-._~:@!$'()*+,;="
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def iri(value: str) -> str:
    return f"<{value}>"


def lit(value: str, lang: str | None = None, datatype: str | None = None) -> str:
    body = '"' + value.translate(_ESCAPES) + '"'
    if lang:
        return f"{body}@{lang}"
    if datatype:
        return f"{body}^^<{datatype}>"
    return body


def decimal(value: float) -> str:
    """The canonical xsd:decimal form, to 6 places ("36.2", not "36.200000")."""
    text = f"{value:.6f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def int_lit(value: int) -> str:
    return f'"{value}"^^<{XSD}integer>'


def date_lit(value: str) -> str:
    datatype = {10: "date", 7: "gYearMonth", 4: "gYear"}[len(value)]
    return lit(value, datatype=XSD + datatype)


def doc_iri(doc_id: str) -> str:
    return f"{RES}doc/{quote(doc_id, safe=_IRI_SAFE)}"


def doc_graph(doc_id: str) -> str:
    return f"{RES}graph/doc/{quote(doc_id, safe=_IRI_SAFE)}"


def context_iri(doc_id: str) -> str:
    return doc_iri(doc_id) + "#context"


def span_iri(doc_id: str, start: int, end: int) -> str:
    """A NIF offset-based string IRI."""
    return f"{doc_iri(doc_id)}#char={start},{end}"


def event_iri(doc_id: str, ev: Event) -> str:
    start, end = ev.triggers[0]
    return f"{doc_iri(doc_id)}/event/{start}-{end}"


def entity_iri(entity: Entity | str) -> str:
    return _key_iri(entity if isinstance(entity, str) else entity.key)


@lru_cache(maxsize=65536)
def _key_iri(key: str) -> str:
    """An entity key's IRI (cached: a document names the same entities again and again)."""
    if key.startswith("Q"):
        return WD + key
    if key.startswith("local:"):
        return RES + "entity/" + quote(key[len("local:") :], safe=_IRI_SAFE + "/")
    if key.startswith("wof:"):
        return RES + "place/wof-" + key[4:]
    if key.startswith("gn:"):
        return RES + "place/geonames-" + key[3:]
    return RES + "entity/" + quote(key, safe=_IRI_SAFE)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def entity_triples(ent: Entity) -> Iterator[tuple[str, str, str]]:
    """The entity's description, for the shared entities graph."""
    s = iri(entity_iri(ent))
    yield s, iri(RDF + "type"), iri(ACO + KIND_CLASS[ent.kind])
    yield s, iri(RDFS + "label"), lit(ent.label_ar, "ar")
    if ent.label_en:
        yield s, iri(RDFS + "label"), lit(ent.label_en, "en")
    if ent.qid and not ent.key.startswith("Q"):
        yield s, iri(OWL + "sameAs"), iri(WD + ent.qid)
    if ent.geonames_id:
        yield s, iri(ACO + "geonamesId"), lit(str(ent.geonames_id))
        yield s, iri(SKOS + "exactMatch"), iri(f"{GEONAMES}{ent.geonames_id}/")
    if ent.key.startswith("wof:"):
        yield s, iri(RDFS + "seeAlso"), iri(WOF + ent.key[4:])
    if ent.lat is not None and ent.lon is not None:
        yield s, iri(WGS + "lat"), lit(decimal(ent.lat), datatype=XSD + "decimal")
        yield s, iri(WGS + "long"), lit(decimal(ent.lon), datatype=XSD + "decimal")
    if ent.country_qid and ent.country_qid.startswith("Q") and ent.kind != "country":
        yield s, iri(ACO + "country"), iri(WD + ent.country_qid)
    if ent.parent_key and ent.parent_key != ent.key:
        yield s, iri(ACO + "partOf"), iri(entity_iri(ent.parent_key))
    if ent.population:
        yield s, iri(ACO + "population"), int_lit(ent.population)


Triple = tuple[str, str, str]


def nquads(graph: str, triples: list[Triple]) -> str:
    g = iri(graph)
    return "".join(f"{s} {p} {o} {g} .\n" for s, p, o in triples)


def ntriples(triples: list[Triple]) -> str:
    return "".join(f"{s} {p} {o} .\n" for s, p, o in triples)


def _term(ns: str, name: str) -> str:
    return f"<{ns}{name}>"


# terms the per-document graph repeats for every sentence, phrase, mention and event
_A = _term(RDF, "type")
_NNI = f"^^<{XSD}nonNegativeInteger>"
_PHRASE = _term(NIF, "Phrase")
_SENTENCE = _term(NIF, "Sentence")
_REFERENCE_CONTEXT = _term(NIF, "referenceContext")
_IN_SENTENCE = _term(NIF, "sentence")
_BEGIN = _term(NIF, "beginIndex")
_END = _term(NIF, "endIndex")
_ANCHOR = _term(NIF, "anchorOf")
_IDENT_REF = _term(ITSRDF, "taIdentRef")
_CLASS_REF = _term(ITSRDF, "taClassRef")
_CONFIDENCE = _term(ITSRDF, "taConfidence")
_DOUBLE = f"^^<{XSD}double>"
_RECOGNISED_BY = _term(ACO, "recognisedBy")
_KIND_TERM = {kind: _term(ACO, cls) for kind, cls in KIND_CLASS.items()}


def document_triples(ex: Extraction, run_iri: str | None = None) -> list[Triple]:
    """The content of the document's named graph (``doc_graph(id)``), as N-Triples terms."""
    doc = ex.document
    text = doc.text
    base = doc_iri(doc.id)  # span IRIs extend it: quoted once per document
    ctx = iri(base + "#context")
    a = _A
    triples: list[tuple[str, str, str]] = [
        (ctx, a, iri(NIF + "Context")),
        (ctx, a, iri(NIF + "OffsetBasedString")),
        (ctx, iri(NIF + "isString"), lit(text)),
        (ctx, _BEGIN, lit("0", datatype=XSD + "nonNegativeInteger")),
        (ctx, _END, lit(str(len(text)), datatype=XSD + "nonNegativeInteger")),
        (ctx, iri(DCT + "identifier"), lit(doc.id)),
        (ctx, iri(ACO + "contentHash"), lit(text_hash(text))),
    ]
    if doc.date:
        triples.append((ctx, iri(DCT + "created"), lit(doc.date, datatype=XSD + "date")))
    if doc.source:
        triples.append((ctx, iri(DCT + "source"), lit(doc.source)))
    if doc.url:
        triples.append(
            (ctx, iri(SCHEMA + "url"), iri(quote(doc.url, safe=":/?#[]@!$&'()*+,;=%~-._")))
        )
    if doc.title:
        triples.append((ctx, iri(DCT + "title"), lit(doc.title)))
    if run_iri:
        triples.append((ctx, iri(PROV + "wasGeneratedBy"), iri(run_iri)))

    nni = _NNI
    sentence_iris = []
    for s in ex.analysis.sentences:
        siri = f"<{base}#char={s.start},{s.end}>"
        sentence_iris.append(siri)
        triples += [
            (siri, a, _SENTENCE),
            (siri, _REFERENCE_CONTEXT, ctx),
            (siri, _BEGIN, f'"{s.start}"{nni}'),
            (siri, _END, f'"{s.end}"{nni}'),
        ]

    def phrase(start: int, end: int, sentence: int) -> str:
        p = f"<{base}#char={start},{end}>"
        triples.extend([
            (p, a, _PHRASE),
            (p, _REFERENCE_CONTEXT, ctx),
            (p, _IN_SENTENCE, sentence_iris[sentence]),
            (p, _BEGIN, f'"{start}"{nni}'),
            (p, _END, f'"{end}"{nni}'),
            (p, _ANCHOR, lit(text[start:end])),
        ])  # fmt: skip
        return p

    for m in ex.mentions:
        p = phrase(m.start, m.end, m.sentence)
        triples += [
            (p, _IDENT_REF, iri(entity_iri(m.entity_key))),
            (p, _CLASS_REF, _KIND_TERM[m.kind]),
            (p, _CONFIDENCE, f'"{m.confidence:.3f}"{_DOUBLE}'),
            (p, _RECOGNISED_BY, lit(m.method)),
        ]
    for ev in ex.events:
        triples += _event_triples(ex, ev, phrase, sentence_iris, ctx, base)
    return triples


def _event_triples(
    ex: Extraction,
    ev: Event,
    phrase: Callable[[int, int, int], str],
    sentence_iris: list[str],
    ctx: str,
    base: str,
) -> list[Triple]:
    start, end = ev.triggers[0]
    event = f"{base}/event/{start}-{end}"  # event_iri, on the document IRI quoted once
    e = iri(event)
    a = _A
    out: list[tuple[str, str, str]] = []
    if ev.negated or ev.hedged:  # never a plain fact: not an instance of the class
        out.append((e, a, iri(ACO + "NonFactualEvent")))
        out.append((e, iri(ACO + "reportedEventClass"), iri(ACO + ev.cls)))
        out.append((e, iri(ACO + "factuality"), iri(ACO + ("Negated" if ev.negated else "Hedged"))))
    else:
        out.append((e, a, iri(ACO + ev.cls)))
    out.append((e, _REPORTED_IN, ctx))
    out.append((e, _DERIVED_FROM, sentence_iris[ev.sentence]))
    for start, end in ev.triggers:
        sentence = ex.analysis.sentence_at(start).index
        out.append((e, _TRIGGER, phrase(start, end, sentence)))
    mentions = ex.mentions
    for role, mi in ev.roles:
        out.append((e, iri(ACO + role), iri(entity_iri(mentions[mi].entity_key))))
    if ev.place is not None:
        out.append((e, iri(SEM + "hasPlace"), iri(entity_iri(mentions[ev.place].entity_key))))
        geo = precision.geo_precision(ex, ev)
        out.append((e, iri(ACO + "geoPrecision"), iri(ACO + GEO_PRECISION[geo or "exact"])))
    for mi in precision.mentioned_places(ex, ev):
        out.append((e, iri(ACO + "mentionedPlace"), iri(entity_iri(mentions[mi].entity_key))))
    for mi in ev.sources:
        out.append((e, iri(ACO + "reportedBy"), iri(entity_iri(mentions[mi].entity_key))))
    time = precision.time_precision(ex, ev)
    if ev.time is not None and time is not None:
        code, vague = time
        out.append((e, iri(SEM + "hasTimeStamp"), date_lit(ev.time.value)))
        out.append((e, iri(ACO + "timePrecision"), iri(ACO + PRECISION[code])))
        words = ev.time.expression or vague
        if words:
            out.append((e, iri(ACO + "timeExpression"), lit(words, "ar")))
        if not ev.time.expression:
            out.append(
                (e, iri(ACO + "timeFromPublicationDate"), lit("true", datatype=XSD + "boolean"))
            )
    best: dict[str, tuple[int, str, int]] = {}
    claimed_by = [iri(entity_iri(mentions[mi].entity_key)) for mi in ev.sources]
    for n, c in enumerate(ev.counts):
        claim = iri(f"{event}/count/{n}")
        sentence = ex.analysis.sentence_at(c.span[0]).index
        out += [
            (e, _HAS_COUNT_CLAIM, claim),
            (claim, a, _COUNT_CLAIM),
            (claim, _COUNT_OF, lit(c.what)),
            (claim, _VALUE, int_lit(c.value)),
            (claim, _QUALIFIER, _QUALIFIER_TERM[c.qualifier]),
            (claim, _DERIVED_FROM, phrase(c.span[0], c.span[1], sentence)),
            (claim, _REPORTED_IN, ctx),
        ]
        out += [(claim, _CLAIMED_BY, who) for who in claimed_by]
        if c.what not in best or c.value > best[c.what][0]:
            best[c.what] = (c.value, c.qualifier, n)
    toll = event_toll(ev.counts)  # the dead of groups apart add up: a sum of claims
    if toll is not None:
        best["fatalities"] = toll[0], toll[1], toll[2][0]
        if len(toll[2]) > 1:
            out += [(e, _SUMMED_FROM, iri(f"{event}/count/{n}")) for n in toll[2]]
    for what, prop in (("fatalities", "fatalities"), ("injured", "injured"),
                       ("civilians", "civilianFatalities"), ("children", "childFatalities"),
                       ("women", "womenFatalities")):  # fmt: skip
        if what in best:
            value, qual, _ = best[what]
            out.append((e, iri(ACO + prop), int_lit(value)))
            out.append((e, iri(ACO + prop + "Qualifier"), _QUALIFIER_TERM[qual]))
    return out


_REPORTED_IN = _term(ACO, "reportedIn")
_DERIVED_FROM = _term(PROV, "wasDerivedFrom")
_TRIGGER = _term(ACO, "trigger")
_HAS_COUNT_CLAIM = _term(ACO, "hasCountClaim")
_COUNT_CLAIM = _term(ACO, "CountClaim")
_COUNT_OF = _term(ACO, "countOf")
_SUMMED_FROM = _term(ACO, "fatalitiesSummedFrom")
_VALUE = _term(ACO, "value")
_QUALIFIER = _term(ACO, "qualifier")
_CLAIMED_BY = _term(ACO, "claimedBy")
_QUALIFIER_TERM = {q: _term(ACO, name) for q, name in QUALIFIER.items()}
