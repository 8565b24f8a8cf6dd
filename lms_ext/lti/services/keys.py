"""The tool's own RSA keys: created on first need, rotated with an overlap, published as a JWK Set."""

import logging
from datetime import timedelta

import sqlalchemy as sa
from jwcrypto.jwk import JWK

from lms_ext.core.db import db
from lms_ext.core.time import utcnow

from ..models import ToolKey

logger = logging.getLogger(__name__)
KEY_SIZE = 2048
DEFAULT_OVERLAP = timedelta(days=7)


def _new_key() -> ToolKey:
    jwk = JWK.generate(kty='RSA', size=KEY_SIZE)
    kid = jwk.thumbprint()  # RFC 7638, the kid pylti1p3 derives from the public key too
    public = jwk.export_public(as_dict=True) | {'kid': kid, 'alg': 'RS256', 'use': 'sig'}
    key = ToolKey(kid=kid, private_pem=jwk.export_to_pem(private_key=True, password=None).decode(),
                  public_jwk=public, created_at=utcnow())
    db.session.add(key)
    db.session.flush()
    logger.info('Tool key %r generated', key)
    return key


def signing_key() -> ToolKey:
    """The newest key that is not being retired; generated on first need."""
    key = db.session.scalar(sa.select(ToolKey).where(ToolKey.retire_at.is_(None))
                            .order_by(ToolKey.created_at.desc(), ToolKey.id.desc()).limit(1))
    return key or _new_key()


def published_keys() -> list[ToolKey]:
    now = utcnow()
    return list(db.session.scalars(sa.select(ToolKey).where(
        sa.or_(ToolKey.retire_at.is_(None), ToolKey.retire_at > now)).order_by(ToolKey.created_at)))


def jwks() -> dict:
    """The public JWK Set: the signing key plus keys still inside their rotation overlap."""
    keys = published_keys() or [signing_key()]
    return {'keys': [k.public_jwk for k in keys]}


def rotate_key(*, overlap: timedelta = DEFAULT_OVERLAP) -> ToolKey:
    """Start signing with a new key; current keys stay published for `overlap`, then disappear."""
    retire_at = utcnow() + overlap
    for key in db.session.scalars(sa.select(ToolKey).where(ToolKey.retire_at.is_(None))):
        key.retire_at = retire_at
    new = _new_key()
    logger.info('Tool key rotated to %r; previous keys published until %s', new, retire_at.isoformat())
    return new
