"""The matching index: which rules can fire on an event, found without trying them all."""

from .matcher import Matcher
from .requirements import exact, requirements

__all__ = ["Matcher", "exact", "requirements"]
