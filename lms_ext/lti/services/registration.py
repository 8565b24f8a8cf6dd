"""Platform registrations: manual (CLI, admin page), dynamic (pending until approved), approval."""

import ipaddress
import logging
import socket
from urllib.parse import urlsplit

import sqlalchemy as sa

from lms_ext.core.db import db
from lms_ext.core.errors import Conflict
from lms_ext.core.i18n import _
from lms_ext.core.time import utcnow

from .. import adapter, registry
from ..adapter import LaunchRejected
from ..models import Deployment, Platform, PlatformStatus, RegistrationMethod

logger = logging.getLogger(__name__)


def add_platform(data: dict) -> Platform:
    """Register a platform from validated `PlatformInput` data (active at once: an admin typed it)."""
    exists = db.session.scalar(sa.select(Platform.id).where(Platform.issuer == data['issuer'],
                                                            Platform.client_id == data['client_id']))
    if exists:
        raise Conflict(_('This issuer and client ID are already registered.'))
    deployment_ids = data.pop('deployment_ids')
    platform = Platform(**data, method=RegistrationMethod.manual, status=PlatformStatus.active,
                        approved_at=utcnow())
    platform.deployments = [Deployment(deployment_id=d) for d in dict.fromkeys(deployment_ids)]
    db.session.add(platform)
    db.session.flush()
    logger.info('Platform %r registered manually with %d deployment(s)', platform, len(deployment_ids))
    return platform


def add_deployment(platform: Platform, deployment_id: str) -> Deployment:
    for deployment in platform.deployments:
        if deployment.deployment_id == deployment_id:
            return deployment
    deployment = Deployment(platform=platform, deployment_id=deployment_id)
    db.session.add(deployment)
    db.session.flush()
    return deployment


def set_status(platform: Platform, status: PlatformStatus) -> Platform:
    platform.status = status
    if status is PlatformStatus.active and platform.approved_at is None:
        platform.approved_at = utcnow()
    db.session.flush()
    registry.forget()
    logger.info('Platform %r is now %s', platform, status.value)
    return platform


def all_platforms() -> list[Platform]:
    return list(db.session.scalars(sa.select(Platform).order_by(Platform.status, Platform.created_at)))


def get_platform(platform_id: int) -> Platform | None:
    return db.session.get(Platform, platform_id)


def url_checker(*, require_https: bool, allow_private: bool):
    """A check for URLs the tool is asked to fetch or keep during registration (SSRF guard): a clear refusal
    up front; the registration's own requests check the address again as they connect (DNS rebinding)."""

    def check(url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme != 'https' and (require_https or parts.scheme != 'http'):
            raise LaunchRejected('registration_url_refused', f'{url}: https required')
        if not parts.hostname:
            raise LaunchRejected('registration_url_refused', f'{url}: no host')
        if allow_private:
            return
        try:
            addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
        except OSError as exc:
            raise LaunchRejected('registration_url_refused', f'{url}: {exc}') from exc
        for address in addresses:
            ip = ipaddress.ip_address(address)
            if not ip.is_global:
                raise LaunchRejected('registration_url_refused', f'{url}: {address} is not a public address')

    return check


def register_dynamically(*, openid_configuration_url: str, registration_token: str | None, base_url: str,
                         require_https: bool, allow_private: bool) -> Platform:
    """Run LTI Dynamic Registration; the new platform stays pending until a local admin approves it."""
    registration = adapter.ToolDynamicRegistration(
        base_url=base_url, openid_configuration_url=openid_configuration_url, registration_token=registration_token,
        check_url=url_checker(require_https=require_https, allow_private=allow_private),
        allow_private=allow_private)
    configuration, answer = registration.run()
    tool_configuration = answer.get(adapter.TOOL_CONFIGURATION, {})
    platform_info = configuration.get(adapter.PLATFORM_CONFIGURATION, {})
    platform = db.session.scalar(sa.select(Platform).where(Platform.issuer == configuration['issuer'],
                                                           Platform.client_id == answer['client_id']))
    if platform is None:
        platform = Platform(issuer=configuration['issuer'], client_id=answer['client_id'])
        db.session.add(platform)
    platform.name = platform_info.get('product_family_code', '') or configuration['issuer']
    platform.product_family = platform_info.get('product_family_code', '')
    platform.auth_login_url = configuration['authorization_endpoint']
    platform.auth_token_url = configuration['token_endpoint']
    platform.auth_audience = configuration.get('authorization_server')
    platform.key_set_url = configuration['jwks_uri']
    platform.method, platform.status = RegistrationMethod.dynamic, PlatformStatus.pending
    platform.registration_response = answer
    db.session.flush()
    registry.forget()
    if tool_configuration.get('deployment_id'):
        add_deployment(platform, str(tool_configuration['deployment_id']))
    logger.info('Platform %r registered dynamically; waiting for approval', platform)
    return platform
