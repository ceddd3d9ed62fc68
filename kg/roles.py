"""Event roles from Arabic clause structure: agent, target or victim, mediator, addressee,
the reporting source, and the place, read from the mentions around a trigger."""

from __future__ import annotations

from collections.abc import Sequence

from kg.arabic import normalise
from kg.event_merge import VIOLENT
from kg.mentions import clitic_variants
from kg.model import Mention, Token
from kg.triggers import Sentence, Trigger

REPORTING = {normalise(w) for w in (
    "أفاد", "أفادت", "قال", "قالت", "ذكر", "ذكرت", "نقلت", "نقل", "أكد", "أكدت", "أعلن",
    "أعلنت", "أشار", "أشارت", "أوضح", "أوضحت", "بحسب", "وفق", "وفقا", "حسب", "أضاف", "أضافت",
    "كشف", "كشفت", "أورد", "أوردت", "عن", "أفادوا", "قالوا", "ذكروا", "أكدوا",
)}  # fmt: skip
PASSIVE_BY = {normalise(w) for w in ("نفذتها", "نفذها", "شنتها", "شنها", "قبل", "نفذته", "نفذت",
                                     "نصبه", "نصبها", "نصبته", "نصبتها",
                                     "تنفذها", "ينفذها", "تشنها", "يشنها", "يد", "برصاص", "بنيران",
                                     "شنته", "شنتها", "نفذه", "أطلقها", "أطلقته")}  # fmt: skip
AGENT_KINDS = ("state_force", "armed_group", "government", "person", "organisation", "country")
ARMED_KINDS = ("state_force", "armed_group")
TARGET_MARKERS = {normalise(w) for w in ("على", "ضد", "مع", "استهدف", "استهدفت", "مستهدفا",
                                         "مستهدفة", "لصفوف", "صفوف")}  # fmt: skip
TO = {normalise(w) for w in ("إلى", "الى")}
PREPOSITIONS = {normalise(w) for w in ("على", "ضد", "في", "من", "إلى", "الى", "عن", "مع", "بين")}
VICTIM_CLASSES = ("Killing", "AttackOnCivilians", "Arrest", "Abduction")
PLACE_ORDER = {"facility": 0, "neighbourhood": 1, "settlement": 2, "region": 3, "country": 4}
WINDOW = 8  # tokens around a trigger in which roles and figures are sought
SUBJECT_GAP = 4  # tokens at most between a verb and its subject


def _preceded_by_preposition(tokens: Sequence[Token], mention: Mention) -> bool:
    prev = tokens[mention.first_token - 1].norm if mention.first_token > 0 else ""
    tok = tokens[mention.first_token]
    attached = mention.start > tok.start and tokens[mention.first_token].norm[:1] in ("ب", "ل")
    return prev in PREPOSITIONS or attached


def roles_of(
    tokens: Sequence[Token], trig: Trigger, sent: Sentence, sources: set[int]
) -> tuple[list[tuple[str, int]], int | None]:
    """Who did it and to whom, from Arabic clause structure around the trigger.

    Verb-initial clauses put the subject after the verb ("اعتقل عناصر من جبهة فتح الشام
    قياديين"); a noun takes its agent as a genitive ("غارات التحالف") or a "by" phrase
    ("نفذتها طائرات حربية", "على يد"); "قتل" is read as the passive "قُتل" unless an armed
    actor comes first. Civilians are never the agent of violence.
    """
    ms = sent.mentions
    mediators = _mediators(tokens, sent, trig) if trig.cls in ("Negotiation", "Agreement") else []
    actors = [i for i in sent.actors() if i not in sources and i not in mediators]
    after = [i for i in actors if trig.end <= ms[i].first_token <= trig.end + WINDOW]
    before = [i for i in actors if trig.first - WINDOW <= ms[i].end_token <= trig.first]
    violent = trig.cls in VIOLENT or trig.cls == "TakeControl"

    def can_act(i: int) -> bool:
        return ms[i].kind in AGENT_KINDS if violent else ms[i].kind != "media"

    agent: int | None = None
    for k in range(trig.end, min(trig.end + WINDOW, len(tokens))):  # "by" phrases
        if tokens[k].norm in PASSIVE_BY or tokens[k].norm[1:] in PASSIVE_BY:
            by = [i for i in after if ms[i].first_token > k and can_act(i)]
            agent = by[0] if by else None
            break
    if agent is None and trig.pos == "verb":
        # the subject of a verb-initial clause comes right after the verb (a time word or a
        # comma may stand between): "ندد الوزير بقتل المدنيين" has no subject among its mentions
        direct = [
            i
            for i in after
            if not _preceded_by_preposition(tokens, ms[i])
            and ms[i].first_token - trig.end <= SUBJECT_GAP
        ]
        killing = trig.cls == "Killing"
        armed_subject = bool(direct) and ms[direct[0]].kind in ARMED_KINDS and len(direct) > 1
        if direct and can_act(direct[0]) and (not killing or armed_subject):
            agent = direct[0]
        elif (
            before and can_act(before[-1]) and not _preceded_by_preposition(tokens, ms[before[-1]])
        ):
            agent = before[-1]
    elif (
        agent is None
        and after
        and ms[after[0]].first_token == trig.end
        and can_act(after[0])
        and trig.cls not in VICTIM_CLASSES
    ):
        agent = after[0]  # genitive: "غارات التحالف", "قصف ميليشيات الحوثي"
    if agent is None and trig.pos == "noun" and before:
        # a light verb before the noun: "شنت القوات الحكومية هجوما", "أعلنت روسيا إرسال قافلة"
        last = before[-1]
        if can_act(last) and not _preceded_by_preposition(tokens, ms[last]):
            agent = last
    roles = [("agent", i) for i in _conjuncts(tokens, sent, agent)] if agent is not None else []
    victim_role = trig.cls in VICTIM_CLASSES
    roles += [("mediator", i) for i in mediators]
    addressee = _addressee(tokens, trig, ms, after, agent)
    if addressee is not None:
        return [*roles, ("addressee", addressee)], _place(trig, sent, sources)
    for i in after:
        if i == agent or ("agent", i) in roles or ("mediator", i) in roles:
            continue
        kind = ms[i].kind
        if victim_role or kind == "civilians":
            if kind in ("civilians", "person", "armed_group", "state_force"):
                roles += [("victim", k) for k in _conjuncts(tokens, sent, i)]
                break
        elif _preceded_by_marker(tokens, ms[i]) or trig.pos == "verb":
            roles += [("target", k) for k in _conjuncts(tokens, sent, i)]
            break
    return roles, _place(trig, sent, sources)


def _conjuncts(tokens: Sequence[Token], sent: Sentence, i: int) -> list[int]:
    """The mention and the actors coordinated with it by "و": "ووجهت الولايات المتحدة
    وبريطانيا وفرنسا ضربات" has three agents."""
    ms, order = sent.mentions, sent.idx
    actors = set(sent.actors())
    before = tokens[ms[i].first_token - 1].norm if ms[i].first_token > 0 else ""
    if i not in actors or before == "بين":  # "بين الجيش والمسلحين": two sides, not allies
        return [i]

    def joined(left: int, right: int) -> bool:
        a, b = ms[left], ms[right]
        tok = tokens[b.first_token]
        attached = b.first_token == a.end_token and b.start > tok.start and tok.norm[:1] == "و"
        apart = b.first_token == a.end_token + 1 and tokens[a.end_token].norm == "و"
        return attached or apart

    p = order.index(i)
    lo = hi = p
    while lo > 0 and order[lo - 1] in actors and joined(order[lo - 1], order[lo]):
        lo -= 1
    while hi + 1 < len(order) and order[hi + 1] in actors and joined(order[hi], order[hi + 1]):
        hi += 1
    return [i] + [order[k] for k in range(lo, hi + 1) if k != p]


SPONSOR = {normalise(w) for w in ("رعاية", "برعاية", "وساطة", "بوساطة", "بوساطه", "راعي")}


def _mediators(tokens: Sequence[Token], sent: Sentence, trig: Trigger) -> list[int]:
    """Who sponsors talks or an agreement: "المفاوضات برعاية روسيا", "اتفاق بوساطة مصر"."""
    ms = sent.mentions
    for i in sent.actors():
        if not trig.end <= ms[i].first_token <= trig.end + 2 * WINDOW:
            continue
        prev = tokens[ms[i].first_token - 1].norm if ms[i].first_token > 0 else ""
        if prev in SPONSOR:
            return _conjuncts(tokens, sent, i)
    return []


def _addressee(
    tokens: Sequence[Token], trig: Trigger, ms: list[Mention], after: list[int], agent: int | None
) -> int | None:
    """To whom an appeal is made ("دعت الأمم المتحدة الحكومة السورية إلى", "ناشد المجلس
    الدول"), or a statement told ("قال المالكي لشبكة CNN"): the actor named after the
    speaker, directly or with "ل"/"إلى"."""
    if trig.cls not in ("Appeal", "Statement"):
        return None
    start = ms[agent].end_token if agent is not None and ms[agent].first_token >= trig.end else 0
    for i in after:
        if i == agent or ms[i].first_token < start or ms[i].kind == "civilians":
            continue
        prev = tokens[ms[i].first_token - 1].norm if ms[i].first_token > 0 else ""
        attached = ms[i].start > tokens[ms[i].first_token].start
        lam = attached and tokens[ms[i].first_token].norm[:1] == "ل"
        if trig.cls == "Statement":
            return i if lam or prev in TO else None
        if lam or prev in TO or not _preceded_by_preposition(tokens, ms[i]):
            return i
        return None
    return None


def _place(trig: Trigger, sent: Sentence, sources: set[int]) -> int | None:
    """The first specific place named after the trigger, else the one before it."""
    ms = sent.mentions
    places = [i for i in sent.places() if i not in sources]
    later = [i for i in places if trig.end <= ms[i].first_token <= trig.end + 2 * WINDOW]
    specific = [i for i in later if ms[i].kind != "country"]
    earlier = [i for i in places if ms[i].end_token <= trig.first]
    if specific:
        place: int | None = specific[0]  # the first place named after the trigger
    elif later:
        place = later[0]
    elif earlier:
        place = min(earlier, key=lambda i: (PLACE_ORDER.get(ms[i].kind, 5), -ms[i].start))
    else:
        place = None
    return place


def _preceded_by_marker(tokens: Sequence[Token], mention: Mention) -> bool:
    """Is the mention introduced by a target marker ("على", "ضد", "مستهدفا")?"""
    if mention.first_token == 0:
        return False
    prev = tokens[mention.first_token - 1].norm
    return prev in TARGET_MARKERS or any(s in TARGET_MARKERS for s, _ in clitic_variants(prev))


def sources_of(tokens: Sequence[Token], sent: Sentence) -> set[int]:
    """Mentions introduced by a reporting verb ("أفاد المرصد", "نقلت سانا عن مصدر عسكري")."""
    out: set[int] = set()
    for i in sent.idx:
        m = sent.mentions[i]
        if m.kind not in ("organisation", "media", "person", "civilians", "government"):
            continue
        for k in range(max(0, m.first_token - 3), m.first_token):
            if {s for s, _ in clitic_variants(tokens[k].norm)} & REPORTING:
                out.add(i)
                break
    return out
