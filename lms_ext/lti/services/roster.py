"""Names and Role Provisioning Services: the course roster for trainers' views."""

import logging

import sqlalchemy as sa

from lms_ext.accounts.models import Course, User, UserKind
from lms_ext.core.db import db

from .. import adapter
from ..models import ResourceLink
from ..store import Store
from . import keys

logger = logging.getLogger(__name__)
MEMBERSHIP = 'http://purl.imsglobal.org/vocab/lis/v2/membership#'


def roster_link(course: Course) -> ResourceLink | None:
    """A resource link of the course whose launches carried the NRPS claim (the URL is per context)."""
    return db.session.scalar(sa.select(ResourceLink).where(ResourceLink.course_id == course.id,
                                                           ResourceLink.nrps_memberships_url.is_not(None))
                             .order_by(ResourceLink.id.desc()).limit(1))


def fetch_roster(link: ResourceLink, cache: Store) -> list[dict]:
    """Every member of the link's course, all pages, sorted by name: {user_id, name, email, roles, status}."""
    connector = adapter.service_connector(link.platform, keys.signing_key(), cache)
    members = adapter.nrps_members(connector, link.nrps_memberships_url)
    roster = [{'user_id': m.get('user_id'), 'name': m.get('name') or ' '.join(
        filter(None, (m.get('given_name'), m.get('family_name')))) or m.get('user_id'),
        'email': m.get('email', ''), 'status': m.get('status', 'Active'),
        'roles': sorted({r.rsplit('#', 1)[-1] for r in m.get('roles', [])})} for m in members]
    logger.info('Roster of %r: %d member(s)', link.course, len(roster))
    return sorted(roster, key=lambda m: (m['name'] or '').lower())


def member_user(link: ResourceLink, member: dict) -> User:
    """The local user for a roster member (created from the platform's data if they never launched)."""
    user = db.session.scalar(sa.select(User).where(User.issuer == link.platform.issuer,
                                                   User.subject == member['user_id']))
    if user is None:
        user = User(kind=UserKind.lti, issuer=link.platform.issuer, subject=member['user_id'])
        db.session.add(user)
    user.name = member['name'] or user.name
    user.email = (member['email'] or '').lower() or user.email
    db.session.flush()
    return user


def find_member(members: list[dict], user_id: str) -> dict | None:
    """A member of a freshly fetched roster (never of data the browser sent)."""
    return next((m for m in members if m['user_id'] == user_id), None)


def is_learner(member: dict) -> bool:
    return 'Learner' in member['roles'] or 'Student' in member['roles']
