"""All configuration in one pydantic-settings model: environment (WATCHFLOOR_*) and `.env`.

Secrets are SecretStr: they never print, in `config show`, logs or DLQ records.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def _split(value: Any, separator: str) -> Any:
    """"a@x, b@y" -> ["a@x", "b@y"]; JSON lists are accepted too."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            import json

            return json.loads(text)
        return [part.strip() for part in text.split(separator) if part.strip()]
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WATCHFLOOR_", env_file=".env", extra="ignore")

    # Kafka
    kafka_bootstrap: str = "127.0.0.1:9092"
    app_id: str = "watchfloor"
    partitions: int = Field(2, ge=1)
    reports_topic: str = "watchfloor.reports"
    events_topic: str = "watchfloor.events"
    alerts_topic: str = "watchfloor.alerts"
    dlq_suffix: str = ".dlq"
    deliveries_dlq_topic: str = "watchfloor.deliveries.dlq"

    # Extraction
    spacy_model: str = "en_core_web_sm"
    gazetteer_min_population: int = 5000
    batch_size: int = Field(16, ge=1)
    batch_window_seconds: float = Field(0.2, gt=0)

    # Rules and receivers
    rules_dirs: Annotated[list[Path], NoDecode] = Field(default_factory=list)  # os.pathsep-separated

    # Local state: the delivery ledger; rendered messages when no receiver is configured
    data_dir: Path = Path("var")
    outbox_dir: Path = Path("outbox")

    # Slack (bot token + channel; base_url points slack-sdk at another API host)
    slack_bot_token: SecretStr | None = None
    slack_channel: str | None = None
    slack_base_url: str | None = None

    # Email
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_starttls: bool = False
    smtp_tls: bool = False
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    email_from: str = "watchfloor@localhost"
    email_to: Annotated[list[str], NoDecode] = Field(default_factory=list)  # comma-separated

    # Worker web server (faust's); off unless a port is chosen
    web_port: int | None = None

    @field_validator("email_to", mode="before")
    @classmethod
    def _emails(cls, value: Any) -> Any:
        return _split(value, ",")

    @field_validator("rules_dirs", mode="before")
    @classmethod
    def _dirs(cls, value: Any) -> Any:
        return _split(value, os.pathsep)

    def dlq(self, topic: str) -> str:
        return f"{topic}{self.dlq_suffix}"

    def all_topics(self) -> list[str]:
        stages = [self.reports_topic, self.events_topic, self.alerts_topic]
        return [*stages, *(self.dlq(t) for t in stages), self.deliveries_dlq_topic]

    def redacted(self) -> dict:
        """The effective configuration with every secret replaced by '**********'."""
        return self.model_dump(mode="json")
