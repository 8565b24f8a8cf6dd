"""Input of the badges pages."""

from marshmallow import fields, validate

from lms_ext.core.i18n import _l
from lms_ext.core.schemas import BaseSchema


class EmailClaimInput(BaseSchema):
    email = fields.Email(required=True, validate=validate.Length(max=320),
                         error_messages={'required': _l('Enter your e-mail address.')})


class RevokeInput(BaseSchema):
    reason = fields.String(required=True, validate=validate.Length(min=3, max=2000,
                                                                   error=_l('Give a reason of 3 to 2000 characters.')))


class NameConsentInput(BaseSchema):
    show_name = fields.Boolean(load_default=False)
