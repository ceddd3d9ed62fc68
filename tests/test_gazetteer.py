"""The gazetteer's cache: the parsed snapshot read back while its inputs are unchanged."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from kg import gazetteer as gz
from kg.gazetteer import SNAPSHOT_COLUMNS, cache_dir, load_gazetteer, name_key

SHIPPED = Path(gz.__file__).parent / "data" / "gazetteer.tsv.gz"


@pytest.fixture
def cache_home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "arabic-conflict-kg"


@pytest.fixture(scope="module")
def parsed():
    return load_gazetteer(cache=False)


def cached_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("gazetteer-*.marshal"))


def same(a: gz.Gazetteer, b: gz.Gazetteer) -> bool:
    return (
        list(a.entries.items()) == list(b.entries.items())
        and a.bare_names == b.bare_names
        and a.cue_names == b.cue_names
        and a.max_len == b.max_len
        and a.name_lengths == b.name_lengths
        and a.common_words == b.common_words
        and a.national == b.national
    )


def test_gazetteer_cache_reads_back_what_parsing_gives(cache_home, parsed):
    assert cache_dir() == cache_home
    first = load_gazetteer()  # parses and writes the cache
    assert len(cached_files(cache_home)) == 1
    second = load_gazetteer()  # from the cache
    assert same(first, parsed) and same(second, parsed)
    assert "Q41183" in [e.entity.key for e in second.lookup(name_key("حلب"), cued=False)]


def test_gazetteer_cache_is_not_used_when_the_snapshot_changes(cache_home, tmp_path, parsed):
    load_gazetteer()
    lines = gzip.decompress(SHIPPED.read_bytes()).decode("utf-8").splitlines(keepends=True)
    assert tuple(lines[0].rstrip("\n").split("\t")) == SNAPSHOT_COLUMNS
    row = next(i for i, line in enumerate(lines) if line.startswith("Q41183\t"))
    cols = lines[row].rstrip("\n").split("\t")
    cols[SNAPSHOT_COLUMNS.index("names_ar")] += "|مدينة الشهباء"
    lines[row] = "\t".join(cols) + "\n"
    changed = tmp_path / "changed.tsv"
    changed.write_text("".join(lines), encoding="utf-8")
    gaz = load_gazetteer(changed)
    assert [e.entity.key for e in gaz.lookup(name_key("مدينة الشهباء"), cued=False)] == ["Q41183"]
    assert len(cached_files(cache_home)) == 2  # both kept (up to gz.CACHES_KEPT)
    assert not parsed.lookup(name_key("مدينة الشهباء"), cued=False)
    assert same(load_gazetteer(), parsed)  # the shipped snapshot is parsed again


def test_gazetteer_cache_key_follows_the_package_version(cache_home, monkeypatch):
    raw = SHIPPED.read_bytes()
    key = gz._cache_key(raw)
    assert gz._cache_key(raw) == key
    monkeypatch.setattr(gz, "__version__", "0.0.0-test")
    assert gz._cache_key(raw) != key


def test_gazetteer_loads_when_the_cache_cannot_be_written(tmp_path, monkeypatch, parsed):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # the cache folder cannot be made
    assert same(load_gazetteer(), parsed)
    assert not list(tmp_path.rglob("*.marshal"))


def test_gazetteer_replaces_a_corrupted_cache(cache_home, parsed):
    load_gazetteer()
    (path,) = cached_files(cache_home)
    path.write_bytes(b"\x00not marshal data")
    assert same(load_gazetteer(), parsed)
    assert gz._read_cache(path) is not None  # written again


def test_gazetteer_cache_keeps_only_the_newest_few(cache_home, parsed):
    cache_home.mkdir(parents=True)
    for n in range(gz.CACHES_KEPT + 2):
        (cache_home / f"gazetteer-old{n}.marshal").write_bytes(b"stale")
    load_gazetteer()
    assert len(cached_files(cache_home)) == gz.CACHES_KEPT
