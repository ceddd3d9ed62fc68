"""Who did it: the agent of an event from the clause around its trigger. A "by" phrase
(«نفذتها طائرات», «من قبل الجيش»), a claim or an accusation (``kg/blame.py``), the speaker
of a clause after «أنه», the antecedent of a relative clause, the subject of a verb (before
or after it, past a title: «أبلغ مندوب سوريا … بشار الجعفري»), the genitive of a noun
(«غارات التحالف»), an attack «من» a force, the subject of a light verb («شنت القوات
هجوما»), or the possessor of a suffixed noun (``kg/antecedents.py``). ``kg/roles.py`` puts
it together with the other roles."""

from __future__ import annotations

from collections.abc import Sequence

from kg.antecedents import possessor
from kg.blame import accused, claimant
from kg.clauses import (
    AGENT_KINDS,
    ARMED_KINDS,
    COMPLEMENT_GAP,
    STATE_KINDS,
    SUBJECT_GAP,
    TERRITORY,
    VERBAL,
    VICTIM_CLASSES,
    WINDOW,
    attached,
    can_act,
    clause_break,
    clause_initial,
    in_words,
    is_counted,
    noun_subject,
    preceded_by_preposition,
    prev_word,
    quote_break,
    readings_of,
    relative_antecedent,
    role_words,
    subject_gap,
)
from kg.event_merge import VIOLENT
from kg.mentions import clitic_variants
from kg.model import Mention, Token
from kg.precision import place_parts
from kg.triggers import Sentence, Trigger, count_nouns

__all__ = ["agent_of"]


def agent_of(
    tokens: Sequence[Token], trig: Trigger, sent: Sentence, actors: list[int]
) -> int | None:
    """The agent: a "by" phrase, the speaker of a "أنه" clause, the antecedent of a relative
    clause, the subject of a verb, the genitive of a noun or the subject of its light verb."""
    ms = sent.mentions
    after = [i for i in actors if trig.end <= ms[i].first_token <= trig.end + WINDOW]
    before = [i for i in actors if trig.first - WINDOW <= ms[i].end_token <= trig.first]
    for k in range(trig.end, min(trig.end + WINDOW, len(tokens))):  # "by" phrases
        if tokens[k].norm in role_words()["by"] or tokens[k].norm[1:] in role_words()["by"]:
            if any(
                in_words(tokens[j].norm, "complementizer") or tokens[j].norm in ("ان", "وان")
                for j in range(trig.end, k)
            ):
                break  # «اعتبرت دمشق أن الضربات التي نفذتها واشنطن…»: another noun's
            by = [i for i in after if ms[i].first_token > k and can_act(trig, ms[i])]
            if by:
                return by[0]
            break
    if trig.cls in VIOLENT or trig.cls in TERRITORY:
        blamed = claimant(tokens, trig, sent, actors)
        blamed = accused(tokens, trig, sent, actors) if blamed is None else blamed
        if blamed is not None and can_act(trig, ms[blamed]):
            return blamed
    speaker = _complement_speaker(tokens, trig, sent)
    if speaker is not None:
        return speaker
    if trig.cls == "Statement" and trig.pos == "noun":  # "وذكر البيت الأبيض في بيان"
        said = _speaker_before(tokens, sent, trig.first)
        if said is not None:
            return said
    antecedent = relative_antecedent(tokens, trig, sent, actors)
    if antecedent is not None:
        role, i = antecedent
        return i if role == "agent" else None
    if trig.pos == "verb":
        return _verb_agent(tokens, trig, sent, actors, after, before)
    if (
        after
        and ms[after[0]].first_token == _past_weapon(tokens, trig.end)
        and can_act(trig, ms[after[0]])
        and trig.cls not in VICTIM_CLASSES
        and not attached(tokens, ms[after[0]], "ب")  # "غارات للتحالف", not "الاعتراف بفلسطين"
    ):
        return after[0]  # genitive: "غارات التحالف", "قصف ميليشيات الحوثي"
    source = _agent_from(tokens, trig, sent, after)
    if source is not None:
        return source
    if (
        trig.cls == "Statement"
        and after
        and ms[after[0]].first_token == trig.end
        and attached(tokens, ms[after[0]], "ل")
    ):
        return after[0]  # "المؤتمر الصحفي للمالكي"
    if before and trig.cls != "Killing":
        # a light verb before the noun: "شنت القوات الحكومية هجوما", "أعلنت روسيا إرسال قافلة";
        # a death told by a noun ("مقتل", "قتلى") has its agent only in a "by" phrase: who
        # announces it is not its agent ("أعلن التنظيم مقتل أحد قادته")
        # an adjunct after the subject is passed over: «شنت مقاتلات التحالف العربي لدعم
        # الشرعية في اليمن، اليوم، غارات» (the subject, not «اليمن», shelled)
        last = next(
            (i for i in reversed(before) if not preceded_by_preposition(tokens, ms[i])),
            before[-1],
        )
        if last != before[-1] and prev_word(tokens, ms[last]) in place_parts():
            last = before[-1]  # «شمال شرق سوريا»: a place's part, not a subject
        if prev_word(tokens, ms[last]) in place_parts():
            return possessor(tokens, trig, sent, actors)
        if (
            can_act(trig, ms[last])
            and not preceded_by_preposition(tokens, ms[last])
            and not is_counted(tokens, ms[last])  # "قتل ثلاثمئة مسلح في غارة": the dead
            and not _spoken_of(tokens, trig, ms[last])
            and not clause_break(tokens, ms[last].end_token, trig.first)
            and not quote_break(tokens, ms[last].end_token, trig.first)
            and not any(
                in_words(tokens[k].norm, "object_break")
                and not (tokens[k].norm == "عن" and _announced(tokens, ms[last], k))
                for k in range(ms[last].end_token, trig.first)
            )  # "أعلن الجيش عن تنفيذ غارات", but not "رفعت السلطات السرية عن الغارة"
            and not in_words(
                tokens[trig.first].norm[: len(trig.prefix)] + trig.stem, "object_break"
            )
        ):
            return last
    return possessor(tokens, trig, sent, actors)


def _spoken_of(tokens: Sequence[Token], trig: Trigger, m: Mention) -> bool:
    """Is the noun, with «ب», what the mention's verb of speech condemns, welcomes or admits
    («ندد خامنئي بالضربات», «رحبت الخارجية التركية بالضربات»)? Not a light verb («قام الجيش
    بقصف»)."""
    if not trig.prefix.endswith("ب"):
        return False
    around = [*range(max(0, m.first_token - 7), m.first_token), *range(m.end_token, trig.first)]
    return any(
        cls in VERBAL and pos == "verb"
        for k in around
        for stem, _ in clitic_variants(tokens[k].norm)
        for cls, pos, _ in readings_of(stem)
    )


def _agent_from(
    tokens: Sequence[Token], trig: Trigger, sent: Sentence, after: list[int]
) -> int | None:
    """An attack "من" a state or armed group: "إطلاق نار من القوات التركية", "بإسناد جوي من
    طائرات التحالف". Not a count ("30 عنصرا من الحوثيين") nor a place taken from them."""
    if trig.cls in VICTIM_CLASSES or trig.cls in TERRITORY or trig.cls not in VIOLENT:
        return None
    ms = sent.mentions
    for i in after:
        m = ms[i]
        if m.first_token - trig.end > COMPLEMENT_GAP or m.kind not in STATE_KINDS:
            continue
        if prev_word(tokens, m) != "من" or clause_break(tokens, trig.end, m.first_token):
            continue
        if any(not tokens[k].is_word for k in range(trig.end, m.first_token)):
            continue  # «بالضربات، قللت كل من السلطات…»: another clause
        before_from = tokens[m.first_token - 2].norm if m.first_token >= 2 else ""
        if before_from[-1:].isdigit() or is_counted(tokens, m) or before_from in count_nouns():
            continue
        return i
    return None


def _past_weapon(tokens: Sequence[Token], k: int) -> int:
    """The token after the aircraft or guns a strike names before their owner, and a hashtag
    sign: «غارات لمقاتلات #التحالف_العربي» (the coalition's)."""
    if k < len(tokens) and tokens[k].norm[:1] == "ل" and in_words(tokens[k].norm[1:], "instrument"):
        k += 1
        while k < len(tokens) and tokens[k].norm in ("#", "_"):
            k += 1
    return k


def _announced(tokens: Sequence[Token], m: Mention, k: int) -> bool:
    """Is "عن" at ``k`` the "about" of an announcing verb of the mention: "أعلن الجيش عن
    تنفيذ غارات", "إسرائيل تعلن عن غارات"?"""
    verb = any(
        in_words(tokens[j].norm, "reporting") or in_words(tokens[j].norm, "speech")
        for j in [*range(max(0, m.first_token - 2), m.first_token), *range(m.end_token, k)]
        if tokens[j].norm != "عن"
    )
    between = all(
        not tokens[j].is_word
        or in_words(tokens[j].norm, "subject_gap")
        or in_words(tokens[j].norm, "reporting")
        or in_words(tokens[j].norm, "speech")
        for j in range(m.end_token, k)
    )
    return verb and between


def _verb_agent(
    tokens: Sequence[Token],
    trig: Trigger,
    sent: Sentence,
    actors: list[int],
    after: list[int],
    before: list[int],
) -> int | None:
    """The subject of a verb: right after it (a time word or a comma may stand between: "ندد
    الوزير بقتل المدنيين" has no subject among its mentions), or before it ("القوات التركية
    سيطرت"). "قتل" is read as the passive "قُتل" unless an armed subject with an object
    follows; a counted noun before it is its victim ("40 مسلحاً قتلوا")."""
    ms = sent.mentions
    if noun_subject(tokens, trig, sent):
        return None  # "غارات عدة استهدفت أعضاء التنظيم": the strikes targeted the group
    direct = [
        i
        for i in after
        if not preceded_by_preposition(tokens, ms[i])
        and ms[i].first_token - trig.end <= SUBJECT_GAP * (2 if ms[i].kind == "person" else 1)
        and subject_gap(tokens, trig.end, ms[i], sent)
    ]
    if direct and trig.cls in VERBAL:
        direct = [_titled_person(tokens, sent, direct[0]), *direct]
    if before:
        first = before[-1]  # a subject before its verb: "إسرائيل تتهم إيران", "طهران تحذر"
        if (
            ms[first].end_token == trig.first
            and clause_initial(tokens, ms[first])
            and can_act(trig, ms[first])
            and not (trig.cls == "Killing" and ms[first].kind not in ARMED_KINDS)
        ):
            return first
    killing = trig.cls == "Killing"
    armed_subject = bool(direct) and ms[direct[0]].kind in ARMED_KINDS and len(direct) > 1
    if direct and can_act(trig, ms[direct[0]]) and (not killing or armed_subject):
        return direct[0]
    if before and not trig.prefix.startswith("و"):
        # a verb that carries «و» starts a clause of its own: the noun before it ends the
        # clause before («قضت وحدات الجيش على الإرهابيين ودمرت مقراتهم»)
        last = before[-1]
        # a passive "قُتل" after its subject: "أبو حمزة المقدسي، وقد قتل مؤخرا"
        counted = killing and (is_counted(tokens, ms[last]) or ms[last].kind not in ARMED_KINDS)
        if (
            can_act(trig, ms[last])
            and not preceded_by_preposition(tokens, ms[last])
            and not counted
            and not clause_break(tokens, ms[last].end_token, trig.first)
            and not quote_break(tokens, ms[last].end_token, trig.first)
        ):
            return last
    return None


def _titled_person(tokens: Sequence[Token], sent: Sentence, i: int) -> int:
    """The person a title names when the body it serves comes first: «أبلغ مندوب سوريا لدى
    الأمم المتحدة بشار الجعفري», «كتبت الناطقة باسم الوزارة ماريا زاخاروفا»: the envoy
    speaks, not Syria."""
    ms = sent.mentions
    k = ms[i].first_token - 1
    if (
        ms[i].kind == "person"
        or k < 0
        or not (in_words(tokens[k].norm, "title") or in_words(tokens[k].norm, "source_noun"))
    ):
        return i
    for j in sent.idx:
        m = ms[j]
        if m.kind != "person" or not 0 <= m.first_token - ms[i].end_token <= 5:
            continue
        if preceded_by_preposition(tokens, m) or m.method == "title":
            return i  # a name read off the words after a title may be a phrase («بتدخل دولي»)
        between = range(ms[i].end_token, m.first_token)
        if clause_break(tokens, ms[i].end_token, m.first_token) or any(
            not tokens[t].is_word and tokens[t].norm != "،" for t in between
        ):
            return i
        return j
    return i


def _complement_speaker(tokens: Sequence[Token], trig: Trigger, sent: Sentence) -> int | None:
    """ "أعلن الجيش الأميركي أنه شن غارة", "قالت الوزارة إنها قامت بـ30 غارة": the clause
    after "أنه" has the speaker as its subject when no other subject stands in it."""
    ms = sent.mentions
    k = next(
        (
            k
            for k in range(trig.first - 1, max(-1, trig.first - 1 - COMPLEMENT_GAP), -1)
            if in_words(tokens[k].norm, "complementizer")
        ),
        None,
    )
    if k is None or any(k < ms[i].first_token < trig.first for i in sent.idx):
        return None
    speaker = _speaker_before(tokens, sent, k)
    if speaker is None:
        return None
    violent = trig.cls in VIOLENT or trig.cls in TERRITORY or trig.cls == "OffensiveAnnounced"
    if violent and ms[speaker].kind not in STATE_KINDS:
        return None  # "قال المرصد إنه قتل…": the observatory reports, it does not fight
    return speaker


def _speaker_before(tokens: Sequence[Token], sent: Sentence, k: int) -> int | None:
    """The subject of the reporting verb nearest before token ``k``."""
    ms = sent.mentions
    for v in range(k - 1, max(-1, k - 1 - WINDOW - SUBJECT_GAP), -1):
        norm = tokens[v].norm
        if not (in_words(norm, "reporting") or in_words(norm, "speech")) or norm in (
            "عن",
            "بحسب",
            "حسب",
        ):
            continue
        subject = [
            i
            for i in sent.idx
            if v < ms[i].first_token < k
            and ms[i].first_token - v <= SUBJECT_GAP
            and ms[i].kind not in ("media", "civilians")
            and (ms[i].kind in AGENT_KINDS or ms[i].kind == "country")
            and (not preceded_by_preposition(tokens, ms[i]) or _spokesman(tokens, ms[i]))
        ]
        return subject[0] if subject else None
    return None


def _spokesman(tokens: Sequence[Token], m: Mention) -> bool:
    """Does the group speak through a person or a source named before it: "قالت مصادر في
    وحدات حماية الشعب", "قال المتحدث باسم الجيش"?"""
    k = m.first_token - 1
    if k >= 0 and attached(tokens, m, "بل"):
        k = m.first_token  # "مصادر بالجيش"
    return any(in_words(tokens[j].norm, "source_noun") for j in range(max(0, k - 2), k))
