"""Precision codes, as analysts code them: how precisely an event's time and place are known,
and which places of its sentence are merely mentioned with it.

Time (``aco:timePrecision``): day, month or year from the date expression (``kg.dates``); a
week or approximate (``aco:Week``) when only the publication date dates the event, or when
the sentence gives only a vague time (``kg/data/vague_times.tsv``: «الأسبوع الماضي», «قبل
أيام»). Place (``aco:geoPrecision``), from the kind of the place where it happened and the
words before it (``kg/data/place_parts.tsv``: «ريف», «شمال», «قرب»): the place itself
(a town, neighbourhood or site), a named part of it or its surroundings, a region only, a
country only. The ontology documents the mapping to ACLED's time_precision and geo_precision
and UCDP's where_prec codes.
"""

from __future__ import annotations

from functools import lru_cache

from kg.arabic import normalise
from kg.model import PLACE_KINDS, Event, Extraction, Token
from kg.triggers import rows  # the data-file reader of the event lexicons

PRECISE_PLACES = ("settlement", "neighbourhood", "facility")
CLITICS = ("و", "ف", "ب", "ل")
AFTER = frozenset(normalise(w) for w in ("الشرقي", "الشرقية", "الغربي", "الغربية", "الشمالي",
                                         "الشمالية", "الجنوبي", "الجنوبية"))  # fmt: skip
WINDOW = 3  # tokens before a place searched for a part word


@lru_cache(maxsize=1)
def place_parts() -> frozenset[str]:
    return frozenset(normalise(r["words"]).split()[0] for r in rows("place_parts.tsv"))


@lru_cache(maxsize=1)
def vague_times() -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(normalise(r["phrase"]).split()) for r in rows("vague_times.tsv"))


def _stem(token: Token) -> str:
    """The token without one attached conjunction or preposition («وبريف» keeps «بريف»)."""
    norm = token.norm
    parts = place_parts()
    for _ in range(2):
        if norm not in parts and len(norm) > 3 and norm[0] in CLITICS:
            norm = norm[1:]
    return norm


def time_precision(ex: Extraction, ev: Event) -> tuple[str, str | None] | None:
    """(precision, vague words) of the event's time: precision is day, week, month or year;
    the words are the vague expression that made it a week, if any."""
    if ev.time is None:
        return None
    if ev.time.expression:
        return ev.time.precision, None
    return "week", vague_time(ex, ev)


def vague_time(ex: Extraction, ev: Event) -> str | None:
    """A vague time expression in the event's sentence («الأسبوع الماضي»), as written."""
    sent = ex.analysis.sentences[ev.sentence]
    tokens = ex.analysis.tokens
    stems = [_stem(tokens[k]) for k in range(sent.first_token, sent.end_token)]
    norms = [tokens[k].norm for k in range(sent.first_token, sent.end_token)]
    for i in range(len(stems)):
        for phrase in vague_times():
            first = phrase[0] in (stems[i], norms[i])
            if first and tuple(norms[i + 1 : i + len(phrase)]) == phrase[1:]:
                a = tokens[sent.first_token + i]
                b = tokens[sent.first_token + i + len(phrase) - 1]
                return ex.document.text[a.start : b.end]
    return None


def geo_precision(ex: Extraction, ev: Event) -> str | None:
    """exact, part, region or country: how precisely the event's place locates it."""
    if ev.place is None:
        return None
    m = ex.mentions[ev.place]
    tokens = ex.analysis.tokens
    sent = ex.analysis.sentences[m.sentence]
    start = max(sent.first_token, m.first_token - WINDOW)
    before = [_stem(tokens[k]) for k in range(start, m.first_token) if tokens[k].is_word]
    after = tokens[m.end_token].norm if m.end_token < sent.end_token else ""
    part = any(w in place_parts() for w in before) or after in AFTER
    if m.kind == "country":
        return "region" if part else "country"
    if m.kind == "region":
        return "part" if part else "region"
    return "part" if part else "exact"


def mentioned_places(ex: Extraction, ev: Event) -> list[int]:
    """Places named in the event's sentences that are not where it happened."""
    sentences = {ex.analysis.sentence_at(start).index for start, _ in ev.triggers}
    where = ex.mentions[ev.place].entity_key if ev.place is not None else None
    seen: set[str] = set()
    out = []
    for i, m in enumerate(ex.mentions):
        key = m.entity_key
        if m.kind in PLACE_KINDS and m.sentence in sentences and key != where and key not in seen:
            seen.add(key)
            out.append(i)
    return out
