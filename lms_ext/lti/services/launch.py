"""From validated launch claims to local users, courses, roles and resource links."""

import logging
from dataclasses import dataclass

import sqlalchemy as sa
from marshmallow import ValidationError
from sqlalchemy.orm import joinedload

from lms_ext.accounts import services as accounts
from lms_ext.accounts.models import Course, Enrollment, EnrollmentSource, Role, User
from lms_ext.content import services as content
from lms_ext.content.services import VersionCard
from lms_ext.core.db import UTCDateTime, db
from lms_ext.core.time import utcnow
from lms_ext.learning_styles import services as preferences

from ..adapter import LaunchRejected
from ..models import Deployment, Platform, ResourceLink
from ..roles import roles_from_claim
from ..schemas import LaunchClaims

logger = logging.getLogger(__name__)
MODULE_CUSTOM_PARAM = 'module'  # set by our deep linking response: the module slug


@dataclass
class LaunchResult:
    user: User
    course_id: int
    roles: set[Role]
    message_type: str
    locale: str | None
    link_id: int | None = None


_CLAIMS = LaunchClaims()  # a schema is reusable; building one per launch costs more than loading the claims


def parse_claims(raw: dict) -> dict:
    try:
        return _CLAIMS.load(raw)
    except ValidationError as exc:
        raise LaunchRejected('claims_invalid', repr(exc.normalized_messages())) from exc


def record_launch(platform: Platform, deployment: Deployment, raw_claims: dict) -> LaunchResult:
    """Upsert the user, course, LTI roles and resource link of a validated launch.

    Every launch runs this, so a returning learner costs three statements: the user's upsert, the course
    with the user's LTI roles in it, and the resource link; rows are written only when the claims changed."""
    claims = parse_claims(raw_claims)
    roles = {Role(name) for name in roles_from_claim(claims['roles'])}
    locale = claims['launch_presentation'].get('locale') or claims['locale']
    user = _upsert_user(platform.issuer, claims, locale)
    course_id = _upsert_course_and_roles(platform.issuer, claims['context'], user, roles)
    link_id = None
    if claims['message_type'] == 'LtiResourceLinkRequest':
        link_id = _upsert_resource_link(platform, deployment, course_id, claims)
    logger.info('Launch %s by %r in course %s as %r', claims['message_type'], user, course_id,
                sorted(r.value for r in roles))
    return LaunchResult(user=user, course_id=course_id, roles=roles, message_type=claims['message_type'],
                        locale=locale, link_id=link_id)


# Platforms send personal data only when their privacy settings allow: an empty claim keeps what we had.
# One textual statement (the same SQL on PostgreSQL and SQLite), compiled once.
_UPSERT_USER = sa.text("""
    INSERT INTO accounts_users (kind, issuer, subject, name, given_name, family_name, email, locale, picture_url,
                                organisation, is_admin, low_bandwidth, is_active_account, created_at, last_seen_at)
    VALUES ('lti', :issuer, :subject, :name, :given_name, :family_name, :email, :locale, :picture_url,
            '', FALSE, FALSE, TRUE, :now, :now)
    ON CONFLICT (issuer, subject) DO UPDATE SET
        name = CASE WHEN excluded.name = '' THEN accounts_users.name ELSE excluded.name END,
        given_name = CASE WHEN excluded.given_name = '' THEN accounts_users.given_name ELSE excluded.given_name END,
        family_name = CASE WHEN excluded.family_name = '' THEN accounts_users.family_name
                           ELSE excluded.family_name END,
        email = COALESCE(excluded.email, accounts_users.email),
        locale = COALESCE(excluded.locale, accounts_users.locale),
        picture_url = COALESCE(excluded.picture_url, accounts_users.picture_url),
        last_seen_at = excluded.last_seen_at
    RETURNING *""").bindparams(sa.bindparam('now', type_=UTCDateTime()))


def _upsert_user(issuer: str, claims: dict, locale: str | None) -> User:
    return db.session.scalars(sa.select(User).from_statement(_UPSERT_USER), {
        'issuer': issuer, 'subject': claims['sub'], 'name': claims['name'], 'given_name': claims['given_name'],
        'family_name': claims['family_name'], 'email': claims['email'].lower() if claims['email'] else None,
        'locale': locale or None, 'picture_url': claims['picture'] or None, 'now': utcnow()},
        execution_options={'populate_existing': True}).one()


# Built once with bind parameters: every launch runs them (SQLAlchemy keeps a prebuilt statement's cache key).
_COURSE_WITH_LTI_ROLES = (
    sa.select(Course.id, Course.title, Course.label, Enrollment.role)
    .outerjoin(Enrollment, sa.and_(Enrollment.course_id == Course.id, Enrollment.user_id == sa.bindparam('user_id'),
                                   Enrollment.source == EnrollmentSource.lti))
    .where(Course.issuer == sa.bindparam('issuer'), Course.context_id == sa.bindparam('context_id')))
_LINK_COLUMNS = (ResourceLink.title, ResourceLink.module_id, ResourceLink.ags_lineitems_url,
                 ResourceLink.ags_lineitem_url, ResourceLink.ags_scopes, ResourceLink.nrps_memberships_url)
_LINK_OF_PLATFORM = sa.select(ResourceLink.id, *_LINK_COLUMNS).where(
    ResourceLink.platform_id == sa.bindparam('platform_id'),
    ResourceLink.resource_link_id == sa.bindparam('resource_link_id'))
# The landing page: the link with its course and module, the module's published version, and whether the user has a
# learning profile yet — one statement, so a launch lands with two round trips (this and the signed-in user).
_LANDING = (sa.select(ResourceLink, *content.published_version_columns(ResourceLink.module_id),
                      preferences.has_profile(sa.bindparam('user_id')).label('has_profile'))
            .where(ResourceLink.id == sa.bindparam('link_id'))
            .options(joinedload(ResourceLink.course), joinedload(ResourceLink.module)))


@dataclass
class Landing:
    link: ResourceLink  # with its course and module loaded
    version: VersionCard | None  # the module's current published version
    has_profile: bool  # the user answered or skipped the learning-preference questionnaire


def _upsert_course_and_roles(issuer: str, context: dict, user: User, roles: set[Role]) -> int:
    """The course (created or renamed as the claims say) and the user's LTI roles in it, synchronised with
    the signed roles claim; roles designated in the tool stay."""
    rows = db.session.execute(_COURSE_WITH_LTI_ROLES, {'user_id': user.id, 'issuer': issuer,
                                                       'context_id': context['id']}).all()
    if not rows:
        course = accounts.create_course(issuer, context['id'], title=context['title'] or '',
                                        label=context['label'] or '')
        course_id, held = course.id, set()
    else:
        course_id, title, label, _role = rows[0]
        held = {row.role for row in rows if row.role is not None}
        changes = {k: v for k, v, old in (('title', context['title'], title), ('label', context['label'], label))
                   if v and v != old}
        if changes:
            db.session.execute(sa.update(Course).where(Course.id == course_id).values(**changes))
    if roles != held:
        accounts.set_lti_roles(user.id, course_id, roles, held)
    return course_id


def _upsert_resource_link(platform: Platform, deployment: Deployment, course_id: int, claims: dict) -> int:
    link_claim = claims['resource_link']
    if link_claim is None:
        raise LaunchRejected('claims_invalid', 'resource_link missing')
    row = db.session.execute(_LINK_OF_PLATFORM, {'platform_id': platform.id,
                                                 'resource_link_id': link_claim['id']}).first()
    current = {} if row is None else {c.key: getattr(row, c.key) for c in _LINK_COLUMNS}
    wanted = _link_fields(claims, link_claim, current.get('module_id'))
    if row is None:
        link = ResourceLink(platform_id=platform.id, deployment_id=deployment.id, course_id=course_id,
                            resource_link_id=link_claim['id'], **wanted)
        db.session.add(link)
        db.session.flush()
        return link.id
    changes = {k: v for k, v in wanted.items() if current[k] != v}
    if changes:
        db.session.execute(sa.update(ResourceLink).where(ResourceLink.id == row.id).values(**changes))
    return row.id


def _link_fields(claims: dict, link_claim: dict, module_id: int | None) -> dict:
    """The resource link's columns as the claims set them (absent claims keep what the link has)."""
    wanted = {}
    if link_claim['title']:
        wanted['title'] = link_claim['title']
    slug = claims['custom'].get(MODULE_CUSTOM_PARAM)
    if slug and module_id is None:
        module = content.get_module_by_slug(str(slug))
        wanted['module_id'] = module.id if module else None
    ags, nrps = claims['ags'], claims['nrps']
    if ags:
        wanted.update(ags_lineitems_url=ags['lineitems'], ags_lineitem_url=ags['lineitem'], ags_scopes=ags['scope'])
    if nrps:
        wanted['nrps_memberships_url'] = nrps['context_memberships_url']
    return wanted


def get_resource_link(link_id: int) -> ResourceLink | None:
    return db.session.get(ResourceLink, link_id)


def landing(link_id: int, user_id: int | None) -> Landing | None:
    """What the landing page of a resource link shows to `user_id` (None: nobody signed in), in one query."""
    row = db.session.execute(_LANDING, {'link_id': link_id, 'user_id': user_id}).first()
    if row is None:
        return None
    link, version_id, published_at, has_profile = row
    return Landing(link=link, version=content.card_of(version_id, published_at), has_profile=bool(has_profile))
