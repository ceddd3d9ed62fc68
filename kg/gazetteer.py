"""The gazetteer: known actors and places with their Arabic surface forms.

Loaded from the snapshot shipped in ``kg/data/gazetteer.tsv.gz`` (built by
``scripts/build_gazetteer.py`` from verified Wikidata items, Who's On First and GeoNames), plus
forms generated from ``nisba.tsv`` x ``nisba_heads.tsv`` ("القوات الروسية", "النظام السوري").
Names are indexed by their normalised token sequence. A name either matches on its own
(``bare``) or only after a place head such as "قرية" or "حي" (the many village names that are
also ordinary Arabic words).
"""

from __future__ import annotations

import csv
import gc
import gzip
import hashlib
import io
import marshal
import os
import re
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from kg import __version__
from kg.arabic import normalise
from kg.errors import DataError
from kg.model import Entity

SNAPSHOT_COLUMNS = (
    "key", "qid", "kind", "subkind", "label_ar", "label_en", "names_ar", "country", "parent",
    "lat", "lon", "geonames", "population", "bare", "source",
)  # fmt: skip
_SPLIT = re.compile(r"\w+|[^\w\s]")
SOURCE_RANK = {
    "wikidata-verified": 4,
    "project": 3,
    "shared-unverified": 3,
    "nisba": 3,
    "whosonfirst": 2,
    "geonames": 1,
}


def name_key(name: str) -> tuple[str, ...]:
    """The normalised token sequence a name is indexed under."""
    return tuple(t for t in _SPLIT.findall(normalise(name)) if t != "_")


@dataclass(frozen=True, slots=True)
class Entry:
    entity: Entity
    subkind: str
    bare: bool
    source: str

    @property
    def rank(self) -> int:
        return SOURCE_RANK.get(self.source, 0)


@dataclass
class Gazetteer:
    entries: dict[str, Entry] = field(default_factory=dict)
    bare_names: dict[tuple[str, ...], list[str]] = field(default_factory=dict)
    cue_names: dict[tuple[str, ...], list[str]] = field(default_factory=dict)
    max_len: dict[str, int] = field(default_factory=dict)  # first token -> longest name
    name_lengths: dict[str, set[int]] = field(default_factory=dict)  # first token -> lengths
    starts: dict[str, tuple[tuple[str, int, int], ...]] = field(
        default_factory=dict, repr=False, compare=False
    )  # memo of kg.mentions._name_starts: token form -> the names it may start

    common_words: frozenset[tuple[str, ...]] = frozenset()
    national: dict[tuple[str, str], str] = field(default_factory=dict)  # (country, kind) -> key

    def add(self, entry: Entry, names: Iterable[str]) -> None:
        self.entries[entry.entity.key] = entry
        for name in names:
            key = name_key(name)
            if not key:
                continue
            bare = entry.bare and key not in self.common_words
            keys = (self.bare_names if bare else self.cue_names).setdefault(key, [])
            if entry.entity.key not in keys:
                keys.append(entry.entity.key)
            if len(key) > self.max_len.get(key[0], 0):
                self.max_len[key[0]] = len(key)
            self.name_lengths.setdefault(key[0], set()).add(len(key))

    def lookup(self, key: tuple[str, ...], *, cued: bool) -> list[Entry]:
        bare = self.bare_names.get(key)
        headed = self.cue_names.get(key) if cued else None
        if not bare and not headed:
            return []  # the common case on the hot path: no list is built
        found = list(bare or ())
        if headed:
            found += [k for k in headed if k not in found]
        return [self.entries[k] for k in found]


def _float(value: str) -> float | None:
    return float(value) if value else None


def _int(value: str) -> int | None:
    return int(float(value)) if value else None


def _read_snapshot(handle: io.TextIOBase, where: str, gaz: Gazetteer) -> None:
    reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if header is None or tuple(header) != SNAPSHOT_COLUMNS:
        raise DataError(
            f"{where}: not a gazetteer snapshot (unexpected header)",
            hint="rebuild it with scripts/build_gazetteer.py or `kg gazetteer refresh`",
        )
    for lineno, row in enumerate(reader, start=2):
        if len(row) != len(SNAPSHOT_COLUMNS):
            raise DataError(
                f"{where}:{lineno}: expected {len(SNAPSHOT_COLUMNS)} columns, got {len(row)}"
            )
        r = dict(zip(SNAPSHOT_COLUMNS, row, strict=True))
        try:
            entity = Entity(
                key=r["key"],
                kind=r["kind"],
                label_ar=r["label_ar"],
                label_en=r["label_en"] or None,
                qid=r["qid"] or None,
                geonames_id=_int(r["geonames"]),
                lat=_float(r["lat"]),
                lon=_float(r["lon"]),
                country_qid=r["country"] or None,
                parent_key=r["parent"] or None,
                population=_int(r["population"]),
            )
        except ValueError as exc:
            raise DataError(f"{where}:{lineno}: {exc}") from exc
        entry = Entry(entity, r["subkind"], r["bare"] == "1", r["source"])
        gaz.add(entry, r["names_ar"].split("|"))


def _data_text(name: str) -> str:
    return resources.files("kg").joinpath("data", name).read_text(encoding="utf-8")


def _tsv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))


def _add_nisba(gaz: Gazetteer) -> None:
    heads = _tsv_rows(_data_text("nisba_heads.tsv"))
    for row in _tsv_rows(_data_text("nisba.tsv")):
        qid, country_en = row["country_qid"], row["country_en"]
        for kind, override, what in (
            ("state_force", row["forces_key"], "armed forces"),
            ("government", row["government_key"], "government"),
        ):
            names = []
            for adj in row["adjectives_ar"].split("|"):
                for head in (h["head_ar"] for h in heads if h["kind"] == kind):
                    article = "ال" if head.split()[-1].startswith("ال") else ""
                    names += [f"{head} {article}{adj}", f"{head} {article}{adj}ة"]
            if not override:  # an item that already carries one of these names stands for them
                known = (e for n in names for e in gaz.lookup(name_key(n), cued=False))
                override = next((e.entity.key for e in known if e.entity.kind == kind), "")
            if override and override in gaz.entries:
                gaz.add(gaz.entries[override], names)
                gaz.national[(qid, kind)] = override
                continue
            entity = Entity(
                key=f"local:{kind}/{country_en.lower().replace(' ', '-')}-{what.replace(' ', '-')}",
                kind=kind,
                label_ar=f"{'الحكومة' if kind == 'government' else 'القوات'} ال{row['adjectives_ar'].split('|')[0]}ة",
                label_en=f"{country_en} {what}",
                country_qid=qid,
            )
            gaz.add(Entry(entity, kind, True, "nisba"), names)
            gaz.national[(qid, kind)] = entity.key
        _add_nationality(gaz, row)


def _add_nationality(gaz: Gazetteer, row: dict[str, str]) -> None:
    """A country's people as a group of civilians: "الفلسطينيين", "سوريين", "اليمنيون"."""
    adjectives = row["adjectives_ar"].split("|")
    names = [f"{art}{adj}{end}" for adj in adjectives for art in ("ال", "") for end in ("ين", "ون")]
    slug = row["country_en"].lower().replace(" ", "-")
    entity = Entity(
        key=f"local:civilians/nationality-{slug}",
        kind="civilians",
        label_ar=f"ال{adjectives[0]}ون",
        label_en=f"people of {row['country_en']}",
        country_qid=row["country_qid"],
    )
    gaz.add(Entry(entity, "civilians", True, "nisba"), names)


def load_gazetteer(snapshot: Path | None = None, *, cache: bool = True) -> Gazetteer:
    """Load the shipped snapshot (or ``snapshot``) and the generated nisba forms.

    The parsed gazetteer is kept in a cache file (see ``cache_path``) and read back from it
    while the snapshot, the data files, the code that indexes names and the package version
    are unchanged; ``cache=False`` always parses."""
    where = str(snapshot) if snapshot else "kg/data/gazetteer.tsv.gz"
    raw = _snapshot_bytes(snapshot, where)
    path = cache_path(_cache_key(raw)) if cache else None
    collecting = gc.isenabled()
    gc.disable()  # ~400k new containers: the collector would walk them again and again
    try:
        gaz = _read_cache(path) if path else None
        if gaz is None:
            gaz = _parse(raw, where)
            if path:
                _write_cache(path, gaz)
    finally:
        if collecting:
            gc.enable()
    return gaz


def _snapshot_bytes(snapshot: Path | None, where: str) -> bytes:
    try:
        if snapshot:
            return snapshot.read_bytes()
        return resources.files("kg").joinpath("data", "gazetteer.tsv.gz").read_bytes()
    except FileNotFoundError as exc:
        raise DataError(f"{where}: gazetteer snapshot not found") from exc
    except OSError as exc:
        raise DataError(
            f"{where}: corrupted gazetteer snapshot ({exc})",
            hint="rebuild it with scripts/build_gazetteer.py",
        ) from exc


def _parse(raw: bytes, where: str) -> Gazetteer:
    gaz = Gazetteer()
    gaz.common_words = frozenset(
        name_key(r["word"]) for r in _tsv_rows(_data_text("common_words.tsv"))
    )
    try:
        text = (
            gzip.decompress(raw).decode("utf-8") if raw[:2] == b"\x1f\x8b" else raw.decode("utf-8")
        )
    except (OSError, EOFError, UnicodeDecodeError, gzip.BadGzipFile) as exc:
        raise DataError(
            f"{where}: corrupted gazetteer snapshot ({exc})",
            hint="rebuild it with scripts/build_gazetteer.py",
        ) from exc
    _read_snapshot(io.StringIO(text, newline=""), where, gaz)
    _add_nisba(gaz)
    _add_extra_aliases(gaz)
    return gaz


# -- the cache of the parsed gazetteer ------------------------------------------------------
# Parsing the 3 MB snapshot and indexing its ~100k names costs about 1.5 s of CPU, more than a
# small build; the cache (plain tuples, dicts and sets in ``marshal`` format) loads in ~0.3 s.
CACHE_FORMAT = 1
# what the parsed gazetteer depends on besides the snapshot: the data files read with it and
# the code that reads them and normalises names
CACHE_INPUTS = ("common_words.tsv", "nisba.tsv", "nisba_heads.tsv", "extra_aliases.tsv")
CACHE_CODE = ("gazetteer.py", "arabic.py", "model.py")
_ENTITY_FIELDS = tuple(f.name for f in fields(Entity))
CACHES_KEPT = 4


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/arabic-conflict-kg``, or ``~/.cache/arabic-conflict-kg``."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    return root / "arabic-conflict-kg"


def cache_path(key: str) -> Path:
    return cache_dir() / f"gazetteer-{key}.marshal"


def _cache_key(raw: bytes) -> str:
    h = hashlib.sha256()
    for part in (str(CACHE_FORMAT), __version__, sys.version, str(marshal.version)):
        h.update(part.encode("utf-8") + b"\0")
    h.update(hashlib.sha256(raw).digest())
    package = resources.files("kg")
    for name in CACHE_INPUTS:
        h.update(hashlib.sha256(package.joinpath("data", name).read_bytes()).digest())
    for name in CACHE_CODE:
        h.update(hashlib.sha256(package.joinpath(name).read_bytes()).digest())
    return h.hexdigest()[:32]


def _read_cache(path: Path) -> Gazetteer | None:
    """The cached gazetteer, or None when there is none or it cannot be read."""
    try:
        data = marshal.loads(path.read_bytes())
        if not isinstance(data, tuple) or data[0] != CACHE_FORMAT:
            return None
        _, entries, bare, cued, max_len, lengths, common, national = data
        gaz = Gazetteer({}, bare, cued, max_len, lengths, common_words=common, national=national)
        for values, subkind, is_bare, source in entries:
            entity = Entity(*values)
            gaz.entries[entity.key] = Entry(entity, subkind, is_bare, source)
        return gaz
    except (OSError, EOFError, ValueError, TypeError, KeyError, IndexError):
        return None


def _write_cache(path: Path, gaz: Gazetteer) -> None:
    """Write the cache atomically and drop all but the ``CACHES_KEPT`` newest; a cache that
    cannot be written (a read-only home, a full disk) is no error: the next run parses again."""
    entries = [
        (tuple(getattr(e.entity, n) for n in _ENTITY_FIELDS), e.subkind, e.bare, e.source)
        for e in gaz.entries.values()
    ]
    data: tuple[Any, ...] = (CACHE_FORMAT, entries, gaz.bare_names, gaz.cue_names, gaz.max_len,
                             gaz.name_lengths, gaz.common_words, gaz.national)  # fmt: skip
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".gazetteer-", suffix=".part", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(marshal.dumps(data))
        os.replace(tmp, path)
        tmp = None
        others = [old for old in path.parent.glob("gazetteer-*.marshal") if old != path]
        others.sort(key=lambda old: old.stat().st_mtime, reverse=True)
        for old in others[CACHES_KEPT - 1 :]:  # a few, for checkouts of other versions
            old.unlink(missing_ok=True)
    except (OSError, ValueError):
        pass
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def _add_extra_aliases(gaz: Gazetteer) -> None:
    """Surface forms written for this project (``extra_aliases.tsv``): names, not facts."""
    for row in _tsv_rows(_data_text("extra_aliases.tsv")):
        entry = gaz.entries.get(row["key"])
        if entry is None:
            raise DataError(f"kg/data/extra_aliases.tsv: no gazetteer entry {row['key']!r}")
        gaz.add(entry, [row["alias"]])


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The shipped gazetteer, loaded once per process. Its objects live as long as the process,
    so they are moved out of the collector's reach (``gc.freeze``): a full collection during a
    build would otherwise walk them all, about 0.2 s each time."""
    gaz = load_gazetteer()
    gc.freeze()
    return gaz
