"""The recent incidents of one province, so a later report finds the earlier incident (pure).

The match stage keeps one `RecentIncidents` per province (the events topic is keyed by
province, so one worker sees every report of a province). For each alert, `join` finds the
incident it belongs to and gives the alert that incident's key; the alerts topic and the
deliver stage's incident table are keyed by it, so the deliver stage sees an update.

An alert joins an incident of its own rule that is still open (its latest alert at most the
rule's `dedup.within` before this one), in this order: an alert already in it (a redelivery),
the rule's own dedup key (what the rule author said is one incident), then a fingerprint
match (fingerprint.py) when the rule allows it (`dedup.fuzzy`, on by default). Otherwise it
opens an incident under its own key.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from alerts.frozen import Frozen, Stored, utc
from alerts.model import Alert

from .fingerprint import Fingerprint, fingerprint_of, merged, same_incident

MAX_INCIDENTS = 200  # per province and rule: far above the open incidents seen; bounds the state
MAX_ALERT_IDS = 20  # per incident, for recognising redeliveries (older ones still match by fingerprint)
How = Literal["new", "repeat", "exact", "fuzzy"]


class KnownIncident(Frozen):
    rule_id: str
    incident_key: str  # the key of its first alert: every later alert is sent under it
    keys: tuple[str, ...]  # the rule's own keys of the alerts that joined
    alert_ids: tuple[str, ...]
    fingerprint: Fingerprint
    last_at: datetime
    within_seconds: float


class RecentIncidents(Stored):
    incidents: tuple[KnownIncident, ...] = ()


def _open(known: KnownIncident, at: datetime) -> bool:
    return at - utc(known.last_at) <= timedelta(seconds=known.within_seconds)


def _find(incidents: list[KnownIncident], alert: Alert, print_: Fingerprint, fuzzy: bool) -> tuple[int, How] | None:
    mine = [(i, k) for i, k in enumerate(incidents) if k.rule_id == alert.rule_id]
    for i, known in mine:
        if alert.alert_id in known.alert_ids:
            return i, "repeat"
    for i, known in reversed(mine):
        if alert.incident_key in known.keys:
            return i, "exact"
    if fuzzy and print_.admin1:
        for i, known in reversed(mine):  # the latest matching incident
            if same_incident(known.fingerprint, print_):
                return i, "fuzzy"
    return None


def join(recent: RecentIncidents, alert: Alert, fuzzy: bool = True) -> tuple[Alert, RecentIncidents, How]:
    """`alert` under the key of the incident it belongs to, the province's incidents after
    it, and how it was joined: new (its own incident), repeat, exact (same dedup key) or fuzzy.
    """
    at = utc(alert.fired_at)
    incidents = [k for k in recent.incidents if _open(k, at)]
    print_ = fingerprint_of(alert.event)
    found = _find(incidents, alert, print_, fuzzy)
    if found is None:
        incidents.append(KnownIncident(
            rule_id=alert.rule_id, incident_key=alert.incident_key, keys=(alert.incident_key,),
            alert_ids=(alert.alert_id,), fingerprint=print_, last_at=at,
            within_seconds=alert.dedup_within_seconds,
        ))
        incidents = sorted(incidents, key=lambda k: utc(k.last_at))[-MAX_INCIDENTS:]
        return alert, RecentIncidents(incidents=tuple(incidents)), "new"
    index, how = found
    known = incidents[index]
    if how != "repeat":
        incidents[index] = known.model_copy(update={
            "keys": tuple(dict.fromkeys((*known.keys, alert.incident_key))),
            "alert_ids": (*known.alert_ids, alert.alert_id)[-MAX_ALERT_IDS:],
            "fingerprint": merged(known.fingerprint, print_),
            "last_at": max(utc(known.last_at), at),
        })
    if known.incident_key != alert.incident_key:
        alert = alert.model_copy(update={"incident_key": known.incident_key,
                                         "own_incident_key": alert.own_incident_key or alert.incident_key})
    return alert, RecentIncidents(incidents=tuple(incidents)), how
