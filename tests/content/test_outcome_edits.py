"""Editing a draft's learning outcomes keeps what points at them: the form matches outcomes by id (a hidden
field per row); callers without ids match them by position."""

import copy

import sqlalchemy as sa

from lms_ext.accounts import services as accounts
from lms_ext.accounts.models import Role
from lms_ext.content import services as content
from lms_ext.content.models import LearningOutcome, StepKind
from lms_ext.content.schemas import ModuleInput
from lms_ext.practical.models import criterion_outcomes
from lms_ext.practical.services import checklists
from lms_ext.quizzes import services as quizzes
from lms_ext.quizzes.models import question_outcomes
from lms_ext.self_assessment import services as self_assessment
from lms_ext.self_assessment.models import Statement
from tests.conftest import login
from tests.factories import CourseFactory, UserFactory
from tests.sample_module import SAMPLE_MODULE

GIFT = '''::Disc::The disc's maximum speed must be at least the grinder's rated speed. {T}

::Report::A cracked disc is thrown away and reported. {T}
'''
DISC_STATEMENT = 'I can pick a disc that is safe on my grinder.'
REPORT_STATEMENT = 'I take broken tools out of use.'


def _draft_with_links(outcome_count: int = 6, slug: str = 'outcome-edits'):
    """A draft (six outcomes, or `outcome_count`) whose quiz, checklist and statements point at outcome 2
    and the last one."""
    data = copy.deepcopy(SAMPLE_MODULE)
    data.update(slug=slug, outcomes=data['outcomes'][:outcome_count])
    version = content.create_module(ModuleInput().load(data)).versions[0]
    second, last = version.outcomes[1], version.outcomes[-1]
    quiz = quizzes.ensure_quiz(content.add_step(version, {'kind': StepKind.quiz, 'title': 'Check'}))
    disc, report = quizzes.import_gift(quiz, GIFT)
    quizzes.set_question_outcomes(disc, [second.id])
    quizzes.set_question_outcomes(report, [last.id])
    practical = content.add_step(version, {'kind': StepKind.practical, 'title': 'Show it'})
    checklists.save_checklist(practical, {'min_other_met': 0, 'criteria': [
        {'text': 'Checks the disc speed', 'guidance': '', 'critical': True, 'outcome_ids': [second.id]},
        {'text': 'Reports a cracked disc', 'guidance': '', 'critical': False, 'outcome_ids': [last.id]}]})
    stage = content.add_step(version, {'kind': StepKind.self_assessment, 'title': 'Before you start'})
    self_assessment.update_statements(version, {second.id: DISC_STATEMENT, last.id: REPORT_STATEMENT})
    return version, quiz, practical, stage


def _form(version, texts: list[str], ids: list | None = None) -> dict:
    """The version form as the page posts it, with `texts` as the outcomes (kinds kept by position) and, if
    given, `ids` in the hidden outcome_id fields (the page sends them; older posts did not)."""
    fields = {name: getattr(version, name) for name in content.VERSION_FIELDS}
    form = {k: (v.value if hasattr(v, 'value') else '' if v is None else str(v)) for k, v in fields.items()}
    kinds = [o.kind.value for o in version.outcomes]
    form.update(outcome_text=texts + ['', ''], outcome_kind=(kinds + ['knowledge'] * 8)[:len(texts) + 2],
                outcome_framework_name=[''] * (len(texts) + 2), outcome_framework_code=[''] * (len(texts) + 2),
                outcome_framework_url=[''] * (len(texts) + 2))
    if ids is not None:
        form['outcome_id'] = [str(i) for i in ids] + ['', '']
    return form


def _links(db_session, table) -> set[int]:
    return set(db_session.scalars(sa.select(table.c.outcome_id)))


def test_editing_an_outcome_keeps_its_links_and_removing_the_last_drops_them(client, db_session):
    version, quiz, practical, stage = _draft_with_links()
    trainer = UserFactory()
    accounts.enroll(trainer, CourseFactory(), Role.instructor)
    login(client, trainer)
    ids = [o.id for o in version.outcomes]
    texts = [o.text for o in version.outcomes]
    second_id, last_id = ids[1], ids[5]

    texts[1] = 'Choose a disc rated for at least the speed of the grinder.'
    response = client.post(f'/author/versions/{version.id}', data=_form(version, texts))
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    db_session.expire_all()
    assert [(o.id, o.position, o.text) for o in version.outcomes] == list(zip(ids, range(1, 7), texts, strict=True))
    assert [[o.id for o in q.outcomes] for q in quiz.questions] == [[second_id], [last_id]]
    assert [[o.id for o in c.outcomes] for c in checklists.checklist_for_step(practical).criteria] == [
        [second_id], [last_id]]
    assert self_assessment.custom_statements(version) == {second_id: DISC_STATEMENT, last_id: REPORT_STATEMENT}

    response = client.post(f'/author/versions/{version.id}', data=_form(version, texts[:5]))
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    db_session.expire_all()
    assert [o.id for o in version.outcomes] == ids[:5]
    assert db_session.get(LearningOutcome, last_id) is None
    assert [[o.id for o in q.outcomes] for q in quiz.questions] == [[second_id], []]
    assert [[o.id for o in c.outcomes] for c in checklists.checklist_for_step(practical).criteria] == [
        [second_id], []]
    assert self_assessment.custom_statements(version) == {second_id: DISC_STATEMENT}
    assert last_id not in _links(db_session, question_outcomes) | _links(db_session, criterion_outcomes)
    assert db_session.scalar(sa.select(sa.func.count()).where(Statement.outcome_id == last_id)) == 0

    statements = _authoring_pages_open(client, version, quiz, practical, stage)
    assert DISC_STATEMENT in statements and REPORT_STATEMENT not in statements


def test_added_outcomes_come_after_the_kept_ones(db_session):
    version, _quiz, _practical, _stage = _draft_with_links()
    data = ModuleInput().load({**copy.deepcopy(SAMPLE_MODULE), 'slug': 'outcome-edits'})
    ids = [o.id for o in version.outcomes]
    data['outcomes'].append({'kind': 'skills', 'text': 'Store the grinder unplugged, with its key.'})
    content.update_version(version, {k: v for k, v in data.items() if k not in ('slug', 'steps')})
    assert [o.id for o in version.outcomes][:6] == ids
    assert [(o.position, o.text) for o in version.outcomes][6] == (7, 'Store the grinder unplugged, with its key.')


def _authoring_pages_open(client, version, quiz, practical, stage) -> str:
    """Every authoring page that shows outcome links still opens after an edit; the statements page's text."""
    for url in (f'/author/versions/{version.id}', f'/author/steps/{quiz.step_id}/quiz',
                f'/author/steps/{practical.id}/checklist', f'/author/steps/{stage.id}/self-assessment',
                f'/author/steps/{quiz.step_id}/quiz.gift', f'/author/versions/{version.id}/preview/1'):
        page = client.get(url)
        assert page.status_code == 200, url
    return client.get(f'/author/steps/{stage.id}/self-assessment').get_data(as_text=True)


def _trainer_client(client):
    trainer = UserFactory()
    accounts.enroll(trainer, CourseFactory(), Role.instructor)
    login(client, trainer)
    return client


def test_blanking_a_middle_outcome_on_the_form_keeps_the_later_ones_links(client, db_session):
    version, quiz, practical, stage = _draft_with_links(3, 'outcome-edits-middle')
    _trainer_client(client)
    page = client.get(f'/author/versions/{version.id}').get_data(as_text=True)
    ids = [o.id for o in version.outcomes]
    texts = [o.text for o in version.outcomes]
    assert all(f'name="outcome_id" value="{i}"' in page for i in ids)
    first_id, second_id, third_id = ids

    response = client.post(f'/author/versions/{version.id}', data=_form(version, [texts[0], '', texts[2]], ids))
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    db_session.expire_all()
    assert [(o.id, o.position, o.text) for o in version.outcomes] == [(first_id, 1, texts[0]),
                                                                      (third_id, 2, texts[2])]
    assert db_session.get(LearningOutcome, second_id) is None
    assert [[o.id for o in q.outcomes] for q in quiz.questions] == [[], [third_id]]
    assert [[o.id for o in c.outcomes] for c in checklists.checklist_for_step(practical).criteria] == [
        [], [third_id]]
    assert self_assessment.custom_statements(version) == {third_id: REPORT_STATEMENT}
    assert second_id not in _links(db_session, question_outcomes) | _links(db_session, criterion_outcomes)
    assert db_session.scalar(sa.select(sa.func.count()).where(Statement.outcome_id == second_id)) == 0

    statements = _authoring_pages_open(client, version, quiz, practical, stage)
    assert REPORT_STATEMENT in statements and DISC_STATEMENT not in statements
    assert 'outcome:2' in client.get(f'/author/steps/{quiz.step_id}/quiz.gift').get_data(as_text=True)


def test_the_form_adds_new_outcomes_and_renumbers_in_form_order(client, db_session):
    version, quiz, _practical, _stage = _draft_with_links(3, 'outcome-edits-order')
    _trainer_client(client)
    ids = [o.id for o in version.outcomes]
    texts = [o.text for o in version.outcomes]
    new_text = 'Store the grinder unplugged, with its key.'
    response = client.post(f'/author/versions/{version.id}', data=_form(
        version, [texts[2], new_text, texts[0]], [ids[2], '', ids[0]]))
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    db_session.expire_all()
    outcomes = [(o.id, o.position, o.text) for o in version.outcomes]
    assert outcomes[0] == (ids[2], 1, texts[2]) and outcomes[2] == (ids[0], 3, texts[0])
    assert outcomes[1][1:] == (2, new_text) and outcomes[1][0] not in ids
    assert [[o.id for o in q.outcomes] for q in quiz.questions] == [[], [ids[2]]]


def test_the_form_refuses_an_outcome_id_of_another_version(client, db_session):
    version, _quiz, _practical, _stage = _draft_with_links(3, 'outcome-edits-foreign')
    other, *_ = _draft_with_links(3, 'outcome-edits-other')
    _trainer_client(client)
    ids = [o.id for o in version.outcomes]
    texts = [o.text for o in version.outcomes]
    foreign = other.outcomes[0].id
    response = client.post(f'/author/versions/{version.id}', data=_form(
        version, [texts[0], 'Something else entirely', texts[2]], [ids[0], foreign, ids[2]]))
    assert response.status_code == 422
    assert f'Outcome {foreign} is not a learning outcome of this draft.' in response.get_data(as_text=True)
    db_session.expire_all()
    assert [(o.id, o.text) for o in version.outcomes] == list(zip(ids, texts, strict=True))
    assert [o.version_id for o in other.outcomes] == [other.id] * 3
