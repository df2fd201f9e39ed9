"""`watchfloor silence add|list|expire`: silences stored in a compacted Kafka topic.

Every worker reads the whole topic (a faust global table), so a silence added anywhere holds
everywhere and survives restarts.
"""

from __future__ import annotations

import getpass
import json
import sys
from datetime import datetime, timedelta, timezone

from .common import sub


def add_parser(subs) -> None:
    parser = sub(subs, "silence", "add, list or expire silences (matchers over alert labels)",
                 'watchfloor silence add location.admin1_code=SY-HL rule_id=~senior-.* --for 2h '
                 '--comment "known operation, covered by the desk"\n  watchfloor silence list\n'
                 "  watchfloor silence expire sil-3f2a9c1b7d4e")
    parser.add_argument("action", choices=["add", "list", "expire"])
    parser.add_argument("args", nargs="*", help="add: matchers (label=value, label!=value, label=~regex); expire: ids")
    parser.add_argument("--for", dest="duration", default="2h", help="how long, e.g. 30m, 2h, 3d (add)")
    parser.add_argument("--author", default=None, help="who (default: the login name)")
    parser.add_argument("--comment", default=None, help="why (required for add)")
    parser.add_argument("--all", action="store_true", help="list expired silences too")
    parser.set_defaults(run=run)


def _read(settings) -> dict:
    from alerts.silences import Silence

    from ..kafka_io import read_topic

    latest: dict = {}
    for record in read_topic(settings, settings.silences_topic, idle_seconds=1.5):
        silence = Silence.model_validate(record)
        latest[silence.id] = silence
    return latest


def _publish(settings, silence) -> None:
    from kafka import KafkaProducer

    producer = KafkaProducer(**settings.kafka_client_kwargs(), acks="all")
    try:
        producer.send(settings.silences_topic, key=silence.id.encode(), value=silence.model_dump_json().encode()).get(timeout=30)
    finally:
        producer.close()


def run(args) -> int:
    from pydantic import ValidationError

    from alerts.silences import Matcher, Silence
    from rules.spec import parse_duration

    from ..kafka_io import ensure_topics
    from ..settings import Settings

    settings = Settings()
    ensure_topics(settings)
    now = datetime.now(timezone.utc)
    if args.action == "add":
        if not args.comment:
            print("error: --comment is required: say why, for whoever reads the list later", file=sys.stderr)
            return 2
        try:
            silence = Silence(matchers=tuple(Matcher.parse(a) for a in args.args), starts_at=now,
                              ends_at=now + parse_duration(args.duration), created_by=args.author or getpass.getuser(),
                              comment=args.comment)
        except (ValueError, ValidationError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        _publish(settings, silence)
        print(silence.id)
        return 0
    silences = _read(settings)
    if args.action == "expire":
        missing = [i for i in args.args if i not in silences]
        for silence_id in args.args:
            if silence_id in silences:
                _publish(settings, silences[silence_id].expired(now))
                print(f"expired {silence_id}")
        for silence_id in missing:
            print(f"error: no silence {silence_id}", file=sys.stderr)
        return 1 if missing or not args.args else 0
    for silence in sorted(silences.values(), key=lambda s: s.starts_at):
        if silence.active(now) or args.all:
            state = "active" if silence.active(now) else "expired"
            print(json.dumps({"id": silence.id, "state": state, "matchers": [str(m) for m in silence.matchers],
                              "ends_at": silence.ends_at.isoformat(), "created_by": silence.created_by,
                              "comment": silence.comment}))
    return 0
