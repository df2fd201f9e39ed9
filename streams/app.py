"""The faust application: topics for every stage and its dead letters, and the three agents.

reports -> [extract] -> events -> [match] -> alerts -> [deliver] -> Slack / email
A rule's `group` sends new incidents through alerts.groups -> [group] -> alerts.groups.due ->
[group release] -> one message for the burst, then each member back to its incident through
the retry topic (streams/agents/group.py).
Each stage has a `<topic>.dlq`; deliveries that fail for good go to the deliveries DLQ.
"""

from __future__ import annotations

from dataclasses import dataclass

import faust

from . import seek_fix
from .agents import deliver, extract, match
from .logs import faust_logging_config
from .reload import RuleReloader
from .runtime import Runtime, load_ruleset
from .settings import Settings


@dataclass(frozen=True)
class Topics:
    reports: faust.TopicT
    events: faust.TopicT
    alerts: faust.TopicT
    reports_dlq: faust.TopicT
    events_dlq: faust.TopicT
    alerts_dlq: faust.TopicT
    deliveries_dlq: faust.TopicT
    deliveries_retry: faust.TopicT
    groups: faust.TopicT
    groups_due: faust.TopicT


def create_app(settings: Settings, prebuilt: Runtime | None = None) -> faust.App:
    """The app; `prebuilt` is the worker's runtime (model, rules, channels), built before
    faust starts so that bad rules or a missing model stop the worker with a clear error."""
    seek_fix.install()  # records fetched during recovery must be read again (streams/seek_fix.py)
    app = faust.App(
        settings.app_id,
        broker=f"kafka://{settings.kafka_bootstrap}",
        broker_credentials=settings.faust_credentials(),
        store="memory://",
        datadir=str(settings.data_dir / "faust"),
        key_serializer="raw",
        value_serializer="raw",
        topic_partitions=settings.partitions,
        topic_replication_factor=1,
        consumer_auto_offset_reset="earliest",
        broker_session_timeout=settings.session_timeout_seconds,
        broker_heartbeat_interval=min(3.0, settings.session_timeout_seconds / 3),
        web_enabled=settings.web_port is not None,
        web_port=settings.web_port or 6066,
        web_bind=settings.web_bind,
        logging_config=faust_logging_config(settings.log_format),
    )

    def topic(name: str) -> faust.TopicT:
        return app.topic(name, key_type=bytes, value_type=bytes, partitions=settings.partitions)

    topics = Topics(
        reports=topic(settings.reports_topic),
        events=topic(settings.events_topic),
        alerts=topic(settings.alerts_topic),
        reports_dlq=topic(settings.dlq(settings.reports_topic)),
        events_dlq=topic(settings.dlq(settings.events_topic)),
        alerts_dlq=topic(settings.dlq(settings.alerts_topic)),
        deliveries_dlq=topic(settings.deliveries_dlq_topic),
        deliveries_retry=topic(settings.deliveries_retry_topic),
        groups=topic(settings.groups_topic),
        groups_due=topic(settings.groups_due_topic),
    )
    runtime_holder: dict[str, Runtime] = {"rt": prebuilt} if prebuilt else {}

    def runtime() -> Runtime:
        # Built lazily in the worker, so importing the app (faust's CLI, tests) loads no model.
        if "rt" not in runtime_holder:
            runtime_holder["rt"] = Runtime.build(settings)
        return runtime_holder["rt"]


    reloader: list[RuleReloader] = []

    @app.timer(interval=settings.rules_reload_seconds)
    async def _reload_rules() -> None:
        # Live reload: a valid change is swapped in whole, an invalid one keeps the last good set.
        rt = runtime()
        if not reloader:
            reloader.append(RuleReloader(
                list(settings.rules_dirs), lambda: load_ruleset(settings),
                lambda ruleset: setattr(rt, "ruleset", ruleset), rt.ruleset.version,
            ))
        reloader[0].check()

    extract.register(app, topics, runtime)
    match.register(app, topics, runtime)
    deliver.register(app, topics, runtime)
    if settings.web_port is not None:
        from .web import WebState, register as register_web

        register_web(app, topics, runtime, WebState(settings, lambda: "rt" in runtime_holder))
    return app


def run_worker(settings: Settings, loglevel: str = "info") -> None:
    """Run the worker in this process until SIGTERM/SIGINT."""
    (settings.data_dir / "faust").mkdir(parents=True, exist_ok=True)
    app = create_app(settings, Runtime.build(settings))
    worker = faust.Worker(app, loglevel=loglevel, quiet=True)
    worker.execute_from_commandline()
