"""The trained classifier (extraction/classifier, `watchfloor train`) on a tiny made-up dataset.

Every training sentence here is invented for these tests (no row of the evaluation data). The
real data is only used, when present, to check that the pipeline runs with a classifier on 50
rows. `extractor` is the session pipeline of tests/extraction/conftest.py.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

from extraction.classifier.data import NO_EVENT, file_kind, is_heldout, read_samples, rule_marker, split, with_rule
from extraction.classifier.fit import Options, fit, heldout_rows
from extraction.classifier.model import MIN_TRAIN_ROWS, META_NAME, TextClassifier, decide, trusted_labels
from extraction.evaluation.case import ACLED_TO_CASE
from extraction.events.frames import SUB_EVENT_FRAMES, frame_for_sub_event
from extraction.pipeline import Extractor
from extraction.report import Report
from streams.cli import main

REPO = Path(__file__).resolve().parents[2]
EVAL_DIR = Path(os.environ.get("WATCHFLOOR_EVAL_DIR", REPO.parent / "shared" / "eval"))

PLACES = ["Kharkiv", "Lviv", "Odesa", "Dnipro", "Poltava", "Sumy", "Rivne", "Chernihiv", "Kherson", "Vinnytsia"]
GROUPS = ["teachers", "nurses", "farmers", "students", "miners", "drivers"]
LOOTING = "Looting/property destruction"
PROTEST = "Peaceful protest"
OTHER = "Other"
RIOT = "Violent demonstration"


def made_up_rows() -> list[tuple[str, str]]:
    rows = []
    for i in range(36):
        place, group = PLACES[i % len(PLACES)], GROUPS[i % len(GROUPS)]
        day = 1 + i % 28
        rows.append((f"On {day} May 2020, {group} marched peacefully in {place} demanding unpaid wages. "
                     "[size=no report]", PROTEST))
        rows.append((f"On {day} May 2020, unknown persons looted shops and smashed windows of a warehouse "
                     f"in {place}.", LOOTING))
        rows.append((f"On {day} May 2020, officials opened a new regional office of the ministry in {place}.", OTHER))
        rows.append((f"On {day} May 2020, {group} rioted in {place}, threw stones at police and burned tyres.", RIOT))
    return rows


def write_acled(path: Path, rows) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["data_id", "event_date", "event_type", "sub_event_type", "notes", "admin1", "fatalities"])
        for i, (text, label) in enumerate(rows):
            writer.writerow([str(1000 + i), "1-May-20", frame_for_sub_event(label).acled_event_type, label, text,
                             "", "0"])
    return path


@pytest.fixture(scope="module")
def trained(tmp_path_factory, extractor):
    """A classifier trained on the made-up rows (bag of words, 10 epochs, tuned with the rules)."""
    folder = tmp_path_factory.mktemp("classifier")
    data = write_acled(folder / "made_up.csv", made_up_rows())
    out = folder / "model"
    # 144 made-up rows: every class has fewer training rows than a real model needs to be trusted
    meta = fit([data], out, Options(seed=0, dev_fraction=0.2, epochs=10, architecture="bow", min_trusted_rows=10),
               extractor_factory=lambda: extractor)
    return data, out, meta


def test_every_acled_sub_event_type_has_a_frame():
    assert set(SUB_EVENT_FRAMES) == set(ACLED_TO_CASE)
    assert frame_for_sub_event("Air/drone strike").modes == ("aerial",)
    assert frame_for_sub_event("Looting/property destruction").acled_event_type == "Strategic developments"
    assert frame_for_sub_event("no such type") is None


def test_files_are_told_apart_by_header_and_case_labels_map_to_acled(tmp_path):
    acled = write_acled(tmp_path / "a.csv", made_up_rows()[:3])
    case = tmp_path / "c.tsv"
    case.write_text("id\tEventSnippet\tSubType\n1\tRiver floods swept two villages.\tNATURAL_DISASTER\n"
                    "2\tCrowds marched through the capital.\tPEACE_PROTEST\n", encoding="utf-8")
    assert file_kind(acled) == "acled" and file_kind(case) == "case"
    kind, samples = read_samples(case)
    assert kind == "case" and [s.label for s in samples] == [NO_EVENT, PROTEST]


@pytest.mark.parametrize(("sub_event_type", "marker"), [
    ("Armed clash", "wfrulearmedclash"),
    ("Looting/property destruction", "wfrulelootingpropertydestruction"),
    (None, "wfrulenone"),  # the rules found no event
])
def test_rule_marker_is_one_token(sub_event_type, marker, extractor):
    assert rule_marker(sub_event_type) == marker
    marked = with_rule("Gunmen attacked a bus.", sub_event_type)
    assert extractor.nlp.make_doc(marked)[0].text == marker


def test_split_is_a_function_of_text_and_seed():
    samples = [s for s, _ in made_up_rows()]
    from extraction.classifier.data import Sample

    rows = [Sample(t, PROTEST, "x") for t in samples]
    first = split(rows, 3, 0.2, 0.1)
    again = split(list(reversed(rows)), 3, 0.2, 0.1)
    assert {s.text for s in first[2]} == {s.text for s in again[2]}
    assert all(is_heldout(s.text, 3, 0.2) for s in first[2])
    assert not set(s.text for s in first[0]) & set(s.text for s in first[2])


def test_decide_keeps_the_rules_unless_confident():
    labels = (PROTEST, LOOTING)
    rule = frame_for_sub_event(PROTEST)
    assert decide(LOOTING, 0.9, rule, labels, 0.5, 0.7).acled_sub_event_type == LOOTING
    assert decide(LOOTING, 0.4, rule, labels, 0.5, 0.7) is None
    assert decide(NO_EVENT, 0.99, rule, labels, 0.5, 0.7) is None
    assert decide(LOOTING, 0.99, frame_for_sub_event("Grenade"), labels, 0.5, 0.7) is None  # a class it never saw
    assert decide(LOOTING, 0.6, None, labels, 0.5, 0.7) is None
    assert decide(LOOTING, 0.8, None, labels, 0.5, 0.7).acled_sub_event_type == LOOTING
    assert decide("Grenade", 0.99, rule, labels, 0.5, 0.7) is None  # nor does it override with one


@pytest.mark.parametrize(("counts", "trusted"), [
    ({PROTEST: MIN_TRAIN_ROWS, LOOTING: MIN_TRAIN_ROWS - 1}, {PROTEST}),  # too few rows of looting
    (None, {PROTEST, LOOTING}),  # a model without counts: every class
])
def test_rare_classes_are_the_rules_to_decide(counts, trusted):
    assert trusted_labels((PROTEST, LOOTING), counts) == trusted
    rule = frame_for_sub_event(PROTEST)
    overridden = decide(LOOTING, 0.99, rule, trusted_labels((PROTEST, LOOTING), counts), 0.5, 0.5)
    assert (overridden is not None) == (LOOTING in trusted)


def test_save_and_load_round_trip(trained):
    _, out, meta = trained
    assert (out / META_NAME).is_file() and (out / "config.cfg").is_file()
    saved = json.loads((out / META_NAME).read_text(encoding="utf-8"))
    assert saved["labels"] == sorted([PROTEST, LOOTING, OTHER, RIOT]) == meta["labels"]
    files = saved["training"]["files"]
    assert files[0]["name"] == "made_up.csv" and files[0]["rows"] == 144
    assert files[0]["train"] + files[0]["tune"] + files[0]["dev"] == 144
    assert {"override", "emit"} <= set(saved["thresholds"]) and "dev" in saved["scores"]
    assert saved["spacy_version"] and saved["created"] and "Do not commit" in saved["notice"]
    loaded = TextClassifier.load(out)
    assert loaded.labels == tuple(meta["labels"])
    assert saved["rule_features"] is True and loaded.rule_features  # trained on texts marked with the rules' type
    assert loaded.override == saved["thresholds"]["override"]
    label, probability = loaded.predict(["On 9 May 2020, teachers marched peacefully in Lviv demanding unpaid wages."])[0]
    assert label == PROTEST and probability > 0.5


def test_heldout_rows_are_the_dev_split(trained):
    data, out, meta = trained
    _, samples = read_samples(data)
    kept, note = heldout_rows(data, samples, out, lambda s: s.text)
    assert len(kept) == meta["training"]["files"][0]["dev"] and "held-out" in note


def test_extractor_with_the_classifier_overrides_the_rules_when_confident(trained, extractor):
    _, out, _ = trained
    classifier = TextClassifier.load(out)
    classifier.override, classifier.emit = 0.5, 0.5
    with_classifier = Extractor(extractor.nlp, extractor.gazetteer, classifier=classifier)
    text = "On 4 May 2020, a crowd protested in Kharkiv, then looted shops and smashed windows of a warehouse."
    report = Report(id="t1", text=text, published_at="2020-05-04T12:00:00Z")
    rules = extractor.extract(report)
    assert rules and rules[0].acled_sub_event_type == RIOT  # "looted": a riot for the rules
    label, probability = classifier.predict([text])[0]
    assert label == LOOTING and probability >= 0.5
    events = with_classifier.extract(report)
    assert [e.acled_sub_event_type for e in events][:1] == [LOOTING]
    assert events[0].event_type == "ASSAULT" and events[0].acled_event_type == "Strategic developments"
    assert events[0].event_mode == ("destroy",)
    assert events[0].location == rules[0].location and events[0].event_id == rules[0].event_id


def test_a_report_the_rules_miss_gets_the_classifiers_event(trained, extractor):
    _, out, _ = trained
    classifier = TextClassifier.load(out)
    classifier.emit = 0.5
    with_classifier = Extractor(extractor.nlp, extractor.gazetteer, classifier=classifier)
    report = Report(id="t2", text="On 6 May 2020, officials opened a new regional office of the ministry in Odesa. "
                                  "Nobody commented.", published_at="2020-05-06T12:00:00Z")
    assert extractor.extract(report) == []
    events = with_classifier.extract(report)
    assert len(events) == 1
    event = events[0]
    assert event.acled_sub_event_type == OTHER and event.event_type == "OTHER"
    assert event.evidence.text.startswith("On 6 May 2020, officials opened") and event.evidence.text.endswith("Odesa.")
    assert event.location is not None and event.location.name == "Odesa"
    assert str(event.date) == "2020-05-06"


def test_train_refuses_an_output_inside_the_work_tree(tmp_path, capsys):
    data = write_acled(tmp_path / "made_up.csv", made_up_rows()[:6])
    out = REPO / "var" / "classifier-test-should-not-exist"
    assert main(["train", str(data), "--out", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "git work tree" in err and "must not be committed" in err
    assert not out.exists()


def test_train_and_eval_commands(tmp_path, capsys):
    data = write_acled(tmp_path / "made_up.csv", made_up_rows())
    out = tmp_path / "model"
    code = main(["train", str(data), "--out", str(out), "--arch", "bow", "--epochs", "2", "--no-tune",
                 "--no-progress"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "Do not commit" in captured.err and "held out" in captured.out
    assert main(["eval", "acled", str(data), "--classifier", str(out), "--heldout", "--no-progress",
                 "--json", str(tmp_path / "scores.json")]) == 0
    scores = json.loads((tmp_path / "scores.json").read_text(encoding="utf-8"))
    assert scores["heldout"] and 0 < scores["rows"] < 144
    assert main(["eval", "acled", str(data), "--classifier", str(tmp_path), "--no-progress"]) == 2
    assert "not a watchfloor classifier" in capsys.readouterr().err


@pytest.mark.skipif(not (EVAL_DIR / "acled_2020_dev.csv").is_file(),
                    reason=f"evaluation data not found in {EVAL_DIR} (set WATCHFLOOR_EVAL_DIR)")
def test_pipeline_with_a_classifier_runs_on_real_rows(trained, extractor):
    from extraction.evaluation import acled

    _, out, _ = trained
    with_classifier = Extractor(extractor.nlp, extractor.gazetteer, classifier=TextClassifier.load(out))
    result, records = acled.evaluate(EVAL_DIR / "acled_2020_dev.csv", with_classifier, limit=50)
    assert result["rows"] == 50 and len(records) == 50
