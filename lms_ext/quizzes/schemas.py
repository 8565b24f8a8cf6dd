"""Shapes of quiz settings forms."""

from decimal import Decimal

from marshmallow import fields, validate

from lms_ext.core.schemas import BaseSchema

from .models import Behaviour, GradingMethod


class QuizSettingsInput(BaseSchema):
    pass_mark_percent = fields.Integer(required=True, validate=validate.Range(min=0, max=100))
    attempts_allowed = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=100))
    grading_method = fields.Enum(GradingMethod, by_value=True, load_default=GradingMethod.highest)
    delay_minutes = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10_080))
    time_limit_minutes = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=600))
    draw_count = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=500))
    # Draw from this category or tag only. Not on the settings form (left as it is when absent); module
    # packages and new drafts carry it.
    draw_category = fields.String(validate=validate.Length(max=255))
    shuffle_questions = fields.Boolean(load_default=False)
    shuffle_answers = fields.Boolean(load_default=False)
    show_feedback = fields.Boolean(load_default=False)
    show_right_answers = fields.Boolean(load_default=False)
    behaviour = fields.Enum(Behaviour, by_value=True, load_default=Behaviour.deferred)
    penalty_percent = fields.Decimal(load_default=Decimal('33.33333'), validate=validate.Range(min=0, max=100))
    tries_allowed = fields.Integer(load_default=3, validate=validate.Range(min=1, max=10))
    cbm = fields.Boolean(load_default=False)


class QuestionOutcomesInput(BaseSchema):
    """The learning outcomes a question tests (ids of the version's outcomes; checked by the service)."""

    outcome_ids = fields.List(fields.Integer(), load_default=list, validate=validate.Length(max=100))


class QuestionMarksInput(BaseSchema):
    """The mark of each question of a quiz in a module package, in question order (GIFT has no marks).
    Optional: packages written before marks travelled import with GIFT's default mark, 1."""

    marks = fields.List(fields.Decimal(places=2, validate=validate.Range(min=0, max=Decimal('9999.99'))),
                        load_default=None)
