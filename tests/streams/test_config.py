"""`watchfloor config show`: the effective configuration, and no secret ever in it."""

from __future__ import annotations

import json
import os

import pytest
import yaml

from streams.cli import main
from streams.settings import Settings

MASK = "**********"
SLACK_TOKEN = "xoxb-1111-2222-very-secret-token"
SMTP_PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    """No WATCHFLOOR_* from the outside and no stray .env: each test sets what it needs."""
    for name in list(os.environ):
        if name.startswith("WATCHFLOOR_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def show(capsys, fmt: str) -> tuple[str, dict]:
    assert main(["config", "show", "--format", fmt]) == 0
    out = capsys.readouterr().out
    return out, (json.loads(out) if fmt == "json" else yaml.safe_load(out))


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_secrets_from_env_never_appear(monkeypatch, capsys, fmt):
    monkeypatch.setenv("WATCHFLOOR_SLACK_BOT_TOKEN", SLACK_TOKEN)
    monkeypatch.setenv("WATCHFLOOR_SMTP_PASSWORD", SMTP_PASSWORD)
    monkeypatch.setenv("WATCHFLOOR_SMTP_USER", "duty")
    monkeypatch.setenv("WATCHFLOOR_SLACK_CHANNEL", "#syria-watch")
    out, config = show(capsys, fmt)
    assert SLACK_TOKEN not in out and "very-secret" not in out
    assert SMTP_PASSWORD not in out and "battery" not in out
    assert config["slack_bot_token"] == MASK and config["smtp_password"] == MASK
    assert config["smtp_user"] == "duty" and config["slack_channel"] == "#syria-watch"


def test_secrets_from_dotenv_never_appear(tmp_path, capsys):
    (tmp_path / ".env").write_text(f"WATCHFLOOR_SMTP_PASSWORD={SMTP_PASSWORD}\nWATCHFLOOR_SMTP_HOST=mail.example.org\n")
    out, config = show(capsys, "json")
    assert SMTP_PASSWORD not in out
    assert config["smtp_password"] == MASK and config["smtp_host"] == "mail.example.org"


def test_unset_secrets_show_as_null(capsys):
    _, config = show(capsys, "json")
    assert config["slack_bot_token"] is None and config["smtp_password"] is None
    assert config["kafka_bootstrap"] == "127.0.0.1:9092"


def test_credentials_in_urls_are_masked(monkeypatch, capsys):
    monkeypatch.setenv("WATCHFLOOR_FEEDS", "https://reader:feedpass@example.org/rss?access_token=abc123&page=2,https://b.example/atom")
    monkeypatch.setenv("WATCHFLOOR_SLACK_BASE_URL", "https://proxyuser:proxypass@slack-proxy.example/api/")
    monkeypatch.setenv("WATCHFLOOR_KAFKA_BOOTSTRAP", "svc:kafkapw@broker:9092")
    out, config = show(capsys, "json")
    for secret in ("feedpass", "abc123", "proxypass", "kafkapw"):
        assert secret not in out
    assert config["kafka_bootstrap"] == f"svc:{MASK}@broker:9092"
    assert config["feeds"] == [f"https://reader:{MASK}@example.org/rss?access_token={MASK}&page=2", "https://b.example/atom"]
    assert config["slack_base_url"] == f"https://proxyuser:{MASK}@slack-proxy.example/api/"


def test_every_setting_is_shown(capsys):
    _, config = show(capsys, "yaml")
    assert set(config) == set(Settings.model_fields)


def test_redacted_masks_every_secret_field():
    secret_fields = [n for n, f in Settings.model_fields.items() if "SecretStr" in str(f.annotation)]
    assert {"slack_bot_token", "smtp_password"} <= set(secret_fields)
    settings = Settings(_env_file=None, **{n: f"leak-{n}" for n in secret_fields})
    dumped = json.dumps(settings.redacted())
    assert "leak-" not in dumped


def test_bad_value_is_reported_without_echoing_it(monkeypatch, capsys):
    monkeypatch.setenv("WATCHFLOOR_SMTP_PORT", "xoxb-looks-like-a-token")
    assert main(["config", "show"]) == 2
    captured = capsys.readouterr()
    assert "WATCHFLOOR_SMTP_PORT" in captured.err
    assert "xoxb-looks-like-a-token" not in captured.err + captured.out
