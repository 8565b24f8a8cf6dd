"""Shapes of questionnaire answers and of edited questions."""

from marshmallow import fields, validate

from lms_ext.core.schemas import BaseSchema


class QuestionnaireAnswersInput(BaseSchema):
    """item key → list of chosen option keys (the view collects them from the form)."""

    answers = fields.Dict(keys=fields.String(validate=validate.Length(max=40)),
                          values=fields.List(fields.String(validate=validate.Length(max=40)), validate=validate.Length(
                              max=10)), required=True)


class TimeSpentInput(BaseSchema):
    seconds = fields.Integer(required=True, validate=validate.Range(min=0, max=24 * 3600))


class ItemEditInput(BaseSchema):
    prompt = fields.String(required=True, validate=validate.Length(min=5, max=500))
    active = fields.Boolean(load_default=False)


class NewItemInput(BaseSchema):
    prompt = fields.String(required=True, validate=validate.Length(min=5, max=500))
    visual = fields.String(required=True, validate=validate.Length(min=1, max=200))
    auditory = fields.String(required=True, validate=validate.Length(min=1, max=200))
    read_write = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kinesthetic = fields.String(required=True, validate=validate.Length(min=1, max=200))
