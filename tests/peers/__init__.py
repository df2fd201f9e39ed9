"""Real-protocol test peers: a local Slack Web API and a local SMTP server.

Both bind 127.0.0.1 on a free port, run in a background thread, record everything they
receive and can be scripted to fail. Used by unit tests of the channels and by end-to-end
tests that run the whole pipeline (possibly in a subprocess pointed at `base_url` / `port`).
"""

from tests.peers.slack_api import RecordedRequest, SlackApiServer, SlackResponse
from tests.peers.smtp import ReceivedMessage, SmtpServer, free_port

__all__ = [
    "ReceivedMessage",
    "RecordedRequest",
    "SlackApiServer",
    "SlackResponse",
    "SmtpServer",
    "free_port",
]
