"""The job queue: RQ on Redis when REDIS_URL is set; otherwise the outbox tables are the queue.

Jobs are enqueued only after the surrounding transaction commits (`enqueue_after_commit`), so a
worker never sees a job for rows that were rolled back. Without Redis nothing is enqueued: the
`flask jobs work` loop polls the outbox rows that are due. Either way, retries live in the outbox
rows (state, attempts, next_attempt_at), so one mechanism decides when to try again.
"""

import logging

import redis
import sqlalchemy as sa
from flask import Flask, current_app
from rq import Queue

from .db import db

logger = logging.getLogger(__name__)
QUEUE_NAME = 'lms_ext'
_PENDING_KEY = 'lms_ext_jobs_after_commit'


def init_jobs(app: Flask) -> None:
    url = app.config.get('REDIS_URL')
    app.extensions['lms_ext_queue'] = Queue(QUEUE_NAME, connection=redis.Redis.from_url(url)) if url else None


def queue() -> Queue | None:
    return current_app.extensions.get('lms_ext_queue')


def enqueue_after_commit(func: str, *args) -> None:
    """Queue the job `func` (a dotted path) with `args` once the current transaction commits."""
    if queue() is None:
        return  # the database-backed worker finds the outbox row by itself
    db.session.info.setdefault(_PENDING_KEY, []).append((func, args))


@sa.event.listens_for(sa.orm.Session, 'after_commit')
def _flush_jobs(session):
    pending = session.info.pop(_PENDING_KEY, [])
    q = queue() if pending else None
    for func, args in pending:
        try:
            q.enqueue(func, *args, job_timeout=60)
        except redis.RedisError:  # the sweeper re-queues due outbox rows; nothing is lost
            logger.exception('Could not enqueue %s%r; the sweeper will pick it up', func, args)


@sa.event.listens_for(sa.orm.Session, 'after_rollback')
def _drop_jobs(session):
    session.info.pop(_PENDING_KEY, None)
