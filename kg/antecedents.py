"""The actor a possessive pronoun on a trigger noun refers back to: «وأيدت روسيا القرار بعد
أن تسببت اعتراضاتها في تأجيله» (Russia objected), «تعنت الحوثيين … ورفضهم المبادرات». For a
noun whose verb takes no direct object («رفض» aside, «دعوة», «انسحاب», «استيلاء على») the
pronoun names who acted, not who was acted upon («استهدافها» may be either)."""

from __future__ import annotations

from collections.abc import Sequence

from kg.clauses import TALKS, TERRITORY, VERBAL, WINDOW, can_act, preceded_by_preposition
from kg.model import Token
from kg.triggers import Sentence, Trigger

# who acts in the noun's own clause: talks, appeals, statements, refusals, withdrawals…
SUBJECT_NOUNS = (*VERBAL, *TALKS, "Withdrawal", "OffensiveAnnounced", "Protest", "AidDelivery")
# nouns of seizing whose object comes with «على»: «استيلائهم على الإيرادات»
SEIZING = ("Looting", *TERRITORY)
# what each suffix may refer to: «ها» a state or a body (feminine), «هم» a group of people
AGREES = {
    "ها": ("country", "government", "organisation", "state_force", "armed_group", "settlement"),
    "هم": ("armed_group", "state_force", "civilians", "government"),
    "هما": ("armed_group", "state_force", "country", "government", "person"),
}


def possessor(
    tokens: Sequence[Token], trig: Trigger, sent: Sentence, actors: list[int]
) -> int | None:
    """The nearest actor before a one-word trigger noun with a possessive suffix that the
    suffix agrees with, not one introduced by a preposition."""
    if trig.pos != "noun" or trig.end - trig.first != 1:
        return None
    suffix = next((s for s in ("هما", "هم", "ها") if trig.stem.endswith(s)), None)
    if suffix is None:
        return None
    seizing = trig.cls in SEIZING and trig.end < len(tokens) and tokens[trig.end].norm == "علي"
    if trig.cls not in SUBJECT_NOUNS and not seizing:
        return None
    ms = sent.mentions
    for i in reversed(actors):
        m = ms[i]
        if m.end_token > trig.first or trig.first - m.end_token > 3 * WINDOW:
            continue
        if m.kind in AGREES[suffix] and can_act(trig, m) and not preceded_by_preposition(tokens, m):
            return i
    return None
