"""A trained text classifier for ACLED sub-event types (spaCy textcat), beside the rules."""
