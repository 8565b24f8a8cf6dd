"""Shapes of LTI messages after their signature was checked, and of tool-side LTI forms."""

from marshmallow import EXCLUDE, Schema, fields, validate

from lms_ext.core.i18n import _l
from lms_ext.core.schemas import BaseSchema

CLAIM = 'https://purl.imsglobal.org/spec/lti/claim/'
AGS_CLAIM = 'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint'
NRPS_CLAIM = 'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice'
DL_CLAIM = 'https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings'


class _Claim(Schema):
    class Meta:
        unknown = EXCLUDE  # platforms add their own claims; we read only what we use


class ContextClaim(_Claim):
    id = fields.String(required=True, validate=validate.Length(min=1, max=255))
    title = fields.String(load_default='')
    label = fields.String(load_default='')


class ResourceLinkClaim(_Claim):
    id = fields.String(required=True, validate=validate.Length(min=1, max=255))
    title = fields.String(load_default='')


class LaunchPresentationClaim(_Claim):
    locale = fields.String(load_default=None, allow_none=True)
    return_url = fields.Url(load_default=None, allow_none=True, require_tld=False)
    document_target = fields.String(load_default=None, allow_none=True)


class AgsClaim(_Claim):
    scope = fields.List(fields.String(), load_default=list)
    lineitems = fields.Url(load_default=None, allow_none=True, require_tld=False)
    lineitem = fields.Url(load_default=None, allow_none=True, require_tld=False)


class NrpsClaim(_Claim):
    context_memberships_url = fields.Url(required=True, require_tld=False)


class LaunchClaims(_Claim):
    """The claims of a validated id_token that the tool uses."""

    iss = fields.String(required=True)
    sub = fields.String(required=True, validate=validate.Length(min=1, max=255))
    name = fields.String(load_default='')
    given_name = fields.String(load_default='')
    family_name = fields.String(load_default='')
    email = fields.Email(load_default=None, allow_none=True)
    picture = fields.Url(load_default=None, allow_none=True)
    locale = fields.String(load_default=None, allow_none=True)
    message_type = fields.String(required=True, data_key=CLAIM + 'message_type')
    deployment_id = fields.String(required=True, data_key=CLAIM + 'deployment_id')
    roles = fields.List(fields.String(), required=True, data_key=CLAIM + 'roles')
    context = fields.Nested(ContextClaim, required=True, data_key=CLAIM + 'context')
    resource_link = fields.Nested(ResourceLinkClaim, load_default=None, data_key=CLAIM + 'resource_link')
    launch_presentation = fields.Nested(LaunchPresentationClaim, load_default=dict,
                                        data_key=CLAIM + 'launch_presentation')
    custom = fields.Dict(keys=fields.String(), load_default=dict, data_key=CLAIM + 'custom')
    ags = fields.Nested(AgsClaim, load_default=None, data_key=AGS_CLAIM)
    nrps = fields.Nested(NrpsClaim, load_default=None, data_key=NRPS_CLAIM)
    deep_linking = fields.Dict(load_default=None, data_key=DL_CLAIM)


class DeepLinkSelectionInput(BaseSchema):
    modules = fields.List(fields.String(validate=validate.Length(min=1, max=80)), required=True,
                          validate=validate.Length(min=1, error=_l('Choose at least one module.')))


class PlatformInput(BaseSchema):
    name = fields.String(load_default='', validate=validate.Length(max=255))
    issuer = fields.Url(required=True, require_tld=False, validate=validate.Length(max=255))
    client_id = fields.String(required=True, validate=validate.Length(min=1, max=255))
    auth_login_url = fields.Url(required=True, require_tld=False, validate=validate.Length(max=2048))
    auth_token_url = fields.Url(required=True, require_tld=False, validate=validate.Length(max=2048))
    key_set_url = fields.Url(required=True, require_tld=False, validate=validate.Length(max=2048))
    auth_audience = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2048))
    deployment_ids = fields.List(fields.String(validate=validate.Length(min=1, max=255)), required=True,
                                 validate=validate.Length(min=1, error=_l('Give at least one deployment ID.')))


class DynamicRegistrationInput(BaseSchema):
    openid_configuration = fields.Url(required=True, require_tld=False)
    registration_token = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4096))
