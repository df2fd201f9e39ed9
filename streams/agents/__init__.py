"""Faust agents: decode, call a pure stage function, send on; failures to the stage's DLQ."""
