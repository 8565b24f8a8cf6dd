"""Assignment and Grade Services: scores go into an outbox in the grading transaction and are sent
after commit by a job, with retries, following Moodle's rules (see ScoreSubmission)."""

import logging
import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from lms_ext.accounts.models import User
from lms_ext.core import jobs
from lms_ext.core.db import db
from lms_ext.core.errors import InvalidInput
from lms_ext.core.i18n import _
from lms_ext.core.time import utcnow

from .. import adapter
from ..models import ResourceLink, ScoreSubmission, SubmissionState
from ..store import Store
from . import keys

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 12  # with the backoff below: about a day and a half of retries
BASE_DELAY = 30
MAX_DELAY = 6 * 3600
SCORE_SCOPE = 'https://purl.imsglobal.org/spec/lti-ags/scope/score'
SEND_JOB = 'lms_ext.lti.tasks.send_score'  # by name: tasks sit above services


def can_send_scores(link: ResourceLink) -> bool:
    return bool(link.ags_scopes and SCORE_SCOPE in link.ags_scopes
                and (link.ags_lineitem_url or link.ags_lineitems_url))


def record_score(link: ResourceLink, learner: User, *, attempt_key: str, score_given: Decimal | None,
                 score_maximum: Decimal, final: bool = True, comment: str = '') -> ScoreSubmission | None:
    """Put a score in the outbox (idempotent per attempt_key); None when the link has no gradebook."""
    if not can_send_scores(link):
        return None
    if score_given is not None and not (0 <= score_given <= score_maximum):
        raise InvalidInput('score_given', _('The score must be between 0 and the maximum.'))
    existing = db.session.scalar(sa.select(ScoreSubmission).where(
        ScoreSubmission.link_id == link.id, ScoreSubmission.learner_id == learner.id,
        ScoreSubmission.attempt_key == attempt_key))
    if existing is not None:
        return existing
    submission = ScoreSubmission(
        link=link, learner=learner, attempt_key=attempt_key, score_given=score_given, score_maximum=score_maximum,
        activity_progress='Completed' if final else 'Submitted',
        grading_progress='FullyGraded' if final else 'PendingManual', comment=comment,
        timestamp=_next_timestamp(link, learner), next_attempt_at=utcnow())
    db.session.add(submission)
    db.session.flush()
    jobs.enqueue_after_commit(SEND_JOB, submission.id)
    logger.info('Score %r recorded for %r', submission, learner)
    return submission


def _next_timestamp(link: ResourceLink, learner: User):
    """Now in whole seconds, but always after the learner's previous score on this link."""
    now = utcnow().replace(microsecond=0)
    previous = db.session.scalar(sa.select(sa.func.max(ScoreSubmission.timestamp)).where(
        ScoreSubmission.link_id == link.id, ScoreSubmission.learner_id == learner.id))
    if previous is not None and previous.replace(microsecond=0) >= now:
        return previous.replace(microsecond=0) + timedelta(seconds=1)
    return now


LEASE = timedelta(minutes=2)  # a claimed submission is not claimed again for this long (crashed worker)


@dataclass
class Delivery:
    """Everything needed to send one score, as plain values: the HTTP call runs outside any transaction."""

    submission_id: int
    connector: object
    ags: dict
    line_item_url: str | None
    line_item: dict
    score: dict


def claim(submission_id: int, cache: Store) -> Delivery | None:
    """Take a due submission for sending (atomically: one worker wins); None when not ours to send."""
    now = utcnow()
    claimed = db.session.execute(
        sa.update(ScoreSubmission).where(ScoreSubmission.id == submission_id,
                                         ScoreSubmission.state == SubmissionState.pending,
                                         ScoreSubmission.next_attempt_at <= now)
        .values(attempts=ScoreSubmission.attempts + 1, next_attempt_at=now + LEASE)).rowcount
    if not claimed:
        return None
    submission = db.session.get(ScoreSubmission, submission_id)
    db.session.refresh(submission)
    if not submission.is_final and _final_score_sent(submission):
        _finish(submission, SubmissionState.skipped, 'a final score was already sent')
        return None
    link = submission.link
    version = link.module.published_version if link.module else None
    return Delivery(
        submission_id=submission.id,
        connector=adapter.service_connector(link.platform, keys.signing_key(), cache),
        ags={'scope': link.ags_scopes or [], 'lineitems': link.ags_lineitems_url, 'lineitem': link.ags_lineitem_url},
        line_item_url=link.ags_lineitem_url,
        line_item={'resource_link_id': link.resource_link_id, 'label': (version.title if version else '')
                   or link.title or 'microVET', 'score_maximum': float(submission.score_maximum),
                   'resource_id': link.module.slug if link.module else ''},
        score={'user_id': submission.learner.subject, 'timestamp': submission.timestamp.isoformat(),
               'activity_progress': submission.activity_progress, 'grading_progress': submission.grading_progress,
               'score_given': float(submission.score_given) if submission.score_given is not None else None,
               'score_maximum': float(submission.score_maximum), 'comment': submission.comment})


def deliver(delivery: Delivery) -> tuple[str | None, adapter.ServiceFailed | None]:
    """The HTTP part: (line item URL used, failure or None). Touches no database."""
    line_item_url = delivery.line_item_url
    try:
        if not line_item_url:
            line_item_url = adapter.ags_line_item_url(delivery.connector, delivery.ags, **delivery.line_item)
        adapter.ags_post_score(delivery.connector, delivery.ags, line_item_url, delivery.score)
    except adapter.ServiceFailed as exc:
        return line_item_url, exc
    return line_item_url, None


def record_delivery(submission_id: int, line_item_url: str | None, failure: adapter.ServiceFailed | None, *,
                    base_delay: int = BASE_DELAY):
    """Write down what happened to a delivery attempt."""
    submission = db.session.get(ScoreSubmission, submission_id)
    if line_item_url and not submission.link.ags_lineitem_url:
        submission.link.ags_lineitem_url = line_item_url
    if failure is not None:
        return _after_failure(submission, failure, base_delay)
    submission.sent_at = utcnow()
    return _finish(submission, SubmissionState.sent, '')


def _final_score_sent(submission: ScoreSubmission) -> bool:
    return bool(db.session.scalar(sa.select(ScoreSubmission.id).where(
        ScoreSubmission.link_id == submission.link_id, ScoreSubmission.learner_id == submission.learner_id,
        ScoreSubmission.state == SubmissionState.sent, ScoreSubmission.grading_progress == 'FullyGraded')))


def _after_failure(submission: ScoreSubmission, exc: adapter.ServiceFailed, base_delay: int) -> ScoreSubmission:
    if exc.status == 409:
        # Moodle: our timestamp is not after the one it has. Move ours on by a second and try again.
        submission.timestamp = max(submission.timestamp, utcnow().replace(microsecond=0)) + timedelta(seconds=1)
    elif not exc.is_transient:
        return _finish(submission, SubmissionState.rejected, f'HTTP {exc.status}: {exc.detail}')
    if submission.attempts >= MAX_ATTEMPTS:
        return _finish(submission, SubmissionState.failed, f'gave up after {submission.attempts}: {exc}')
    delay = min(base_delay * 2 ** (submission.attempts - 1), MAX_DELAY) * random.uniform(0.8, 1.2)
    submission.next_attempt_at = utcnow() + timedelta(seconds=delay)
    submission.last_error = str(exc)[:2000]
    logger.warning('Score %r not delivered (%s); retry in %.0f s', submission, exc, delay)
    db.session.flush()
    return submission


def _finish(submission: ScoreSubmission, state: SubmissionState, error: str) -> ScoreSubmission:
    submission.state, submission.last_error = state, error[:2000]
    db.session.flush()
    log = logger.info if state in {SubmissionState.sent, SubmissionState.skipped} else logger.error
    log('Score %r: %s %s', submission, state.value, error)
    return submission


def due_submission_ids(limit: int = 100) -> list[int]:
    """Pending submissions whose next attempt is due, oldest first."""
    return list(db.session.scalars(sa.select(ScoreSubmission.id).where(
        ScoreSubmission.state == SubmissionState.pending, ScoreSubmission.next_attempt_at <= utcnow())
        .order_by(ScoreSubmission.next_attempt_at).limit(limit)))


def retry_failed() -> int:
    """Put failed submissions back in the queue (after the platform was fixed)."""
    result = db.session.execute(sa.update(ScoreSubmission).where(ScoreSubmission.state == SubmissionState.failed)
                                .values(state=SubmissionState.pending, attempts=0, next_attempt_at=utcnow()))
    return result.rowcount
