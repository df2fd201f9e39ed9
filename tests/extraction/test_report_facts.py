"""Facts about a whole report, worked out once per doc."""

from __future__ import annotations

import pytest
import spacy

from extraction.events.report_facts import SHORT_REPORT, per_doc, short_report, theatres_in

NLP = spacy.blank("en")


@pytest.mark.parametrize("text", ["", "One.", "x" * SHORT_REPORT, "word " * 199 + "word", "word " * 201,
                                  "a " * (SHORT_REPORT // 2) + "b"])
def test_short_report_is_the_length_of_the_text(text):
    doc = NLP(text)
    assert short_report(doc) is (len(doc.text) <= SHORT_REPORT)


def test_a_fact_is_worked_out_once_per_doc():
    calls = []

    @per_doc("test-count")
    def count(doc):
        calls.append(doc)
        return len(doc)

    one, two = NLP("a b c"), NLP("d e")
    assert [count(one), count(one), count(two), count(one)] == [3, 3, 2, 3]
    assert calls == [one, two]


def test_theatres_by_their_cues():
    found = theatres_in(NLP("The OSCE SMM recorded ceasefire violations near Donetsk."))
    assert {t.country_code for t in found} == {"UA"}
    assert theatres_in(NLP("A quiet day in Lisbon.")) == ()
