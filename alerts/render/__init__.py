"""Pure renderers: an Alert in, a Slack message or an email out; no I/O."""

from alerts.render.email import render_email
from alerts.render.slack import SlackMessage, render_slack

__all__ = ["SlackMessage", "render_email", "render_slack"]
