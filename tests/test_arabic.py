from camel_tools.utils.charsets import UNICODE_PUNCT_SYMBOL_CHARSET
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.arabic import analyse, camel_normalise, camel_tokenise, normalise, tokenise
from tests.conftest import dev_articles, needs_shared

SAMPLES = [
    "خاضت قوات النظام أمس، معارك عنيفة ضد «الفصائل المقاتلة» في شرق مدينة حلب.",
    "وقال مدير المرصد رامي عبدالرحمن: «قُتِلَ ١٢ مدنياً» (بينهم أطفال)!",
    '#الجيش_اليمني يستعيد مواقع… في صعدة؟ نعم؛ وفقاً لـ"سبأ".',
    "الحـــــوثيون أطلقوا صاروخاً باليستياً على نجران — 3.5 كلم.",
    "English words, mixed: الأمم المتحدة (UN) said 40% of aid arrived.",
]


def test_tokenise_matches_camel_tools_tokeniser():
    for text in SAMPLES:
        assert [text[t.start : t.end] for t in tokenise(text)] == camel_tokenise(text)


@needs_shared
def test_tokenise_matches_camel_tools_on_real_news():
    for row in dev_articles(60):
        text = row["text"]
        assert [text[t.start : t.end] for t in tokenise(text)] == camel_tokenise(text)


def test_normalise_matches_camel_normalisation_chain():
    words = ["أُمُّ", "إدلب", "آمِرُ", "مستشفى", "مدينةٌ", "الإسلام", "قُتِلوا", "ٱلله"]
    for w in words:
        assert normalise(w) == camel_normalise(w)


def test_normalise_drops_tatweel_and_maps_digits():
    assert normalise("حلـــب") == "حلب"
    assert normalise("١٢٣") == "123"
    assert normalise("کرمان") == "كرمان"  # Persian kaf


def test_tokens_keep_offsets_through_tatweel_diacritics_and_guillemets():
    text = "قالت «الأُمَمُ المتحـــدة» إن"
    for tok in tokenise(text):
        assert text[tok.start : tok.end] == text[tok.start : tok.end].strip()
        assert normalise(text[tok.start : tok.end]) == tok.norm or not tok.is_word
    norms = [t.norm for t in tokenise(text)]
    assert norms == ["قالت", "«", "الامم", "المتحده", "»", "ان"]


def test_sentences_split_on_terminal_punctuation_and_lines():
    text = "وقعت غارات على البلدة. وقال شاهد: «سمعنا الانفجار».\nاعتقال\nوفي خطوة أخرى، اعتقل عناصر قياديين؟ نعم"
    sents = [text[s.start : s.end] for s in analyse(text).sentences]
    assert sents == [
        "وقعت غارات على البلدة.",
        "وقال شاهد: «سمعنا الانفجار».",
        "اعتقال",
        "وفي خطوة أخرى، اعتقل عناصر قياديين؟",
        "نعم",
    ]


def test_empty_and_whitespace_text_have_one_empty_sentence():
    for text in ("", "   \n  "):
        a = analyse(text)
        assert a.tokens == ()
        assert len(a.sentences) == 1


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("حلبإدوال ـًٌَُ«»،.؟\n١٢3abc#_")), max_size=80))
def test_tokens_and_sentences_lie_inside_the_text(text):
    a = analyse(text)
    for tok in a.tokens:
        assert 0 <= tok.start < tok.end <= len(text)
        assert not text[tok.start : tok.end].isspace()
    for s in a.sentences:
        assert 0 <= s.start <= s.end <= len(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("حلبإدوالىة ـًٌَُ«»،.؟\n١٢3a#_\u200cﻻ")), max_size=60))
def test_tokens_hold_the_normalised_form_of_their_own_characters(text):
    """Normalising the text at once, then a token's slice, is normalising the token itself."""
    for tok in tokenise(text):
        surface = text[tok.start : tok.end]
        assert tok.is_word == (len(surface) > 1 or surface not in UNICODE_PUNCT_SYMBOL_CHARSET)
        assert tok.norm == (normalise(surface) if tok.is_word else surface)


def test_character_sets_are_camel_tools_own():
    from camel_tools.utils.charsets import AR_DIAC_CHARSET as CAMEL_DIAC
    from camel_tools.utils.dediac import dediac_ar

    from kg.arabic import AR_DIAC_CHARSET, display_form, is_punct_symbol

    assert AR_DIAC_CHARSET == CAMEL_DIAC
    every = (chr(c) for c in range(0x110000))
    assert {c for c in every if is_punct_symbol(c)} == UNICODE_PUNCT_SYMBOL_CHARSET
    label = "الأُمَمُ  المتحـــدة"
    assert display_form(label) == " ".join(dediac_ar(label).replace("ـ", "").split())
