"""Enrichment: selected Wikidata facts about the items a store links to, fetched with
SPARQLWrapper in ``VALUES`` batches (``kg.wikidata.fetch_items``) into their own named graph,
``…/graph/enrichment``, so that local queries can use them offline. The facts are kept as
Wikidata's direct claims (``wd:Q… wdt:P… value``), so a query written for Wikidata's
endpoint reads them unchanged; the graph is replaced whole on every run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kg.errors import EndpointError, InputError
from kg.query import Term
from kg.rdf import DCT, ENTITIES_GRAPH, RES, WD, XSD, iri, lit, nquads
from kg.remote import iri_ref
from kg.store import GraphStore
from kg.wikidata import BATCH, PAGE, WDT, WIKIDATA, fetch_items, is_qid

ENRICHMENT_GRAPH = RES + "graph/enrichment"
ENRICH_PROPERTIES = ("P31", "P17", "P625", "P1082", "P749", "P571")
_UNKNOWN_VALUE = "http://www.wikidata.org/.well-known/genid/"


def linked_qids(store: GraphStore) -> list[str]:
    """The Wikidata items the graph links to: every item in the entities graph (the linked
    entities, their parents and countries)."""
    found = store.query(
        f"""SELECT DISTINCT ?e WHERE {{ GRAPH <{ENTITIES_GRAPH}> {{ {{ ?e ?p ?o }} UNION {{ ?s ?p ?e }} }}
            FILTER(isIRI(?e) && STRSTARTS(STR(?e), "{WD}Q")) }}"""
    )
    qids = {str(s["e"].value).removeprefix(WD) for s in found}  # type: ignore[union-attr]
    return sorted((x for x in qids if is_qid(x)), key=lambda x: int(x[1:]))


@dataclass
class EnrichSummary:
    endpoint: str
    asked: int = 0
    found: int = 0
    triples: int = 0

    def line(self) -> str:
        return (
            f"{self.asked} linked items asked of {self.endpoint}, {self.found} found: "
            f"{self.triples} triples in <{ENRICHMENT_GRAPH}>"
        )


def enrich(
    store: GraphStore,
    endpoint: str = WIKIDATA,
    *,
    properties: Iterable[str] = ENRICH_PROPERTIES,
    batch: int = BATCH,
    page: int = PAGE,
    **options: Any,
) -> EnrichSummary:
    """Fetch ``properties`` (as ``wdt:`` triples) of every linked item into the enrichment
    graph, replacing what was there, so local queries can use them offline."""
    qids = linked_qids(store)
    props = list(properties)
    try:
        items = fetch_items(endpoint, qids, props, batch=batch, page=page, **options)
    except EndpointError as exc:
        raise EndpointError(
            f"enrichment from {endpoint}: {exc.message}; the store was not changed",
            hint="run the command again: it replaces the enrichment graph whole",
        ) from exc
    triples = []
    for qid in sorted(items, key=lambda x: int(x[1:])):
        for prop in props:
            for term in items[qid].values.get(prop, []):
                value = _rdf_term(term, endpoint)
                if value is not None:
                    triples.append((iri(WD + qid), iri(WDT + prop), value))
    graph = iri(ENRICHMENT_GRAPH)
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    triples += [
        (graph, iri(DCT + "source"), iri_ref(endpoint)),
        (graph, iri(DCT + "modified"), lit(now, datatype=XSD + "dateTime")),
    ]
    store.replace_documents([ENRICHMENT_GRAPH], nquads(ENRICHMENT_GRAPH, triples))
    store.flush()
    return EnrichSummary(endpoint, asked=len(qids), found=len(items), triples=len(triples))


def _rdf_term(term: Term, endpoint: str) -> str | None:
    """A SPARQL JSON term as an N-Triples term; None for Wikidata's "unknown value"."""
    kind, value = term.get("type"), term.get("value", "")
    if kind == "uri":
        if value.startswith(_UNKNOWN_VALUE):
            return None
        try:
            return iri_ref(value)
        except InputError as exc:
            raise EndpointError(f"{endpoint} returned a malformed IRI: {value!r}") from exc
    if kind in ("literal", "typed-literal"):
        return lit(value, term.get("xml:lang"), term.get("datatype"))
    return None  # a blank node: Wikidata's "unknown value"
