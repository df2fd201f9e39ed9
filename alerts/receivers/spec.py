"""What a receiver in the receivers file may say, one model per type (pure).

Secrets are never written in the file: a `*_env` key names the environment variable that
holds them (`token_env: SLACK_TOKEN_OPS`); the loader reads it and keeps it as a SecretStr.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_SECRET_HEADER = re.compile(r"authorization|cookie|token|secret|api[-_]?key|signature|password", re.I)
_ADDRESS = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+$")
# Headers the channel sets itself: a file cannot forge the idempotency key or the body's type.
RESERVED_HEADERS = frozenset({"content-type", "content-length", "idempotency-key", "host",
                              "x-watchfloor-incident", "x-watchfloor-notice"})


def _env_name(value: str | None) -> str | None:
    if value is not None and not _ENV_NAME.match(value):
        raise ValueError(f"{value!r} is not an environment variable name (letters, digits, _)")
    return value


def _http_url(value: str | None) -> str | None:
    if value is not None and not re.match(r"^https?://[^\s/?#]+", value):
        raise ValueError(f"{value!r} is not an http:// or https:// URL")
    return value


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    def secret_envs(self) -> dict[str, str]:
        """secret name -> the environment variable that holds it."""
        return {name.removesuffix("_env"): value for name, value in self if name.endswith("_env") and isinstance(value, str)}


class SlackSpec(_Spec):
    """A bot token and a channel (chat.postMessage), or an incoming webhook."""

    type: Literal["slack"]
    channel: str | None = None
    token_env: str | None = None
    webhook_url_env: str | None = None
    base_url: str | None = None  # another Slack API host (a proxy, a test server)
    timeout: float = Field(10, gt=0, le=300)

    _env = field_validator("token_env", "webhook_url_env")(lambda cls, v: _env_name(v))
    _url = field_validator("base_url")(lambda cls, v: _http_url(v))

    @model_validator(mode="after")
    def _one_way(self) -> SlackSpec:
        if self.webhook_url_env and (self.token_env or self.channel):
            raise ValueError("either token_env and channel (chat.postMessage) or webhook_url_env, not both")
        if not self.webhook_url_env and not (self.token_env and self.channel):
            raise ValueError("needs token_env and channel (chat.postMessage), or webhook_url_env (incoming webhook)")
        return self


class EmailSpec(_Spec):
    """An SMTP server and the addresses to send to."""

    type: Literal["email"]
    host: str = Field(min_length=1)
    port: int | None = Field(None, ge=1, le=65535)  # default by security: 587, 465 or 25
    security: Literal["starttls", "tls", "none"] = "starttls"
    username: str | None = None
    password_env: str | None = None
    sender: str = Field(alias="from")
    to: tuple[str, ...] = Field(min_length=1)
    cc: tuple[str, ...] = ()
    timeout: float = Field(10, gt=0, le=300)

    _env = field_validator("password_env")(lambda cls, v: _env_name(v))

    @field_validator("sender", "to", "cc")
    @classmethod
    def _addresses(cls, value):
        for address in (value,) if isinstance(value, str) else value:
            if not _ADDRESS.match(address):
                raise ValueError(f"{address!r} is not an email address such as duty@example.org")
        return value

    @model_validator(mode="after")
    def _login(self) -> EmailSpec:
        if bool(self.username) != bool(self.password_env):
            raise ValueError("username and password_env go together (or neither, for no login)")
        return self

    @property
    def effective_port(self) -> int:
        return self.port or {"starttls": 587, "tls": 465, "none": 25}[self.security]


class WebhookSpec(_Spec):
    """Any HTTP endpoint that takes the alert JSON."""

    type: Literal["webhook"]
    url: str | None = None
    url_env: str | None = None  # when the URL itself is a secret (a token in its path or query)
    method: Literal["POST", "PUT"] = "POST"
    headers: dict[str, str] = Field(default_factory=dict)
    headers_env: dict[str, str] = Field(default_factory=dict)  # header -> variable, e.g. Authorization
    timeout: float = Field(10, gt=0, le=300)

    _env = field_validator("url_env")(lambda cls, v: _env_name(v))
    _url = field_validator("url")(lambda cls, v: _http_url(v))

    @field_validator("headers", "headers_env")
    @classmethod
    def _header_names(cls, value: dict[str, str]) -> dict[str, str]:
        for name, text in value.items():
            if not _HEADER_NAME.match(name):
                raise ValueError(f"{name!r} is not an HTTP header name")
            if name.lower() in RESERVED_HEADERS:
                raise ValueError(f"header {name!r} is set by watchfloor itself")
            if "\r" in text or "\n" in text:
                raise ValueError(f"header {name!r}: line breaks are not allowed")
        return value

    @field_validator("headers")
    @classmethod
    def _no_secret_headers(cls, value: dict[str, str]) -> dict[str, str]:
        for name in value:
            if _SECRET_HEADER.search(name):
                raise ValueError(f"header {name!r} holds a secret: name its environment variable under headers_env")
        return value

    @field_validator("headers_env")
    @classmethod
    def _header_envs(cls, value: dict[str, str]) -> dict[str, str]:
        for env in value.values():
            _env_name(env)
        return value

    @model_validator(mode="after")
    def _one_url(self) -> WebhookSpec:
        if bool(self.url) == bool(self.url_env):
            raise ValueError("needs url or url_env (one of them)")
        return self

    def secret_envs(self) -> dict[str, str]:
        found = super().secret_envs()
        found.update({f"header:{name}": env for name, env in self.headers_env.items()})
        return found


class KafkaSpec(_Spec):
    """Another Kafka topic, for downstream consumers (the cluster is the worker's own)."""

    type: Literal["kafka"]
    topic: str = Field(min_length=1, max_length=249, pattern=r"^[A-Za-z0-9._-]+$")


ReceiverSpec = SlackSpec | EmailSpec | WebhookSpec | KafkaSpec
SPECS: dict[str, type[_Spec]] = {"slack": SlackSpec, "email": EmailSpec, "webhook": WebhookSpec, "kafka": KafkaSpec}
