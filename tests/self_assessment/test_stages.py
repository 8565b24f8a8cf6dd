"""Stages: order and the last stage, statements, atomic submissions, revisions, completion of the module."""

import pytest
import sqlalchemy as sa

from lms_ext.content import services as content
from lms_ext.core.errors import Conflict, InvalidInput, NotFound
from lms_ext.progress import services as progress
from lms_ext.progress.models import ProgressState
from lms_ext.self_assessment import services
from lms_ext.self_assessment.models import Rating, StageResponse
from lms_ext.self_assessment.signals import stage_submitted
from tests.self_assessment.conftest import STAGE_TITLES, all_rated, build_version, enrolled, stages


def test_stages_are_the_self_assessment_steps_in_module_order(version):
    found = services.stages_of(version)
    assert [s.title for s in found] == list(STAGE_TITLES)
    assert [services.is_last_stage(s) for s in found] == [False, False, True]
    assert services.get_stage(version.steps[0].id) is None  # a unit is no stage


def test_default_statements_and_trainer_wording(db_session, version):
    assert services.default_statement('Explain the main hazards.') == 'I can explain the main hazards.'
    assert services.default_statement('PPE: select and wear it') == 'I can PPE: select and wear it.'
    first, second = version.outcomes[:2]
    assert services.statements_for(version)[first.id].startswith('I can explain the main hazards of an angle grinder')
    with pytest.raises(Conflict):  # published versions never change
        services.update_statements(version, {first.id: 'I know what can go wrong.'})
    draft = content.new_draft_from(version)
    d_first, d_second = draft.outcomes[:2]
    services.update_statements(draft, {d_first.id: 'I know what can go wrong.', d_second.id: ''})
    assert services.statements_for(draft)[d_first.id] == 'I know what can go wrong.'
    assert services.statements_for(draft)[d_second.id] == services.default_statement(d_second.text)
    assert services.custom_statements(draft) == {d_first.id: 'I know what can go wrong.'}
    services.update_statements(draft, {d_first.id: ''})  # back to the default
    assert services.custom_statements(draft) == {}
    with pytest.raises(InvalidInput):
        services.update_statements(draft, {first.id: 'An outcome of another version'})


def test_submission_is_all_or_nothing_and_errors_name_the_outcome_field(db_session, version, course):
    lena = enrolled(course)
    stage = stages(version)[0]
    ratings = all_rated(version, 2)
    missing, wrong = version.outcomes[1], version.outcomes[3]
    del ratings[missing.id]
    ratings[wrong.id]['level'] = 5
    with pytest.raises(InvalidInput) as caught:
        services.submit_stage(stage, learner=lena, course=course, ratings=ratings)
    assert set(caught.value.errors) == {f'o{missing.id}_level', f'o{wrong.id}_level'}
    assert db_session.scalar(sa.select(sa.func.count(StageResponse.id))) == 0
    assert db_session.scalar(sa.select(sa.func.count(Rating.id))) == 0


def test_the_retrospective_start_is_only_asked_at_the_last_stage(db_session, version, course):
    lena = enrolled(course)
    first, _middle, last = stages(version)
    with pytest.raises(InvalidInput) as caught:
        services.submit_stage(first, learner=lena, course=course, ratings=all_rated(version, 2, start=1))
    assert set(caught.value.errors) == {f'o{o.id}_start' for o in version.outcomes}
    response = services.submit_stage(last, learner=lena, course=course, ratings=all_rated(version, 3, start=1))
    assert {r.retrospective_level for r in response.ratings} == {1}


def test_a_stage_can_be_revised_and_is_announced_once(db_session, version, course):
    lena = enrolled(course)
    stage = stages(version)[0]
    sent = []

    def receiver(response, **kwargs):
        sent.append((response.id, kwargs['learner'], kwargs['step']))

    stage_submitted.connect(receiver)
    try:
        first = services.submit_stage(stage, learner=lena, course=course, ratings=all_rated(version, 1),
                                      reflection='Nervous about kickback.')
        again = services.submit_stage(stage, learner=lena, course=course, ratings=all_rated(version, 2, note='ok'))
    finally:
        stage_submitted.disconnect(receiver)
    assert again.id == first.id and sent == [(first.id, lena, stage)]
    assert again.reflection == '' and {(r.level, r.note) for r in again.ratings} == {(2, 'ok')}
    assert len(again.ratings) == len(version.outcomes)
    assert again.updated_at >= again.submitted_at


def test_a_draft_stage_cannot_be_answered(db_session, course):
    from lms_ext.content.models import StepKind
    from lms_ext.content.schemas import ModuleInput
    from tests.sample_module import SAMPLE_MODULE
    module = content.create_module(ModuleInput().load({**SAMPLE_MODULE, 'slug': 'draft-stage'}))
    step = content.add_step(module.versions[0], {'kind': StepKind.self_assessment, 'title': 'Before'})
    with pytest.raises(NotFound):
        services.submit_stage(step, learner=enrolled(course), course=course, ratings={})


def _finish_units(run):
    for step in run.version.units:
        progress.complete_step(run, step)


def test_required_stages_complete_their_step_and_then_the_module(db_session, version, course):
    lena = enrolled(course)
    run = progress.start_or_resume(lena, version.module, course)
    _finish_units(run)
    first, middle, last = stages(version)
    services.submit_stage(first, learner=lena, course=course, ratings=all_rated(version, 1))
    services.submit_stage(middle, learner=lena, course=course, ratings=all_rated(version, 2))
    assert first.id in progress.summary(run).done and middle.id in progress.summary(run).done
    assert run.state is ProgressState.in_progress
    assert [s.id for s in progress.completion_rule(run).left] == [last.id]
    services.submit_stage(last, learner=lena, course=course, ratings=all_rated(version, 3))
    assert run.state is ProgressState.completed


def test_an_optional_stage_does_not_hold_back_completion(db_session, course):
    version = build_version('optional-stage', optional_last_stage=True)
    lena = enrolled(course)
    run = progress.start_or_resume(lena, version.module, course)
    _finish_units(run)
    first, middle, _last = stages(version)
    services.submit_stage(first, learner=lena, course=course, ratings=all_rated(version, 1))
    assert run.state is ProgressState.in_progress
    services.submit_stage(middle, learner=lena, course=course, ratings=all_rated(version, 2))
    assert run.state is ProgressState.completed
