"""Event roles from Arabic clause structure: agent, target or victim, mediator, addressee,
the reporting source, and the place, read from the mentions around a trigger.

The words the rules look for (reporting verbs, "by" phrases, prepositions, relative pronouns,
complementisers…) are in ``kg/data/role_words.tsv``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from kg.arabic import normalise
from kg.event_merge import VIOLENT
from kg.mentions import clitic_variants
from kg.model import Mention, Token
from kg.triggers import Sentence, Trigger, count_nouns, rows, trigger_lexicon


@lru_cache(maxsize=1)
def role_words() -> dict[str, frozenset[str]]:
    """Word set name -> normalised forms (``kg/data/role_words.tsv``)."""
    out: dict[str, set[str]] = {}
    for row in rows("role_words.tsv"):
        out.setdefault(row["set"], set()).update(normalise(w) for w in row["forms"].split("|"))
    return {name: frozenset(words) for name, words in out.items()}


REPORTING = role_words()["reporting"]
AGENT_KINDS = ("state_force", "armed_group", "government", "person", "organisation", "country")
ARMED_KINDS = ("state_force", "armed_group")
STATE_KINDS = ("state_force", "armed_group", "government", "country")
VICTIM_KINDS = ("civilians", "person", "armed_group", "state_force")
VICTIM_CLASSES = ("Killing", "AttackOnCivilians", "Arrest", "Abduction")
TALKS = ("Negotiation", "Agreement")
VERBAL = ("Statement", "Appeal", "Rejection")
SIDED = ("Attack", "ArmedClash")  # fighting between two sides
TERRITORY = ("TakeControl", "GovernmentRegainsTerritory", "NonStateActorTakesTerritory")
NO_PATIENT = ("Withdrawal", "Rejection", "Appeal", "Protest", "Negotiation", "Agreement")
PLACE_ORDER = {"facility": 0, "neighbourhood": 1, "settlement": 2, "region": 3, "country": 4}
WINDOW = 8  # tokens around a trigger in which roles and figures are sought
SUBJECT_GAP = 4  # tokens at most between a verb and its subject
COMPLEMENT_GAP = 4  # tokens at most between "أنه" and the trigger of its clause


@lru_cache(maxsize=65_536)
def _in(norm: str, name: str) -> bool:
    """Is the word, with or without its proclitics, in the word set ``name``?"""
    words = role_words()[name]
    return norm in words or any(stem in words for stem, _ in clitic_variants(norm))


@lru_cache(maxsize=65_536)
def _verb_trigger(norm: str) -> bool:
    """Is the word a verb of the trigger lexicon ("قتلت", "وأطلقوا")?"""
    lex = trigger_lexicon()
    return any(lex.get((stem,), ("", ""))[1] == "verb" for stem, _ in clitic_variants(norm))


def _attached(tokens: Sequence[Token], m: Mention, letters: str) -> bool:
    """Does the mention start after a proclitic of ``letters`` in its first token ("لشبكة")?"""
    tok = tokens[m.first_token]
    return m.start > tok.start and tok.norm[:1] in letters


def _preceded_by_preposition(tokens: Sequence[Token], mention: Mention) -> bool:
    return _prev_word(tokens, mention) in role_words()["preposition"] or _attached(
        tokens, mention, "بل"
    )


def _prev_word(tokens: Sequence[Token], m: Mention) -> str:
    """The word before the mention, past a hashtag sign ("ضد #حركة_الشباب")."""
    k = m.first_token - 1
    while k >= 0 and tokens[k].norm in ("#", "_"):
        k -= 1
    return tokens[k].norm if k >= 0 else ""


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
    agent = _agent(tokens, trig, sent, actors)
    if sides is not None and trig.cls in SIDED and agent not in sides:
        agent = sides[0]
    roles = [("agent", i) for i in _conjuncts(tokens, sent, agent)] if agent is not None else []
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
    roles += _patients(tokens, trig, sent, actors, roles)
    return roles, _place(tokens, trig, sent, sources)


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
            _adjacent(tokens, trig.end, m.first_token) or m.end_token == trig.first
        )
        party = (
            trig.cls in TALKS
            and trig.end <= m.first_token <= trig.end + WINDOW
            and _prev_word(tokens, m) in role_words()["with"] | role_words()["between"]
        )
        if (subject and not _preceded_by_preposition(tokens, m)) or party:
            out.append(i)
    return out


def _can_act(trig: Trigger, m: Mention) -> bool:
    violent = trig.cls in VIOLENT or trig.cls in TERRITORY
    return m.kind in AGENT_KINDS if violent else m.kind != "media"


def _agent(tokens: Sequence[Token], trig: Trigger, sent: Sentence, actors: list[int]) -> int | None:
    """The agent: a "by" phrase, the speaker of a "أنه" clause, the antecedent of a relative
    clause, the subject of a verb, the genitive of a noun or the subject of its light verb."""
    ms = sent.mentions
    after = [i for i in actors if trig.end <= ms[i].first_token <= trig.end + WINDOW]
    before = [i for i in actors if trig.first - WINDOW <= ms[i].end_token <= trig.first]
    for k in range(trig.end, min(trig.end + WINDOW, len(tokens))):  # "by" phrases
        if tokens[k].norm in role_words()["by"] or tokens[k].norm[1:] in role_words()["by"]:
            by = [i for i in after if ms[i].first_token > k and _can_act(trig, ms[i])]
            if by:
                return by[0]
            break
    speaker = _complement_speaker(tokens, trig, sent)
    if speaker is not None:
        return speaker
    if trig.cls == "Statement" and trig.pos == "noun":  # "وذكر البيت الأبيض في بيان"
        said = _speaker_before(tokens, sent, trig.first)
        if said is not None:
            return said
    antecedent = _antecedent(tokens, trig, sent, actors)
    if antecedent is not None:
        role, i = antecedent
        return i if role == "agent" else None
    if trig.pos == "verb":
        return _verb_agent(tokens, trig, sent, actors, after, before)
    if (
        after
        and ms[after[0]].first_token == trig.end
        and _can_act(trig, ms[after[0]])
        and trig.cls not in VICTIM_CLASSES
        and not _attached(tokens, ms[after[0]], "ب")  # "غارات للتحالف", not "الاعتراف بفلسطين"
    ):
        return after[0]  # genitive: "غارات التحالف", "قصف ميليشيات الحوثي"
    source = _agent_from(tokens, trig, sent, after)
    if source is not None:
        return source
    if (
        trig.cls == "Statement"
        and after
        and ms[after[0]].first_token == trig.end
        and _attached(tokens, ms[after[0]], "ل")
    ):
        return after[0]  # "المؤتمر الصحفي للمالكي"
    if before and trig.cls != "Killing":
        # a light verb before the noun: "شنت القوات الحكومية هجوما", "أعلنت روسيا إرسال قافلة";
        # a death told by a noun ("مقتل", "قتلى") has its agent only in a "by" phrase: who
        # announces it is not its agent ("أعلن التنظيم مقتل أحد قادته")
        last = before[-1]
        if (
            _can_act(trig, ms[last])
            and not _preceded_by_preposition(tokens, ms[last])
            and not _clause_break(tokens, ms[last].end_token, trig.first)
            and not _quote_break(tokens, ms[last].end_token, trig.first)
            and not any(
                _in(tokens[k].norm, "object_break")
                and not (tokens[k].norm == "عن" and _announced(tokens, ms[last], k))
                for k in range(ms[last].end_token, trig.first)
            )  # "أعلن الجيش عن تنفيذ غارات", but not "رفعت السلطات السرية عن الغارة"
            and not _in(tokens[trig.first].norm[: len(trig.prefix)] + trig.stem, "object_break")
        ):
            return last
    return None


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
        if _prev_word(tokens, m) != "من" or _clause_break(tokens, trig.end, m.first_token):
            continue
        before_from = tokens[m.first_token - 2].norm if m.first_token >= 2 else ""
        if before_from[-1:].isdigit() or _counted(tokens, m) or before_from in count_nouns():
            continue
        return i
    return None


def _announced(tokens: Sequence[Token], m: Mention, k: int) -> bool:
    """Is "عن" at ``k`` the "about" of an announcing verb of the mention: "أعلن الجيش عن
    تنفيذ غارات", "إسرائيل تعلن عن غارات"?"""
    verb = any(
        _in(tokens[j].norm, "reporting") or _in(tokens[j].norm, "speech")
        for j in [*range(max(0, m.first_token - 2), m.first_token), *range(m.end_token, k)]
        if tokens[j].norm != "عن"
    )
    between = all(
        not tokens[j].is_word
        or _in(tokens[j].norm, "subject_gap")
        or _in(tokens[j].norm, "reporting")
        or _in(tokens[j].norm, "speech")
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
    if _noun_subject(tokens, trig, sent):
        return None  # "غارات عدة استهدفت أعضاء التنظيم": the strikes targeted the group
    direct = [
        i
        for i in after
        if not _preceded_by_preposition(tokens, ms[i])
        and ms[i].first_token - trig.end <= SUBJECT_GAP
        and _subject_gap(tokens, trig.end, ms[i], sent)
    ]
    if before:
        first = before[-1]  # a subject before its verb: "إسرائيل تتهم إيران", "طهران تحذر"
        if (
            ms[first].end_token == trig.first
            and _clause_initial(tokens, ms[first])
            and _can_act(trig, ms[first])
            and not (trig.cls == "Killing" and ms[first].kind not in ARMED_KINDS)
        ):
            return first
    killing = trig.cls == "Killing"
    armed_subject = bool(direct) and ms[direct[0]].kind in ARMED_KINDS and len(direct) > 1
    if direct and _can_act(trig, ms[direct[0]]) and (not killing or armed_subject):
        return direct[0]
    if before:
        last = before[-1]
        # a passive "قُتل" after its subject: "أبو حمزة المقدسي، وقد قتل مؤخرا"
        counted = killing and (_counted(tokens, ms[last]) or ms[last].kind not in ARMED_KINDS)
        if (
            _can_act(trig, ms[last])
            and not _preceded_by_preposition(tokens, ms[last])
            and not counted
            and not _clause_break(tokens, ms[last].end_token, trig.first)
            and not _quote_break(tokens, ms[last].end_token, trig.first)
        ):
            return last
    return None


def _noun_subject(tokens: Sequence[Token], trig: Trigger, sent: Sentence) -> bool:
    """Is the verb's subject a noun of the lexicon just before it, with no actor between
    ("غارات عدة استهدفت", "الصواريخ التي أطلقت")?"""
    lex = trigger_lexicon()
    ms = sent.mentions
    for k in range(trig.first - 1, max(-1, trig.first - 4), -1):
        if any(ms[i].first_token <= k < ms[i].end_token for i in sent.idx):
            return False
        if any(
            lex.get((stem,), ("", ""))[1] == "noun" for stem, _ in clitic_variants(tokens[k].norm)
        ):
            return True
        if not tokens[k].is_word:
            return False
    return False


def _clause_initial(tokens: Sequence[Token], m: Mention) -> bool:
    """Does the mention start a clause: the first word, after punctuation or a conjunction,
    "أن" or "لكن"?"""
    if m.first_token == 0 or not tokens[m.first_token - 1].is_word:
        return True
    if _attached(tokens, m, "و"):
        return True
    return tokens[m.first_token - 1].norm in role_words()["clause_start"]


def _subject_gap(tokens: Sequence[Token], lo: int, m: Mention, sent: Sentence) -> bool:
    """May the words between a verb (ending at ``lo``) and the mention stand before its
    subject? Time words, punctuation, a title before a person ("قال الرئيس الفلسطيني محمود
    عباس"), the head of a group ("اعتقل عناصر من جبهة فتح الشام"); not another noun ("حث
    مسؤول أممي إسرائيل": the subject is the official, Israel the object)."""
    named = {
        k
        for i in sent.idx
        for k in range(sent.mentions[i].first_token, sent.mentions[i].end_token)
        if lo <= k < m.first_token
    }
    titled = False
    for k in range(lo, m.first_token):
        norm = tokens[k].norm
        if not tokens[k].is_word or any(
            _in(norm, name)
            for name in ("subject_gap", "partitive_head", "resumptive", "instrument")
        ):
            continue
        if _in(norm, "title") or _in(norm, "source_noun"):
            titled = True
            continue  # "قال وزير الخارجية الروسي", "قال المتحدث باسم الجيش"
        if titled and norm.startswith("ال"):
            continue  # "طالب المتحدث الرسمي باسم الحكومة"
        if m.kind == "person" and (norm.startswith("ال") or k in named):
            continue  # "طالب الأمين العام للأمم المتحدة أنطونيو غوتيريش"
        return False
    return True


def _clause_break(tokens: Sequence[Token], lo: int, hi: int) -> bool:
    """Does another clause start between tokens [lo, hi): a verb of the lexicon, or "أن"?"""
    for k in range(lo, hi):
        norm = tokens[k].norm
        if _verb_trigger(norm) or _in(norm, "complementizer") or norm in ("ان", "وان", "بان"):
            return True
    return False


def _quote_break(tokens: Sequence[Token], lo: int, hi: int) -> bool:
    """Does a quotation or a colon open between tokens [lo, hi) with words after it ("قال
    رامي: "هناك مباحثات"")? A closing quote right after a name ("«جيش الإسلام» هجوما") does
    not."""
    for k in range(lo, hi):
        if tokens[k].norm in role_words()["quote"] and any(
            tokens[j].is_word for j in range(k + 1, hi)
        ):
            return True
    return False


def _counted(tokens: Sequence[Token], m: Mention) -> bool:
    """Is the mention counted by a figure just before it ("40 مسلحاً", "ثلاثة مدنيين")?"""
    from kg.numbers import NUMBER_WORDS

    k = m.first_token - 1
    while k >= 0 and k >= m.first_token - 3:
        norm = tokens[k].norm
        if norm[-1:].isdigit() or norm in NUMBER_WORDS:
            return True
        if norm not in ("من", "الاف", "الف", "مئات", "عشرات"):
            return False
        k -= 1
    return False


def _complement_speaker(tokens: Sequence[Token], trig: Trigger, sent: Sentence) -> int | None:
    """ "أعلن الجيش الأميركي أنه شن غارة", "قالت الوزارة إنها قامت بـ30 غارة": the clause
    after "أنه" has the speaker as its subject when no other subject stands in it."""
    ms = sent.mentions
    k = next(
        (
            k
            for k in range(trig.first - 1, max(-1, trig.first - 1 - COMPLEMENT_GAP), -1)
            if _in(tokens[k].norm, "complementizer")
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
        if not (_in(norm, "reporting") or _in(norm, "speech")) or norm in ("عن", "بحسب", "حسب"):
            continue
        subject = [
            i
            for i in sent.idx
            if v < ms[i].first_token < k
            and ms[i].first_token - v <= SUBJECT_GAP
            and ms[i].kind not in ("media", "civilians")
            and (ms[i].kind in AGENT_KINDS or ms[i].kind == "country")
            and (not _preceded_by_preposition(tokens, ms[i]) or _spokesman(tokens, ms[i]))
        ]
        return subject[0] if subject else None
    return None


def _spokesman(tokens: Sequence[Token], m: Mention) -> bool:
    """Does the group speak through a person or a source named before it: "قالت مصادر في
    وحدات حماية الشعب", "قال المتحدث باسم الجيش"?"""
    k = m.first_token - 1
    if k >= 0 and _attached(tokens, m, "بل"):
        k = m.first_token  # "مصادر بالجيش"
    return any(_in(tokens[j].norm, "source_noun") for j in range(max(0, k - 2), k))


def _antecedent(
    tokens: Sequence[Token], trig: Trigger, sent: Sentence, actors: list[int]
) -> tuple[str, int] | None:
    """The noun a relative clause hangs on ("الحوثيين الذين أطلقوا صاروخا"), with its role:
    the subject of the clause's verb, or its object when a pronoun takes it up again
    ("وحدات حماية الشعب التي يشن عليها الجيش حملة")."""
    ms = sent.mentions
    rel = next(
        (k for k in range(trig.first - 1, max(-1, trig.first - 4), -1)
         if tokens[k].norm in role_words()["relative"]),
        None,
    )  # fmt: skip
    if rel is None:
        return None
    if any(tokens[k].norm in role_words()["preposition"] for k in range(rel + 1, trig.first)):
        return None  # "العدناني الذي قتل في غارة": the strike is an adjunct of the killing
    head = [i for i in actors if rel - 2 <= ms[i].end_token <= rel]
    if not head:
        return None
    i = head[-1]
    resumed = any(
        tokens[k].norm in role_words()["resumptive"]
        for k in range(trig.end, min(trig.end + 2, len(tokens)))
    ) or (trig.pos == "verb" and (trig.stem[-1:] == "ه" or trig.stem[-2:] in ("ها", "هم")))
    if resumed:
        return ("target", i)
    if trig.cls == "Killing" and trig.pos == "verb":
        return ("victim", i)  # "محمد سرور الذي قُتل"
    return ("agent", i) if _can_act(trig, ms[i]) else None


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
                and (_attached(tokens, ms[i], "و") or tokens[ms[i].first_token - 1].norm == "و")
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
        and _prev_word(tokens, ms[i]) in role_words()["with"]
        and ("agent", i) not in roles
    ][:1]


def _own_sources(trig: Trigger, sent: Sentence, sources: set[int]) -> set[int]:
    """The sources a verbal trigger introduces itself: "قال ترامب" is the statement's agent."""
    if trig.cls not in VERBAL:
        return set()
    ms = sent.mentions
    return {i for i in sources if 0 <= ms[i].first_token - trig.end <= SUBJECT_GAP}


def _patients(
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
    antecedent = _antecedent(tokens, trig, sent, actors)
    if antecedent is not None and antecedent[0] != "agent" and antecedent[1] not in taken:
        role = antecedent[0]
        return [(role, k) for k in _conjuncts(tokens, sent, antecedent[1])]
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
        and (ms[i].first_token <= lo + WINDOW or _far_target(tokens, trig, ms[i]))
    ]
    for i in after:
        if i in taken or ms[i].kind == "country":
            continue  # a country is where it happened, not what was hit
        if _clause_break(tokens, trig.end, ms[i].first_token) and not (
            _counted(tokens, ms[i]) or victim_role
        ):
            break
        if victim_role and _trigger_between(tokens, trig.end, ms[i].first_token):
            break  # "وقتل 58 متشددا في غارات للتحالف": the allies struck, they were not killed
        kind = ms[i].kind
        if kind == "civilians" and _nisba_adjective(tokens, trig, ms[i]):
            continue  # "قصفت المطار من منزل مدني": a civilian house, not civilians
        if victim_role or kind == "civilians":
            if kind in VICTIM_KINDS:
                return [
                    ("victim", k) for k in _conjuncts(tokens, sent, i) + _among(tokens, sent, i)
                ]
        elif (
            _preceded_by_marker(tokens, ms[i])
            or _far_target(tokens, trig, ms[i])
            or trig.pos == "verb"
            or _instrumental(tokens, trig)
            or _from(tokens, trig, ms[i])
        ):
            return [("target", k) for k in _conjuncts(tokens, sent, i)]
    if trig.cls == "Killing" and trig.pos == "verb":
        # the subject of a passive "قُتل" before it: "29 طفلا على الأقل قتلوا"
        before = [
            i for i in actors if trig.first - 4 <= ms[i].end_token <= trig.first and i not in taken
        ]
        if before and not _clause_break(tokens, ms[before[-1]].end_token, trig.first):
            kind = ms[before[-1]].kind
            if kind == "person" or (kind in VICTIM_KINDS and _counted(tokens, ms[before[-1]])):
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
        and any(_in(tokens[j].norm, "among") for j in range(end, ms[k].first_token))
    ]


def _instrumental(tokens: Sequence[Token], trig: Trigger) -> bool:
    """Is the noun the means of a targeting verb before it ("استهدفه بالقصف المدفعي مواقع
    الميليشيات"), so that the noun after it is the target?"""
    return (
        trig.prefix.endswith("ب")
        and trig.first > 0
        and _in(tokens[trig.first - 1].norm, "target_marker")
    )


def _far_target(tokens: Sequence[Token], trig: Trigger, m: Mention) -> bool:
    """A target named further on, introduced by a marker, with no other trigger between:
    "غارة جوية على قطاع غزة، الثلاثاء، مستهدفة حركتي حماس"."""
    if trig.cls in VICTIM_CLASSES or not _marked(tokens, m, trig.end, 2 * WINDOW):
        return False
    return not _trigger_between(tokens, trig.end, m.first_token)


def _trigger_between(tokens: Sequence[Token], lo: int, hi: int) -> bool:
    """Is a word of the trigger lexicon (not a target marker, nor a wound) in [lo, hi)?"""
    lex = trigger_lexicon()
    return any(
        any(
            lex.get((stem,), ("Injury",))[0] not in ("Injury", "NonEvent")
            for stem, _ in clitic_variants(tokens[k].norm)
        )
        and not _in(tokens[k].norm, "target_marker")
        for k in range(lo, hi)
    )  # "مقتل وجرح العشرات": a wound is told with the death, not another happening


def _marked(tokens: Sequence[Token], m: Mention, lo: int, reach: int) -> bool:
    """Is the mention, at most ``reach`` tokens after ``lo``, what a target marker just before
    it introduces, with a noun between ("مستهدفة حركتي حماس", "على مواقع الحوثيين")?"""
    if m.first_token - lo > reach:
        return False
    for k in range(m.first_token - 1, max(lo - 1, m.first_token - 4), -1):
        norm = tokens[k].norm
        if _in(norm, "target_marker"):
            return True
        if not tokens[k].is_word or _in(norm, "preposition") or _clause_break(tokens, k, k + 1):
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
         if _in(tokens[k].norm, "undergo")),
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
        and not _preceded_by_preposition(tokens, ms[i])
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
        and not _preceded_by_preposition(tokens, m)
        and not _counted(tokens, m)
    )


def _accused(
    tokens: Sequence[Token], trig: Trigger, sent: Sentence, actors: list[int], taken: set[int]
) -> list[tuple[str, int]]:
    """Whom a statement accuses or blames, the object after its subject: "اتهم الوزير
    الولايات المتحدة بدعم المسلحين"."""
    if not _in(tokens[trig.first].norm, "accusation"):
        return []
    ms = sent.mentions
    start = max([trig.end] + [ms[i].end_token for i in taken if ms[i].first_token >= trig.end])
    for i in actors:
        m = ms[i]
        if i in taken or m.first_token < start:
            continue
        if _adjacent(tokens, start, m.first_token) and not _preceded_by_preposition(tokens, m):
            return [("target", k) for k in _conjuncts(tokens, sent, i)]
        return []
    return []


def _from(tokens: Sequence[Token], trig: Trigger, m: Mention) -> bool:
    """A place taken "من" a group: "استعادة المدينة من أيدي المسلحين"."""
    return trig.cls in TERRITORY and m.kind in ARMED_KINDS and _in(_prev_word(tokens, m), "from")


def _conjuncts(tokens: Sequence[Token], sent: Sentence, i: int) -> list[int]:
    """The mention and the actors coordinated with it by "و": "ووجهت الولايات المتحدة
    وبريطانيا وفرنسا ضربات" has three agents."""
    ms, order = sent.mentions, sent.idx
    actors = set(sent.actors())
    before = tokens[ms[i].first_token - 1].norm if ms[i].first_token > 0 else ""
    if i not in actors or before in role_words()["between"]:  # two sides, not allies
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


def _mediators(tokens: Sequence[Token], sent: Sentence, trig: Trigger) -> list[int]:
    """Who sponsors talks or an agreement: "المفاوضات برعاية روسيا", "اتفاق بوساطة مصر"."""
    ms = sent.mentions
    for i in sent.actors():
        if not trig.end <= ms[i].first_token <= trig.end + 2 * WINDOW:
            continue
        if _prev_word(tokens, ms[i]) in role_words()["sponsor"]:
            return _conjuncts(tokens, sent, i)
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
        if m.kind == "civilians" or not _adjacent(tokens, start, m.first_token):
            return None
        lam = _attached(tokens, m, "ل")
        to = _prev_word(tokens, m) in role_words()["to"]
        if trig.cls == "Statement":
            return i if (lam or to) and trig.pos == "verb" else None
        if lam or to or not _preceded_by_preposition(tokens, m):
            return i
        return None
    return None


def _adjacent(tokens: Sequence[Token], lo: int, hi: int) -> bool:
    """Only punctuation, time words or "إلى" between tokens ``lo`` and ``hi``."""
    return all(
        not tokens[k].is_word
        or _in(tokens[k].norm, "subject_gap")
        or tokens[k].norm in role_words()["to"]
        for k in range(lo, hi)
    )


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
    near = [i for i in earlier if ms[i].kind != "country" and trig.first - ms[i].end_token <= 3]
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


def _preceded_by_marker(tokens: Sequence[Token], mention: Mention) -> bool:
    """Is the mention introduced by a target marker ("على", "ضد", "مستهدفا")?"""
    prev = _prev_word(tokens, mention)
    return bool(prev) and _in(prev, "target_marker")


def sources_of(tokens: Sequence[Token], sent: Sentence) -> set[int]:
    """Mentions introduced by a reporting verb ("أفاد المرصد", "نقلت سانا عن مصدر عسكري")."""
    out: set[int] = set()
    for i in sent.idx:
        m = sent.mentions[i]
        if m.kind not in ("organisation", "media", "person", "civilians", "government"):
            continue
        if _counted(tokens, m):
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
