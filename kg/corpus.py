"""Reading a corpus: folders of ``.txt`` files and JSON Lines files, streamed.

Bad records follow a policy: ``skip`` (count them, report them, go on) or ``fail`` (stop with
an error naming the file and line). Nothing is dropped without being counted in the
``ReadReport``; rejected records can be written to a reject file by the caller.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError
from kg.model import Document

JSONL_SUFFIXES = (".jsonl", ".ndjson")
TEXT_SUFFIXES = (".txt",)
POLICIES = ("skip", "fail")


@dataclass(frozen=True, slots=True)
class Rejection:
    origin: str  # file or file:line
    reason: str  # short, countable: "malformed JSON", "no text", "duplicate id"…
    detail: str


@dataclass
class ReadReport:
    """What reading saw: documents read, and every record skipped, by reason."""

    read: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[Rejection] = field(default_factory=list)

    @property
    def skipped(self) -> Counter[str]:
        return Counter(r.reason for r in self.rejected)


def _corpus_files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if not path.exists():
            raise InputError(f"no such file or folder: {path}")
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES + JSONL_SUFFIXES
            )
            if not found:
                raise InputError(
                    f"no .txt or .jsonl files in {path}", hint="point at a folder of articles"
                )
            yield from found
        elif path.suffix.lower() in TEXT_SUFFIXES + JSONL_SUFFIXES:
            yield path
        else:
            raise InputError(
                f"unknown corpus file type: {path}", hint="use .txt files or .jsonl (JSON Lines)"
            )


def _valid_date(value: object) -> str | None:
    """The ISO date (YYYY-MM-DD) of ``value``, which may be a date or a date-time."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return dt.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        try:
            return dt.datetime.fromisoformat(text).date().isoformat()
        except ValueError:
            return None


class CorpusReader:
    """Streams ``Document`` objects from corpus paths, applying the bad-record policy."""

    def __init__(self, paths: Iterable[Path | str], policy: str = "skip") -> None:
        if policy not in POLICIES:
            raise InputError(f"unknown policy {policy!r}", hint=f"use one of {', '.join(POLICIES)}")
        self.paths = [Path(p) for p in paths]
        self.policy = policy
        self.report = ReadReport()
        self._seen: set[str] = set()
        self.files = list(_corpus_files(self.paths))  # fail early on a missing path

    def __iter__(self) -> Iterator[Document]:
        for path in self.files:
            if path.suffix.lower() in JSONL_SUFFIXES:
                yield from self._read_jsonl(path)
            else:
                doc = self._read_txt(path)
                if doc is not None:
                    yield doc

    def _reject(self, origin: str, reason: str, detail: str) -> None:
        if self.policy == "fail":
            raise InputError(f"{reason}: {detail} ({origin})")
        self.report.rejected.append(Rejection(origin, reason, detail))

    def _accept(self, doc: Document) -> Document | None:
        if doc.id in self._seen:
            self._reject(doc.origin, "duplicate id", f"id {doc.id!r} was already read")
            return None
        if not doc.text.strip():
            self._reject(doc.origin, "no text", f"document {doc.id!r} has no text")
            return None
        self._seen.add(doc.id)
        self.report.read += 1
        return doc

    def _read_txt(self, path: Path) -> Document | None:
        origin = str(path)
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            self._reject(origin, "not UTF-8", f"byte {exc.start} cannot be decoded")
            return None
        except OSError as exc:
            self._reject(origin, "unreadable", exc.strerror or str(exc))
            return None
        return self._accept(Document(id=path.stem, text=text.removeprefix("\ufeff"), origin=origin))

    def _read_jsonl(self, path: Path) -> Iterator[Document]:
        try:
            handle = path.open("rb")
        except OSError as exc:
            self._reject(str(path), "unreadable", exc.strerror or str(exc))
            return
        with handle:
            for lineno, raw in enumerate(handle, start=1):
                origin = f"{path}:{lineno}"
                if not raw.strip():
                    continue
                doc = self._parse_record(raw, origin)
                if doc is not None:
                    accepted = self._accept(doc)
                    if accepted is not None:
                        yield accepted

    def _parse_record(self, raw: bytes, origin: str) -> Document | None:
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            self._reject(origin, "not UTF-8", f"byte {exc.start} of the line cannot be decoded")
            return None
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            self._reject(origin, "malformed JSON", exc.msg)
            return None
        if not isinstance(record, dict):
            self._reject(origin, "malformed JSON", "a line must hold one JSON object")
            return None
        doc_id, text = record.get("id"), record.get("text")
        if doc_id is None or str(doc_id).strip() == "":
            self._reject(origin, "no id", "the record has no 'id'")
            return None
        if not isinstance(text, str):
            self._reject(origin, "no text", f"record {doc_id!r} has no 'text' string")
            return None
        date = _valid_date(record.get("date"))
        if record.get("date") not in (None, "") and date is None:
            self.report.warnings.append(
                Rejection(
                    origin, "bad date", f"{record.get('date')!r} is not ISO 8601; kept no date"
                )
            )

        def opt(key: str) -> str | None:
            value = record.get(key)
            return str(value) if value not in (None, "") else None

        return Document(
            id=str(doc_id),
            text=text,
            date=date,
            source=opt("source"),
            url=opt("url"),
            title=opt("title"),
            origin=origin,
        )
