"""Kafka security settings reach kafka-python and faust the same way (no secret printed)."""

from __future__ import annotations

import faust

from streams.settings import Settings


def test_plaintext_by_default():
    settings = Settings(_env_file=None)
    assert settings.kafka_client_kwargs() == {"bootstrap_servers": "127.0.0.1:9092", "security_protocol": "PLAINTEXT"}
    assert settings.faust_credentials() is None


def test_sasl_ssl_reaches_both_clients_and_stays_secret(tmp_path):
    settings = Settings(_env_file=None, kafka_bootstrap="kafka.example:9093", kafka_security_protocol="SASL_SSL",
                        kafka_sasl_mechanism="SCRAM-SHA-512", kafka_sasl_username="watch", kafka_sasl_password="s3cret-pw")
    kwargs = settings.kafka_client_kwargs()
    assert kwargs["security_protocol"] == "SASL_SSL" and kwargs["sasl_mechanism"] == "SCRAM-SHA-512"
    assert (kwargs["sasl_plain_username"], kwargs["sasl_plain_password"]) == ("watch", "s3cret-pw")
    credentials = settings.faust_credentials()
    assert isinstance(credentials, faust.SASLCredentials)
    assert credentials.username == "watch" and credentials.password == "s3cret-pw"
    assert credentials.ssl_context is not None
    assert "s3cret-pw" not in str(settings.redacted()) and "s3cret-pw" not in repr(settings)
