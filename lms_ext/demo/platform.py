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
    Persona('graduate', 'demo-graduate-gabriel', 'Gabriel', 'Horvat', 'gabriel.horvat@demo.invalid',
            (MEMBERSHIP + 'Learner',), 'an apprentice who finished the module and holds its badge'),
)}
DEFAULT_ACTIVITY = {'id': 'demo-link-angle-grinder', 'title': 'Safe use of an angle grinder',
                    'custom': {'module': DEMO_MODULE_SLUG}}


def endpoints(base_url: str) -> dict:
    return {'auth_login_url': f'{base_url}/demo/platform/auth', 'key_set_url': f'{base_url}/demo/platform/jwks',
            'auth_token_url': f'{base_url}/demo/platform/token',
            'deep_link_return_url': f'{base_url}/demo/platform/deep-link-return',
            'launch_url': f'{base_url}/lti/launch', 'login_url': f'{base_url}/lti/login',
            'lineitems_url': f'{base_url}/demo/platform/lineitems',
            'memberships_url': f'{base_url}/demo/platform/memberships'}


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


def add_activities(store: Store, base_url: str, items: list[dict]) -> list[dict]:
    """Place deep-linked items in the course; each lineItem becomes a gradebook column, as in Moodle."""
    current = activities(store)
    added = []
    for item in items:
        activity = {'id': 'demo-link-' + secrets.token_hex(4), 'title': item.get('title', 'Activity'),
                    'custom': item.get('custom', {})}
        if isinstance(item.get('lineItem'), dict):
            line_item = create_line_item(store, base_url, {**item['lineItem'], 'resourceLinkId': activity['id']})
            activity['lineitem'] = line_item['id']
        added.append(activity)
    store.put(ACTIVITIES_KEY, current + added, ACTIVITIES_TTL)
    return added


# --------------------------------------------------------------------------- OIDC


NEWCOMERS_KEY = 'demo:newcomers'
NEW_LEARNER = 'new'  # a fresh learner on every click: try the first launch (questionnaire) again and again


def _new_learner() -> Persona:
    number = secrets.randbelow(9000) + 1000
    # No e-mail address, as from an LMS whose privacy settings withhold it: the badge then waits until the
    # learner confirms an address (the confirmation link lands in the demo outbox).
    return Persona(NEW_LEARNER, f'demo-new-learner-{secrets.token_hex(6)}', 'New learner', str(number),
                   '', (MEMBERSHIP + 'Learner',), 'a learner on their first launch')


def _persona(hint: dict) -> Persona:
    if hint['persona'] == NEW_LEARNER:
        new = hint['new_learner']
        return Persona(NEW_LEARNER, new['sub'], new['given_name'], new['family_name'], new['email'],
                       (MEMBERSHIP + 'Learner',), '')
    return PERSONAS[hint['persona']]


def start_login(store: Store, base_url: str, persona_key: str, message_type: str, activity_id: str | None) -> str:
    """The tool's login initiation URL with a single-use message hint, as an LMS would redirect to."""
    if persona_key not in PERSONAS and persona_key != NEW_LEARNER:
        raise InvalidInput('persona', 'Unknown demo persona.')
    hint = secrets.token_urlsafe(16)
    record = {'persona': persona_key, 'message_type': message_type, 'activity_id': activity_id}
    if persona_key == NEW_LEARNER:
        new = _new_learner()
        record['new_learner'] = {'sub': new.sub, 'given_name': new.given_name, 'family_name': new.family_name,
                                 'email': new.email}
    store.put(f'demo:hint:{hint}', record, HINT_TTL)
    urls = endpoints(base_url)
    query = {'iss': DEMO_ISSUER, 'login_hint': _persona(record).sub, 'target_link_uri': urls['launch_url'],
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
    persona = _persona(hint)
    if persona.key == NEW_LEARNER:  # enrol them in the demo course, as the LMS would have
        newcomers = store.get(NEWCOMERS_KEY) or []
        if persona.sub not in {n['user_id'] for n in newcomers}:
            store.put(NEWCOMERS_KEY, newcomers + [{'user_id': persona.sub, 'name': persona.name, 'given_name':
                                                   persona.given_name, 'family_name': persona.family_name,
                                                   'status': 'Active', 'roles': [MEMBERSHIP + 'Learner']}],
                      ACTIVITIES_TTL)
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
        'locale': 'en',
        CLAIM + 'message_type': hint['message_type'], CLAIM + 'version': '1.3.0',
        CLAIM + 'deployment_id': DEPLOYMENT_ID, CLAIM + 'target_link_uri': urls['launch_url'],
        CLAIM + 'roles': list(persona.roles),
        CLAIM + 'context': {'id': DEMO_CONTEXT_ID, 'label': 'MW-101', 'title': 'Metalwork basics (demo course)',
                            'type': ['http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering']},
        CLAIM + 'tool_platform': {'guid': 'demo-platform', 'name': 'microVET demo platform', 'product_family_code':
                                  'microvet-demo'},
        CLAIM + 'launch_presentation': {'document_target': 'window', 'locale': 'en'},
    }
    if persona.email:
        claims['email'] = persona.email
    if hint['message_type'] == 'LtiDeepLinkingRequest':
        claims['https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings'] = {
            'deep_link_return_url': urls['deep_link_return_url'], 'accept_types': ['ltiResourceLink'],
            'accept_presentation_document_targets': ['iframe', 'window'], 'accept_multiple': True,
            'auto_create': True, 'data': 'demo-' + uuid.uuid4().hex[:8]}
    else:
        activity = next((a for a in activities(store) if a['id'] == hint['activity_id']), DEFAULT_ACTIVITY)
        claims[CLAIM + 'resource_link'] = {'id': activity['id'], 'title': activity['title']}
        claims[CLAIM + 'custom'] = activity['custom']
        claims['https://purl.imsglobal.org/spec/lti-ags/claim/endpoint'] = {
            'scope': AGS_SCOPES, 'lineitems': urls['lineitems_url'],
            **({'lineitem': activity['lineitem']} if activity.get('lineitem') else {})}
    claims['https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice'] = {
        'context_memberships_url': urls['memberships_url'], 'service_versions': ['2.0']}
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


# --------------------------------------------------------------------------- services: token, AGS, NRPS

AGS_SCOPES = ['https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
              'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly',
              'https://purl.imsglobal.org/spec/lti-ags/scope/score']
NRPS_SCOPE = 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly'
LINE_ITEMS_KEY = 'demo:lineitems'
SCORES_KEY = 'demo:scores'
TOKEN_TTL = 3600
# A few classmates so that the trainer's roster and gradebook are not empty.
CLASSMATES = [('demo-learner-ahmed', 'Ahmed', 'Haddad'), ('demo-learner-sofia', 'Sofia', 'Rossi'),
              ('demo-learner-jonas', 'Jonas', 'Weber')]


def issue_token(store: Store, base_url: str, form: dict, tool_jwks: dict) -> dict:
    """OAuth2 client credentials with a signed JWT assertion, checked as a platform does."""
    if form.get('grant_type') != 'client_credentials' or form.get('client_assertion_type') != (
            'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'):
        raise InvalidInput('grant_type', 'client_credentials with a JWT bearer assertion expected')
    assertion = form.get('client_assertion', '')
    try:
        kid = jwt.get_unverified_header(assertion).get('kid')
        jwk = next(k for k in tool_jwks['keys'] if k.get('kid') == kid)
        claims = jwt.decode(assertion, jwt.PyJWK(jwk, algorithm='RS256').key, algorithms=['RS256'],
                            audience=endpoints(base_url)['auth_token_url'], issuer=CLIENT_ID,
                            options={'require': ['exp', 'iat', 'jti', 'sub']})
    except (StopIteration, jwt.InvalidTokenError) as exc:
        raise InvalidInput('client_assertion', f'does not verify: {exc}') from exc
    if claims['sub'] != CLIENT_ID or store.get(f'demo:jti:{claims["jti"]}'):
        raise InvalidInput('client_assertion', 'wrong subject or replayed jti')
    store.put(f'demo:jti:{claims["jti"]}', True, 600)
    scopes = [s for s in form.get('scope', '').split() if s in AGS_SCOPES + [NRPS_SCOPE]]
    token = secrets.token_urlsafe(24)
    store.put(f'demo:token:{token}', scopes, TOKEN_TTL)
    return {'access_token': token, 'token_type': 'Bearer', 'expires_in': TOKEN_TTL, 'scope': ' '.join(scopes)}


def check_token(store: Store, authorization: str, scope: str) -> None:
    token = authorization.removeprefix('Bearer ').strip()
    scopes = store.get(f'demo:token:{token}') if token else None
    if scopes is None or scope not in scopes:
        raise PermissionError('invalid or expired token')


def roster(store: Store) -> list[dict]:
    members = [{'user_id': p.sub, 'name': p.name, 'given_name': p.given_name, 'family_name': p.family_name,
                'email': p.email, 'status': 'Active', 'roles': list(p.roles)} for p in PERSONAS.values()]
    members += [{'user_id': sub, 'name': f'{given} {family}', 'given_name': given, 'family_name': family,
                 'status': 'Active', 'roles': [MEMBERSHIP + 'Learner']} for sub, given, family in CLASSMATES]
    return members + (store.get(NEWCOMERS_KEY) or [])


def line_items(store: Store) -> list[dict]:
    return store.get(LINE_ITEMS_KEY) or []


def create_line_item(store: Store, base_url: str, data: dict) -> dict:
    items = line_items(store)
    number = len(items) + 1
    item = {'id': f'{base_url}/demo/platform/lineitems/{number}', 'label': str(data.get('label', 'Activity')),
            'scoreMaximum': float(data.get('scoreMaximum', 100)), 'resourceLinkId': data.get('resourceLinkId'),
            'resourceId': data.get('resourceId')}
    store.put(LINE_ITEMS_KEY, items + [item], ACTIVITIES_TTL)
    return item


def record_score(store: Store, number: int, score: dict) -> None:
    """Keep a score as Moodle does: only FullyGraded sets the grade; timestamps must increase (409)."""
    items = line_items(store)
    if not 1 <= number <= len(items):
        raise LookupError('no such line item')
    if score.get('userId') not in {m['user_id'] for m in roster(store) if MEMBERSHIP + 'Learner' in m['roles']}:
        raise InvalidInput('userId', 'not a student of this course')
    scores = store.get(SCORES_KEY) or []
    previous = [s for s in scores if s['lineitem'] == number and s['userId'] == score['userId']]
    if previous and score.get('timestamp', '') <= previous[-1]['timestamp']:
        raise FileExistsError('timestamp not after the previous score')
    scores.append({'lineitem': number, **score})
    store.put(SCORES_KEY, scores, ACTIVITIES_TTL)


def gradebook(store: Store) -> list[dict]:
    """One row per line item: label and the latest grade per learner name."""
    names = {m['user_id']: m['name'] for m in roster(store)}
    scores = store.get(SCORES_KEY) or []
    rows = []
    for number, item in enumerate(line_items(store), start=1):
        latest = {}
        for s in scores:
            if s['lineitem'] == number:
                graded = s.get('gradingProgress') == 'FullyGraded' and s.get('scoreGiven') is not None
                latest[names.get(s['userId'], s['userId'])] = (
                    round(s['scoreGiven'] / s['scoreMaximum'] * item['scoreMaximum'], 2) if graded else None)
        rows.append({'item': item, 'grades': latest})
    return rows
