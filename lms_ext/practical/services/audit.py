"""The append-only, hash-chained audit log of sealed and voided sign-offs, and its verification."""

import json
import logging

import sqlalchemy as sa

from lms_ext.core.db import db

from .. import codes
from ..models import AuditEntry, Signoff

logger = logging.getLogger(__name__)
_ADVISORY_LOCK = 80_008  # PostgreSQL: one appender at a time (the transaction holds it until commit)


def _lock_chain() -> None:
    """Serialise appends so that two transactions never both extend the same last entry.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: a (no-op) write takes the database's single
    write lock before the last hash is read. The unique prev_hash makes a fork impossible either way.
    """
    if db.session.get_bind().dialect.name == 'postgresql':
        db.session.execute(sa.text('SELECT pg_advisory_xact_lock(:key)'), {'key': _ADVISORY_LOCK})
    else:
        db.session.execute(sa.update(AuditEntry).where(sa.false()).values(event=AuditEntry.event)
                           .execution_options(synchronize_session=False))


def append(event: str, signoff: Signoff, payload: dict) -> AuditEntry:
    _lock_chain()
    last = db.session.scalar(sa.select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    prev = last or codes.GENESIS
    text = codes.canonical({'event': event, 'signoff': signoff.id, **payload})
    entry = AuditEntry(event=event, signoff_id=signoff.id, payload=text, prev_hash=prev,
                       hash=codes.chain_hash(prev, text))
    db.session.add(entry)
    db.session.flush()
    return entry


def verify(seal_content) -> list[str]:
    """Every problem in the chain (empty: intact). `seal_content(signoff)` rebuilds a record's sealed
    content, so a record changed after sealing is found too."""
    problems, prev = [], codes.GENESIS
    for entry in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)):
        if entry.prev_hash != prev:
            problems.append(f'entry {entry.id}: does not follow the previous entry (chain broken)')
        if codes.chain_hash(entry.prev_hash, entry.payload) != entry.hash:
            problems.append(f'entry {entry.id}: content does not match its hash (modified)')
        prev = entry.hash
        data = json.loads(entry.payload)
        if entry.event == 'sealed':
            record = db.session.get(Signoff, entry.signoff_id)
            if record is None or codes.content_hash(seal_content(record)) != data.get('seal_hash'):
                problems.append(f'entry {entry.id}: sign-off {entry.signoff_id} differs from what was sealed')
    return problems
