"""Tests for alerts/: renderers, channels against real local peers, delivery."""
