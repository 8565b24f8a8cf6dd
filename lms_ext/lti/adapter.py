"""The only module that imports pylti1p3 (here the maintained fork pylti1p3next, same import name).

pylti1p3 builds the OIDC redirect, runs the message-type validators, builds deep-linking responses
and talks to AGS/NRPS. What it lacks we add here:

- registrations and deployments come from the database, keyed by (issuer, client_id);
- state and nonce are single-use: the login stores them together in the shared store and the
  launch *pops* them atomically (both the library and its fork accept a replayed launch);
- the state is bound to the browser by a cookie set at login;
- the signature check is strict: RS256 only, the platform key chosen by kid (JWKS cached, refetched
  once on an unknown kid), iss exact, aud contains our client_id, azp when aud has several values,
  exp and a bounded iat with 60 s leeway (the library verifies neither aud nor iat);
- the signed target_link_uri must point at our own host;
- access tokens are cached by (issuer, client_id, scopes) in the shared store and refreshed once on 401.
"""

import functools
import hashlib
import json
import logging
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import jwt
import requests
import requests_hardened
from cryptography.hazmat.primitives import serialization
from jwcrypto.jwk import JWK
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.contrib.flask import FlaskMessageLaunch, FlaskOIDCLogin, FlaskRequest
from pylti1p3.contrib.flask.session import FlaskSessionService
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.deployment import Deployment as LibDeployment
from pylti1p3.dynamic_registration import DynamicRegistration
from pylti1p3.exception import LtiException, LtiServiceException, OIDCException
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem as LibLineItem
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.registration import Registration
from pylti1p3.service_connector import ServiceConnector
from pylti1p3.tool_config.abstract import ToolConfAbstract

from . import registry
from .models import Deployment, Platform, ToolKey
from .store import Store

logger = logging.getLogger(__name__)

LEEWAY = 60  # seconds of clock skew accepted on exp and iat
MAX_TOKEN_AGE = 600  # an id_token issued longer ago than this is refused
LOGIN_TTL = 600  # seconds between login initiation and launch
LAUNCH_DATA_TTL = 4 * 3600
JWKS_TTL = 3600
HTTP_TIMEOUT = 10
STATE_COOKIE_PREFIX = 'lti1p3-'
CLAIM = 'https://purl.imsglobal.org/spec/lti/claim/'


class LaunchRejected(Exception):
    """A launch or login that must not go on; `reason` is a short code for logs and tests."""

    def __init__(self, reason: str, detail: str = ''):
        super().__init__(f'{reason}: {detail}' if detail else reason)
        self.reason = reason
        self.detail = detail


# --------------------------------------------------------------------------- registrations


def registration_for(platform: Platform, key: ToolKey) -> Registration:
    return (Registration().set_issuer(platform.issuer).set_client_id(platform.client_id)
            .set_auth_login_url(platform.auth_login_url).set_auth_token_url(platform.auth_token_url)
            .set_auth_audience(platform.auth_audience).set_key_set_url(platform.key_set_url)
            .set_tool_private_key(private_key(key)).set_tool_public_key(_public_pem(key.kid, key.public_jwk)))


@functools.lru_cache(maxsize=8)
def _private_key(kid: str, pem: str):
    # Parsing an RSA PEM costs tens of milliseconds (cryptography checks the key); once per process and key.
    return serialization.load_pem_private_key(pem.encode(), password=None)


def private_key(key: ToolKey):
    """The tool key as a cryptography object (PyJWT signs with it directly)."""
    return _private_key(key.kid, key.private_pem)


@functools.lru_cache(maxsize=8)
def _public_pem_cached(kid: str, jwk_json: str) -> str:
    return JWK.from_json(jwk_json).export_to_pem().decode()


def _public_pem(kid: str, jwk: dict) -> str:
    return _public_pem_cached(kid, json.dumps(jwk, sort_keys=True))


class _LazyKeyRegistration(Registration):
    """A registration whose tool key is fetched only when something is signed."""

    def __init__(self, platform: Platform, key: Callable[[], ToolKey]):
        super().__init__()
        (self.set_issuer(platform.issuer).set_client_id(platform.client_id).set_auth_login_url(platform.auth_login_url)
         .set_auth_token_url(platform.auth_token_url).set_auth_audience(platform.auth_audience)
         .set_key_set_url(platform.key_set_url))
        self._key_provider = key

    def get_tool_private_key(self):
        return private_key(self._key_provider())

    def get_tool_public_key(self):
        key = self._key_provider()
        return _public_pem(key.kid, key.public_jwk)


class DatabaseToolConf(ToolConfAbstract):
    """Registrations from `lti_platforms`; every issuer may have many client ids (Canvas cloud).

    `key` is a callable giving the tool's signing key: logins and launches never sign, so they never
    load it.
    """

    def __init__(self, key: Callable[[], ToolKey]):
        super().__init__()
        self._key = key
        self.platform: Platform | None = None
        self.deployment: Deployment | None = None

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss, *args, **kwargs):
        return self.find_registration_by_params(iss, None)

    def find_registration_by_params(self, iss, client_id, *args, **kwargs):
        self.platform = registry.find_platform(iss, client_id)
        return _LazyKeyRegistration(self.platform, self._key) if self.platform else None

    def find_deployment(self, iss, deployment_id):
        return self.find_deployment_by_params(iss, deployment_id, None)

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        platform = self.platform or registry.find_platform(iss, client_id)
        if platform is None or not deployment_id:
            return None
        self.deployment = registry.find_deployment(platform, deployment_id)
        return LibDeployment().set_deployment_id(deployment_id) if self.deployment else None


# --------------------------------------------------------------------------- login and launch


class _StoreSessionService(FlaskSessionService):
    """Launch data in the shared store; nonce and state are handled by the launch classes below."""

    def __init__(self, request, store: Store):
        super().__init__(request)
        self._store = store

    def save_nonce(self, nonce):  # stored with the state, see ToolOIDCLogin
        pass

    def save_launch_data(self, key, jwt_body):
        self._store.put(f'launch:{key}', dict(jwt_body), LAUNCH_DATA_TTL)

    def get_launch_data(self, key):
        return self._store.get(f'launch:{key}')

    def set_state_valid(self, state, id_token_hash):
        pass

    def check_state_is_valid(self, state, id_token_hash):
        return False


class StorageCheckNeeded(Exception):
    """The launch's state cookie is missing, but the login bound the state to the platform's storage
    (LTI client-side postMessages): the browser must read it back from there before the launch goes on."""

    def __init__(self, target: str, origin: str):
        super().__init__(target, origin)
        self.target, self.origin = target, origin


@dataclass
class StorageLogin:
    """A login that binds its state through the platform's storage frame instead of a cookie."""
    auth_url: str  # the platform's authorisation request, opened once the state is stored
    state: str
    secret: str  # stored in the platform's storage under the state; proves the browser at launch
    target: str  # lti_storage_target: '_parent' or the name of a frame of the parent window
    origin: str  # the platform's origin (of its auth endpoint): the only origin we post to and trust


def storage_key(state: str) -> str:
    return f'lti1p3_{state}'


class ToolOIDCLogin(FlaskOIDCLogin):
    """OIDC third-party login initiation; remembers (state → nonce, registration) for one launch."""

    def __init__(self, request: FlaskRequest, tool_conf: DatabaseToolConf, store: Store,
                 storage_target: str | None = None):
        super().__init__(request, tool_conf, session_service=_StoreSessionService(request, store))
        self._store = store
        self._state_id = self._nonce = ''
        self._storage_target = storage_target
        self.storage_secret = secrets.token_urlsafe(24) if storage_target else None

    def _get_uuid(self) -> str:
        self._state_id = secrets.token_urlsafe(24)
        return self._state_id

    def _generate_nonce(self) -> str:
        self._nonce = secrets.token_urlsafe(24)
        return self._nonce

    def _prepare_redirect_url(self, launch_url: str) -> str:
        url = super()._prepare_redirect_url(launch_url)
        record = {'nonce': self._nonce, 'iss': self._registration.get_issuer(),
                  'client_id': self._registration.get_client_id()}
        if self._storage_target:
            record['storage'] = {'secret': self.storage_secret, 'target': self._storage_target,
                                 'origin': origin_of(self._registration.get_auth_login_url())}
        self._store.put(f'login:state-{self._state_id}', record, LOGIN_TTL)
        return url

    @property
    def state(self) -> str:
        return f'state-{self._state_id}'


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f'{parts.scheme}://{parts.netloc}'


def start_login(tool_conf: DatabaseToolConf, store: Store, launch_url: str):
    """The redirect response to the platform's authorisation endpoint (sets the state cookie)."""
    try:
        return ToolOIDCLogin(FlaskRequest(), tool_conf, store).redirect(launch_url)
    except (OIDCException, LtiException) as exc:
        raise LaunchRejected('login_invalid', str(exc)) from exc


def start_storage_login(tool_conf: DatabaseToolConf, store: Store, launch_url: str, target: str) -> StorageLogin:
    """A login for platforms that offer `lti_storage_target`: the page stores a secret for the state in the
    platform's storage frame (a cookie may not survive in an LMS iframe), then opens the auth request."""
    if target != '_parent' and not (0 < len(target) <= 100 and target.replace('_', '').replace('-', '').isalnum()):
        raise LaunchRejected('login_invalid', f'bad lti_storage_target {target!r}')
    login = ToolOIDCLogin(FlaskRequest(), tool_conf, store, storage_target=target)
    try:
        auth_url = login.get_redirect_object(launch_url).get_redirect_url()
    except (OIDCException, LtiException) as exc:
        raise LaunchRejected('login_invalid', str(exc)) from exc
    return StorageLogin(auth_url=auth_url, state=login.state, secret=login.storage_secret, target=target,
                        origin=origin_of(auth_url))


class ToolMessageLaunch(FlaskMessageLaunch):
    """A resource link or deep linking launch, validated strictly (see the module docstring)."""

    def __init__(self, request: FlaskRequest, tool_conf: DatabaseToolConf, store: Store, *, own_base_url: str):
        super().__init__(request, tool_conf, session_service=_StoreSessionService(request, store),
                         requests_session=_http())
        self._store = store
        self._own_base_url = own_base_url
        self._claims: dict = {}

    @property
    def platform(self) -> Platform:
        return self._tool_config.platform

    def validate(self):
        self._validated = True
        try:
            self.validate_jwt_format()
            self.validate_registration()
            self.validate_jwt_signature()
            self._consume_state_and_nonce()
            self.validate_deployment()
            self.validate_message()
            self._validate_target_link_uri()
            self.save_launch_data()
        except LaunchRejected:
            self._validated = False
            raise
        except LtiException as exc:
            self._validated = False
            raise LaunchRejected('message_invalid', str(exc)) from exc
        return self

    def _get_jwt_body(self):
        # Before the signature is checked, the body is only used to find the registration.
        return self._claims or self._jwt.get('body', {})

    def validate_jwt_format(self):
        try:
            return super().validate_jwt_format()
        except LtiException as exc:
            raise LaunchRejected('malformed_token', str(exc)) from exc

    def validate_registration(self):
        body = self._jwt['body']
        aud = body.get('aud')
        audiences = aud if isinstance(aud, list) else [aud]
        # With several audiences, azp names the client the token is for (OIDC core 3.1.3.7).
        client_id = body.get('azp') if len(audiences) > 1 else audiences[0]
        if not isinstance(body.get('iss'), str) or not isinstance(client_id, str):
            raise LaunchRejected('unknown_registration', 'iss or aud/azp missing')
        registration = self._tool_config.find_registration_by_params(body['iss'], client_id)
        if registration is None:
            raise LaunchRejected('unknown_registration', f'{body["iss"]!r} / {client_id!r}')
        self._registration = registration
        return self

    def validate_jwt_signature(self):
        header = self._jwt['header']
        if header.get('alg') != 'RS256':
            raise LaunchRejected('alg_not_allowed', repr(header.get('alg')))
        kid = header.get('kid')
        if not kid:
            raise LaunchRejected('unknown_kid', 'no kid in header')
        key = platform_public_key(self._store, self._registration.get_key_set_url(), kid)
        client_id = self._registration.get_client_id()
        try:
            claims = jwt.decode(self._get_id_token(), key, algorithms=['RS256'], audience=client_id,
                                issuer=self._registration.get_issuer(), leeway=LEEWAY,
                                options={'require': ['exp', 'iat', 'iss', 'aud', 'nonce']})
        except jwt.ExpiredSignatureError as exc:
            raise LaunchRejected('token_expired', str(exc)) from exc
        except jwt.ImmatureSignatureError as exc:
            raise LaunchRejected('token_from_the_future', str(exc)) from exc
        except jwt.InvalidAudienceError as exc:
            raise LaunchRejected('wrong_audience', str(exc)) from exc
        except jwt.InvalidIssuerError as exc:
            raise LaunchRejected('wrong_issuer', str(exc)) from exc
        except jwt.InvalidTokenError as exc:
            raise LaunchRejected('bad_signature', str(exc)) from exc
        if isinstance(claims['aud'], list) and len(claims['aud']) > 1 and claims.get('azp') != client_id:
            raise LaunchRejected('wrong_audience', 'azp does not name our client_id')
        if claims['iat'] < time.time() - MAX_TOKEN_AGE:
            raise LaunchRejected('token_too_old', f'iat={claims["iat"]}')
        self._claims = claims
        return self

    def _consume_state_and_nonce(self):
        state = self._get_request_param('state')
        if not state:
            raise LaunchRejected('missing_state')
        bound_by_cookie = self._request.get_cookie(STATE_COOKIE_PREFIX + state) == state
        proof = self._get_request_param('lti_storage_proof')
        if not bound_by_cookie and not proof:
            pending = self._store.get(f'login:{state}')  # not consumed yet: the browser must prove it first
            if pending is not None and pending.get('storage'):
                raise StorageCheckNeeded(pending['storage']['target'], pending['storage']['origin'])
        record = self._store.pop(f'login:{state}')  # atomic: a replay finds nothing
        if record is None:
            raise LaunchRejected('unknown_state', 'expired, already used or never issued')
        if not bound_by_cookie:
            secret = (record.get('storage') or {}).get('secret')
            if not (secret and proof and secrets.compare_digest(str(proof), secret)):
                raise LaunchRejected('state_not_bound', 'neither the state cookie nor the platform storage '
                                                        'of this browser holds the state')
        if not secrets.compare_digest(str(self._claims.get('nonce', '')), record['nonce']):
            raise LaunchRejected('nonce_mismatch')
        if (record['iss'], record['client_id']) != (self._registration.get_issuer(),
                                                    self._registration.get_client_id()):
            raise LaunchRejected('state_for_another_platform')

    def validate_deployment(self):
        deployment_id = self._claims.get(CLAIM + 'deployment_id')
        if not self._tool_config.find_deployment_by_params(self._registration.get_issuer(), deployment_id,
                                                           self._registration.get_client_id()):
            raise LaunchRejected('unknown_deployment', repr(deployment_id))
        return self

    def validate_message(self):
        message_type = self._claims.get(CLAIM + 'message_type')
        if message_type not in {'LtiResourceLinkRequest', 'LtiDeepLinkingRequest'}:
            raise LaunchRejected('unsupported_message_type', repr(message_type))
        return super().validate_message()

    def _validate_target_link_uri(self):
        target = self._claims.get(CLAIM + 'target_link_uri') or ''
        own, theirs = urlsplit(self._own_base_url), urlsplit(target)
        if (theirs.scheme, theirs.netloc) != (own.scheme, own.netloc):
            raise LaunchRejected('foreign_target_link_uri', repr(target))

    def save_launch_data(self):
        # Only deep linking finishes in a later request; other launches are fully handled now.
        if self._claims.get(CLAIM + 'message_type') == 'LtiDeepLinkingRequest':
            self._session_service.save_launch_data(self._launch_id, self._claims)
        return self

    @property
    def claims(self) -> dict:
        return self._claims


def validate_launch(tool_conf: DatabaseToolConf, store: Store, own_base_url: str) -> ToolMessageLaunch:
    launch = ToolMessageLaunch(FlaskRequest(), tool_conf, store, own_base_url=own_base_url)
    launch.validate()
    return launch


def launch_data(store: Store, launch_id: str) -> dict | None:
    """The validated claims of an earlier launch (deep linking finishes in a later request)."""
    return store.get(f'launch:{launch_id}')


# --------------------------------------------------------------------------- platform keys


USER_AGENT = 'microVET-modules LTI tool'


def _http() -> requests.Session:
    session = requests.Session()
    session.headers['User-Agent'] = USER_AGENT
    return session


def _guarded_http(*, allow_private: bool) -> requests.Session:
    """A session for URLs a stranger chose (dynamic registration). Unless `allow_private`, the address is checked
    as the connection is made, on the very resolution the socket then uses (requests-hardened): a host name that
    resolves to a public address for a check and to a private one a moment later (DNS rebinding) cannot reach the
    tool's own network. Redirects are never followed."""
    return requests_hardened.HTTPSession(requests_hardened.Config(
        ip_filter_enable=not allow_private, ip_filter_allow_loopback_ips=False, never_redirect=True,
        default_timeout=(HTTP_TIMEOUT, HTTP_TIMEOUT), user_agent_override=USER_AGENT))


# Keys found in a platform's JWKS, parsed, per process: (key_set_url, kid) → (monotonic expiry, key).
# Every launch needs one; the shared store keeps the JWKS itself for JWKS_TTL, so a key dropped by its
# platform is trusted here no longer than it already was there.
_platform_keys: dict[tuple[str, str], tuple[float, object]] = {}
PLATFORM_KEY_MEMO_SECONDS = 300


def platform_public_key(store: Store, key_set_url: str, kid: str):
    """The platform's RSA key for `kid`: from the cached JWKS, refetched once when the kid is unknown."""
    memo = _platform_keys.get((key_set_url, kid))
    if memo is not None and memo[0] > time.monotonic():
        return memo[1]
    cache_key = 'jwks:' + hashlib.sha256(key_set_url.encode()).hexdigest()
    cached = store.get(cache_key)
    for key_set in ([cached] if cached else []) + [None]:
        if key_set is None:
            key_set = _fetch_jwks(key_set_url)
            store.put(cache_key, key_set, JWKS_TTL)
        for jwk in key_set.get('keys', []):
            if jwk.get('kid') == kid and jwk.get('kty') == 'RSA' and jwk.get('alg', 'RS256') == 'RS256':
                try:
                    key = jwt.PyJWK(jwk, algorithm='RS256').key
                except jwt.PyJWKError as exc:
                    raise LaunchRejected('unknown_kid', f'unusable key {kid!r}') from exc
                _platform_keys[(key_set_url, kid)] = (time.monotonic() + PLATFORM_KEY_MEMO_SECONDS, key)
                return key
    raise LaunchRejected('unknown_kid', repr(kid))


def _fetch_jwks(url: str) -> dict:
    try:
        response = requests.get(url, timeout=HTTP_TIMEOUT)
        response.raise_for_status()
        key_set = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise LaunchRejected('platform_keys_unavailable', f'{url}: {exc}') from exc
    if not isinstance(key_set, dict) or not isinstance(key_set.get('keys'), list):
        raise LaunchRejected('platform_keys_unavailable', f'{url}: not a JWK Set')
    return key_set


# --------------------------------------------------------------------------- deep linking


def deep_link_response(platform: Platform, key: ToolKey, claims: Mapping, items: list[dict]) -> tuple[str, str]:
    """(signed LtiDeepLinkingResponse JWT, return URL) for `items` (dicts: title, url, custom, line_item)."""
    settings = claims['https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings']
    deep_link = DeepLink(registration_for(platform, key), claims[CLAIM + 'deployment_id'], settings)
    resources = []
    for item in items:
        resource = (DeepLinkResource().set_url(item['url']).set_title(item['title'])
                    .set_custom_params(item.get('custom', {})))
        if item.get('line_item'):
            li = item['line_item']
            resource.set_lineitem(LibLineItem().set_score_maximum(li['score_maximum']).set_label(li['label'])
                                  .set_resource_id(li['resource_id']))
        resources.append(resource)
    message = deep_link.get_message_jwt(resources)
    if settings.get('data') is None:  # echo data only when the platform sent some
        message.pop('https://purl.imsglobal.org/spec/lti-dl/claim/data', None)
    return deep_link.encode_jwt(message), settings['deep_link_return_url']


# --------------------------------------------------------------------------- services (AGS, NRPS)


class CachedServiceConnector(ServiceConnector):
    """Access tokens cached per (issuer, client_id, scopes) in the shared store; one refresh on 401."""

    def __init__(self, registration: Registration, store: Store):
        super().__init__(registration, _http())
        self._store = store

    def _scope_key(self, scopes) -> str:
        raw = '|'.join([self._registration.get_issuer(), self._registration.get_client_id(), *sorted(scopes)])
        return 'token:' + hashlib.sha256(raw.encode()).hexdigest()

    def _get_cached_access_token(self, scope_key):
        return self._store.get(scope_key)

    def _cache_access_token(self, scope_key, access_token, expires_in):
        ttl = int(expires_in or 0) - 30  # refresh a little before the platform expires it
        if ttl > 0:
            self._store.put(scope_key, access_token, ttl)

    def make_service_request(self, scopes, url, **kwargs):
        try:
            return super().make_service_request(scopes, url, **kwargs)
        except LtiServiceException as exc:
            if getattr(exc, 'response', None) is None or exc.response.status_code != 401:
                raise
            self._store.delete(self._scope_key(sorted(scopes)))
            return super().make_service_request(scopes, url, **kwargs)


def service_connector(platform: Platform, key: ToolKey, store: Store) -> CachedServiceConnector:
    return CachedServiceConnector(registration_for(platform, key), store)



# --------------------------------------------------------------------------- dynamic registration

TOOL_CONFIGURATION = 'https://purl.imsglobal.org/spec/lti-tool-configuration'
PLATFORM_CONFIGURATION = 'https://purl.imsglobal.org/spec/lti-platform-configuration'
SCOPES = ['https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
          'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly',
          'https://purl.imsglobal.org/spec/lti-ags/scope/score',
          'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly']


class ToolDynamicRegistration(DynamicRegistration):
    """LTI Dynamic Registration (1EdTech) with the URL checks the library leaves out.

    `check_url(url)` raises LaunchRejected for URLs we must not fetch or keep (non-https, private addresses);
    unless `allow_private`, the requests themselves also refuse private addresses when they connect.
    """

    client_name = 'microVET modules'
    description = 'Short hybrid VET micro-modules that end in a verifiable micro-credential (Open Badge).'

    def __init__(self, *, base_url: str, openid_configuration_url: str, registration_token: str | None,
                 check_url, allow_private: bool):
        self._base = base_url
        self._config_url = openid_configuration_url
        self._token = registration_token
        self._check_url = check_url
        self._allow_private = allow_private

    def get_request_session(self):
        return _guarded_http(allow_private=self._allow_private)

    def get_initiate_login_uri(self):
        return self._base + '/lti/login'

    def get_jwks_uri(self):
        return self._base + '/lti/jwks'

    def get_redirect_uris(self):
        return [self._base + '/lti/launch']

    def get_target_link_uri(self):
        return self._base + '/lti/launch'

    def get_domain(self):
        return urlsplit(self._base).netloc

    def get_logo_uri(self):
        return self._base + '/static/img/logo.png'

    def get_scopes(self):
        return SCOPES

    def get_claims(self):
        return ['iss', 'sub', 'name', 'given_name', 'family_name', 'email', 'picture', 'locale']

    def get_messages(self):
        return [{'type': 'LtiDeepLinkingRequest', 'target_link_uri': self.get_target_link_uri(),
                 'label': 'microVET modules'}]

    def get_openid_configuration_endpoint(self):
        return self._config_url

    def get_registration_token(self):
        return self._token

    def get_openid_configuration(self):
        self._check_url(self._config_url)
        try:
            with self.get_request_session() as session:
                response = session.get(self._config_url)
            response.raise_for_status()
            configuration = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise LaunchRejected('registration_config_unavailable', str(exc)) from exc
        issuer = configuration.get('issuer') if isinstance(configuration, dict) else None
        if not isinstance(issuer, str) or not self._config_url.startswith(issuer):
            raise LaunchRejected('registration_config_invalid', 'the URL must start with the advertised issuer')
        for name in ('registration_endpoint', 'authorization_endpoint', 'token_endpoint', 'jwks_uri'):
            if not isinstance(configuration.get(name), str):
                raise LaunchRejected('registration_config_invalid', f'{name} missing')
            self._check_url(configuration[name])
        if PLATFORM_CONFIGURATION not in configuration:
            raise LaunchRejected('registration_config_invalid', 'not an LTI platform configuration')
        return configuration

    def complete_registration(self, openid_configuration, openid_registration):
        if not isinstance(openid_registration.get('client_id'), str):
            raise LaunchRejected('registration_failed', 'the platform answered without a client_id')
        return openid_configuration, openid_registration

    def run(self) -> tuple[dict, dict]:
        """(platform configuration, registration answer); raises LaunchRejected on any failure."""
        try:
            return self.register()
        except (LtiException, AssertionError, requests.RequestException) as exc:
            raise LaunchRejected('registration_failed', str(exc)) from exc


# --------------------------------------------------------------------------- Assignment and Grade Services

class ServiceFailed(Exception):
    """A platform service call failed; `status` is the HTTP status (None: no answer at all)."""

    def __init__(self, status: int | None, detail: str):
        super().__init__(f'{status}: {detail}')
        self.status = status
        self.detail = detail

    @property
    def is_transient(self) -> bool:
        """Worth retrying later: no answer, rate limiting, or a server error."""
        return self.status is None or self.status == 429 or self.status >= 500


def _service_call(func, *args, **kwargs):
    try:
        return func(*args, **kwargs)
    except LtiServiceException as exc:
        response = exc.response
        raise ServiceFailed(response.status_code, (response.text or '')[:500]) from exc
    except requests.RequestException as exc:
        raise ServiceFailed(None, str(exc)) from exc
    except LtiException as exc:
        raise ServiceFailed(None, str(exc)) from exc


def ags_line_item_url(connector: ServiceConnector, ags: dict, *, resource_link_id: str, label: str,
                      score_maximum: float, resource_id: str) -> str:
    """The line item for a resource link: the one the launch named, else found or created by resourceLinkId."""
    if ags.get('lineitem'):
        return ags['lineitem']
    service = AssignmentsGradesService(connector, ags)
    wanted = (LibLineItem().set_resource_link_id(resource_link_id).set_label(label)
              .set_score_maximum(score_maximum).set_resource_id(resource_id))
    item = _service_call(service.find_or_create_lineitem, wanted, find_by='resource_link_id')
    return item.get_id()


def ags_post_score(connector: ServiceConnector, ags: dict, line_item_url: str, score: dict) -> None:
    """POST one score (application/vnd.ims.lis.v1.score+json) to the line item's /scores endpoint."""
    grade = (Grade().set_user_id(score['user_id']).set_timestamp(score['timestamp'])
             .set_activity_progress(score['activity_progress']).set_grading_progress(score['grading_progress']))
    if score.get('score_given') is not None:
        grade.set_score_given(score['score_given']).set_score_maximum(score['score_maximum'])
    if score.get('comment'):
        grade.set_comment(score['comment'])
    service = AssignmentsGradesService(connector, ags)
    _service_call(service.put_grade, grade, LibLineItem({'id': line_item_url}))


# --------------------------------------------------------------------------- Names and Role Provisioning

def nrps_members(connector: ServiceConnector, memberships_url: str) -> list[dict]:
    """Every member of the context, following Link rel="next" paging."""
    service = NamesRolesProvisioningService(connector, {'context_memberships_url': memberships_url,
                                                        'service_versions': ['2.0']})
    return _service_call(service.get_members)
