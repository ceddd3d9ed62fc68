"""The trigger lexicon (kg/data/triggers.tsv): readings chosen by context, generated forms."""

from tests.conftest import classes


def facts(ex) -> list[str]:
    return sorted(classes(ex))


def test_events_recovering_weapons_is_a_seizure_recovering_a_town_a_retaking(run):
    assert facts(run("وتمكن الجيش من استعادة كميات من الأسلحة والذخائر.")) == ["Looting"]
    assert facts(run("استعاد الجيش اليمني السيطرة على منطقة بير السلامي.")) == [
        "GovernmentRegainsTerritory"
    ]
    assert facts(run("وعثرت القوات على كمية من المتفجرات في المنزل.")) == ["Looting"]


def test_events_drones_are_no_march_and_shells_made_are_no_shelling(run):
    assert "Protest" not in facts(run("ودمرت الغارات مخازن لطائرات مسيرة في المدينة."))
    assert "Protest" in facts(run("خرجت مسيرة حاشدة في المدينة ضد الحصار."))
    assert "Shelling" not in facts(run("واستهدفت الغارات مصانع لإنتاج القذائف في المدينة."))
    assert "Shelling" in facts(run("وسقطت قذائف على حي سكني في المدينة."))


def test_events_a_denial_is_no_refusal(run):
    assert "Rejection" not in facts(run("ونفت الحكومة هذه الاتهامات."))
    assert "Rejection" in facts(run("ورفضت الحكومة المبادرة."))


def test_events_opening_fire_is_no_missile_attack(run):
    classes = facts(run("وأطلق الجنود النار على المتظاهرين قرب الحدود."))
    assert "Shelling" not in classes and classes, classes
    assert facts(run("وأطلقت الميليشيا صاروخا على المدينة.")) == ["Shelling"]


def test_events_what_was_destroyed_decides_the_class(run):
    assert facts(run("ودمرت الدفاعات الجوية صاروخا أطلقه الحوثيون على المدينة.")) == ["Shelling"]
    assert facts(run("ودمر سلاح الجو مفاعلا في الصحراء.")) == ["AirStrike"]
    assert facts(run("وتمكن الجيش من تدمير مخازن للسلاح تابعة للميليشيات.")) == ["Looting"]


def test_events_possessive_forms_of_nouns_are_triggers(run):
    assert facts(run("وجددت الحكومة دعواتها إلى وقف الحرب.")) == ["Appeal"]
    assert facts(run("وحمل الرئيس الجيش مسؤولية مقتل المتظاهرين.")) == ["Killing", "Statement"]


def test_events_a_habit_and_the_content_of_an_agreement_are_not_facts(run):
    assert "Statement" not in facts(run("لكن دمشق عادة ما تتهم إسرائيل بشن غارات."))
    ex = run("أعلنت روسيا التوصل إلى اتفاق مبدئي على انسحاب مقاتلي المعارضة من المدينة.")
    assert "Withdrawal" not in facts(ex)
    assert any(e.cls == "Withdrawal" and e.hedged for e in ex.events)


def test_events_fighters_named_before_the_verb_of_leaving(run):
    assert facts(run("وكانت عناصر الجيش غادرت المدينة في عام 2012.")) == ["Withdrawal"]
    assert facts(run("وغادر الوزير المدينة أمس.")) == []


def test_events_an_operation_named_again_is_an_event_only_with_its_launch(run):
    ex = run("أطلق الجيش عملية عسكرية في ريف إدلب أمس. وقال المتحدث إن العملية العسكرية مستمرة.")
    [offensive] = [e for e in ex.events if e.cls == "OffensiveAnnounced"]
    assert len(offensive.triggers) == 2
    ex = run("وقال المتحدث إن العملية العسكرية مستمرة في ريف إدلب.")
    assert "OffensiveAnnounced" not in facts(ex)
    ex = run("وكانت العمليات العسكرية التي يخوضها الجيش قد أسفرت عن تحرير عدة قرى.")
    assert "OffensiveAnnounced" in facts(ex)


def test_events_an_accusation_names_two_parties(run):
    assert facts(run("واتهمت الحكومة اليمنية الحوثيين بقصف الأحياء السكنية.")) == [
        "Shelling",
        "Statement",
    ]
    # passive: only the accused is named before what the accusation is about
    assert "Statement" not in facts(run("وذلك إثر هجوم اتهم النظام السوري بتنفيذه."))


def test_events_praise_and_condemnation_nouns_are_not_verbs_with_a_suffix(run):
    assert "Statement" not in facts(run("ويحظى المحافظ بإشادة واسعة في المدينة."))


def test_events_an_announcement_is_a_statement_only_when_nothing_else_happens(run):
    assert facts(run("أعلنت روسيا دعمها الكامل للحكومة.")) == ["Statement"]
    assert facts(run("أعلن الجيش أنه شن غارة على المدينة.")) == ["AirStrike"]


def test_events_a_missile_shot_down_is_a_telling_of_the_missile_attack(run):
    ex = run("اعترضت الدفاعات الجوية مساء الإثنين صاروخا باليستيا أطلقه الحوثيون باتجاه المدينة.")
    assert facts(ex) == ["Shelling"]
    assert facts(run("واعترضت روسيا على صيغة القرار.")) == []


def test_events_preparing_for_a_taking_is_no_taking(run):
    ex = run("وتحشد القوات تعزيزاتها تمهيدا لبدء عملية عسكرية تتيح للجيش السيطرة على المدينة.")
    assert facts(ex) == []


def test_events_destroying_property_and_seizing_weapons_are_two_happenings(run):
    ex = run(
        "وعثر الجيش على كمية من المتفجرات في مواقع الميليشيات. "
        "وأوضح القائد أن الجيش تمكن من تدمير مخازن للسلاح مطلع الأسبوع."
    )
    assert [e.cls for e in ex.events] == ["Looting", "Looting"]
    ex = run("وهدم الجيش مئات المنازل في المدينة. وتواصلت أعمال الهدم أمس.")
    assert [e.cls for e in ex.events] == ["Looting"]


def test_events_declarations_replies_and_interventions(run):
    assert "Statement" in facts(run("وكان العراق أعلن في ديسمبر النصر على التنظيم."))
    assert "Statement" in facts(run("وقالت إن الحلف يعلن دعمه للضربات على المواقع."))
    assert facts(run("رد الوزير السعودي على نظيرته الكندية في مؤتمر.")) == ["Statement"]
    assert "Statement" not in facts(run("وقصفت الطائرات المدينة ردا على إطلاق صواريخ."))
    assert facts(run("وتدخلت السعودية على رأس التحالف العسكري في 2015.")) == ["OffensiveAnnounced"]
    assert facts(run("وتمكنت قوات الجيش من دخول مدينة البرح بعد أيام.")) == [
        "GovernmentRegainsTerritory"
    ]
    assert facts(run("وسمحت السلطات بدخول مدينة المساعدات.")) == []


def test_polarity_a_negator_written_with_its_conjunction(run):
    ex = run("ولم يصدر حتى الآن رد رسمي عن الجيش على التقرير.")
    assert ex.events and all(e.negated for e in ex.events)


def test_events_what_a_masdar_governs_is_what_was_acted_upon(run):
    ex = run("وتم خلالها دحر #الميليشيات_الانقلابية من مفرق الوازعية.")
    assert facts(ex) == ["GovernmentRegainsTerritory"]
    ex = run("وسيطرت الميليشيات على مفرق الوازعية.")
    assert facts(ex) == ["NonStateActorTakesTerritory"]


def test_events_a_response_and_a_named_intervention_are_no_events_of_their_own(run):
    assert "Statement" not in facts(run("وشنت الطائرات غارات في ردها على هجوم صاروخي."))
    assert facts(run("وقال المحافظ إن التدخل العسكري هو السبيل الوحيد.")) == []


def test_events_an_announcement_cited_as_the_source_is_no_statement(run):
    assert facts(run("وبحث الرئيسان الأزمة في مكالمة، حسبما أعلنت الرئاسة المصرية.")) == []
    assert facts(run("وكانت مصادر طبية أعلنت أن شخصين قتلا في المدينة.")) == ["Killing"]


def test_events_what_is_asked_for_is_not_a_fact(run):
    ex = run("ورفض الفيلق طلب جيش الإسلام بطرد عناصر الهيئة من الغوطة.")
    assert "NonStateActorTakesTerritory" not in facts(ex)
    assert "Rejection" in facts(ex)


def test_events_an_accusation_with_its_object_as_a_pronoun_is_passive(run):
    ex = run("وجاءت الضربات ردا على الهجوم الكيميائي الذي اتهمت به دمشق في دوما.")
    assert "Statement" not in facts(ex)


def test_events_a_two_letter_verb_with_wa_and_a_campaign_waged(run):
    # «حث» is too short to lose its «و» as a clitic: the lexicon lists «وحث» itself
    assert facts(run("وحث الوزير الأطراف المتحاربة على وقف القتال.")) == ["Appeal"]
    assert facts(run("وتخوض القوات الحكومية حملة عسكرية في شمال البلاد.")) == ["OffensiveAnnounced"]


def test_events_who_held_a_place_is_no_taking_in_any_reading(run):
    # «سيطرتها» is the noun with «ها», ruled out by «أثناء»; not the verb «سيطرت» + «ها»
    held = "وعانى السكان من الحصار الذي فرضته المليشيات أثناء سيطرتها على المنطقة."
    assert not {"NonStateActorTakesTerritory", "GovernmentRegainsTerritory"} & set(facts(run(held)))
    took = "وأعلنت المليشيات سيطرتها على المنطقة بعد معارك عنيفة."
    assert "NonStateActorTakesTerritory" in facts(run(took))


def test_events_shells_listed_after_a_seizure_are_what_was_seized(run):
    seized = "وعثرت القوات على كميات من الأسلحة، أبرزها 30 قذيفة هاون، وقذائف دبابات، وألغام."
    assert facts(run(seized)) == ["Looting"]
    fired = "وعثرت القوات على كميات من الأسلحة بعد أن سقطت قذائف على المدينة."
    assert "Shelling" in facts(run(fired))
