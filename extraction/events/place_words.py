"""The words around place names that say what a name is and how to read it."""

_AREA_NOUNS = {"countryside", "outskirts", "suburbs", "vicinity", "environs", "province", "governorate",
               "areas", "area", "villages", "district", "region", "desert", "parts", "part", "state"}
_QUALIFIER_WORDS = {"the", "far", "north", "south", "east", "west", "northern", "southern", "eastern",
                    "western", "northeastern", "northwestern", "southeastern", "southwestern", "central",
                    "north-eastern", "north-western", "south-eastern", "south-western", "rural", "western-"}
_PROVINCE_AFTER = {"province", "governorate", "state", "region", "countryside", "oblast", "district"}
_PROVINCE_BEFORE = {"province", "governorate", "countryside", "outskirts", "state", "rural"}
_PRECISION_RANK = {"point": 0, "town": 1, "area": 2, "admin1": 3, "region": 4, "country": 5}

# "Kunduz province", "Donetsk oblast": the name is read as the province.
_PROVINCE_WORDS = {"province", "provinces", "governorate", "governorates", "state", "oblast", "region",
                   "prefecture", "department", "departement", "wilaya", "voblast", "krai", "kray", "emirate"}
# "Qaysar district", "Donga LGA": the name is read as the district (else the province).
_DISTRICT_WORDS = {"district", "districts", "county", "municipality", "municipalities", "lga", "raion", "rayon",
                   "sub-county", "subcounty", "township", "tehsil", "commune", "municipio", "parish", "division",
                   "sub-district", "subdistrict", "upazila", "okrug", "canton"}
# What may stand between two names of one address chain besides those words.
_CHAIN_GLUE = {",", "(", "of", "the", "city", "town", "village", "villages", "area", "areas", "center", "centre",
               "-", "–"}
_ACTOR_NOUNS = {"forces", "force", "army", "armies", "military", "militaries", "troops", "government", "governments",
                "police", "president", "minister", "ministry", "navy", "authorities", "embassy", "parliament",
                "soldiers", "people", "citizens", "nationals", "residents", "leaders", "king", "regime", "party",
                "members", "ambassador", "consulate", "coalition", "prime"}
_LOCALITY_AFTER = {"neighborhood", "neighbourhood", "neighborhoods", "neighbourhoods", "community", "sector",
                   "quarter", "suburb", "barangay", "colony", "settlement", "housing", "estate"}
_LOCALITY_BEFORE = {"colonia", "barrio", "bairro", "fraccionamiento", "neighborhood", "neighbourhood", "barangay",
                    "quartier", "hay", "mahalla", "mahallah"}
_STREET_WORDS = {"street", "st", "avenue", "ave", "boulevard", "blvd", "lane", "square"}
_SETTLEMENT_WORDS = {"city", "town", "village", "district", "province", "governorate", "state", "region"}
_PLURAL_DIVISIONS = {"provinces", "governorates", "states", "districts", "regions", "oblasts", "departments"}
_CHAIN_GAP = 6  # tokens at most between two names of a chain
# Lower-case words inside names: "Tala wa Bafrak", "Nawa-e Barakzayi", "Sao Sebastiao da Boa Vista".
_NAME_JOINERS = {"wa", "e", "-e", "ye", "-ye", "i", "-i", "de", "del", "la", "el", "al", "da", "do", "dos", "das",
                 "di", "du", "y", "-", "–", "the", "of"}
_PREFERENCE = {  # precision order by what the text says a name is
    "province": ("admin1", "area", "town", "region", "country"),
    "district": ("area", "admin1", "town", "region", "country"),
    "container": ("admin1", "area", "country", "town", "region"),
    "place": ("town", "area", "admin1", "region", "country"),
}
# After a name: what kind of place or facility it names ("Kabul airport", "Aden Port", "Bisri Dam").
_FACILITY_WORDS = {"airport", "airbase", "port", "harbour", "harbor", "bridge", "road", "highway", "square", "camp",
                   "camps", "prison", "hospital", "university", "base", "checkpoint", "crossing", "market", "mosque",
                   "church", "frontline", "front", "fronts", "valley", "river", "mountain", "mountains", "island",
                   "islands", "dam", "roundabout", "junction", "intersection", "crossroads", "station", "beach", "bay",
                   "border", "strip", "coast", "plain", "plains", "sea", "lake", "mine", "field", "oilfield"}
# Before a name: capitalised words that are part of how a place is named, not of a longer name
# ("North Waziristan", "Greater Cairo", "Rural Damascus", "Barangay Poblacion", "Colonia Vallejo").
_NAME_HEADS = _QUALIFIER_WORDS | _LOCALITY_BEFORE | {
    "greater", "upper", "lower", "rural", "old", "new", "mount", "city", "town", "village", "district", "province",
    "governorate", "municipality", "state", "region", "county", "downtown", "central", "in", "at", "near", "from",
    "to", "into", "of", "on", "and", "or", "the", "between", "towards", "toward", "outside", "inside", "around",
    "across", "west", "east", "north", "south", "eastern", "western", "northern", "southern"}
