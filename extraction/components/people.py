"""`watchfloor_people` and `watchfloor_triggers`: span rulers fed from data files.

Triggers (data/triggers.jsonl) are phrase or token patterns labelled FAMILY:value, e.g.
HARM:killed or WEAPON:ied; data/headings.yaml adds the category labels notes open with. People patterns come from data/ranks.yaml (label RANK:<rank>) and
data/victims.yaml (label PERSON:<class>).
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import yaml
from spacy.language import Language


def _data(name: str) -> Path:
    return Path(str(resources.files("extraction") / "data" / name))


def trigger_patterns() -> list[dict]:
    lines = _data("triggers.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()] + heading_patterns()


def heading_patterns() -> list[dict]:
    """data/headings.yaml as token patterns labelled LABEL:<sub-event type>: the phrase opens a
    sentence and a colon follows it ("Property destruction: On 6 May ...")."""
    patterns = []
    for sub_event_type, phrases in yaml.safe_load(_data("headings.yaml").read_text(encoding="utf-8")).items():
        for phrase in phrases:
            words = _heading_words(phrase)
            tokens = [{"LOWER": w} for w in words]
            tokens[0] = {**tokens[0], "IS_SENT_START": True}
            patterns.append({"label": f"LABEL:{sub_event_type}", "pattern": [*tokens, {"ORTH": ":"}]})
    return patterns


def _heading_words(phrase: str) -> list[str]:
    """The tokens of a heading as spaCy's English tokenizer splits it ("group/activity" -> 3, "non-violent" -> 3)."""
    return re.findall(r"\w+|[^\w\s]", phrase.lower())


def load_ranks() -> list[dict]:
    return yaml.safe_load(_data("ranks.yaml").read_text(encoding="utf-8"))


def people_patterns() -> list[dict]:
    patterns = []
    for rank in load_ranks():
        for alias in rank["aliases"]:
            patterns.append({"label": f"RANK:{rank['rank']}", "pattern": alias})
    for klass, nouns in yaml.safe_load(_data("victims.yaml").read_text(encoding="utf-8")).items():
        for noun in nouns:
            patterns.append({"label": f"PERSON:{klass}", "pattern": noun})
    return patterns


def add_rulers(nlp: Language) -> None:
    """Add the trigger and people span rulers to a pipeline (case-insensitive phrases)."""
    for name, key, patterns in (
        ("watchfloor_triggers", "wf_triggers", trigger_patterns()),
        ("watchfloor_people", "wf_people", people_patterns()),
    ):
        ruler = nlp.add_pipe(
            "span_ruler",
            name=name,
            config={"spans_key": key, "phrase_matcher_attr": "LOWER", "overwrite": True},
        )
        ruler.add_patterns(patterns)
