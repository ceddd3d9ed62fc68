"""Optional statistical recogniser: camel-tools' pretrained NER model (``kg build --ner camel``).

The model labels words PERS, LOC, ORG or MISC (BIO tags) sentence by sentence. Its spans
become mention candidates beside the rule-based ones and go through the same linker, so a
model span the gazetteer knows ("وبحلب" -> Aleppo) is linked like any other and an unknown one
becomes a local entity of the label's kind. Where a rule candidate and a model span overlap,
the rule candidate wins (it knows clitics, place heads and the annotation guide's spans).

The model is data camel-tools downloads separately (``camel_data -i ner-arabert``, about half a
gigabyte, into ``$CAMELTOOLS_DATA`` or ``~/.camel_tools``). Without it ``load_camel_ner``
raises an ``InputError`` saying how to install it; camel-tools' own loader is not even
imported then, because importing ``camel_tools.data`` tries to download its catalogue.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, cast

from kg.arabic import camel_ner_recogniser, strip_diacritics_map
from kg.errors import InputError
from kg.gazetteer import Gazetteer
from kg.mentions import Candidate, Cue, clitic_variants
from kg.model import ACTOR_KINDS, PLACE_KINDS, Analysis, Token

INSTALL = "camel_data -i ner-arabert"
LABEL_KINDS = {  # model label -> (kinds its gazetteer entries may have, kind of a new name)
    "PERS": (frozenset({"person"}), "person"),
    "LOC": (frozenset(PLACE_KINDS), "settlement"),
    "ORG": (frozenset(ACTOR_KINDS) - {"person", "civilians"}, "organisation"),
}


class Recogniser(Protocol):
    """What the adapter needs of camel-tools' ``NERecognizer``."""

    def predict_sentence(self, sentence: list[str]) -> list[str]: ...


def camel_data_dir() -> Path:
    """Where camel-tools keeps its data: ``$CAMELTOOLS_DATA`` or ``~/.camel_tools``."""
    configured = os.environ.get("CAMELTOOLS_DATA")
    return Path(configured).expanduser() if configured else Path.home() / ".camel_tools"


def model_dir() -> Path:
    return camel_data_dir() / "data" / "ner" / "arabert"


def load_camel_ner() -> Recogniser:
    """camel-tools' pretrained NER model, on the CPU; ``InputError`` if it is not installed."""
    path = model_dir()
    if not (path / "config.json").is_file():
        raise InputError(
            f"--ner camel needs camel-tools' NER model, which is not installed in {path}: "
            f"install it with `{INSTALL}` (or set CAMELTOOLS_DATA to where it is)"
        )
    return cast(Recogniser, camel_ner_recogniser(str(path)))


@dataclass(frozen=True, slots=True)
class Span:
    label: str
    first: int  # token indices, end exclusive
    end: int


def labelled_spans(labels: Sequence[str], offset: int) -> list[Span]:
    """BIO labels of one sentence's words -> spans of PERS, LOC and ORG (MISC is dropped)."""
    spans: list[Span] = []
    current: tuple[str, int] | None = None
    for k, tag in enumerate([*labels, "O"]):
        prefix, _, label = tag.partition("-")
        if current is not None and not (prefix == "I" and label == current[0]):
            spans.append(Span(current[0], offset + current[1], offset + k))
            current = None
        if label in LABEL_KINDS and (prefix == "B" or (prefix == "I" and current is None)):
            current = (label, k)
    return spans


def model_candidates(
    text: str, analysis: Analysis, gaz: Gazetteer, recogniser: Recogniser
) -> list[Candidate]:
    """The model's PERS, LOC and ORG spans as candidates for the linker."""
    tokens = analysis.tokens
    out: list[Candidate] = []
    for sentence in analysis.sentences:
        words = [text[t.start : t.end] for t in tokens[sentence.first_token : sentence.end_token]]
        if not words:
            continue
        labels = recogniser.predict_sentence(words)
        for span in labelled_spans(labels, sentence.first_token):
            cand = _candidate(text, tokens, span, gaz)
            if cand is not None:
                out.append(cand)
    return out


def _candidate(text: str, tokens: Sequence[Token], span: Span, gaz: Gazetteer) -> Candidate | None:
    kinds, new_kind = LABEL_KINDS[span.label]
    rest = tuple(t.norm for t in tokens[span.first + 1 : span.end] if t.is_word)
    lead = tokens[span.first]
    if not lead.is_word:
        return None
    readings = clitic_variants(lead.norm)
    best = None
    for stem, plen in readings:  # the reading the gazetteer knows, proclitics removed
        entries = tuple(e for e in gaz.lookup((stem, *rest), cued=True) if e.entity.kind in kinds)
        if entries and (best is None or plen > best[1]):
            best = (stem, plen, entries)
    if best is None:  # a new name: drop a proclitic only before the article ("والمنار")
        stem, plen = next(((s, p) for s, p in readings if p and s.startswith("ال")), readings[0])
        best = (stem, plen, ())
    stem, plen, entries = best
    start = lead.start + (strip_diacritics_map(text[lead.start : lead.end], plen) if plen else 0)
    cue = None if entries else Cue("model", new_kind, new_kind, True)
    return Candidate(start, tokens[span.end - 1].end, span.first, span.end, entries, cue,
                     (stem, *rest), source="model")  # fmt: skip


def merge_candidates(rules: list[Candidate], model: list[Candidate]) -> list[Candidate]:
    """Rule candidates, and the model's where no rule candidate overlaps them."""
    taken = [False] * (max((c.end_token for c in rules + model), default=0) + 1)
    for cand in rules:
        for t in range(cand.first_token, cand.end_token):
            taken[t] = True
    extra = [c for c in model if not any(taken[t] for t in range(c.first_token, c.end_token))]
    return sorted(rules + extra, key=lambda c: c.start)
