"""The questionnaire, the learner's profile (theirs to see, reset and export), events, and the analytics."""

import json

import pytest
import sqlalchemy as sa

from lms_ext.accounts import services as accounts
from lms_ext.accounts.models import Role
from lms_ext.content.models import ContentFormat, Step
from lms_ext.core.errors import InvalidInput
from lms_ext.demo.seed import seed_demo
from lms_ext.learning_styles import services
from lms_ext.learning_styles.models import FormatEvent, LearnerProfile
from lms_ext.progress import analytics
from lms_ext.progress import services as progress
from tests.conftest import login
from tests.factories import CourseFactory, UserFactory


def test_first_visit_shows_the_questionnaire_which_can_be_skipped_or_answered(client, db_session):
    learner = UserFactory()
    login(client, learner)
    page = client.get('/preferences/questionnaire?next=/links/1')
    assert page.status_code == 200 and page.get_data(as_text=True).count('<fieldset') == 14
    assert services.needs_questionnaire(learner)
    skipped = client.post('/preferences/questionnaire', data={'skip': '1', 'next': '/links/1'})
    assert skipped.headers['Location'] == '/links/1' and not services.needs_questionnaire(learner)
    answered = client.post('/preferences/questionnaire', data={'new_machine': ['try', 'read'], 'connection': 'slow',
                                                               'next': 'https://evil.example/'})
    assert answered.headers['Location'] == '/preferences'  # no open redirect
    profile = services.profile_of(learner)
    assert profile.scores['kinesthetic'] == profile.scores['read_write'] > 0 and profile.context['slow_link'] is True
    bad = client.post('/preferences/questionnaire', data={'connection': ['good', 'slow']})
    assert bad.status_code == 422 and 'Choose one answer to this question.' in bad.get_data(as_text=True)


def test_unknown_answers_are_refused_naming_the_question(db_session):
    learner = UserFactory()
    with pytest.raises(InvalidInput) as info:
        services.submit_answers(learner, {'new_machine': ['teleport']})
    assert info.value.field == 'new_machine'


def test_the_profile_belongs_to_the_learner(client, db_session):
    learner = UserFactory()
    login(client, learner)
    client.post('/preferences/questionnaire', data={'online': 'text', 'remember': 'notes'})
    page = client.get('/preferences').get_data(as_text=True)
    assert 'You said you like to start with' in page and 'reading and writing' in page
    assert 'visual learner' not in page  # a preference, never a diagnosis
    exported = json.loads(client.get('/preferences/export.json').data)
    assert exported['profile']['answers'] == {'online': ['text'], 'remember': ['notes']}
    client.post('/preferences/reset')
    assert db_session.scalar(sa.select(sa.func.count(LearnerProfile.id))) == 0


def test_player_records_which_format_was_shown_and_why(client, db_session, app):
    seeded = seed_demo(media_dir=app.config['MEDIA_DIR'])
    course = CourseFactory()
    learner = UserFactory()
    accounts.enroll(learner, course, Role.learner)
    services.submit_answers(learner, {'online': ['exercise'], 'teach': ['show']})
    login(client, learner)
    base = f'/courses/{course.id}/modules/{seeded["module"].slug}/steps'
    body = client.get(f'{base}/2').get_data(as_text=True)  # the first unit, after the stage "Before you start"
    assert 'Shown as hands-on task because you said you like to start with doing it with your hands.' in body
    client.get(f'{base}/2?format=text')
    events = db_session.scalars(sa.select(FormatEvent).order_by(FormatEvent.id)).all()
    assert [(e.format, e.reason, e.chosen, e.matched) for e in events] == [
        ('hands_on', 'profile', False, True), ('text', 'chosen', True, False)]
    assert client.post(f'/events/{events[0].id}/time', data={'seconds': '95'}).status_code == 204
    assert client.post(f'/events/{events[0].id}/time', data={'seconds': '-3'}).status_code == 422
    db_session.refresh(events[0])
    assert events[0].seconds == 95
    other = UserFactory()
    login(client, other)
    assert client.post(f'/events/{events[0].id}/time', data={'seconds': '5'}).status_code == 404


def _seed_views(db_session, course, step, rows):
    """rows: (format, matched, completed, how many learners)."""
    version = step.version
    for fmt, matched, completed, count in rows:
        for _ in range(count):
            learner = UserFactory()
            run = progress.start_or_resume(learner, version.module, course)
            db_session.add(FormatEvent(learner=learner, course=course, step=step, format=fmt, reason='profile',
                                       matched=matched))
            # a later view in another format must not change which format the unit first opened in
            db_session.add(FormatEvent(learner=learner, course=course, step=step, format='text', reason='chosen',
                                       chosen=True, matched=False))
            if completed:
                progress.complete_step(run, step)
    db_session.flush()


def test_analytics_numbers_on_a_seeded_data_set(client, db_session, app):
    seeded = seed_demo(media_dir=app.config['MEDIA_DIR'])
    course = CourseFactory()
    step = db_session.scalar(sa.select(Step).where(Step.version_id == seeded['module'].published_version.id,
                                                   Step.position == 1))
    # video: 12 learners, 9 completed; hands_on: 10 learners, 4 completed; audio: 3 learners (hidden)
    _seed_views(db_session, course, step, [('video', True, True, 9), ('video', True, False, 3),
                                           ('hands_on', False, True, 4), ('hands_on', False, False, 6),
                                           ('audio', None, True, 3)])
    by_format = {c.label: c for c in analytics.completion_by_format(course)}
    assert (by_format['video'].learners, by_format['video'].completed, by_format['video'].rate) == (12, 9, 0.75)
    low, high = by_format['video'].interval
    # Wilson 95 % for 9/12 by hand: centre (0.75 + 1.96²/24) / (1 + 1.96²/12) = 0.6894, half-width 0.2217
    assert (round(low, 3), round(high, 3)) == (0.468, 0.911)
    assert by_format['hands_on'].rate == 0.4 and not by_format['hands_on'].hidden
    assert by_format['audio'].hidden and by_format['audio'].rate is None
    assert ContentFormat.text.value not in by_format  # later views do not count
    by_match = {c.label: c for c in analytics.completion_by_match(course)}
    assert (by_match['matched'].rate, by_match['not matched'].rate) == (0.75, 0.4)
    assert by_match['no profile'].hidden
    csv_text = analytics.to_csv({'format': list(by_format.values())})
    assert 'format,video,12,12,9,0.7500,0.4677,0.9111' in csv_text and 'format,audio,3,,,,,' in csv_text
    trainer = UserFactory()
    accounts.enroll(trainer, course, Role.instructor)
    login(client, trainer)
    page = client.get(f'/courses/{course.id}/analytics/formats').get_data(as_text=True)
    assert '75 % (9/12)' in page and 'fewer than 10 learners: hidden' in page and '<svg' in page
    assert client.get(f'/courses/{course.id}/analytics/formats?format=csv').mimetype == 'text/csv'


def test_trainers_edit_the_question_set(client, db_session):
    trainer = UserFactory()
    accounts.enroll(trainer, CourseFactory(), Role.instructor)
    login(client, trainer)
    page = client.get('/preferences/questions')
    assert page.status_code == 200
    first = services.all_items()[0]
    client.post('/preferences/questions', data={'item_id': first.id, 'prompt': 'A new angle grinder arrives. First?',
                                                'label_watch': 'Watch the maker’s video'})
    db_session.refresh(first)
    assert first.prompt == 'A new angle grinder arrives. First?' and not first.active  # unchecked: switched off
    assert first.options[0]['label'] == 'Watch the maker’s video' and first.options[0]['modalities'] == ['visual']
    assert first not in services.items()
    bad = client.post('/preferences/questions', data={'prompt': 'Which is best?', 'visual': 'Pictures'})
    assert bad.status_code == 422 and 'auditory' in bad.get_data(as_text=True)
    client.post('/preferences/questions', data={'prompt': 'On a job site you would rather…', 'visual': 'see a plan',
                                                'auditory': 'hear the briefing', 'read_write': 'read the method',
                                                'kinesthetic': 'start and adjust'})
    added = services.items()[-1]
    assert added.key.startswith('custom_') and [o['modalities'] for o in added.options] == [
        ['visual'], ['auditory'], ['read_write'], ['kinesthetic']]
    learner = UserFactory()
    login(client, learner)
    assert client.get('/preferences/questions').status_code == 403
