"""Quizzes with Moodle GIFT import, attempts and grades (issue 6)."""
