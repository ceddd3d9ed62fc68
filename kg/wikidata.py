"""Wikidata: fetching facts about items, refreshing the gazetteer snapshot with them, and
suggesting QIDs for local entities (``kg.enrich`` uses the same fetching).

Every request is a SPARQL SELECT sent with SPARQLWrapper (``kg.endpoint``: polite User-Agent,
retries with back-off) to ``endpoint`` (Wikidata's by default, any store of Wikidata's shape
in tests). Items go in ``VALUES`` batches; answers come one fact a row (item, property,
value), ordered and paged with LIMIT/OFFSET, so an item with many names never multiplies rows.
QIDs and property ids are checked against their patterns and labels are escaped literals:
nothing is pasted raw into a query. Nothing is written until every batch has answered.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import EndpointError, InputError, KgError
from kg.gazetteer import SNAPSHOT_COLUMNS
from kg.query import Term, sparql_string
from kg.rdf import WD
from kg.results import select_endpoint
from kg.snapshot import SNAPSHOT_FILE, matching_names, read_snapshot, write_snapshot, write_tsv

WIKIDATA = "https://query.wikidata.org/sparql"
WDT = "http://www.wikidata.org/prop/direct/"
SNAPSHOT_PROPERTIES = ("P31", "P17", "P625", "P1566", "P1082")
DISAMBIGUATION = "Q4167410"  # Wikimedia disambiguation page: never a place or an actor
BATCH = 200  # items per VALUES block
PAGE = 10_000  # rows per page
_QID = re.compile(r"^Q[1-9][0-9]*$")
_PID = re.compile(r"^P[1-9][0-9]*$")
_POINT = re.compile(r"^\s*(?:<[^>]*>\s*)?Point\(\s*([-+0-9.eE]+)\s+([-+0-9.eE]+)\s*\)\s*$")
PREFIXES = f"""PREFIX wd: <{WD}>
PREFIX wdt: <{WDT}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""


def is_qid(value: str) -> bool:
    return bool(_QID.match(value))


def check_qid(value: str) -> str:
    if not _QID.match(value):
        raise InputError(f"not a Wikidata item id: {value!r}", hint="QIDs look like Q858")
    return value


def _check_pid(value: str) -> str:
    if not _PID.match(value):
        raise InputError(f"not a Wikidata property id: {value!r}")
    return value


# -- fetching facts --------------------------------------------------------------------------


@dataclass
class Item:
    """What the endpoint said about one item: values per property, labels, aliases."""

    qid: str
    values: dict[str, list[Term]] = field(default_factory=lambda: defaultdict(list))
    labels: dict[str, str] = field(default_factory=dict)
    aliases_ar: list[str] = field(default_factory=list)
    redirect: str | None = None

    def qids(self, prop: str) -> list[str]:
        out = [t["value"].removeprefix(WD) for t in self.values.get(prop, [])]
        return [x for x in out if _QID.match(x)]

    def strings(self, prop: str) -> list[str]:
        return [t["value"] for t in self.values.get(prop, []) if t.get("type") != "bnode"]


def facts_query(
    qids: list[str], properties: Iterable[str], *, names: bool, limit: int, offset: int
) -> str:
    """One page of facts about ``qids``: a row per (item, property, value)."""
    values = " ".join(f"wd:{check_qid(x)}" for x in qids)
    parts = [f'{{ ?item wdt:{_check_pid(p)} ?value . BIND("{p}" AS ?prop) }}' for p in properties]
    if names:
        parts += [
            '{ ?item rdfs:label ?value . FILTER(LANG(?value) IN ("ar", "en")) BIND("label" AS ?prop) }',
            '{ ?item skos:altLabel ?value . FILTER(LANG(?value) = "ar") BIND("alias" AS ?prop) }',
            '{ ?item owl:sameAs ?value . BIND("redirect" AS ?prop) }',
        ]
    return (
        f"{PREFIXES}SELECT ?item ?prop ?value WHERE {{\n  VALUES ?item {{ {values} }}\n  "
        + "\n  UNION ".join(parts)
        + f"\n}}\nORDER BY ?item ?prop ?value\nLIMIT {limit} OFFSET {offset}\n"
    )


def paged_rows(
    endpoint: str, make_query: Callable[[int, int], str], page: int, **options: Any
) -> list[dict[str, Term]]:
    """Every row of a query, page by page, as {variable: term} (unbound variables left out)."""
    rows: list[dict[str, Term]] = []
    offset = 0
    while True:
        results = select_endpoint(endpoint, make_query(page, offset), **options)
        for row in results.rows:
            rows.append({v: t for v, t in zip(results.variables, row, strict=True) if t})
        if len(results.rows) < page:
            return rows
        offset += page


def fetch_items(
    endpoint: str,
    qids: Iterable[str],
    properties: Iterable[str],
    *,
    names: bool = False,
    batch: int = BATCH,
    page: int = PAGE,
    **options: Any,
) -> dict[str, Item]:
    """Facts about ``qids``, batch by batch; an item the endpoint knows nothing of is absent."""
    todo = sorted({check_qid(x) for x in qids}, key=lambda x: int(x[1:]))
    props = [_check_pid(p) for p in properties]
    items: dict[str, Item] = {}
    batches = [todo[i : i + batch] for i in range(0, len(todo), batch)]
    for n, chunk in enumerate(batches, start=1):
        try:
            rows = paged_rows(
                endpoint,
                lambda limit, offset, c=chunk: facts_query(  # type: ignore[misc]
                    c, props, names=names, limit=limit, offset=offset
                ),
                page,
                **options,
            )
        except KgError as exc:
            raise EndpointError(
                f"batch {n} of {len(batches)} failed: {exc.message}", hint=exc.hint
            ) from exc
        for row in rows:
            _add_fact(items, row)
    return items


def _add_fact(items: dict[str, Item], row: dict[str, Term]) -> None:
    item, prop, value = row.get("item"), row.get("prop"), row.get("value")
    if item is None or prop is None or value is None or not item["value"].startswith(WD):
        return
    qid = item["value"].removeprefix(WD)
    entry = items.setdefault(qid, Item(qid))
    kind = prop["value"]
    if kind == "label" and value.get("xml:lang") in ("ar", "en"):
        entry.labels.setdefault(value["xml:lang"], value["value"].strip())
    elif kind == "alias":
        entry.aliases_ar.append(value["value"].strip())
    elif kind == "redirect":
        entry.redirect = value["value"].removeprefix(WD)
    else:
        entry.values[kind].append(value)


# -- refreshing the snapshot -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Change:
    """One cell a refresh changed (or, with column "(missing)"/"(redirect)", did not)."""

    key: str
    column: str
    old: str
    new: str


@dataclass
class RefreshSummary:
    endpoint: str
    path: Path
    asked: int = 0
    found: int = 0
    updated: int = 0
    missing: list[str] = field(default_factory=list)
    redirected: dict[str, str] = field(default_factory=dict)
    suspect: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    def line(self) -> str:
        parts = [
            f"{self.asked} items asked of {self.endpoint}",
            f"{self.found} found",
            f"{self.updated} entries updated ({self.cells} cells)",
        ]
        if self.missing:
            parts.append(f"{len(self.missing)} missing (left as they were)")
        if self.redirected:
            parts.append(f"{len(self.redirected)} redirected to another item (left for review)")
        if self.suspect:
            parts.append(f"{len(self.suspect)} disambiguation pages (left for review)")
        return ", ".join(parts) + f"; wrote {self.path}"

    @property
    def cells(self) -> int:
        return sum(1 for c in self.changes if not c.column.startswith("("))


def refresh(
    snapshot: Path | None = None,
    out: Path | None = None,
    *,
    endpoint: str = WIKIDATA,
    qids: Iterable[str] | None = None,
    batch: int = BATCH,
    page: int = PAGE,
    **options: Any,
) -> RefreshSummary:
    """Refresh labels, Arabic names, country, coordinates, GeoNames id and population of the
    snapshot's Wikidata items (or of ``qids``) and write the snapshot to ``out`` (default: in
    place). Kinds, sources and local entries are kept; names are only ever added; an item
    that is gone, redirected or a disambiguation page is reported and left as it was."""
    source = snapshot or SNAPSHOT_FILE
    target = out or source
    rows = read_snapshot(source)
    by_qid: dict[str, list[dict[str, str]]] = defaultdict(list)
    owners: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        if row["qid"]:
            by_qid[row["qid"]].append(row)
        for name in filter(None, row["names_ar"].split("|")):
            owners[name].add(row["key"])
    wanted = sorted(by_qid) if qids is None else sorted({check_qid(x) for x in qids})
    unknown = [x for x in wanted if x not in by_qid]
    if unknown:
        raise InputError(f"not in the snapshot {source}: {', '.join(unknown[:10])}")
    try:
        items = fetch_items(
            endpoint, wanted, SNAPSHOT_PROPERTIES, names=True, batch=batch, page=page, **options
        )
    except EndpointError as exc:
        raise EndpointError(
            f"gazetteer refresh from {endpoint}: {exc.message}; {target} was not changed",
            hint="run the command again (retrying is safe), or refresh fewer items with --qid",
        ) from exc
    summary = RefreshSummary(endpoint, target, asked=len(wanted), found=len(items))
    for qid in wanted:
        item = items.get(qid)
        key = by_qid[qid][0]["key"]
        if item is None or (item.redirect and not item.values and not item.labels):
            if item is None:
                summary.missing.append(qid)
                summary.changes.append(Change(key, "(missing)", qid, ""))
            else:
                summary.redirected[qid] = item.redirect or ""
                summary.changes.append(Change(key, "(redirect)", qid, item.redirect or ""))
            continue
        if DISAMBIGUATION in item.qids("P31"):
            summary.suspect.append(qid)
            summary.changes.append(Change(key, "(disambiguation)", qid, ""))
            continue
        for row in by_qid[qid]:
            changed = _refresh_row(row, item, owners)
            summary.changes += changed
            summary.updated += bool(changed)
    write_snapshot(rows, target)
    return summary


def _refresh_row(row: dict[str, str], item: Item, owners: dict[str, set[str]]) -> list[Change]:
    new = dict(row)
    new["label_ar"] = item.labels.get("ar") or row["label_ar"]
    new["label_en"] = item.labels.get("en") or row["label_en"]
    have = [n for n in row["names_ar"].split("|") if n]
    taken = {n for n, keys in owners.items() if keys - {row["key"]}}
    offered = [item.labels["ar"]] if "ar" in item.labels else []
    added = [n for n in matching_names(offered + item.aliases_ar, taken) if n not in have]
    new["names_ar"] = "|".join(have + added)
    new["country"] = _choose(row["country"], item.qids("P17"))
    new["geonames"] = _choose(row["geonames"], [x for x in item.strings("P1566") if x.isdigit()])
    populations = [str(n) for n in map(_integer, item.strings("P1082")) if n is not None]
    new["population"] = _choose(row["population"], populations, pick=lambda xs: max(xs, key=int))
    new["lat"], new["lon"] = _choose_point(row["lat"], row["lon"], item.strings("P625"))
    changes = [Change(row["key"], c, row[c], new[c]) for c in SNAPSHOT_COLUMNS if new[c] != row[c]]
    row.update(new)
    for name in added:
        owners[name].add(row["key"])
    return changes


def _choose(
    current: str, offered: list[str], pick: Callable[[list[str]], str] = lambda xs: xs[0]
) -> str:
    """Keep the current value if Wikidata still gives it, else take one Wikidata gives."""
    if not offered or current in offered:
        return current
    return pick(offered)


def _integer(value: str) -> int | None:
    try:
        return int(float(value.lstrip("+")))
    except ValueError:
        return None


def _choose_point(lat: str, lon: str, wkt: list[str]) -> tuple[str, str]:
    points = []
    for value in wkt:
        match = _POINT.match(value)
        if match:
            points.append((float(match.group(2)), float(match.group(1))))  # WKT is (lon lat)
    if not points:
        return lat, lon
    if lat and lon:
        here = (float(lat), float(lon))
        if any(abs(p[0] - here[0]) < 1e-4 and abs(p[1] - here[1]) < 1e-4 for p in points):
            return lat, lon
    return _coordinate(points[0][0]), _coordinate(points[0][1])


def _coordinate(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def write_changes(changes: Iterable[Change], path: Path) -> None:
    """A TSV report of a refresh, for review: key, column, old value, new value."""
    write_tsv(
        path, ("key", "column", "old", "new"), ((c.key, c.column, c.old, c.new) for c in changes)
    )


# -- QIDs for local entities -----------------------------------------------------------------

SUGGESTION_COLUMNS = (
    "key", "kind", "label_ar", "name", "qid", "matched_by", "label_en", "instance_of",
    "country", "geonames", "geonames_agrees",
)  # fmt: skip


def label_query(names: list[str], *, limit: int, offset: int) -> str:
    """Items whose Arabic label or alias is exactly one of ``names`` (escaped literals)."""
    values = " ".join(sparql_string(n) + "@ar" for n in names)
    return (
        f"{PREFIXES}SELECT ?name ?item ?how WHERE {{\n  VALUES ?name {{ {values} }}\n"
        '  { ?item rdfs:label ?name . BIND("label" AS ?how) }\n'
        '  UNION { ?item skos:altLabel ?name . BIND("alias" AS ?how) }\n'
        f'  FILTER(STRSTARTS(STR(?item), "{WD}Q"))\n}}\n'
        f"ORDER BY ?name ?item ?how\nLIMIT {limit} OFFSET {offset}\n"
    )


@dataclass
class SuggestSummary:
    endpoint: str
    path: Path
    entries: int = 0
    names: int = 0
    suggestions: int = 0
    entries_matched: int = 0

    def line(self) -> str:
        return (
            f"{self.entries} local entries ({self.names} names) looked up on {self.endpoint}: "
            f"{self.suggestions} candidate items for {self.entries_matched} entries, "
            f"written to {self.path} for review"
        )


def suggest_qids(
    out: Path,
    snapshot: Path | None = None,
    *,
    endpoint: str = WIKIDATA,
    kinds: Iterable[str] | None = None,
    keys: Iterable[str] | None = None,
    limit: int | None = None,
    batch: int = 50,
    page: int = PAGE,
    **options: Any,
) -> SuggestSummary:
    """Look up the Arabic names of snapshot entries without a QID and write the items that
    carry one of them as label or alias to ``out`` (TSV), for a person to review. Nothing is
    linked: a reviewed QID goes into the sources of scripts/build_gazetteer.py."""
    kind_set, key_set = set(kinds or ()), set(keys or ())
    rows = [
        r
        for r in read_snapshot(snapshot or SNAPSHOT_FILE)
        if not r["qid"]
        and (not kind_set or r["kind"] in kind_set)
        and (not key_set or r["key"] in key_set)
    ][:limit]
    by_name: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        for name in dict.fromkeys(filter(None, [row["label_ar"], *row["names_ar"].split("|")])):
            by_name[name].append(row)
    names = sorted(by_name)
    summary = SuggestSummary(endpoint, out, entries=len(rows), names=len(names))
    found: list[tuple[str, str, str]] = []
    try:
        for i in range(0, len(names), batch):
            chunk = names[i : i + batch]
            for r in paged_rows(
                endpoint,
                lambda limit, offset, c=chunk: label_query(c, limit=limit, offset=offset),  # type: ignore[misc]
                page,
                **options,
            ):
                if {"name", "item", "how"} <= r.keys():
                    qid = r["item"]["value"].removeprefix(WD)
                    found.append((r["name"]["value"], qid, r["how"]["value"]))
        items = fetch_items(
            endpoint,
            {q for _, q, _ in found},
            ("P31", "P17", "P1566"),
            names=True,
            page=page,
            **options,
        )
    except KgError as exc:
        raise EndpointError(
            f"QID lookup on {endpoint} failed: {exc.message}; {out} was not written",
            hint="run the command again, or look up fewer entries with --kind or --limit",
        ) from exc
    lines = []
    for name, qid, how in found:
        item = items.get(qid, Item(qid))
        if DISAMBIGUATION in item.qids("P31"):
            continue
        for row in by_name.get(name, []):
            geonames = item.strings("P1566")
            agrees = (
                ""
                if not row["geonames"] or not geonames
                else str(row["geonames"] in geonames).lower()
            )
            lines.append((
                row["key"], row["kind"], row["label_ar"], name, qid, how,
                item.labels.get("en", ""), "|".join(item.qids("P31")),
                "|".join(item.qids("P17")), "|".join(geonames), agrees,
            ))  # fmt: skip
    lines = sorted(set(lines))
    summary.suggestions = len(lines)
    summary.entries_matched = len({x[0] for x in lines})
    write_tsv(out, SUGGESTION_COLUMNS, lines)
    return summary
