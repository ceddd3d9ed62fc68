"""Who was attacked, killed, arrested or acted upon: the target or victim of an event, from
the mentions after its trigger, a relative clause before it, or "تعرض ل" (underwent)."""

from __future__ import annotations

from collections.abc import Sequence

from kg.clauses import (
    ARMED_KINDS,
    NO_PATIENT,
    TERRITORY,
    VICTIM_CLASSES,
    VICTIM_KINDS,
    WINDOW,
    adjacent,
    clause_break,
    conjuncts,
    in_words,
    is_counted,
    preceded_by_marker,
    preceded_by_preposition,
    prev_word,
    relative_antecedent,
    trigger_between,
)
from kg.model import Mention, Token
from kg.triggers import Sentence, Trigger


def patients(
    tokens: Sequence[Token],
    trig: Trigger,
    sent: Sentence,
    actors: list[int],
    roles: list[tuple[str, int]],
) -> list[tuple[str, int]]:
    """Who was attacked, killed, arrested or acted upon: the first actor after the trigger,
    introduced by a target marker ("على", "ضد") or as the object of a verb."""
    if trig.cls in NO_PATIENT:
        return []
    ms = sent.mentions
    taken = {i for _, i in roles}
    antecedent = relative_antecedent(tokens, trig, sent, actors)
    if antecedent is not None and antecedent[0] != "agent" and antecedent[1] not in taken:
        role = antecedent[0]
        return [(role, k) for k in conjuncts(tokens, sent, antecedent[1])]
    victim_role = trig.cls in VICTIM_CLASSES
    if trig.pos == "verb" and _object_suffix(trig) and trig.cls in VICTIM_CLASSES:
        return []  # "اغتالته رصاصة قناص": the victim is the pronoun, told before
    if trig.cls == "Statement":
        return _accused(tokens, trig, sent, actors, taken)
    undergoer = _undergoer(tokens, trig, sent, actors, taken)
    if undergoer is not None:
        return [("victim" if victim_role else "target", undergoer)]
    # the object follows the subject when the subject follows the verb
    lo = max([trig.end] + [ms[i].end_token for i in taken if ms[i].first_token >= trig.end])
    after = [
        i
        for i in actors
        if trig.end <= ms[i].first_token
        and (
            ms[i].first_token <= lo + WINDOW
            or _far_target(tokens, trig, ms[i])
            or (ms[i].first_token <= lo + 2 * WINDOW and _from(tokens, trig, ms[i]))
        )
    ]
    for i in after:
        if i in taken or (ms[i].kind == "country" and not _fired_at(tokens, trig, ms[i])):
            continue  # a country is where it happened, not what was hit
        if clause_break(tokens, trig.end, ms[i].first_token) and not (
            is_counted(tokens, ms[i]) or victim_role
        ):
            break
        if victim_role and trigger_between(tokens, trig.end, ms[i].first_token):
            break  # "وقتل 58 متشددا في غارات للتحالف": the allies struck, they were not killed
        kind = ms[i].kind
        if kind == "civilians" and _nisba_adjective(tokens, trig, ms[i]):
            continue  # "قصفت المطار من منزل مدني": a civilian house, not civilians
        if victim_role or kind == "civilians":
            if kind in VICTIM_KINDS:
                return [("victim", k) for k in conjuncts(tokens, sent, i) + _among(tokens, sent, i)]
        elif (
            preceded_by_marker(tokens, ms[i])
            or _far_target(tokens, trig, ms[i])
            or trig.pos == "verb"
            or _instrumental(tokens, trig)
            or _from(tokens, trig, ms[i])
        ):
            return [("target", k) for k in conjuncts(tokens, sent, i)]
    if trig.cls == "Killing" and trig.pos == "verb":
        # the subject of a passive "قُتل" before it: "29 طفلا على الأقل قتلوا"
        before = [
            i for i in actors if trig.first - 4 <= ms[i].end_token <= trig.first and i not in taken
        ]
        if before and not clause_break(tokens, ms[before[-1]].end_token, trig.first):
            kind = ms[before[-1]].kind
            if kind == "person" or (kind in VICTIM_KINDS and is_counted(tokens, ms[before[-1]])):
                return [("victim", before[-1])]
    return []


def _among(tokens: Sequence[Token], sent: Sentence, i: int) -> list[int]:
    """Victims named as part of the dead just after them: "5 مدنيين بينهم طفلان"."""
    ms = sent.mentions
    end = ms[i].end_token
    return [
        k
        for k in sent.idx
        if ms[k].kind == "civilians"
        and end <= ms[k].first_token <= end + 4
        and any(in_words(tokens[j].norm, "among") for j in range(end, ms[k].first_token))
    ]


def _instrumental(tokens: Sequence[Token], trig: Trigger) -> bool:
    """Is the noun the means of a targeting verb before it ("استهدفه بالقصف المدفعي مواقع
    الميليشيات"), so that the noun after it is the target?"""
    return (
        trig.prefix.endswith("ب")
        and trig.first > 0
        and in_words(tokens[trig.first - 1].norm, "target_marker")
    )


def _far_target(tokens: Sequence[Token], trig: Trigger, m: Mention) -> bool:
    """A target named further on, introduced by a marker, with no other trigger between:
    "غارة جوية على قطاع غزة، الثلاثاء، مستهدفة حركتي حماس"."""
    if trig.cls in VICTIM_CLASSES or not _marked(tokens, m, trig.end, 2 * WINDOW):
        return False
    return not trigger_between(tokens, trig.end, m.first_token)


def _marked(tokens: Sequence[Token], m: Mention, lo: int, reach: int) -> bool:
    """Is the mention, at most ``reach`` tokens after ``lo``, what a target marker just before
    it introduces, with a noun between ("مستهدفة حركتي حماس", "على مواقع الحوثيين")?"""
    if m.first_token - lo > reach:
        return False
    for k in range(m.first_token - 1, max(lo - 1, m.first_token - 4), -1):
        norm = tokens[k].norm
        if in_words(norm, "target_marker"):
            return True
        if not tokens[k].is_word or in_words(norm, "preposition") or clause_break(tokens, k, k + 1):
            return False
    return False


def _undergoer(
    tokens: Sequence[Token], trig: Trigger, sent: Sentence, actors: list[int], taken: set[int]
) -> int | None:
    """Who undergoes the attack: "تعرضت القوات لإطلاق نار", "وتعرضها لهجوم"."""
    lam = trig.prefix.endswith("ل") or (trig.stem[:1] == "ل" and trig.stem[:2] != "ال")
    if not lam:
        return None
    ms = sent.mentions
    k = next(
        (k for k in range(trig.first - 1, max(-1, trig.first - 5), -1)
         if in_words(tokens[k].norm, "undergo")),
        None,
    )  # fmt: skip
    if k is None:
        return None
    after = [i for i in actors if k < ms[i].first_token < trig.first and i not in taken]
    if after and not tokens[k].norm.endswith(("ه", "ها", "هم", "هما")):
        return after[0]
    before = [
        i
        for i in actors
        if ms[i].end_token <= k
        and k - ms[i].end_token <= 6
        and not preceded_by_preposition(tokens, ms[i])
    ]
    return before[-1] if before and before[-1] not in taken else None


def _object_suffix(trig: Trigger) -> bool:
    """Does the verb carry its object as a pronoun ("اغتالته", "اعتقلتهم", "نفذتها")?"""
    return trig.end - trig.first == 1 and trig.stem.endswith(
        ("ته", "تها", "تهم", "وه", "وها", "وهم")
    )


def _nisba_adjective(tokens: Sequence[Token], trig: Trigger, m: Mention) -> bool:
    """Is a one-word civilians mention the adjective of the noun before it ("منزل مدني",
    "أهداف مدنية"), not people? Not after the trigger ("مقتل مدني") nor counted."""
    word = tokens[m.first_token].norm
    return (
        m.end_token - m.first_token == 1
        and not word.startswith("ال")
        and word.endswith(("ي", "يه"))
        and m.first_token - 1 >= trig.end
        and tokens[m.first_token - 1].is_word
        and not preceded_by_preposition(tokens, m)
        and not is_counted(tokens, m)
    )


def _accused(
    tokens: Sequence[Token], trig: Trigger, sent: Sentence, actors: list[int], taken: set[int]
) -> list[tuple[str, int]]:
    """Whom a statement accuses or blames, the object after its subject: "اتهم الوزير
    الولايات المتحدة بدعم المسلحين"."""
    if not in_words(tokens[trig.first].norm, "accusation"):
        return []
    ms = sent.mentions
    start = max([trig.end] + [ms[i].end_token for i in taken if ms[i].first_token >= trig.end])
    for i in actors:
        m = ms[i]
        if i in taken or m.first_token < start:
            continue
        if adjacent(tokens, start, m.first_token) and not preceded_by_preposition(tokens, m):
            return [("target", k) for k in conjuncts(tokens, sent, i)]
        return []
    return []


def _from(tokens: Sequence[Token], trig: Trigger, m: Mention) -> bool:
    """A place taken "من" a group: "استعادة المدينة من أيدي المسلحين", "من أيدي مسلحي
    قوات البيشمركة" (the head of the group may stand between)."""
    if trig.cls not in TERRITORY or m.kind not in ARMED_KINDS:
        return False
    k = m.first_token - 1
    if k >= 0 and in_words(tokens[k].norm, "partitive_head") and tokens[k].norm != "من":
        k -= 1
    if k < 0 or not in_words(tokens[k].norm, "from"):
        return False
    return not trigger_between(tokens, trig.end, m.first_token)


def _fired_at(tokens: Sequence[Token], trig: Trigger, m: Mention) -> bool:
    """A country a salvo is fired toward: "أطلقت صواريخ تجاه إسرائيل"."""
    return trig.cls in ("Shelling", "Attack") and in_words(prev_word(tokens, m), "toward")
