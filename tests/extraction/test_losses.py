"""How many were killed and injured: made-up sentences for each counting rule (not eval rows)."""

from __future__ import annotations

import pytest

from extraction.evaluation.acled import predict

CASES = [
    # (text, fatalities summed over the report's events, injured of the first event)
    ("Two colonels were killed in an ambush near Idlib.", 2, None),
    ("Four soldiers were killed and two were wounded when a roadside bomb hit their vehicle in Wardak.", 4, 2),
    ("On 3 June 2021, soldiers were killed in an ambush near Idlib.", 0, None),  # a year is no count
    ("In 2019, 3 civilians were killed in shelling of Ariha.", 3, None),
    ("9 Taliban militants including 3 commanders were killed in Nahrin district, Baghlan.", 9, None),
    ("4 pro-government militia members were killed in an attack in Kapisa.", 4, None),
    ("A judge was killed by unknown gunmen in Herat city.", 1, None),  # the gunmen were not hit
    ("At least 5-7 policemen were killed in an attack on a checkpoint in Kapisa.", 5, None),
    ("1 policeman was killed or wounded by a sniper in Helmand.", 0, None),  # says neither
    ("A trader was killed in a drive-by shooting by two armed men in Manaus.", 1, None),
    # the death a peaceful protest is about is not a loss of the protest
    ("Relatives of a baby who died in hospital held a protest in Sangareddy.", 0, None),
    ("A man was shot dead in a bar in Leon, Guanajuato. 1 fatality", 1, None),
    ("Three men were found dead in Tijuana. A fourth body was found nearby. 4 fatalities.", 4, None),
]


@pytest.mark.parametrize("text, dead, injured", CASES, ids=[c[0][:40] for c in CASES])
def test_losses(extract_text, text, dead, injured):
    events = extract_text(text)
    assert events, text
    assert predict(events).fatalities_sum == dead
    assert events[0].injured == injured


def test_subset_is_listed_but_not_added(extract_text):
    events = extract_text("12 Taliban militants including 2 commanders were killed in Dawlat Abad district, Balkh.")
    commanders = [v for v in events[0].victims if v.rank == "Field Commander"]
    assert commanders and commanders[0].count == 2 and commanders[0].rank_class == "senior_officer"
    assert events[0].fatalities == 12
