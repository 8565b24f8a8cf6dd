"""Input and output shapes for accounts."""

from marshmallow import fields, validate

from lms_ext.core.i18n import _l
from lms_ext.core.schemas import BaseSchema


class LocalLoginInput(BaseSchema):
    email = fields.Email(required=True, validate=validate.Length(max=320),
                         error_messages={'required': _l('Enter your email address.')})
    password = fields.String(required=True, validate=validate.Length(min=1, max=200),
                             error_messages={'required': _l('Enter your password.')})
    next = fields.String(load_default='', validate=validate.Length(max=2048))


class LocalAccountInput(BaseSchema):
    email = fields.Email(required=True, validate=validate.Length(max=320))
    name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    password = fields.String(required=True, validate=validate.Length(min=12, max=200,
                             error=_l('Use at least 12 characters.')))
    organisation = fields.String(load_default='', validate=validate.Length(max=255))


class UserOutput(BaseSchema):
    id = fields.Integer()
    kind = fields.Function(lambda u: u.kind.value)
    name = fields.String(attribute='display_name')
    email = fields.String()
    is_admin = fields.Boolean()
