"""From a parsed report to events: frames, victims, places, roles, dates."""
