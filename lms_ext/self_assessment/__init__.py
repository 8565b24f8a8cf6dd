"""Self-assessment per learning outcome at several stages (issue 7)."""
