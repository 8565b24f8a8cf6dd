"""The completion rule: every required step done completes the run once; a reopened step reopens it."""

import copy

import pytest

from lms_ext.content import services as content
from lms_ext.content.models import StepKind
from lms_ext.content.schemas import ModuleInput
from lms_ext.progress import services
from lms_ext.progress.models import ProgressState
from lms_ext.progress.signals import module_completed, module_reopened
from tests.factories import CourseFactory, UserFactory
from tests.sample_module import SAMPLE_MODULE


@pytest.fixture
def run(db_session):
    data = copy.deepcopy(SAMPLE_MODULE)
    data['slug'] = 'completion-test'
    module = content.create_module(ModuleInput().load(data))
    version = module.versions[0]
    content.update_step(version.steps[3], {'required': False})
    content.add_step(version, {'kind': StepKind.practical, 'title': 'Show it in the workshop', 'required': True})
    content.publish_version(version)
    return services.start_or_resume(UserFactory(), module, CourseFactory())


@pytest.fixture
def events():
    seen = []

    def completed(sender, **kwargs):
        seen.append(('completed', sender.id))

    def reopened(sender, **kwargs):
        seen.append(('reopened', sender.id, kwargs['reason']))

    module_completed.connect(completed)
    module_reopened.connect(reopened)
    yield seen
    module_completed.disconnect(completed)
    module_reopened.disconnect(reopened)


def test_the_rule_lists_required_steps_only_and_what_is_left(run):
    rule = services.completion_rule(run)
    assert [item.step.title for item in rule.items] == [
        'Hazards of the angle grinder', 'Choosing and fitting the right disc', 'Personal protective equipment',
        'Show it in the workshop']
    assert not rule.fulfilled and len(rule.left) == 4


def test_optional_steps_are_not_needed_and_completion_is_sent_once(run, events):
    steps = run.version.steps
    for step in steps[:3]:
        services.complete_step(run, step)
    assert run.state is ProgressState.in_progress and events == []
    services.complete_step(run, steps[4])  # the practical step: the last required one
    assert run.state is ProgressState.completed and run.completed_at is not None
    assert events == [('completed', run.id)]
    services.complete_step(run, steps[3])  # an optional step later: no second completion
    services.complete_step(run, steps[4])
    assert events == [('completed', run.id)]
    assert services.completion_rule(run).fulfilled


def test_a_reopened_required_step_reopens_the_run_and_completing_it_again_completes_again(run, events):
    steps = run.version.steps
    for step in steps:
        services.complete_step(run, step)
    services.reopen_step(run, steps[4], reason='Sign-off voided: wrong learner')
    assert run.state is ProgressState.in_progress and run.completed_at is None
    assert [item.step.title for item in services.completion_rule(run).items if not item.done] == [
        'Show it in the workshop']
    services.reopen_step(run, steps[4], reason='again')  # not done any more: nothing happens
    services.complete_step(run, steps[4])
    assert events == [('completed', run.id), ('reopened', run.id, 'Sign-off voided: wrong learner'),
                      ('completed', run.id)]


def test_reopening_an_optional_step_keeps_the_run_complete(run, events):
    for step in run.version.steps:
        services.complete_step(run, step)
    services.reopen_step(run, run.version.steps[3], reason='optional')
    assert run.state is ProgressState.completed and events == [('completed', run.id)]
