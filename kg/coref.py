"""Document-level references: people named after a title, their later short names, and
anaphoric nouns ("الجيش", "الحكومة", "التحالف") resolved to what the document named before.

Runs after linking, on the tokens no mention covers yet, so it never overrides a gazetteer
match. People found here become local entities with stable keys (the same name is the same
person across documents); an anaphor takes the entity of its antecedent, or, for a state's
army or government with no antecedent, that of the country the document is about.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Collection, Sequence
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

from kg.arabic import display_form, normalise, strip_diacritics_map
from kg.gazetteer import Gazetteer
from kg.linking import local_key
from kg.mentions import clitic_variants, stopwords
from kg.model import Analysis, Entity, Mention, Token

MAX_NAME_TOKENS = 3
MAX_SKIP = 5  # complements between a title and the name: "وزير الخارجية الروسي سيرغي لافروف"
KUNYA = {"ابو", "ابي", "ام", "بن", "ابن"}
KUNYA_WORDS = frozenset({"ابو", "ابي", "ام"})
# anaphors that, with no antecedent, mean the army or government of the document's country
COMMAS = frozenset("،,")
SPOKESMAN_OF = frozenset(normalise(w) for w in ("باسم", "باسمه", "باسمها", "باسمهم"))
RANK_QUALIFIERS = frozenset({normalise("الركن")})  # "العقيد الركن تركي المالكي"
NATIONAL = {normalise(w) for w in ("الجيش", "القوات", "الحكومة", "النظام", "السلطات", "الشرطة")}


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("kg").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))


@lru_cache(maxsize=1)
def titles() -> frozenset[str]:
    return frozenset(normalise(r["title"]).split()[0] for r in _rows("person_titles.tsv"))


@lru_cache(maxsize=1)
def _country_adjectives() -> frozenset[str]:
    """ "الفرنسي", "الروسية"…: adjectives that end a title phrase, never a family name."""
    out = set()
    for row in _rows("nisba.tsv"):
        for adj in row["adjectives_ar"].split("|"):
            out |= {normalise("ال" + adj), normalise("ال" + adj + "ة")}
    return frozenset(out)


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """Given names that start a personal name even without a title ("جيمس ماتيس")."""
    return frozenset(normalise(r["name"]) for r in _rows("first_names.tsv"))


@lru_cache(maxsize=1)
def complement_titles() -> frozenset[str]:
    """Titles that take a complement before the name ("وزير الخارجية الروسي سيرغي لافروف");
    the others (ranks such as "العقيد") are followed by the name, or a nisba, directly."""
    rows = _rows("person_titles.tsv")
    return frozenset(normalise(r["title"]).split()[0] for r in rows if r["complement"] == "yes")


@lru_cache(maxsize=1)
def anaphors() -> dict[str, tuple[str, tuple[str, ...], dict[str, str]]]:
    """Anaphoric noun -> (kind, head words an antecedent carries, country -> fallback entity)."""
    out = {}
    for r in _rows("anaphors.tsv"):
        fallback = dict(p.split("=", 1) for p in r["fallback"].split(";") if p)
        heads = tuple(normalise(h) for h in r["heads"].split("|"))
        out[normalise(r["word"])] = (r["kind"], heads, fallback)
    return out


@lru_cache(maxsize=1)
def _not_names() -> frozenset[str]:
    """Words that end a name: function words, triggers, reporting verbs, titles, and the
    heads of organisations and places ("قوات", "وزارة", "حركة", "مدينة")."""
    from kg.mentions import cues
    from kg.roles import REPORTING
    from kg.triggers import trigger_first_words

    heads = {normalise(w) for w in (
        "قوات", "القوات", "وزارة", "مكتب", "مجلس", "لجنة", "مركز", "جهاز", "دائرة", "إدارة",
        # role nouns: "هشام عشماوي ضابط صاعقة"
        "ضابط", "مسؤول", "قيادي", "عنصر", "جندي", "مقاتل", "عضو", "نائب", "زعيم", "متحدث",
        "شيخ", "طالب", "مواطن", "سكان", "أهالي",
    )}  # fmt: skip
    return stopwords() | trigger_first_words() | REPORTING | titles() | frozenset(cues()) | heads


@lru_cache(maxsize=65_536)
def _reporting(norm: str) -> bool:
    """Is this word a reporting verb ("وقال", "وأكد"), with any proclitics?"""
    from kg.roles import REPORTING

    return any(stem in REPORTING for stem, _ in clitic_variants(norm))


def _stem_in(norm: str, words: Collection[str]) -> tuple[str, int] | None:
    """The reading of ``norm`` without proclitics that is one of ``words``, and its clitic
    letters. Cached for the fixed word sets it is called with on every token."""
    if isinstance(words, frozenset):
        return _stem_in_set(norm, words)
    for stem, plen in clitic_variants(norm):
        if stem in words:
            return stem, plen
    return None


@lru_cache(maxsize=262_144)
def _stem_in_set(norm: str, words: frozenset[str]) -> tuple[str, int] | None:
    for stem, plen in clitic_variants(norm):
        if stem in words:
            return stem, plen
    return None


@lru_cache(maxsize=1)
def _anaphor_words() -> frozenset[str]:
    return frozenset(anaphors())


@lru_cache(maxsize=1)
def _anaphor_pair_heads() -> frozenset[str]:
    """First words of two-word anaphors ("قوات التحالف")."""
    return frozenset(w.split()[0] for w in _anaphor_words() if " " in w)


class _Reading(NamedTuple):
    """What a word form is when read without its proclitics, for the scans of
    ``add_references``: a title, a given name, an anaphor, the first word of a two-word
    anaphor, a reporting verb (each ``_stem_in`` of that word set)."""

    title: tuple[str, int] | None
    given: tuple[str, int] | None
    anaphor: tuple[str, int] | None
    pair_head: bool
    reporting: bool


_NOTHING = _Reading(None, None, None, False, False)
_READINGS: dict[str, _Reading] = {}  # word form -> its reading, for every form seen
MAX_READINGS = 262_144


def _reading(norm: str) -> _Reading:
    found = _READINGS.get(norm)
    if found is None:
        found = _Reading(
            _stem_in(norm, titles()),
            _stem_in(norm, first_names()),
            _stem_in(norm, _anaphor_words()),
            _stem_in(norm, _anaphor_pair_heads()) is not None,
            _reporting(norm),
        )
        if found == _NOTHING:
            found = _NOTHING
        if len(_READINGS) < MAX_READINGS:
            _READINGS[norm] = found
    return found


def _starts_next_phrase(norm: str) -> bool:
    """Does a proclitic start a new phrase at this word ("والذي", "للقيام", "وماكرون")? A
    name may itself start with ب، ل or ف ("بوتن", "لافروف", "فهمي")."""
    if norm[0] == "و":
        return norm[1:] not in KUNYA
    if norm[0] == "ل":  # names rarely start with lam: "للقيام", "لصحافيين"
        return norm not in first_names()
    if norm[0] in "فب":
        rest = norm[1:]
        return rest.startswith("ال") or rest in _not_names() or rest in KUNYA
    return False


def _present_verb(norm: str, position: int) -> bool:
    """A present verb after a name ("غادي إيزنكوت يكشف", "ميشيل تامر تكشف"). As the second
    word, ت starts family names too ("جاستن ترودو", "أليكسي تسيغانكوف")."""
    prefixes = "ي" if position < 2 else "يت"
    return norm[0] in prefixes and len(norm) >= 4 and norm not in first_names()


def _is_nisba(norm: str) -> bool:
    return norm.startswith("ال") and (norm.endswith("ي") or norm.endswith("يه"))


def _is_complement(norm: str, complements: bool) -> bool:
    """A word between a title and the name: "الخارجية", "للحلف", "الروسي"."""
    if norm in stopwords():
        return False  # "الذي"
    if _is_nisba(norm):
        return True
    return complements and norm.startswith(("ال", "لل", "بال"))


def _name_after_title(
    tokens: Sequence[Token], i: int, title: str, covered: list[bool], kinds: list[str | None]
) -> tuple[int, int] | None:
    """Token range of a personal name after the title ``title`` at token ``i``."""
    complements = title in complement_titles()
    j, skipped, appositive = i + 1, 0, False
    while j < len(tokens) and skipped <= (MAX_SKIP if complements else 1):
        tok = tokens[j]
        if not tok.is_word:
            if tok.norm in COMMAS and skipped and complements and j + 1 < len(tokens):
                j, appositive = j + 1, True  # "المتحدث الرسمي باسم التحالف، تركي المالكي"
                break
            return None
        if covered[j]:
            if kinds[j] == "person" or not complements:
                return None  # the name is already known
        elif tok.norm in SPOKESMAN_OF:
            if tok.norm != "باسم":  # "باسمه": the complement ends here
                j += 1
                break
        elif not (_is_complement(tok.norm, complements) or tok.norm in RANK_QUALIFIERS):
            break
        j, skipped = j + 1, skipped + 1
    else:
        return None
    start = j
    bad = _not_names()
    while j < len(tokens) and j - start < MAX_NAME_TOKENS:
        tok = tokens[j]
        norm = tok.norm
        if not tok.is_word or covered[j] or norm in bad or norm.isdigit() or len(norm) < 2:
            break
        if j > start and _starts_next_phrase(norm):
            break  # a conjunction or preposition starts the next phrase ("للقيام", "والذي")
        if j == start and (
            norm.startswith(("ال", "وال", "فال", "بال", "لل")) or _stem_in(norm, titles())
        ):
            break
        if j > start and (text_gap(tokens, j) or _present_verb(norm, j - start)):
            break  # "غادي إيزنكوت يكشف"
        j += 1
    if j - start < 2:
        return None
    if appositive and j < len(tokens) and tokens[j].is_word:
        return None  # after a comma the name stands alone: "باسم التحالف، تركي المالكي."
    return start, j


def _name_before_title(
    tokens: Sequence[Token], i: int, covered: list[bool]
) -> tuple[int, int] | None:
    """Token range of a name of 2-3 words at token ``i``, after a reporting verb and before a
    role that takes a complement ("أكد فهمي العامري رئيس دائرة …")."""
    before = tokens[i - 1]
    if covered[i] or not before.is_word or not _reporting(before.norm):
        return None
    bad = _not_names()
    j = i
    while j < len(tokens) and j - i < MAX_NAME_TOKENS:
        tok = tokens[j]
        norm = tok.norm
        if not tok.is_word or covered[j] or norm in bad or norm.isdigit() or len(norm) < 2:
            break
        if j == i and _starts_next_phrase(norm):
            break
        if norm.startswith("ال") and j - i != 1:
            break  # an article-bearing family name comes second: "فهمي العامري"
        if j > i and (_starts_next_phrase(norm) or text_gap(tokens, j)):
            break
        j += 1
    if j - i < 2 or j >= len(tokens):
        return None
    after = j + 1 if tokens[j].norm in COMMAS and j + 1 < len(tokens) else j
    role = _stem_in(tokens[after].norm, complement_titles()) if tokens[after].is_word else None
    return (i, j) if role is not None else None


def _name_from(tokens: Sequence[Token], i: int, covered: list[bool]) -> tuple[int, int] | None:
    """Token range of a name of 2-3 words starting with the given name at token ``i``."""
    bad = _not_names()
    j = i + 1
    while j < len(tokens) and j - i < MAX_NAME_TOKENS:
        tok = tokens[j]
        norm = tok.norm
        if not tok.is_word or covered[j] or norm in bad or norm.isdigit() or len(norm) < 2:
            break
        if _starts_next_phrase(norm) and not _stem_in(norm, first_names()):
            break
        if _present_verb(norm, j - i):
            break  # a present-tense verb: "غادي إيزنكوت يكشف"
        if norm.startswith("ال") and j - i >= 2:
            break  # an article-bearing family name comes second: "تركي المالكي"
        if text_gap(tokens, j):
            break
        j += 1
    return (i, j) if j - i >= 2 else None


def text_gap(tokens: Sequence[Token], j: int) -> bool:
    """Does more than one space separate token ``j`` from the previous one?"""
    return tokens[j].start - tokens[j - 1].end > 1


def _main_country(mentions: list[Mention], entities: dict[str, Entity]) -> str | None:
    counts: Counter[str] = Counter()
    for m in mentions:
        ent = entities[m.entity_key]
        if ent.kind == "country" and ent.qid:
            counts[ent.qid] += 1
        elif ent.country_qid and ent.country_qid.startswith("Q"):
            counts[ent.country_qid] += 1
    return counts.most_common(1)[0][0] if counts else None


def add_references(
    text: str,
    analysis: Analysis,
    mentions: list[Mention],
    entities: dict[str, Entity],
    gaz: Gazetteer,
) -> tuple[list[Mention], dict[str, Entity]]:
    tokens = analysis.tokens
    if not tokens:
        return mentions, entities
    covered = [False] * len(tokens)
    for m in mentions:
        covered[m.first_token : m.end_token] = [True] * (m.end_token - m.first_token)
    sentence_of = [0] * len(tokens)
    for s in analysis.sentences:
        sentence_of[s.first_token : s.end_token] = [s.index] * (s.end_token - s.first_token)
    memo = _READINGS
    reads = [memo[t.norm] if t.norm in memo else _reading(t.norm) for t in tokens]
    added: list[Mention] = []

    def add(
        first: int, end: int, plen: int, entity: Entity, method: str, confidence: float
    ) -> None:
        from kg.arabic import strip_diacritics_map

        tok = tokens[first]
        start = tok.start + (strip_diacritics_map(text[tok.start : tok.end], plen) if plen else 0)
        entities.setdefault(entity.key, entity)
        added.append(Mention(start, tokens[end - 1].end, entity.key, entity.kind, sentence_of[first],
                             first, end, method, confidence))  # fmt: skip
        for t in range(first, end):
            covered[t] = True

    # 1. people after a title
    kinds: list[str | None] = [None] * len(tokens)
    for m in mentions:
        kinds[m.first_token : m.end_token] = [m.kind] * (m.end_token - m.first_token)
    people: dict[tuple[str, ...], Entity] = {}

    def add_person(span: tuple[int, int], confidence: float) -> None:
        key_tokens = tuple(tokens[k].norm for k in range(*span))
        entity = Entity(local_key("person", key_tokens), "person",
                        display_form(text[tokens[span[0]].start : tokens[span[1] - 1].end]))  # fmt: skip
        people[key_tokens] = entity
        add(span[0], span[1], 0, entity, "title", confidence)

    # (each scan visits only the tokens whose reading can start what it looks for)
    for i in [i for i, r in enumerate(reads) if r.title is not None]:
        title = reads[i].title
        if title is None or not tokens[i].is_word or covered[i]:
            continue
        span = _name_after_title(tokens, i, title[0], covered, kinds)
        if span is not None:
            add_person(span, 0.7)
    # 1a. people named before their role: "وقال فرحان حق، المتحدث باسم الأمم المتحدة"
    for i in [i + 1 for i, r in enumerate(reads[:-1]) if r.reporting]:
        if covered[i]:
            continue
        span = _name_before_title(tokens, i, covered)
        if span is not None:
            add_person(span, 0.6)
    # 1b. people named without a title, from a given name: "جيمس ماتيس", "ميشيل تامر"
    starts = [
        i for i, r in enumerate(reads) if r.given is not None or tokens[i].norm in ("عبد", "وعبد")
    ]
    for i in starts:
        tok = tokens[i]
        if covered[i] or not tok.is_word:
            continue
        found = reads[i].given
        compound = (
            tok.norm in ("عبد", "وعبد")
            and i + 1 < len(tokens)
            and tokens[i + 1].norm.startswith("ال")
        )
        if compound:  # "عبد الفتاح حرحور": the given name is two words
            found = ("عبد", 1 if tok.norm.startswith("و") else 0)
        if found is None or found[1] > 1:
            continue
        span = _name_from(tokens, i + 1 if compound else i, covered)
        if span is None:
            continue
        first = i
        if i > 0 and not covered[i - 1] and _stem_in(tokens[i - 1].norm, KUNYA_WORDS):
            first = i - 1  # "أبو حمزة المقدسي": the kunya is part of the name
            found = _stem_in(tokens[i - 1].norm, KUNYA_WORDS)
            assert found is not None
        span = (first, span[1])
        lead = tokens[first]
        key_tokens = tuple(t.norm for t in tokens[first : span[1]])
        key_tokens = (lead.norm[found[1] :], *key_tokens[1:])
        start = lead.start + (
            strip_diacritics_map(text[lead.start : lead.end], found[1]) if found[1] else 0
        )
        entity = Entity(local_key("person", key_tokens), "person",
                        display_form(text[start : tokens[span[1] - 1].end]))  # fmt: skip
        people[key_tokens] = entity
        add(first, span[1], found[1], entity, "given-name", 0.6)
    # 2. later references by the full name or the family name
    short: dict[tuple[str, ...], Entity] = {}
    for key_tokens, entity in people.items():
        short[key_tokens] = entity
        last = key_tokens[-1]
        if (
            len(last) >= 4
            and last not in _not_names()
            and (last,) not in gaz.common_words
            and last not in _country_adjectives()
        ):
            short.setdefault((last,), entity)
    by_first: dict[str, list[tuple[tuple[str, ...], Entity]]] = {}
    for key_tokens, entity in sorted(short.items(), key=lambda kv: -len(kv[0])):
        by_first.setdefault(key_tokens[0], []).append((key_tokens, entity))
    for i, tok in enumerate(tokens if by_first else ()):
        if covered[i] or not tok.is_word:
            continue
        for stem, plen in clitic_variants(tok.norm):
            for key_tokens, entity in by_first.get(stem, ()):
                n = len(key_tokens)
                if all(
                    i + k < len(tokens)
                    and not covered[i + k]
                    and tokens[i + k].norm == key_tokens[k]
                    for k in range(1, n)
                ):
                    add(i, i + n, plen, entity, "title", 0.7)
                    break
            if covered[i]:
                break
    # 3. anaphoric nouns
    table, words = anaphors(), _anaphor_words()
    country = _main_country(mentions, entities)
    ordered = sorted(mentions + added, key=lambda m: m.start)
    for i in [i for i, r in enumerate(reads) if r.anaphor is not None or r.pair_head]:
        tok = tokens[i]
        if covered[i] or not tok.is_word:
            continue
        found = reads[i].anaphor
        end = i + 1
        if found is None and i + 1 < len(tokens) and reads[i].pair_head:
            pair = _stem_in(tok.norm + " " + tokens[i + 1].norm, words)
            if pair is not None and not covered[i + 1]:
                found, end = pair, i + 2
        if found is None:
            continue
        word, plen = found
        kind, heads, fallback = table[word]
        antecedent = _antecedent(ordered, tok.start, kind, heads, text, entities)
        if antecedent is None and country:
            key = fallback.get(country) or (
                gaz.national.get((country, kind)) if word in NATIONAL else None
            )
            antecedent = gaz.entries[key].entity if key in gaz.entries else None
        if antecedent is not None:
            add(i, end, plen, antecedent, "anaphor", 0.6)
    if not added:
        return mentions, entities
    return sorted(mentions + added, key=lambda m: m.start), entities


def _antecedent(
    ordered: list[Mention], before: int, kind: str, heads: tuple[str, ...], text: str,
    entities: dict[str, Entity],
) -> Entity | None:  # fmt: skip
    """The nearest mention before ``before`` of ``kind`` whose words contain one of ``heads``;
    with "*" among the heads, failing that, the nearest of ``kind`` at all."""
    nearest = None
    for m in reversed(ordered):
        if m.start >= before or m.kind != kind:
            continue
        nearest = nearest or entities[m.entity_key]
        words = normalise(text[m.start : m.end])
        label = normalise(entities[m.entity_key].label_ar)
        if any(h in words or h in label for h in heads if h != "*"):
            return entities[m.entity_key]
    return nearest if "*" in heads else None
