"""Deep Linking 2.0: the modules a trainer picked → signed LtiResourceLink content items with line items."""

import logging

from lms_ext.content import services as content
from lms_ext.core.errors import InvalidInput, PermissionDenied
from lms_ext.core.i18n import _

from .. import adapter
from ..models import Platform
from . import keys
from .launch import MODULE_CUSTOM_PARAM

logger = logging.getLogger(__name__)
SCORE_MAXIMUM = 100


def settings_of(claims: dict) -> dict:
    return claims['https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings']


def build_response(platform: Platform, claims: dict, slugs: list[str], *, launch_url: str) -> tuple[str, str]:
    """(signed response JWT, the validated deep_link_return_url) for the chosen module slugs."""
    settings = settings_of(claims)
    if len(slugs) > 1 and str(settings.get('accept_multiple', 'true')).lower() == 'false':
        raise InvalidInput('modules', _('Your course page accepts one module at a time; choose one.'))
    if 'ltiResourceLink' not in settings.get('accept_types', []):
        raise PermissionDenied(_('Your learning platform does not accept activities from this tool here.'))
    items = []
    for slug in dict.fromkeys(slugs):  # keep order, drop repeats
        version = content.published_version_or_404(slug)
        items.append({
            'title': version.title, 'url': launch_url,
            'custom': {MODULE_CUSTOM_PARAM: slug},
            'line_item': {'score_maximum': SCORE_MAXIMUM, 'label': version.title, 'resource_id': slug},
        })
    token, return_url = adapter.deep_link_response(platform, keys.signing_key(), claims, items)
    logger.info('Deep linking response with %d item(s) for %r', len(items), platform)
    return token, return_url
