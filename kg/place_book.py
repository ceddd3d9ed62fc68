"""Places as the exports show them: labels, coordinates, country and the administrative places
above them (``aco:partOf``, transitively). Descriptions come from the entities graph; a parent
place or country that the graph names but does not describe is looked up in the gazetteer by
its QID or local key."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from kg.gazetteer import Entry, default_gazetteer
from kg.rdf import ACO, ENTITIES_GRAPH, RDFS, RES, WD, WGS
from kg.store import GraphStore

PLACE_CLASSES = ("Country", "Region", "Settlement", "Neighbourhood", "Facility")
MAX_PLACE_DEPTH = 8


@dataclass(frozen=True)
class Named:
    """An entity as shown: its IRI and labels."""

    iri: str
    label_ar: str | None
    label_en: str | None

    @property
    def label(self) -> str:
        """The English label (ACLED's language) when there is one, else the Arabic one."""
        return self.label_en or self.label_ar or local_name(self.iri)


@dataclass(frozen=True)
class Place(Named):
    kind: str | None  # ontology class local name: Settlement, Region, Country…
    lat: float | None
    lon: float | None
    country: Named | None
    admin: tuple[Named, ...]  # the places above it below the country, the largest first
    geonames_id: int | None = None

    @property
    def chain(self) -> tuple[Named, ...]:
        """Every place this one lies in (country first), and itself last."""
        top = (self.country,) if self.country and self.country.iri != self.iri else ()
        return (*top, *self.admin, self)


def local_name(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def select_rows(store: GraphStore, sparql: str) -> ox.QuerySolutions:
    answer = store.query(sparql)
    assert isinstance(answer, ox.QuerySolutions)
    return answer


def labelled(store: GraphStore, classes: Iterable[str], more: str = "") -> ox.QuerySolutions:
    """Entities of ``classes`` with their labels and country, plus the ``more`` patterns."""
    kinds = " ".join(f"<{ACO}{c}>" for c in classes)
    return select_rows(
        store,
        f"""SELECT * WHERE {{
              GRAPH <{ENTITIES_GRAPH}> {{ ?e a ?kind . VALUES ?kind {{ {kinds} }}
              OPTIONAL {{ ?e <{RDFS}label> ?ar FILTER(lang(?ar) = "ar") }}
              OPTIONAL {{ ?e <{RDFS}label> ?en FILTER(lang(?en) = "en") }}
              OPTIONAL {{ ?e <{ACO}country> ?country }} {more} }} }}""",
    )


class PlaceBook:
    """Place descriptions from the entities graph, with the gazetteer for what it lacks."""

    def __init__(self, store: GraphStore) -> None:
        self.rows: dict[str, dict[str, Any]] = {}
        more = (
            f"OPTIONAL {{ ?e <{WGS}lat> ?lat ; <{WGS}long> ?lon }} "
            f"OPTIONAL {{ ?e <{ACO}partOf> ?parent }} OPTIONAL {{ ?e <{ACO}geonamesId> ?gn }}"
        )
        for s in labelled(store, PLACE_CLASSES, more):
            row = self.rows.setdefault(s["e"].value, {"parents": set()})
            row.setdefault("kind", local_name(s["kind"].value))
            for key in ("ar", "en", "country", "lat", "lon", "gn"):
                if s[key] is not None:
                    row.setdefault(key, s[key].value)
            if s["parent"] is not None:
                row["parents"].add(s["parent"].value)
        self.cache: dict[str, Place] = {}

    def _describe(self, iri: str) -> dict[str, Any]:
        if iri in self.rows:
            return self.rows[iri]
        entry = _gazetteer_entry(iri)
        row: dict[str, Any] = {"parents": set()}
        if entry is not None:
            e = entry.entity
            row.update(kind=_KIND_CLASS.get(e.kind), ar=e.label_ar, en=e.label_en)
            row.update(lat=e.lat, lon=e.lon, gn=e.geonames_id)
            if e.country_qid:
                row["country"] = WD + e.country_qid
            if e.parent_key:
                row["parents"] = {_key_iri(e.parent_key)}
        self.rows[iri] = row
        return row

    def named(self, iri: str) -> Named:
        row = self._describe(iri)
        return Named(iri, row.get("ar"), row.get("en"))

    def place(self, iri: str) -> Place:
        if iri in self.cache:
            return self.cache[iri]
        row = self._describe(iri)
        country = row.get("country")
        admin: list[Named] = []
        seen = {iri}
        parents = row["parents"]
        while parents and len(seen) < MAX_PLACE_DEPTH:
            parent = sorted(parents)[0]
            if parent in seen:
                break
            seen.add(parent)
            up = self._describe(parent)
            country = country or up.get("country")  # a place without one takes its parent's
            if up.get("kind") == "Country" or parent == country:
                country = country or parent
                break
            admin.insert(0, self.named(parent))
            parents = up["parents"]
        if row.get("kind") == "Country":  # a country is its own country, above no other
            country, admin = iri, []
        lat, lon, geonames = row.get("lat"), row.get("lon"), row.get("gn")
        place = Place(
            iri,
            row.get("ar"),
            row.get("en"),
            row.get("kind"),
            float(lat) if lat is not None else None,
            float(lon) if lon is not None else None,
            self.named(str(country)) if country else None,
            tuple(admin),
            int(geonames) if geonames else None,
        )
        self.cache[iri] = place
        return place


_KIND_CLASS = {
    "country": "Country", "region": "Region", "settlement": "Settlement",
    "neighbourhood": "Neighbourhood", "facility": "Facility",
}  # fmt: skip


def _key_iri(key: str) -> str:
    """A gazetteer key (``Q123`` or ``local:kind/slug``) as the graph's IRI for it."""
    return RES + "entity/" + key[len("local:") :] if key.startswith("local:") else WD + key


def _gazetteer_entry(iri: str) -> Entry | None:
    if iri.startswith(WD):
        key = iri[len(WD) :]
    elif iri.startswith(RES + "entity/"):
        key = "local:" + iri[len(RES + "entity/") :]
    else:
        return None
    return default_gazetteer().entries.get(key)
