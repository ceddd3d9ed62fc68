"""One event per happening in a document: merging the tellings (kg/event_merge.py)."""

from kg.arabic import analyse
from kg.dates import find_times
from kg.event_merge import merge_in_document
from kg.model import Event, Mention, TimeValue


def _mention(start: int, end: int, key: str, kind: str, sentence: int) -> Mention:
    return Mention(start, end, key, kind, sentence, sentence * 10, sentence * 10 + 1, "t", 1.0)


def test_events_merge_a_bare_back_reference_joins_the_main_event_whatever_place_it_names():
    # «شنت طائرات غارة على إدلب» … «وأرجأ الوزير زيارته إلى الرياض بعد الغارة»
    idlib = _mention(0, 4, "local:region/idlib", "region", 0)
    riyadh = _mention(40, 45, "local:settlement/riyadh", "settlement", 1)
    first = Event("AirStrike", ((10, 14),), 0, (), 0)
    back = Event("AirStrike", ((50, 56),), 1, (), 1, back_reference=True)
    [one] = merge_in_document(
        [first, back],
        [idlib, riyadh],
        {"local:region/idlib": "Q858", "local:settlement/riyadh": "Q851"},
    )
    assert one.triggers == ((10, 14), (50, 56))


def test_events_merge_a_back_reference_with_its_own_time_stays_a_telling_of_its_own():
    idlib = _mention(0, 4, "local:region/idlib", "region", 0)
    hama = _mention(40, 45, "local:region/hama", "region", 1)
    monday = TimeValue("2018-04-02", "day", "الاثنين", (5, 12))
    year = TimeValue("2017", "year", "العام الماضي", (60, 72))
    first = Event("AirStrike", ((10, 14),), 0, (), 0, monday)
    again = Event("AirStrike", ((50, 56),), 1, (), 1, year, back_reference=True)
    assert len(merge_in_document([first, again], [idlib, hama])) == 2


def test_events_merge_a_back_reference_joins_the_first_telling_not_a_later_series():
    # the main strike, then «أكثر من عشر غارات منذ العام الماضي», then «الغارة الأخيرة»
    somalia = _mention(0, 4, "Q1045", "country", 0)
    monday = TimeValue("2018-04-02", "day", "الاثنين", (5, 12))
    year = TimeValue("2017", "year", "العام الماضي", (60, 72))
    strike = Event("AirStrike", ((10, 14),), 0, (), 0, monday)
    series = Event("AirStrike", ((50, 56),), 1, (), None, year)
    latest = Event("AirStrike", ((90, 96),), 2, (), None, back_reference=True)
    merged = merge_in_document([strike, series, latest], [somalia])
    assert [e.triggers for e in merged] == [((10, 14), (90, 96)), ((50, 56),)]


def test_events_merge_a_spokesman_beside_a_strike_does_not_make_it_another_strike():
    # «قصفت القوات الروسية المدينة» … «وقال المتحدث … إن القصف …»: a person is no armed agent
    forces = _mention(0, 14, "local:state_force/test-forces", "state_force", 0)
    speaker = _mention(40, 47, "nil:person", "person", 1)
    strike = Event("AirStrike", ((20, 24),), 0, (("agent", 0),), None)
    told = Event("AirStrike", ((50, 56),), 1, (("agent", 1),), None)
    assert len(merge_in_document([strike, told], [forces, speaker])) == 1


def test_dates_a_month_named_without_a_year_is_the_latest_before_publication():
    text = "في 5 أيلول/سبتمبر، ومطلع مايو"
    toks = analyse(text).tokens
    found = [
        (t.value, t.precision) for _, _, t in find_times(toks, 0, len(toks), text, "2018-03-21")
    ]
    assert found == [("2017-09-05", "day"), ("2017-05", "month")]
    text = "في 20 مارس"
    toks = analyse(text).tokens
    [(_, _, t)] = find_times(toks, 0, len(toks), text, "2018-03-21")
    assert t.value == "2018-03-20"


def test_events_merge_the_dead_of_both_sides_of_one_battle(run):
    ex = run(
        "وقال الحاكم إن أكثر من 300 مسلح قتلوا في معركة في المدينة. "
        "وأشار إلى أن 25 جنديا قتلوا أيضا في المعركة."
    )
    assert [e.cls for e in ex.events] == ["ArmedClash"], [e.cls for e in ex.events]


def test_events_merge_a_killing_joins_the_nearest_attack(run):
    ex = run(
        "وأشار المرصد إلى وقوع غارتين على بلدة دوما، فضلا عن مقتل امرأة جراء قصف "
        "بقذائف مدفعية استهدف بلدة حمورية."
    )
    killed = [e for e in ex.events if any(ex.document.text[a:b] == "مقتل" for a, b in e.triggers)]
    assert [e.cls for e in killed] == ["Shelling"], [(e.cls, e.triggers) for e in ex.events]


def test_events_merge_a_retaking_and_the_strikes_beside_it_are_two_events(run):
    ex = run("وجاءت الضربات بعد استعادة القوات الحكومية السيطرة على بلدة دوما.")
    assert sorted(e.cls for e in ex.events) == ["AirStrike", "GovernmentRegainsTerritory"]


def test_events_merge_a_descriptive_phrase_and_a_state_s_forces_are_no_other_perpetrator():
    houthis = _mention(0, 5, "Q3042087", "armed_group", 0)
    militias = _mention(40, 49, "local:armed_group/militias", "armed_group", 1)
    army = _mention(80, 95, "Q58967", "state_force", 2)
    israel = _mention(120, 127, "Q801", "country", 3)
    jaysh = _mention(160, 170, "local:armed_group/jaysh-al-islam", "armed_group", 4)
    shelled = Event("Shelling", ((10, 14),), 0, (("agent", 0),), None)
    again = Event("Shelling", ((50, 54),), 1, (("agent", 1),), None)
    assert len(merge_in_document([shelled, again], [houthis, militias])) == 1
    struck = Event("AirStrike", ((100, 104),), 2, (("agent", 2),), None)
    told = Event("AirStrike", ((130, 134),), 3, (("agent", 3),), None)
    ms = [houthis, militias, army, israel]
    assert len(merge_in_document([struck, told], ms, {"Q58967": "Q801", "Q801": "Q801"})) == 1
    other = Event("Shelling", ((180, 184),), 4, (("agent", 4),), None)
    ms = [houthis, militias, army, israel, jaysh]
    assert len(merge_in_document([shelled, other], ms)) == 2  # two named groups


def test_events_merge_a_definite_noun_with_no_speaker_tells_a_statement_again():
    army = _mention(0, 14, "Q58967", "state_force", 0)
    said = Event("Statement", ((20, 26),), 0, (("agent", 0),), None)
    again = Event("Statement", ((50, 58),), 1, (), None, back_reference=True)
    assert len(merge_in_document([said, again], [army])) == 1
    other = Event("Statement", ((50, 58),), 1, (), None)  # a verb with no speaker found
    assert len(merge_in_document([said, other], [army])) == 2


def test_events_a_noun_made_definite_by_a_thing_refers_back(run):
    # the launching is told again in a sentence that names another country: still one event
    ex = run(
        "أطلقت الميليشيا صاروخا على مدينة نجران. "
        "وقال وزير في القاهرة إن إطلاق الصواريخ على المدن مخالف للقانون."
    )
    assert [(e.cls, len(e.triggers)) for e in ex.events] == [("Shelling", 2)]


def test_events_merge_a_threatened_strike_is_no_telling_of_the_attack_beside_it(run):
    ex = run("وكرر الرئيس تهديداته بتوجيه ضربات صاروخية ردا على هجوم كيميائي على دوما.")
    assert [e.cls for e in ex.events if not e.hedged] == ["AttackOnCivilians"]


def test_events_merge_what_a_missile_was_meant_to_strike_is_the_missile(run):
    ex = run(
        "ونشرت السلطات صورة شظايا صاروخ باليستي اعترضته الدفاعات الجوية في طريقه لاستهداف منطقة جازان."
    )
    assert [(e.cls, e.hedged, len(e.triggers)) for e in ex.events] == [("Shelling", False, 3)]


def test_events_merge_a_part_of_a_place_named_by_a_direction_is_that_place(run):
    ex = run(
        "وبدأ الجيش عملية شاملة في سيناء في فبراير الماضي. "
        "وتشن قوات الأمن حملة عسكرية في شمال سيناء منذ أشهر."
    )
    assert [e.cls for e in ex.events] == ["OffensiveAnnounced"], [e.cls for e in ex.events]


def test_events_merge_one_place_name_told_twice_is_one_place():
    # the same name linked to two entries (a region and a NIL place) in one article
    text = "الغوطة الشرقية" + " " * 26 + "الغوطة الشرقية"
    ghouta = _mention(0, 14, "local:region/ghouta", "region", 0)
    again = _mention(40, 54, "local:region/AlgwTh_Alcrqyh", "region", 1)
    a = Event("GovernmentRegainsTerritory", ((20, 26),), 0, (), 0)
    b = Event("GovernmentRegainsTerritory", ((60, 66),), 1, (), 1)
    assert len(merge_in_document([a, b], [ghouta, again], None, text)) == 1
    assert len(merge_in_document([a, b], [ghouta, again])) == 2  # without the text


def test_events_who_shot_a_missile_down_did_not_launch_it(run):
    ex = run("ودمرت الدفاعات الجوية السعودية طائرة مسيرة فوق مدينة نجران.")
    [drone] = ex.events
    assert drone.cls == "AirStrike" and not [r for r, _ in drone.roles if r == "agent"]


def test_events_merge_a_hoped_for_taking_is_no_telling_of_a_past_retaking(run):
    ex = run(
        "وفي حال تمت السيطرة على مدينة الحديدة فسيكون ذلك أكبر انتصار منذ استعادة "
        "القوات الحكومية خمس محافظات في 2015."
    )
    assert [e.cls for e in ex.events if not e.hedged] == ["GovernmentRegainsTerritory"]
    assert [e.cls for e in ex.events if e.hedged]


def test_dates_a_deadline_ahead_keeps_the_year_of_publication():
    for text, value in (
        ("أمهل الأوروبيين حتى 12 أيار/مايو", "2018-05-12"),
        ("في مايو المقبل", "2018-05"),
    ):
        toks = analyse(text).tokens
        [(_, _, t)] = find_times(toks, 0, len(toks), text, "2018-03-21")
        assert t.value == value


def test_events_merge_fighting_between_named_sides_is_a_telling_of_its_own(run):
    ex = run(
        "وتصدت المعارضة المسلحة لهجوم القوات الحكومية على حرستا. "
        "وفي الشمال، لم يحل القرار دون تواصل الاشتباكات العنيفة بين القوات التركية "
        "ووحدات حماية الشعب الكردية في منطقة عفرين."
    )
    clashes = [e for e in ex.events if e.cls == "ArmedClash" and not (e.negated or e.hedged)]
    assert len(clashes) == 2, [(e.cls, e.triggers, e.negated) for e in ex.events]


def test_events_merge_a_later_telling_naming_the_agent_with_its_allies_adds_the_allies():
    # «شنت الولايات المتحدة غارات على الرقة» … «ضربات الولايات المتحدة وبريطانيا وفرنسا»
    us = _mention(0, 4, "Q30", "country", 0)
    us_again = _mention(40, 44, "Q30", "country", 1)
    uk = _mention(45, 50, "Q145", "country", 1)
    fr = _mention(51, 55, "Q142", "country", 1)
    fighters = _mention(60, 65, "local:armed_group/test-brigade", "armed_group", 1)
    first = Event("AirStrike", ((10, 14),), 0, (("agent", 0),), None)
    again = Event("AirStrike", ((30, 36),), 1, (("agent", 1), ("agent", 2), ("agent", 3)), None)
    [one] = merge_in_document([first, again], [us, us_again, uk, fr, fighters])
    assert sorted(mi for role, mi in one.roles if role == "agent") == [0, 1, 2, 3]


def test_events_merge_one_speakers_statement_told_twice_is_one_whatever_places_it_names():
    # «اعترف الجيش الإسرائيلي بمسؤوليته عن الغارة في سوريا» … «ويأتي اعتراف إسرائيل في القدس»:
    # the state's forces and the state are one speaker; the places are what the words are about
    army = _mention(6, 22, "Q58967", "state_force", 0)
    syria = _mention(45, 49, "local:country/syria", "country", 0)
    israel = _mention(60, 66, "Q801", "country", 1)
    city = _mention(70, 76, "local:settlement/quds", "settlement", 1)
    countries = {"Q58967": "Q801", "Q801": "Q801", "local:settlement/quds": "Q801"}
    first = Event("Statement", ((0, 5),), 0, (("agent", 0),), 1)
    again = Event("Statement", ((52, 58),), 1, (("agent", 2),), 3)
    [one] = merge_in_document([first, again], [army, syria, israel, city], countries)
    assert one.triggers == ((0, 5), (52, 58))


def test_events_merge_two_speakers_statements_stay_two():
    # «أدانت تركيا الغارة» … «وأدانت إيران الهجوم»: what one party says is not what another says
    turkey = _mention(6, 11, "Q43", "country", 0)
    iran = _mention(40, 45, "Q794", "country", 1)
    first = Event("Statement", ((0, 5),), 0, (("agent", 0),), None)
    other = Event("Statement", ((33, 39),), 1, (("agent", 1),), None)
    assert len(merge_in_document([first, other], [turkey, iran], {})) == 2


def test_events_merge_one_speakers_appeals_with_places_of_their_own_stay_apart():
    # the rule is for statements: two appeals by one body about two places are two demands
    un = _mention(0, 6, "Q1065", "organisation", 0)
    idlib = _mention(20, 25, "local:region/idlib", "region", 0)
    gaza = _mention(60, 64, "local:region/gaza", "region", 1)
    first = Event("Appeal", ((8, 12),), 0, (("agent", 0),), 1)
    other = Event("Appeal", ((50, 55),), 1, (("agent", 0),), 2)
    countries = {"local:region/idlib": "Q858", "local:region/gaza": "Q407199"}
    assert len(merge_in_document([first, other], [un, idlib, gaza], countries)) == 2
