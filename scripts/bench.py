"""Benchmark: full LTI launches per second under gunicorn with PostgreSQL (and the bare library's cost).

A full launch is what a learner's browser does: OIDC login initiation (GET /lti/login → 302 to the
platform), the launch (POST /lti/launch with a freshly signed id_token → 303), and the landing page
(GET /links/N → 200). Client processes play many browsers; the platform side only signs id_tokens
(its JWKS is served locally and cached by the tool after the first launch).

Usage: .venv/bin/python scripts/bench.py [--seconds 20] [--clients 4] [--workers 3] [--database URL] [--floor]
`--floor` also runs the same clients against scripts/floor_app.py (bare Flask, no database): the
ceiling of this machine and stack, so the gap shows what the tool itself costs.
Target (issue 3): ≥ 200 full launches/s with p95 < 40 ms on a 2-core machine.
"""

import argparse
import http.client
import io
import json
import multiprocessing as mp
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import jwt  # noqa: E402
import pycurl  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402

ISSUER = 'https://bench-platform.invalid'
CLIENT_ID = 'bench-client'
DEPLOYMENT = 'bench-deployment'
KID = 'bench-key'
CLAIM = 'https://purl.imsglobal.org/spec/lti/claim/'


def _jwks(key) -> dict:
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return {'keys': [{**public, 'kid': KID, 'alg': 'RS256', 'use': 'sig'}]}


def _claims(base_url: str, sub: str, nonce: str) -> dict:
    now = int(time.time())
    return {'iss': ISSUER, 'aud': CLIENT_ID, 'sub': sub, 'iat': now, 'exp': now + 300, 'nonce': nonce,
            'name': f'Learner {sub}', 'email': f'{sub}@bench.invalid',
            CLAIM + 'message_type': 'LtiResourceLinkRequest', CLAIM + 'version': '1.3.0',
            CLAIM + 'deployment_id': DEPLOYMENT, CLAIM + 'target_link_uri': base_url + '/lti/launch',
            CLAIM + 'roles': ['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'],
            CLAIM + 'context': {'id': 'bench-course', 'title': 'Bench course'},
            CLAIM + 'resource_link': {'id': 'bench-link', 'title': 'Angle grinder'},
            CLAIM + 'custom': {'module': 'safe-angle-grinder'}}


class Browser:
    """One learner's browser: libcurl (pycurl) does the HTTP in C, so the load generator, which shares the
    machine's two cores with the tool, PostgreSQL and Redis, takes as little of them as it can."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies: dict[str, str] = {}
        self._curl = pycurl.Curl()

    def request(self, method: str, path: str, body: str | None = None,
                headers: dict | None = None) -> tuple[int, dict, bytes]:
        curl, data, lines = self._curl, io.BytesIO(), []
        headers = dict(headers or {})
        if self.cookies:
            headers['Cookie'] = '; '.join(f'{k}={v}' for k, v in self.cookies.items())
        if body is not None:
            headers.setdefault('Content-Type', 'application/x-www-form-urlencoded')
            curl.setopt(pycurl.POSTFIELDS, body)
        else:
            curl.setopt(pycurl.HTTPGET, 1)
        curl.setopt(pycurl.CUSTOMREQUEST, method)
        curl.setopt(pycurl.URL, path if '://' in path else self.base_url + path)
        curl.setopt(pycurl.HTTPHEADER, [f'{k}: {v}' for k, v in headers.items()])
        curl.setopt(pycurl.WRITEDATA, data)
        curl.setopt(pycurl.HEADERFUNCTION, lines.append)
        curl.setopt(pycurl.TIMEOUT, 30)
        curl.perform()
        received = {}
        for line in lines:
            name, colon, value = line.decode('latin-1').partition(':')
            if not colon:
                continue
            value = value.strip()
            received[name] = value
            if name.lower() == 'set-cookie':
                cookie, _, rest = value.partition('=')
                self.cookies[cookie] = rest.split(';', 1)[0]
        return curl.getinfo(pycurl.RESPONSE_CODE), received, data.getvalue()


def one_launch(browser: Browser, base_url: str, key, sub: str) -> None:
    status, headers, body = browser.request('GET', '/lti/login?' + urlencode({
        'iss': ISSUER, 'login_hint': sub, 'target_link_uri': base_url + '/lti/launch', 'lti_message_hint': 'h',
        'client_id': CLIENT_ID, 'lti_deployment_id': DEPLOYMENT}))
    assert status == 302, body[:300]
    query = parse_qs(urlsplit(headers['Location']).query)
    token = jwt.encode(_claims(base_url, sub, query['nonce'][0]), key, algorithm='RS256', headers={'kid': KID})
    status, headers, body = browser.request('POST', '/lti/launch', urlencode({'id_token': token,
                                                                             'state': query['state'][0]}))
    assert status == 303, body[:500]
    landing = headers['Location']
    status, headers, body = browser.request('GET', landing)
    if status == 302 and '/preferences/questionnaire' in headers['Location']:
        # a learner's first launch: the questionnaire, skipped here (later launches go straight in)
        status, _, body = browser.request('GET', headers['Location'])
        csrf = re.search(rb'name="csrf_token" value="([^"]+)"', body).group(1).decode()
        browser.request('POST', '/preferences/questionnaire', urlencode({'csrf_token': csrf, 'skip': '1',
                                                                         'next': landing}))
        status, _, body = browser.request('GET', landing)
    assert status == 200 and b'Safe use of an angle grinder' in body


def _client(base_url: str, pem: bytes, index: int, deadline: float, results) -> None:
    key = serialization.load_pem_private_key(pem, password=None)  # parsed once per client process
    latencies, n = [], 0
    while time.monotonic() < deadline:
        started = time.perf_counter()  # a new browser per launch, as different learners
        one_launch(Browser(base_url), base_url, key, f'bench-{index}-{n % 20}')
        latencies.append(time.perf_counter() - started)
        n += 1
    results.put(latencies)


def bench_launches(base_url: str, pem: bytes, seconds: float, clients: int) -> dict:
    # Fills the JWKS cache and creates the link and course.
    one_launch(Browser(base_url), base_url, serialization.load_pem_private_key(pem, password=None), 'warm-up')
    results = mp.Queue()
    started = time.monotonic()
    procs = [mp.Process(target=_client, args=(base_url, pem, i, started + seconds, results)) for i in range(clients)]
    for p in procs:
        p.start()
    latencies = [lat for _ in procs for lat in results.get()]
    for p in procs:
        p.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    return {'launches': len(latencies), 'per_second': len(latencies) / elapsed,
            'p50_ms': 1000 * statistics.median(latencies),
            'p95_ms': 1000 * latencies[int(0.95 * (len(latencies) - 1))],
            'max_ms': 1000 * latencies[-1]}


def bench_floor(pem: bytes, key, seconds: float, clients: int, workers: int, work: dict | None = None) -> dict:
    """The same clients against scripts/floor_app.py under gunicorn: bare, or with `work`
    ({'FLOOR_DATABASE_URL': ..., 'FLOOR_REDIS_URL': ...}) the least work an LTI tool on this stack must do."""
    from tests.live import free_port

    port = free_port()
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    server = subprocess.Popen([Path(sys.executable).parent / 'gunicorn', '--workers', str(workers), '--bind',
                               f'127.0.0.1:{port}', 'floor_app:app'], cwd=REPO / 'scripts',
                              env={**os.environ, 'FLOOR_PUBLIC_PEM': public.decode(), 'FLOOR_AUDIENCE': CLIENT_ID,
                                   **(work or {})},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base_url = f'http://127.0.0.1:{port}'
        deadline = time.monotonic() + 30
        while True:
            try:
                http.client.HTTPConnection('127.0.0.1', port, timeout=1).connect()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError('the floor app did not start') from None
                time.sleep(0.1)
        cpu_before = _cpu_seconds(server.pid)
        result = bench_launches(base_url, pem, seconds, clients)
        result['server_cpu_ms'] = 1000 * (_cpu_seconds(server.pid) - cpu_before) / result['launches']
        return result
    finally:
        server.terminate()
        server.wait()


def bench_floor_with_work(pem: bytes, key, seconds: float, clients: int, workers: int, redis_url: str) -> dict:
    """The floor doing the protocol's minimum on PostgreSQL and Redis (its own private schema)."""
    import sqlalchemy as sa

    from scripts.floor_app import SCHEMA
    from tests.conftest import make_database

    url, drop = make_database('floor')
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for statement in SCHEMA.split(';'):
            if statement.strip():
                conn.execute(sa.text(statement))
    engine.dispose()
    try:
        return bench_floor(pem, key, seconds, clients, workers,
                           {'FLOOR_DATABASE_URL': url, 'FLOOR_REDIS_URL': redis_url or 'redis://127.0.0.1:6379/14'})
    finally:
        drop()


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a gunicorn master and its workers."""
    pids = [pid] + [int(p) for p in Path(f'/proc/{pid}/task/{pid}/children').read_text().split()]
    ticks = os.sysconf('SC_CLK_TCK')
    total = 0
    for each in pids:
        fields = Path(f'/proc/{each}/stat').read_text().rsplit(')', 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def bench_bare_pylti1p3(pem: bytes, key, rounds: int = 2000) -> dict:
    """pylti1p3's own MessageLaunch.validate() on a signed id_token, in process, no HTTP, no database."""
    from flask import Flask
    from pylti1p3.contrib.flask import FlaskMessageLaunch, FlaskRequest
    from pylti1p3.tool_config import ToolConfDict

    conf = ToolConfDict({ISSUER: [{'default': True, 'client_id': CLIENT_ID, 'auth_login_url': ISSUER + '/auth',
                                   'auth_token_url': ISSUER + '/token', 'key_set': _jwks(key),
                                   'deployment_ids': [DEPLOYMENT]}]})
    app = Flask('bare')
    app.secret_key = 'bench'
    timings = []
    for n in range(rounds):
        nonce = f'nonce-{n}'
        token = jwt.encode(_claims('https://tool.invalid', f'u{n}', nonce), pem, algorithm='RS256',
                           headers={'kid': KID})
        with app.test_request_context('/launch', method='POST', data={'id_token': token, 'state': 'state-x'}):
            from flask import session
            session['lti1p3-nonce-' + nonce] = True
            request = FlaskRequest(cookies={'lti1p3-state-x': 'state-x'}, request_data={'id_token': token,
                                                                                         'state': 'state-x'})
            started = time.perf_counter()
            FlaskMessageLaunch(request, conf).validate()
            timings.append(time.perf_counter() - started)
    timings.sort()
    return {'p50_ms': 1000 * statistics.median(timings), 'p95_ms': 1000 * timings[int(0.95 * (rounds - 1))]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--seconds', type=float, default=20)
    parser.add_argument('--clients', type=int, default=4, help='client processes (browsers in parallel)')
    parser.add_argument('--workers', type=int, default=3, help='gunicorn worker processes')
    parser.add_argument('--threads', type=int, default=1, help='threads per gunicorn worker')
    parser.add_argument('--redis', default=os.environ.get('TEST_REDIS_URL', 'redis://127.0.0.1:6379/14'),
                        help="Redis for the LTI state/nonce store, as with several app processes ('' = the database)")
    parser.add_argument('--floor', action='store_true', help='also measure the bare-Flask floor (scripts/floor_app.py)')
    parser.add_argument('--database', default=os.environ.get('TEST_POSTGRES_URL',
                                                             'postgresql://postgres@127.0.0.1:5432/test'))
    args = parser.parse_args()
    os.environ['TEST_DATABASE_URL'] = args.database

    from tests.live import LiveTool

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(encoding=serialization.Encoding.PEM, format=serialization.PrivateFormat.PKCS8,
                            encryption_algorithm=serialization.NoEncryption())
    from tests.live import serve_json
    jwks_server = serve_json(_jwks(key))
    tool = LiveTool(label='bench', workers=args.workers, threads=args.threads,
                    env={'LOG_LEVEL': 'ERROR', 'RATELIMIT_ENABLED': '0', 'REDIS_URL': args.redis})
    tool.start()
    try:
        tool.cli('lti', 'add-platform', '--issuer', ISSUER, '--client-id', CLIENT_ID,
                 '--login-url', ISSUER + '/auth', '--token-url', ISSUER + '/token',
                 '--jwks-url', jwks_server.url + 'jwks', '--deployment', DEPLOYMENT)
        cpu_before = tool.cpu_seconds()
        launches = bench_launches(tool.base_url, pem, args.seconds, args.clients)
        launches['server_cpu_ms'] = 1000 * (tool.cpu_seconds() - cpu_before) / launches['launches']
    finally:
        tool.stop()
        jwks_server.shutdown()
    floor = bench_floor(pem, key, args.seconds, args.clients, args.workers) if args.floor else None
    floor_work = (bench_floor_with_work(pem, key, args.seconds, args.clients, args.workers, args.redis)
                  if args.floor else None)
    bare = bench_bare_pylti1p3(pem, key)
    print(f'database: {args.database.split("@")[-1]}  LTI store: {args.redis or "the database"}  '
          f'gunicorn: {args.workers} worker(s) x {args.threads} thread(s)'
          f'  clients: {args.clients}  cores: {os.cpu_count()}')
    print(f'full launches (login + launch + landing page): {launches["launches"]} in {args.seconds:.0f} s = '
          f'{launches["per_second"]:.0f}/s; p50 {launches["p50_ms"]:.1f} ms, p95 {launches["p95_ms"]:.1f} ms, '
          f'max {launches["max_ms"]:.1f} ms')
    print(f'server CPU per full launch: {launches["server_cpu_ms"]:.1f} ms '
          f'(so at most {1000 * (os.cpu_count() or 1) / launches["server_cpu_ms"]:.0f} launches/s on this machine '
          f'if the load generator used no CPU)')
    if floor:
        print(f'floor (the same clients, bare Flask under gunicorn, no database: scripts/floor_app.py): '
              f'{floor["per_second"]:.0f}/s; p50 {floor["p50_ms"]:.1f} ms, p95 {floor["p95_ms"]:.1f} ms; '
              f'server CPU {floor["server_cpu_ms"]:.1f} ms per launch')
        print(f'floor with the protocol\'s minimum (Redis state, PyJWT, 2 + 1 SQL statements, a 4 KB Jinja page): '
              f'{floor_work["per_second"]:.0f}/s; p50 {floor_work["p50_ms"]:.1f} ms, '
              f'p95 {floor_work["p95_ms"]:.1f} ms; '
              f'server CPU {floor_work["server_cpu_ms"]:.1f} ms per launch')
    print(f'bare pylti1p3 MessageLaunch.validate() in process: p50 {bare["p50_ms"]:.2f} ms, '
          f'p95 {bare["p95_ms"]:.2f} ms')


if __name__ == '__main__':
    main()
