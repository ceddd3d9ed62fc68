"""Clause structure for event roles: the word sets of ``kg/data/role_words.tsv`` and the
tests the role rules share (is a word a verb of the lexicon, does a clause break between two
tokens, is a mention counted, its antecedent, its coordinated actors…)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from kg.arabic import normalise
from kg.event_merge import VIOLENT
from kg.mentions import clitic_variants
from kg.model import Mention, Token
from kg.triggers import Reading, Sentence, Trigger, rows, trigger_lexicon


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
def in_words(norm: str, name: str) -> bool:
    """Is the word, with or without its proclitics, in the word set ``name``?"""
    words = role_words()[name]
    return norm in words or any(stem in words for stem, _ in clitic_variants(norm))


@lru_cache(maxsize=65_536)
def verb_trigger(norm: str) -> bool:
    """Is the word a verb of the trigger lexicon ("قتلت", "وأطلقوا")?"""
    return any(
        pos == "verb" for stem, _ in clitic_variants(norm) for _, pos, _ in readings_of(stem)
    )


def speech_verb(norm: str) -> bool:
    """A verb that introduces what someone said ("أعلن", "تقول")."""
    return in_words(norm, "reporting") or in_words(norm, "speech")


def readings_of(stem: str) -> tuple[Reading, ...]:
    """The trigger lexicon's readings (class, part of speech, constraint) of a one-word form."""
    return trigger_lexicon().get((stem,), ())


def attached(tokens: Sequence[Token], m: Mention, letters: str) -> bool:
    """Does the mention start after a proclitic of ``letters`` in its first token ("لشبكة")?"""
    tok = tokens[m.first_token]
    return m.start > tok.start and tok.norm[:1] in letters


def preceded_by_preposition(tokens: Sequence[Token], mention: Mention) -> bool:
    return prev_word(tokens, mention) in role_words()["preposition"] or attached(
        tokens, mention, "بل"
    )


def prev_word(tokens: Sequence[Token], m: Mention) -> str:
    """The word before the mention, past a hashtag sign ("ضد #حركة_الشباب")."""
    k = m.first_token - 1
    while k >= 0 and tokens[k].norm in ("#", "_"):
        k -= 1
    return tokens[k].norm if k >= 0 else ""


def can_act(trig: Trigger, m: Mention) -> bool:
    violent = trig.cls in VIOLENT or trig.cls in TERRITORY
    return m.kind in AGENT_KINDS if violent else m.kind != "media"


def noun_subject(tokens: Sequence[Token], trig: Trigger, sent: Sentence) -> bool:
    """Is the verb's subject a noun of the lexicon just before it, with no actor between
    ("غارات عدة استهدفت", "الصواريخ التي أطلقت")?"""
    ms = sent.mentions
    for k in range(trig.first - 1, max(-1, trig.first - 4), -1):
        if any(ms[i].first_token <= k < ms[i].end_token for i in sent.idx):
            return False
        if any(
            pos == "noun"
            for stem, _ in clitic_variants(tokens[k].norm)
            for _, pos, _ in readings_of(stem)
        ):
            return True
        if not tokens[k].is_word:
            return False
    return False


def clause_initial(tokens: Sequence[Token], m: Mention) -> bool:
    """Does the mention start a clause: the first word, after punctuation or a conjunction,
    "أن" or "لكن"?"""
    if m.first_token == 0 or not tokens[m.first_token - 1].is_word:
        return True
    if attached(tokens, m, "و"):
        return True
    return tokens[m.first_token - 1].norm in role_words()["clause_start"]


def subject_gap(tokens: Sequence[Token], lo: int, m: Mention, sent: Sentence) -> bool:
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
            in_words(norm, name)
            for name in ("subject_gap", "partitive_head", "resumptive", "instrument")
        ):
            continue
        if in_words(norm, "title") or in_words(norm, "source_noun"):
            titled = True
            continue  # "قال وزير الخارجية الروسي", "قال المتحدث باسم الجيش"
        if titled and norm.startswith("ال"):
            continue  # "طالب المتحدث الرسمي باسم الحكومة"
        if m.kind == "person" and (norm.startswith("ال") or k in named):
            continue  # "طالب الأمين العام للأمم المتحدة أنطونيو غوتيريش"
        return False
    return True


def clause_break(tokens: Sequence[Token], lo: int, hi: int) -> bool:
    """Does another clause start between tokens [lo, hi): a verb of the lexicon, or "أن"? A
    verb of speech is no break ("إسرائيل تعلن عن غارات": the speaker is the strikes' agent),
    though the lexicon reads it as a Statement when nothing else happens in its sentence."""
    for k in range(lo, hi):
        norm = tokens[k].norm
        if in_words(norm, "complementizer") or norm in ("ان", "وان", "بان"):
            return True
        if verb_trigger(norm) and not speech_verb(norm):
            return True
    return False


def quote_break(tokens: Sequence[Token], lo: int, hi: int) -> bool:
    """Does a quotation or a colon open between tokens [lo, hi) with words after it ("قال
    رامي: "هناك مباحثات"")? A closing quote right after a name ("«جيش الإسلام» هجوما") does
    not."""
    quote = role_words()["quote"]
    for k in range(lo, hi):
        if k == lo and any(tokens[j].norm in quote for j in range(max(0, lo - 6), lo)):
            continue  # the quote closing a quoted name: «قوات "ألوية العمالقة" التابعة للجيش»
        if tokens[k].norm in quote and any(tokens[j].is_word for j in range(k + 1, hi)):
            return True
    return False


def is_counted(tokens: Sequence[Token], m: Mention) -> bool:
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


def relative_antecedent(
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
    return ("agent", i) if can_act(trig, ms[i]) else None


def trigger_between(tokens: Sequence[Token], lo: int, hi: int) -> bool:
    """Is a word of the trigger lexicon (not a target marker, nor a wound) in [lo, hi)?"""
    return any(
        any(
            cls not in ("Injury", "NonEvent")
            for stem, _ in clitic_variants(tokens[k].norm)
            for cls, _, _ in readings_of(stem)
        )
        and not in_words(tokens[k].norm, "target_marker")
        for k in range(lo, hi)
    )  # "مقتل وجرح العشرات": a wound is told with the death, not another happening


def conjuncts(tokens: Sequence[Token], sent: Sentence, i: int) -> list[int]:
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


def adjacent(tokens: Sequence[Token], lo: int, hi: int) -> bool:
    """Only punctuation, time words or "إلى" between tokens ``lo`` and ``hi``."""
    return all(
        not tokens[k].is_word
        or in_words(tokens[k].norm, "subject_gap")
        or tokens[k].norm in role_words()["to"]
        for k in range(lo, hi)
    )


def preceded_by_marker(tokens: Sequence[Token], mention: Mention) -> bool:
    """Is the mention introduced by a target marker ("على", "ضد", "مستهدفا")?"""
    prev = prev_word(tokens, mention)
    return bool(prev) and in_words(prev, "target_marker")
