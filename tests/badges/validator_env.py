"""The official 1EdTech Open Badges 2.0 validator (PyPI `badgecheck` 1.2.0) in a virtualenv of its own.

badgecheck pins dependencies that conflict with ours (click 6.7, rfc3986 0.4.1, PyLD 0.7.1, python-jose 3.0.1,
jsonschema 2.6.0), so it cannot live in the project's venv. `ensure_validator()` builds
`.cache/badgecheck-1.2.0/` once (later runs reuse it) from PyPI only, and returns its python.

Deviations from badgecheck's declared pins, each needed on Python 3.11:
- every package is installed with `--no-deps`, so pip never resolves python-jose's optional `cryptography`
  backend (python-jose 3.2.0 then uses pycryptodome / its pure-python backends);
- pycryptodome 3.23 instead of 3.6.6 (3.6.6 has no wheel and does not build on 3.11);
- python-jose 3.2.0 instead of 3.0.1 (3.0.1 imports `Crypto.Util.asn1` names removed from pycryptodome 3.23);
- a current pytz (2017.2's zoneinfo is stale, and nothing in the validator depends on that exact release);
- requests-cache 0.5.2, the last release with `remove_expired_responses()` that the validator calls.

Patches, applied after installation:
- openbadges/verifier/verifier.py reads `e.message` of a ValueError (Python 2 only): `str(e)` instead, otherwise
  an image without baked data crashes the validator instead of being reported invalid;
- jsonschema 2.6.0 imports `MutableMapping` & co. from `collections` (gone in 3.10): from `collections.abc`;
- a `sitecustomize.py` makes requests answer `https://w3id.org/openbadges/v2` (and v1's URL is left alone) from
  the context file bundled with this repository: this machine cannot reach w3id.org, and the validator fetches
  the context with requests on every run. Everything else (our app on 127.0.0.1) is fetched over real HTTP.
"""

import os
import subprocess
import sys
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TARGET = REPO / '.cache' / 'badgecheck-1.2.0'
CONTEXT_FILE = REPO / 'lms_ext' / 'badges' / 'data' / 'openbadges-v2-context.json'
MARKER = TARGET / 'ready-v1'

PACKAGES = [
    'badgecheck==1.2.0', 'aniso8601==9.0.1', 'Click==6.7', 'future==1.0.0', 'jsonschema==2.6.0',
    'language-tags==0.4.3', 'openbadges-bakery==2.0.0', 'pypng==0.20220715.0', 'defusedxml==0.7.1',
    'six==1.16.0', 'puremagic==1.6', 'pycryptodome==3.23.0', 'pydux==0.2.2', 'PyLD==0.7.1',
    'python-jose==3.2.0', 'ecdsa==0.19.0', 'rsa==4.9', 'pyasn1==0.6.1', 'python-mimeparse==1.6.0', 'pytz',
    'requests==2.32.3', 'urllib3==2.2.3', 'idna==3.10', 'charset-normalizer==3.4.0', 'certifi',
    'requests-cache==0.5.2', 'rfc3986==0.4.1', 'validators==0.11.2', 'decorator==5.1.1',
]

SITECUSTOMIZE = '''\
"""Test-only: answer the Open Badges v2 context URL from the copy bundled with the app (no network)."""
import json
import os

import requests
from requests.adapters import BaseAdapter
from requests.models import Response

_CONTEXT = os.environ.get('OB_V2_CONTEXT_FILE')
_URLS = ('https://w3id.org/openbadges/v2', 'http://w3id.org/openbadges/v2')


class _LocalContext(BaseAdapter):
    def send(self, request, **kwargs):
        response = Response()
        response.status_code = 200
        response.headers['Content-Type'] = 'application/ld+json'
        with open(_CONTEXT, 'rb') as f:
            response._content = f.read()
        response.url = request.url
        response.request = request
        response.encoding = 'utf-8'
        return response

    def close(self):
        pass


_original_init = requests.Session.__init__


def _init(self, *args, **kwargs):
    _original_init(self, *args, **kwargs)
    if _CONTEXT:
        for url in _URLS:
            self.mount(url, _LocalContext())


requests.Session.__init__ = _init
'''


def _site_packages(target: Path) -> Path:
    return next((target / 'lib').glob('python3*/site-packages'))


def _patch(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding='utf-8')
    if old in text:
        path.write_text(text.replace(old, new), encoding='utf-8')


def ensure_validator() -> Path:
    """The python of the validator's virtualenv, built on first use."""
    python = TARGET / 'bin' / 'python'
    if MARKER.exists():
        return python
    venv.EnvBuilder(with_pip=True, clear=True).create(TARGET)
    subprocess.run([python, '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps',
                    *PACKAGES], check=True)
    site = _site_packages(TARGET)
    _patch(site / 'openbadges' / 'verifier' / 'verifier.py', 'result=e.message', 'result=str(e)')
    for name in ('compat.py', '_utils.py', 'validators.py'):
        _patch(site / 'jsonschema' / name, 'from collections import', 'from collections.abc import')
    (site / 'sitecustomize.py').write_text(SITECUSTOMIZE, encoding='utf-8')
    MARKER.write_text('ok\n')
    return python


RUNNER = '''
import json, sys
from openbadges import verify
source, email = sys.argv[1], sys.argv[2]
profile = {'email': email}
if source.startswith('http'):
    report = verify(source, recipient_profile=profile)
else:
    with open(source, 'rb') as f:
        report = verify(f, recipient_profile=profile)
print(json.dumps({'valid': report['report']['valid'], 'errorCount': report['report']['errorCount'],
                  'messages': report['report']['messages']}))
'''


def validate(source: str, email: str) -> dict:
    """Run the validator on a baked image file or a hosted assertion URL, as recipient `email`."""
    python = ensure_validator()
    env = {**os.environ, 'OB_V2_CONTEXT_FILE': str(CONTEXT_FILE)}
    done = subprocess.run([python, '-c', RUNNER, source, email], capture_output=True, text=True, env=env,
                          timeout=300)
    if done.returncode:
        raise RuntimeError(f'validator crashed: {done.stderr[-4000:]}')
    return __import__('json').loads(done.stdout.strip().splitlines()[-1])


if __name__ == '__main__':
    print(ensure_validator(), file=sys.stderr)
