"""Input shapes of the practical package (shape and format only; rules needing the database are in services)."""

from marshmallow import fields, validate

from lms_ext.content.proficiency import MAX_LEVEL, MIN_LEVEL
from lms_ext.core.i18n import _l
from lms_ext.core.schemas import BaseSchema


class CriterionInput(BaseSchema):
    text = fields.String(required=True, validate=validate.Length(min=3, max=2000))
    guidance = fields.String(load_default='', validate=validate.Length(max=5000))
    critical = fields.Boolean(load_default=False)
    outcome_ids = fields.List(fields.Integer(), load_default=list)


class ChecklistInput(BaseSchema):
    min_other_met = fields.Integer(load_default=0, validate=validate.Range(min=0, max=500))
    criteria = fields.List(fields.Nested(CriterionInput), required=True, validate=validate.Length(
        min=1, max=100, error=_l('Give at least one criterion.')))


class PackageCriterionInput(BaseSchema):
    """A criterion in module.yaml: outcomes are named by their 1-based position in the version."""

    text = fields.String(required=True, validate=validate.Length(min=3, max=2000))
    guidance = fields.String(load_default='', validate=validate.Length(max=5000))
    critical = fields.Boolean(load_default=False)
    outcomes = fields.List(fields.Integer(strict=True, validate=validate.Range(min=1)), load_default=list)


class PackageChecklistInput(BaseSchema):
    min_other_met = fields.Integer(load_default=0, strict=True, validate=validate.Range(min=0, max=500))
    criteria = fields.List(fields.Nested(PackageCriterionInput), required=True, validate=validate.Length(min=1,
                                                                                                         max=100))


CODE = validate.Regexp(r'^\d{6}$', error=_l('Enter the 6-digit code.'))


class SignOffCodeInput(BaseSchema):
    code = fields.String(required=True, validate=CODE, error_messages={'required': _l('Enter the 6-digit code.')})


class SignOffInput(BaseSchema):
    """The mentor's judgement; results and ratings arrive as {id: value} built by the view from the form."""

    results = fields.Dict(keys=fields.Integer(), values=fields.Boolean(), required=True)
    ratings = fields.Dict(keys=fields.Integer(), values=fields.Integer(validate=validate.Range(
        min=MIN_LEVEL, max=MAX_LEVEL)), load_default=dict)
    note = fields.String(load_default='', validate=validate.Length(max=2000))
    signature_name = fields.String(required=True, validate=validate.Length(min=2, max=255), error_messages={
        'required': _l('Type your full name to sign.')})
    confirm = fields.Boolean(required=True, validate=validate.Equal(True, error=_l(
        'Confirm that you watched the learner do this.')), error_messages={
        'required': _l('Confirm that you watched the learner do this.')})
    idempotency_key = fields.String(required=True, validate=validate.Regexp(r'^[A-Za-z0-9_-]{16,64}$'))


class InvitationInput(BaseSchema):
    note = fields.String(load_default='', validate=validate.Length(max=255))
    days = fields.Integer(load_default=7, validate=validate.Range(min=1, max=30))


class AcceptInvitationInput(BaseSchema):
    name = fields.String(required=True, validate=validate.Length(min=2, max=255))
    organisation = fields.String(required=True, validate=validate.Length(min=2, max=255))
    email = fields.Email(required=True, validate=validate.Length(max=320))
    password = fields.String(required=True, validate=validate.Length(min=12, max=200,
                                                                     error=_l('Use at least 12 characters.')))


class VoidInput(BaseSchema):
    reason = fields.String(required=True, validate=validate.Length(min=5, max=2000),
                           error_messages={'required': _l('Give the reason for voiding.')})
