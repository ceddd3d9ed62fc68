"""Partitions of a corpus for a distributed build, read with ``CorpusReader``'s own checks.

A partition is a byte range of a JSON Lines file that starts and ends on line breaks (and
knows the line number it starts at, so records keep their ``file:line`` origin), or a block of
``.txt`` files. ``PartitionReader`` reads one with the reader's parsing and policy. Duplicate
ids across partitions are found by a first pass (``scan_partition``) whose records
``CorpusReplay`` replays in corpus order through the reader's checks: its report is the one a
serial read would give, and it tells each partition which of its ids came earlier.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.corpus import JSONL_SUFFIXES, CorpusReader, Rejection
from kg.errors import InputError
from kg.model import Document

BLOCK_BYTES = 8 * 1024 * 1024  # of JSON Lines per partition
BLOCK_FILES = 256  # .txt files per partition


@dataclass(frozen=True, slots=True)
class Partition:
    """A byte range ``[start, end)`` of one JSON Lines file whose first line is
    ``first_line``, or a block of text files."""

    index: int
    path: str = ""
    start: int = 0
    end: int = 0
    first_line: int = 1
    files: tuple[str, ...] = ()

    @property
    def shard(self) -> str:
        return f"shard-{self.index:05d}.nq"


def plan_partitions(
    files: Iterable[Path], *, block_bytes: int = BLOCK_BYTES, block_files: int = BLOCK_FILES
) -> list[Partition]:
    """Partitions of the corpus files, in corpus order (as ``CorpusReader.files`` lists them)."""
    if block_bytes < 1 or block_files < 1:
        raise InputError("partitions must hold at least one byte and one file")
    parts: list[Partition] = []
    texts: list[str] = []

    def close_texts() -> None:
        if texts:
            parts.append(Partition(len(parts), files=tuple(texts)))
            texts.clear()

    for path in files:
        if path.suffix.lower() not in JSONL_SUFFIXES:
            texts.append(str(path.resolve()))
            if len(texts) == block_files:
                close_texts()
            continue
        close_texts()
        for start, end, line in _byte_ranges(path, block_bytes):
            parts.append(Partition(len(parts), str(path.resolve()), start, end, line))
    close_texts()
    return parts


def _byte_ranges(path: Path, block: int) -> Iterator[tuple[int, int, int]]:
    """``(start, end, first line)`` of ranges of about ``block`` bytes ending on line breaks."""
    try:
        handle = path.open("rb")
    except OSError:
        yield 0, 0, 1  # the partition's reader reports the file as unreadable
        return
    with handle:
        start, line = 0, 1
        while True:
            handle.seek(start)
            chunk = handle.read(block)
            if not chunk:
                return
            end = start + len(chunk)
            if not chunk.endswith(b"\n"):
                end += len(handle.readline())
                handle.seek(start)
                chunk = handle.read(end - start)
            yield start, end, line
            line += chunk.count(b"\n")
            start = end


class PartitionReader(CorpusReader):
    """``CorpusReader``'s parsing and checks over one partition. ``seen`` holds the ids that
    earlier partitions accepted, so a duplicate of one is rejected here too."""

    def __init__(self, part: Partition, policy: str = "skip", seen: Iterable[str] = ()) -> None:
        super().__init__([part.path] if part.path else list(part.files), policy)
        self.part = part
        self._seen = set(seen)

    def __iter__(self) -> Iterator[Document]:
        if not self.part.path:
            yield from super().__iter__()
            return
        path = Path(self.part.path)
        try:
            handle = path.open("rb")
        except OSError as exc:
            self._reject(str(path), "unreadable", exc.strerror or str(exc))
            return
        with handle:
            handle.seek(self.part.start)
            at, lineno = self.part.start, self.part.first_line
            while at < self.part.end:
                raw = handle.readline()
                if not raw:
                    break
                at += len(raw)
                origin = f"{path}:{lineno}"
                lineno += 1
                if not raw.strip():
                    continue
                doc = self._parse_record(raw, origin)
                if doc is not None and self._accept(doc) is not None:
                    yield doc


# What the first pass sees, in order: a record that reached the id/text checks
# (id, has text, origin), or a record rejected before them.
Seen = tuple[str, bool, str] | Rejection


class _ScanReader(PartitionReader):
    """Parses a partition and records what it saw, for the replay; accepts nothing."""

    def __init__(self, part: Partition) -> None:
        super().__init__(part, "skip")
        self.seen: list[Seen] = []

    def _accept(self, doc: Document) -> Document | None:
        self.seen.append((doc.id, bool(doc.text.strip()), doc.origin))
        return None

    def _reject(self, origin: str, reason: str, detail: str) -> None:
        self.seen.append(Rejection(origin, reason, detail))


def scan_partition(part: Partition) -> tuple[list[Seen], list[Rejection]]:
    """The first pass over a partition: what each record is, and its warnings."""
    reader = _ScanReader(part)
    for _ in reader:
        pass
    return reader.seen, reader.report.warnings


class CorpusReplay(CorpusReader):
    """Replays the first pass's records in corpus order through ``CorpusReader``'s checks and
    policy; its report is the build's."""

    def prior_ids(self, seen: list[Seen]) -> set[str]:
        """Ids of the partition that earlier partitions accepted; then replays it."""
        prior = {s[0] for s in seen if not isinstance(s, Rejection) and s[0] in self._seen}
        for s in seen:
            if isinstance(s, Rejection):
                self._reject(s.origin, s.reason, s.detail)
            else:
                doc_id, has_text, origin = s
                self._accept(Document(doc_id, "-" if has_text else "", origin=origin))
        return prior
