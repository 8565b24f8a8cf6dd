"""The pages: a stage in the player, the form's errors, revising, the comparison chart, trainers' views."""

import json

import sqlalchemy as sa

from lms_ext.accounts.models import Role
from lms_ext.content import services as content
from lms_ext.self_assessment import services
from lms_ext.self_assessment.models import StageResponse
from tests.conftest import login
from tests.self_assessment.conftest import all_rated, enrolled, stages


def _form(version, level, **extra):
    return {**{f'o{o.id}_level': str(level) for o in version.outcomes}, **extra}


def test_learner_answers_a_stage_in_the_player_then_revises_it(client, db_session, version, course):
    lena = enrolled(course)
    login(client, lena)
    first = stages(version)[0]
    player = f'/courses/{course.id}/modules/{version.module.slug}/steps/{first.position}'
    page = client.get(player).get_data(as_text=True)
    assert 'Self-assessment: stage 1 of 3' in page and 'I can explain the main hazards' in page
    assert 'Looking back' not in page  # the retrospective question belongs to the last stage

    url = f'/courses/{course.id}/self-assessment/{first.id}'
    incomplete = _form(version, 2, reflection='So far so good')
    missing = version.outcomes[2]
    del incomplete[f'o{missing.id}_level']
    refused = client.post(url, data=incomplete)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert f'href="#f-o{missing.id}_level"' in body and 'Choose a level for this statement.' in body
    assert 'So far so good' in body  # nothing typed is lost
    assert db_session.scalar(sa.select(sa.func.count(StageResponse.id))) == 0

    saved = client.post(url, data=_form(version, 2, reflection='So far so good'))
    assert saved.status_code == 303 and saved.headers['Location'].endswith(player)
    page = client.get(player).get_data(as_text=True)
    assert 'Your answers are saved' in page and 'Change my answers' in page and '✓ Done' in page
    edit = client.get(url).get_data(as_text=True)
    assert edit.count('checked') == len(version.outcomes)
    assert client.post(url, data=_form(version, 3)).status_code == 303
    response = services.response_for(first, lena, course)
    db_session.refresh(response)
    assert {r.level for r in response.ratings} == {3}


def test_comparison_page_has_an_accessible_chart_and_a_table(client, db_session, version, course):
    lena = enrolled(course)
    first, _middle, last = stages(version)
    login(client, lena)
    empty = client.get(f'/courses/{course.id}/modules/{version.module.slug}/self-assessment')
    assert empty.status_code == 404  # no run yet
    client.get(f'/courses/{course.id}/modules/{version.module.slug}/steps/1')  # starts the run
    client.post(f'/courses/{course.id}/self-assessment/{first.id}', data=_form(version, 1))
    # as a browser posts it: one "looking back" level chosen, the others left on the empty choice
    last_form = _form(version, 3, **{f'o{o.id}_start': '1' if o is version.outcomes[0] else ''
                                     for o in version.outcomes})
    assert client.post(f'/courses/{course.id}/self-assessment/{last.id}', data=last_form).status_code == 303
    page = client.get(f'/courses/{course.id}/modules/{version.module.slug}/self-assessment').get_data(as_text=True)
    assert page.count('role="img"') == len(version.outcomes) and page.count('<table') == len(version.outcomes)
    assert 'aria-labelledby="outcome-' in page and '<title id="outcome-' in page
    assert 'Where you now think you started' in page and 'not answered' in page
    exported = json.loads(client.get('/self-assessment/export.json').get_data(as_text=True))
    assert [e['stage'] for e in exported['self_assessments']] == ['Before you start', 'After the practice']


def test_trainers_see_the_cohort_and_calibration_learners_do_not(client, db_session, version, course):
    lena = enrolled(course, name='Lena Learner')
    services.submit_stage(stages(version)[0], learner=lena, course=course, ratings=all_rated(version, 2))
    trainer = enrolled(course, Role.instructor)
    login(client, trainer)
    preview = client.get(f'/courses/{course.id}/modules/{version.module.slug}/steps/{stages(version)[0].position}')
    assert 'How the group rates itself' in preview.get_data(as_text=True)
    cohort = client.get(f'/courses/{course.id}/versions/{version.id}/self-assessment/cohort')
    assert cohort.status_code == 200 and 'unsure' in cohort.get_data(as_text=True)
    calibration = client.get(f'/courses/{course.id}/versions/{version.id}/calibration')
    assert calibration.status_code == 200 and 'Lena Learner' in calibration.get_data(as_text=True)
    assert client.post(f'/courses/{course.id}/self-assessment/{stages(version)[0].id}',
                       data=_form(version, 2)).status_code == 403
    login(client, lena)
    assert client.get(f'/courses/{course.id}/versions/{version.id}/calibration').status_code == 403
    assert client.get(f'/courses/{course.id}/versions/{version.id}/self-assessment/cohort').status_code == 403


def test_trainer_words_the_statements_of_a_draft(client, db_session, version, course):
    login(client, enrolled(course, Role.instructor))
    published = client.get(f'/author/steps/{stages(version)[0].id}/self-assessment').get_data(as_text=True)
    assert 'cannot change' in published
    draft = content.new_draft_from(version)
    stage, outcome = stages(draft)[0], draft.outcomes[0]
    url = f'/author/steps/{stage.id}/self-assessment'
    assert client.get(url).status_code == 200
    too_long = client.post(url, data={f's{outcome.id}': 'x' * 501})
    assert too_long.status_code == 422 and f'f-s{outcome.id}' in too_long.get_data(as_text=True)
    assert client.post(url, data={f's{outcome.id}': 'I know what can go wrong.'}).status_code == 303
    assert services.statements_for(draft)[outcome.id] == 'I know what can go wrong.'
