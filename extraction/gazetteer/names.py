"""Place names as the gazetteer compares them: folding, name variants, stop-words (pure)."""

from __future__ import annotations

import re
import unicodedata

_COMMON_WORDS = frozenset(
    """
    a an and as at by for from in into of on or the to with was were is are be been after before
    over under between during while since until via about against among around near along across
    this that these those it its his her their our they them he she we you who which what when
    where there here then than also more most many much some such only other another each every
    new old north south east west northern southern eastern western central city town village
    province district region area road street centre center market camp valley river lake mount
    hill hills desert field station airport base border bridge state states union army police
    forces force group party people man men women children government president minister
    monday tuesday wednesday thursday friday saturday sunday january february march april may june
    july august september october november december today yesterday tonight morning evening night
    said says sources source report reports news media local national international regime observatory
    human rights military security attack attacks killed however while although
    colonia let one day mayo abu geo bat best bar van van of de la las los el al san santa
    independence liberty victory progress unity peace hope union central capital police
    federal national special autonomous metropolitan justice court supreme ministry interior
    defence defense health education labour labor affairs hospital university school prison palace
    bank mine mile hall post white college naval federation vice mill mineral normal molotov arab grad
    """.split()
)

# Words that name the kind of a division rather than the division ("Kunduz Province", "Comuna
# de X", "Volnovakha Raion"): names are also indexed without them, at either end.
_GENERIC_TAIL = frozenset(
    """
    province provinces governorate governate state region oblast oblasti kray krai okrug
    district raion rayon rayonu county municipality municipal department prefecture division
    parish territory commune comuna municipio sub-county subcounty lga area township kommun
    kommune shi gun ilcesi ilce tumani aimag voblasc voblasts wilaya wilayah muhafazat ostan
    regency kabupaten city council emirate republic metropolitan autonomous
    """.split()
)
_GENERIC_HEAD = frozenset(
    """
    province provincia governorate state region oblast district raion rayon county municipality
    municipio comuna departamento department distrito prefecture amphoe kabupaten kota powiat
    gemeente obshtina partido muhafazat shahrestan shahrestane wilayat wilaya canton caza qada kaza
    """.split()
)
_LINKS = {"of", "de", "del", "da", "do", "di", "du", "des", "la", "el", "e"}


# Letters NFKD does not take apart: "Diyarbakır", "Xocavənd", "Łódź" are written with i, a, l in English.
_LETTERS = str.maketrans({"ı": "i", "ə": "a", "Ə": "A", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D",
                          "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "ð": "d", "ħ": "h"})
_SEPARATORS = re.compile(r"[\s\-–—_/.,]+")


def fold(text: str) -> str:
    """The key names are indexed and looked up by."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.translate(_LETTERS))
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
        text = text.lower().replace("ʿ", "").replace("’", "")
    else:
        text = text.lower()
    return _SEPARATORS.sub(" ", text.replace("'", "")).strip()


def ascii_name(text: str) -> str:
    """'Xocavənd' -> 'Xocavend', "Shamāl Sīnā'" -> "Shamal Sina'": for display."""
    text = unicodedata.normalize("NFKD", text.replace("ə", "a").replace("Ə", "A").replace("ı", "i"))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).encode("ascii", "ignore").decode().strip()


_BRACKETS = re.compile(r"\s*[(\[][^)\]]*[)\]]")


def name_keys(name: str) -> set[str]:
    """Folded keys of a division's name: the name, and the name without a generic word at
    either end ("Kunduz Province" -> {"kunduz province", "kunduz"}; "Comuna de Temuco" ->
    {..., "temuco"}); a bracketed part is dropped, ISO's inverted "Saha, Respublika" gives "saha"."""
    key = fold(_BRACKETS.sub("", name))
    words = key.split(" ")
    keys = {key}
    tail = words
    while len(tail) > 1 and tail[-1] in _GENERIC_TAIL:  # "Nelson Mandela Bay Metropolitan Municipality"
        tail = tail[:-1]
        keys.add(" ".join(tail))
    if len(words) > 1 and words[0] in _GENERIC_HEAD:
        rest = words[1:]
        while len(rest) > 1 and rest[0] in _LINKS:
            rest = rest[1:]
        keys.add(" ".join(rest))
    if "," in name:
        keys.add(fold(name.split(",")[0]))
    return {k for k in keys if len(k.replace(" ", "")) >= 3
            and any(w not in _GENERIC_TAIL and w not in _GENERIC_HEAD and w not in _LINKS for w in k.split(" "))}


def _latin(text: str) -> bool:
    """True for names in Latin script (reports arrive in English)."""
    return text.isascii() or all(ord(ch) < 0x250 or unicodedata.category(ch)[0] in "MPZS" or ch in "ḑḨḩṬṭẔẕḐḏṢṣẒẓḤḥḠḡẖ’ʿʾ‘ʻ"
               for ch in text)
