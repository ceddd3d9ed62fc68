"""Tolls: figures read from a sentence with the noun they count, implicit tolls of one,
denied killings as tolls of zero, and each figure given to the event it belongs to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

from kg import numbers
from kg.arabic import normalise
from kg.event_merge import VIOLENT
from kg.mentions import clitic_variants
from kg.model import Count, Event, Mention, Token
from kg.roles import ARMED_KINDS, role_words
from kg.triggers import Sentence, Trigger, count_nouns, rows, single_victims


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
                what = _of_forces(tokens, i + 1, end, nouns[stem])
                out.append((i, Count(what, 2, "exact", (tokens[i].start, tokens[i].end))))
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
            part = _among(tokens, i, first)
            if noun and (
                _injury_context(tokens, i, j) or (part and out and out[-1][1].what == "injured")
            ):  # «جرح عشرين شخصا بينهم أربعة جنود»: the soldiers are among the injured
                noun = "injured"
            elif noun:
                noun = _of_forces(tokens, j + 1, end, noun)
            if noun:
                qual = (
                    numbers.qualifier_before(tuple(tokens), i)
                    or numbers.qualifier_after(tuple(tokens), j + 1)
                    or "exact"
                )
                span = (tokens[i].start, tokens[j].end)
                out.append((i, Count(noun, value, qual, span, part=part and bool(out))))
        i = max(j, i + 1)
    return out


AMONG = {normalise(w) for w in ("بينهم", "بينهن", "منهم", "منهن", "بينها", "منها")}


def _among(tokens: Sequence[Token], i: int, first: int) -> bool:
    """Is the figure at ``i`` told as a part of one before it («بينهم», «من بينهم»)?"""
    k = i - 1
    for words in numbers.QUALIFIERS_BEFORE:  # «بينهم أكثر من عشرة أطفال»
        if tuple(t.norm for t in tokens[max(i - len(words), first) : i]) == words:
            k -= len(words)
            break
    return k >= first and any(s in AMONG for s, _ in clitic_variants(tokens[k].norm))


TWO = {normalise(w) for w in ("اثنين", "اثنان", "اثنتين", "اثنتان")}
INJURY_WORDS = {normalise(w) for w in ("إصابة", "إصابات", "جرح", "جراح", "بجروح", "جروح", "جرحى",
                                        "مصابين", "أصيب", "أصيبوا", "يصاب", "بإصابة", "جريحا",
                                        "جريح", "جريحاً", "مصابا", "مصاباً", "أصيبت", "المصابين",
                                        "الجرحى")}  # fmt: skip


KILL_WORDS = {normalise(w) for w in ("قتل", "مقتل", "قتلى", "مصرع", "استشهاد", "وفاة", "حصيلة")}


PERSONS = ("people", "fighters")  # «رجال», «أفراد», «عناصر»: whose men the next word says


@lru_cache(maxsize=1)
def force_words() -> frozenset[str]:
    return frozenset(normalise(r["word"]) for r in rows("force_words.tsv"))


def _of_forces(tokens: Sequence[Token], k: int, end: int, what: str) -> str:
    """Men counted by a noun that governs a word of state forces are soldiers: «ثلاثة رجال
    شرطة», «خمسة أفراد من الأمن», «عنصرين من الجيش»."""
    if what not in PERSONS:
        return what
    if k + 1 < end and tokens[k].norm == "من":
        k += 1
    if k < end and any(s in force_words() for s, _ in clitic_variants(tokens[k].norm)):
        return "soldiers"
    return what


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
# the groups of the dead that do not overlap: a fighter is no soldier and no civilian
GROUPS = {"fighters": "armed", "soldiers": "state", "civilians": "civilians"}
LOWER_BOUNDS = ("at_least", "more_than")


def group_of(counts: Sequence[Count], claim: Count) -> str | None:
    """Who a fatalities claim counts: the group of the noun it was read with («300 مسلح»:
    armed), or None for a toll of anyone («52 قتيلا», «20 شخصا»), which may hold every group."""
    if claim.part:  # «بينهم»: among the dead counted before, not beside them
        return None
    return next((GROUPS[c.what] for c in counts if c.span == claim.span and c.what in GROUPS), None)


def event_toll(counts: Sequence[Count]) -> tuple[int, str, tuple[int, ...]] | None:
    """The event's death toll from its claims: (value, qualifier, indices of the claims it
    rests on). Claims about groups that do not overlap add up, as ACLED counts a battle's
    dead («300 من مسلحي طالبان» and «25 من قوات الأمن»: 325); claims that tell one group
    again, or a toll of anyone and its part («52 قتيلا بينهم 10 أطفال»), do not: the
    highest stands (the first of equal ones)."""
    fatal = [(k, c) for k, c in enumerate(counts) if c.what == "fatalities"]
    if not fatal:
        return None
    highest = max(fatal, key=lambda kc: (_point(kc[1]), -kc[0]))
    best: dict[str, tuple[int, Count]] = {}
    for k, c in fatal:
        g = group_of(counts, c)
        if g is not None and (g not in best or _point(c) > _point(best[g][1])):
            best[g] = (k, c)
    total = sum(c.value for _, c in best.values())
    if len(best) < 2 or total <= highest[1].value:
        return highest[1].value, highest[1].qualifier, (highest[0],)
    parts = sorted(best.values(), key=lambda kc: kc[0])
    return total, _sum_qualifier([c.qualifier for _, c in parts]), tuple(k for k, _ in parts)


def _point(c: Count) -> int:
    return c.value + 1 if c.qualifier == "more_than" else c.value


def _sum_qualifier(quals: Sequence[str]) -> str:
    """«أكثر من 300» and «25»: more than 325; an approximate part makes the sum approximate,
    an upper bound beside a lower one leaves only an approximate sum."""
    kinds = set(quals) - {"exact"}
    if not kinds:
        return "exact"
    if "about" in kinds or ("at_most" in kinds and kinds & set(LOWER_BOUNDS)):
        return "about"
    if kinds == {"at_most"}:
        return "at_most"
    return "more_than" if "more_than" in kinds else "at_least"


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
            extra.append(Count("fatalities", count.value, count.qualifier, count.span, count.part))
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


def by_toll(
    events: list[Event], counts: list[tuple[int, Count]]
) -> list[tuple[list[Event], list[tuple[int, Count]]]]:
    """A sentence that lists happenings, each with its own toll («استهداف الحافلات التي راح
    ضحيتها 29 قتيلاً، وهاجم المأمورية التي راح ضحيتها 16 قتيلاً»), is cut after each killing
    told by its figure: the parts are merged and given figures apart. Only when the figures
    differ and every part tells an attack too: «ارتفعت الحصيلة من 20 قتيلا إلى 25 قتيلا»
    is one toll told twice."""
    ends = {c.span[1]: c.value for _, c in counts if c.what in FATAL_NOUNS}
    cuts = sorted(
        e.triggers[0][1] for e in events if e.cls == "Killing" and e.triggers[0][1] in ends
    )
    if len({ends[c] for c in cuts}) < 2:
        return [(events, counts)]
    bounds = [*cuts[:-1], float("inf")]  # what follows the last cut belongs to its part

    def part(offset: int) -> int:
        return next(k for k, b in enumerate(bounds) if offset <= b)

    parts: list[tuple[list[Event], list[tuple[int, Count]]]] = [([], []) for _ in bounds]
    for e in events:
        parts[part(e.triggers[0][0])][0].append(e)
    for i, c in counts:
        parts[part(c.span[0])][1].append((i, c))
    if not all(any(e.cls != "Killing" and e.cls in VIOLENT for e in evs) for evs, _ in parts):
        return [(events, counts)]
    return parts
