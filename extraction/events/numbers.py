"""Reading counts from text: "two", "12", "a dozen", "three of his companions"."""

from __future__ import annotations

import re

WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100, "dozen": 12, "a dozen": 12, "both": 2, "couple": 2, "pair": 2,
}


def as_number(text: str) -> int | None:
    """An integer for a number word or digits, else None."""
    word = text.lower().replace(",", "")
    if re.fullmatch(r"\d+[-–]\d+", word):  # "5-7 policemen": the lower bound, as ACLED codes it
        word = re.split(r"[-–]", word)[0]
    if word.isdigit():
        value = int(word)
        return value if value < 100_000 else None
    if "-" in word:  # twenty-three
        parts = [WORDS.get(p) for p in word.split("-")]
        if all(parts):
            return sum(parts)  # type: ignore[arg-type]
    return WORDS.get(word)
