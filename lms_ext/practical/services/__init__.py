"""Services of the practical package: checklists, mentors, the in-person sign-off and its audit log."""

from .signoffs import mentor_outcome_ratings, step_panel

__all__ = ['mentor_outcome_ratings', 'step_panel']
