"""The camel-tools NER backend: the adapter from its labels to mentions, and the message when
its model is not installed. The recogniser here is a stand-in object that labels words by a
table, injected where camel-tools' ``NERecognizer`` goes; the adapter code is the real one."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import InputError
from kg.model import Document
from kg.ner import INSTALL, labelled_spans, load_camel_ner
from kg.pipeline import extract


class TableRecogniser:
    """Labels each word from a fixed table, "O" otherwise; records what it was asked."""

    def __init__(self, labels: dict[str, str]) -> None:
        self.labels = labels
        self.sentences: list[list[str]] = []

    def predict_sentence(self, sentence: list[str]) -> list[str]:
        self.sentences.append(sentence)
        return [self.labels.get(word, "O") for word in sentence]


def mentions(ex):
    text = ex.document.text
    return {text[m.start : m.end]: (m.kind, m.entity_key, m.method) for m in ex.mentions}


def test_ner_bio_labels_become_spans_and_misc_is_dropped():
    labels = ["B-PERS", "I-PERS", "O", "B-LOC", "B-LOC", "I-ORG", "B-MISC", "I-MISC", "I-LOC"]
    spans = [(s.label, s.first, s.end) for s in labelled_spans(labels, 10)]
    # an I- tag without its B- opens a span; a new B- closes the one before
    assert spans == [("PERS", 10, 12), ("LOC", 13, 14), ("LOC", 14, 15), ("ORG", 15, 16),
                     ("LOC", 18, 19)]  # fmt: skip


def test_ner_model_spans_go_through_the_linker(gaz):
    text = "وقال سليم الحداد إن انفجارا وقع وبالدرباسية قرب مقر جمعية النور الخيرية."
    model = TableRecogniser({"سليم": "B-PERS", "الحداد": "I-PERS", "وبالدرباسية": "B-LOC",
                             "جمعية": "B-ORG", "النور": "I-ORG", "الخيرية": "I-ORG"})  # fmt: skip
    ex = extract(Document("ner", text), gaz, model)
    found = mentions(ex)
    # a person the gazetteer does not know: a local person, found by the model
    kind, key, method = found["سليم الحداد"]
    assert (kind, method) == ("person", "model") and key.startswith("local:person/")
    # a small place the rules match only after a head: clitics removed, linked like a rule mention
    assert found["الدرباسية"] == ("settlement", "Q2419911", "model+gazetteer")
    assert "الدرباسية" not in mentions(extract(Document("ner", text), gaz))
    assert found["جمعية النور الخيرية"][0] == "organisation"
    assert model.sentences[0][:3] == ["وقال", "سليم", "الحداد"]  # words exactly as written


def test_ner_rule_candidates_win_where_the_model_overlaps_them(gaz):
    text = "قصفت الطائرات الروسية مدينة إدلب."
    model = TableRecogniser({"الروسية": "B-LOC", "مدينة": "B-LOC", "إدلب": "I-LOC"})
    with_model = mentions(extract(Document("ner", text), gaz, model))
    assert with_model == mentions(extract(Document("ner", text), gaz))
    assert with_model["إدلب"][1] == "Q504657"  # the city, as the head word says


def test_ner_without_installed_model_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("CAMELTOOLS_DATA", str(tmp_path))
    with pytest.raises(InputError) as caught:
        load_camel_ner()
    assert INSTALL in caught.value.message and str(tmp_path) in caught.value.message
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("قصفت الطائرات مدينة إدلب.", encoding="utf-8")
    result = CliRunner().invoke(app, ["build", str(corpus), "--out", str(tmp_path / "g.nq"),
                                      "--ner", "camel"])  # fmt: skip
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert (
        len(lines) == 1
        and lines[0].startswith("Error: ")
        and "camel_data -i ner-arabert" in lines[0]
    )
    assert not (tmp_path / "g.nq").exists()


def test_ner_default_build_does_not_need_the_model(tmp_path, monkeypatch):
    monkeypatch.setenv("CAMELTOOLS_DATA", str(tmp_path))
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("قصفت الطائرات مدينة إدلب.", encoding="utf-8")
    result = CliRunner().invoke(app, ["build", str(corpus), "--out", str(tmp_path / "g.nq")])
    assert result.exit_code == 0, result.output
    assert "Q504657" in (tmp_path / "g.nq").read_text(encoding="utf-8")
