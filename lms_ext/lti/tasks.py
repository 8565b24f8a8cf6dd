"""Job entry points (run by `flask jobs work`, with RQ or the database-backed loop)."""

import logging

from flask import current_app

from lms_ext.core.db import unit_of_work

from .services import grades
from .store import token_cache

logger = logging.getLogger(__name__)


def send_score(submission_id: int) -> str:
    """Deliver one score: claim it, call the platform outside any transaction, record the outcome.

    Safe to run twice or concurrently: only one claim succeeds, and a sent score is never claimed again.
    """
    with unit_of_work():
        delivery = grades.claim(submission_id, token_cache())
    if delivery is None:
        return 'not-due'
    line_item_url, failure = grades.deliver(delivery)
    with unit_of_work():
        return grades.record_delivery(submission_id, line_item_url, failure,
                                      base_delay=current_app.config['AGS_RETRY_BASE_SECONDS']).state.value


def sweep() -> int:
    """Send every due submission (the database-backed queue, and a safety net behind RQ)."""
    with unit_of_work():
        due = grades.due_submission_ids()
    for submission_id in due:
        try:
            send_score(submission_id)
        except Exception:  # one broken row must not stop the others; it stays pending
            logger.exception('Sending score %r crashed', submission_id)
    return len(due)
