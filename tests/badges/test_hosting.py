"""Hosted verification: content negotiation, Open Graph, 410 for revoked badges, the EU extension's schemas,
baking, the learner's page, trainer revocation and the operators' commands."""

import json
import struct

import jsonschema
import pytest
import sqlalchemy as sa

from lms_ext.accounts import services as accounts
from lms_ext.accounts.models import Role
from lms_ext.badges import baking, ob2, services
from lms_ext.badges.models import Assertion
from tests.badges.builders import complete
from tests.conftest import login
from tests.factories import UserFactory


@pytest.fixture
def assertion(db_session, run):
    complete(run)
    return db_session.scalar(sa.select(Assertion))


def _get_json(client, url, accept=None):
    headers = {'Accept': accept} if accept else {}
    response = client.get(url, headers=headers)
    return response, response.get_json(force=True) if response.status_code != 404 else None


@pytest.mark.parametrize(('accept', 'mimetype'), [
    (None, 'application/json'), ('application/ld+json', 'application/ld+json'),
    ('application/json', 'application/json'), ('*/*', 'application/json'),
])
def test_json_ld_for_machines(client, assertion, accept, mimetype):
    links = services.links()
    response, document = _get_json(client, links.assertion(assertion.public_id), accept)
    assert response.status_code == 200 and response.mimetype == mimetype
    assert document['@context'] == ob2.OB_V2_CONTEXT and document['type'] == 'Assertion'
    assert document['id'] == links.assertion(assertion.public_id)
    assert document['recipient'] == {'type': 'email', 'hashed': True, 'salt': assertion.salt,
                                     'identity': assertion.recipient_hash}
    assert document['issuedOn'].endswith('+00:00')
    _, badge_class = _get_json(client, document['badge'], accept)
    assert badge_class['type'] == 'BadgeClass' and badge_class['version'] == '1'
    assert 'Learning outcomes' in badge_class['criteria']['narrative']
    targets = {a['targetUrl'] for a in badge_class['alignment']}
    assert 'http://data.europa.eu/snb/eqf/3' in targets
    assert 'http://data.europa.eu/esco/skill/0a2d8a4a-example' in targets
    assert len(badge_class['alignment']) == len(assertion.version.outcomes) + 1
    _, issuer = _get_json(client, badge_class['issuer'], accept)
    assert issuer['type'] == 'Issuer' and issuer['verification']['startsWith'] == f'{links.root}/'
    assert client.get(badge_class['image']).mimetype == 'image/png'


def test_html_page_with_open_graph_for_browsers(client, assertion):
    url = services.links().assertion(assertion.public_id)
    response = client.get(url, headers={'Accept': 'text/html,application/xhtml+xml,*/*;q=0.8'})
    page = response.get_data(as_text=True)
    assert response.mimetype == 'text/html' and 'Accept' in response.headers['Vary']
    og_image = services.links().class_image(assertion.badge_class.public_id)
    assert f'<meta property="og:image" content="{og_image}">' in page
    assert assertion.version.title in page and 'revoked' not in page.lower()
    evidence = client.get(services.links().evidence(assertion.public_id)).get_data(as_text=True)
    assert 'Quiz results' in evidence and assertion.learner.email not in evidence


def test_revoked_assertion_answers_410(client, assertion):
    services.revoke(assertion, reason='Issued in error')
    url = services.links().assertion(assertion.public_id)
    response, body = _get_json(client, url)
    assert response.status_code == 410
    assert body == {'id': url, 'revoked': True, 'revocationReason': 'Issued in error'}
    page = client.get(url, headers={'Accept': 'text/html'})
    assert page.status_code == 410 and 'This badge has been revoked' in page.get_data(as_text=True)
    _, revocations = _get_json(client, services.links().revocations(assertion.badge_class.issuer.public_id))
    assert revocations['revokedAssertions'] == [{'id': url, 'revocationReason': 'Issued in error'}]
    assert client.get(services.links().baked(assertion.public_id, 'png')).status_code == 410


def test_unknown_ids_are_404(client, assertion):
    assert client.get('/badges/assertions/nope').status_code == 404
    assert client.get('/badges/classes/nope').status_code == 404


def test_extension_documents_validate_against_their_json_schemas(client, assertion):
    links = services.links()
    _, context = _get_json(client, links.extension_context)
    schemas = {v['obi:validatesType']: _get_json(client, v['obi:validationSchema'])[1]
               for v in context['obi:validation']}
    _, document = _get_json(client, links.assertion(assertion.public_id))
    _, badge_class = _get_json(client, document['badge'])
    module_facts = badge_class['extensions:EUMicroCredential']
    learner_facts = document['extensions:EUMicroCredentialAssessment']
    for schema in schemas.values():
        jsonschema.Draft4Validator.check_schema(schema)
    jsonschema.validate(module_facts, schemas['extensions:EUMicroCredential'])
    jsonschema.validate(learner_facts, schemas['extensions:EUMicroCredentialAssessment'])
    assert module_facts['notionalWorkload'] == 'PT4H' and 'ects' not in module_facts
    assert module_facts['countryOfIssuer'].endswith('/country/DEU')
    assert learner_facts['supervisionAndIdentityVerification'] == ob2.SUPERVISED_ONSITE
    assert 'learnerName' not in learner_facts  # only with consent
    broken = {**module_facts, 'eqfLevel': 'level three'}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schemas['extensions:EUMicroCredential'])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({k: v for k, v in learner_facts.items() if k != 'result'},
                            schemas['extensions:EUMicroCredentialAssessment'])
    _, pinned = _get_json(client, f'{links.root}/contexts/openbadges-v2.json')
    assert pinned['@context']['Assertion'] == 'obi:Assertion'


def test_iso_durations():
    assert [ob2.iso_duration(h) for h in ('4', '4.5', '0.25', '12.75')] == ['PT4H', 'PT4H30M', 'PT15M', 'PT12H45M']


def test_baked_png_and_svg_round_trip(client, assertion):
    links = services.links()
    png = client.get(links.baked(assertion.public_id, 'png')).data
    width, height = struct.unpack('>II', png[16:24])
    assert width == height and len(png) <= baking.MAX_PNG_BYTES
    assert json.loads(baking.unbake(png))['id'] == links.assertion(assertion.public_id)
    svg = client.get(links.baked(assertion.public_id, 'svg')).get_data(as_text=True)
    assert baking.unbake(svg.encode()) == links.assertion(assertion.public_id)
    with pytest.raises(baking.BakingError, match='already baked'):
        baking.bake_svg(svg, {'id': 'x'}, verify_url='x')
    with pytest.raises(baking.BakingError, match='not a PNG'):
        baking.bake_png(b'GIF89a', {'id': 'x'})
    rebaked = baking.bake_png(png, {'id': 'other'})
    assert json.loads(baking.unbake(rebaked)) == {'id': 'other'}  # the earlier chunk was replaced


def test_learner_page_consent_and_linkedin(client, assertion):
    learner = assertion.learner
    login(client, learner)
    page = client.get('/badges/mine').get_data(as_text=True)
    assert 'https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME' in page
    assert f'certId={assertion.public_id}' in page and 'Download PNG' in page
    consent = f'/badges/assertions/{assertion.public_id}/consent'
    assert client.post(consent, data={'show_name': 'true'}).status_code == 302
    _, document = _get_json(client, services.links().assertion(assertion.public_id))
    assert document['extensions:EUMicroCredentialAssessment']['learnerName'] == learner.display_name
    other = UserFactory()
    login(client, other)
    assert client.post(f'/badges/assertions/{assertion.public_id}/consent',
                       data={'show_name': 'false'}).status_code == 404


def test_trainer_revokes_with_a_reason(client, db_session, assertion):
    trainer = UserFactory()
    accounts.enroll(trainer, assertion.course, Role.instructor)
    url = f'/badges/assertions/{assertion.public_id}/revoke'
    login(client, assertion.learner)
    assert client.post(url, data={'reason': 'Nope'}).status_code == 403
    login(client, trainer)
    assert assertion.learner.display_name in client.get(f'/badges/courses/{assertion.course_id}').get_data(
        as_text=True)
    assert client.post(url, data={'reason': ''}).status_code == 422
    assert client.post(url, data={'reason': 'Identity could not be confirmed'}).status_code == 302
    db_session.refresh(assertion)
    assert assertion.revocation_reason == 'Identity could not be confirmed'
    assert assertion.events[-1].actor_id == trainer.id


def test_cli_lists_and_revokes(app, db_session, assertion):
    runner = app.test_cli_runner()
    listed = [json.loads(line) for line in runner.invoke(args=['badges', 'list']).output.splitlines()]
    assert listed[0]['url'] == services.links().assertion(assertion.public_id) and listed[0]['revoked_at'] is None
    result = runner.invoke(args=['badges', 'revoke', assertion.public_id, '--reason', 'Duplicate learner account'])
    assert result.exit_code == 0, result.output
    listed = [json.loads(line) for line in runner.invoke(args=['badges', 'list']).output.splitlines()]
    assert listed[0]['revocation_reason'] == 'Duplicate learner account'
    assert runner.invoke(args=['badges', 'revoke', 'nope', '--reason', 'x']).exit_code == 1
