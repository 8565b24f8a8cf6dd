"""Platform keys: the JWKS is kept in the shared store, the parsed key per process; an unknown kid refetches once."""

import json

import jwt
import pytest

from lms_ext.lti import adapter
from lms_ext.lti.store import MemoryCache
from tests.lti.platform import generate_rsa_key

URL = 'https://platform.example/jwks'


def _jwk(key, kid: str) -> dict:
    return {**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key())), 'kid': kid, 'alg': 'RS256'}


@pytest.fixture
def platform_jwks(monkeypatch):
    """The platform's JWK Set (the test changes it) and the number of times the tool fetched it."""
    state = {'keys': [], 'fetches': 0}

    def fetch(url):
        assert url == URL
        state['fetches'] += 1
        return {'keys': list(state['keys'])}

    monkeypatch.setattr(adapter, '_fetch_jwks', fetch)
    monkeypatch.setattr(adapter, '_platform_keys', {})
    return state


def test_a_key_is_fetched_once_then_kept(platform_jwks):
    key = generate_rsa_key()
    platform_jwks['keys'] = [_jwk(key, 'k1')]
    store = MemoryCache()
    first = adapter.platform_public_key(store, URL, 'k1')
    assert first.public_numbers() == key.public_key().public_numbers()
    assert adapter.platform_public_key(store, URL, 'k1') is first
    assert platform_jwks['fetches'] == 1


def test_a_rotated_platform_key_is_found_with_one_refetch_and_an_unknown_kid_is_refused(platform_jwks):
    old, new = generate_rsa_key(), generate_rsa_key()
    platform_jwks['keys'] = [_jwk(old, 'k1')]
    store = MemoryCache()
    adapter.platform_public_key(store, URL, 'k1')
    platform_jwks['keys'] = [_jwk(old, 'k1'), _jwk(new, 'k2')]  # the platform rotates
    assert adapter.platform_public_key(store, URL, 'k2').public_numbers() == new.public_key().public_numbers()
    assert platform_jwks['fetches'] == 2
    with pytest.raises(adapter.LaunchRejected) as rejected:
        adapter.platform_public_key(store, URL, 'attacker')
    assert rejected.value.reason == 'unknown_kid'
    assert platform_jwks['fetches'] == 3  # once per unknown kid, never kept


def test_a_kept_key_expires(platform_jwks, monkeypatch):
    key = generate_rsa_key()
    platform_jwks['keys'] = [_jwk(key, 'k1')]
    clock = [1000.0]
    monkeypatch.setattr(adapter.time, 'monotonic', lambda: clock[0])
    store = MemoryCache()
    adapter.platform_public_key(store, URL, 'k1')
    clock[0] += adapter.PLATFORM_KEY_MEMO_SECONDS + 1
    store_reads = []
    original_get = store.get
    monkeypatch.setattr(store, 'get', lambda k: store_reads.append(k) or original_get(k))
    adapter.platform_public_key(store, URL, 'k1')
    assert store_reads  # read from the shared store again
