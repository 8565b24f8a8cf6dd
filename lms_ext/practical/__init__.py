"""Practical task checklist signed off in person by a mentor (issue 8)."""
