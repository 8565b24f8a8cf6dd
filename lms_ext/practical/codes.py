"""Pure: one-time sign-off codes, signed QR tokens, matching codes and the audit hash chain.

No Flask, no database; the secret key is passed in. Signatures come from itsdangerous, digests from
hmac/hashlib; nothing here is hand-written cryptography.
"""

import hashlib
import hmac
import json
import secrets

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

CODE_DIGITS = 6
QR_MAX_AGE_SECONDS = 60
_MATCH_ALPHABET = 'ACDEFHJKMNPRTUVWXY3479'  # no look-alikes (0/O, 1/I/L, 5/S, 8/B, 2/Z)
GENESIS = '0' * 64


class BadToken(Exception):
    """A QR token that is forged, damaged or older than its maximum age."""


def new_code() -> str:
    return f'{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}'


def code_digest(code: str, key: str) -> str:
    """Keyed digest of a code: a stolen table cannot be reversed by trying the million codes."""
    return hmac.new(key.encode(), f'practical-code:{code}'.encode(), hashlib.sha256).hexdigest()


def token_digest(token: str) -> str:
    """Digest of a long random token (invitations): enough entropy for a plain sha256."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_nonce() -> str:
    return secrets.token_urlsafe(32)


def new_match_code() -> str:
    return ''.join(secrets.choice(_MATCH_ALPHABET) for _ in range(4))


def _serializer(key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(key, salt='practical-signoff-qr')


def make_qr_token(key: str, *, session_id: int, learner_id: int, checklist_id: int, version_id: int,
                  nonce: str) -> str:
    """A signed, timestamped token; each call has a fresh random part, so the QR code rotates."""
    return _serializer(key).dumps({'s': session_id, 'l': learner_id, 'k': checklist_id, 'v': version_id,
                                   'n': nonce, 'r': secrets.token_urlsafe(6)})


def read_qr_token(key: str, token: str, *, max_age: int = QR_MAX_AGE_SECONDS) -> dict:
    try:
        data = _serializer(key).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise BadToken('expired') from exc
    except BadSignature as exc:
        raise BadToken('bad signature') from exc
    if not isinstance(data, dict) or not {'s', 'l', 'k', 'v', 'n'} <= data.keys():
        raise BadToken('incomplete')
    return data


def canonical(data: dict) -> str:
    return json.dumps(data, sort_keys=True, separators=(',', ':'), ensure_ascii=False)


def content_hash(data: dict) -> str:
    return hashlib.sha256(canonical(data).encode()).hexdigest()


def chain_hash(prev_hash: str, payload: str) -> str:
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()
