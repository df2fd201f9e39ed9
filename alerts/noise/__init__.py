"""Noise control: fewer, better messages, and every one held back counted and logged (pure).

One file per concept:

    fingerprint.py  is this report the same incident as that one (fuzzy matching)
    recent.py       the recent incidents of a province, to join a report to an earlier incident
    inhibit.py      a "territory captured" alert mutes lesser alerts for the same place
    province.py     the match stage's step: recent incidents and inhibitions, per province
    quiet.py        recurring quiet hours
    realert.py      how often updates of an open incident may notify
    group.py        group wait: a burst of new incidents of one rule as one message
    gate.py         the deliver stage's step: send, or hold back with a reason
"""
