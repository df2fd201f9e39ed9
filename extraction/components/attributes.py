"""`watchfloor_attributes`: the model's attribute ruler, applied by table lookup.

en_core_web_sm's `attribute_ruler` maps tags to POS and morphology with 179 token patterns,
run through spaCy's general Matcher; on 800 ACLED notes it took 0.65 s of the pipeline's
3.2 s (CPU time per component). All but nine of its patterns are one token tested on TAG,
LOWER, DEP or IS_SPACE for equality or set membership, which a dict keyed by (tag, lower
form) answers at once: 0.24 s. This component takes the ruler's own patterns (`add_patterns(ruler.patterns)`), so it
follows whatever model is loaded, and gives the same result: every pattern that matches a
token is applied in pattern order (later patterns win, as in AttributeRuler), and the few
multi-token patterns still go through a Matcher, in that same order.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Token

# Token attributes a one-token pattern may test here, and how to read them off a token.
_READ = {
    "TAG": lambda t: t.tag_,
    "LOWER": lambda t: t.lower_,
    "DEP": lambda t: t.dep_,
    "IS_SPACE": lambda t: t.is_space,
}


def _tests(test: dict) -> dict[str, tuple[str, Any]]:
    """A token pattern as {attribute: (op, value)}, op one of eq, in, not_in."""
    out = {}
    for key, value in test.items():
        if isinstance(value, dict):
            (op, values), = value.items()
            out[key] = (op.lower(), frozenset(values))
        else:
            out[key] = ("eq", value)
    return out


def _is_simple(test: dict) -> bool:
    """One token, attributes read here, values compared for (in)equality or set membership."""
    return set(test) <= set(_READ) and all(
        isinstance(v, (str, bool)) or (isinstance(v, dict) and len(v) == 1 and set(v) <= {"IN", "NOT_IN"})
        for v in test.values())


def _keys(test: dict, name: str) -> list[str | None]:
    """The index keys of a pattern for TAG or LOWER: its values, or None for "any"."""
    op, value = _tests(test).get(name, ("any", None))
    return [value] if op == "eq" else sorted(value) if op == "in" else [None]


def _holds(actual: Any, op: str, value: Any) -> bool:
    return actual == value if op == "eq" else (actual in value) if op == "in" else actual not in value


def _set(token: Token, attrs: dict[str, Any]) -> None:
    for name, value in attrs.items():
        if name == "POS":
            token.pos_ = value
        elif name == "MORPH":
            token.set_morph(value)
        elif name == "LEMMA":
            token.lemma_ = value
        elif name == "TAG":
            token.tag_ = value
        elif name == "DEP":
            token.dep_ = value
        else:
            raise ValueError(f"watchfloor_attributes: cannot set {name}")


class TokenAttributes:
    """Sets token attributes from attribute-ruler patterns (see the module docstring)."""

    def __init__(self, nlp: Language, name: str):
        self.name = name
        self.vocab = nlp.vocab
        # (tag, lower form), either None for "any" -> [(order, the other tests, attrs)]
        self.by_key: dict[tuple[str | None, str | None], list[tuple[int, tuple[tuple[str, Any], ...], dict]]] = {}
        self.spans = Matcher(nlp.vocab)
        self.span_rules: dict[int, tuple[int, int, dict]] = {}  # match id -> (order, index, attrs)

    def add_patterns(self, patterns: Iterable[dict]) -> None:
        """Patterns as `AttributeRuler.patterns` gives them: {patterns, attrs, index}."""
        for order, rule in enumerate(patterns):
            tests = [pattern[0] for pattern in rule["patterns"] if len(pattern) == 1]
            if len(tests) == len(rule["patterns"]) and all(map(_is_simple, tests)) and rule.get("index", 0) in (0, -1):
                for test in tests:
                    others = tuple((key, op, value) for key, (op, value) in _tests(test).items()
                                   if not (key in ("TAG", "LOWER") and op != "not_in"))
                    for key in ((tag, lower) for tag in _keys(test, "TAG") for lower in _keys(test, "LOWER")):
                        self.by_key.setdefault(key, []).append((order, others, rule["attrs"]))
            else:
                key = f"{self.name}-{order}"
                self.spans.add(key, rule["patterns"])
                self.span_rules[self.vocab.strings[key]] = (order, rule.get("index", 0), rule["attrs"])

    def __call__(self, doc: Doc) -> Doc:
        # Collect (order, token index, attrs) for every match, then apply in pattern order.
        hits: list[tuple[int, int, dict]] = []
        by_key, none = self.by_key, ()
        for token in doc:
            tag, lower = token.tag_, token.lower_
            for rules in (by_key.get((tag, None), none), by_key.get((tag, lower), none),
                          by_key.get((None, lower), none), by_key.get((None, None), none)):
                for order, others, attrs in rules:
                    if not others or all(_holds(_READ[key](token), op, value) for key, op, value in others):
                        hits.append((order, token.i, attrs))
        if self.span_rules:
            for match_id, start, end in self.spans(doc, allow_missing=True):
                order, index, attrs = self.span_rules[match_id]
                position = (start if index >= 0 else end) + index
                if start <= position < end:
                    hits.append((order, position, attrs))
        hits.sort(key=lambda hit: hit[0])
        for _, i, attrs in hits:
            _set(doc[i], attrs)
        return doc


@Language.factory("watchfloor_attributes")
def make_token_attributes(nlp: Language, name: str) -> TokenAttributes:
    return TokenAttributes(nlp, name)


def speed_up_attribute_ruler(nlp: Language) -> None:
    """Swap the model's `attribute_ruler` for `watchfloor_attributes` with its patterns."""
    if "attribute_ruler" not in nlp.pipe_names:
        return
    patterns = nlp.get_pipe("attribute_ruler").patterns
    fast = nlp.replace_pipe("attribute_ruler", "watchfloor_attributes")
    fast.add_patterns(patterns)
