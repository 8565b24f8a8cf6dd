"""Micro-modules: versions with learning outcomes and an ordered list of steps."""
