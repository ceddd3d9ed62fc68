"""Tolls: figures read from a sentence with the noun they count, implicit tolls of one,
denied killings as tolls of zero, and each figure given to the event it belongs to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from kg import numbers
from kg.arabic import normalise
from kg.event_merge import VIOLENT
from kg.mentions import clitic_variants
from kg.model import Count, Event, Mention, Token
from kg.roles import ARMED_KINDS, role_words
from kg.triggers import Sentence, Trigger, count_nouns, single_victims


def counts_in(tokens: Sequence[Token], first: int, end: int) -> list[tuple[int, Count]]:
    """Figures in tokens [first, end) with the noun they count: (token index, Count)."""
    nouns = count_nouns()
    out: list[tuple[int, Count]] = []
    i = first
    while i < end:
        norm = tokens[i].norm
        if not (  # the quick test: most tokens are neither figures nor dual nouns
            norm[-1:].isdigit()
            or norm in numbers.NUMBER_WORDS
            or norm.endswith(("ين", "ان"))
            or (i + 1 < end and tokens[i + 1].norm in TWO)
        ):
            i += 1
            continue
        read = numbers.read_number(tuple(tokens), i)
        if read is None:
            stem = (
                next(  # every dual noun ends in "ين" or "ان"
                    (s for s, _ in clitic_variants(norm) if s in numbers.DUAL_NOUNS), None
                )
                if norm.endswith(("ين", "ان"))
                else None
            )
            if stem is not None and stem in nouns:
                out.append((i, Count(nouns[stem], 2, "exact", (tokens[i].start, tokens[i].end))))
            elif i + 1 < end and tokens[i + 1].norm in TWO and norm in nouns:  # "مدنيين اثنين"
                span = (tokens[i].start, tokens[i + 1].end)
                out.append((i, Count(nouns[norm], 2, "exact", span)))
            i += 1
            continue
        value, j = read
        if j + 1 < end and tokens[j].norm == "من":  # partitive: "300 من مسلحي طالبان"
            j += 1
        if j < end:
            noun = next((nouns[s] for s, _ in clitic_variants(tokens[j].norm) if s in nouns), None)
            if noun and _injury_context(tokens, i, j):
                noun = "injured"
            if noun:
                qual = (
                    numbers.qualifier_before(tuple(tokens), i)
                    or numbers.qualifier_after(tuple(tokens), j + 1)
                    or "exact"
                )
                out.append((i, Count(noun, value, qual, (tokens[i].start, tokens[j].end))))
        i = max(j, i + 1)
    return out


TWO = {normalise(w) for w in ("اثنين", "اثنان", "اثنتين", "اثنتان")}
INJURY_WORDS = {normalise(w) for w in ("إصابة", "إصابات", "جرح", "جراح", "بجروح", "جروح", "جرحى",
                                        "مصابين", "أصيب", "أصيبوا", "يصاب", "بإصابة", "جريحا",
                                        "جريح", "جريحاً", "مصابا", "مصاباً", "أصيبت", "المصابين",
                                        "الجرحى")}  # fmt: skip


KILL_WORDS = {normalise(w) for w in ("قتل", "مقتل", "قتلى", "مصرع", "استشهاد", "وفاة", "حصيلة")}


def _injury_context(tokens: Sequence[Token], i: int, j: int) -> bool:
    """Is the figure at tokens [i, j] a count of injured ("إصابة 20 شخصاً بجروح")? The words
    just before it decide first: "قتل خمسة أشخاص وأصيب 48" counts five killed."""
    before = [tokens[k].norm for k in range(max(0, i - 3), i)]
    if any(w in KILL_WORDS or w[1:] in KILL_WORDS for w in before):
        return False
    after = [tokens[k].norm for k in range(j + 1, min(len(tokens), j + 3))]
    return any(w in INJURY_WORDS or w[1:] in INJURY_WORDS for w in before + after)


def implicit_tolls(
    tokens: Sequence[Token],
    triggers: list[Trigger],
    first: int,
    end: int,
    mentions: list[Mention],
    sent: Sentence,
) -> list[tuple[int, Count]]:
    """A killing of one person with no figure is a toll of one: "مقتل قيادي حوثي",
    "قتل طفل", "اغتيال النائب العام هشام بركات"."""
    out: list[tuple[int, Count]] = []
    singles = single_victims()
    for trig in triggers:
        if trig.cls not in ("Killing", "AttackOnCivilians") or trig.end >= end:
            continue
        nxt = tokens[trig.end]
        figure = numbers.read_number(tuple(tokens), trig.end)
        if figure is not None and figure[0] != 1:
            continue  # "قتل أحد عشر مدنيا": a figure, read by counts_in
        person = any(
            mentions[i].first_token == trig.end and mentions[i].kind == "person" for i in sent.idx
        )
        if any(stem in singles for stem, _ in clitic_variants(nxt.norm)) or person:
            span = (nxt.start, nxt.end)
            out.append((trig.end, Count("fatalities", 1, "exact", span)))
        elif trig.cls == "Killing" and trig.pos == "verb" and _person_before(tokens, trig, sent):
            span = (tokens[trig.first].start, tokens[trig.end - 1].end)
            out.append((trig.first, Count("fatalities", 1, "exact", span)))
    return out


def _person_before(tokens: Sequence[Token], trig: Trigger, sent: Sentence) -> bool:
    """A named person killed, told in a relative clause: "محمد سرور الذي قُتل"."""
    rel = trig.first - 1
    if rel < 1 or tokens[rel].norm not in role_words()["relative"]:
        return False
    return any(
        sent.mentions[i].kind == "person" and sent.mentions[i].end_token in (rel, rel - 1)
        for i in sent.idx
    )


def zero_tolls(events: list[Event]) -> tuple[list[Event], list[tuple[int, Count]]]:
    """A denied killing beside an attack ("دون أن يوقع ضحايا") is a toll of zero for the
    attack, not an event of its own."""
    attacks = [e for e in events if e.cls in VIOLENT and e.cls != "Killing" and not e.negated]
    if not attacks:
        return events, []
    zero = [
        (0, Count("fatalities", 0, "exact", e.triggers[0]))
        for e in events
        if e.cls == "Killing" and e.negated
    ]
    kept = [e for e in events if not (e.cls == "Killing" and e.negated)]
    return kept, zero


FATAL_NOUNS = ("civilians", "people", "fatalities", "fighters", "soldiers")


def attach_counts(events: list[Event], counts: list[tuple[int, Count]]) -> list[Event]:
    """Give each figure to the nearest event of the sentence it can belong to."""
    out = list(events)
    for _, count in counts:
        what = count.what
        fits = [
            k
            for k, e in enumerate(out)
            if (
                e.cls in VIOLENT
                and (what in FATAL_NOUNS or what in ("children", "women", "injured"))
            )
            or (what == "trucks" and e.cls == "AidDelivery")
            or (
                what in ("fighters", "soldiers", "people")
                and e.cls in ("Withdrawal", "Arrest", "Abduction")
            )
        ]
        if not fits:
            continue
        k = min(fits, key=lambda k: abs(count.span[0] - out[k].triggers[0][0]))
        extra = [count]
        if out[k].cls in VIOLENT and what in FATAL_NOUNS and what != "fatalities":
            extra.append(Count("fatalities", count.value, count.qualifier, count.span))
        out[k] = replace(out[k], counts=out[k].counts + tuple(extra))
    return [_complete_counts(e) for e in out]


def killing_class(ev: Event, mentions: list[Mention]) -> Event:
    """A killing told with no more specific violence is coded by who was killed, as ACLED
    does: fighters or soldiers killed are a battle ("مقتل 25 جنديا", "مصرع قيادي حوثي"),
    civilians killed by a named armed actor an attack on civilians."""
    if ev.cls != "Killing":
        return ev
    victims = {mentions[i].kind for role, i in ev.roles if role == "victim"}
    counted = {c.what for c in ev.counts}
    if counted & {"fighters", "soldiers"} or victims & set(ARMED_KINDS):
        return replace(ev, cls="ArmedClash")
    armed_agent = any(mentions[i].kind in ARMED_KINDS for role, i in ev.roles if role == "agent")
    if armed_agent and (counted & {"civilians", "children", "women"} or "civilians" in victims):
        return replace(ev, cls="AttackOnCivilians")
    return ev


def _complete_counts(ev: Event) -> Event:
    """Children and women killed, with no overall toll given, are the toll."""
    if ev.cls not in VIOLENT or any(c.what == "fatalities" for c in ev.counts):
        return ev
    parts = [c for c in ev.counts if c.what in ("children", "women")]
    if not parts:
        return ev
    span = (min(c.span[0] for c in parts), max(c.span[1] for c in parts))
    qual = parts[0].qualifier if len(parts) == 1 else "exact"
    total = Count("fatalities", sum(c.value for c in parts), qual, span)
    return replace(ev, counts=(*ev.counts, total))
