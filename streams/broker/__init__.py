"""A local one-node Apache Kafka broker (KRaft) for development and integration tests.

``fetch_jars()`` caches the broker's jars from Maven Central once; ``KafkaBroker`` runs it.
"""

from .fetch import KAFKA_VERSION, BrokerError, default_cache_dir, fetch_jars, libs_dir
from .process import BrokerStatus, KafkaBroker, free_port, free_ports

__all__ = [
    "KAFKA_VERSION",
    "BrokerError",
    "BrokerStatus",
    "KafkaBroker",
    "default_cache_dir",
    "fetch_jars",
    "free_port",
    "free_ports",
    "libs_dir",
]
