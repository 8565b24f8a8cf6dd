"""Quiz benchmarks (issue 6): GIFT import speed, and many learners saving answers and submitting at once.

1. Parse and import 1,000 generated GIFT questions into a quiz (in process, PostgreSQL): target < 1 s.
2. Under gunicorn + PostgreSQL: N learners (default 300), each already launched, start an attempt,
   autosave every answer and submit, all within one minute; report p50/p95 per request (target p95 < 50 ms)
   and check in the database that no answer was lost.

Usage: .venv/bin/python scripts/quiz_bench.py [--learners 300] [--database URL]
"""

import argparse
import json
import multiprocessing as mp
import os
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import sqlalchemy as sa  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402

from scripts.bench import CLIENT_ID, DEPLOYMENT, ISSUER, Browser, _jwks, one_launch  # noqa: E402

KINDS = [
    '::Q{n} single::Which disc fits job {n}?{{=cutting disc#Yes ~grinding disc#No ~flap disc ~wire brush}}',
    '::Q{n} multi::Pick the PPE for task {n}.{{~%50%face shield ~%50%ear defenders ~%-100%scarf}}',
    '::Q{n} tf::Unplug before changing disc {n}.{{T#No!#Right}}',
    '::Q{n} short::Name part {n} between disc and body.{{=guard =%50%shield}}',
    '::Q{n} num::Minutes of fire watch in case {n}?{{#30:5}}',
    '::Q{n} match::Match for case {n}.{{=Kickback -> Grip =Sparks -> Direction =Noise -> Ear defenders}}',
]


def gift_text(count: int) -> str:
    return '$CATEGORY: $course$/top/Bench\n\n' + '\n\n'.join(KINDS[n % len(KINDS)].format(n=n) for n in range(count))


def bench_import(database: str, count: int = 1000) -> dict:
    os.environ['TEST_DATABASE_URL'] = database
    from config import TestConfig
    from lms_ext.app import create_app
    from lms_ext.content import services as content
    from lms_ext.content.models import StepKind
    from lms_ext.core.db import db, unit_of_work
    from lms_ext.quizzes import gift
    from lms_ext.quizzes import services as quizzes
    from tests.conftest import make_database
    from tests.sample_module import SAMPLE_MODULE

    url, drop = make_database('gift')
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, LOG_LEVEL='ERROR')
    text = gift_text(count)
    try:
        with app.app_context():
            import flask_migrate
            flask_migrate.upgrade()
            from lms_ext.content.schemas import ModuleInput
            with unit_of_work():
                module = content.create_module(ModuleInput().load({**SAMPLE_MODULE, 'slug': 'gift-bench'}))
                step = content.add_step(module.versions[0], {'kind': StepKind.quiz, 'title': 'Bench'})
                quiz = quizzes.ensure_quiz(step)
            started = time.perf_counter()
            parsed = gift.parse_gift(text)
            parse_seconds = time.perf_counter() - started
            with unit_of_work():
                quizzes.import_gift(quiz, text)
            total_seconds = time.perf_counter() - started
            stored = db.session.scalar(sa.text('SELECT count(*) FROM quizzes_questions'))
            db.engine.dispose()
    finally:
        drop()
    assert not parsed.errors and stored == count
    return {'questions': count, 'parse_s': parse_seconds, 'total_s': total_seconds}


def _learner(base_url: str, pem: bytes, names: list[str], results) -> None:
    """Launch each learner once, then for each: start the quiz, autosave every answer, submit."""
    key = serialization.load_pem_private_key(pem, password=None)
    browsers = []
    for name in names:
        browser = Browser(base_url)
        one_launch(browser, base_url, key, name)
        browsers.append(browser)
    timings, saved = [], 0
    for browser in browsers:
        status, headers, body = browser.request('GET', '/links/1')
        course_path = re.search(rb'href="(/courses/(\d+)/modules/safe-angle-grinder/)"', body)
        course_id = int(course_path.group(2))
        status, _h, first_step = browser.request('GET', course_path.group(1).decode() + 'steps/1')
        quiz_step = re.search(rb'href="(/courses/\d+/modules/safe-angle-grinder/steps/\d+)">Check your knowledge<',
                              first_step).group(1).decode()
        status, _h, body = browser.request('GET', quiz_step)
        csrf = re.search(rb'name="csrf_token" value="([^"]+)"', body).group(1).decode()
        action = re.search(rb'action="(/courses/\d+/quizzes/\d+/attempt)"', body).group(1).decode()

        def timed(method, path, body=None, headers=None, browser=browser):
            started = time.perf_counter()
            result = browser.request(method, path, body, headers)
            timings.append(time.perf_counter() - started)
            return result

        status, headers, _b = timed('POST', action, urlencode({'csrf_token': csrf}))
        attempt_path = headers['Location']
        status, _h, page = timed('GET', attempt_path)
        questions = re.findall(rb'data-question="(\d+)" data-qtype="(\w+)"', page)
        answers = {b'multichoice': {'choice': 0}, b'truefalse': {'value': True}, b'numerical': {'value': '30'},
                   b'shortanswer': {'text': 'guard'}, b'multiresponse': {'choices': [0, 1]},
                   b'matching': {'pairs': {'0': 'Firm two-handed grip and stable stance'}}}
        attempt_id = attempt_path.rstrip('/').rsplit('/', 1)[1]
        for qid, qtype in questions:
            if qtype in answers:
                status, _h, reply = timed('POST', f'/courses/{course_id}/attempts/{attempt_id}/answers/{qid.decode()}',
                                          json.dumps(answers[qtype]), {'Content-Type': 'application/json',
                                                                       'X-CSRFToken': csrf})
                assert status == 200, (status, qtype, reply[:300])
                saved += 1
        status, _h, _b = timed('POST', f'/courses/{course_id}/attempts/{attempt_id}/submit',
                               urlencode({'csrf_token': csrf}))
        assert status in (200, 303), status
    results.put((timings, saved))


def bench_load(database: str, learners: int, processes: int) -> dict:
    os.environ['TEST_DATABASE_URL'] = database
    from tests.live import LiveTool

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    from tests.live import serve_json
    jwks_server = serve_json(_jwks(key))
    tool = LiveTool(label='quizload', workers=3, threads=4, env={'LOG_LEVEL': 'ERROR', 'RATELIMIT_ENABLED': '0'})
    tool.start()
    try:
        tool.cli('lti', 'add-platform', '--issuer', ISSUER, '--client-id', CLIENT_ID, '--login-url', ISSUER + '/a',
                 '--token-url', ISSUER + '/t', '--jwks-url', jwks_server.url + 'j',
                 '--deployment', DEPLOYMENT)
        one_launch(Browser(tool.base_url), tool.base_url, key, 'warm-up')
        names = [f'quiz-learner-{n}' for n in range(learners)]
        results = mp.Queue()
        started = time.monotonic()
        procs = [mp.Process(target=_learner, args=(tool.base_url, pem, names[i::processes], results))
                 for i in range(processes)]
        for p in procs:
            p.start()
        collected = [results.get() for _ in procs]
        for p in procs:
            p.join()
        elapsed = time.monotonic() - started
        engine = sa.create_engine(tool.url)
        with engine.connect() as conn:
            # only the bench learners' rows (the demo seed has a graduate with answers of his own)
            ours, bench = 'learner_id IN (SELECT id FROM accounts_users WHERE subject LIKE :bench)', {
                'bench': 'quiz-learner-%'}
            stored = conn.execute(sa.text('SELECT count(*) FROM quizzes_attempt_answers a JOIN quizzes_attempts t '
                                          f'ON t.id = a.attempt_id WHERE t.{ours}'), bench).scalar()
            finished = conn.execute(sa.text(f"SELECT count(*) FROM quizzes_attempts WHERE state = 'finished' "
                                            f'AND {ours}'), bench).scalar()
        engine.dispose()
    finally:
        tool.stop()
        jwks_server.shutdown()
    timings = sorted(t for chunk, _saved in collected for t in chunk)
    saved = sum(s for _chunk, s in collected)
    return {'learners': learners, 'seconds': elapsed, 'requests': len(timings),
            'p50_ms': 1000 * statistics.median(timings), 'p95_ms': 1000 * timings[int(0.95 * (len(timings) - 1))],
            'answers_sent': saved, 'answers_stored': stored, 'attempts_finished': finished}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--learners', type=int, default=300)
    parser.add_argument('--processes', type=int, default=6)
    parser.add_argument('--database', default=os.environ.get('TEST_POSTGRES_URL',
                                                             'postgresql://postgres@127.0.0.1:5432/test'))
    args = parser.parse_args()
    imported = bench_import(args.database)
    print(f'GIFT: {imported["questions"]} questions parsed in {imported["parse_s"]:.2f} s, parsed and imported into '
          f'PostgreSQL in {imported["total_s"]:.2f} s (target < 1 s)')
    load = bench_load(args.database, args.learners, args.processes)
    print(f'{load["learners"]} learners (launched beforehand) started, autosaved and submitted a quiz: '
          f'{load["requests"]} requests in {load["seconds"]:.1f} s including the launches; per request p50 '
          f'{load["p50_ms"]:.1f} ms, p95 {load["p95_ms"]:.1f} ms (target p95 < 50 ms)')
    print(f'answers sent {load["answers_sent"]}, stored {load["answers_stored"]}; attempts finished '
          f'{load["attempts_finished"]} of {load["learners"]}')


if __name__ == '__main__':
    main()
