"""`watchfloor eval` end to end on tiny synthetic files, and on ../shared/eval when present.

The synthetic rows are made up for these tests (no sentence comes from the evaluation data).
The real data is read where it lies: WATCHFLOOR_EVAL_DIR, else ../shared/eval next to the repo.
`extractor` is the session pipeline of tests/extraction/conftest.py.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

from extraction.evaluation import EvalDataError, acled, case
from extraction.evaluation.acled import admin1_matches, predict, read_acled
from extraction.evaluation.case import ACLED_LABELS, ALL_LABELS, case_label, read_case
from rules.event import Event, Evidence, Place
from streams.cli import main

REPO = Path(__file__).resolve().parents[2]
EVAL_DIR = Path(os.environ.get("WATCHFLOOR_EVAL_DIR", REPO.parent / "shared" / "eval"))

ACLED_COLUMNS = ["data_id", "event_id_cnty", "event_date", "event_type", "sub_event_type",
                 "country", "iso3", "admin1", "notes", "fatalities"]
ACLED_ROWS = [
    ["901", "XX1", "3-May-20", "Protests", "Peaceful protest", "Ukraine", "UKR", "Kharkiv",
     "On 3 May 2020, teachers protested in Kharkiv city demanding unpaid wages. [size=no report]", "0"],
    ["902", "XX2", "4-May-20", "Explosions/Remote violence", "Remote explosive/landmine/IED", "Afghanistan", "AFG",
     "Kandahar", "On 4 May 2020, a roadside bomb exploded near Kandahar city, killing two farmers.", "2"],
    ["903", "XX3", "5 May 2020", "Battles", "Armed clash", "Yemen", "YEM", "Taizz",
     "On 5 May 2020, fighters clashed with soldiers in Taiz city. Three soldiers were killed. "
     "Fatalities coded as 0.", "0"],
    ["904", "XX4", "6-May-20", "Strategic developments", "Other", "Mexico", "MEX", "Sonora",
     "On 6 May 2020, officials opened a new office in Hermosillo.", "0"],
]
CASE_ROWS = [
    ["1", 'Hundreds of nurses marched peacefully in the capital, carrying "fair pay" banners.', "PEACE_PROTEST"],
    ["2", "Two villagers were killed when gunmen stormed a market near the border town.", "ATTACK"],
    ["3", "The river burst its banks and flooded dozens of homes.", "NATURAL_DISASTER"],
]


def write_acled(path: Path, rows=ACLED_ROWS, columns=ACLED_COLUMNS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows(rows)
    return path


def write_case(path: Path, rows=CASE_ROWS) -> Path:
    lines = ["id\tEventSnippet\tSubType", *("\t".join(r) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def event(sub: str, confidence: float, fatalities=None, admin1=None, code=None, etype="Battles") -> Event:
    place = Place(text="x", admin1_name=admin1, admin1_code=code) if (admin1 or code) else None
    return Event(event_id=f"ev-{sub}-{confidence}", report_id="r", event_type="ASSAULT",
                 acled_event_type=etype, acled_sub_event_type=sub, fatalities=fatalities, location=place,
                 evidence=Evidence(text="x", start=0, end=1), confidence=confidence)


class FakeExtractor:
    """Returns canned events per report id and records the batch sizes it was called with."""

    def __init__(self, by_id: dict[str, list[Event]]):
        self.by_id, self.batches = by_id, []

    def extract_many(self, reports):
        reports = list(reports)
        self.batches.append(len(reports))
        return [self.by_id.get(r.id, []) for r in reports]


def in_unit_interval(result: dict) -> None:
    for name, field in result["fields"].items():
        for key, value in field.items():
            if isinstance(value, float):
                assert 0.0 <= value <= 1.0, (name, key, value)
    for row in result["per_class"]["sub_event_type"]:
        assert all(0.0 <= row[k] <= 1.0 for k in ("precision", "recall", "f1")), row


# --- reading -------------------------------------------------------------------------------

def test_read_acled(tmp_path):
    rows = read_acled(write_acled(tmp_path / "a.csv"))
    assert [r.id for r in rows] == ["901", "902", "903", "904"]
    assert str(rows[0].published_at) == "2020-05-03" and str(rows[2].published_at) == "2020-05-05"
    assert [r.score_fatalities for r in rows] == [True, True, False, True]  # "coded as" is not scored
    assert read_acled(tmp_path / "a.csv", limit=2)[-1].id == "902"


def test_read_acled_wrong_columns(tmp_path):
    path = write_acled(tmp_path / "b.csv", rows=[["1", "x"]], columns=["data_id", "text"])
    with pytest.raises(EvalDataError, match="missing column.*notes"):
        read_acled(path)


def test_read_case_keeps_quotes(tmp_path):
    rows = read_case(write_case(tmp_path / "c.tsv"))
    assert rows[0][1].count('"') == 2 and [r[2] for r in rows] == ["PEACE_PROTEST", "ATTACK", "NATURAL_DISASTER"]


def test_read_case_unknown_label(tmp_path):
    with pytest.raises(EvalDataError, match="unknown label"):
        read_case(write_case(tmp_path / "d.tsv", rows=[["1", "Something happened.", "PICNIC"]]))


def test_case_label_mapping():
    assert len(ACLED_LABELS) == 25 and len(ALL_LABELS) == 30 == len(set(ALL_LABELS))
    assert case_label("Shelling/artillery/missile attack") == "ART_MISS_ATTACK"
    assert case_label(None) == case_label("Not an ACLED type") == "none"


# --- predictions and scoring (canned events: exact expectations) ----------------------------

@pytest.mark.parametrize(
    ("gold", "name", "code", "iso3", "ok"),
    [
        pytest.param("Taizz", "Taiz", "YE-TA", "YEM", True, id="transliteration"),
        pytest.param("North", "North Lebanon", "LB-AS", "LBN", True, id="country-name-dropped"),
        pytest.param("Ouest", None, "CM-OU", "CMR", True, id="french-compass-via-pycountry"),
        pytest.param("Kiev", "Kyiv Oblast", "UA-32", "UKR", True, id="oblast-dropped"),
        pytest.param("Al Hudaydah", "Al Ḩudaydah Governorate", None, None, True, id="accents-and-generic-word"),
        pytest.param("North Sumatra", "Sumatera Utara", "ID-SU", "IDN", True, id="another-name-of-the-code"),
        pytest.param("Chittagong", "Chattogram", "BD-B", "BGD", True, id="former-name-of-the-code"),
        pytest.param("Paktia", "Paktika", "AF-PKA", "AFG", False, id="neighbour-province"),
        pytest.param("North Sumatra", "Sumatera Selatan", "ID-SS", "IDN", False, id="another-code's-names"),
        pytest.param("Haifa", "Haifa", "BR-SP", "ISR", False, id="other-country-code"),
        pytest.param("Haifa", None, None, "ISR", False, id="no-prediction"),
        # a name two codes of one country share is no evidence for either: city versus region
        pytest.param("Moscow Oblast", None, "RU-MOW", "RUS", False, id="region-for-the-city"),
        pytest.param("Moscow", None, "RU-MOS", "RUS", False, id="city-for-the-region"),
        pytest.param("Vientiane Province", None, "LA-VT", "LAO", False, id="province-for-the-prefecture"),
        pytest.param("Moskva", None, "RU-MOW", "RUS", True, id="a-name-of-one-code-only"),
        pytest.param("Kyivshchyna", None, "UA-32", "UKR", True, id="the-oblast's-own-alias"),
    ],
)
def test_admin1_matches(gold, name, code, iso3, ok):
    assert admin1_matches(gold, name, code, iso3) is ok


@pytest.mark.parametrize(
    ("notes", "unscored"),
    [
        pytest.param("Fatalities coded as 0 (a source reported 3).", True, id="coded-as"),
        pytest.param("20 fatalities split up between 3 events.", True, id="split-between"),
        pytest.param("Fatalities are split across the two days.", True, id="fatalities-are-split"),
        pytest.param("Deaths spread across three locations.", True, id="spread-across"),
        pytest.param("Residents protested the measures to prevent the spread of the virus.", False, id="spread-of-virus"),
        pytest.param("Dock workers marched in Split, Croatia.", False, id="city-of-split"),
    ],
)
def test_unscored_fatalities(notes, unscored):
    assert acled.unscored_fatalities(notes) is unscored


def test_predict_rules():
    events = [event("Armed clash", 0.6, fatalities=2), event("Air/drone strike", 0.7, fatalities=3,
                                                            admin1="Kandahar", code="AF-KAN"),
              event("Attack", 0.7, fatalities=None)]
    pred = predict(events)
    assert pred.sub_event_type == "Armed clash"  # the event the report leads with
    assert pred.sub_event_type_top == "Air/drone strike"  # most confident, the first on a tie
    assert (pred.admin1_name, pred.admin1_code) == ("Kandahar", "AF-KAN")  # the most confident event's place
    assert (pred.fatalities_sum, pred.fatalities_top) == (5, 3)
    assert predict([]).sub_event_type == "none" and predict([]).fatalities_sum == 0


def test_acled_scores_with_canned_events(tmp_path):
    fake = FakeExtractor({
        "901": [event("Peaceful protest", 0.7, admin1="Kharkiv", code="UA-63", etype="Protests")],
        "902": [event("Attack", 0.7, fatalities=1, admin1="Kandahar", code="AF-KAN", etype="Violence against civilians"),
                event("Remote explosive/landmine/IED", 0.5, fatalities=1, etype="Explosions/Remote violence")],
        "903": [event("Armed clash", 0.7, fatalities=3, admin1="Taiz", code="YE-TA")],
    })
    result, records = acled.evaluate(write_acled(tmp_path / "a.csv"), fake, batch_size=3)
    assert fake.batches == [3, 1]
    fields = result["fields"]
    assert fields["event_type"]["accuracy"] == pytest.approx(2 / 4)  # 904 has no event: "none"
    assert fields["sub_event_type"]["accuracy"] == pytest.approx(2 / 4)
    assert fields["admin1"]["accuracy"] == pytest.approx(3 / 4)
    # 903 is not scored ("coded as"); sum rule: 901 0=0, 902 2=2, 904 0=0; top rule misses 902.
    assert fields["fatalities"]["support"] == 3
    assert fields["fatalities"]["exact_by_rule"] == pytest.approx({"sum": 1.0, "top": 2 / 3})
    assert result["no_event"] == 1
    assert ["Remote explosive/landmine/IED", "Attack", 1] in result["confusions"]["sub_event_type"]
    assert [r["ok"]["sub_event_type"] for r in records] == [True, False, True, False]
    in_unit_interval(result)


def test_case_scores_with_canned_events(tmp_path):
    fake = FakeExtractor({"case-1": [event("Peaceful protest", 0.7)], "case-3": [event("Attack", 0.5)]})
    result, _ = case.evaluate(write_case(tmp_path / "c.tsv"), fake)
    sub = result["fields"]["sub_event_type"]
    assert sub["accuracy"] == pytest.approx(1 / 3)
    # 25 labels: PEACE_PROTEST F1 1 (support 1), ATTACK P 0 R 0 (support 1) -> weighted 0.5.
    assert sub["weighted_f1_25"] == pytest.approx(0.5)
    # 30 labels: NATURAL_DISASTER adds support 1 with F1 0 -> 1/3.
    assert sub["weighted_f1_30"] == pytest.approx(1 / 3)
    in_unit_interval(result)


# --- the real extractor and the CLI ----------------------------------------------------------

def test_acled_end_to_end(tmp_path, extractor):
    result, records = acled.evaluate(write_acled(tmp_path / "a.csv"), extractor)
    assert result["rows"] == 4 and len(records) == 4
    assert result["fields"]["fatalities"]["support"] == 3
    in_unit_interval(result)


def test_case_end_to_end(tmp_path, extractor):
    result, records = case.evaluate(write_case(tmp_path / "c.tsv"), extractor)
    assert result["rows"] == 3 and {r["id"] for r in records} == {"1", "2", "3"}
    in_unit_interval(result)


def test_cli_acled_writes_json_and_table(tmp_path, capsys):
    out, errors = tmp_path / "scores.json", tmp_path / "errors.jsonl"
    code = main(["eval", "acled", str(write_acled(tmp_path / "a.csv")), "--json", str(out),
                 "--errors", str(errors), "--limit", "3", "--no-progress"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "sub_event_type per class" in printed and "admin1" in printed
    scores = json.loads(out.read_text(encoding="utf-8"))
    assert scores["rows"] == 3 and scores["dataset"] == "acled"
    assert all(json.loads(line)["id"] in {"901", "902", "903"} for line in errors.read_text().splitlines())


def test_cli_case(tmp_path, capsys):
    assert main(["eval", "case", str(write_case(tmp_path / "c.tsv")), "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "weighted F1 over the 25 ACLED labels" in printed and "confusion matrix" not in printed


def test_cli_matrix(tmp_path, capsys):
    out = tmp_path / "scores.json"
    assert main(["eval", "acled", str(write_acled(tmp_path / "a.csv")), "--matrix", "--json", str(out),
                 "--no-progress"]) == 0
    printed = capsys.readouterr().out
    matrix = json.loads(out.read_text(encoding="utf-8"))["matrix"]["sub_event_type"]
    assert "sub_event_type confusion matrix (rows: gold, columns: predicted" in printed
    assert sum(map(sum, matrix["counts"])) == 4  # every row of the file once
    for i, label in enumerate(matrix["labels"]):  # one printed row per class, with its gold total
        assert f"{i + 1:>2}. {label}" in printed


@pytest.mark.parametrize("dataset", ["acled", "case"])
def test_cli_missing_file(tmp_path, capsys, dataset):
    assert main(["eval", dataset, str(tmp_path / "nope.csv")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_cli_wrong_columns(tmp_path, capsys):
    # A CASE file given to the ACLED evaluator: refused before any model is loaded.
    assert main(["eval", "acled", str(write_case(tmp_path / "c.tsv"))]) == 2
    err = capsys.readouterr().err
    assert "missing column(s) notes" in err and "only one column" in err


# --- the real evaluation data, when present --------------------------------------------------

def _eval_file(name: str) -> Path:
    path = EVAL_DIR / name
    if not path.exists():
        pytest.skip(f"evaluation data not found: {path} (set WATCHFLOOR_EVAL_DIR to the directory "
                    "holding the ACLED/CASE files, see ../shared/eval/README.md)")
    return path


@pytest.mark.parametrize(("module", "name"), [(acled, "acled_2020_dev.csv"), (case, "case2021_task2_dev.tsv")],
                         ids=["acled", "case"])
def test_shared_eval_first_40_rows(extractor, module, name):
    result, records = module.evaluate(_eval_file(name), extractor, limit=40)
    assert result["rows"] == len(records) == 40
    in_unit_interval(result)
