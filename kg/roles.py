"""Event roles from Arabic clause structure: agent, target or victim, mediator, addressee,
the reporting source, and the place, read from the mentions around a trigger.

The words the rules look for (reporting verbs, "by" phrases, prepositions, relative pronouns,
complementisers…) are in ``kg/data/role_words.tsv``; the clause tests they share are in
``kg/clauses.py``, the agent in ``kg/agents.py``, the target and victim in
``kg/patients.py``.
"""

from __future__ import annotations

from collections.abc import Sequence

from kg.agents import agent_of
from kg.clauses import (
    ARMED_KINDS,
    PLACE_ORDER,
    REPORTING,
    SIDED,
    STATE_KINDS,
    SUBJECT_GAP,
    TALKS,
    TERRITORY,
    VERBAL,
    VICTIM_CLASSES,
    WINDOW,
    adjacent,
    attached,
    can_act,
    clause_break,
    clause_initial,
    conjuncts,
    in_words,
    is_counted,
    preceded_by_preposition,
    prev_word,
    role_words,
    speech_verb,
    subject_gap,
    verb_trigger,
)
from kg.event_merge import VIOLENT
from kg.mentions import clitic_variants
from kg.model import Mention, Token
from kg.patients import patients
from kg.triggers import Sentence, Trigger

__all__ = ["ARMED_KINDS", "REPORTING", "role_words", "roles_of", "sources_of"]


def roles_of(
    tokens: Sequence[Token], trig: Trigger, sent: Sentence, sources: set[int]
) -> tuple[list[tuple[str, int]], int | None]:
    """Who did it and to whom, from Arabic clause structure around the trigger.

    Verb-initial clauses put the subject after the verb ("اعتقل عناصر من جبهة فتح الشام
    قياديين"); a noun takes its agent as a genitive ("غارات التحالف") or a "by" phrase
    ("نفذتها طائرات حربية", "على يد"); "قتل" is read as the passive "قُتل" unless an armed
    actor comes first. A clause after "أنه" has the speaker as subject ("أعلن الجيش أنه شن
    غارة"); a relative clause has its antecedent ("الحوثيين الذين أطلقوا صاروخا"). Two sides
    "بين" are the agent and the target of a fight, or the parties of talks. Civilians are
    never the agent of violence.
    """
    mediators = _mediators(tokens, sent, trig) if trig.cls in TALKS else []
    own = _own_sources(trig, sent, sources)
    actors = [i for i in sent.actors() if (i not in sources or i in own) and i not in mediators]
    cities = _cities_acting(tokens, trig, sent)
    actors = sorted(actors + cities, key=lambda i: sent.mentions[i].start)
    sides = _sides(tokens, sent, trig) if trig.cls in SIDED + TALKS else None
    agent = agent_of(tokens, trig, sent, actors)
    shared = _coordinated_subject(tokens, trig, sent) if sides is None else None
    agent = shared if shared is not None else agent
    if sides is not None and trig.cls in SIDED and agent not in sides:
        agent = sides[0]
    if agent is None and sides is None and trig.cls in SIDED:
        agent = _fought_with(tokens, trig, sent, actors)
    roles = [("agent", i) for i in conjuncts(tokens, sent, agent)] if agent is not None else []
    for i in _supporters(tokens, trig, sent, actors):
        if agent is None and trig.cls in TERRITORY and sent.mentions[i].kind == "armed_group":
            continue  # a group beside forces left unnamed does not make the retaking a group's
        roles += [("agent", j) for j in conjuncts(tokens, sent, i) if ("agent", j) not in roles]
    if sides is not None:
        if trig.cls in TALKS:
            roles += [("agent", i) for i in sides if ("agent", i) not in roles]
        else:
            roles += [("target", i) for i in sides if ("agent", i) not in roles]
            return roles, _place(tokens, trig, sent, sources)
    if trig.cls in TALKS:
        roles += [("agent", i) for i in _parties(tokens, trig, sent, actors, roles)]
    roles += [("mediator", i) for i in mediators]
    if trig.cls in ("Appeal", "Statement"):
        addressee = _addressee(tokens, trig, sent, actors, agent)
        if addressee is not None:
            return [*roles, ("addressee", addressee)], _place(tokens, trig, sent, sources)
    roles += patients(tokens, trig, sent, actors, roles)
    return roles, _place(tokens, trig, sent, sources)


def _coordinated_subject(tokens: Sequence[Token], trig: Trigger, sent: Sentence) -> int | None:
    """A verb joined by «و» to an earlier verb of its sentence shares its subject when it has
    none of its own: «قال ترامب إن الصواريخ قادمة، وانتقد موسكو», «قضت وحدات الجيش على
    المسلحين ودمرت مقراتهم». For violence the shared subject must be able to fight."""
    if trig.pos != "verb" or not trig.prefix.startswith("و") or trig.cls in VICTIM_CLASSES:
        return None
    ms = sent.mentions
    lo = min((ms[i].first_token for i in sent.idx), default=trig.first)
    lo = max(lo - 3, trig.first - 3 * WINDOW, 0)
    for v in range(trig.first - 1, lo - 1, -1):
        norm = tokens[v].norm
        if any(ms[i].first_token <= v < ms[i].end_token for i in sent.idx):
            continue
        if not (speech_verb(norm) or verb_trigger(norm)):
            continue
        subject = [
            i
            for i in sent.actors()
            if 0 <= ms[i].first_token - (v + 1) <= SUBJECT_GAP
            and ms[i].first_token < trig.first
            and not preceded_by_preposition(tokens, ms[i])
            and subject_gap(tokens, v + 1, ms[i], sent)
        ]
        before = [
            i for i in sent.actors() if ms[i].end_token == v and clause_initial(tokens, ms[i])
        ]
        if not subject and not before:
            return None
        found = (subject or before)[0]
        if not can_act(trig, ms[found]):
            return None
        violent = trig.cls in VIOLENT or trig.cls in TERRITORY
        if violent and ms[found].kind not in STATE_KINDS:
            return None
        return found
    return None


def _fought_with(
    tokens: Sequence[Token], trig: Trigger, sent: Sentence, actors: list[int]
) -> int | None:
    """The one side a clash names, after «مع», when no other fighter is named: «مقتل
    فلسطينيين خلال اشتباكات مع الجيش الإسرائيلي», «لقي مصرعه في مواجهات مع الجيش الوطني»."""
    ms = sent.mentions
    for i in actors:
        m = ms[i]
        if not trig.end <= m.first_token <= trig.end + 3:
            continue
        if prev_word(tokens, m) in role_words()["with"] and m.kind in ARMED_KINDS:
            return i
        return None
    return None


def _supporters(
    tokens: Sequence[Token], trig: Trigger, sent: Sentence, actors: list[int]
) -> list[int]:
    """Who fights beside the agent: "تقدم الجيش بإسناد من التحالف", "مسنودة بقوات التحالف",
    "بالتعاون مع القوات الرديفة", "بمساعدة فصائل من المعارضة" name a co-agent of the attack
    or the retaking of their clause."""
    if not (trig.cls in VIOLENT or trig.cls in TERRITORY or trig.cls == "OffensiveAnnounced"):
        return []
    ms = sent.mentions
    out = []
    lo, hi = max(0, trig.first - WINDOW), min(len(tokens), trig.end + WINDOW)
    for k in range(lo, hi):
        if not in_words(tokens[k].norm, "support"):
            continue
        if clause_break(tokens, *sorted((k + 1, trig.first) if k < trig.first else (trig.end, k))):
            continue
        near = [i for i in actors if k < ms[i].first_token <= k + 3]
        if not near or ms[near[0]].kind not in STATE_KINDS or not can_act(trig, ms[near[0]]):
            continue
        if clause_break(tokens, k + 1, ms[near[0]].first_token):
            continue
        out.append(near[0])
    return out


def _cities_acting(tokens: Sequence[Token], trig: Trigger, sent: Sentence) -> list[int]:
    """Cities standing for their governments where only an actor can stand: the subject of
    a verb of speech or agreement ("اتهمت دمشق", "نفته موسكو", "طهران تحذر"), or a party
    ("اتفاق مع دمشق")."""
    if trig.cls not in VERBAL + TALKS:
        return []
    ms = sent.mentions
    out = []
    for i in sent.idx:
        m = ms[i]
        if m.kind != "settlement":
            continue
        subject = trig.pos == "verb" and (
            adjacent(tokens, trig.end, m.first_token) or m.end_token == trig.first
        )
        party = (
            trig.cls in TALKS
            and trig.end <= m.first_token <= trig.end + WINDOW
            and prev_word(tokens, m) in role_words()["with"] | role_words()["between"]
        )
        if (subject and not preceded_by_preposition(tokens, m)) or party:
            out.append(i)
    return out


def _sides(tokens: Sequence[Token], sent: Sentence, trig: Trigger) -> tuple[int, int] | None:
    """The two sides named after "بين": "اشتباكات بين الجيش والمسلحين"."""
    ms = sent.mentions
    actors = sent.actors()
    for k in range(trig.end, min(trig.end + 2 * WINDOW, len(tokens))):
        if tokens[k].norm not in role_words()["between"]:
            continue
        first = next((i for i in actors if ms[i].first_token == k + 1), None)
        if first is None:
            return None
        second = next(
            (
                i
                for i in actors
                if ms[first].end_token <= ms[i].first_token <= ms[first].end_token + 4
                and (attached(tokens, ms[i], "و") or tokens[ms[i].first_token - 1].norm == "و")
            ),
            None,
        )
        return (first, second) if second is not None else None
    return None


def _parties(
    tokens: Sequence[Token],
    trig: Trigger,
    sent: Sentence,
    actors: list[int],
    roles: list[tuple[str, int]],
) -> list[int]:
    """The other party of talks or an agreement: "اتفاق مع روسيا"."""
    ms = sent.mentions
    return [
        i
        for i in actors
        if trig.end <= ms[i].first_token <= trig.end + WINDOW
        and prev_word(tokens, ms[i]) in role_words()["with"]
        and ("agent", i) not in roles
    ][:1]


def _own_sources(trig: Trigger, sent: Sentence, sources: set[int]) -> set[int]:
    """The sources a verbal trigger introduces itself: "قال ترامب" is the statement's agent."""
    if trig.cls not in VERBAL:
        return set()
    ms = sent.mentions
    return {i for i in sources if 0 <= ms[i].first_token - trig.end <= SUBJECT_GAP}


def _mediators(tokens: Sequence[Token], sent: Sentence, trig: Trigger) -> list[int]:
    """Who sponsors talks or an agreement: "المفاوضات برعاية روسيا", "اتفاق بوساطة مصر"."""
    ms = sent.mentions
    for i in sent.actors():
        if not trig.end <= ms[i].first_token <= trig.end + 2 * WINDOW:
            continue
        if prev_word(tokens, ms[i]) in role_words()["sponsor"]:
            return conjuncts(tokens, sent, i)
    return []


def _addressee(
    tokens: Sequence[Token], trig: Trigger, sent: Sentence, actors: list[int], agent: int | None
) -> int | None:
    """To whom an appeal is made ("دعت الأمم المتحدة الحكومة السورية إلى", "ناشد المجلس
    الدول"), or a statement told ("قال المالكي لشبكة CNN"): the actor named right after the
    speaker, directly or with "ل"/"إلى"."""
    ms = sent.mentions
    start = ms[agent].end_token if agent is not None and ms[agent].first_token >= trig.end else 0
    start = max(start, trig.end)
    for i in actors:
        m = ms[i]
        if i == agent or not start <= m.first_token <= trig.end + WINDOW:
            continue
        if m.kind == "civilians":
            return None
        if not adjacent(tokens, start, m.first_token) and not _unnamed_speaker(
            tokens, trig, m, agent
        ):
            return None
        lam = attached(tokens, m, "ل")
        to = prev_word(tokens, m) in role_words()["to"]
        if trig.cls == "Statement":
            return i if (lam or to) and trig.pos == "verb" else None
        if lam or to or not preceded_by_preposition(tokens, m):
            return i
        return None
    return None


def _unnamed_speaker(tokens: Sequence[Token], trig: Trigger, m: Mention, agent: int | None) -> bool:
    """ "ودعا عباس الأمم المتحدة إلى", "حث مسؤول أممي إسرائيل على": a speaker the mentions
    do not name stands between the verb of an appeal and the actor asked to act, which "إلى"
    or "على" follows."""
    if trig.cls != "Appeal" or trig.pos != "verb" or agent is not None:
        return False
    if not 1 <= m.first_token - trig.end <= 3 or m.end_token >= len(tokens):
        return False
    words = range(trig.end, m.first_token)
    nxt = tokens[m.end_token].norm
    return all(tokens[k].is_word for k in words) and nxt in ("الي", "علي", "بان", "ب")


def _place(tokens: Sequence[Token], trig: Trigger, sent: Sentence, sources: set[int]) -> int | None:
    """The first specific place named after the trigger, else a town or region just before
    it, else a country after it or the most specific place before it. The dateline ("دبي، الإمارات (CNN)")
    is where the story was filed, not where it happened."""
    ms = sent.mentions
    places = [i for i in sent.places() if i not in sources and not _dateline(tokens, ms[i])]
    later = [i for i in places if trig.end <= ms[i].first_token <= trig.end + 2 * WINDOW]
    specific = [i for i in later if ms[i].kind != "country"]
    earlier = [i for i in places if ms[i].end_token <= trig.first]
    if specific:
        return specific[0]  # the first place named after the trigger
    near = [
        i
        for i in earlier
        if ms[i].kind != "country"
        and trig.first - ms[i].end_token <= 3
        and (in_words(prev_word(tokens, ms[i]), "locative") or attached(tokens, ms[i], "ب"))
    ]
    if near:
        return near[-1]  # "في مدينة صعدة، الضربات…": a town just before beats a country after
    if later:
        return later[0]
    if earlier:
        return min(earlier, key=lambda i: (PLACE_ORDER.get(ms[i].kind, 5), -ms[i].start))
    return None


def _dateline(tokens: Sequence[Token], m: Mention) -> bool:
    """Is the place in the dateline at the head of the article: "دبي، الإمارات العربية
    المتحدة (CNN)--"?"""
    if m.first_token > 8:
        return False
    opening = [t.norm for t in tokens[: min(len(tokens), 12)]]
    return (
        "(" in opening and opening.index("(") >= m.end_token and "،" in opening[: m.end_token + 1]
    )


def sources_of(tokens: Sequence[Token], sent: Sentence) -> set[int]:
    """Mentions introduced by a reporting verb ("أفاد المرصد", "نقلت سانا عن مصدر عسكري")."""
    out: set[int] = set()
    for i in sent.idx:
        m = sent.mentions[i]
        if m.kind not in ("organisation", "media", "person", "civilians", "government"):
            continue
        if is_counted(tokens, m):
            continue  # "أعلنت الوزارة عن مقتل ثلاثة فلسطينيين": the dead, not a source
        for k in range(max(0, m.first_token - 3), m.first_token):
            reporting = bool({s for s, _ in clitic_variants(tokens[k].norm)} & REPORTING)
            if reporting and (tokens[k].norm != "عن" or k == m.first_token - 1):
                out.add(i)  # "عن" only right before its source: "نقلت سانا عن مصدر"
                break
    for prev, i in zip(sent.idx, sent.idx[1:], strict=False):  # "قال مدير المرصد رامي عبد الرحمن"
        m, p = sent.mentions[i], sent.mentions[prev]
        if prev in out and m.kind == "person" and m.first_token - p.end_token <= 1:
            out.add(i)
    return out
