"""Quiz benchmarks (issue 6): GIFT import speed, and many learners saving answers and submitting at once.

1. Parse and import 1,000 generated GIFT questions into a quiz (in process, PostgreSQL): target < 1 s.
2. Under gunicorn + PostgreSQL: N learners (default 300), each already launched and each a browser of its
   own, start an attempt, autosave every answer and submit, all within one minute (they start within the
   first 5 s and take 3-7 s per question, so they are all in the quiz together); report p50/p95 per
   request (target p95 < 50 ms) and check in the database that no answer was lost.
3. Capacity (not the target): as many more learners back to back with no thinking time, to show the
   requests per second the machine can take and the latency when it is saturated.

Usage: .venv/bin/python scripts/quiz_bench.py [--learners 300] [--database URL]
"""

import argparse
import json
import multiprocessing as mp
import os
import random
import re
import statistics
import sys
import threading
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


ANSWERS = {b'multichoice': {'choice': 0}, b'truefalse': {'value': True}, b'numerical': {'value': '30'},
           b'shortanswer': {'text': 'guard'}, b'multiresponse': {'choices': [0, 1]},
           b'matching': {'pairs': {'0': 'Firm two-handed grip and stable stance'}}}


def open_quiz(browser: Browser) -> tuple[int, str, str]:
    """A launched learner goes from the activity to the quiz step: (course id, CSRF token, start action)."""
    status, headers, body = browser.request('GET', '/links/1')
    course_path = re.search(rb'href="(/courses/(\d+)/modules/safe-angle-grinder/)"', body)
    status, _h, first_step = browser.request('GET', course_path.group(1).decode() + 'steps/1')
    quiz_step = re.search(rb'href="(/courses/\d+/modules/safe-angle-grinder/steps/\d+)">Check your knowledge<',
                          first_step).group(1).decode()
    status, _h, body = browser.request('GET', quiz_step)
    csrf = re.search(rb'name="csrf_token" value="([^"]+)"', body).group(1).decode()
    action = re.search(rb'action="(/courses/\d+/quizzes/\d+/attempt)"', body).group(1).decode()
    return int(course_path.group(2)), csrf, action


def take_quiz(browser: Browser, quiz: tuple[int, str, str], timings: list, think) -> int:
    """One learner on the quiz step (`open_quiz`): start an attempt, autosave every answer, submit.

    `think()` is called before each request (a person reading and tapping, or nothing under stress); every
    request is timed into `timings` as (kind, seconds). Returns the number of answers saved."""
    course_id, csrf, action = quiz

    def timed(kind, method, path, body=None, headers=None):
        think()
        started = time.perf_counter()
        result = browser.request(method, path, body, headers)
        timings.append((kind, time.perf_counter() - started))
        return result

    status, headers, _b = timed('start', 'POST', action, urlencode({'csrf_token': csrf}))
    attempt_path = headers['Location']
    status, _h, page = timed('page', 'GET', attempt_path)
    questions = re.findall(rb'data-question="(\d+)" data-qtype="(\w+)"', page)
    attempt_id = attempt_path.rstrip('/').rsplit('/', 1)[1]
    saved = 0
    for qid, qtype in questions:
        if qtype in ANSWERS:
            answer_path = f'/courses/{course_id}/attempts/{attempt_id}/answers/{qid.decode()}'
            status, _h, reply = timed('save', 'POST', answer_path, json.dumps(ANSWERS[qtype]),
                                      {'Content-Type': 'application/json', 'X-CSRFToken': csrf})
            assert status == 200, (status, qtype, reply[:300])
            saved += 1
    status, _h, _b = timed('submit', 'POST', f'/courses/{course_id}/attempts/{attempt_id}/submit',
                           urlencode({'csrf_token': csrf}))
    assert status in (200, 303), status
    return saved


def _launched(base_url: str, pem: bytes, names: list[str]) -> list[tuple[Browser, tuple]]:
    """Learners launched from the LMS and on the quiz step (before the timed minute)."""
    key = serialization.load_pem_private_key(pem, password=None)
    learners = []
    for name in names:
        browser = Browser(base_url)
        one_launch(browser, base_url, key, name)
        learners.append((browser, open_quiz(browser)))
    return learners


def _paced_learners(base_url: str, pem: bytes, names: list[str], seed: int, ready, go, results) -> None:
    """Every learner is a browser of its own (a thread): all start within the first 5 s and spread their
    requests over the minute (3-7 s to read and answer each question), so all of them are in the quiz
    together: the least load that is "300 learners saving answers and submitting within one minute".
    They open the quiz step before the minute starts (with their launch)."""
    learners = _launched(base_url, pem, names)
    ready.put(len(learners))
    go.wait()
    rng = random.Random(seed)
    plans = [(rng.uniform(0, 5), random.Random(rng.random())) for _ in learners]
    timings, saved = [], []

    def one(learner, offset, own_rng):
        time.sleep(offset)
        saved.append(take_quiz(*learner, timings, lambda: time.sleep(own_rng.uniform(3, 7))))

    threads = [threading.Thread(target=one, args=(learner, offset, own_rng))
               for learner, (offset, own_rng) in zip(learners, plans, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put((timings, sum(saved)))


def _stressed_learners(base_url: str, pem: bytes, names: list[str], _seed: int, ready, go, results) -> None:
    """No thinking: each client process takes its learners' quizzes back to back, as fast as the server answers."""
    learners = _launched(base_url, pem, names)
    ready.put(len(learners))
    go.wait()
    timings, saved = [], 0
    for learner in learners:
        saved += take_quiz(*learner, timings, lambda: None)
    results.put((timings, saved))


def _run(target, base_url: str, pem: bytes, names: list[str], processes: int) -> tuple[list, int, float]:
    """Client processes launch their learners (not timed), then all begin together."""
    ready, results, go = mp.Queue(), mp.Queue(), mp.Event()
    procs = [mp.Process(target=target, args=(base_url, pem, names[i::processes], i, ready, go, results))
             for i in range(processes)]
    for p in procs:
        p.start()
    for _ in procs:
        ready.get()
    started = time.monotonic()
    go.set()
    collected = [results.get() for _ in procs]
    elapsed = time.monotonic() - started
    for p in procs:
        p.join()
    return [t for chunk, _saved in collected for t in chunk], sum(s for _chunk, s in collected), elapsed


def _stored(url: str, pattern: str) -> tuple[int, int]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        # only these learners' rows (the demo seed has a graduate with answers of his own)
        ours = 'learner_id IN (SELECT id FROM accounts_users WHERE subject LIKE :who)'
        stored = conn.execute(sa.text('SELECT count(*) FROM quizzes_attempt_answers a JOIN quizzes_attempts t '
                                      f'ON t.id = a.attempt_id WHERE t.{ours}'), {'who': pattern}).scalar()
        finished = conn.execute(sa.text(f"SELECT count(*) FROM quizzes_attempts WHERE state = 'finished' AND {ours}"),
                                {'who': pattern}).scalar()
    engine.dispose()
    return stored, finished


def _p95(values: list) -> float:
    values = sorted(values)
    return 1000 * values[int(0.95 * (len(values) - 1))]


def _summary(timings: list, saved: int, elapsed: float, stored: int, finished: int, learners: int) -> dict:
    """`timings`: (kind, seconds) per request; p50/p95 over all requests, and p95 per kind of request."""
    seconds = [t for _kind, t in timings]
    kinds = {kind: _p95([t for k, t in timings if k == kind]) for kind in dict.fromkeys(k for k, _t in timings)}
    return {'learners': learners, 'seconds': elapsed, 'requests': len(timings),
            'per_second': len(timings) / elapsed, 'p50_ms': 1000 * statistics.median(seconds),
            'p95_ms': _p95(seconds), 'p95_by_kind_ms': kinds, 'answers_sent': saved,
            'answers_stored': stored, 'attempts_finished': finished}


def bench_load(database: str, learners: int, processes: int, stress: bool) -> dict:
    os.environ['TEST_DATABASE_URL'] = database
    from tests.live import LiveTool

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    from tests.live import serve_json
    jwks_server = serve_json(_jwks(key))
    tool = LiveTool(label='quizload', workers=3, threads=4, env={'LOG_LEVEL': 'ERROR', 'RATELIMIT_ENABLED': '0'})
    tool.start()
    report = {}
    try:
        tool.cli('lti', 'add-platform', '--issuer', ISSUER, '--client-id', CLIENT_ID, '--login-url', ISSUER + '/a',
                 '--token-url', ISSUER + '/t', '--jwks-url', jwks_server.url + 'j',
                 '--deployment', DEPLOYMENT)
        one_launch(Browser(tool.base_url), tool.base_url, key, 'warm-up')
        names = [f'quiz-learner-{n}' for n in range(learners)]
        timings, saved, elapsed = _run(_paced_learners, tool.base_url, pem, names, processes)
        report['minute'] = _summary(timings, saved, elapsed, *_stored(tool.url, 'quiz-learner-%'), learners)
        if stress:
            names = [f'stress-learner-{n}' for n in range(learners)]
            timings, saved, elapsed = _run(_stressed_learners, tool.base_url, pem, names, processes)
            report['stress'] = _summary(timings, saved, elapsed, *_stored(tool.url, 'stress-learner-%'), learners)
    finally:
        tool.stop()
        jwks_server.shutdown()
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--learners', type=int, default=300)
    parser.add_argument('--processes', type=int, default=6, help='client processes')
    parser.add_argument('--no-stress', dest='stress', action='store_false',
                        help='skip the capacity run (learners back to back without thinking)')
    parser.add_argument('--database', default=os.environ.get('TEST_POSTGRES_URL',
                                                             'postgresql://postgres@127.0.0.1:5432/test'))
    args = parser.parse_args()
    imported = bench_import(args.database)
    print(f'GIFT: {imported["questions"]} questions parsed in {imported["parse_s"]:.2f} s, parsed and imported into '
          f'PostgreSQL in {imported["total_s"]:.2f} s (target < 1 s)')
    load = bench_load(args.database, args.learners, args.processes, args.stress)
    minute = load['minute']
    print(f'{minute["learners"]} learners in one minute (each a browser of its own, launched beforehand, starting '
          f'within 5 s, 3-7 s to answer each question): {minute["requests"]} requests in '
          f'{minute["seconds"]:.1f} s ({minute["per_second"]:.0f}/s); per request p50 {minute["p50_ms"]:.1f} ms, '
          f'p95 {minute["p95_ms"]:.1f} ms (target p95 < 50 ms)')
    print('  p95 by request: ' + ', '.join(f'{kind} {ms:.1f} ms' for kind, ms in minute['p95_by_kind_ms'].items()))
    print(f'  answers sent {minute["answers_sent"]}, stored {minute["answers_stored"]}; attempts finished '
          f'{minute["attempts_finished"]} of {minute["learners"]}')
    if 'stress' in load:
        stress = load['stress']
        kinds = ', '.join(f'{kind} {ms:.1f}' for kind, ms in stress['p95_by_kind_ms'].items())
        print(f'stress (capacity, not the target): {stress["learners"]} more learners back to back from '
              f'{args.processes} client processes, no thinking: {stress["requests"]} requests in '
              f'{stress["seconds"]:.1f} s ({stress["per_second"]:.0f}/s); p50 {stress["p50_ms"]:.1f} ms, '
              f'p95 {stress["p95_ms"]:.1f} ms ({kinds}); answers sent {stress["answers_sent"]}, stored '
              f'{stress["answers_stored"]}; attempts finished {stress["attempts_finished"]}')


if __name__ == '__main__':
    main()
