from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.linking import local_key
from kg.mentions import clitic_variants
from tests.conftest import surface


def keys(ex):
    return [(ex.document.text[m.start : m.end], m.entity_key) for m in ex.mentions]


def by_surface(ex):
    return {ex.document.text[m.start : m.end]: m for m in ex.mentions}


def test_clitic_variants_strip_conjunctions_prepositions_and_restore_the_article():
    assert ("حلب", 2) in clitic_variants("وبحلب")
    assert ("المرصد", 1) in clitic_variants("للمرصد")
    assert ("العراق", 2) in clitic_variants("وبالعراق")
    assert all(stem != "رقه" for stem, _ in clitic_variants("فرقه"))


def test_gazetteer_names_with_attached_clitics(run):
    ex = run("وصلت التعزيزات وبحلب اشتباكات، وقال للمرصد مصدر إن بالعراق وسوريا توترا.")
    found = dict(keys(ex))
    assert found["حلب"] == "Q41183"  # the city: a bare name is the city
    assert found["العراق"] == "Q796"
    assert found["سوريا"] == "Q858"
    assert found["لمرصد"] == "local:organisation/syrian-observatory-for-human-rights"


def test_span_after_lam_alif_contraction_starts_at_second_lam(run):
    text = "أرسلت الدول رسالة للجمعية العامة للأمم المتحدة."
    ex = run(text)
    assert "لجمعية العامة للأمم المتحدة" in surface(ex)
    m = next(m for m in ex.mentions if m.entity_key == "Q47423")
    assert text[m.start - 1 : m.start + 1] == "لل"


def test_spelling_variants_link_to_one_item(run):
    for name in ("سوريا", "سورية"):
        assert dict(keys(run(f"في {name} اليوم")))[name] == "Q858"
    for name in ("أميركا", "أمريكا"):
        assert dict(keys(run(f"قالت {name} إن")))[name] == "Q30"


def test_longest_match_wins(run):
    ex = run("وأشار المرصد السوري لحقوق الإنسان إلى معارك.")
    assert surface(ex) == ["المرصد السوري لحقوق الإنسان"]


def test_nisba_phrases_denote_state_forces_and_governments(run):
    ex = run("قصفت الطائرات الروسية البلدة، وقال النظام السوري إن الجيش التركي تقدم.")
    found = {s: (k, m.kind) for (s, k), m in zip(keys(ex), ex.mentions, strict=True)}
    assert found["الطائرات الروسية"][1] == "state_force"
    assert found["النظام السوري"] == ("Q131404661", "government")
    assert found["الجيش التركي"][1] == "state_force"
    # the shared table knows Russia's air force by its aircraft; other heads give its armed forces
    assert ex.entities[found["الطائرات الروسية"][0]].label_en == "Russian Aerospace Forces"
    forces = run("دخلت القوات الروسية والمروحيات الروسية")
    assert {forces.entities[m.entity_key].label_en for m in forces.mentions} == {
        "Russian Armed Forces"
    }


def test_hashtags_and_quoted_names(run):
    ex = run("أعلن #الجيش_اليمني السيطرة، وهاجم «جيش الإسلام» مقرا.")
    found = dict(keys(ex))
    assert found["جيش الإسلام"] == "local:armed_group/jaysh-al-islam"  # without the «»
    assert found["الجيش_اليمني"] == "local:state_force/yemen-armed-forces"  # without the #
    assert ex.entities[found["الجيش_اليمني"]].label_ar == "القوات اليمنية"


def test_place_head_admits_small_places_and_mints_unknown_ones(run):
    ex = run("تعرض حي كرم الميسر وبلدة كفرنبل للقصف.")
    found = dict(keys(ex))
    assert found["كفرنبل"] == "Q6346193"
    assert found["كرم الميسر"] == local_key("neighbourhood", ("كرم", "الميسر"))
    assert (
        next(m for m in ex.mentions if m.entity_key == found["كرم الميسر"]).kind == "neighbourhood"
    )


def test_head_word_chooses_governorate_or_city(run):
    city = dict(keys(run("في مدينة إدلب")))["إدلب"]
    province = dict(keys(run("في محافظة إدلب")))["إدلب"]
    countryside = dict(keys(run("في ريف إدلب الجنوبي")))["إدلب"]
    assert (city, province, countryside) == ("Q504657", "Q233218", "Q233218")


def test_facility_heads_are_part_of_the_name(run):
    ex = run("وصلت القوات إلى دوار الجزماتي قرب مطار حلب.")
    assert "دوار الجزماتي" in surface(ex)
    assert any(s.startswith("مطار") for s in surface(ex))


def test_common_words_and_plural_heads_do_not_become_places(run):
    ex = run("المدينة منكوبة، وهي ثلاثة أحياء تمكنت القوات من دخولها، وكان الأمل كبيرا.")
    assert surface(ex) == []


def test_unknown_names_merge_across_documents(run):
    a = run("في حي الشعار", doc_id="a")
    b = run("قرب حي الشعار أمس", doc_id="b")
    assert a.mentions[0].entity_key == b.mentions[0].entity_key


def test_generic_actor_phrases(run):
    ex = run("قتل 52 مدنياً بينهم ثلاثة أطفال وامرأتين، وهاجمت الفصائل المقاتلة قوات النظام.")
    kinds = {ex.document.text[m.start : m.end]: m.kind for m in ex.mentions}
    assert kinds["مدنياً"] == "civilians"
    assert kinds["أطفال"] == "civilians"
    assert kinds["الفصائل المقاتلة"] == "armed_group"
    assert kinds["قوات النظام"] == "state_force"


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "وبحلب",
                "في",
                "مدينة",
                "إدلب",
                "«جيش الإسلام»",
                "ـ",
                "القوات الروسية",
                "،",
                "\n",
                "حي",
                "الشعار",
                "للمرصد",
                "١٢",
                "قتيلاً",
                "x",
            ]
        ),
        max_size=25,
    )
)
def test_every_mention_span_lies_in_the_text_and_does_not_overlap(run, words):
    text = " ".join(words)
    ex = run(text)
    last_end = -1
    for m in ex.mentions:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end].strip() == text[m.start : m.end]
        assert m.start >= last_end
        last_end = m.end
        assert m.entity_key in ex.entities


def test_people_after_titles_and_their_later_short_names(run):
    ex = run(
        "وقال المتحدث باسم التحالف العقيد تركي المالكي إن الطائرات قصفت. وأضاف المالكي أن الهجوم فشل."
    )
    people = [
        (ex.document.text[m.start : m.end], m.entity_key) for m in ex.mentions if m.kind == "person"
    ]
    assert [p for p, _ in people] == ["تركي المالكي", "المالكي"]
    assert people[0][1] == people[1][1]


def test_people_by_given_name_kunya_and_compound_names(run):
    ex = run('قال جيمس ماتيس إن قتيلا يدعى "أبو حمزة المقدسي" سقط، وفق المحافظ عبد الفتاح حرحور.')
    assert [s for s, m in zip(surface(ex), ex.mentions, strict=True) if m.kind == "person"] == [
        "جيمس ماتيس",
        "أبو حمزة المقدسي",
        "عبد الفتاح حرحور",
    ]


def test_alef_maksura_collision_does_not_make_prepositions_names(run):
    ex = run("سيطرت القوات على الطرق الرئيسية وعلى مواقع الحوثيين.")
    assert all(m.kind != "person" for m in ex.mentions)


def test_anaphors_take_their_antecedent_or_the_documents_country(run):
    ex = run("سيطر الجيش اليمني على المدينة. وقال الجيش إن الحوثيين فروا من الميناء.")
    found = {ex.document.text[m.start : m.end]: m.entity_key for m in ex.mentions}
    assert found["الجيش"] == found["الجيش اليمني"]
    ex = run("قصفت الطائرات مدينة دوما في سوريا، وقالت الحكومة إنها استهدفت مسلحين.")
    gov = next(m for m in ex.mentions if ex.document.text[m.start : m.end] == "الحكومة")
    assert gov.kind == "government" and gov.method == "anaphor"


def test_letter_variants_of_alef_hamza_yaa_and_teh_marbuta_match_one_name(run):
    for written in ("إدلب", "ادلب", "أدلب"):
        assert dict(keys(run(f"في مدينة {written} أمس")))[written] == "Q504657"
    for written in ("الأمم المتحدة", "الامم المتحده", "الأمم المتّحدة"):
        assert dict(keys(run(f"وقالت {written} إن")))[written] == "Q1065"
    for written in ("سورية", "سوريه", "سوريا"):
        assert dict(keys(run(f"وصل إلى {written} وفد")))[written] == "Q858"


def test_joined_and_split_compound_names_are_one_person(run):
    joined = dict(keys(run("قال مدير المرصد رامي عبدالرحمن إن")))
    split = dict(keys(run("قال مدير المرصد رامي عبد الرحمن إن")))
    assert joined["رامي عبدالرحمن"] == split["رامي عبد الرحمن"] == "local:person/rami-abdulrahman"
    assert joined["المرصد"] == "local:organisation/syrian-observatory-for-human-rights"


def test_descriptive_actor_phrases_take_their_adjectives(run):
    ex = run(
        "قصفت الميليشيات الإيرانية وميليشيات شيعية مواقع فصائل معارضة، وأصاب قناص حوثي "
        "جنديا حكوميا، فيما اتهمت وسائل الإعلام الأمريكية والشعب اليمني الدول الغربية."
    )
    found = {s: m.kind for s, m in zip(surface(ex), ex.mentions, strict=True)}
    assert found == {
        "الميليشيات الإيرانية": "armed_group",
        "ميليشيات شيعية": "armed_group",
        "فصائل معارضة": "armed_group",
        "قناص حوثي": "armed_group",
        "جنديا حكوميا": "state_force",
        "وسائل الإعلام الأمريكية": "media",
        "الشعب اليمني": "civilians",
        "الدول الغربية": "government",
    }
    # a generic class grown into a description is an actor of its own, named as written
    militia = next(
        m for m in ex.mentions if m.start == 0 or surface(ex)[0] == "الميليشيات الإيرانية"
    )
    assert ex.entities[militia.entity_key].label_ar == "الميليشيات الإيرانية"
    assert militia.entity_key == local_key("armed_group", ("الميليشيات", "الايرانيه"))


def test_descriptive_phrases_stop_at_other_mentions_and_non_adjectives(run):
    ex = run(
        "أجلي آلاف المقاتلين المعارضين والمدنيين، وعادت فصائل أخرى إلى المدينة الأسبوع الماضي."
    )
    assert surface(ex)[:2] == ["المقاتلين المعارضين", "المدنيين"]
    assert "فصائل أخرى" not in surface(ex)
    ex = run("وقال وزير الإعلام اليمني إن التشكيلات المسلحة غير الشرعية انسحبت.")
    assert "الإعلام اليمني" not in surface(ex)  # a ministry in a title names a role
    assert "التشكيلات المسلحة غير الشرعية" in surface(ex)


def test_genitive_phrases_join_their_head_unless_the_head_names_members(run):
    ex = run("قصفت مقاتلات التحالف العربي تجمعا لميليشيات الحوثي، وانسحب مقاتلو جيش الإسلام.")
    found = dict(keys(ex))
    assert found["ميليشيات الحوثي"] == "Q3042087"  # the Houthis themselves
    assert found["جيش الإسلام"] == "local:armed_group/jaysh-al-islam"
    assert "مقاتلو جيش الإسلام" not in found
    ex = run("طرد الجيش ميليشيات إيران من الميناء.")
    militia = by_surface(ex)["ميليشيات إيران"]
    assert militia.kind == "armed_group" and militia.entity_key.startswith("local:armed_group/")


def test_nationality_plurals_and_two_word_nisba_heads(run):
    ex = run("أصيب 18 فلسطينيا، وقالت وزارة الدفاع الروسية إن الفلسطينيين والسوريين نزحوا.")
    found = {s: (m.kind, m.entity_key) for s, m in zip(surface(ex), ex.mentions, strict=True)}
    assert found["وزارة الدفاع الروسية"][0] == "government"
    assert found["الفلسطينيين"] == ("civilians", "local:civilians/nationality-state-of-palestine")
    assert found["السوريين"] == ("civilians", "local:civilians/nationality-syria")
    ex = run("قتل العديد من الجنود الإيرانيين.")
    assert [(s, m.kind) for s, m in zip(surface(ex), ex.mentions, strict=True)] == [
        ("الجنود الإيرانيين", "state_force")
    ]


def test_organisation_heads_in_the_name_but_not_descriptors_or_front_lines(run):
    ex = run("وقالت منظمة حماس إن فصيل جيش الإسلام ونقلت قناة المنار أن حزب العدل يؤيد.")
    found = dict(keys(ex))
    assert found["منظمة حماس"] == "Q38799"
    assert found["جيش الإسلام"] == "local:armed_group/jaysh-al-islam"  # "فصيل" describes it
    assert by_surface(ex)["قناة المنار"].kind == "media"
    assert ex.entities[found["حزب العدل"]].kind == "organisation"
    ex = run("أعلنت حركة «أحرار الجنوب» وتنظيم «ولاية حضرموت» مسؤوليتهما.")
    kinds = {s: m.kind for s, m in zip(surface(ex), ex.mentions, strict=True)}
    assert kinds == {"أحرار الجنوب": "organisation", "ولاية حضرموت": "armed_group"}


def test_place_heads_stay_out_of_gazetteer_names_that_repeat_them(run):
    ex = run("سقطت قذائف في محافظة اللاذقية وفي ريف دمشق.")
    found = dict(keys(ex))
    assert found["اللاذقية"] == "Q233236"  # the governorate; the head is not in the span
    assert "ريف دمشق" in found  # the governorate's own name keeps its first word


def test_names_set_off_by_commas_and_before_their_role(run):
    ex = run(
        "وقال المتحدث الرسمي باسم التحالف، العقيد الركن تركي المالكي، إن الدفاعات تصدت. "
        "وقال فرحان حق المتحدث باسم الأمم المتحدة إن الوضع خطير، وقال الرئيس الروسي فلاديمير "
        "بوتن إن بلاده لن تتدخل. وأضاف المالكي أن التحالف يرد."
    )
    people = [s for s, m in zip(surface(ex), ex.mentions, strict=True) if m.kind == "person"]
    assert people == ["تركي المالكي", "فرحان حق", "فلاديمير بوتن", "المالكي"]


def test_overlapping_candidates_resolve_the_same_way_every_time(run):
    text = "قصفت مقاتلات التحالف العربي لدعم الشرعية مواقع القوات الموالية للحكومة في الحديدة."
    first = keys(run(text))
    assert all(keys(run(text)) == first for _ in range(3))
    spans = [(m.start, m.end) for m in run(text).mentions]
    assert spans == sorted(spans) and all(a[1] <= b[0] for a, b in pairwise(spans))


# --- bad input: other scripts, control characters, digits, empty and very long documents ---

NOISE = (
    "ابتثجحخدذرزسشصضطظعغفقكلمنهويةىءأإآؤئ" "ًٌٍَُِّْ" "ـ" "٠١٢٣٤٥٦٧٨٩۱۲" "abcXYZ éж中🙂"
    "«»\"'،.؟!()#_-:" " \n\t\r" "\x00\x01\x07\x1b\x7f\u200f\u200e\ufeff\u2028\u0085"
)  # fmt: skip
WORDS = ["حلب", "وبحلب", "للمرصد", "القوات الروسية", "«جيش الإسلام»", "مدينة", "إدلب", "حي",
         "الميليشيات", "الإيرانية", "قتل ١٤ مدنياً", "Reuters said", "العقيد", "تركي المالكي"]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(WORDS), st.text(NOISE, max_size=12)), max_size=20))
def test_any_text_gives_mentions_whose_anchor_is_the_slice_in_the_graph(run, parts):
    import rdflib

    from kg.rdf import NIF, document_triples, nquads

    text = " ".join(parts)
    ex = run(text)
    for m in ex.mentions:
        assert 0 <= m.start < m.end <= len(text) and m.entity_key in ex.entities
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(data=nquads("urn:g", document_triples(ex)), format="nquads")
    anchors = 0
    for phrase, anchor in dataset.subject_objects(rdflib.URIRef(NIF + "anchorOf")):
        begin = int(dataset.value(phrase, rdflib.URIRef(NIF + "beginIndex")))
        end = int(dataset.value(phrase, rdflib.URIRef(NIF + "endIndex")))
        assert text[begin:end] == str(anchor)
        anchors += 1
    assert anchors >= len(ex.mentions)


def test_empty_foreign_and_digit_only_documents_go_through(run):
    for text in ("", "   \n\t ", "\x00\x07", "Reuters reported heavy fighting near Aleppo.",
                 "Les forces russes ont bombardé Idleb.", "١٢٣ ٤٥٦ 789", "🙂🙂"):  # fmt: skip
        ex = run(text)  # Latin names only where the gazetteer has them ("Reuters")
        assert all(m.method == "gazetteer" for m in ex.mentions if text[m.start : m.end].isascii())
    ex = run("قتل ١٤ مدنياً في حلب. The agency said 14 were killed in Aleppo.")
    assert surface(ex) == ["مدنياً", "حلب"]
    assert [t.norm for t in ex.analysis.tokens][1] == "14"  # Arabic-Indic digits read as numbers


def test_a_one_megabyte_document_keeps_every_offset(gaz):
    from kg.arabic import analyse
    from kg.coref import add_references
    from kg.linking import link
    from kg.mentions import find_candidates
    from kg.phrases import extend_actor_phrases

    paragraph = (
        "قصفت الطائرات الروسية بلدة كفرنبل بريف إدلب، وقال مدير المرصد رامي عبدالرحمن إن "
        "الميليشيات الإيرانية وقوات النظام تقدمت نحو حي الكلاسة في مدينة حلب.\n"
    )
    repeats = 1_000_000 // len(paragraph) + 1
    text = paragraph * repeats
    analysis = analyse(text)
    mentions, entities = link(text, analysis, find_candidates(text, analysis, gaz), gaz)
    mentions, entities = add_references(text, analysis, mentions, entities, gaz)
    mentions, _ = extend_actor_phrases(text, analysis, mentions, entities)
    width = len(paragraph)
    second = [(m.start - width, m.end - width) for m in mentions if width <= m.start < 2 * width]
    last = [(m.start - (repeats - 1) * width, m.end - (repeats - 1) * width)
            for m in mentions if m.start >= (repeats - 1) * width]  # fmt: skip
    assert len(second) >= 8 and last == second
    assert len(mentions) >= len(second) * (repeats - 1)


def test_a_corrupted_gazetteer_snapshot_is_a_clear_data_error(tmp_path):
    import gzip

    import pytest

    from kg.errors import DataError
    from kg.gazetteer import SNAPSHOT_COLUMNS, load_gazetteer

    header = "\t".join(SNAPSHOT_COLUMNS) + "\n"
    cases = {
        "truncated.tsv.gz": gzip.compress((header + "Q1\tQ1\tcountry\n").encode())[:-9],
        "binary.tsv": b"\xff\xfe\x00garbage",
        "header.tsv": b"key\tname\n",
        "columns.tsv": (header + "Q1\tQ1\tcountry\n").encode(),
        "number.tsv": (header + "Q1\tQ1\tcountry\tcountry\tس\t\tس\t\t\tX\t\t\t\t1\tx\n").encode(),
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(DataError) as caught:
            load_gazetteer(path)
        message = caught.value.message
        assert str(path) in message and "\n" not in message, message


def test_a_country_named_like_its_capital_is_the_country(run):
    assert dict(keys(run("عقد مجلس الأمن جلسة طارئة بطلب من الكويت.")))["الكويت"] == "Q817"
    assert dict(keys(run("وصل الوفد إلى مدينة الكويت.")))["الكويت"] != "Q817"


def test_the_government_of_syria_is_the_fallback_of_an_unnamed_government(run):
    ex = run("قصفت الطائرات مدينة دوما في سوريا، وقالت الحكومة إنها استهدفت مسلحين.")
    assert by_surface(ex)["الحكومة"].entity_key == "Q113519305"


def test_an_organisation_anaphor_takes_the_nearest_organisation_when_no_name_fits(run):
    ex = run(
        "قالت منظمة حقوق الإنسان «هيومن رايتس ووتش» إن الجيش هدم المنازل. وأضافت المنظمة "
        "أن الهدم مستمر، وطالبت منظمة حظر الأسلحة الكيميائية بتحقيق. وقالت المنظمة إنها سترسل "
        "بعثة."
    )
    refs = [m.entity_key for m in ex.mentions if ex.document.text[m.start : m.end] == "المنظمة"]
    assert refs == ["local:organisation/human-rights-watch", "Q842490"]


def test_family_names_may_start_with_teh_but_a_third_word_verb_ends_the_name(run):
    ex = run(
        "وأكد رئيس الوزراء الكندي جاستن ترودو، في بيان، موقف بلاده، وقال ميشيل تامر تكشف الأرقام."
    )
    people = [s for s, m in zip(surface(ex), ex.mentions, strict=True) if m.kind == "person"]
    assert people == ["جاستن ترودو", "ميشيل تامر"]


def test_an_adjective_after_a_facility_head_is_not_a_name(run):
    ex = run("قصفت الطائرات قاعدة جوية قرب دمشق، ثم استهدفت قاعدة حميميم وسجن صيدنايا.")
    assert "قاعدة جوية" not in surface(ex)
    assert {"قاعدة حميميم", "سجن صيدنايا"} <= set(surface(ex))


def test_al_qaeda_by_its_short_name_but_not_a_base(run):
    ex = run("قتل قيادي في القاعدة بغارة، فيما نفى المسؤول نقل هذه القاعدة أو القاعدة الجوية.")
    assert [k for s, k in keys(ex) if s == "القاعدة"] == ["Q34490"]


def test_the_kremlin_and_the_white_house_stand_for_their_governments(run):
    ex = run("قال الكرملين إن بوتين سيرد، وذكر البيت الأبيض في بيان أن ترامب اجتمع بمستشاريه.")
    found = {s: (m.kind, m.entity_key) for s, m in zip(surface(ex), ex.mentions, strict=True)}
    assert found["الكرملين"] == ("government", "local:government/russia-government")
    assert found["البيت الأبيض"] == ("government", "local:government/united-states-government")
