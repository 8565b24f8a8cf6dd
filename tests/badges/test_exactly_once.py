"""Exactly once: 50 concurrent completion events for one learner and module version give one assertion.

Real threads, each with its own app context, session and database connection, against a database of
their own (committed data; the per-test rollback fixture cannot be shared across connections). All 50
race to create the issuer, the badge class and the assertion; the unique constraints decide, and the
losers return the winner's rows. On SQLite writers are serialised: a transaction that hits the busy
timeout or read a snapshot that went stale ("database is locked") is retried, as a job would be.
"""

import threading
import time

import flask_migrate
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from config import TestConfig
from lms_ext.app import create_app
from lms_ext.badges.models import Assertion, AssertionEvent, BadgeClass, Issuer
from lms_ext.content.models import StepKind
from lms_ext.core.db import db, unit_of_work
from lms_ext.core.time import utcnow
from lms_ext.progress import services as progress
from lms_ext.progress.models import ModuleProgress, ProgressState, StepProgress
from lms_ext.progress.signals import module_completed
from tests.badges.builders import complete, learner_in, published_module
from tests.conftest import make_database
from tests.factories import CourseFactory

EVENTS = 50


@pytest.fixture
def race_app(tmp_path):
    url, cleanup = make_database('badges_race')
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, INSTANCE_DIR=tmp_path,
                     SQLALCHEMY_ENGINE_OPTIONS={'pool_size': 25, 'max_overflow': 30, 'pool_timeout': 60})
    with app.app_context():
        flask_migrate.upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()
    cleanup()


def _completed_run(app) -> int:
    """A run with every step done and state completed, committed, before any badge exists."""
    with app.app_context(), unit_of_work():
        course = CourseFactory()
        run = progress.start_or_resume(learner_in(course), published_module('race-module'), course)
        complete(run, skip=('practical',))  # the run is not complete yet, so no badge is issued here
        practical = next(s for s in run.version.steps if s.kind is StepKind.practical)
        now = utcnow()
        db.session.add(StepProgress(module_progress=run, step=practical, first_viewed_at=now, completed_at=now))
        run.state, run.completed_at = ProgressState.completed, utcnow()
        db.session.flush()
        return run.id


def test_fifty_concurrent_completion_events_issue_one_assertion(race_app):
    run_id = _completed_run(race_app)
    barrier = threading.Barrier(EVENTS)
    results, errors = [], []

    def completion_event():
        with race_app.app_context():
            barrier.wait()
            for _ in range(200):
                try:
                    with unit_of_work():
                        run = db.session.get(ModuleProgress, run_id)
                        module_completed.send(run, learner=run.learner, course=run.course, version=run.version)
                    results.append(True)
                    return
                except OperationalError as exc:  # SQLite: locked; retried like a job
                    if 'locked' not in str(exc):
                        errors.append(exc)
                        return
                    time.sleep(0.01)
                except Exception as exc:  # reported below, with the failing thread's error
                    errors.append(exc)
                    return

    threads = [threading.Thread(target=completion_event) for _ in range(EVENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors[:3]
    assert len(results) == EVENTS
    with race_app.app_context():
        counts = {model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
                  for model in (Issuer, BadgeClass, Assertion, AssertionEvent)}
    assert counts == {'Issuer': 1, 'BadgeClass': 1, 'Assertion': 1, 'AssertionEvent': 1}
