"""Who an article says did a violent act without telling it as the act's subject: the group
that claims it («أعلن تنظيم ولاية سيناء مسؤوليته عن هجوم بصواريخ») and the one an actor
accuses of it («اتهم المالكي الحوثيين بتنفيذ الهجوم», «حمّل عباس الجنود الإسرائيليين
مسؤولية سقوط قتلى»). The words are in ``kg/data/role_words.tsv`` (``responsibility``,
``charge``, ``accusation``)."""

from __future__ import annotations

from collections.abc import Sequence

from kg.clauses import WINDOW, clause_break, in_words, preceded_by_preposition
from kg.model import Token
from kg.triggers import Sentence, Trigger


def claimant(
    tokens: Sequence[Token], trig: Trigger, sent: Sentence, actors: list[int]
) -> int | None:
    """The subject of a claim or an admission of responsibility «عن» the act: «أعلن X
    مسؤوليته عن الهجوم», «اعترف X بمسؤوليته عن غارة»."""
    k = trig.first - 1
    if k < 1 or tokens[k].norm != "عن" or not in_words(tokens[k - 1].norm, "responsibility"):
        return None
    ms = sent.mentions
    before = [
        i
        for i in actors
        if k - 1 - WINDOW <= ms[i].end_token <= k - 1
        and not preceded_by_preposition(tokens, ms[i])
        and not clause_break(tokens, ms[i].end_token, k - 1)
    ]
    return before[-1] if before else None


def accused(
    tokens: Sequence[Token], trig: Trigger, sent: Sentence, actors: list[int]
) -> int | None:
    """The object of an accusation whose charge is the act: «اتهم X Y بتنفيذ الهجوم», «حمّل X
    Y مسؤولية سقوط قتلى» (Y did it). The accuser comes first, the accused second."""
    ms = sent.mentions
    verb = next(
        (k for k in range(trig.first - 1, max(-1, trig.first - 2 - 3 * WINDOW // 2), -1)
         if in_words(tokens[k].norm, "accusation")),
        None,
    )  # fmt: skip
    if verb is None or clause_break(tokens, verb + 1, trig.first):
        return None
    named = [
        i
        for i in actors
        if verb < ms[i].first_token and ms[i].end_token <= trig.first
        and not preceded_by_preposition(tokens, ms[i])
    ]  # fmt: skip
    # the accuser may be a title the mentions do not name («حمّل وزير الإعلام الحوثيين…»);
    # with neither, the accused is a pronoun told before («واتهمته بتنفيذ…»)
    untitled = verb + 1 < len(tokens) and in_words(tokens[verb + 1].norm, "title")
    if len(named) < 2 and not (named and untitled and ms[named[0]].first_token > verb + 1):
        return None
    blamed = named[1] if len(named) >= 2 else named[0]
    charged = trig.prefix.endswith("ب") or any(
        in_words(tokens[k].norm, "charge") for k in range(ms[blamed].end_token, trig.first)
    )
    return blamed if charged else None
