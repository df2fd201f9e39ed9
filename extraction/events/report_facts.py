"""Facts about a whole report, worked out once per spaCy doc (pure).

The event builder asks them for every sentence or trigger; a doc keeps the answer in its
`user_data`, so a long report does not pay for them again and again.
"""

from __future__ import annotations

from spacy.tokens import Doc

from ..gazetteer.theatres import Theatre, load_theatres

SHORT_REPORT = 1000  # characters: a wire snippet or an ACLED note tells one incident


def short_report(doc: Doc) -> bool:
    """A report of at most SHORT_REPORT characters (without building `doc.text`, which joins
    every token each time it is read)."""
    return not len(doc) or doc[-1].idx + len(doc[-1].text_with_ws) <= SHORT_REPORT


def per_doc(key: str):
    """Decorator: a fact about the whole report, worked out once per doc (kept in its
    user_data), not once per sentence or trigger that asks."""
    def wrap(fn):
        def cached(doc: Doc):
            slot = ("watchfloor", key)
            if slot not in doc.user_data:
                doc.user_data[slot] = fn(doc)
            return doc.user_data[slot]
        cached.__doc__ = fn.__doc__
        return cached
    return wrap


@per_doc("theatres")
def theatres_in(doc: Doc) -> tuple[Theatre, ...]:
    """The theatres (data/theatres.yaml) whose cues the report uses."""
    return load_theatres().found(doc.text)
