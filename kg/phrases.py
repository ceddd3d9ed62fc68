"""Descriptive actor phrases: a head noun with its adjectives or its genitive.

Arabic news names many actors by description rather than by name: "الميليشيات الإيرانية",
"فصائل معارضة", "قناص حوثي", "الشعب اليمني", "وسائل الإعلام الأمريكية", "ميليشيات إيران",
"مقاتلات التحالف العربي". This stage runs after names and references are found and grows
actor mentions into the whole phrase (``docs/annotation.md``: the longest span wins):

- a head from ``actor_heads.tsv`` ("ميليشيات", "الجنود", "وزارة") or a generic actor mention,
  followed by adjectives that agree with it in definiteness: nisba-shaped words ("الإيرانية",
  "شيعية", "حكوميا") or the describing words of ``actor_modifiers.tsv`` ("المسلحة");
- a head without the article followed directly by an actor or a country: its genitive
  ("ميليشيات الحوثي", "قوات الجيش"). A named genitive gives the phrase its entity ("مقاتلات
  التحالف" is the coalition); otherwise the phrase is a local entity of the head's kind.

A generic entity grown by adjectives ("الميليشيات" -> "الميليشيات الإيرانية") becomes a local
entity of its own, keyed by (kind, normalised phrase) like every local entity. A named or
referred-to entity keeps its identity ("الحكومة اليمنية الشرعية" is still Yemen's government).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from kg.arabic import display_form, normalise, strip_diacritics_map
from kg.coref import titles
from kg.linking import local_key
from kg.mentions import clitic_variants, data_table
from kg.model import Analysis, Entity, Mention, Token

NAMED_KINDS = frozenset({"armed_group", "state_force", "government", "organisation", "media"})
GROWABLE_KINDS = NAMED_KINDS | {"civilians"}
NATIONAL_KINDS = frozenset({"state_force", "government", "media", "civilians"})
GENITIVE_KINDS = NAMED_KINDS | {"country", "civilians"}
NATIONALITY = "local:civilians/nationality-"  # "الفلسطينيين" (kg.gazetteer)
NISBA_ENDINGS = ("ي", "يه", "يين", "يون", "يان", "يا", "يتين")
VERB_PREFIXES = ("ي", "ت", "ن")
MAX_ADJECTIVES = 4
PROCLITICS = ("", "و", "ف", "ب", "ل", "وب", "ول", "فب", "فل")


@dataclass(frozen=True, slots=True)
class Head:
    kind: str
    complements: tuple[tuple[str, ...], ...]  # nouns inside the phrase ("سلاح الجو")
    complement_required: bool  # "وسائل" is an actor only as "وسائل الإعلام"
    joins_name: bool  # False for members ("مقاتلي جيش الإسلام": the name is the mention)


@lru_cache(maxsize=1)
def heads() -> dict[str, Head]:
    return {
        normalise(r["head_ar"]): Head(
            r["kind"],
            tuple(tuple(normalise(c).split()) for c in r["complements"].split("|") if c),
            r["complement_required"] == "yes",
            r["joins_name"] == "yes",
        )
        for r in data_table("actor_heads.tsv")
    }


@lru_cache(maxsize=1)
def _modifiers() -> frozenset[str]:
    return frozenset(normalise(r["word"]) for r in data_table("actor_modifiers.tsv"))


@lru_cache(maxsize=1)
def _not_modifiers() -> frozenset[str]:
    """Words shaped like adjectives that never describe an actor, and place heads
    ("حكومة ولاية …")."""
    from kg.mentions import cues

    return frozenset(normalise(r["word"]) for r in data_table("not_modifiers.tsv")) | frozenset(
        cues()
    )


def is_definite(norm: str) -> bool:
    return norm.startswith("ال") and len(norm) >= 4


def is_adjective(norm: str, definite: bool) -> bool:
    """Is ``norm`` an adjective that can describe an actor, of the given definiteness?"""
    if norm in _not_modifiers():
        return False
    if definite:
        if not is_definite(norm):
            return False
        stem = norm[2:]
        return stem in _modifiers() or stem.endswith(NISBA_ENDINGS)
    if norm.startswith("ال") or len(norm) < 4:
        return False
    if norm in _modifiers():
        return True
    if norm.endswith(("يه", "يين", "يون", "يا", "يتين")):
        return True
    return norm.endswith("ي") and (len(norm) >= 5 or not norm.startswith(VERB_PREFIXES))


@lru_cache(maxsize=1)
def _head_forms() -> dict[str, tuple[Head, int]]:
    """Every written form of a head with its proclitics ("وللقوات"), and the clitic letters:
    one dictionary lookup per token on the hot path."""
    out: dict[str, tuple[Head, int]] = {}
    for stem, head in heads().items():
        for prefix in PROCLITICS:
            out.setdefault(prefix + stem, (head, len(prefix)))
            if prefix.endswith("ل") and stem.startswith("ال"):  # "للقوات": the alef is elided
                out.setdefault(prefix + stem[1:], (head, len(prefix)))
    return out


def _head_at(tok: Token) -> tuple[Head, int] | None:
    return _head_forms().get(tok.norm) if tok.is_word else None


def _generic(entity: Entity) -> bool:
    """A class of actors rather than one actor ("مسلحين", "الميليشيات", "المدنيين")."""
    return entity.key.startswith("local:") and entity.country_qid is None


def _strip_clitic(norm: str) -> str:
    for stem, _ in clitic_variants(norm):
        if stem.startswith("ال"):
            return stem
    return norm


def _growable(m: Mention, entity: Entity) -> bool:
    """May adjectives or a genitive grow this mention? Names do not grow ("جيش الإسلام
    المعارض" is "جيش الإسلام"); descriptions, references and national bodies do."""
    if m.kind not in GROWABLE_KINDS:
        return False
    if m.method == "anaphor" or _generic(entity):
        return True
    return entity.qid is None and m.kind in NATIONAL_KINDS


def extend_actor_phrases(
    text: str, analysis: Analysis, mentions: list[Mention], entities: dict[str, Entity]
) -> tuple[list[Mention], dict[str, Entity]]:
    """Mentions with descriptive actor phrases grown to their full span."""
    if not analysis.tokens:
        return mentions, entities
    return _Phrases(text, analysis, mentions, entities).run(), entities


class _Phrases:
    """One document's mentions, walked left to right, each grown where it can."""

    def __init__(
        self, text: str, analysis: Analysis, mentions: list[Mention], entities: dict[str, Entity]
    ) -> None:
        self.text = text
        self.tokens = analysis.tokens
        self.entities = entities
        self.ordered = sorted(mentions, key=lambda m: m.start)
        self.starting = {m.first_token: k for k, m in enumerate(self.ordered)}
        self.covered = [False] * len(self.tokens)
        for m in self.ordered:
            for t in range(m.first_token, m.end_token):
                self.covered[t] = True
        self.sentence_of = [0] * len(self.tokens)
        for sent in analysis.sentences:
            for t in range(sent.first_token, sent.end_token):
                self.sentence_of[t] = sent.index

    def run(self) -> list[Mention]:
        out: list[Mention] = []
        k = 0  # next mention of ``ordered`` not yet emitted
        i = 0
        while i < len(self.tokens):
            grown: Mention | None
            if k < len(self.ordered) and self.ordered[k].first_token <= i:
                grown = self.grow(self.ordered[k])
            else:
                grown = None if self.covered[i] else self.head_phrase(i)
                if grown is None:
                    i += 1
                    continue
            out.append(grown)
            while k < len(self.ordered) and self.ordered[k].first_token < grown.end_token:
                k += 1  # consumed by the grown phrase (longest span wins)
            i = grown.end_token
        return out

    def adjacent(self, j: int) -> bool:
        """Does token ``j`` follow token ``j - 1`` inside one phrase (one space, a joiner)?"""
        gap = self.text[self.tokens[j - 1].end : self.tokens[j].start]
        return gap in ("", " ", "\u00a0") or self.tokens[j - 1].norm == "_"

    def adjectives(self, j: int, definite: bool) -> int:
        """The token after the adjectives that start at token ``j`` (``j`` if none). They stop
        at a token another mention holds ("المقاتلين المعارضين والمدنيين")."""
        tokens, covered = self.tokens, self.covered
        count = 0
        stop = len(tokens)
        while j < stop and count < MAX_ADJECTIVES and self.adjacent(j) and not covered[j]:
            tok = tokens[j]
            negated = count and tok.norm == "غير" and j + 1 < stop and not covered[j + 1]
            if negated and is_adjective(tokens[j + 1].norm, definite):  # "غير الشرعية"
                j, count = j + 2, count + 1
                continue
            if not tok.is_word:
                if tok.norm == "_" and j + 1 < stop:  # hashtag: "#الميليشيات_الإيرانية"
                    j += 1
                    continue
                break
            norm = tok.norm
            if _head_at(tok) is not None and not (definite and is_adjective(norm, True)):
                break  # another phrase starts: "قناص حوثي جنديا حكوميا"
            if count and norm.startswith("و") and is_adjective(norm[1:], definite):
                norm = norm[1:]  # coordinated: "القوات السورية والروسية"
            if not is_adjective(norm, definite):
                break
            j, count = j + 1, count + 1
        if j > 0 and tokens[j - 1].norm == "_":
            j -= 1
        return j

    def next_mention(self, end: int) -> Mention | None:
        """The mention that starts right at token ``end``, joined to the token before."""
        if end >= len(self.tokens) or not self.adjacent(end):
            return None
        k = self.starting.get(end)
        if k is None and self.tokens[end].norm == "_":
            k = self.starting.get(end + 1)
        return None if k is None else self.ordered[k]

    def grow(self, m: Mention) -> Mention:
        """Mention ``m`` grown over its genitive or its adjectives."""
        if not _growable(m, self.entities[m.entity_key]):
            return m
        definite = is_definite(_strip_clitic(self.tokens[m.end_token - 1].norm))
        nxt = self.next_mention(m.end_token)
        if nxt is not None:
            head = _head_at(self.tokens[m.end_token - 1])
            if head is not None and not definite and self.joins(head[0], nxt):
                return self.with_adjectives(self.merge(m, nxt))
            if self.describes(nxt, m, definite):
                return self.with_adjectives(self.merge(m, nxt))
        return self.with_adjectives(m)

    def joins(self, head: Head, nxt: Mention) -> bool:
        """Is ``nxt`` the genitive of ``head`` ("ميليشيات الحوثي", "مسلحي المعارضة")?"""
        if nxt.kind not in GENITIVE_KINDS:
            return False
        return head.joins_name or _generic(self.entities[nxt.entity_key])

    def describes(self, nxt: Mention, m: Mention, definite: bool) -> bool:
        """Is ``nxt`` an adjective phrase of ``m`` the recogniser took for a mention
        ("القوات" + "البحرية الإسرائيلية", "المقاتلين" + "السوريين")?"""
        if not is_adjective(self.tokens[nxt.first_token].norm, definite):
            return False
        return nxt.kind == m.kind or nxt.entity_key.startswith(NATIONALITY)

    def with_adjectives(self, m: Mention) -> Mention:
        last = _strip_clitic(self.tokens[m.end_token - 1].norm)
        end = self.adjectives(m.end_token, is_definite(last))
        if end == m.end_token:
            return m
        entity = self.entities[m.entity_key]
        if _generic(entity) and m.method != "anaphor":
            entity = self.local(m.kind, m.start, m.first_token, end)
        return replace(m, end=self.tokens[end - 1].end, end_token=end, entity_key=entity.key,
                       method="phrase")  # fmt: skip

    def merge(self, m: Mention, nxt: Mention) -> Mention:
        """Head ``m`` and its genitive (or adjective phrase) ``nxt`` as one mention."""
        dependent = self.entities[nxt.entity_key]
        own = _generic(dependent) or nxt.entity_key.startswith(NATIONALITY)
        if not own and (nxt.kind in ("armed_group", "state_force") or nxt.kind == m.kind):
            entity = dependent  # "ميليشيات الحوثي", "القوات البحرية الإسرائيلية"
        elif nxt.entity_key.startswith(NATIONALITY) and m.entity_key in self.entities:
            entity = self.entities[m.entity_key]
            if _generic(entity):  # "المقاتلين السوريين"
                entity = self.local(m.kind, m.start, m.first_token, nxt.end_token)
        else:  # "ميليشيات إيران", "عناصر الميليشيات"
            entity = self.local(m.kind, m.start, m.first_token, nxt.end_token)
        return replace(m, end=nxt.end, end_token=nxt.end_token, entity_key=entity.key,
                       kind=entity.kind, method="phrase")  # fmt: skip

    def local(self, kind: str, start: int, first: int, end: int) -> Entity:
        """The local entity of the phrase from ``start`` to the end of token ``end - 1``."""
        tokens = self.tokens
        lead = normalise(self.text[start : tokens[first].end])
        key_tokens = (lead, *(t.norm for t in tokens[first + 1 : end] if t.norm != "_"))
        label = display_form(self.text[start : tokens[end - 1].end]).replace("_", " ")
        entity = Entity(local_key(kind, key_tokens), kind, label)
        return self.entities.setdefault(entity.key, entity)

    def complement(self, j: int, head: Head) -> int:
        """How many tokens from ``j`` on are the longest of the head's complements."""
        tokens = self.tokens
        best = 0
        for words in head.complements:
            n = len(words)
            if (
                n > best
                and j + n <= len(tokens)
                and all(
                    self.adjacent(j + k) and tokens[j + k].norm == w for k, w in enumerate(words)
                )
            ):
                best = n
        return best

    def head_phrase(self, i: int) -> Mention | None:
        """A new mention for a head word at token ``i`` with adjectives or a genitive."""
        tokens = self.tokens
        found = _head_at(tokens[i])
        if found is None or (i > 0 and tokens[i - 1].norm in titles()):
            return None  # "وزير الإعلام اليمني": the ministry names a role
        head, plen = found
        tok = tokens[i]
        start = tok.start + (
            strip_diacritics_map(self.text[tok.start : tok.end], plen) if plen else 0
        )
        end = i + 1 + self.complement(i + 1, head)  # "سلاح الجو", "قوات حرس الحدود"
        if end == i + 1 and head.complement_required:
            return None
        definite = is_definite(_strip_clitic(tokens[end - 1].norm))
        seed = Mention(start, tokens[end - 1].end, "", head.kind, self.sentence_of[i], i, end,
                       "phrase", 0.5)  # fmt: skip
        nxt = self.next_mention(end)
        if nxt is not None and end == i + 1 and not definite and self.joins(head, nxt):
            return self.with_adjectives(self.merge(seed, nxt))
        if nxt is not None and nxt.entity_key.startswith(NATIONALITY) and definite:
            return self.with_adjectives(self.merge(seed, nxt))  # "الجنود الإيرانيين"
        adj_end = self.adjectives(end, definite)
        if adj_end == end and end == i + 1:
            return None
        entity = self.local(head.kind, start, i, adj_end)
        return replace(seed, end=tokens[adj_end - 1].end, end_token=adj_end,
                       entity_key=entity.key)  # fmt: skip
