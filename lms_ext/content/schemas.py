"""Input/output shapes for modules; shape and format only (rules needing the DB are in services)."""

from marshmallow import fields, validate

from lms_ext.core.i18n import _l
from lms_ext.core.schemas import BaseSchema

from .models import OutcomeKind, Participation, StepKind

SLUG = validate.Regexp(r'^[a-z0-9]+(?:-[a-z0-9]+)*$',
                       error=_l('Use lower-case letters, digits and single hyphens, e.g. safe-grinding.'))


class LearningOutcomeInput(BaseSchema):
    kind = fields.Enum(OutcomeKind, by_value=True, required=True)
    text = fields.String(required=True, validate=validate.Length(min=3, max=2000))
    framework_name = fields.String(load_default='', validate=validate.Length(max=255))
    framework_code = fields.String(load_default='', validate=validate.Length(max=255))
    framework_url = fields.Url(load_default='', schemes={'http', 'https'}, validate=validate.Length(max=2048))


class VersionOutcomeInput(LearningOutcomeInput):
    """An outcome of a draft being edited: `id` names the outcome it was (None: a new one). Without the
    key, outcomes are matched by position (see services.update_version)."""

    id = fields.Integer(allow_none=True)


class StepInput(BaseSchema):
    kind = fields.Enum(StepKind, by_value=True, load_default=StepKind.unit)
    title = fields.String(required=True, validate=validate.Length(min=1, max=255))
    summary = fields.String(load_default='', validate=validate.Length(max=5000))
    required = fields.Boolean(load_default=True)
    estimated_minutes = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=6000))


class VersionInput(BaseSchema):
    """The editable description of a draft version (everything but the slug and the steps)."""

    title = fields.String(required=True, validate=validate.Length(min=3, max=255))
    summary = fields.String(load_default='', validate=validate.Length(max=5000))
    language = fields.String(load_default='en', validate=validate.Regexp(r'^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$'))
    eqf_level = fields.Integer(required=True, validate=validate.Range(min=1, max=8))
    workload_hours = fields.Decimal(required=True, places=2, validate=validate.Range(min=0, min_inclusive=False,
                                                                                       max=9999))
    ects = fields.Decimal(load_default=None, allow_none=True, places=2, validate=validate.Range(min=0, max=999))
    prerequisites = fields.String(load_default='', validate=validate.Length(max=5000))
    participation = fields.Enum(Participation, by_value=True, load_default=Participation.hybrid)
    assessment_type = fields.String(load_default='', validate=validate.Length(max=2000))
    quality_assurance = fields.String(load_default='', validate=validate.Length(max=2000))
    outcomes = fields.List(fields.Nested(VersionOutcomeInput), required=True, validate=validate.Length(
        min=1, error=_l('Give at least one learning outcome.')))


class ModuleInput(VersionInput):
    """A new module: its address (slug), its first version's description and its steps."""

    outcomes = fields.List(fields.Nested(LearningOutcomeInput), required=True, validate=validate.Length(
        min=1, error=_l('Give at least one learning outcome.')))

    slug = fields.String(required=True, validate=[validate.Length(min=2, max=80), SLUG])
    steps = fields.List(fields.Nested(StepInput), load_default=list)
