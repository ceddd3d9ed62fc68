"""Event triggers: the lexicon (``kg/data/triggers.tsv``), matching it over a sentence's
tokens with their clitics, its constraints, and whether a sentence denies or hedges a trigger.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

from kg.arabic import normalise
from kg.mentions import clitic_variants
from kg.model import ACTOR_KINDS, Mention, Token

# with «و»/«ف» written: the two-letter particles are too short to lose a clitic (MIN_STEM)
NEGATORS = {normalise(w) for w in ("لم", "لن", "لا", "ليس", "ولم", "ولن", "ولا", "فلم", "فلن",
                                   "فلا", "عدم", "دون", "بدون", "نفى", "نفت",
                                   "ينفي", "تنفي", "نفوا", "ينفون", "نافيا", "نافية", "تنفي")}  # fmt: skip
HEDGES = {normalise(w) for w in ("حال", "إذا", "اذا", "لو", "قد", "سوف", "يعتزم", "تعتزم",
                                 "يهدد", "تهدد", "هدد", "هددت", "محتمل", "ربما", "يمكن",
                                 "ستقوم", "سيتم", "مخاوف", "خشية", "احتمال", "مستعد", "مستعدة",
                                 "وقف", "إيقاف", "السماح", "منع", "ضرورة", "يجب", "التخطيط",
                                 "محاولة", "تنفيذ", "تهديد", "يخطط", "تخطط", "إمكانية",
                                 "تهديدات", "تهديداته", "تهديداتها", "موعد", "قدرة", "قدرته",
                                 "قدرتها", "تريد", "يريد", "يريدون", "تسعى", "يسعى", "لتجنيب",
                                 "تجنيب", "لتجنب", "تجنب", "عادة", "أجل", "تمهيدا", "تتيح", "يتيح",
                                 "المخاوف", "يترقب", "تترقب", "يترقبون", "ترقب", "بهدف",
                                 "بغية", "سعيا", "ضمان", "لضمان", "يضمن", "يحق")}  # fmt: skip
ANTICIPATED = {normalise(w) for w in ("وشيكة", "المرتقبة", "مرتقبة", "المحتملة", "محتملة",
                                      "المقبلة", "المحتمل", "المرتقب", "المنتظرة",
                                      # alleged: «الهجوم الكيميائي المفترض»
                                      "المفترض", "المفترضة", "مفترض", "مفترضة", "المزعوم",
                                      "المزعومة")}  # fmt: skip
# «عملية تحرير الميناء», «معركة تحرير الموصل»: the operation for a taking, not the taking
OPERATION_HEADS = {normalise(w) for w in ("عملية", "معركة", "حملة", "معارك", "عمليات")}
# the content of an agreement or a plan («اتفاق مبدئي على انسحاب المقاتلين») is not yet a fact
CONTENT_HEADS = {normalise(w) for w in ("اتفاق", "الاتفاق", "اتفاقا", "اتفاقية", "الاتفاقية",
                                        "خطة", "الخطة", "مبادرة", "المبادرة", "مقترح", "اقتراح")}  # fmt: skip
ANY = {normalise(w) for w in ("أي", "أية", "وأي", "وأية", "فأي", "لأي", "بأي")}  # fmt: skip
DENIAL_VERBS = {normalise(w) for w in ("نفى", "نفت", "ينفي", "تنفي", "نفوا", "ينفون")}


Reading = tuple[str, str, str]  # (class, part of speech, constraint) of one lexicon row


@dataclass(frozen=True, slots=True)
class Trigger:
    first: int
    end: int
    cls: str
    pos: str
    constraint: str
    stem: str  # the first word without its proclitics
    prefix: str  # the proclitics it carried ("و", "ل", "بال"…)
    # every reading of the form, in lexicon order: the first whose constraint holds is taken
    readings: tuple[Reading, ...] = ()


def rows(name: str) -> list[dict[str, str]]:
    text = resources.files("kg").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))


@lru_cache(maxsize=1)
def trigger_lexicon() -> dict[tuple[str, ...], tuple[Reading, ...]]:
    """Normalised trigger form -> its readings (class, part of speech, constraint), in lexicon
    order, with generated variants: the article on nouns, possessive suffixes on nouns
    («دعواتها», «حملته العسكرية»), object suffixes on verbs («اغتالته»)."""
    written: dict[tuple[str, ...], list[Reading]] = {}
    generated: dict[tuple[str, ...], list[Reading]] = {}
    for row in rows("triggers.tsv"):
        reading = (row["class"], row["pos"], row["constraint"])
        for form in row["forms"].split("|"):
            words = tuple(normalise(form).split())
            for v in _variants(words, row["pos"]):
                readings = (written if v == words else generated).setdefault(v, [])
                if reading not in readings:
                    readings.append(reading)
    # a written form has only its own readings: «سيطرة» is the noun, not «سيطر» + «ه»
    return {k: tuple(written.get(k) or generated[k]) for k in written.keys() | generated.keys()}


POSSESSIVE = ("ه", "ها", "هم")


def _variants(words: tuple[str, ...], pos: str) -> list[tuple[str, ...]]:
    first, rest = words[0], words[1:]
    out = [words]
    if pos == "noun" and not first.startswith("ال"):
        out.append(("ال" + first, *rest))
        if len(first) > 2 and not first.endswith(("ا", "ي", "ى")):  # not "قتيلا", "مدني"
            base = first[:-1] + "ت" if first.endswith("ه") else first  # "دعوه" -> "دعوت"
            definite = tuple(w if w.startswith("ال") else "ال" + w for w in rest)
            out += [(base + suffix, *definite) for suffix in POSSESSIVE]
    if pos == "verb" and not rest:
        # a form IV verb with «ه» reads as its masdar: «اشاده» is «إشادة» (praise), not
        # «أشاده»
        form_iv = len(first) == 4 and first.startswith("ا")
        out += [(first + s,) for s in ("ه", "ها", "هم", "وا") if not (s == "ه" and form_iv)]
    return out


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
    return frozenset(normalise(r["noun"]) for r in rows("single_victims.tsv"))


@lru_cache(maxsize=1)
def count_nouns() -> dict[str, str]:
    return {normalise(n): r["what"] for r in rows("count_nouns.tsv") for n in r["noun"].split("|")}


@lru_cache(maxsize=131_072)
def _trigger_stems(norm: str, firsts: frozenset[str]) -> tuple[tuple[str, int], ...]:
    """The readings of a token (without proclitics) that can begin a trigger."""
    return tuple((stem, plen) for stem, plen in clitic_variants(norm) if stem in firsts)


def find_triggers(tokens: Sequence[Token], first: int, end: int, taken: list[int]) -> list[Trigger]:
    lex = trigger_lexicon()
    firsts = trigger_first_words()
    lengths = trigger_lengths()
    out: list[Trigger] = []
    i = first
    while i < end:
        if taken[i] >= 0 or not tokens[i].is_word:
            i += 1
            continue
        best: Trigger | None = None
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
                        readings = lex[key]
                        best = Trigger(i, i + length, *readings[0], stem, prefix, readings)
                    break
        if best is not None:
            out.append(best)
            i = best.end
        else:
            i += 1
    return out


@lru_cache(maxsize=64)
def word_set(words: str) -> frozenset[str]:
    return frozenset(normalise(w) for w in words.split("|"))


def near(tokens: Sequence[Token], lo: int, hi: int, words: frozenset[str]) -> bool:
    for k in range(max(lo, 0), min(hi, len(tokens))):
        if any(stem in words for stem, _ in clitic_variants(tokens[k].norm)):
            return True
    return False


ARMED_WORDS = word_set.__wrapped__(
    "مقاتل|مقاتلين|المقاتلين|مقاتلي|مقاتلو|عناصر|المسلحين|مسلحين|مسلحي|القوات|قوات|الفصائل|فصائل"
)


def reading(trig: Trigger, tokens: Sequence[Token], sent: Sentence) -> Trigger | None:
    """The trigger with the first of its readings whose constraint holds, or None: «استعادة»
    of weapons is a seizure, of a town a retaking. Words that rule a class out («أثناء
    سيطرتها»: who held the place) rule out its other readings too (not «سيطرت» + «ها»)."""
    vetoed: set[str] = set()
    for cls, pos, constraint in trig.readings or ((trig.cls, trig.pos, trig.constraint),):
        if cls in vetoed:
            continue
        candidate = replace(trig, cls=cls, pos=pos, constraint=constraint)
        if satisfied(candidate, tokens, sent):
            return candidate
        unless = [c for c in constraint.split(";") if c.startswith("unless-")]
        if any(not satisfied(replace(trig, constraint=c), tokens, sent) for c in unless):
            vetoed.add(cls)
    return None


def satisfied(trig: Trigger, tokens: Sequence[Token], sent: Sentence) -> bool:
    """Does the trigger meet its lexicon constraint ("before:…", "after:…", "unless-after:…",
    "unless-before:…", "armed:N")?"""
    if trig.constraint in ("", "weak", "refers", "alone") or trig.constraint.startswith("alone;"):
        if trig.constraint.startswith("alone;"):
            return satisfied(replace(trig, constraint=trig.constraint[6:]), tokens, sent)
        return True
    if ";" in trig.constraint:  # all of them
        return all(
            satisfied(replace(trig, constraint=c), tokens, sent) for c in trig.constraint.split(";")
        )
    what, _, rest = trig.constraint.partition(":")
    if what == "armed":  # fighters or forces leaving, named after the word or before it
        window = int(rest)
        armed = any(
            sent.mentions[i].kind in ("state_force", "armed_group")
            and (
                trig.end <= sent.mentions[i].first_token <= trig.end + window
                or trig.first - window <= sent.mentions[i].end_token <= trig.first
            )
            for i in sent.idx
        )
        return (
            armed
            or near(tokens, trig.end, trig.end + window, ARMED_WORDS)
            or near(tokens, trig.first - window, trig.first, ARMED_WORDS)
        )
    if what == "parties":
        return _parties(trig, tokens, sent, int(rest)) >= 2
    words, _, n = rest.rpartition(":")
    window = int(n)
    if what == "before":
        return near(tokens, trig.first - window, trig.first, word_set(words))
    if what == "unless-before":  # "طائرات مسيرة" are drones, not a march
        return not near(tokens, trig.first - window, trig.first, word_set(words))
    if what == "unless-after":  # "فجر الخميس" is dawn, not a bombing
        return not near(tokens, trig.end, trig.end + window, word_set(words))
    return near(tokens, trig.end, trig.end + window, word_set(words))


PARTY_KINDS = frozenset(ACTOR_KINDS) | {"country", "settlement"}  # «اتهمت دمشق واشنطن»


BI_PRONOUNS = frozenset(normalise(w) for w in ("به", "بها", "بهم", "بهما", "بهن"))


def _parties(trig: Trigger, tokens: Sequence[Token], sent: Sentence, window: int) -> int:
    """Who takes part in a verb of accusing: the subject just before it (in its clause), and
    the mentions after it up to what the accusation is about (the first «بـ» word:
    «اتهم فصيل جيش الإسلام النظام بطمس الأدلة»)."""
    stop = min(trig.end + window, len(tokens))
    for k in range(trig.end, stop):
        if not tokens[k].is_word:
            continue
        if tokens[k].norm in BI_PRONOUNS or any(
            p and tokens[k].norm[:p].endswith("ب") for _, p in clitic_variants(tokens[k].norm)
        ):
            stop = k
            break
    lo = trig.first
    while lo > max(trig.first - 3, 0) and tokens[lo - 1].is_word:
        lo -= 1  # the subject of «دمشق تتهم …», within the clause
    found = {
        sent.mentions[i].entity_key
        for i in sent.idx
        if sent.mentions[i].kind in PARTY_KINDS
        and (
            trig.end <= sent.mentions[i].first_token < stop
            or lo <= sent.mentions[i].first_token < trig.first
        )
    }
    return len(found)


RELATIVES = {normalise(w) for w in ("الذي", "التي", "الذين", "اللذين", "اللتين", "اللذان",
                                    "اللتان", "اللواتي", "اللاتي")}  # fmt: skip
PERFECT_AUXILIARIES = {normalise(w) for w in ("كان", "كانت", "كانوا", "وكان", "وكانت")}


def polarity(tokens: Sequence[Token], trig: Trigger, first: int) -> tuple[bool, bool]:
    """(negated, hedged) from the words just before the trigger, or a denial verb earlier.
    A relative clause asserts its own content: «لوقف تقدم المتمردين الذين سيطروا على صنعاء»
    (the taking happened), so words before a relative pronoun do not reach past it."""
    negated = hedged = False
    lo = max(first, trig.first - 4)
    for k in range(trig.first - 1, lo - 1, -1):
        if tokens[k].norm in RELATIVES:
            lo = k + 1
            break
    for k in range(lo, trig.first):
        stems = {s for s, _ in clitic_variants(tokens[k].norm)}
        if stems & NEGATORS and not _unmanned(tokens, k) and not _did_not_prevent(tokens, k):
            negated = True
        if stems & HEDGES and not _perfect_qad(tokens, k, first):
            hedged = True
        if stems & CONTENT_HEADS and k >= trig.first - 3 and trig.pos == "noun":
            hedged = True
        if stems & ANY and k == trig.first - 1 and trig.pos == "noun":
            hedged = True  # «وأي ضربة أمريكية ستشارك فيها البحرية»: any strike, none yet
    for k in range(first, trig.first):
        if tokens[k].norm in DENIAL_VERBS or tokens[k].norm[1:] in DENIAL_VERBS:
            negated = True
    if trig.pos == "noun" and trig.prefix.endswith("ل") and not trig.stem.startswith("ال"):
        hedged = True  # purpose: "لتحرير الميناء" (to liberate), not a liberation that happened
    for k in range(trig.end, min(trig.end + 2, len(tokens))):
        if tokens[k].norm in ANTICIPATED:
            hedged = True  # "ضربة وشيكة", "الضربة المرتقبة"
    if _requested(tokens, trig, first):
        hedged = True
    if (
        trig.cls == "TakeControl"
        and trig.pos == "noun"
        and trig.first > first
        and {s for s, _ in clitic_variants(tokens[trig.first - 1].norm)} & OPERATION_HEADS
    ):
        hedged = True
    return negated, hedged


# «رفض طلب جيش الإسلام بطرد عناصر الهيئة», «دعا إلى انسحاب القوات»: what is asked for
REQUESTS = frozenset(normalise(w) for w in ("طلب", "طلبت", "طالب", "طالبت", "يطالب", "تطالب",
                                           "مطالبة", "مطالبات", "دعا", "دعت", "يدعو", "تدعو",
                                           "دعوة", "دعوات", "ناشد", "ناشدت", "مناشدة", "أدعو",
                                           "ندعو"))  # fmt: skip


def _requested(tokens: Sequence[Token], trig: Trigger, first: int) -> bool:
    """A masdar introduced by «بـ» right after a request is what was asked for («طالب
    بإخراج», «طلب … بطرد»: a word after «بـ» is a noun whatever its lexicon reading). Not
    «إلى»: «الأسباب التي دعت إلى تدخل التحالف» (that led to it) is no request."""
    return trig.prefix.endswith("ب") and near(
        tokens, max(first, trig.first - 4), trig.first, REQUESTS
    )


PREVENT = frozenset(normalise(w) for w in ("يحل", "تحل", "يحول", "تحول", "يمنع", "تمنع"))


def _did_not_prevent(tokens: Sequence[Token], k: int) -> bool:
    """«لم يحل القرار دون تواصل الاشتباكات»: «دون» after «did not prevent» asserts."""
    if tokens[k].norm not in ("دون", "بدون"):
        return False
    return any(tokens[j].norm in PREVENT for j in range(max(k - 5, 0), k))


def _perfect_qad(tokens: Sequence[Token], k: int, first: int) -> bool:
    """«قد» before a perfect verb asserts («كان التنظيم قد أعلن مسؤوليته»); only before an
    imperfect («قد يكون») does it hedge."""
    if tokens[k].norm != "قد":
        return False
    after = tokens[k + 1].norm if k + 1 < len(tokens) else ""
    earlier = {tokens[j].norm for j in range(max(first, k - 6), k)}
    return bool(earlier & PERFECT_AUXILIARIES) or not after.startswith(("ي", "ت", "ن"))


UNMANNED = {normalise(w) for w in ("طيار", "طيارين")}


def _unmanned(tokens: Sequence[Token], k: int) -> bool:
    """ "طائرة من دون طيار" / "بدون طيار" is a drone, not a negation."""
    return k + 1 < len(tokens) and tokens[k + 1].norm in UNMANNED


class Sentence:
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
