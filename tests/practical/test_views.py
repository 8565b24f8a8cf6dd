"""The pages over real HTTP: external mentor invitation end to end, the code entry lockout, the
two-device flow with a retried submit, trainer pages."""

import re

import sqlalchemy as sa
from flask import g

from lms_ext.accounts.models import Role, User, UserKind
from lms_ext.core.db import db
from lms_ext.practical.models import CodeFailure, Signoff
from tests.conftest import login


class Phone:
    """A test client whose requests never see another client's signed-in user: the tests share one app
    context, where flask-login caches the current user in `g`."""

    def __init__(self, app):
        self.client = app.test_client()

    def __getattr__(self, method):
        call = getattr(self.client, method)

        def request(*args, **kwargs):
            g.pop('_login_user', None)
            return call(*args, **kwargs)
        return request

    def session_transaction(self):
        return self.client.session_transaction()


def _sign_form(world, key='retry-key-0000000001'):
    form = {f'c-{c.id}': 'met' for c in world.checklist.criteria}
    form.update({f'o-{o.id}': '3' for o in world.checklist.outcomes})
    form.update(signature_name='Erika Example', confirm='1', idempotency_key=key, note='')
    return form


def _start(client, world) -> tuple[str, str]:
    """As the learner: ask for sign-off; (session page URL, the code shown)."""
    login(client, world.learner)
    response = client.post(f'/practical/courses/{world.course.id}/steps/{world.step.id}/sessions')
    assert response.status_code == 303
    page = client.get(response.location)
    code = re.search(r'data-code>(\d{3}) (\d{3})<', page.text)
    assert '<svg' in page.text and code
    return response.location, code.group(1) + code.group(2)


def test_external_mentor_invitation_works_without_any_lms_account(world, app):
    client = Phone(app)
    login(client, world.trainer)
    page = client.post(f'/practical/courses/{world.course.id}/invitations', data={'note': 'Workshop Meyer', 'days': 3})
    url = re.search(r'value="(http[^"]+/practical/invitations/[^"]+)"', page.text).group(1)
    assert '<svg' in page.text  # the QR code to print or send
    path = url.split('localhost', 1)[-1]
    client.post('/logout')

    mentor_phone = Phone(app)  # no LMS account, no launch
    assert 'Become a workplace mentor' in mentor_phone.get(path).text
    response = mentor_phone.post(path, data={'name': 'Erika Meyer', 'organisation': 'Meyer Metallbau',
                                             'email': 'erika@meyer.example', 'password': 'a-long-password-1'})
    assert response.status_code == 303 and response.location.endswith('/practical/mentor')
    erika = db.session.scalar(sa.select(User).where(User.email == 'erika@meyer.example'))
    assert erika.kind is UserKind.local and erika.issuer is None and erika.organisation == 'Meyer Metallbau'
    assert any(e.role is Role.mentor and e.course_id == world.course.id for e in erika.enrollments)
    assert mentor_phone.post(path, data={'name': 'X Y', 'organisation': 'Z Z', 'email': 'x@y.example',
                                         'password': 'a-long-password-2'}).status_code == 404  # single use

    login(client, world.trainer)
    client.post(f'/practical/courses/{world.course.id}/assignments',
                data={'mentor_id': erika.id, 'learner_id': world.learner.id})
    learner_phone = Phone(app)
    session_url, code = _start(learner_phone, world)
    response = mentor_phone.post('/practical/mentor', data={'code': code})
    assert response.status_code == 303, response.text
    mentor_url = response.location
    match = re.search(r'data-match>(\w{4})<', mentor_phone.get(mentor_url).text).group(1)
    assert f'data-match>{match}<' in learner_phone.get(session_url).text  # both screens, the same code

    first = mentor_phone.post(mentor_url, data=_sign_form(world))
    retry = mentor_phone.post(mentor_url, data=_sign_form(world))  # the connection dropped; sent again
    assert first.status_code == retry.status_code == 303
    assert db.session.scalar(sa.select(sa.func.count(Signoff.id))) == 1
    assert learner_phone.get(f'/practical/sessions/{first.location.split("/")[-2]}/status').json['state'] == 'signed'
    confirm = session_url + '/confirm'
    assert learner_phone.post(confirm, data={'took_place': '1'}).status_code == 303
    assert 'Passed: your practical task is signed off.' in learner_phone.get(session_url).text
    assert 'Checklist passed' in mentor_phone.get(mentor_url).text

    login(client, world.trainer)
    client.post(f'/practical/courses/{world.course.id}/mentors/{erika.id}/revoke')
    db.session.refresh(erika)
    assert not erika.is_active_account and not erika.enrollments


def test_wrong_codes_lock_code_entry_and_the_failures_are_kept(world, app):
    learner_phone, mentor_phone = Phone(app), Phone(app)
    _session_url, code = _start(learner_phone, world)
    login(mentor_phone, world.mentor)
    wrong = '999999' if code != '999999' else '888888'
    for _ in range(5):
        response = mentor_phone.post('/practical/mentor', data={'code': wrong})
        assert response.status_code == 422 and 'This code is not valid' in response.text
    assert db.session.scalar(sa.select(sa.func.count(CodeFailure.id)).where(
        CodeFailure.user_id == world.mentor.id)) == 5  # committed although each request failed
    assert mentor_phone.post('/practical/mentor', data={'code': code}).status_code == 403
    assert 'locked' in mentor_phone.get('/practical/mentor').text


def test_learner_cannot_open_the_mentor_pages_for_themself(world, app):
    learner_phone = Phone(app)
    _session_url, code = _start(learner_phone, world)
    assert learner_phone.post('/practical/mentor', data={'code': code}).status_code == 403


def test_trainer_authors_the_checklist_of_a_draft_only(world, app):
    client = Phone(app)
    login(client, world.trainer)
    published = client.get(f'/author/steps/{world.step.id}/checklist')
    assert published.status_code == 200 and 'cannot change' in published.text
    from lms_ext.content import services as content
    draft = content.new_draft_from(world.step.version)
    step = draft.steps[-1]
    outcome = draft.outcomes[0]
    form = {'min_other_met': '0', 'criteria-0-text': 'Keeps the guard on', 'criteria-0-critical': '1',
            'criteria-0-outcomes': str(outcome.id), 'criteria-0-guidance': '', 'criteria-1-text': ''}
    login(client, world.trainer)
    assert client.post(f'/author/steps/{step.id}/checklist', data=form).status_code == 303
    form['min_other_met'] = '3'
    bad = client.post(f'/author/steps/{step.id}/checklist', data=form)
    assert bad.status_code == 422 and 'only 0' in bad.text


def test_trainer_register_lists_flags_and_voids(world, app):
    world.signed_off()
    client = Phone(app)
    login(client, world.trainer)
    record = db.session.scalar(sa.select(Signoff))
    page = client.get(f'/practical/courses/{world.course.id}/signoffs')
    assert page.status_code == 200 and 'passed' in page.text
    assert client.post(f'/practical/signoffs/{record.id}/void', data={'reason': ''}).status_code == 422
    assert client.post(f'/practical/signoffs/{record.id}/void', data={'reason': 'Wrong learner'}).status_code == 303
    assert 'Voided: Wrong learner' in client.get(f'/practical/courses/{world.course.id}/signoffs').text
    login(client, world.mentor)
    assert client.get(f'/practical/courses/{world.course.id}/signoffs').status_code == 403
