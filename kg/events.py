"""Events: triggers from a lexicon, roles from Arabic clause structure, counts, times.

For each sentence: find trigger words (``kg/data/triggers.tsv``), decide whether the sentence
denies or hedges them, fill roles from the mentions around each trigger, read figures
(``kg/data/count_nouns.tsv``) and time expressions, then merge what tells one happening:
a killing and the strike that caused it in one sentence are one event, and the same happening
told twice in a document is one event with both triggers (``kg/event_merge.py``). Triggers
and polarity live in ``kg/triggers.py``, roles in ``kg/roles.py``, figures in ``kg/tolls.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from kg.dates import find_times, publication_time
from kg.event_merge import VIOLENT, merge_in_document, merge_in_sentence
from kg.model import Analysis, Document, Event, Mention, TimeValue, Token
from kg.roles import roles_of, sources_of
from kg.tolls import (
    attach_counts,
    by_toll,
    counts_in,
    implicit_tolls,
    killing_class,
    zero_tolls,
)
from kg.triggers import (
    Sentence,
    Trigger,
    find_triggers,
    near,
    polarity,
    reading,
    word_set,
)

AIR_WORDS = word_set.__wrapped__(
    "مقاتلات|المقاتلات|طائرات|الطائرات|طائرة|الطائرة|طائرتين|الطيران|طيران|مسيرة|المسيرة|درون|"
    "مروحية|مروحيات|جوي|جوية|غارة|الغارة|غارات|الغارات"
)
MISSILE_WORDS = word_set.__wrapped__(
    "صواريخ|الصواريخ|صاروخ|الصاروخ|صاروخا|قذائف|القذائف|قذيفة|مدفعية|المدفعية|كاتيوشا|هاون"
)


def _weapon_class(tokens: Sequence[Token], trig: Trigger) -> str | None:
    """An attack by aircraft is an air strike, by missiles or guns shelling ("استهدفت
    المقاتلات نقطة أمنية", "استهدفت الصواريخ الإسرائيلية مواقع")."""
    lo, hi = trig.first - 4, trig.end + 4
    if near(tokens, lo, hi, AIR_WORDS):
        return "AirStrike"
    if near(tokens, lo, hi, MISSILE_WORDS):
        return "Shelling"
    return None


DESTROYED_MISSILES = word_set.__wrapped__(
    "صاروخ|صاروخا|صاروخين|الصاروخ|صواريخ|الصواريخ|قذيفة|قذائف|القذائف"
)
DESTROYED_AIRCRAFT = word_set.__wrapped__("طائرة|طائرتين|طائرات|الطائرة|الطائرات|مسيرة|مسيرات")
AIR_FORCE = word_set.__wrapped__(
    "الجو|مقاتلات|المقاتلات|الطيران|طيران|مروحيات|المروحيات|غارة|غارات"
)


def _destruction_class(
    tokens: Sequence[Token], trig: Trigger, object_only: bool = False
) -> str | None:
    """What was destroyed, then by what: a missile shot down belongs to the missile attack,
    a drone to the drone strike («دمرت الدفاعات الجوية صاروخا باليستيا»); destruction by
    aircraft is an air strike («دمر سلاح الجو المفاعل»). None: property destroyed."""
    if near(tokens, trig.first - 3, trig.end + 6, DESTROYED_MISSILES):
        return "Shelling"  # «صاروخ باليستي اعترضته الدفاعات»: the missile told before too
    if near(tokens, trig.first - 3, trig.end + 6, DESTROYED_AIRCRAFT):
        return "AirStrike"
    if not object_only and near(tokens, trig.first - 4, trig.end + 4, AIR_FORCE):
        return "AirStrike"
    return None


TRANSITIVE_MASDARS = ("تحرير", "دحر", "استعاده", "طرد", "اقتحام", "تطهير")


def _doers(
    roles: list[tuple[str, int]], trig: Trigger, ms: list[Mention], tokens: Sequence[Token]
) -> list[tuple[str, int]]:
    """The roles as far as they tell who did it: the genitive of a transitive masdar is what
    was acted upon («تم خلالها دحر الميليشيات»: the militias were routed), not who acted."""
    passive = any(  # «تم (خلالها) دحر …»
        tokens[k].norm in ("تم", "يتم", "جري", "وتم")
        for k in range(max(trig.first - 2, 0), trig.first)
    )
    if (trig.pos != "noun" and not passive) or not trig.stem.removeprefix("ال").startswith(
        TRANSITIVE_MASDARS
    ):
        return roles
    # the genitive follows at once, or after a hashtag sign («دحر #الميليشيات»)
    genitive = (trig.end, trig.end + 1)
    return [(r, i) for r, i in roles if not (r == "agent" and ms[i].first_token in genitive)]


def _shot_down(tokens: Sequence[Token], trig: Trigger) -> bool:
    lo, hi = trig.first - 3, trig.end + 6
    return near(tokens, lo, hi, DESTROYED_MISSILES) or near(tokens, lo, hi, DESTROYED_AIRCRAFT)


def _resolve_class(
    cls: str,
    roles: list[tuple[str, int]],
    ms: list[Mention],
    trigger_norm: str,
    weapon: str | None = None,
) -> str:
    kinds: dict[str, str] = {}
    for r, i in roles:  # the first of a role is its main filler (a co-agent comes after)
        kinds.setdefault(r, ms[i].kind)
    if cls == "TakeControl":
        if kinds.get("agent") in ("state_force", "government"):
            return "GovernmentRegainsTerritory"
        if kinds.get("agent") == "armed_group":
            return "NonStateActorTakesTerritory"
        # retaking, liberating, clearing or routing («دحر الميليشيات») is what states are told
        # doing; a bare «سيطر» with no agent is a group's taking
        regain = any(w in trigger_norm for w in ("استعاد", "حرر", "تحرير", "طهر", "دحر", "طرد"))
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
    # triggers that only name again a happening told elsewhere in the article: an event of
    # their own only when it joins such a telling («العملية العسكرية» of an operation launched)
    referring: set[tuple[int, int]] = set()
    for s in analysis.sentences:
        sent = Sentence(mentions, by_sentence.get(s.index, []))
        found = find_triggers(tokens, s.first_token, s.end_token, taken)
        triggers = [r for t in found if (r := reading(t, tokens, sent)) is not None]
        strong_violent = any(t.cls in VIOLENT and t.constraint != "weak" for t in triggers)
        live = [
            t
            for t in triggers
            if t.cls not in ("Injury", "NonEvent") and (t.constraint != "weak" or strong_violent)
        ]
        if any(not _alone(t) for t in live):  # a statement only when nothing else
            live = [t for t in live if not _alone(t)]  # happens in its sentence
        live = _without_seized_shells(live, tokens)
        referring |= {(tokens[t.first].start, tokens[t.end - 1].end) for t in live
                      if t.constraint == "refers"}  # fmt: skip
        if not live:  # nothing happens in this sentence: no need for its times and figures
            continue
        sources = sources_of(tokens, sent)
        times = find_times(tokens, s.first_token, s.end_token, doc.text, doc.date)
        counts = counts_in(tokens, s.first_token, s.end_token)
        local: list[Event] = []
        for trig in live:
            negated, hedged = polarity(tokens, trig, s.first_token)
            roles, place = roles_of(tokens, trig, sent, sources)
            norm = " ".join(tokens[k].norm for k in range(trig.first, trig.end))
            if trig.cls in ("Destruction", "Interception"):
                near = _destruction_class(tokens, trig, trig.cls == "Interception")
                if near is None and trig.cls == "Interception":
                    continue  # «اعترض على القرار»: an objection, not a missile shot down
                if near is not None and _shot_down(tokens, trig):  # who shot it down did not
                    roles = [(r, i) for r, i in roles if r != "agent"]  # launch it
            elif trig.cls in ("Attack", "Shelling"):
                near = _weapon_class(tokens, trig)
            else:
                near = None
            weapon = near if trig.cls in ("Attack", "Destruction", "Interception") else None
            bombardment = (  # a bare "قصف", not "قصف مدفعي"
                trig.cls == "Shelling"
                and trig.end - trig.first == 1
                and trig.stem.removeprefix("ال").startswith("قصف")
            )
            if bombardment and near == "AirStrike":  # "قصفت طائرات حربية": an air strike
                weapon = "AirStrike"
            cls = _resolve_class(
                trig.cls, _doers(roles, trig, mentions, tokens), mentions, norm, weapon
            )
            vague = (trig.cls == "Attack" and cls == "ArmedClash") or (bombardment and near is None)
            time = _own_time(trig, _time_takers(tokens, live, trig), times) or pub
            span = (tokens[trig.first].start, tokens[trig.end - 1].end)
            # a definite noun ("الغارة", "بالهجوم") may refer back to a happening told before
            back = (
                trig.pos == "noun"
                and (trig.stem.startswith("ال") or _definite_construct(tokens, trig, taken))
                and not _between_follows(tokens, trig)
            )
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
        counts += implicit_tolls(tokens, triggers, s.first_token, s.end_token, mentions, sent)
        local, zero = zero_tolls(local)
        for part, figures in by_toll(local, counts + zero):
            part = [_destruction(e) for e in merge_in_sentence(part)]
            events += [killing_class(e, mentions) for e in attach_counts(part, figures)]
    merged = merge_in_document(events, mentions, country_of, doc.text)
    return [
        replace(e, cls="Looting") if e.cls == PROPERTY_DESTROYED else e
        for e in merged
        if not set(e.triggers) <= referring
    ]


SHELLS = word_set.__wrapped__("وقذائف|والقذائف")  # one more item of a list


def _without_seized_shells(live: list[Trigger], tokens: Sequence[Token]) -> list[Trigger]:
    """Shells listed after a seizure, with no firing told in the sentence, are what was
    seized («استعادة الجيش لكميات من الأسلحة، أبرزها … و120 قذيفة هاون، وقذائف …»); not
    shells that fell («بعد أن سقطت قذائف»)."""
    seized = [t.first for t in live if t.cls == "Looting"]
    if not seized:
        return live

    def shells(t: Trigger) -> bool:
        return t.cls == "Shelling" and t.end - t.first == 1 and tokens[t.first].norm in SHELLS

    if any(t.cls in ("Shelling", "AirStrike") and not shells(t) for t in live):
        return live
    return [t for t in live if not (shells(t) and t.first > min(seized))]


def _between_follows(tokens: Sequence[Token], trig: Trigger) -> bool:
    """«الاشتباكات العنيفة بين القوات التركية والوحدات الكردية»: naming who fought makes a
    definite noun a telling of its own, not a reference back."""
    return any(tokens[k].norm == "بين" for k in range(trig.end, min(trig.end + 3, len(tokens))))


def _alone(trig: Trigger) -> bool:
    return "alone" in trig.constraint.split(";")


def _definite_construct(tokens: Sequence[Token], trig: Trigger, taken: list[int]) -> bool:
    """A noun made definite by what it governs («إطلاق الصواريخ»: the launching of the
    missiles): a thing, not an actor («قصف النظام» names who shelled)."""
    k = trig.end
    return (
        trig.end - trig.first == 1
        and k < len(tokens)
        and tokens[k].norm.startswith("ال")
        and taken[k] < 0
    )


PROPERTY_DESTROYED = "PropertyDestruction"


def _destruction(ev: Event) -> Event:
    """Destruction that is no part of a strike or a battle of its sentence is the destruction
    of property («تدمير مخازن للسلاح»: ACLED's looting/property destruction). It is told
    apart from a seizure («عثر على أسلحة») while tellings are merged, then is Looting."""
    return replace(ev, cls=PROPERTY_DESTROYED) if ev.cls == "Destruction" else ev


# "بعد معارك", "إثر غارات": a happening told as the background of the main one
BACKGROUND_WORDS = frozenset({"بعد", "وبعد", "اثر", "عقب", "قبل"})


def _time_takers(tokens: Sequence[Token], live: list[Trigger], trig: Trigger) -> list[Trigger]:
    """The triggers that compete with ``trig`` for the sentence's time expressions. One told
    as background ("استعاد الجيش السيطرة على المدينة بعد معارك … أمس") does not take the main
    clause's time away from it."""
    return [
        t
        for t in live
        if t is trig or t.first == 0 or tokens[t.first - 1].norm not in BACKGROUND_WORDS
    ]


def _own_time(
    trig: Trigger, triggers: list[Trigger], times: list[tuple[int, int, TimeValue]]
) -> TimeValue | None:
    """The nearest time expression that is nearer to this trigger than to any other: in
    "دعت الأمم المتحدة الجمعة إلى تحقيق في القصف" Friday is the appeal's, not the strike's."""

    def gap(t: tuple[int, int, TimeValue], tr: Trigger) -> int:
        return tr.first - t[1] if t[1] <= tr.first else max(t[0] - tr.end, 0)

    own = [t for t in times if min(triggers, key=lambda tr: gap(t, tr)) is trig]
    return min(own, key=lambda t: gap(t, trig))[2] if own else None
