"""Linking mention candidates to entities, with the document as context.

For each candidate the gazetteer may offer several entries (Aleppo the city and Aleppo the
governorate; a dozen villages called "النصر"). The score of an entry adds up evidence:
how authoritative its source is, whether its kind fits the head word before it ("مدينة" wants a
settlement, "محافظة" a region), whether its country or parent place is mentioned elsewhere in the
document, and its population. The confidence of a link is the winner's share of the evidence
(a softmax over the scores), written into the graph beside the link.

Names nobody knows (after a head word) become local entities: their key is a function of
(kind, normalised name) alone, so the same name of the same kind is one entity across mentions,
documents and runs.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace

from kg.arabic import display_form, transliterate
from kg.gazetteer import Entry, Gazetteer
from kg.mentions import Candidate
from kg.model import Analysis, Entity, Mention

_SAFE = re.compile(r"[^A-Za-z0-9_~.-]+")


def local_key(kind: str, name_key: tuple[str, ...]) -> str:
    """The stable key of a local entity: the same (kind, normalised name) -> the same key."""
    slug = _SAFE.sub("_", transliterate(" ".join(name_key))).strip("_") or "x"
    return f"local:{kind}/{slug}"


def _context(candidates: list[Candidate]) -> tuple[set[str], set[str]]:
    """Countries and places the document names unambiguously."""
    countries: set[str] = set()
    places: set[str] = set()
    for cand in candidates:
        if len(cand.entries) == 1:
            ent = cand.entries[0].entity
            if ent.kind == "country":
                countries.add(ent.key)
            if ent.country_qid:
                countries.add(ent.country_qid)
            places.add(ent.key)
    return countries, places


def _score(entry: Entry, cand: Candidate, countries: set[str], places: set[str]) -> float:
    ent = entry.entity
    score = float(entry.rank)
    if cand.cue is not None:
        if cand.cue.kind == ent.kind:
            score += 3.0 + (1.0 if cand.cue.subkind == entry.subkind else 0.0)
        elif cand.cue.kind == "neighbourhood" and ent.kind == "settlement":
            score += 1.0  # WOF files many quarters as localities
        else:
            score -= 3.0
    elif ent.kind == "settlement":
        score += 1.5  # a bare place name is the city, unless the context says province
    elif ent.kind == "country":
        score += 2.0  # but a country named like its capital is the country ("الكويت")
    if entry.bare:
        score += 1.0
    if ent.country_qid and ent.country_qid in countries:
        score += 2.0
    elif countries and ent.kind not in ("country",) and ent.country_qid:
        score -= 1.0
    if ent.parent_key and ent.parent_key in places:
        score += 1.0
    if ent.population:
        score += min(math.log10(ent.population), 7.0) / 7.0
    return score


def _one_sense_per_document(candidates: list[Candidate]) -> list[Candidate]:
    """A name whose sense a head word fixed somewhere in the document ("ريف إدلب" ->
    the governorate) keeps that sense where it stands bare, unless a head elsewhere in the
    document names the other sense ("مدينة إدلب")."""
    cued: dict[tuple[str, ...], set[str]] = {}
    for cand in candidates:
        if cand.cue is not None and cand.entries:
            cued.setdefault(cand.name_key, set()).add(cand.cue.kind)
    out = []
    for cand in candidates:
        kinds = cued.get(cand.name_key)
        if cand.cue is None and kinds and len(kinds) == 1 and len(cand.entries) > 1:
            (kind,) = kinds
            fitting = tuple(e for e in cand.entries if e.entity.kind == kind)
            if fitting:
                cand = replace(cand, entries=fitting)
        out.append(cand)
    return out


def _fits(cue_kind: str, entry: Entry, countries: set[str]) -> bool:
    """Can a name after a head word of ``cue_kind`` be this entry? Small places that only
    match after a head must also lie in a country the document names."""
    kind = entry.entity.kind
    in_country = not countries or entry.entity.country_qid in countries
    if not entry.bare and not in_country:
        return False
    if kind == cue_kind:
        return True
    return cue_kind == "neighbourhood" and kind == "settlement" and in_country


def _choose(cand: Candidate, countries: set[str], places: set[str]) -> tuple[Entry, float]:
    scored = sorted(
        ((_score(e, cand, countries, places), e.entity.key, e) for e in cand.entries),
        key=lambda t: (-t[0], t[1]),
    )
    top = scored[0][0]
    total = sum(math.exp(s - top) for s, _, _ in scored)
    return scored[0][2], 1.0 / total


def link(
    text: str, analysis: Analysis, candidates: list[Candidate], gaz: Gazetteer
) -> tuple[list[Mention], dict[str, Entity]]:
    """Mentions with their entities, and the entities they denote."""
    countries, places = _context(candidates)
    candidates = _one_sense_per_document(candidates)
    sentence_of = [0] * len(analysis.tokens)
    for s in analysis.sentences:
        sentence_of[s.first_token : s.end_token] = [s.index] * (s.end_token - s.first_token)
    mentions: list[Mention] = []
    entities: dict[str, Entity] = {}
    for cand in candidates:
        facility = cand.headed and (
            cand.cue is None or cand.cue.role == "facility_head" or not cand.entries
        )
        if cand.cue is not None and cand.cue.role == "place_head" and cand.entries:
            fitting = tuple(e for e in cand.entries if _fits(cand.cue.kind, e, countries))
            if fitting != cand.entries:  # a head word rules out entries of another kind
                cand = replace(cand, entries=fitting)
        entity: Entity
        if cand.entries and not facility:
            entry, confidence = _choose(cand, countries, places)
            entity, method = entry.entity, "gazetteer" if cand.cue is None else "cue+gazetteer"
            method = "model+gazetteer" if cand.source == "model" else method
        else:
            kind = cand.cue.kind if cand.cue else "settlement"
            label = display_form(text[cand.start : cand.end])
            key_tokens = tuple(label.split()) if facility else cand.name_key
            known = [
                e
                for e in gaz.lookup(tuple(t for t in key_tokens), cued=True)
                if e.entity.kind == kind
            ]
            if known:
                entity, confidence = known[0].entity, 0.9
            else:
                parent = _choose(cand, countries, places)[0].entity.key if cand.entries else None
                entity = Entity(
                    key=local_key(kind, cand.name_key if not facility else tuple(label.split())),
                    kind=kind,
                    label_ar=label,
                    parent_key=parent,
                )
                confidence = 0.5
            method = "model" if cand.source == "model" else "cue"
        entities.setdefault(entity.key, entity)
        mentions.append(
            Mention(
                start=cand.start,
                end=cand.end,
                entity_key=entity.key,
                kind=entity.kind,
                sentence=sentence_of[cand.first_token] if analysis.tokens else 0,
                first_token=cand.first_token,
                end_token=cand.end_token,
                method=method,
                confidence=round(confidence, 3),
            )
        )
    return mentions, entities
