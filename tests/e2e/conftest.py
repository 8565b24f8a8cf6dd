"""A live app under gunicorn (2 workers) on its own database, and Debian's chromium for Playwright."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import make_database

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PHONE = {'width': 390, 'height': 844}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.fixture(scope='session')
def live_server():
    """The real app over real HTTP: migrated and seeded with the CLI, served by gunicorn."""
    url, cleanup = make_database('e2e')
    port = _free_port()
    base_url = f'http://127.0.0.1:{port}'
    instance = tempfile.mkdtemp(prefix='lms_ext_live_')
    env = {**os.environ, 'LMS_EXT_ENV': 'development', 'DATABASE_URL': url, 'BASE_URL': base_url,
           'FLASK_APP': 'wsgi', 'LOG_LEVEL': 'WARNING', 'INSTANCE_DIR': instance}
    for command in (['db', 'upgrade'], ['seed-demo']):
        subprocess.run([BIN / 'flask', *command], cwd=REPO, env=env, check=True, capture_output=True)
    server = subprocess.Popen([BIN / 'gunicorn', '--workers', '2', '--bind', f'127.0.0.1:{port}', 'wsgi:app'],
                              cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if requests.get(f'{base_url}/healthz', timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f'live server did not start: {server.stderr.read().decode()[-2000:]}')
            time.sleep(0.1)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stderr.close()
        cleanup()
        shutil.rmtree(instance, ignore_errors=True)


@pytest.fixture(scope='session')
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, 'executable_path': '/usr/bin/chromium',
            'args': ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                     '--disable-background-networking', '--disable-component-update', '--disable-sync']}


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    yield page
    context.close()


def assert_fits_phone(page) -> None:
    """No horizontal scrolling at phone width."""
    overflow = page.evaluate('document.documentElement.scrollWidth - window.innerWidth')
    assert overflow <= 0, f'page is {overflow}px wider than the phone screen'


def assert_basic_accessibility(page) -> None:
    """Landmarks, one h1, labelled inputs, alt texts, a declared language."""
    problems = page.evaluate('''() => {
        const p = [];
        if (!document.documentElement.lang) p.push('no lang on <html>');
        if (document.querySelectorAll('main').length !== 1) p.push('not exactly one <main>');
        if (document.querySelectorAll('h1').length !== 1) p.push('not exactly one <h1>');
        for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
            const labelled = (el.id && document.querySelector(`label[for="${el.id}"]`))
                || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || el.closest('label');
            if (!labelled) p.push(`unlabelled ${el.tagName} ${el.name}`);
        }
        for (const img of document.querySelectorAll('img')) {
            if (!img.hasAttribute('alt')) p.push(`img without alt ${img.src}`);
        }
        return p;
    }''')
    assert problems == []
