"""A strict LTI 1.3 test platform (a Moodle stand-in) for the end-to-end tests of the tool.

``StrictPlatform`` serves real HTTP on 127.0.0.1 and plays the LMS side of

* OIDC third-party-initiated login and the authorization endpoint, enforcing Moodle's rules,
* resource link and deep linking launches (RS256 id_token, ``kid`` published in the JWKS),
* the OAuth2 client-credentials token endpoint (``private_key_jwt`` client assertions),
* AGS 2.0 line items / scores / results and NRPS 2.0 memberships, strict on media types and paging,
* the deep linking return endpoint and LTI Dynamic Registration.

``lti1p3platform`` builds the launch messages, the login initiation URL and holds the platform key and
JWKS; what it does leniently or off-spec (token endpoint, service endpoints, deep linking validation,
deep linking ``data`` as an object) is implemented here instead.  URLs mimic Moodle's (``/mod/lti/...``;
line item URLs carry ``?type_id=N`` so a tool that appends ``/scores`` to the raw URL breaks, as on Moodle).

Typical use::

    with StrictPlatform(tool_login_url=..., tool_launch_url=..., tool_jwks_url=...) as platform, \\
            browser_session() as browser:
        response = platform.launch(browser, User.learner('s1'))
"""

from __future__ import annotations

import base64
import contextlib
import copy
import hashlib
import hmac
import html
import json
import math
import re
import secrets
import threading
import time
import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from http import cookiejar
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import jwt
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from lti1p3platform.deep_linking import LtiDeepLinking
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration as LibRegistration
from lti1p3platform.request import Request as LibRequest
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

# --------------------------------------------------------------------------------------------- constants

LTI_CLAIM = 'https://purl.imsglobal.org/spec/lti/claim/'
CLAIM_MESSAGE_TYPE = LTI_CLAIM + 'message_type'
CLAIM_VERSION = LTI_CLAIM + 'version'
CLAIM_DEPLOYMENT_ID = LTI_CLAIM + 'deployment_id'
CLAIM_TARGET_LINK_URI = LTI_CLAIM + 'target_link_uri'
CLAIM_RESOURCE_LINK = LTI_CLAIM + 'resource_link'
CLAIM_ROLES = LTI_CLAIM + 'roles'
CLAIM_CONTEXT = LTI_CLAIM + 'context'
CLAIM_TOOL_PLATFORM = LTI_CLAIM + 'tool_platform'
CLAIM_LAUNCH_PRESENTATION = LTI_CLAIM + 'launch_presentation'
CLAIM_CUSTOM = LTI_CLAIM + 'custom'
CLAIM_LIS = LTI_CLAIM + 'lis'
CLAIM_EXT = LTI_CLAIM + 'ext'
CLAIM_AGS = 'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint'
CLAIM_NRPS = 'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice'
DL_CLAIM = 'https://purl.imsglobal.org/spec/lti-dl/claim/'
CLAIM_DL_SETTINGS = DL_CLAIM + 'deep_linking_settings'
CLAIM_DL_CONTENT_ITEMS = DL_CLAIM + 'content_items'
CLAIM_DL_DATA = DL_CLAIM + 'data'
CLAIM_DL_MSG = DL_CLAIM + 'msg'
CLAIM_DL_LOG = DL_CLAIM + 'log'
CLAIM_DL_ERRORMSG = DL_CLAIM + 'errormsg'
CLAIM_DL_ERRORLOG = DL_CLAIM + 'errorlog'
TOOL_CONFIGURATION = 'https://purl.imsglobal.org/spec/lti-tool-configuration'
PLATFORM_CONFIGURATION = 'https://purl.imsglobal.org/spec/lti-platform-configuration'

SCOPE_LINEITEM = 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem'
SCOPE_LINEITEM_READONLY = 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly'
SCOPE_RESULT_READONLY = 'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly'
SCOPE_SCORE = 'https://purl.imsglobal.org/spec/lti-ags/scope/score'
SCOPE_NRPS = 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly'
AGS_SCOPES = (SCOPE_LINEITEM, SCOPE_LINEITEM_READONLY, SCOPE_RESULT_READONLY, SCOPE_SCORE)
SERVICE_SCOPES = (*AGS_SCOPES, SCOPE_NRPS)

MEDIA_LINEITEM = 'application/vnd.ims.lis.v2.lineitem+json'
MEDIA_LINEITEM_CONTAINER = 'application/vnd.ims.lis.v2.lineitemcontainer+json'
MEDIA_SCORE = 'application/vnd.ims.lis.v1.score+json'
MEDIA_RESULT_CONTAINER = 'application/vnd.ims.lis.v2.resultcontainer+json'
MEDIA_MEMBERSHIP_CONTAINER = 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json'

_LIS = 'http://purl.imsglobal.org/vocab/lis/v2/'
ROLE_LEARNER = _LIS + 'membership#Learner'
ROLE_INSTRUCTOR = _LIS + 'membership#Instructor'
ROLE_TEACHING_ASSISTANT = _LIS + 'membership/Instructor#TeachingAssistant'
ROLE_CONTENT_DEVELOPER = _LIS + 'membership#ContentDeveloper'
ROLE_MENTOR = _LIS + 'membership#Mentor'
ROLE_ADMINISTRATOR = _LIS + 'membership#Administrator'
ROLE_SYSTEM_ADMINISTRATOR = _LIS + 'system/person#Administrator'
ROLE_INSTITUTION_ADMINISTRATOR = _LIS + 'institution/person#Administrator'
ROLE_INSTITUTION_STUDENT = _LIS + 'institution/person#Student'
ROLE_INSTITUTION_INSTRUCTOR = _LIS + 'institution/person#Instructor'
CONTEXT_TYPE_COURSE_OFFERING = _LIS + 'course#CourseOffering'

MESSAGE_RESOURCE_LINK = 'LtiResourceLinkRequest'
MESSAGE_DEEP_LINKING = 'LtiDeepLinkingRequest'
MESSAGE_DEEP_LINKING_RESPONSE = 'LtiDeepLinkingResponse'
LTI_VERSION = '1.3.0'
CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
ACTIVITY_PROGRESS = frozenset({'Initialized', 'Started', 'InProgress', 'Submitted', 'Completed'})
GRADING_PROGRESS = frozenset({'FullyGraded', 'Pending', 'PendingManual', 'Failed', 'NotReady'})
DL_CONTENT_TYPES = frozenset({'ltiResourceLink', 'link', 'html', 'image', 'file'})
PLATFORM_SESSION_COOKIE = 'StrictPlatformSession'
LOOPBACK_HOSTS = frozenset({'127.0.0.1', 'localhost', '::1'})

_ISO8601 = re.compile(r'^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$')
_JSON = {'separators': (',', ':'), 'sort_keys': False}


# ------------------------------------------------------------------------------------------ data types


class PlatformError(Exception):
    """A request the platform refuses; becomes an HTTP error answer (and is raised by ``authorize``)."""

    def __init__(
        self,
        reason: str,
        status: int = 400,
        error: str = 'invalid_request',
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f'{status} {error}: {reason}')
        self.reason = reason
        self.status = status
        self.error = error
        self.headers = dict(headers or {})


class LaunchError(AssertionError):
    """The browser flow driven by ``StrictPlatform`` could not proceed; ``response`` is the last answer."""

    def __init__(self, message: str, response: requests.Response | None = None) -> None:
        super().__init__(message)
        self.response = response


@dataclass
class User:
    sub: str
    name: str = ''
    given_name: str = ''
    family_name: str = ''
    email: str = ''
    roles: list[str] = field(default_factory=lambda: [ROLE_LEARNER])

    def __post_init__(self) -> None:
        if not self.name:
            self.name = ' '.join(part for part in (self.given_name, self.family_name) if part)

    @classmethod
    def learner(cls, sub: str, **kwargs: Any) -> User:
        defaults = {'given_name': 'Learner', 'family_name': sub, 'email': f'{sub}@learners.example.test'}
        return cls(sub=sub, **{**defaults, **kwargs})

    @classmethod
    def instructor(cls, sub: str, **kwargs: Any) -> User:
        defaults = {
            'given_name': 'Teacher',
            'family_name': sub,
            'email': f'{sub}@staff.example.test',
            'roles': [ROLE_INSTRUCTOR],
        }
        return cls(sub=sub, **{**defaults, **kwargs})


@dataclass
class Member:
    user: User
    roles: list[str]
    status: str = 'Active'

    @property
    def is_active_learner(self) -> bool:
        return self.status == 'Active' and any(_is_learner_role(role) for role in self.roles)


@dataclass
class Context:
    id: str
    key: int
    label: str = ''
    title: str = ''
    type: list[str] = field(default_factory=lambda: [CONTEXT_TYPE_COURSE_OFFERING])
    members: dict[str, Member] = field(default_factory=dict)


@dataclass
class ResourceLink:
    id: str
    context_id: str
    title: str = ''
    description: str = ''
    url: str | None = None
    custom: dict[str, str] = field(default_factory=dict)


@dataclass
class ToolClient:
    """One registration of the tool at the platform (Moodle: a 'tool type', whose id is ``type_id``)."""

    client_id: str
    deployment_id: str
    type_id: int
    login_url: str | None
    launch_url: str | None
    jwks_url: str | None
    deep_link_url: str | None
    redirect_uris: list[str]
    scopes: list[str]
    name: str = ''
    custom: dict[str, str] = field(default_factory=dict)
    registration: dict[str, Any] | None = None


@dataclass
class LineItem:
    key: int
    id: str
    context_id: str
    type_id: int
    label: str
    score_maximum: float
    resource_link_id: str | None = None
    resource_id: str | None = None
    tag: str | None = None
    start_date_time: str | None = None
    end_date_time: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {'id': self.id, 'scoreMaximum': self.score_maximum, 'label': self.label}
        optional = {
            'resourceLinkId': self.resource_link_id,
            'resourceId': self.resource_id,
            'tag': self.tag,
            'startDateTime': self.start_date_time,
            'endDateTime': self.end_date_time,
        }
        data.update({name: value for name, value in optional.items() if value is not None})
        return data


@dataclass
class PendingLaunch:
    """A launch the platform started (Moodle keeps this in the user's session, keyed by the hint)."""

    launch_id: str
    lti_message_hint: str
    user: User
    client_id: str
    message_type: str
    roles: list[str]
    context_id: str
    resource_link_id: str | None
    custom: dict[str, Any]
    target_link_uri: str
    locale: str
    deep_linking_settings: dict[str, Any] | None
    ags: bool
    nrps: bool
    extra_claims: dict[str, Any]
    login_method: str
    document_target: str
    storage_target: str | None = None  # offered as lti_storage_target (LTI client-side postMessages)
    used: bool = False


@dataclass
class AuthRecord:
    params: dict[str, str]
    ok: bool
    reason: str = ''


@dataclass
class TokenRecord:
    form: dict[str, str]
    status: int = 0
    reason: str = ''
    client_id: str | None = None
    scope: str = ''
    access_token: str | None = None


@dataclass
class ScoreRecord:
    line_item_id: str | None
    user_id: Any
    body: Any
    access_token: str | None
    status: int = 0
    reason: str = ''
    accepted: bool = False
    received_at: float = field(default_factory=time.time)


@dataclass
class GradeWipe:
    line_item_id: str
    user_id: str
    previous: dict[str, Any]
    score: dict[str, Any]


@dataclass
class DeepLinkRecord:
    status: int = 0
    reason: str = ''
    claims: dict[str, Any] | None = None
    content_items: list[dict[str, Any]] = field(default_factory=list)
    resource_link_ids: list[str] = field(default_factory=list)
    line_item_ids: list[str] = field(default_factory=list)


@dataclass
class RegistrationRecord:
    body: Any
    status: int = 0
    reason: str = ''
    client_id: str | None = None
    response: dict[str, Any] | None = None


# ------------------------------------------------------------------------------------ module helpers


def generate_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_key_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def public_key_pem(key: rsa.RSAPrivateKey | rsa.RSAPublicKey) -> str:
    public = key.public_key() if isinstance(key, rsa.RSAPrivateKey) else key
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def public_jwk(key: rsa.RSAPrivateKey | rsa.RSAPublicKey, kid: str) -> dict[str, Any]:
    """The public JWK (RS256, use sig) of an RSA key, e.g. to serve a fake tool's JWKS."""
    public = key.public_key() if isinstance(key, rsa.RSAPrivateKey) else key
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(public, as_dict=True)
    return {**jwk, 'kid': kid, 'alg': 'RS256', 'use': 'sig'}


class LoopbackSecureCookiePolicy(cookiejar.DefaultCookiePolicy):
    """Sends ``Secure`` cookies to http://127.0.0.1 / localhost, as browsers treat loopback as secure."""

    def return_ok_secure(self, cookie: cookiejar.Cookie, request: Any) -> bool:
        if cookie.secure and urlsplit(request.get_full_url()).hostname in LOOPBACK_HOSTS:
            return True
        return super().return_ok_secure(cookie, request)


class BrowserSession(requests.Session):
    """A ``requests.Session`` acting as a browser: loopback counts as a secure context, no proxies."""

    def __init__(self) -> None:
        super().__init__()
        self.trust_env = False
        self.cookie_policy = LoopbackSecureCookiePolicy()
        self.cookies.set_policy(self.cookie_policy)

    def prepare_request(self, request: requests.Request) -> requests.PreparedRequest:
        prepared = super().prepare_request(request)
        # requests copies the cookies into a fresh jar with the default policy: redo it with ours.
        jar = requests.cookies.RequestsCookieJar(self.cookie_policy)
        jar.update(self.cookies)
        if request.cookies:
            requests.cookies.merge_cookies(jar, request.cookies)
        prepared.headers.pop('Cookie', None)
        prepared.prepare_cookies(jar)
        return prepared


def browser_session() -> BrowserSession:
    """A fresh browser stand-in for ``launch`` & co. (use it as a context manager)."""
    return BrowserSession()


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or '' for name, value in attrs}
        if tag == 'form':
            self.forms.append(
                {
                    'action': attributes.get('action', ''),
                    'method': (attributes.get('method') or 'get').upper(),
                    'fields': {},
                }
            )
        elif not self.forms or not attributes.get('name'):
            return
        elif tag == 'input':
            kind = attributes.get('type', 'text').lower()
            if kind in {'submit', 'button', 'reset', 'image', 'file'}:
                return
            if kind in {'checkbox', 'radio'} and 'checked' not in attributes:
                return
            self.forms[-1]['fields'][attributes['name']] = attributes.get('value', '')
        elif tag == 'textarea':
            self._textarea = attributes['name']
            self.forms[-1]['fields'][self._textarea] = ''

    def handle_endtag(self, tag: str) -> None:
        if tag == 'textarea':
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1]['fields'][self._textarea] += data


def parse_auto_submit_form(page: str, base_url: str | None = None) -> dict[str, Any]:
    """The first form of an HTML page: ``{'action', 'method', 'fields'}``; raises LaunchError if none."""
    parser = _FormParser()
    parser.feed(page)
    parser.close()
    if not parser.forms:
        raise LaunchError(f'expected an auto-submitting form, got: {page[:500]!r}')
    form = parser.forms[0]
    if base_url:
        form['action'] = urljoin(base_url, form['action'])
    return form


def _auto_submit_page(action: str, fields: Mapping[str, str], title: str) -> str:
    inputs = ''.join(
        f'<input type="hidden" name="{html.escape(name)}" value="{html.escape(str(value))}">'
        for name, value in fields.items()
    )
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f'<title>{html.escape(title)}</title></head>'
        '<body onload="document.forms[0].submit()">'
        f'<form method="post" action="{html.escape(action)}" enctype="application/x-www-form-urlencoded">'
        f'{inputs}<noscript><button type="submit">Continue</button></noscript></form></body></html>'
    )


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode()


def _b64url_decode(data: str) -> bytes:
    return base64.urlsafe_b64decode(data + '=' * (-len(data) % 4))


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, **_JSON).encode()


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in {'http', 'https'} and bool(parts.netloc)


def _is_learner_role(role: str) -> bool:
    return role == ROLE_LEARNER or role.startswith(_LIS + 'membership/Learner#')


def parse_iso8601(value: Any) -> datetime:
    """Strict ISO 8601 date-time with a timezone (``Z`` or ``+hh:mm``); raises ValueError otherwise."""
    if not isinstance(value, str) or not _ISO8601.match(value):
        raise ValueError(f'not an ISO 8601 date-time with timezone: {value!r}')
    normalised = re.sub(r'\.(\d{6})\d+', r'.\1', value).replace('Z', '+00:00')
    return datetime.fromisoformat(normalised)


def _domain_matches(url: str, domain: str) -> bool:
    parts = urlsplit(url)
    host = parts.hostname or ''
    return domain in {host, parts.netloc} or host.endswith('.' + domain)


# ------------------------------------------------------------------------ lti1p3platform adapters


class _LibRequest(LibRequest):
    def build_metadata(self, request: Any) -> Any:
        return {
            'method': 'POST',
            'form_data': dict(request),
            'get_data': {},
            'headers': {},
            'content_type': 'application/x-www-form-urlencoded',
            'path': '/',
            'json': None,
        }


class _LibPlatformConfig(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs: Any) -> None:
        self._registration = kwargs['registration']

    def get_registration_by_params(self, **kwargs: Any) -> LibRegistration:
        return self._registration


class _LibMessageLaunch(LTIAdvantageMessageLaunchAbstract):
    """Builds the launch message with lti1p3platform; signing is left to StrictPlatform."""

    def render_launch_form(self, launch_data: dict[str, Any], **kwargs: Any) -> Any:
        return launch_data

    def generate_launch_request(self) -> Any:
        message, state = self.get_launch_data()
        return {'state': state, 'message': message}


class _LibOIDCLogin(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs: Any) -> None:
        self._lti_message_hint = kwargs['hint']

    def get_redirect(self, url: str) -> str:
        return url


class _QuietRequestHandler(WSGIRequestHandler):
    def log(self, *args: Any, **kwargs: Any) -> None:
        pass


# --------------------------------------------------------------------------------------- the platform


class StrictPlatform:
    """A strict, Moodle-flavoured LTI 1.3 platform serving HTTP on 127.0.0.1 (see module docstring)."""

    def __init__(
        self,
        *,
        client_id: str = 'microvet-client',
        deployment_id: str = '1',
        tool_login_url: str | None = None,
        tool_launch_url: str | None = None,
        tool_jwks_url: str | None = None,
        tool_deep_link_url: str | None = None,
        tool_redirect_uris: Iterable[str] = (),
        context: Mapping[str, Any] | None = None,
        token_ttl: int = 3600,
        id_token_ttl: int = 300,
        private_key: rsa.RSAPrivateKey | None = None,
        host: str = '127.0.0.1',
        port: int = 0,
        platform_name: str = 'Strict Moodle (test platform)',
        version: str = '4.5.1 (Build: 20250113)',
        auto_enrol: bool = True,
        require_platform_session: bool = True,
        http_timeout: float = 5.0,
    ) -> None:
        self.client_id = client_id
        self.deployment_id = deployment_id
        self.tool_login_url = tool_login_url
        self.tool_launch_url = tool_launch_url
        self.tool_jwks_url = tool_jwks_url
        self.tool_deep_link_url = tool_deep_link_url
        self.tool_redirect_uris = list(tool_redirect_uris)
        self.tool_custom: dict[str, str] = {}
        self.token_ttl = token_ttl
        self.id_token_ttl = id_token_ttl
        self.host = host
        self.port = port
        self.platform_name = platform_name
        self.version = version
        self.auto_enrol = auto_enrol
        self.require_platform_session = require_platform_session
        self.http_timeout = http_timeout
        self.browser_timeout = 30.0
        self.ags_scopes: list[str] = list(AGS_SCOPES)
        self.default_resource_link_id = 'rl-1'

        self.private_key = private_key or generate_rsa_key()
        self.private_key_pem = private_key_pem(self.private_key)
        self.public_key_pem = public_key_pem(self.private_key)
        base = LibRegistration().set_platform_private_key(self.private_key_pem)
        base.set_platform_public_key(self.public_key_pem)
        self._lib_base_registration = base
        # The RFC 7638 thumbprint, as lti1p3platform's Registration.get_kid() computes it, but from the
        # public key (loading the private PEM costs ~40 ms of RSA checks).
        self.kid: str = LibRegistration.get_jwk(self.public_key_pem)['kid']

        self._lock = threading.RLock()
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._clients: dict[str, ToolClient] = {}
        self._contexts: dict[str, Context] = {}
        self._resource_links: dict[str, ResourceLink] = {}
        self._line_items: dict[int, LineItem] = {}
        self._gradebook: dict[tuple[int, str], dict[str, Any]] = {}
        self._last_score_second: dict[tuple[int, str], int] = {}
        self._pending: dict[str, PendingLaunch] = {}
        self._launch_pages: dict[str, str] = {}
        self._browser_sessions: dict[str, str] = {}
        self._tokens: dict[str, dict[str, Any]] = {}
        self._seen_jtis: set[tuple[str, str]] = set()
        self._dl_requests: dict[tuple[str, str | None], dict[str, Any]] = {}
        self._dl_nonces: set[tuple[str, str]] = set()
        self._registration_tokens: dict[str, dict[str, Any]] = {}
        self._score_failures: list[tuple[int, int | None]] = []

        # Everything received, for assertions.
        self.auth_log: list[AuthRecord] = []
        self.token_log: list[TokenRecord] = []
        self.score_log: list[ScoreRecord] = []
        self.grade_wipes: list[GradeWipe] = []
        self.deep_link_log: list[DeepLinkRecord] = []
        self.registration_log: list[RegistrationRecord] = []
        self.issued_id_tokens: list[dict[str, Any]] = []
        self.returns: list[dict[str, str]] = []
        self.request_log: list[tuple[str, str, int]] = []
        self.errors: list[str] = []
        self.jwks_fetches = 0

        default_context = {'id': '2', 'label': 'VET101', 'title': 'VET 101: Workplace safety micro-modules'}
        default_context.update(context or {})
        self.default_context_id = str(default_context['id'])
        self.add_context(
            self.default_context_id,
            label=default_context.get('label'),
            title=default_context.get('title'),
            type=default_context.get('type'),
        )

        self._url_map = Map(
            [
                Rule('/mod/lti/certs.php', endpoint='jwks', methods=['GET']),
                Rule('/mod/lti/openid-configuration.php', endpoint='openid_configuration', methods=['GET']),
                Rule('/mod/lti/openid-registration.php', endpoint='register', methods=['POST']),
                Rule('/mod/lti/auth.php', endpoint='auth', methods=['GET', 'POST']),
                Rule('/mod/lti/token.php', endpoint='token', methods=['POST']),
                Rule('/mod/lti/launch.php', endpoint='launch_page', methods=['GET']),
                Rule('/mod/lti/view.php', endpoint='course_page', methods=['GET']),
                Rule('/mod/lti/contentitem_return.php', endpoint='deep_link_return', methods=['POST']),
                Rule('/mod/lti/return.php', endpoint='return', methods=['GET']),
                Rule(
                    '/mod/lti/services.php/<int:ctx>/lineitems', endpoint='lineitems', methods=['GET', 'POST']
                ),
                Rule(
                    '/mod/lti/services.php/<int:ctx>/lineitems/<int:item>/lineitem',
                    endpoint='lineitem',
                    methods=['GET', 'PUT', 'DELETE'],
                ),
                Rule(
                    '/mod/lti/services.php/<int:ctx>/lineitems/<int:item>/lineitem/scores',
                    endpoint='scores',
                    methods=['POST'],
                ),
                Rule(
                    '/mod/lti/services.php/<int:ctx>/lineitems/<int:item>/lineitem/results',
                    endpoint='results',
                    methods=['GET'],
                ),
                Rule(
                    '/mod/lti/services.php/CourseSection/<int:ctx>/bindings/<int:type_id>/memberships',
                    endpoint='memberships',
                    methods=['GET'],
                ),
            ]
        )

    # ------------------------------------------------------------------------------------ lifecycle

    def start(self) -> StrictPlatform:
        if self._server is None:
            server = make_server(
                self.host, self.port, self._wsgi_app, threaded=True, request_handler=_QuietRequestHandler
            )
            self.port = server.server_address[1]
            self._server = server
            self._thread = threading.Thread(
                target=server.serve_forever,
                kwargs={'poll_interval': 0.02},
                name=f'strict-lti-platform-{self.port}',
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join(timeout=5)
            self._server = None
            self._thread = None

    def __enter__(self) -> StrictPlatform:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # ------------------------------------------------------------------------------------------ URLs

    @property
    def issuer(self) -> str:
        if self._server is None and not self.port:
            raise RuntimeError('StrictPlatform is not started: call start() (or use it as a context manager)')
        return f'http://{self.host}:{self.port}'

    @property
    def jwks_url(self) -> str:
        return self.issuer + '/mod/lti/certs.php'

    @property
    def auth_url(self) -> str:
        return self.issuer + '/mod/lti/auth.php'

    @property
    def token_url(self) -> str:
        return self.issuer + '/mod/lti/token.php'

    @property
    def openid_configuration_url(self) -> str:
        return self.issuer + '/mod/lti/openid-configuration.php'

    @property
    def registration_endpoint(self) -> str:
        return self.issuer + '/mod/lti/openid-registration.php'

    @property
    def deep_link_return_url(self) -> str:
        return self.issuer + '/mod/lti/contentitem_return.php'

    @property
    def return_url(self) -> str:
        return self.issuer + '/mod/lti/return.php'

    def lineitems_url(self, context_id: str | None = None, client_id: str | None = None) -> str:
        ctx = self._context(context_id)
        return (
            f'{self.issuer}/mod/lti/services.php/{ctx.key}/lineitems?type_id={self.client(client_id).type_id}'
        )

    def memberships_url(self, context_id: str | None = None, client_id: str | None = None) -> str:
        ctx = self._context(context_id)
        type_id = self.client(client_id).type_id
        return f'{self.issuer}/mod/lti/services.php/CourseSection/{ctx.key}/bindings/{type_id}/memberships'

    def _line_item_url(self, ctx: Context, key: int, type_id: int) -> str:
        return f'{self.issuer}/mod/lti/services.php/{ctx.key}/lineitems/{key}/lineitem?type_id={type_id}'

    # ------------------------------------------------------------------------- keys and signing

    def jwks(self) -> dict[str, Any]:
        return dict(_LibPlatformConfig(registration=self._lib_base_registration).get_jwks())

    def _lib_registration(self, client: ToolClient) -> LibRegistration:
        registration = LibRegistration().set_iss(self.issuer).set_client_id(client.client_id)
        registration.set_deployment_id(client.deployment_id)
        registration.set_platform_private_key(self.private_key_pem)
        registration.set_platform_public_key(self.public_key_pem)
        if client.launch_url:
            registration.set_launch_url(client.launch_url)
        if client.login_url:
            registration.set_oidc_login_url(client.login_url)
        if client.jwks_url:
            registration.set_tool_key_set_url(client.jwks_url)
        return registration

    def _sign(self, claims: Mapping[str, Any]) -> str:
        # lti1p3platform signs (RS256 + kid); the key object avoids re-parsing the PEM on every launch.
        return LibRegistration.encode_and_sign(dict(claims), self.private_key, headers={'kid': self.kid})

    def _encode_jws(self, payload: Mapping[str, Any], header: Mapping[str, Any], alg: str, key: Any) -> str:
        signing_input = f'{_b64url(_json_bytes(dict(header)))}.{_b64url(_json_bytes(dict(payload)))}'
        if alg.lower() == 'none':
            signature = b''
        elif alg.upper().startswith('HS'):
            secret = self.public_key_pem if key is None else key
            secret_bytes = secret.encode() if isinstance(secret, str) else bytes(secret)
            digest = {'HS256': hashlib.sha256, 'HS384': hashlib.sha384, 'HS512': hashlib.sha512}[alg.upper()]
            signature = hmac.new(secret_bytes, signing_input.encode(), digest).digest()
        else:
            algorithm = jwt.get_algorithm_by_name(alg)
            signing_key = algorithm.prepare_key(self.private_key if key is None else key)
            signature = algorithm.sign(signing_input.encode(), signing_key)
        return f'{signing_input}.{_b64url(signature)}'

    def make_id_token(
        self,
        claims_overrides: Mapping[str, Any] | None = None,
        headers_overrides: Mapping[str, Any] | None = None,
        key: Any = None,
        alg: str = 'RS256',
        drop: Iterable[str] = (),
        *,
        login: Mapping[str, Any] | None = None,
        user: User | None = None,
        nonce: str | None = None,
        **launch_options: Any,
    ) -> str:
        """A signed id_token with all the claims a real launch would carry, for attack tests.

        ``login``: the dict returned by ``begin_login`` (its launch and nonce are used); otherwise a launch
        for ``user`` (default: a learner) built from ``launch_options`` (same keywords as ``launch``).
        ``key``: sign with another key (RSA private key object/PEM; for HS* a secret — default the platform's
        public key PEM, i.e. the key-confusion attack); ``alg='none'`` gives an unsigned token.  The header
        keeps the platform ``kid`` unless ``headers_overrides`` changes it (a value of None removes a header).
        ``claims_overrides`` replaces top-level claims; ``drop`` removes claims (after overriding).
        """
        if login is not None:
            spec = login['launch']
            nonce = nonce or login.get('nonce')
        else:
            spec = self._prepare_launch(user or User.learner('student-1'), register=False, **launch_options)
        claims = self._claims_for(spec, nonce or secrets.token_urlsafe(16))
        claims.update(copy.deepcopy(dict(claims_overrides or {})))
        for name in drop:
            claims.pop(name, None)
        header: dict[str, Any] = {'alg': alg, 'typ': 'JWT', 'kid': self.kid}
        header.update(headers_overrides or {})
        header = {name: value for name, value in header.items() if value is not None}
        return self._encode_jws(claims, header, alg, key)

    @staticmethod
    def tamper_token(
        token: str,
        claims_overrides: Mapping[str, Any] | None = None,
        drop: Iterable[str] = (),
        headers_overrides: Mapping[str, Any] | None = None,
    ) -> str:
        """Change a signed JWT's header/payload but keep the original signature (which no longer matches)."""
        header_b64, payload_b64, signature = token.split('.')
        header = json.loads(_b64url_decode(header_b64))
        payload = json.loads(_b64url_decode(payload_b64))
        payload.update(claims_overrides or {})
        for name in drop:
            payload.pop(name, None)
        header.update(headers_overrides or {})
        return f'{_b64url(_json_bytes(header))}.{_b64url(_json_bytes(payload))}.{signature}'

    # -------------------------------------------------------------------------- configuration

    def client(self, client_id: str | None = None) -> ToolClient:
        """The tool registration ``client_id`` (default: the constructor-configured one)."""
        found = self._find_client(client_id)
        if found is None:
            raise KeyError(f'unknown client_id {client_id!r}')
        return found

    @property
    def clients(self) -> dict[str, ToolClient]:
        """Every client: the configured one and those created by dynamic registration."""
        with self._lock:
            return {self.client_id: self.client(), **self._clients}

    def _find_client(self, client_id: str | None) -> ToolClient | None:
        if client_id is None or client_id == self.client_id:
            redirect_uris = [self.tool_launch_url, self.tool_deep_link_url, *self.tool_redirect_uris]
            return ToolClient(
                client_id=self.client_id,
                deployment_id=self.deployment_id,
                type_id=1,
                login_url=self.tool_login_url,
                launch_url=self.tool_launch_url,
                jwks_url=self.tool_jwks_url,
                deep_link_url=self.tool_deep_link_url,
                redirect_uris=list(dict.fromkeys(uri for uri in redirect_uris if uri)),
                scopes=list(SERVICE_SCOPES),
                name='microVET modules',
                custom=dict(self.tool_custom),
            )
        return self._clients.get(client_id)

    def add_context(
        self,
        context_id: str,
        *,
        label: str | None = None,
        title: str | None = None,
        type: list[str] | None = None,
    ) -> Context:
        with self._lock:
            ctx = self._contexts.get(context_id)
            if ctx is None:
                ctx = Context(
                    id=context_id,
                    key=len(self._contexts) + 2,
                    label=label or context_id,
                    title=title or f'Course {context_id}',
                )
                self._contexts[context_id] = ctx
            else:
                ctx.label = label or ctx.label
                ctx.title = title or ctx.title
            if type is not None:
                ctx.type = list(type)
            return ctx

    def _context(self, context_id: str | None) -> Context:
        ctx = self._contexts.get(self.default_context_id if context_id is None else str(context_id))
        if ctx is None:
            raise KeyError(f'unknown context {context_id!r}')
        return ctx

    def _ensure_context(self, context: Mapping[str, Any] | None) -> Context:
        if not context:
            return self._context(None)
        return self.add_context(
            str(context.get('id', self.default_context_id)),
            label=context.get('label'),
            title=context.get('title'),
            type=context.get('type'),
        )

    def add_member(
        self,
        user: User,
        roles: Iterable[str] | None = None,
        *,
        context_id: str | None = None,
        status: str = 'Active',
    ) -> Member:
        """Enrol ``user`` in a context (default context) with ``roles`` (default: ``user.roles``)."""
        with self._lock:
            ctx = self._context(context_id) if context_id is None else self.add_context(str(context_id))
            member = Member(user=user, roles=list(user.roles if roles is None else roles), status=status)
            ctx.members[user.sub] = member
            return member

    def remove_member(self, sub: str, *, context_id: str | None = None) -> None:
        with self._lock:
            self._context(context_id).members.pop(sub, None)

    def members(self, context_id: str | None = None) -> dict[str, Member]:
        return dict(self._context(context_id).members)

    def add_resource_link(
        self,
        resource_link_id: str,
        *,
        title: str | None = None,
        description: str = '',
        context_id: str | None = None,
        url: str | None = None,
        custom: Mapping[str, str] | None = None,
    ) -> ResourceLink:
        with self._lock:
            ctx = self._context(context_id)
            link = ResourceLink(
                id=resource_link_id,
                context_id=ctx.id,
                title=title or f'Activity {resource_link_id}',
                description=description,
                url=url,
                custom=dict(custom or {}),
            )
            self._resource_links[resource_link_id] = link
            return link

    @property
    def resource_links(self) -> dict[str, ResourceLink]:
        return dict(self._resource_links)

    def create_line_item(
        self,
        label: str,
        score_maximum: float,
        *,
        resource_link_id: str | None = None,
        resource_id: str | None = None,
        tag: str | None = None,
        context_id: str | None = None,
        client_id: str | None = None,
    ) -> LineItem:
        """Pre-provision a line item (as a teacher would in the gradebook)."""
        with self._lock:
            ctx = self._context(context_id)
            if resource_link_id is not None and resource_link_id not in self._resource_links:
                self.add_resource_link(resource_link_id, context_id=ctx.id)
            return self._new_line_item(
                ctx,
                self.client(client_id).type_id,
                label=label,
                score_maximum=score_maximum,
                resource_link_id=resource_link_id,
                resource_id=resource_id,
                tag=tag,
            )

    def _new_line_item(self, ctx: Context, type_id: int, **fields: Any) -> LineItem:
        key = max(self._line_items, default=0) + 1
        item = LineItem(
            key=key, id=self._line_item_url(ctx, key, type_id), context_id=ctx.id, type_id=type_id, **fields
        )
        self._line_items[key] = item
        return item

    def line_items(
        self, *, context_id: str | None = None, resource_link_id: str | None = None
    ) -> list[LineItem]:
        with self._lock:
            items = list(self._line_items.values())
        if context_id is not None:
            items = [item for item in items if item.context_id == context_id]
        if resource_link_id is not None:
            items = [item for item in items if item.resource_link_id == resource_link_id]
        return items

    def _resolve_line_item(self, line_item: LineItem | str | int) -> LineItem:
        if isinstance(line_item, LineItem):
            return line_item
        for item in self._line_items.values():
            if line_item in (item.key, item.id):
                return item
        raise KeyError(f'unknown line item {line_item!r}')

    def grades(self, line_item: LineItem | str | int) -> dict[str, dict[str, Any]]:
        """The gradebook column of a line item: ``{user_id: {scoreGiven, scoreMaximum, grade, ...}}``.

        ``grade`` is scoreGiven scaled to the line item's scoreMaximum (as Moodle stores it), or None when
        the latest accepted score was not FullyGraded (Moodle then clears the grade).
        """
        with self._lock:
            item = self._resolve_line_item(line_item)
            return {user: dict(entry) for (key, user), entry in self._gradebook.items() if key == item.key}

    @property
    def accepted_scores(self) -> list[ScoreRecord]:
        return [record for record in self.score_log if record.accepted]

    @property
    def rejected_scores(self) -> list[ScoreRecord]:
        return [record for record in self.score_log if not record.accepted]

    def fail_next_scores(self, n: int = 1, status: int = 503, retry_after: int | None = None) -> None:
        """The next ``n`` score POSTs answer ``status`` (before any other check), like an overloaded LMS."""
        with self._lock:
            self._score_failures.extend([(status, retry_after)] * n)

    @property
    def token_request_count(self) -> int:
        return len(self.token_log)

    @property
    def issued_tokens(self) -> list[str]:
        return [record.access_token for record in self.token_log if record.access_token]

    def expire_token(self, token: str | None = None) -> None:
        """From now on requests with ``token`` (default: every token issued so far) answer 401."""
        with self._lock:
            for value, info in self._tokens.items():
                if token is None or value == token:
                    info['expired'] = True

    @property
    def auth_errors(self) -> list[AuthRecord]:
        return [record for record in self.auth_log if not record.ok]

    @property
    def content_items(self) -> list[dict[str, Any]]:
        return [
            item for record in self.deep_link_log if record.status == 200 for item in record.content_items
        ]

    # --------------------------------------------------------------------------- launch building

    def _prepare_launch(
        self,
        user: User,
        *,
        message_type: str = MESSAGE_RESOURCE_LINK,
        roles: Iterable[str] | None = None,
        resource_link_id: str | None = None,
        context: Mapping[str, Any] | None = None,
        custom: Mapping[str, Any] | None = None,
        target_link_uri: str | None = None,
        locale: str = 'en',
        deep_linking_settings: Mapping[str, Any] | None = None,
        ags: bool = True,
        nrps: bool = True,
        extra_claims: Mapping[str, Any] | None = None,
        client_id: str | None = None,
        login_method: str = 'POST',
        document_target: str = 'iframe',
        storage_target: str | None = None,
        register: bool = True,
    ) -> PendingLaunch:
        if message_type not in {MESSAGE_RESOURCE_LINK, MESSAGE_DEEP_LINKING}:
            raise ValueError(f'unsupported message_type {message_type!r}')
        if login_method not in {'GET', 'POST'}:
            raise ValueError("login_method must be 'GET' or 'POST'")
        with self._lock:
            client = self.client(client_id)
            if register and not client.login_url:
                raise ValueError(f'client {client.client_id!r} has no tool login URL configured')
            ctx = self._ensure_context(context)
            launch_roles = list(user.roles if roles is None else roles)
            final_custom: dict[str, Any] = dict(client.custom)
            settings = None
            link_id = None
            if message_type == MESSAGE_RESOURCE_LINK:
                link_id = resource_link_id or self.default_resource_link_id
                if resource_link_id is None and ctx.id != self.default_context_id:
                    link_id = f'{self.default_resource_link_id}-{ctx.id}'
                link = self._resource_links.get(link_id) or self.add_resource_link(link_id, context_id=ctx.id)
                if link.context_id != ctx.id:
                    raise ValueError(f'resource link {link_id!r} belongs to context {link.context_id!r}')
                target = target_link_uri or link.url or client.launch_url
                final_custom.update(link.custom)
            else:
                target = target_link_uri or client.deep_link_url or client.launch_url
                settings = self._deep_linking_settings(deep_linking_settings)
            final_custom.update(custom or {})
            if not target and register:
                raise ValueError('no target_link_uri: configure tool_launch_url or pass target_link_uri')
            spec = PendingLaunch(
                launch_id=secrets.token_urlsafe(12),
                lti_message_hint=secrets.token_urlsafe(24),
                user=user,
                client_id=client.client_id,
                message_type=message_type,
                roles=launch_roles,
                context_id=ctx.id,
                resource_link_id=link_id,
                custom=final_custom,
                target_link_uri=target or 'http://tool.invalid/',
                locale=locale,
                deep_linking_settings=settings,
                ags=ags,
                nrps=nrps,
                extra_claims=dict(extra_claims or {}),
                login_method=login_method,
                document_target=document_target,
                storage_target=storage_target,
            )
            if register:
                if self.auto_enrol and user.sub not in ctx.members:
                    ctx.members[user.sub] = Member(user=user, roles=list(launch_roles))
                self._pending[spec.lti_message_hint] = spec
                self._launch_pages[spec.launch_id] = spec.lti_message_hint
                if settings is not None:
                    self._dl_requests[(client.client_id, settings.get('data'))] = {
                        'client_id': client.client_id,
                        'context_id': ctx.id,
                        'settings': settings,
                        'user': user.sub,
                    }
            return spec

    def _deep_linking_settings(self, overrides: Mapping[str, Any] | None) -> dict[str, Any]:
        settings: dict[str, Any] = {
            'deep_link_return_url': self.deep_link_return_url,
            'accept_types': ['ltiResourceLink'],
            'accept_presentation_document_targets': ['iframe', 'window'],
            'accept_multiple': True,
            'accept_lineitem': True,
            'auto_create': False,
            'title': '',
            'text': '',
            'data': 'dl-' + secrets.token_urlsafe(12),
        }
        settings.update(overrides or {})
        return {name: value for name, value in settings.items() if value is not None}

    def _claims_for(self, spec: PendingLaunch, nonce: str) -> dict[str, Any]:
        """The id_token claims of a launch, built by lti1p3platform and completed here."""
        with self._lock:
            client = self.client(spec.client_id)
            ctx = self._context(spec.context_id)
            user = spec.user
            preflight = {
                'nonce': nonce,
                'state': 'n/a',
                'redirect_uri': spec.target_link_uri,
                'client_id': client.client_id,
            }
            launch = _LibMessageLaunch(
                _LibRequest(preflight), _LibPlatformConfig(registration=self._lib_registration(client))
            )
            launch.set_launch_url(spec.target_link_uri)
            launch.set_user_data(
                user.sub, list(spec.roles), full_name=user.name or None, email_address=user.email or None
            )
            launch.set_launch_context_claim(ctx.id, list(ctx.type), ctx.title or None, ctx.label or None)
            launch.set_custom_parameters_claim(dict(spec.custom))
            return_query = urlencode(
                {
                    'course': ctx.id,
                    'launch_container': spec.document_target,
                    'instanceid': spec.resource_link_id or '',
                    'launch': spec.launch_id,
                }
            )
            launch.set_launch_presentation_claim(
                document_target=spec.document_target, return_url=f'{self.return_url}?{return_query}'
            )
            extra: dict[str, Any] = {
                CLAIM_TOOL_PLATFORM: {
                    'guid': self.host,
                    'name': self.platform_name,
                    'version': self.version,
                    'product_family_code': 'moodle',
                    'url': self.issuer,
                },
                CLAIM_LIS: {'person_sourcedid': user.sub, 'course_section_sourcedid': ctx.id},
                CLAIM_EXT: {'user_username': user.sub, 'lms': 'moodle-2'},
            }
            extra.update(
                {
                    name: value
                    for name, value in (('given_name', user.given_name), ('family_name', user.family_name))
                    if value
                }
            )
            line_items: list[LineItem] = []
            if spec.message_type == MESSAGE_RESOURCE_LINK:
                link = self._resource_links[spec.resource_link_id or '']
                launch.set_resource_link_claim(link.id, link.description or None, link.title or None)
                line_items = [
                    item
                    for item in self._line_items.values()
                    if item.resource_link_id == link.id and item.type_id == client.type_id
                ]
            else:
                settings = dict(spec.deep_linking_settings or {})
                base = LtiDeepLinking(settings['deep_link_return_url']).get_lti_deep_linking_launch_claim(
                    settings.get('title', ''),
                    settings.get('text', ''),
                    set(settings.get('accept_types') or []) & DL_CONTENT_TYPES or {'ltiResourceLink'},
                )
                dl_claim = base[CLAIM_DL_SETTINGS]
                dl_claim.update(settings)  # off-spec bits of the library (dict `data`) are replaced here
                extra[CLAIM_MESSAGE_TYPE] = MESSAGE_DEEP_LINKING
                extra[CLAIM_DL_SETTINGS] = dl_claim
            ags_scopes = [scope for scope in self.ags_scopes if scope in client.scopes]
            if spec.ags and ags_scopes:
                launch.set_ags(
                    self.lineitems_url(ctx.id, client.client_id),
                    line_items[0].id if len(line_items) == 1 else None,
                    allow_creating_lineitems=SCOPE_LINEITEM in ags_scopes,
                )
            if spec.nrps and SCOPE_NRPS in client.scopes:
                launch.set_nrps(self.memberships_url(ctx.id, client.client_id))
            launch.set_extra_claims(extra)
            message: dict[str, Any] = copy.deepcopy(launch.lti_launch()['message'])
            message[CLAIM_LAUNCH_PRESENTATION]['locale'] = spec.locale
            if CLAIM_AGS in message:
                message[CLAIM_AGS]['scope'] = ags_scopes
            now = int(time.time())
            message['iat'] = now
            message['exp'] = now + self.id_token_ttl
            message.update(copy.deepcopy(spec.extra_claims))
            return message

    def _login_initiation(self, spec: PendingLaunch) -> tuple[str, dict[str, str]]:
        client = self.client(spec.client_id)
        login = _LibOIDCLogin(None, _LibPlatformConfig(registration=self._lib_registration(client)))
        login.set_launch_url(spec.target_link_uri)
        login.set_lti_message_hint(hint=spec.lti_message_hint)
        url = login.prepare_preflight_url(spec.user.sub)
        names = {'iss', 'login_hint', 'target_link_uri', 'lti_message_hint', 'lti_deployment_id', 'client_id'}
        params = {name: value for name, value in parse_qsl(urlsplit(url).query) if name in names}
        if spec.storage_target:
            params['lti_storage_target'] = spec.storage_target
            url += ('&' if '?' in url else '?') + urlencode({'lti_storage_target': spec.storage_target})
        return url, params

    # ---------------------------------------------------------------------------------- the driver

    def begin_login(self, session: requests.Session, user: User, **launch_options: Any) -> dict[str, Any]:
        """Start a launch in the browser ``session`` up to the tool's redirect to the auth endpoint.

        Keywords as for ``launch``.  Returns ``{state, nonce, redirect_uri, client_id, login_hint,
        lti_message_hint, auth_method, auth_url, auth_params, login_response, launch}`` — what the tool sent
        to the platform — so that a test can stop here and POST a crafted id_token itself.
        """
        spec = self._prepare_launch(user, **launch_options)
        page = session.get(
            f'{self.issuer}/mod/lti/launch.php?launch={spec.launch_id}',
            allow_redirects=False,
            timeout=self.browser_timeout,
        )
        if spec.login_method == 'GET':
            if not page.is_redirect:
                raise LaunchError(f'platform launch page failed: {page.status_code} {page.text[:300]}', page)
            login_response = session.get(
                page.headers['Location'], allow_redirects=False, timeout=self.browser_timeout
            )
        else:
            if page.status_code != 200:
                raise LaunchError(f'platform launch page failed: {page.status_code} {page.text[:300]}', page)
            form = parse_auto_submit_form(page.text, page.url)
            login_response = session.post(
                form['action'], data=form['fields'], allow_redirects=False, timeout=self.browser_timeout
            )
        method, auth_url, params = self._auth_request_from(login_response)
        return {
            'state': params.get('state'),
            'nonce': params.get('nonce'),
            'redirect_uri': params.get('redirect_uri'),
            'client_id': params.get('client_id'),
            'login_hint': params.get('login_hint'),
            'lti_message_hint': params.get('lti_message_hint'),
            'auth_method': method,
            'auth_url': auth_url,
            'auth_params': params,
            'login_response': login_response,
            'launch': spec,
        }

    def _auth_request_from(self, response: requests.Response) -> tuple[str, str, dict[str, str]]:
        if response.is_redirect:
            location = urljoin(response.url, response.headers['Location'])
            parts = urlsplit(location)
            if urlunsplit((parts.scheme, parts.netloc, parts.path, '', '')) != self.auth_url:
                raise LaunchError(
                    f'tool login redirected to {location!r}, not to {self.auth_url!r}', response
                )
            return 'GET', location, dict(parse_qsl(parts.query, keep_blank_values=True))
        if response.status_code == 200 and '<form' in response.text.lower():
            form = parse_auto_submit_form(response.text, response.url)
            if form['method'] == 'POST' and form['action'] == self.auth_url:
                return 'POST', form['action'], dict(form['fields'])
        raise LaunchError(
            f'tool login did not send the browser to the platform auth endpoint '
            f'({response.status_code}): {response.text[:300]!r}',
            response,
        )

    def complete_login(
        self, session: requests.Session, login: Mapping[str, Any], *, follow_redirects: bool = True
    ) -> requests.Response:
        """Send the browser to the auth endpoint as the tool asked, then POST the id_token form to it."""
        if login['auth_method'] == 'GET':
            answer = session.get(login['auth_url'], allow_redirects=False, timeout=self.browser_timeout)
        else:
            answer = session.post(
                login['auth_url'],
                data=login['auth_params'],
                allow_redirects=False,
                timeout=self.browser_timeout,
            )
        if answer.status_code != 200:
            raise LaunchError(f'platform auth endpoint refused: {answer.status_code} {answer.text}', answer)
        form = parse_auto_submit_form(answer.text, answer.url)
        return session.post(
            form['action'],
            data=form['fields'],
            allow_redirects=follow_redirects,
            timeout=self.browser_timeout,
        )

    def launch(
        self, session: requests.Session, user: User, *, follow_redirects: bool = True, **launch_options: Any
    ) -> requests.Response:
        """Perform a full launch in the browser ``session`` and return the tool's final response.

        Keywords: message_type, roles, resource_link_id, context (dict), custom, target_link_uri, locale,
        deep_linking_settings, ags, nrps, extra_claims, client_id, login_method ('POST' as Moodle, or
        'GET'), document_target.  Raises LaunchError if the tool or the platform breaks the flow.
        """
        login = self.begin_login(session, user, **launch_options)
        return self.complete_login(session, login, follow_redirects=follow_redirects)

    def post_id_token(
        self,
        session: requests.Session,
        login: Mapping[str, Any],
        id_token: str,
        *,
        state: str | None = None,
        follow_redirects: bool = True,
    ) -> requests.Response:
        """POST a (crafted) id_token to the tool's redirect_uri of a login begun with ``begin_login``."""
        data = {'id_token': id_token, 'state': login['state'] if state is None else state}
        return session.post(
            login['redirect_uri'], data=data, allow_redirects=follow_redirects, timeout=self.browser_timeout
        )

    def submit_deep_link_response(
        self, session: requests.Session, tool_response: requests.Response
    ) -> requests.Response:
        """Submit the tool's auto-submitting deep linking response form to the platform."""
        form = parse_auto_submit_form(tool_response.text, tool_response.url)
        if form['action'] != self.deep_link_return_url:
            raise LaunchError(
                f'deep linking form posts to {form["action"]!r}, not to {self.deep_link_return_url!r}',
                tool_response,
            )
        return session.post(
            form['action'], data=form['fields'], allow_redirects=False, timeout=self.browser_timeout
        )

    def registration_url(self, token: str | None = None) -> dict[str, str]:
        """Query parameters a platform admin's browser passes to the tool's registration initiation URL."""
        now = int(time.time())
        with self._lock:
            client_id = f'dyn-{secrets.token_hex(6)}'
            if token is None:
                token = LibRegistration.encode_and_sign(
                    {'sub': client_id, 'scope': 'reg', 'iat': now, 'exp': now + 3600},
                    self.private_key,
                    headers={'kid': self.kid},
                )
            self._registration_tokens[token] = {
                'client_id': client_id,
                'used': False,
                'expires_at': now + 3600,
            }
        return {'openid_configuration': self.openid_configuration_url, 'registration_token': token}

    def registration_initiation_url(self, tool_registration_url: str, token: str | None = None) -> str:
        separator = '&' if '?' in tool_registration_url else '?'
        return tool_registration_url + separator + urlencode(self.registration_url(token))

    # ------------------------------------------------------------------------------ authorization

    def authorize(
        self, params: Mapping[str, str], *, platform_session: str | None = None, check_session: bool = False
    ) -> dict[str, Any]:
        """Programmatic auth endpoint: validate an OIDC auth request and issue the id_token.

        Returns ``{id_token, state, redirect_uri, claims, launch}``; raises PlatformError (recorded in
        ``auth_log``) on any violation of Moodle's rules.
        """
        with self._lock:
            try:
                result = self._authorize(dict(params), platform_session, check_session)
            except PlatformError as exc:
                self.auth_log.append(AuthRecord(params=dict(params), ok=False, reason=exc.reason))
                raise
            self.auth_log.append(AuthRecord(params=dict(params), ok=True))
            return result

    def _authorize(
        self, params: dict[str, str], platform_session: str | None, check_session: bool
    ) -> dict[str, Any]:
        def required(name: str) -> str:
            value = params.get(name)
            if not value:
                raise PlatformError(f'missing {name}')
            return value

        if required('scope') != 'openid':
            raise PlatformError('scope must be "openid"', error='invalid_scope')
        if required('response_type') != 'id_token':
            raise PlatformError('response_type must be "id_token"', error='unsupported_response_type')
        if required('response_mode') != 'form_post':
            raise PlatformError('response_mode must be "form_post"')
        if required('prompt') != 'none':
            raise PlatformError('prompt must be "none"')
        client = self._find_client(required('client_id'))
        if client is None:
            raise PlatformError(f'unknown client_id {params["client_id"]!r}', error='unauthorized_client')
        redirect_uri = required('redirect_uri')
        if redirect_uri not in client.redirect_uris:
            raise PlatformError(
                f'redirect_uri {redirect_uri!r} is not registered (registered: {client.redirect_uris})'
            )
        nonce = required('nonce')
        state = required('state')
        spec = self._pending.get(required('lti_message_hint'))
        if spec is None:
            raise PlatformError('unknown lti_message_hint')
        if spec.used:
            raise PlatformError('lti_message_hint already used')
        spec.used = True
        if required('login_hint') != spec.user.sub:
            raise PlatformError(
                'login_hint does not match the user the launch was started for', error='access_denied'
            )
        if spec.client_id != client.client_id:
            raise PlatformError(
                'lti_message_hint was issued for another client_id', error='unauthorized_client'
            )
        if check_session and self._browser_sessions.get(platform_session or '') != spec.user.sub:
            raise PlatformError('the browser has no platform session for this user', error='login_required')
        claims = self._claims_for(spec, nonce)
        self.issued_id_tokens.append(claims)
        return {
            'id_token': self._sign(claims),
            'state': state,
            'redirect_uri': redirect_uri,
            'claims': claims,
            'launch': spec,
        }

    # --------------------------------------------------------------------------------- HTTP plumbing

    def _wsgi_app(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        try:
            endpoint, args = self._url_map.bind_to_environ(environ).match()
            with self._lock:
                response = getattr(self, f'_handle_{endpoint}')(request, **args)
        except PlatformError as exc:
            response = self._error_response(exc)
        except HTTPException as exc:
            response = exc.get_response(environ)
        except Exception:
            self.errors.append(traceback.format_exc())
            response = Response('internal error in StrictPlatform (see platform.errors)', status=500)
        self.request_log.append((request.method, request.full_path.rstrip('?'), response.status_code))
        return response(environ, start_response)

    @staticmethod
    def _json_response(
        data: Any,
        status: int = 200,
        mimetype: str = 'application/json',
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        return Response(json.dumps(data), status=status, mimetype=mimetype, headers=dict(headers or {}))

    def _error_response(self, exc: PlatformError) -> Response:
        headers = dict(exc.headers)
        if exc.status == 401 and 'WWW-Authenticate' not in headers:
            headers['WWW-Authenticate'] = f'Bearer realm="{self.issuer}", error="{exc.error}"'
        return self._json_response(
            {'error': exc.error, 'error_description': exc.reason}, exc.status, headers=headers
        )

    @staticmethod
    def _check_accept(request: Request, media_type: str) -> None:
        accept = request.headers.get('Accept')
        if not accept:
            return
        accepted = {part.split(';')[0].strip().lower() for part in accept.split(',')}
        if not accepted & {media_type, '*/*', 'application/*'}:
            raise PlatformError(f'Accept must allow {media_type} (got {accept!r})', status=406)

    @staticmethod
    def _check_content_type(request: Request, media_type: str) -> None:
        if request.mimetype != media_type:
            raise PlatformError(
                f'Content-Type must be {media_type} (got {request.content_type!r})', status=415
            )

    @staticmethod
    def _json_object(raw: str) -> dict[str, Any]:
        try:
            body = json.loads(raw)
        except ValueError as exc:
            raise PlatformError(f'body is not JSON: {exc}') from exc
        if not isinstance(body, dict):
            raise PlatformError('body must be a JSON object')
        return body

    @staticmethod
    def _int_arg(request: Request, name: str, *, minimum: int) -> int | None:
        value = request.args.get(name)
        if value is None:
            return None
        if not value.isdigit() or int(value) < minimum:
            raise PlatformError(f'{name} must be an integer >= {minimum}')
        return int(value)

    def _page(self, request: Request, items: list[Any]) -> tuple[list[Any], dict[str, str]]:
        limit = self._int_arg(request, 'limit', minimum=1)
        offset = self._int_arg(request, 'from', minimum=0) or 0
        if limit is None:
            return items[offset:], {}
        headers = {}
        if offset + limit < len(items):
            args = request.args.to_dict()
            args['from'] = str(offset + limit)
            headers['Link'] = f'<{self.issuer}{request.path}?{urlencode(args)}>; rel="next"'
        return items[offset : offset + limit], headers

    # ------------------------------------------------------------------------- tool JWT validation

    def _fetch_tool_jwks(self, client: ToolClient) -> dict[str, Any]:
        if not client.jwks_url:
            raise PlatformError(f'no JWKS URL known for client {client.client_id!r}', error='invalid_client')
        try:
            with requests.Session() as http:
                http.trust_env = False
                answer = http.get(client.jwks_url, timeout=self.http_timeout)
                answer.raise_for_status()
                keyset = answer.json()
        except (requests.RequestException, ValueError) as exc:
            raise PlatformError(
                f'cannot fetch the tool JWKS from {client.jwks_url}: {exc}', error='invalid_client'
            ) from exc
        self.jwks_fetches += 1
        if not isinstance(keyset, dict) or not isinstance(keyset.get('keys'), list):
            raise PlatformError('the tool JWKS is not {"keys": [...]}', error='invalid_client')
        return keyset

    def _verify_tool_jwt(
        self,
        client: ToolClient,
        token: str,
        *,
        audience: list[str],
        require: list[str],
        error: str = 'invalid_client',
    ) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise PlatformError(f'malformed JWT: {exc}', error=error) from exc
        if header.get('alg') != 'RS256':
            raise PlatformError(f'JWT alg must be RS256 (got {header.get("alg")!r})', error=error)
        kid = header.get('kid')
        if not kid:
            raise PlatformError('JWT header has no kid', error=error)
        keyset = self._fetch_tool_jwks(client)
        keys = [key for key in keyset['keys'] if isinstance(key, dict) and key.get('kid') == kid]
        if not keys:
            raise PlatformError(f'no key with kid {kid!r} in the tool JWKS', error=error)
        if keys[0].get('alg', 'RS256') != 'RS256' or keys[0].get('use', 'sig') != 'sig':
            raise PlatformError(f'tool JWK {kid!r} is not an RS256 signing key', error=error)
        try:
            public_key = jwt.PyJWK(keys[0], algorithm='RS256').key
            return jwt.decode(
                token,
                public_key,
                algorithms=['RS256'],
                audience=audience,
                issuer=client.client_id,
                options={'require': require},
                leeway=0,
            )
        except jwt.PyJWTError as exc:
            raise PlatformError(f'invalid JWT ({type(exc).__name__}): {exc}', error=error) from exc

    # ---------------------------------------------------------------------------------- endpoints

    def _handle_jwks(self, request: Request) -> Response:
        return self._json_response(self.jwks())

    def _handle_openid_configuration(self, request: Request) -> Response:
        return self._json_response(
            {
                'issuer': self.issuer,
                'authorization_endpoint': self.auth_url,
                'token_endpoint': self.token_url,
                'token_endpoint_auth_methods_supported': ['private_key_jwt'],
                'token_endpoint_auth_signing_alg_values_supported': ['RS256'],
                'jwks_uri': self.jwks_url,
                'registration_endpoint': self.registration_endpoint,
                'scopes_supported': ['openid', *SERVICE_SCOPES],
                'response_types_supported': ['id_token'],
                'subject_types_supported': ['public', 'pairwise'],
                'id_token_signing_alg_values_supported': ['RS256'],
                'claims_supported': ['sub', 'iss', 'name', 'given_name', 'family_name', 'email'],
                PLATFORM_CONFIGURATION: {
                    'product_family_code': 'moodle',
                    'version': self.version,
                    'messages_supported': [{'type': MESSAGE_RESOURCE_LINK}, {'type': MESSAGE_DEEP_LINKING}],
                    'variables': ['Context.id', 'ResourceLink.id', 'User.id', 'Person.email.primary'],
                },
            }
        )

    def _handle_launch_page(self, request: Request) -> Response:
        hint = self._launch_pages.get(request.args.get('launch', ''))
        if hint is None:
            raise PlatformError('unknown launch', status=404, error='not_found')
        spec = self._pending[hint]
        session_id = request.cookies.get(PLATFORM_SESSION_COOKIE, '')
        if self._browser_sessions.get(session_id) != spec.user.sub:
            session_id = secrets.token_urlsafe(24)
            self._browser_sessions[session_id] = spec.user.sub
        url, params = self._login_initiation(spec)
        if spec.login_method == 'GET':
            response = Response(status=302, headers={'Location': url})
        else:
            page = _auto_submit_page(self.client(spec.client_id).login_url or '', params, 'Launching tool')
            response = Response(page, mimetype='text/html')
        response.headers['Cache-Control'] = 'no-store'
        response.set_cookie(PLATFORM_SESSION_COOKIE, session_id, path='/', httponly=True)
        return response

    def _handle_course_page(self, request: Request) -> Response:
        """The course page that embeds the tool in an iframe and, as Canvas or Brightspace do, answers the
        LTI client-side postMessages `lti.put_data` / `lti.get_data` for the tool's origin only."""
        launch_id = request.args.get('launch', '')
        if launch_id not in self._launch_pages:
            raise PlatformError('unknown launch', status=404, error='not_found')
        tool_origin = '{0.scheme}://{0.netloc}'.format(urlsplit(self.client(None).login_url or ''))
        page = f'''<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Course</title></head>
<body><main><h1>Course page</h1>
<iframe id="tool" title="Tool" style="width:100%;height:600px"
  src="{html.escape(self.issuer)}/mod/lti/launch.php?launch={html.escape(launch_id)}"></iframe></main>
<script>
const TOOL_ORIGIN = {json.dumps(tool_origin)};
const storage = new Map();
window.platformStorageLog = [];
window.addEventListener('message', (event) => {{
  const m = event.data || {{}};
  if (event.origin !== TOOL_ORIGIN || typeof m.subject !== 'string') return;
  window.platformStorageLog.push(m.subject);
  if (m.subject === 'lti.put_data') {{
    storage.set(m.key, m.value);
    event.source.postMessage({{subject: 'lti.put_data.response', message_id: m.message_id, key: m.key,
                               value: m.value}}, event.origin);
  }} else if (m.subject === 'lti.get_data') {{
    const reply = storage.has(m.key)
      ? {{subject: 'lti.get_data.response', message_id: m.message_id, key: m.key, value: storage.get(m.key)}}
      : {{subject: 'lti.get_data.response', message_id: m.message_id, key: m.key,
          error: {{code: 'not_found', message: 'no such key'}}}};
    event.source.postMessage(reply, event.origin);
  }}
}});
</script></body></html>'''
        return Response(page, mimetype='text/html', headers={'Cache-Control': 'no-store'})

    def course_page_url(self, user: User, **launch_options: Any) -> str:
        """A course page URL that launches ``user`` in an iframe when a browser opens it."""
        spec = self._prepare_launch(user, **launch_options)
        return f'{self.issuer}/mod/lti/view.php?launch={spec.launch_id}'

    def _handle_auth(self, request: Request) -> Response:
        if request.method == 'POST' and request.mimetype != 'application/x-www-form-urlencoded':
            raise PlatformError('auth POST must be application/x-www-form-urlencoded')
        params = (request.args if request.method == 'GET' else request.form).to_dict()
        result = self.authorize(
            params,
            platform_session=request.cookies.get(PLATFORM_SESSION_COOKIE),
            check_session=self.require_platform_session,
        )
        page = _auto_submit_page(
            result['redirect_uri'],
            {'id_token': result['id_token'], 'state': result['state']},
            'Launching tool',
        )
        return Response(page, mimetype='text/html', headers={'Cache-Control': 'no-store'})

    def _handle_return(self, request: Request) -> Response:
        self.returns.append(request.args.to_dict())
        return Response(
            '<!DOCTYPE html><title>Back in the course</title><p>Back in the course.</p>', mimetype='text/html'
        )

    def _handle_token(self, request: Request) -> Response:
        form = request.form.to_dict()
        record = TokenRecord(form=form)
        self.token_log.append(record)
        try:
            body = self._issue_token(request, form, record)
        except PlatformError as exc:
            record.status, record.reason = exc.status, exc.reason
            raise
        record.status = 200
        return self._json_response(body, headers={'Cache-Control': 'no-store', 'Pragma': 'no-cache'})

    def _issue_token(self, request: Request, form: dict[str, str], record: TokenRecord) -> dict[str, Any]:
        if request.mimetype != 'application/x-www-form-urlencoded':
            raise PlatformError('token request must be application/x-www-form-urlencoded')
        if form.get('grant_type') != 'client_credentials':
            raise PlatformError('grant_type must be client_credentials', error='unsupported_grant_type')
        if form.get('client_assertion_type') != CLIENT_ASSERTION_TYPE:
            raise PlatformError(f'client_assertion_type must be {CLIENT_ASSERTION_TYPE}')
        assertion = form.get('client_assertion')
        if not assertion:
            raise PlatformError('missing client_assertion')
        requested = list(dict.fromkeys(form.get('scope', '').split()))
        if not requested:
            raise PlatformError('missing scope', error='invalid_scope')
        try:
            unverified = jwt.decode(assertion, options={'verify_signature': False})
        except jwt.PyJWTError as exc:
            raise PlatformError(f'malformed client_assertion: {exc}', error='invalid_client') from exc
        client = self._find_client(str(unverified.get('iss', '')))
        if client is None:
            raise PlatformError(
                f'client_assertion iss {unverified.get("iss")!r} is not a known client_id',
                error='invalid_client',
            )
        if form.get('client_id') not in (None, client.client_id):
            raise PlatformError('client_id does not match the client_assertion iss', error='invalid_client')
        claims = self._verify_tool_jwt(
            client,
            assertion,
            audience=[self.token_url, self.issuer],
            require=['iss', 'sub', 'aud', 'exp', 'iat', 'jti'],
        )
        if claims['sub'] != client.client_id:
            raise PlatformError('client_assertion sub must equal the client_id', error='invalid_client')
        jti = (client.client_id, str(claims['jti']))
        if jti in self._seen_jtis:
            raise PlatformError(
                f'client_assertion jti {claims["jti"]!r} already used (replay)', error='invalid_grant'
            )
        self._seen_jtis.add(jti)
        refused = [scope for scope in requested if scope not in client.scopes]
        if refused:
            raise PlatformError(f'scopes not allowed for this client: {refused}', error='invalid_scope')
        token = secrets.token_urlsafe(32)
        self._tokens[token] = {
            'client_id': client.client_id,
            'scopes': frozenset(requested),
            'expires_at': time.time() + self.token_ttl,
            'expired': False,
        }
        record.client_id, record.scope, record.access_token = client.client_id, ' '.join(requested), token
        return {
            'access_token': token,
            'token_type': 'Bearer',
            'expires_in': self.token_ttl,
            'scope': ' '.join(requested),
        }

    def _bearer(self, request: Request) -> str | None:
        scheme, _, token = request.headers.get('Authorization', '').partition(' ')
        return token.strip() if scheme.lower() == 'bearer' and token.strip() else None

    def _authenticate(self, request: Request, any_of: Iterable[str]) -> dict[str, Any]:
        token = self._bearer(request)
        if token is None:
            raise PlatformError('missing Bearer access token', status=401, error='invalid_token')
        info = self._tokens.get(token)
        if info is None:
            raise PlatformError('unknown access token', status=401, error='invalid_token')
        if info['expired'] or time.time() >= info['expires_at']:
            raise PlatformError('access token expired', status=401, error='invalid_token')
        wanted = set(any_of)
        if not info['scopes'] & wanted:
            raise PlatformError(
                f'access token lacks scope (one of {sorted(wanted)})',
                status=403,
                error='insufficient_scope',
                headers={'WWW-Authenticate': 'Bearer error="insufficient_scope"'},
            )
        return info

    def _service_target(
        self, request: Request, ctx_key: int, info: dict[str, Any], type_id: int | None = None
    ) -> tuple[Context, ToolClient]:
        ctx = next((ctx for ctx in self._contexts.values() if ctx.key == ctx_key), None)
        if ctx is None:
            raise PlatformError(f'no context {ctx_key}', status=404, error='not_found')
        client = self.client(info['client_id'])
        if type_id is None:
            raw_type_id = request.args.get('type_id')
            if raw_type_id is None:
                raise PlatformError('missing type_id query parameter (it is part of the service URL)')
            type_id = int(raw_type_id) if raw_type_id.isdigit() else -1
        if type_id != client.type_id:
            raise PlatformError(
                "type_id does not belong to the access token's client", status=403, error='forbidden'
            )
        return ctx, client

    def _line_item_for(self, ctx: Context, client: ToolClient, key: int) -> LineItem:
        item = self._line_items.get(key)
        if item is None or item.context_id != ctx.id or item.type_id != client.type_id:
            raise PlatformError(f'no line item {key} in this context', status=404, error='not_found')
        return item

    def _line_item_fields(
        self, body: dict[str, Any], ctx: Context, existing: LineItem | None = None
    ) -> dict[str, Any]:
        label = body.get('label')
        if not isinstance(label, str) or not label.strip():
            raise PlatformError('label is required (non-empty string)')
        score_maximum = body.get('scoreMaximum')
        if not _is_number(score_maximum) or score_maximum <= 0:
            raise PlatformError('scoreMaximum is required (number > 0)')
        link_id = body.get('resourceLinkId', existing.resource_link_id if existing else None)
        if existing is not None and link_id != existing.resource_link_id:
            raise PlatformError('resourceLinkId cannot be changed')
        if link_id is not None:
            link = self._resource_links.get(link_id) if isinstance(link_id, str) else None
            if link is None or link.context_id != ctx.id:
                raise PlatformError(f'resourceLinkId {link_id!r} is not a resource link of this context')
        for name in ('resourceId', 'tag'):
            if body.get(name) is not None and not isinstance(body[name], str):
                raise PlatformError(f'{name} must be a string')
        for name in ('startDateTime', 'endDateTime'):
            if body.get(name) is not None:
                try:
                    parse_iso8601(body[name])
                except ValueError as exc:
                    raise PlatformError(f'{name}: {exc}') from exc
        return {
            'label': label,
            'score_maximum': score_maximum,
            'resource_link_id': link_id,
            'resource_id': body.get('resourceId'),
            'tag': body.get('tag'),
            'start_date_time': body.get('startDateTime'),
            'end_date_time': body.get('endDateTime'),
        }

    def _handle_lineitems(self, request: Request, ctx: int) -> Response:
        if request.method == 'GET':
            info = self._authenticate(request, [SCOPE_LINEITEM, SCOPE_LINEITEM_READONLY])
            context, client = self._service_target(request, ctx, info)
            self._check_accept(request, MEDIA_LINEITEM_CONTAINER)
            items = [
                item
                for item in self._line_items.values()
                if item.context_id == context.id and item.type_id == client.type_id
            ]
            filters = {'resource_link_id': 'resource_link_id', 'resource_id': 'resource_id', 'tag': 'tag'}
            for arg, attribute in filters.items():
                if arg in request.args:
                    items = [item for item in items if getattr(item, attribute) == request.args[arg]]
            page, headers = self._page(request, items)
            return self._json_response(
                [item.to_json() for item in page], mimetype=MEDIA_LINEITEM_CONTAINER, headers=headers
            )
        info = self._authenticate(request, [SCOPE_LINEITEM])
        context, client = self._service_target(request, ctx, info)
        self._check_content_type(request, MEDIA_LINEITEM)
        fields = self._line_item_fields(self._json_object(request.get_data(as_text=True)), context)
        item = self._new_line_item(context, client.type_id, **fields)
        return self._json_response(
            item.to_json(), 201, mimetype=MEDIA_LINEITEM, headers={'Location': item.id}
        )

    def _handle_lineitem(self, request: Request, ctx: int, item: int) -> Response:
        scopes = [SCOPE_LINEITEM, SCOPE_LINEITEM_READONLY] if request.method == 'GET' else [SCOPE_LINEITEM]
        info = self._authenticate(request, scopes)
        context, client = self._service_target(request, ctx, info)
        line_item = self._line_item_for(context, client, item)
        if request.method == 'GET':
            self._check_accept(request, MEDIA_LINEITEM)
            return self._json_response(line_item.to_json(), mimetype=MEDIA_LINEITEM)
        if request.method == 'DELETE':
            del self._line_items[line_item.key]
            for key in [key for key in self._gradebook if key[0] == line_item.key]:
                del self._gradebook[key]
            return Response(status=204)
        self._check_content_type(request, MEDIA_LINEITEM)
        body = self._json_object(request.get_data(as_text=True))
        if body.get('id') not in (None, line_item.id):
            raise PlatformError('id in the body does not match the line item URL')
        for name, value in self._line_item_fields(body, context, line_item).items():
            setattr(line_item, name, value)
        return self._json_response(line_item.to_json(), mimetype=MEDIA_LINEITEM)

    def _handle_scores(self, request: Request, ctx: int, item: int) -> Response:
        raw = request.get_data(as_text=True)
        body: Any = raw
        with contextlib.suppress(ValueError):
            body = json.loads(raw)
        line_item = self._line_items.get(item)
        record = ScoreRecord(
            line_item_id=line_item.id if line_item else None,
            user_id=body.get('userId') if isinstance(body, dict) else None,
            body=body,
            access_token=self._bearer(request),
        )
        self.score_log.append(record)
        try:
            if self._score_failures:
                status, retry_after = self._score_failures.pop(0)
                headers = {'Retry-After': str(retry_after)} if retry_after is not None else {}
                raise PlatformError(
                    f'injected failure ({status})',
                    status=status,
                    error='temporarily_unavailable',
                    headers=headers,
                )
            info = self._authenticate(request, [SCOPE_SCORE])
            context, client = self._service_target(request, ctx, info)
            line_item = self._line_item_for(context, client, item)
            self._check_content_type(request, MEDIA_SCORE)
            self._apply_score(context, line_item, self._json_object(raw))
        except PlatformError as exc:
            record.status, record.reason = exc.status, exc.reason
            raise
        record.status, record.accepted = 200, True
        return Response(status=200)

    def _apply_score(self, ctx: Context, item: LineItem, score: dict[str, Any]) -> None:
        user_id = score.get('userId')
        if not isinstance(user_id, str) or not user_id:
            raise PlatformError('userId is required (string)')
        for name in ('activityProgress', 'gradingProgress', 'timestamp'):
            if score.get(name) in (None, ''):
                raise PlatformError(f'{name} is required')
        if score['activityProgress'] not in ACTIVITY_PROGRESS:
            raise PlatformError(f'invalid activityProgress {score["activityProgress"]!r}')
        if score['gradingProgress'] not in GRADING_PROGRESS:
            raise PlatformError(f'invalid gradingProgress {score["gradingProgress"]!r}')
        try:
            timestamp = parse_iso8601(score['timestamp'])
        except ValueError as exc:
            raise PlatformError(f'timestamp: {exc}') from exc
        score_given, score_maximum = score.get('scoreGiven'), score.get('scoreMaximum')
        if score_maximum is not None and (not _is_number(score_maximum) or score_maximum <= 0):
            raise PlatformError('scoreMaximum must be a number > 0')
        if score_given is not None:
            if not _is_number(score_given) or score_given < 0:
                raise PlatformError('scoreGiven must be a number >= 0')
            if score_maximum is None:
                raise PlatformError('scoreMaximum is required with scoreGiven')
            if score_given > score_maximum:
                raise PlatformError('scoreGiven exceeds scoreMaximum')
        if score.get('comment') is not None and not isinstance(score['comment'], str):
            raise PlatformError('comment must be a string')
        member = ctx.members.get(user_id)
        if member is None or not member.is_active_learner:
            raise PlatformError(f'userId {user_id!r} is not an active Learner of context {ctx.id!r}')
        key = (item.key, user_id)
        second = math.floor(timestamp.timestamp())
        last = self._last_score_second.get(key)
        if last is not None and second <= last:
            raise PlatformError(
                f'timestamp {score["timestamp"]} is not after the previous score (compared in whole seconds)',
                status=409,
                error='conflict',
            )
        self._last_score_second[key] = second
        final = score['gradingProgress'] == 'FullyGraded' and score_given is not None
        previous = self._gradebook.get(key)
        if not final and previous is not None and previous['grade'] is not None:
            self.grade_wipes.append(
                GradeWipe(line_item_id=item.id, user_id=user_id, previous=dict(previous), score=dict(score))
            )
        self._gradebook[key] = {
            'scoreGiven': score_given if final else None,
            'scoreMaximum': score_maximum,
            'grade': score_given / score_maximum * item.score_maximum if final else None,
            'activityProgress': score['activityProgress'],
            'gradingProgress': score['gradingProgress'],
            'timestamp': score['timestamp'],
            'comment': score.get('comment'),
        }

    def _handle_results(self, request: Request, ctx: int, item: int) -> Response:
        info = self._authenticate(request, [SCOPE_RESULT_READONLY])
        context, client = self._service_target(request, ctx, info)
        line_item = self._line_item_for(context, client, item)
        self._check_accept(request, MEDIA_RESULT_CONTAINER)
        base = line_item.id.split('?')[0]
        results = []
        for (key, user_id), entry in self._gradebook.items():
            if key != line_item.key or request.args.get('user_id', user_id) != user_id:
                continue
            result = {
                'id': f'{base}/results/{user_id}?type_id={client.type_id}',
                'scoreOf': line_item.id,
                'userId': user_id,
                'resultMaximum': line_item.score_maximum,
            }
            if entry['grade'] is not None:
                result['resultScore'] = entry['grade']
            if entry['comment']:
                result['comment'] = entry['comment']
            results.append(result)
        page, headers = self._page(request, results)
        return self._json_response(page, mimetype=MEDIA_RESULT_CONTAINER, headers=headers)

    def _handle_memberships(self, request: Request, ctx: int, type_id: int) -> Response:
        info = self._authenticate(request, [SCOPE_NRPS])
        context, _client = self._service_target(request, ctx, info, type_id=type_id)
        self._check_accept(request, MEDIA_MEMBERSHIP_CONTAINER)
        link_id = request.args.get('rlid')
        if link_id is not None:
            link = self._resource_links.get(link_id)
            if link is None or link.context_id != context.id:
                raise PlatformError(f'rlid {link_id!r} is not a resource link of this context')
        members = list(context.members.values())
        role = request.args.get('role')
        if role:
            members = [m for m in members if any(r == role or r.endswith('#' + role) for r in m.roles)]
        page, headers = self._page(request, members)
        body = {
            'id': f'{self.issuer}{request.full_path.rstrip("?")}',
            'context': {'id': context.id, 'label': context.label, 'title': context.title},
            'members': [self._member_json(member) for member in page],
        }
        return self._json_response(body, mimetype=MEDIA_MEMBERSHIP_CONTAINER, headers=headers)

    @staticmethod
    def _member_json(member: Member) -> dict[str, Any]:
        user = member.user
        data: dict[str, Any] = {'status': member.status, 'user_id': user.sub, 'roles': list(member.roles)}
        for name in ('name', 'given_name', 'family_name', 'email'):
            if getattr(user, name):
                data[name] = getattr(user, name)
        return data

    def _handle_deep_link_return(self, request: Request) -> Response:
        record = DeepLinkRecord()
        self.deep_link_log.append(record)
        try:
            self._accept_deep_link_response(request, record)
        except PlatformError as exc:
            record.status, record.reason = exc.status, exc.reason
            raise
        record.status = 200
        return self._json_response(
            {
                'status': 'accepted',
                'content_items': len(record.content_items),
                'resource_link_ids': record.resource_link_ids,
                'line_item_ids': record.line_item_ids,
            }
        )

    def _accept_deep_link_response(self, request: Request, record: DeepLinkRecord) -> None:
        if request.mimetype not in {'application/x-www-form-urlencoded', 'multipart/form-data'}:
            raise PlatformError('the deep linking response must be a form POST')
        token = request.form.get('JWT')
        if not token:
            raise PlatformError('missing JWT form field')
        try:
            unverified = jwt.decode(token, options={'verify_signature': False})
        except jwt.PyJWTError as exc:
            raise PlatformError(f'malformed JWT: {exc}') from exc
        client = self._find_client(str(unverified.get('iss', '')))
        if client is None:
            raise PlatformError(f'JWT iss {unverified.get("iss")!r} is not a known client_id')
        claims = self._verify_tool_jwt(
            client,
            token,
            audience=[self.issuer],
            require=['iss', 'aud', 'exp', 'iat', 'nonce'],
            error='invalid_request',
        )
        record.claims = claims
        nonce = claims['nonce']
        if not isinstance(nonce, str) or not nonce:
            raise PlatformError('nonce must be a non-empty string')
        if (client.client_id, nonce) in self._dl_nonces:
            raise PlatformError('nonce already used (replayed deep linking response)')
        self._dl_nonces.add((client.client_id, nonce))
        if claims.get(CLAIM_MESSAGE_TYPE) != MESSAGE_DEEP_LINKING_RESPONSE:
            raise PlatformError(f'message_type must be {MESSAGE_DEEP_LINKING_RESPONSE}')
        if claims.get(CLAIM_VERSION) != LTI_VERSION:
            raise PlatformError(f'version must be {LTI_VERSION}')
        if claims.get(CLAIM_DEPLOYMENT_ID) != client.deployment_id:
            raise PlatformError(f'deployment_id must be {client.deployment_id!r}')
        data = claims.get(CLAIM_DL_DATA)
        dl_request = self._dl_requests.get((client.client_id, data))
        if dl_request is None:
            raise PlatformError(
                'data does not echo the deep_linking_settings.data of any deep linking request'
                if data is not None
                else 'data claim missing: deep_linking_settings.data must be echoed'
            )
        settings = dl_request['settings']
        items = claims.get(CLAIM_DL_CONTENT_ITEMS, [])
        if not isinstance(items, list) or not all(isinstance(content, dict) for content in items):
            raise PlatformError('content_items must be an array of objects')
        if len(items) > 1 and not settings.get('accept_multiple', True):
            raise PlatformError('several content items but accept_multiple is false')
        for content in items:
            self._check_content_item(content, settings)
        record.content_items = copy.deepcopy(items)
        ctx = self._context(dl_request['context_id'])
        for content in items:
            if content['type'] != 'ltiResourceLink':
                continue
            number = len(self._resource_links) + 1
            while f'rl-{number}' in self._resource_links:
                number += 1
            link = self.add_resource_link(
                f'rl-{number}',
                title=content.get('title') or 'Untitled',
                description=content.get('text', ''),
                context_id=ctx.id,
                url=content.get('url'),
                custom=content.get('custom'),
            )
            record.resource_link_ids.append(link.id)
            spec = content.get('lineItem')
            if spec is not None and settings.get('accept_lineitem', True):
                item = self._new_line_item(
                    ctx,
                    client.type_id,
                    label=spec.get('label') or link.title,
                    score_maximum=spec['scoreMaximum'],
                    resource_link_id=link.id,
                    resource_id=spec.get('resourceId'),
                    tag=spec.get('tag'),
                )
                record.line_item_ids.append(item.id)

    @staticmethod
    def _check_content_item(content: dict[str, Any], settings: Mapping[str, Any]) -> None:
        kind = content.get('type')
        if kind not in DL_CONTENT_TYPES:
            raise PlatformError(f'unknown content item type {kind!r}')
        if kind not in settings.get('accept_types', []):
            raise PlatformError(f'content item type {kind!r} not in accept_types')
        if kind in {'link', 'file', 'image'} and not _is_url(content.get('url')):
            raise PlatformError(f'{kind} content item needs a url')
        if kind == 'html' and not isinstance(content.get('html'), str):
            raise PlatformError('html content item needs html')
        if content.get('url') is not None and not _is_url(content['url']):
            raise PlatformError(f'content item url {content["url"]!r} is not an absolute URL')
        if content.get('title') is not None and not isinstance(content['title'], str):
            raise PlatformError('content item title must be a string')
        custom = content.get('custom')
        if custom is not None and (
            not isinstance(custom, dict) or not all(isinstance(v, str) for v in custom.values())
        ):
            raise PlatformError('content item custom must be an object of strings')
        line_item = content.get('lineItem')
        if line_item is not None:
            if kind != 'ltiResourceLink' or not isinstance(line_item, dict):
                raise PlatformError('lineItem is only allowed (as an object) on ltiResourceLink items')
            if not _is_number(line_item.get('scoreMaximum')) or line_item['scoreMaximum'] <= 0:
                raise PlatformError('lineItem.scoreMaximum is required (number > 0)')
            for name in ('label', 'resourceId', 'tag'):
                if line_item.get(name) is not None and not isinstance(line_item[name], str):
                    raise PlatformError(f'lineItem.{name} must be a string')

    # ------------------------------------------------------------------------- dynamic registration

    def _handle_register(self, request: Request) -> Response:
        body: Any = None
        with contextlib.suppress(ValueError):
            body = json.loads(request.get_data(as_text=True))
        record = RegistrationRecord(body=body)
        self.registration_log.append(record)
        try:
            response = self._register(request, body)
        except PlatformError as exc:
            record.status, record.reason = exc.status, exc.reason
            raise
        record.status, record.client_id, record.response = 200, response['client_id'], response
        return self._json_response(response)

    def _register(self, request: Request, body: Any) -> dict[str, Any]:
        token = self._bearer(request)
        if token is None:
            raise PlatformError(
                'missing registration token (Authorization: Bearer)',
                status=401,
                error='missing_registration_token',
            )
        grant = self._registration_tokens.get(token)
        if grant is None or time.time() >= grant['expires_at']:
            raise PlatformError('invalid or expired registration token', status=401, error='invalid_token')
        if grant['used']:
            raise PlatformError('registration token already used', status=401, error='token_already_used')
        if request.mimetype != 'application/json':
            raise PlatformError('registration request must be application/json')
        if not isinstance(body, dict):
            raise PlatformError('registration body must be a JSON object', error='invalid_client_metadata')
        config = self._validate_registration(body)
        type_id = max([1, *(client.type_id for client in self._clients.values())]) + 1
        messages = config.get('messages') or []
        deep_link_url = next(
            (
                message.get('target_link_uri') or config['target_link_uri']
                for message in messages
                if message.get('type') == MESSAGE_DEEP_LINKING
            ),
            None,
        )
        scopes = body.get('scope', '').split()
        client = ToolClient(
            client_id=grant['client_id'],
            deployment_id=str(type_id),
            type_id=type_id,
            login_url=body['initiate_login_uri'],
            launch_url=config['target_link_uri'],
            jwks_url=body['jwks_uri'],
            deep_link_url=deep_link_url,
            redirect_uris=list(body['redirect_uris']),
            scopes=scopes,
            name=body['client_name'],
            custom=dict(config.get('custom_parameters') or {}),
            registration=copy.deepcopy(body),
        )
        self._clients[client.client_id] = client
        grant['used'] = True
        response = copy.deepcopy(body)
        response['client_id'] = client.client_id
        response[TOOL_CONFIGURATION] = {**copy.deepcopy(config), 'deployment_id': client.deployment_id}
        return response

    @staticmethod
    def _validate_registration(body: dict[str, Any]) -> dict[str, Any]:
        def invalid(reason: str, error: str = 'invalid_client_metadata') -> PlatformError:
            return PlatformError(reason, error=error)

        if body.get('application_type') != 'web':
            raise invalid('application_type must be "web"')
        if not isinstance(body.get('response_types'), list) or body['response_types'] != ['id_token']:
            raise invalid('response_types must be ["id_token"]')
        grant_types = body.get('grant_types')
        if not isinstance(grant_types, list) or sorted(grant_types) != ['client_credentials', 'implicit']:
            raise invalid('grant_types must be ["implicit", "client_credentials"]')
        if not _is_url(body.get('initiate_login_uri')):
            raise invalid('initiate_login_uri must be an absolute URL')
        redirect_uris = body.get('redirect_uris')
        if not isinstance(redirect_uris, list) or not redirect_uris or not all(map(_is_url, redirect_uris)):
            raise invalid('redirect_uris must be a non-empty array of absolute URLs', 'invalid_redirect_uri')
        if not _is_url(body.get('jwks_uri')):
            raise invalid('jwks_uri must be an absolute URL')
        if body.get('token_endpoint_auth_method') != 'private_key_jwt':
            raise invalid('token_endpoint_auth_method must be "private_key_jwt"')
        if not isinstance(body.get('client_name'), str) or not body['client_name'].strip():
            raise invalid('client_name is required')
        scope = body.get('scope', '')
        if not isinstance(scope, str):
            raise invalid('scope must be a space-separated string')
        unknown = [value for value in scope.split() if value not in SERVICE_SCOPES]
        if unknown:
            raise invalid(f'unsupported scopes: {unknown}')
        config = body.get(TOOL_CONFIGURATION)
        if not isinstance(config, dict):
            raise invalid(f'{TOOL_CONFIGURATION} object is required')
        domain = config.get('domain')
        if not isinstance(domain, str) or not domain:
            raise invalid('tool configuration domain is required')
        if not _is_url(config.get('target_link_uri')):
            raise invalid('tool configuration target_link_uri must be an absolute URL')
        if not _domain_matches(config['target_link_uri'], domain):
            raise invalid(f'target_link_uri is not on the tool domain {domain!r}')
        claims = config.get('claims')
        if not isinstance(claims, list) or not all(isinstance(claim, str) for claim in claims):
            raise invalid('tool configuration claims must be an array of strings')
        messages = config.get('messages')
        if not isinstance(messages, list):
            raise invalid('tool configuration messages must be an array')
        for message in messages:
            if not isinstance(message, dict) or message.get('type') not in {
                MESSAGE_RESOURCE_LINK,
                MESSAGE_DEEP_LINKING,
            }:
                raise invalid(f'unsupported message {message!r}')
            if message.get('target_link_uri') is not None and not _is_url(message['target_link_uri']):
                raise invalid('message target_link_uri must be an absolute URL')
        custom = config.get('custom_parameters')
        if custom is not None and (
            not isinstance(custom, dict) or not all(isinstance(v, str) for v in custom.values())
        ):
            raise invalid('custom_parameters must be an object of strings')
        return config
