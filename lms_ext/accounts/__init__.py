"""People and their roles per LMS course (context)."""
