"""The gazetteer snapshot file (``kg/data/gazetteer.tsv.gz``) as rows: reading and writing it
exactly as ``kg.gazetteer.load_gazetteer`` reads it, and the names fit for matching, as
``scripts/build_gazetteer.py`` makes them. Used by the Wikidata refresh."""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path

from kg.errors import DataError, InputError
from kg.gazetteer import SNAPSHOT_COLUMNS
from kg.store import atomic_output

SNAPSHOT_FILE = Path(__file__).resolve().parent / "data" / "gazetteer.tsv.gz"
_BREAKS = re.compile(r"[\t\r\n]+")


def read_snapshot(path: Path) -> list[dict[str, str]]:
    """The rows of a snapshot file (gzip or plain TSV), checked against SNAPSHOT_COLUMNS."""
    try:
        raw = path.read_bytes()
        text = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
        lines = text.decode("utf-8")
    except FileNotFoundError as exc:
        raise InputError(f"no such gazetteer snapshot: {path}") from exc
    except (OSError, EOFError, UnicodeDecodeError, gzip.BadGzipFile) as exc:
        raise DataError(f"{path}: corrupted gazetteer snapshot ({exc})") from exc
    reader = csv.reader(io.StringIO(lines, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE)
    if tuple(next(reader, ())) != SNAPSHOT_COLUMNS:
        raise DataError(f"{path}: not a gazetteer snapshot (unexpected header)")
    rows = []
    for lineno, row in enumerate(reader, start=2):
        if len(row) != len(SNAPSHOT_COLUMNS):
            raise DataError(f"{path}:{lineno}: expected {len(SNAPSHOT_COLUMNS)} columns")
        rows.append(dict(zip(SNAPSHOT_COLUMNS, row, strict=True)))
    return rows


def write_snapshot(rows: Iterable[dict[str, str]], path: Path) -> None:
    """Write rows as kg.gazetteer.load_gazetteer reads them (gzip TSV, sorted), atomically."""
    lines = ["\t".join(SNAPSHOT_COLUMNS)]
    for row in sorted(rows, key=lambda r: r["key"]):
        lines.append("\t".join(_cell(row[c]) for c in SNAPSHOT_COLUMNS))
    data = gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), mtime=0)
    with atomic_output(path) as tmp:
        Path(tmp).write_bytes(data)


def _cell(value: str) -> str:
    """A TSV cell: tabs and line breaks would split the row, so they become spaces."""
    if "\t" in value or "\n" in value or "\r" in value:
        return _BREAKS.sub(" ", value)
    return value


def _data_column(name: str, column: str, where: dict[str, str] | None = None) -> set[str]:
    text = resources.files("kg").joinpath("data", name).read_text(encoding="utf-8")
    rows = csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    return {r[column] for r in rows if not where or all(r.get(k) == v for k, v in where.items())}


def matching_names(names: Iterable[str], taken: set[str]) -> list[str]:
    """Names fit for matching, as scripts/build_gazetteer.py makes them: a place head
    ("محافظة إدلب") gives the bare name, excluded aliases and other entries' names are dropped."""
    heads = _data_column("cues.tsv", "cue_ar", {"role": "place_head"})
    excluded = _data_column("alias_exclusions.tsv", "alias")
    out: list[str] = []
    for raw in names:
        name = " ".join(raw.split())
        first, _, rest = name.partition(" ")
        if first in heads and rest:
            name = rest
        if name and name not in excluded and name not in taken and name not in out:
            out.append(name)
    return out


def write_tsv(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """A TSV file for review (a header, then rows), written atomically."""
    with atomic_output(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as handle:
        handle.write("\t".join(header) + "\n")
        for row in rows:
            handle.write("\t".join(_cell(x) for x in row) + "\n")
