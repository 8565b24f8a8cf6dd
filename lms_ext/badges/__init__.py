"""Open Badges 2.0: issue, bake and host micro-credentials (issue 9)."""
