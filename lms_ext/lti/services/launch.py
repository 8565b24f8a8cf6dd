"""From validated launch claims to local users, courses, roles and resource links."""

import logging
from dataclasses import dataclass

import sqlalchemy as sa
from marshmallow import ValidationError
from sqlalchemy.orm import joinedload

from lms_ext.accounts import services as accounts
from lms_ext.accounts.models import Course, EnrollmentSource, Role, User, UserKind
from lms_ext.content import services as content
from lms_ext.core.db import db
from lms_ext.core.time import utcnow

from ..adapter import LaunchRejected
from ..models import Deployment, Platform, ResourceLink
from ..roles import roles_from_claim
from ..schemas import LaunchClaims

logger = logging.getLogger(__name__)
MODULE_CUSTOM_PARAM = 'module'  # set by our deep linking response: the module slug


@dataclass
class LaunchResult:
    user: User
    course: Course
    roles: set[Role]
    message_type: str
    locale: str | None
    link: ResourceLink | None = None


def parse_claims(raw: dict) -> dict:
    try:
        return LaunchClaims().load(raw)
    except ValidationError as exc:
        raise LaunchRejected('claims_invalid', repr(exc.normalized_messages())) from exc


def record_launch(platform: Platform, deployment: Deployment, raw_claims: dict) -> LaunchResult:
    """Upsert the user, course, LTI roles and resource link of a validated launch."""
    claims = parse_claims(raw_claims)
    roles = {Role(name) for name in roles_from_claim(claims['roles'])}
    user = _upsert_user(platform.issuer, claims)
    course = _upsert_course(platform.issuer, claims['context'])
    _sync_lti_roles(user, course, roles)
    link = None
    if claims['message_type'] == 'LtiResourceLinkRequest':
        link = _upsert_resource_link(platform, deployment, course, claims)
    locale = claims['launch_presentation'].get('locale') or claims['locale']
    logger.info('Launch %s by %r in %r as %r', claims['message_type'], user, course, sorted(r.value for r in roles))
    return LaunchResult(user=user, course=course, roles=roles, message_type=claims['message_type'],
                        locale=locale, link=link)


def _upsert_user(issuer: str, claims: dict) -> User:
    user = db.session.execute(sa.select(User).where(User.issuer == issuer, User.subject == claims['sub'])
                              .options(joinedload(User.enrollments))).unique().scalar_one_or_none()  # for the roles
    if user is None:
        user = User(kind=UserKind.lti, issuer=issuer, subject=claims['sub'])
        db.session.add(user)
    # Platforms send personal data only when their privacy settings allow; keep what we had otherwise.
    for field in ('name', 'given_name', 'family_name'):
        if claims[field]:
            setattr(user, field, claims[field])
    if claims['email']:
        user.email = claims['email'].lower()
    if claims['picture']:
        user.picture_url = claims['picture']
    locale = claims['launch_presentation'].get('locale') or claims['locale']
    if locale:
        user.locale = locale
    user.last_seen_at = utcnow()
    db.session.flush()
    return user


def _upsert_course(issuer: str, context: dict) -> Course:
    course = db.session.scalar(sa.select(Course).where(Course.issuer == issuer, Course.context_id == context['id']))
    if course is None:
        course = Course(issuer=issuer, context_id=context['id'])
        db.session.add(course)
    course.title = context['title'] or course.title
    course.label = context['label'] or course.label
    db.session.flush()
    return course


def _sync_lti_roles(user: User, course: Course, roles: set[Role]) -> None:
    """The signed roles claim is the truth for LTI-granted roles; roles designated in the tool stay."""
    current = [e for e in user.enrollments if e.course_id == course.id and e.source is EnrollmentSource.lti]
    for enrollment in current:
        if enrollment.role not in roles:
            user.enrollments.remove(enrollment)  # delete-orphan: the row goes at the flush
    held = {e.role for e in current}
    for role in roles - held:
        accounts.enroll(user, course, role)


def _upsert_resource_link(platform: Platform, deployment: Deployment, course: Course, claims: dict) -> ResourceLink:
    link_claim = claims['resource_link']
    if link_claim is None:
        raise LaunchRejected('claims_invalid', 'resource_link missing')
    link = db.session.scalar(sa.select(ResourceLink).where(
        ResourceLink.platform_id == platform.id, ResourceLink.resource_link_id == link_claim['id']))
    if link is None:
        link = ResourceLink(platform=platform, deployment=deployment, course=course,
                            resource_link_id=link_claim['id'])
        db.session.add(link)
    link.title = link_claim['title'] or link.title
    slug = claims['custom'].get(MODULE_CUSTOM_PARAM)
    if slug and link.module_id is None:
        module = content.get_module_by_slug(str(slug))
        link.module_id = module.id if module else None
    ags, nrps = claims['ags'], claims['nrps']
    if ags:
        link.ags_lineitems_url, link.ags_lineitem_url, link.ags_scopes = ags['lineitems'], ags['lineitem'], ags['scope']
    if nrps:
        link.nrps_memberships_url = nrps['context_memberships_url']
    db.session.flush()
    return link


def get_resource_link(link_id: int) -> ResourceLink | None:
    return db.session.get(ResourceLink, link_id)


def link_with_course(link_id: int) -> ResourceLink | None:
    """A resource link with its course and module, in one query (the landing page)."""
    return db.session.scalar(sa.select(ResourceLink).where(ResourceLink.id == link_id).options(
        joinedload(ResourceLink.course), joinedload(ResourceLink.module)))
