"""Platform registrations, their deployments, and resource links placed in LMS courses."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms_ext.accounts.models import Course
from lms_ext.content.models import Module
from lms_ext.core.db import UTCDateTime, db, str_enum
from lms_ext.core.time import utcnow


class PlatformStatus(enum.Enum):
    pending = 'pending'  # dynamically registered, waiting for a local admin's approval
    active = 'active'
    disabled = 'disabled'


class Platform(db.Model):
    """One registration of this tool in an LMS, keyed by (issuer, client_id).

    Canvas cloud tenants share one issuer, so the issuer alone is not a key.
    """

    __tablename__ = 'lti_platforms'
    __table_args__ = (sa.UniqueConstraint('issuer', 'client_id', name='uq_lti_platforms_issuer_client'),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(255), default='')
    issuer: Mapped[str] = mapped_column(sa.String(255))
    client_id: Mapped[str] = mapped_column(sa.String(255))
    auth_login_url: Mapped[str] = mapped_column(sa.String(2048))
    auth_token_url: Mapped[str] = mapped_column(sa.String(2048))
    auth_audience: Mapped[str | None] = mapped_column(sa.String(2048))
    key_set_url: Mapped[str] = mapped_column(sa.String(2048))
    status: Mapped[PlatformStatus] = mapped_column(str_enum(PlatformStatus, 'platform_status'),
                                                   default=PlatformStatus.active)
    product_family: Mapped[str] = mapped_column(sa.String(80), default='')
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    deployments: Mapped[list['Deployment']] = relationship(back_populates='platform',
                                                           cascade='all, delete-orphan')

    def __repr__(self):
        return f'<Platform id={self.id} {self.issuer!r} client={self.client_id!r} {self.status.value}>'


class Deployment(db.Model):
    __tablename__ = 'lti_deployments'
    __table_args__ = (sa.UniqueConstraint('platform_id', 'deployment_id', name='uq_lti_deployments_platform_dep'),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(sa.ForeignKey('lti_platforms.id', ondelete='CASCADE'), index=True)
    deployment_id: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    platform: Mapped[Platform] = relationship(back_populates='deployments')

    def __repr__(self):
        return f'<Deployment id={self.id} platform={self.platform_id} {self.deployment_id!r}>'


class ResourceLink(db.Model):
    """A placement of one module in an LMS course (created by deep linking or on first launch)."""

    __tablename__ = 'lti_resource_links'
    __table_args__ = (sa.UniqueConstraint('platform_id', 'resource_link_id', name='uq_lti_resource_links_link'),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(sa.ForeignKey('lti_platforms.id', ondelete='CASCADE'), index=True)
    deployment_id: Mapped[int] = mapped_column(sa.ForeignKey('lti_deployments.id', ondelete='CASCADE'))
    course_id: Mapped[int] = mapped_column(sa.ForeignKey('accounts_courses.id', ondelete='CASCADE'), index=True)
    resource_link_id: Mapped[str] = mapped_column(sa.String(255))
    module_id: Mapped[int | None] = mapped_column(sa.ForeignKey('content_modules.id', ondelete='SET NULL'))
    title: Mapped[str] = mapped_column(sa.String(255), default='')
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    platform: Mapped[Platform] = relationship()
    deployment: Mapped[Deployment] = relationship()
    course: Mapped[Course] = relationship()
    module: Mapped[Module | None] = relationship()

    def __repr__(self):
        return f'<ResourceLink id={self.id} {self.resource_link_id!r} module={self.module_id}>'
