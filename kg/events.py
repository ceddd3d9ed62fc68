"""Events: triggers from a lexicon, roles from Arabic clause structure, counts, times.

For each sentence: find trigger words (``kg/data/triggers.tsv``), decide whether the sentence
denies or hedges them, fill roles from the mentions around each trigger, read figures
(``kg/data/count_nouns.tsv``) and time expressions, then merge what tells one happening:
a killing and the strike that caused it in one sentence are one event, and the same happening
told twice in a document is one event with both triggers (``kg/event_merge.py``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

from kg import numbers
from kg.arabic import normalise
from kg.dates import find_times, publication_time
from kg.event_merge import VIOLENT, merge_in_document, merge_in_sentence
from kg.mentions import clitic_variants
from kg.model import ACTOR_KINDS, Analysis, Count, Document, Event, Mention, TimeValue, Token

MERGE_DISTANCE = 100  # characters: triggers farther apart in a sentence tell different events
NEGATORS = {normalise(w) for w in ("لم", "لن", "لا", "ليس", "عدم", "دون", "بدون", "نفى", "نفت",
                                   "ينفي", "تنفي", "نفوا", "ينفون", "نافيا", "نافية", "تنفي")}  # fmt: skip
HEDGES = {normalise(w) for w in ("حال", "إذا", "اذا", "لو", "قد", "سوف", "يعتزم", "تعتزم",
                                 "يهدد", "تهدد", "هدد", "هددت", "محتمل", "ربما", "يمكن",
                                 "ستقوم", "سيتم", "مخاوف", "خشية", "احتمال", "مستعد", "مستعدة",
                                 "وقف", "إيقاف", "السماح", "منع", "ضرورة", "يجب", "التخطيط",
                                 "محاولة", "تنفيذ", "تهديد", "يخطط", "تخطط", "إمكانية",
                                 "تهديدات", "تهديداته", "تهديداتها", "موعد", "قدرة", "قدرته",
                                 "قدرتها", "تريد", "يريد", "يريدون", "تسعى", "يسعى", "لتجنيب",
                                 "تجنيب", "لتجنب", "تجنب")}  # fmt: skip
ANTICIPATED = {normalise(w) for w in ("وشيكة", "المرتقبة", "مرتقبة", "المحتملة", "محتملة",
                                      "المقبلة", "المحتمل", "المرتقب", "المنتظرة")}  # fmt: skip
DENIAL_VERBS = {normalise(w) for w in ("نفى", "نفت", "ينفي", "تنفي", "نفوا", "ينفون")}
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


@dataclass(frozen=True, slots=True)
class _Trigger:
    first: int
    end: int
    cls: str
    pos: str
    constraint: str
    stem: str  # the first word without its proclitics
    prefix: str  # the proclitics it carried ("و", "ل", "بال"…)


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("kg").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))


@lru_cache(maxsize=1)
def trigger_lexicon() -> dict[tuple[str, ...], tuple[str, str, str]]:
    """Normalised trigger form -> (class, part of speech, constraint), with generated variants."""
    lex: dict[tuple[str, ...], tuple[str, str, str]] = {}
    for row in _rows("triggers.tsv"):
        for form in row["forms"].split("|"):
            words = tuple(normalise(form).split())
            variants = [words]
            if row["pos"] == "noun" and not words[0].startswith("ال"):
                variants.append(("ال" + words[0], *words[1:]))
            if row["pos"] == "verb" and len(words) == 1:
                variants += [(words[0] + s,) for s in ("ه", "ها", "هم", "وا")]
            for v in variants:
                lex.setdefault(v, (row["class"], row["pos"], row["constraint"]))
    return lex


@lru_cache(maxsize=1)
def trigger_first_words() -> frozenset[str]:
    return frozenset(key[0] for key in trigger_lexicon())


@lru_cache(maxsize=1)
def trigger_lengths() -> dict[str, tuple[int, ...]]:
    """First word of a trigger -> the lengths (in words) of its forms, longest first."""
    out: dict[str, set[int]] = {}
    for key in trigger_lexicon():
        out.setdefault(key[0], set()).add(len(key))
    return {k: tuple(sorted(v, reverse=True)) for k, v in out.items()}


@lru_cache(maxsize=1)
def single_victims() -> frozenset[str]:
    return frozenset(normalise(r["noun"]) for r in _rows("single_victims.tsv"))


@lru_cache(maxsize=1)
def count_nouns() -> dict[str, str]:
    return {normalise(n): r["what"] for r in _rows("count_nouns.tsv") for n in r["noun"].split("|")}


@lru_cache(maxsize=131_072)
def _trigger_stems(norm: str, firsts: frozenset[str]) -> tuple[tuple[str, int], ...]:
    """The readings of a token (without proclitics) that can begin a trigger."""
    return tuple((stem, plen) for stem, plen in clitic_variants(norm) if stem in firsts)


def _find_triggers(
    tokens: Sequence[Token], first: int, end: int, taken: list[int]
) -> list[_Trigger]:
    lex = trigger_lexicon()
    firsts = trigger_first_words()
    lengths = trigger_lengths()
    out: list[_Trigger] = []
    i = first
    while i < end:
        if taken[i] >= 0 or not tokens[i].is_word:
            i += 1
            continue
        best: _Trigger | None = None
        for stem, plen in _trigger_stems(tokens[i].norm, firsts):
            for length in lengths[stem]:
                if i + length > end:
                    continue
                key = (
                    (stem, *(tokens[i + k].norm for k in range(1, length)))
                    if length > 1
                    else (stem,)
                )
                if key in lex:
                    if best is None or i + length > best.end:
                        prefix = tokens[i].norm[:plen]
                        best = _Trigger(i, i + length, *lex[key], stem, prefix)
                    break
        if best is not None:
            out.append(best)
            i = best.end
        else:
            i += 1
    return out


@lru_cache(maxsize=64)
def _word_set(words: str) -> frozenset[str]:
    return frozenset(normalise(w) for w in words.split("|"))


def _near(tokens: Sequence[Token], lo: int, hi: int, words: frozenset[str]) -> bool:
    for k in range(max(lo, 0), min(hi, len(tokens))):
        if any(stem in words for stem, _ in clitic_variants(tokens[k].norm)):
            return True
    return False


ARMED_WORDS = _word_set.__wrapped__(
    "مقاتل|مقاتلين|المقاتلين|مقاتلي|مقاتلو|عناصر|المسلحين|مسلحين|مسلحي|القوات|قوات|الفصائل|فصائل"
)


def _satisfied(trig: _Trigger, tokens: Sequence[Token], sent: _Sentence) -> bool:
    """Does the trigger meet its lexicon constraint ("before:…", "after:…", "unless-after:…",
    "armed:N")?"""
    if not trig.constraint or trig.constraint == "weak":
        return True
    what, _, rest = trig.constraint.partition(":")
    if what == "armed":
        window = int(rest)
        armed = any(
            sent.mentions[i].kind in ("state_force", "armed_group")
            and trig.end <= sent.mentions[i].first_token <= trig.end + window
            for i in sent.idx
        )
        return armed or _near(tokens, trig.end, trig.end + window, ARMED_WORDS)
    words, _, n = rest.rpartition(":")
    window = int(n)
    if what == "before":
        return _near(tokens, trig.first - window, trig.first, _word_set(words))
    if what == "unless-after":  # "فجر الخميس" is dawn, not a bombing
        return not _near(tokens, trig.end, trig.end + window, _word_set(words))
    return _near(tokens, trig.end, trig.end + window, _word_set(words))


def _polarity(tokens: Sequence[Token], trig: _Trigger, first: int) -> tuple[bool, bool]:
    """(negated, hedged) from the words just before the trigger, or a denial verb earlier."""
    negated = hedged = False
    for k in range(max(first, trig.first - 4), trig.first):
        stems = {s for s, _ in clitic_variants(tokens[k].norm)}
        if stems & NEGATORS and not _unmanned(tokens, k):
            negated = True
        if stems & HEDGES:
            hedged = True
    for k in range(first, trig.first):
        if tokens[k].norm in DENIAL_VERBS or tokens[k].norm[1:] in DENIAL_VERBS:
            negated = True
    if trig.pos == "noun" and trig.prefix.endswith("ل") and not trig.stem.startswith("ال"):
        hedged = True  # purpose: "لتحرير الميناء" (to liberate), not a liberation that happened
    for k in range(trig.end, min(trig.end + 2, len(tokens))):
        if tokens[k].norm in ANTICIPATED:
            hedged = True  # "ضربة وشيكة", "الضربة المرتقبة"
    return negated, hedged


UNMANNED = {normalise(w) for w in ("طيار", "طيارين")}


def _unmanned(tokens: Sequence[Token], k: int) -> bool:
    """ "طائرة من دون طيار" / "بدون طيار" is a drone, not a negation."""
    return k + 1 < len(tokens) and tokens[k + 1].norm in UNMANNED


class _Sentence:
    """The mentions of one sentence, by token position."""

    def __init__(self, mentions: list[Mention], idx: list[int]) -> None:
        self.mentions = mentions
        self.idx = idx  # mention indices in the sentence, in order

    def actors(self) -> list[int]:
        """Who can take part: actors, and countries acting as states ("طالبت روسيا")."""
        return [
            i
            for i in self.idx
            if self.mentions[i].kind in ACTOR_KINDS or self.mentions[i].kind == "country"
        ]

    def places(self) -> list[int]:
        return [i for i in self.idx if self.mentions[i].kind not in ACTOR_KINDS]


def _preceded_by_preposition(tokens: Sequence[Token], mention: Mention) -> bool:
    prev = tokens[mention.first_token - 1].norm if mention.first_token > 0 else ""
    tok = tokens[mention.first_token]
    attached = mention.start > tok.start and tokens[mention.first_token].norm[:1] in ("ب", "ل")
    return prev in PREPOSITIONS or attached


def _roles(
    tokens: Sequence[Token], trig: _Trigger, sent: _Sentence, sources: set[int]
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


def _conjuncts(tokens: Sequence[Token], sent: _Sentence, i: int) -> list[int]:
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


def _mediators(tokens: Sequence[Token], sent: _Sentence, trig: _Trigger) -> list[int]:
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
    tokens: Sequence[Token], trig: _Trigger, ms: list[Mention], after: list[int], agent: int | None
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


def _place(trig: _Trigger, sent: _Sentence, sources: set[int]) -> int | None:
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


def _sources(tokens: Sequence[Token], sent: _Sentence) -> set[int]:
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


def _counts(tokens: Sequence[Token], first: int, end: int) -> list[tuple[int, Count]]:
    """Figures in tokens [first, end) with the noun they count: (token index, Count)."""
    nouns = count_nouns()
    out: list[tuple[int, Count]] = []
    i = first
    while i < end:
        norm = tokens[i].norm
        if not (  # the quick test: most tokens are neither figures nor dual nouns
            norm[-1:].isdigit()
            or norm in numbers.NUMBER_WORDS
            or norm.endswith("ين")
            or (i + 1 < end and tokens[i + 1].norm in TWO)
        ):
            i += 1
            continue
        read = numbers.read_number(tuple(tokens), i)
        if read is None:
            stem = (
                next(  # every dual noun ends in "ين"
                    (s for s, _ in clitic_variants(norm) if s in numbers.DUAL_NOUNS), None
                )
                if norm.endswith("ين")
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


AIR_WORDS = _word_set.__wrapped__(
    "مقاتلات|المقاتلات|طائرات|الطائرات|طائرة|الطائرة|الطيران|طيران|مسيرة|المسيرة|درون|مروحية|مروحيات|جوي|جوية"
)
MISSILE_WORDS = _word_set.__wrapped__(
    "صواريخ|الصواريخ|صاروخ|الصاروخ|صاروخا|قذائف|القذائف|قذيفة|مدفعية|المدفعية|كاتيوشا|هاون"
)


def _weapon_class(tokens: Sequence[Token], trig: _Trigger) -> str | None:
    """An attack by aircraft is an air strike, by missiles or guns shelling ("استهدفت
    المقاتلات نقطة أمنية", "استهدفت الصواريخ الإسرائيلية مواقع")."""
    lo, hi = trig.first - 4, trig.end + 4
    if _near(tokens, lo, hi, AIR_WORDS):
        return "AirStrike"
    if _near(tokens, lo, hi, MISSILE_WORDS):
        return "Shelling"
    return None


def _resolve_class(
    cls: str,
    roles: list[tuple[str, int]],
    ms: list[Mention],
    trigger_norm: str,
    weapon: str | None = None,
) -> str:
    kinds = {r: ms[i].kind for r, i in roles}
    if cls == "TakeControl":
        if kinds.get("agent") in ("state_force", "government"):
            return "GovernmentRegainsTerritory"
        if kinds.get("agent") == "armed_group":
            return "NonStateActorTakesTerritory"
        regain = any(w in trigger_norm for w in ("استعاد", "حرر", "تحرير", "طهر"))
        return "GovernmentRegainsTerritory" if regain else "NonStateActorTakesTerritory"
    if weapon is not None:
        return weapon
    if cls == "Attack":
        return "AttackOnCivilians" if kinds.get("target") == "civilians" else "ArmedClash"
    return cls


def extract_events(
    doc: Document,
    analysis: Analysis,
    mentions: list[Mention],
    country_of: Mapping[str, str] | None = None,
) -> list[Event]:
    """The events of one document. ``country_of`` maps a place's entity key to the QID of the
    country it lies in (a country to its own), so that two tellings in different countries
    stay apart."""
    tokens = analysis.tokens
    taken = [-1] * len(tokens)
    by_sentence: dict[int, list[int]] = {}
    for mi, m in enumerate(mentions):
        for t in range(m.first_token, m.end_token):
            taken[t] = mi
        by_sentence.setdefault(m.sentence, []).append(mi)
    pub = publication_time(doc.date)
    events: list[Event] = []
    for s in analysis.sentences:
        sent = _Sentence(mentions, by_sentence.get(s.index, []))
        triggers = _find_triggers(tokens, s.first_token, s.end_token, taken)
        strong_violent = any(t.cls in VIOLENT and t.constraint != "weak" for t in triggers)
        live = [
            t
            for t in triggers
            if t.cls not in ("Injury", "NonEvent")
            and _satisfied(t, tokens, sent)
            and (t.constraint != "weak" or strong_violent)
        ]
        if not live:  # nothing happens in this sentence: no need for its times and figures
            continue
        sources = _sources(tokens, sent)
        times = find_times(tokens, s.first_token, s.end_token, doc.text, doc.date)
        counts = _counts(tokens, s.first_token, s.end_token)
        local: list[Event] = []
        for trig in live:
            negated, hedged = _polarity(tokens, trig, s.first_token)
            roles, place = _roles(tokens, trig, sent, sources)
            norm = " ".join(tokens[k].norm for k in range(trig.first, trig.end))
            near = _weapon_class(tokens, trig) if trig.cls in ("Attack", "Shelling") else None
            weapon = near if trig.cls == "Attack" else None
            bombardment = (  # a bare "قصف", not "قصف مدفعي"
                trig.cls == "Shelling"
                and trig.end - trig.first == 1
                and trig.stem.removeprefix("ال").startswith("قصف")
            )
            if bombardment and near == "AirStrike":  # "قصفت طائرات حربية": an air strike
                weapon = "AirStrike"
            cls = _resolve_class(trig.cls, roles, mentions, norm, weapon)
            vague = (trig.cls == "Attack" and cls == "ArmedClash") or (bombardment and near is None)
            time = _own_time(trig, _time_takers(tokens, live, trig), times) or pub
            span = (tokens[trig.first].start, tokens[trig.end - 1].end)
            # a definite noun ("الغارة", "بالهجوم") may refer back to a happening told before
            back = trig.pos == "noun" and trig.stem.startswith("ال")
            local.append(
                Event(
                    cls,
                    (span,),
                    s.index,
                    tuple(roles),
                    place,
                    time,
                    (),
                    tuple(sorted(sources)),
                    negated,
                    hedged,
                    back,
                    vague,
                )
            )
        counts += _implicit_tolls(tokens, triggers, s.first_token, s.end_token, mentions, sent)
        local, zero = _zero_tolls(local)
        local = merge_in_sentence(local)
        events += [_killing_class(e, mentions) for e in _attach_counts(local, counts + zero)]
    return merge_in_document(events, mentions, country_of)


# "بعد معارك", "إثر غارات": a happening told as the background of the main one
BACKGROUND_WORDS = frozenset({"بعد", "وبعد", "اثر", "عقب", "قبل"})


def _time_takers(tokens: Sequence[Token], live: list[_Trigger], trig: _Trigger) -> list[_Trigger]:
    """The triggers that compete with ``trig`` for the sentence's time expressions. One told
    as background ("استعاد الجيش السيطرة على المدينة بعد معارك … أمس") does not take the main
    clause's time away from it."""
    return [
        t
        for t in live
        if t is trig or t.first == 0 or tokens[t.first - 1].norm not in BACKGROUND_WORDS
    ]


def _own_time(
    trig: _Trigger, triggers: list[_Trigger], times: list[tuple[int, int, TimeValue]]
) -> TimeValue | None:
    """The nearest time expression that is nearer to this trigger than to any other: in
    "دعت الأمم المتحدة الجمعة إلى تحقيق في القصف" Friday is the appeal's, not the strike's."""

    def gap(t: tuple[int, int, TimeValue], tr: _Trigger) -> int:
        return tr.first - t[1] if t[1] <= tr.first else max(t[0] - tr.end, 0)

    own = [t for t in times if min(triggers, key=lambda tr: gap(t, tr)) is trig]
    return min(own, key=lambda t: gap(t, trig))[2] if own else None


def _implicit_tolls(
    tokens: Sequence[Token],
    triggers: list[_Trigger],
    first: int,
    end: int,
    mentions: list[Mention],
    sent: _Sentence,
) -> list[tuple[int, Count]]:
    """A killing of one person with no figure is a toll of one: "مقتل قيادي حوثي",
    "قتل طفل", "اغتيال النائب العام هشام بركات"."""
    out: list[tuple[int, Count]] = []
    singles = single_victims()
    for trig in triggers:
        if trig.cls not in ("Killing", "AttackOnCivilians") or trig.end >= end:
            continue
        nxt = tokens[trig.end]
        person = any(
            mentions[i].first_token == trig.end and mentions[i].kind == "person" for i in sent.idx
        )
        if any(stem in singles for stem, _ in clitic_variants(nxt.norm)) or person:
            span = (nxt.start, nxt.end)
            out.append((trig.end, Count("fatalities", 1, "exact", span)))
    return out


def _zero_tolls(events: list[Event]) -> tuple[list[Event], list[tuple[int, Count]]]:
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


def _attach_counts(events: list[Event], counts: list[tuple[int, Count]]) -> list[Event]:
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


def _killing_class(ev: Event, mentions: list[Mention]) -> Event:
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
