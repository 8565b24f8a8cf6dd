"""Learner unit page budget (issue 4): bytes transferred, third-party origins, and server time at scale.

Starts the tool under gunicorn on PostgreSQL, fills it with 10,000 learners and 100,000 progress rows,
launches as one learner through the real LTI path, then:
- fetches a unit page with `Accept-Encoding: br, gzip` and adds up the compressed HTML, CSS and JS it
  needs (media excluded): budget 60 KB;
- lists every origin the page refers to: budget none but its own;
- requests the unit page repeatedly and reports p50/p95 latency: budget p95 < 25 ms.

Usage: .venv/bin/python scripts/page_budget.py [--requests 300] [--database URL]
"""

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import sqlalchemy as sa  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402

from scripts.bench import CLIENT_ID, DEPLOYMENT, ISSUER, Browser, _jwks, one_launch  # noqa: E402

LEARNERS = 10_000
COURSES = 2  # each learner runs the module in two courses: 20,000 module runs + 80,000 step rows


def seed_scale(url: str) -> None:
    """Bulk rows straight in SQL (the app's services are too slow for 100,000 rows, and not under test here)."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        version_id = conn.execute(sa.text("SELECT id FROM content_module_versions WHERE state = 'published'")).scalar()
        step_ids = [r[0] for r in conn.execute(sa.text('SELECT id FROM content_steps WHERE version_id = :v'),
                                               {'v': version_id})]
        conn.execute(sa.text(
            "INSERT INTO accounts_users (kind, issuer, subject, name, given_name, family_name, organisation, "
            "is_admin, is_active_account, low_bandwidth, created_at) "
            "SELECT 'lti', :iss, 'scale-' || n, 'Learner ' || n, '', '', '', false, true, false, now() "
            "FROM generate_series(1, :n) AS n"), {'iss': ISSUER, 'n': LEARNERS})
        for c in range(COURSES):
            course_id = conn.execute(sa.text(
                "INSERT INTO accounts_courses (issuer, context_id, title, label, created_at) "
                "VALUES (:iss, :ctx, :title, '', now()) RETURNING id"),
                {'iss': ISSUER, 'ctx': f'scale-course-{c}', 'title': f'Scale course {c}'}).scalar()
            conn.execute(sa.text(
                "INSERT INTO accounts_enrollments (user_id, course_id, role, source, created_at) "
                "SELECT id, :c, 'learner', 'lti', now() FROM accounts_users WHERE subject LIKE 'scale-%'"),
                {'c': course_id})
            conn.execute(sa.text(
                "INSERT INTO progress_module_progress (learner_id, version_id, course_id, state, started_at, "
                "last_activity_at, current_step_id) SELECT id, :v, :c, 'in_progress', now(), now(), :s "
                "FROM accounts_users WHERE subject LIKE 'scale-%'"), {'v': version_id, 'c': course_id,
                                                                     's': step_ids[0]})
            conn.execute(sa.text(
                "INSERT INTO progress_step_progress (module_progress_id, step_id, first_viewed_at, completed_at) "
                "SELECT p.id, s.id, now(), now() FROM progress_module_progress p "
                "CROSS JOIN content_steps s WHERE p.course_id = :c AND s.version_id = :v"),
                {'c': course_id, 'v': version_id})
        conn.execute(sa.text('ANALYZE'))
        counts = conn.execute(sa.text(
            'SELECT (SELECT count(*) FROM accounts_users), (SELECT count(*) FROM progress_module_progress), '
            '(SELECT count(*) FROM progress_step_progress)')).one()
    engine.dispose()
    print(f'seeded: {counts[0]} users, {counts[1]} module runs + {counts[2]} step rows = '
          f'{counts[1] + counts[2]} progress rows')


def transfer(browser: Browser, base_url: str, path: str) -> tuple[int, list[str], list[str]]:
    """(compressed bytes of HTML + CSS + JS, the sub-resources, the foreign origins referenced)."""
    browser_headers = {'Accept-Encoding': 'br, gzip'}
    status, headers, body = browser.request('GET', path, headers=browser_headers)
    assert status == 200, status
    html = _decoded(headers, body)
    total = len(body)
    urls = re.findall(r'(?:src|href|poster)="([^"]+)"', html)
    own = urlsplit(base_url).netloc
    foreign = sorted({urlsplit(u).netloc for u in urls if urlsplit(urljoin(base_url, u)).netloc != own})
    assets = [u for u in urls if u.endswith(('.css', '.js'))]
    for asset in assets:
        _status, asset_headers, asset_body = browser.request('GET', asset, headers=browser_headers)
        total += len(asset_body)
    return total, assets, foreign


def _decoded(headers: dict, body: bytes) -> str:
    encoding = {k.lower(): v for k, v in headers.items()}.get('content-encoding', '')
    if encoding == 'br':
        import brotli
        return brotli.decompress(body).decode()
    if encoding == 'gzip':
        import gzip
        return gzip.decompress(body).decode()
    return body.decode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--requests', type=int, default=300)
    parser.add_argument('--database', default=os.environ.get('TEST_POSTGRES_URL',
                                                             'postgresql://postgres@127.0.0.1:5432/test'))
    args = parser.parse_args()
    os.environ['TEST_DATABASE_URL'] = args.database
    from tests.live import LiveTool

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    from tests.live import serve_json
    jwks_server = serve_json(_jwks(key))
    tool = LiveTool(label='budget', workers=2, threads=1, env={'LOG_LEVEL': 'ERROR', 'RATELIMIT_ENABLED': '0'})
    tool.start()
    try:
        tool.cli('lti', 'add-platform', '--issuer', ISSUER, '--client-id', CLIENT_ID, '--login-url', ISSUER + '/a',
                 '--token-url', ISSUER + '/t', '--jwks-url', jwks_server.url + 'j',
                 '--deployment', DEPLOYMENT)
        seed_scale(tool.url)
        browser = Browser(tool.base_url)
        one_launch(browser, tool.base_url, key, 'scale-4242')  # an existing learner with progress rows
        engine = sa.create_engine(tool.url)
        with engine.connect() as conn:
            course_id = conn.execute(sa.text("SELECT id FROM accounts_courses WHERE context_id = 'bench-course'"
                                             )).scalar()
        engine.dispose()
        path = f'/courses/{course_id}/modules/safe-angle-grinder/steps/2'
        size, assets, foreign = transfer(browser, tool.base_url, path)
        timings = []
        for _ in range(args.requests):
            started = time.perf_counter()
            status, _headers, _body = browser.request('GET', path, headers={'Accept-Encoding': 'br, gzip'})
            timings.append(time.perf_counter() - started)
            assert status == 200
        timings.sort()
    finally:
        tool.stop()
        jwks_server.shutdown()
    print(f'unit page {path}: {size / 1024:.1f} KB transferred for HTML + {len(assets)} CSS/JS files '
          f'(budget 60 KB); foreign origins: {foreign or "none"}')
    print(f'server time over {args.requests} requests: p50 {1000 * statistics.median(timings):.1f} ms, '
          f'p95 {1000 * timings[int(0.95 * (len(timings) - 1))]:.1f} ms (budget p95 < 25 ms)')


if __name__ == '__main__':
    main()
