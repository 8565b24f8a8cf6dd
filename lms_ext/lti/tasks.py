"""Job entry points (run by `flask jobs work`, with RQ or the database-backed loop)."""

import logging

from lms_ext.core.db import unit_of_work

from .services import grades
from .store import store

logger = logging.getLogger(__name__)


def send_score(submission_id: int) -> str:
    """Deliver one score; safe to run twice or concurrently (row lock + state check)."""
    with unit_of_work():
        submission = grades.lock_submission(submission_id)
        if submission is None:
            return 'busy-or-gone'
        return grades.send_score(submission, store()).state.value


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
