"""Initial learning-preference questionnaire and format routing (issue 5)."""
