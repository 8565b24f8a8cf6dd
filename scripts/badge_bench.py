"""Benchmark: issue and bake 1,000 badges, next to the bare openbadges-bakery bake call.

"Issue + bake" is what a completion costs the tool, each in its own transaction and session:
`badges.services.issue_for_completion(run)` (assertion, salt, recipient hash, audit event, flushed to the
database; the badge class and its rendered image are created by the first badge only) plus
`baked_png()` (render the assertion JSON-LD, bake it into the PNG, read it back to verify) and the commit; the
timed loop also loads each completed run as the completing request has it (`load_run`, reported apart). Setup
(learners and completed runs) is not timed. The bare call bakes the same JSON into the same PNG with
openbadges_bakery directly (imported here only to measure the library).

Usage: .venv/bin/python scripts/badge_bench.py [--count 1000] [--database URL]
Target (issue 9): 1,000 badges issued and baked in under 10 s.
"""

import argparse
import io
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import flask_migrate  # noqa: E402
import openbadges_bakery  # noqa: E402
from sqlalchemy.orm import joinedload, selectinload  # noqa: E402

from config import TestConfig  # noqa: E402
from lms_ext.app import create_app  # noqa: E402
from lms_ext.badges import services  # noqa: E402
from lms_ext.content.models import ModuleVersion  # noqa: E402
from lms_ext.core.db import db, unit_of_work  # noqa: E402
from lms_ext.core.time import utcnow  # noqa: E402
from lms_ext.progress import services as progress  # noqa: E402
from lms_ext.progress.models import ModuleProgress, ProgressState, StepProgress  # noqa: E402
from tests.badges.builders import learner_in, published_module  # noqa: E402
from tests.factories import CourseFactory  # noqa: E402

# A completing request has the run, its steps and its version's steps loaded already (progress.services).
RUN_AS_LOADED_BY_PROGRESS = (selectinload(ModuleProgress.steps), joinedload(ModuleProgress.learner),
                             joinedload(ModuleProgress.course),
                             joinedload(ModuleProgress.version).selectinload(ModuleVersion.steps))


def _completed_runs(count: int) -> list:
    course = CourseFactory()
    module = published_module('bench-module')
    runs = []
    for _ in range(count):
        run = progress.start_or_resume(learner_in(course), module, course)
        now = utcnow()
        for step in run.version.steps:
            db.session.add(StepProgress(module_progress=run, step=step, first_viewed_at=now, completed_at=now))
        run.state, run.completed_at = ProgressState.completed, now
        runs.append(run)
    db.session.flush()
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--count', type=int, default=1000)
    parser.add_argument('--database', default=None,
                        help='SQLAlchemy URL of an empty database (default: a new SQLite file)')
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix='badge_bench_'))
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=args.database or f'sqlite:///{tmp / "bench.sqlite"}',
                     INSTANCE_DIR=tmp, LOG_LEVEL='WARNING')
    with app.app_context():
        flask_migrate.upgrade()
        with unit_of_work():
            run_ids = [run.id for run in _completed_runs(args.count)]
        db.session.remove()
        started = time.perf_counter()
        baked, phases = [], {'load_run': 0.0, 'issue': 0.0, 'bake': 0.0, 'commit': 0.0}
        for run_id in run_ids:  # one completion = one transaction in a fresh session, as in a request
            t0 = time.perf_counter()
            with unit_of_work():
                run = db.session.get(ModuleProgress, run_id, options=RUN_AS_LOADED_BY_PROGRESS)
                t1 = time.perf_counter()
                assertion = services.issue_for_completion(run)
                db.session.flush()
                t2 = time.perf_counter()
                baked.append(services.baked_png(assertion))
                t3 = time.perf_counter()
            db.session.remove()
            t4 = time.perf_counter()
            for name, seconds in zip(phases, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
                phases[name] += seconds
        issue_and_bake = time.perf_counter() - started
        assertion = services.get_assertion(json.loads(services.baking.unbake(baked[-1]))['id'].rsplit('/', 1)[1])
        png, text = assertion.badge_class.image_png, json.dumps(services.assertion_document(assertion))
        started = time.perf_counter()
        for _ in range(args.count):
            openbadges_bakery.bake(io.BytesIO(png), text, io.BytesIO())
        bare = time.perf_counter() - started
    per = 1000 * issue_and_bake / args.count
    print(json.dumps({'badges': args.count, 'database': app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0],
                      'issue_and_bake_seconds': round(issue_and_bake, 3), 'per_badge_ms': round(per, 3),
                      'bare_bakery_bake_ms': round(1000 * bare / args.count, 3),
                      'per_badge_phases_ms': {name: round(1000 * seconds / args.count, 3)
                                              for name, seconds in phases.items()},
                      'png_bytes': len(baked[-1]), 'target_met': issue_and_bake < 10}))


if __name__ == '__main__':
    main()
