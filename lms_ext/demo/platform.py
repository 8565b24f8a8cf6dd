"""A built-in stand-in LMS for DEMO_MODE: it signs real id_tokens so a newcomer can try the tool.

It plays the platform's side only (OIDC authorisation endpoint, JWKS, deep-linking return), and the
tool treats it like any other registered platform: every demo launch goes through the real
/lti/login and /lti/launch. It is never registered when DEMO_MODE is off.
"""

import os
import secrets
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import jwt
import sqlalchemy as sa
from jwcrypto.jwk import JWK

from lms_ext.core.db import db
from lms_ext.core.errors import InvalidInput
from lms_ext.lti.models import Deployment, Platform, PlatformStatus, RegistrationMethod
from lms_ext.lti.store import Store

from .seed import DEMO_CONTEXT_ID, DEMO_ISSUER, DEMO_MODULE_SLUG

CLIENT_ID = 'microvet-demo-client'
DEPLOYMENT_ID = 'demo-deployment-1'
HINT_TTL = 600
ACTIVITIES_KEY = 'demo:activities'
ACTIVITIES_TTL = 365 * 24 * 3600
CLAIM = 'https://purl.imsglobal.org/spec/lti/claim/'
MEMBERSHIP = 'http://purl.imsglobal.org/vocab/lis/v2/membership#'


@dataclass(frozen=True)
class Persona:
    key: str
    sub: str
    given_name: str
    family_name: str
    email: str
    roles: tuple[str, ...]
    description: str

    @property
    def name(self) -> str:
        return f'{self.given_name} {self.family_name}'


PERSONAS = {p.key: p for p in (
    Persona('learner', 'demo-learner-lena', 'Lena', 'Novak', 'lena.novak@demo.invalid', (MEMBERSHIP + 'Learner',),
            'an apprentice metalworker, often on her phone'),
    Persona('trainer', 'demo-trainer-tomas', 'Tomas', 'Berg', 'tomas.berg@demo.invalid', (MEMBERSHIP + 'Instructor',),
            'the VET trainer who runs the course'),
    Persona('mentor', 'demo-mentor-maria', 'Maria', 'Costa', 'maria.costa@demo.invalid', (MEMBERSHIP + 'Mentor',),
            'a workshop mentor at the training company'),
)}
DEFAULT_ACTIVITY = {'id': 'demo-link-angle-grinder', 'title': 'Safe use of an angle grinder',
                    'custom': {'module': DEMO_MODULE_SLUG}}


def endpoints(base_url: str) -> dict:
    return {'auth_login_url': f'{base_url}/demo/platform/auth', 'key_set_url': f'{base_url}/demo/platform/jwks',
            'auth_token_url': f'{base_url}/demo/platform/token',
            'deep_link_return_url': f'{base_url}/demo/platform/deep-link-return',
            'launch_url': f'{base_url}/lti/launch', 'login_url': f'{base_url}/lti/login'}


def register(base_url: str) -> Platform:
    """Register (or re-point, when BASE_URL changed) the demo platform and its deployment."""
    urls = endpoints(base_url)
    platform = db.session.scalar(sa.select(Platform).where(Platform.issuer == DEMO_ISSUER,
                                                           Platform.client_id == CLIENT_ID))
    if platform is None:
        platform = Platform(issuer=DEMO_ISSUER, client_id=CLIENT_ID, method=RegistrationMethod.demo,
                            status=PlatformStatus.active, name='Demo learning platform')
        platform.deployments.append(Deployment(deployment_id=DEPLOYMENT_ID))
        db.session.add(platform)
    platform.auth_login_url, platform.key_set_url = urls['auth_login_url'], urls['key_set_url']
    platform.auth_token_url = urls['auth_token_url']
    db.session.flush()
    return platform


# --------------------------------------------------------------------------- the demo platform's key


def _key_path(instance_dir: str | Path) -> Path:
    return Path(instance_dir) / 'demo_platform_key.json'


def platform_key(instance_dir: str | Path) -> JWK:
    """The demo platform's signing key, created once per installation (atomically: several workers)."""
    path = _key_path(instance_dir)
    if not path.exists():
        key = JWK.generate(kty='RSA', size=2048, kid='demo-platform-' + secrets.token_hex(4), alg='RS256', use='sig')
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, 'w') as f:
                f.write(key.export_private())
    return JWK.from_json(path.read_text())


def public_jwks(instance_dir: str | Path) -> dict:
    return {'keys': [platform_key(instance_dir).export_public(as_dict=True)]}


# --------------------------------------------------------------------------- the course page


def activities(store: Store) -> list[dict]:
    return store.get(ACTIVITIES_KEY) or [DEFAULT_ACTIVITY]


def add_activities(store: Store, items: list[dict]) -> list[dict]:
    current = activities(store)
    added = [{'id': 'demo-link-' + secrets.token_hex(4), 'title': item.get('title', 'Activity'),
              'custom': item.get('custom', {})} for item in items]
    store.put(ACTIVITIES_KEY, current + added, ACTIVITIES_TTL)
    return added


# --------------------------------------------------------------------------- OIDC


def start_login(store: Store, base_url: str, persona_key: str, message_type: str, activity_id: str | None) -> str:
    """The tool's login initiation URL with a single-use message hint, as an LMS would redirect to."""
    if persona_key not in PERSONAS:
        raise InvalidInput('persona', 'Unknown demo persona.')
    hint = secrets.token_urlsafe(16)
    store.put(f'demo:hint:{hint}', {'persona': persona_key, 'message_type': message_type,
                                    'activity_id': activity_id}, HINT_TTL)
    urls = endpoints(base_url)
    query = {'iss': DEMO_ISSUER, 'login_hint': PERSONAS[persona_key].sub, 'target_link_uri': urls['launch_url'],
             'lti_message_hint': hint, 'client_id': CLIENT_ID, 'lti_deployment_id': DEPLOYMENT_ID}
    return f'{urls["login_url"]}?{urlencode(query)}'


def authorize(store: Store, base_url: str, instance_dir, params: dict) -> tuple[str, dict]:
    """Check an OIDC authorisation request as a strict platform does; (redirect_uri, form fields)."""
    urls = endpoints(base_url)
    expected = {'scope': 'openid', 'response_type': 'id_token', 'response_mode': 'form_post', 'prompt': 'none',
                'client_id': CLIENT_ID, 'redirect_uri': urls['launch_url']}
    for name, value in expected.items():
        if params.get(name) != value:
            raise InvalidInput(name, f'expected {value!r}')
    for name in ('state', 'nonce', 'login_hint', 'lti_message_hint'):
        if not params.get(name):
            raise InvalidInput(name, 'missing')
    hint = store.pop(f'demo:hint:{params["lti_message_hint"]}')
    if hint is None:
        raise InvalidInput('lti_message_hint', 'unknown or already used')
    persona = PERSONAS[hint['persona']]
    if params['login_hint'] != persona.sub:
        raise InvalidInput('login_hint', 'not the user this login was started for')
    claims = _claims(store, urls, persona, hint, params['nonce'])
    key = platform_key(instance_dir)
    token = jwt.encode(claims, key.export_to_pem(private_key=True, password=None), algorithm='RS256',
                       headers={'kid': key.key_id})
    return params['redirect_uri'], {'id_token': token, 'state': params['state']}


def _claims(store: Store, urls: dict, persona: Persona, hint: dict, nonce: str) -> dict:
    now = int(time.time())
    claims = {
        'iss': DEMO_ISSUER, 'aud': CLIENT_ID, 'sub': persona.sub, 'iat': now, 'exp': now + 300, 'nonce': nonce,
        'name': persona.name, 'given_name': persona.given_name, 'family_name': persona.family_name,
        'email': persona.email, 'locale': 'en',
        CLAIM + 'message_type': hint['message_type'], CLAIM + 'version': '1.3.0',
        CLAIM + 'deployment_id': DEPLOYMENT_ID, CLAIM + 'target_link_uri': urls['launch_url'],
        CLAIM + 'roles': list(persona.roles),
        CLAIM + 'context': {'id': DEMO_CONTEXT_ID, 'label': 'MW-101', 'title': 'Metalwork basics (demo course)',
                            'type': ['http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering']},
        CLAIM + 'tool_platform': {'guid': 'demo-platform', 'name': 'microVET demo platform', 'product_family_code':
                                  'microvet-demo'},
        CLAIM + 'launch_presentation': {'document_target': 'window', 'locale': 'en'},
    }
    if hint['message_type'] == 'LtiDeepLinkingRequest':
        claims['https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings'] = {
            'deep_link_return_url': urls['deep_link_return_url'], 'accept_types': ['ltiResourceLink'],
            'accept_presentation_document_targets': ['iframe', 'window'], 'accept_multiple': True,
            'auto_create': True, 'data': 'demo-' + uuid.uuid4().hex[:8]}
    else:
        activity = next((a for a in activities(store) if a['id'] == hint['activity_id']), DEFAULT_ACTIVITY)
        claims[CLAIM + 'resource_link'] = {'id': activity['id'], 'title': activity['title']}
        claims[CLAIM + 'custom'] = activity['custom']
    return claims


def read_deep_link_response(token: str, tool_jwks: dict) -> list[dict]:
    """Verify the tool's signed LtiDeepLinkingResponse as a platform does; its content items."""
    try:
        kid = jwt.get_unverified_header(token).get('kid')
        jwk = next(k for k in tool_jwks['keys'] if k.get('kid') == kid)
        claims = jwt.decode(token, jwt.PyJWK(jwk, algorithm='RS256').key, algorithms=['RS256'],
                            audience=DEMO_ISSUER, issuer=CLIENT_ID, options={'require': ['exp', 'iat', 'nonce']})
    except (StopIteration, jwt.InvalidTokenError) as exc:
        raise InvalidInput('JWT', f'the tool response does not verify: {exc}') from exc
    if claims.get(CLAIM + 'message_type') != 'LtiDeepLinkingResponse' or claims.get(CLAIM + 'version') != '1.3.0':
        raise InvalidInput('JWT', 'not an LTI 1.3 deep linking response')
    items = claims.get('https://purl.imsglobal.org/spec/lti-dl/claim/content_items', [])
    return [i for i in items if i.get('type') == 'ltiResourceLink']
