import pytest
import sqlalchemy as sa

from lms_ext.accounts import services
from lms_ext.accounts.models import Enrollment, Role, User, UserKind
from lms_ext.core.errors import Conflict
from tests.factories import CourseFactory, UserFactory


def test_local_account_is_created_and_authenticates(db_session):
    user = services.create_local_account(email=' Mentor@Garage.example ', name='Mia Mentor',
                                         password='correct horse battery', organisation='Garage Ltd')
    assert user.email == 'mentor@garage.example' and user.password_hash != 'correct horse battery'
    assert services.authenticate_local('MENTOR@garage.example', 'correct horse battery') == user
    assert services.authenticate_local('mentor@garage.example', 'wrong password!') is None
    assert services.authenticate_local('nobody@garage.example', 'correct horse battery') is None


def test_duplicate_local_account_is_a_conflict(db_session):
    services.create_local_account(email='a@b.example', name='A', password='x' * 12)
    with pytest.raises(Conflict):
        services.create_local_account(email='A@B.example', name='A2', password='y' * 12)


def test_deactivated_accounts_cannot_sign_in(db_session):
    user = services.create_local_account(email='gone@b.example', name='Gone', password='x' * 12)
    user.is_active_account = False
    assert services.authenticate_local('gone@b.example', 'x' * 12) is None


def test_lti_identity_is_unique_per_issuer_and_subject(db_session):
    UserFactory(issuer='https://lms.a', subject='42')
    UserFactory(issuer='https://lms.b', subject='42')  # same sub, other platform: another person
    with pytest.raises(sa.exc.IntegrityError), db_session.begin_nested():
        UserFactory(issuer='https://lms.a', subject='42')


def test_database_refuses_an_lti_user_without_identity(db_session):
    with pytest.raises(sa.exc.IntegrityError), db_session.begin_nested():
        db_session.add(User(kind=UserKind.lti, name='No identity'))
        db_session.flush()


def test_enroll_is_idempotent_and_roles_accumulate(db_session):
    user, course = UserFactory(), CourseFactory()
    first = services.enroll(user, course, Role.learner)
    assert services.enroll(user, course, Role.learner) is first
    services.enroll(user, course, Role.mentor)
    assert services.roles_in(user, course) == {Role.learner, Role.mentor}
    count = db_session.scalar(sa.select(sa.func.count(Enrollment.id)).where(Enrollment.user_id == user.id))
    assert count == 2


def test_login_page_names_the_field_in_error_and_keeps_the_email(client, db_session):
    response = client.post('/login', data={'email': 'not-an-email', 'password': ''})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="f-email-error"' in body and 'id="f-password-error"' in body
    assert 'value="not-an-email"' in body


def test_login_and_logout_round_trip(client, db_session):
    services.create_local_account(email='admin@school.example', name='Ada Admin', password='s' * 14,
                                  is_admin=True)
    response = client.post('/login', data={'email': 'admin@school.example', 'password': 's' * 14,
                                           'next': '/modules/x'})
    assert response.status_code == 302 and response.headers['Location'] == '/modules/x'
    assert client.get('/me').json['name'] == 'Ada Admin'
    client.post('/logout')
    assert client.get('/me').status_code == 302  # back to the sign-in page


@pytest.mark.parametrize('target', ['https://evil.example/', '//evil.example/', '/\\evil.example', 'javascript:x'])
def test_login_is_no_open_redirect(client, db_session, target):
    services.create_local_account(email='m@school.example', name='M', password='s' * 14)
    response = client.post('/login', data={'email': 'm@school.example', 'password': 's' * 14, 'next': target})
    assert response.headers['Location'] == '/'


def test_wrong_password_does_not_reveal_whether_the_account_exists(client, db_session):
    services.create_local_account(email='m@school.example', name='M', password='s' * 14)
    known = client.post('/login', data={'email': 'm@school.example', 'password': 'nope'})
    unknown = client.post('/login', data={'email': 'x@school.example', 'password': 'nope'})
    assert known.status_code == unknown.status_code == 422
    assert b'Email address or password is not correct.' in known.data
    assert b'Email address or password is not correct.' in unknown.data
