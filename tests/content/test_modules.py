import copy
from decimal import Decimal

import pytest
import sqlalchemy as sa
from marshmallow import ValidationError

from lms_ext.content import services
from lms_ext.content.models import ModuleVersion, OutcomeKind, StepKind, VersionState
from lms_ext.content.schemas import ModuleInput
from lms_ext.core.errors import Conflict, NotFound
from tests.sample_module import SAMPLE_MODULE


def _module_data(**changes):
    data = copy.deepcopy(SAMPLE_MODULE)
    data.update({'slug': 'test-module', **changes})
    return data


def test_module_is_created_with_ordered_outcomes_and_steps(db_session):
    module = services.create_module(ModuleInput().load(_module_data()))
    version = module.versions[0]
    assert version.number == 1 and version.state is VersionState.draft
    assert version.workload_hours == Decimal('4.00') and version.eqf_level == 3
    assert [o.position for o in version.outcomes] == [1, 2, 3, 4, 5, 6]
    assert version.outcomes[0].kind is OutcomeKind.knowledge
    assert [s.kind for s in version.steps] == [StepKind.unit] * 4
    assert version.units == version.steps


@pytest.mark.parametrize(('changes', 'field'), [
    ({'eqf_level': 9}, 'eqf_level'),
    ({'workload_hours': '0'}, 'workload_hours'),
    ({'slug': 'Not A Slug'}, 'slug'),
    ({'outcomes': []}, 'outcomes'),
    ({'outcomes': [{'kind': 'wisdom', 'text': 'Be wise'}]}, 'outcomes'),
    ({'participation': 'telepathy'}, 'participation'),
    ({'unexpected': 'x'}, 'unexpected'),
])
def test_invalid_module_input_names_the_field(changes, field):
    with pytest.raises(ValidationError) as info:
        ModuleInput().load(_module_data(**changes))
    assert field in info.value.messages


def test_nested_errors_point_at_the_outcome(db_session):
    with pytest.raises(ValidationError) as info:
        ModuleInput().load(_module_data(outcomes=[{'kind': 'skills', 'text': 'ok text'}, {'kind': 'skills'}]))
    assert info.value.messages == {'outcomes': {1: {'text': ['Missing data for required field.']}}}


def test_slug_must_be_unique(db_session):
    services.create_module(ModuleInput().load(_module_data()))
    with pytest.raises(Conflict):
        services.create_module(ModuleInput().load(_module_data()))


def test_publishing_archives_the_previous_version(db_session):
    module = services.create_module(ModuleInput().load(_module_data()))
    v1 = services.publish_version(module.versions[0])
    v2 = ModuleVersion(module=module, number=2, title='v2', eqf_level=3, workload_hours=Decimal(4))
    db_session.add(v2)
    db_session.flush()
    services.publish_version(v2)
    assert v1.state is VersionState.archived and v2.state is VersionState.published
    assert module.published_version is v2
    with pytest.raises(Conflict):
        services.publish_version(v2)


def test_the_landing_card_follows_the_current_published_version(db_session):
    module = services.create_module(ModuleInput().load(_module_data()))
    assert services.published_card(module.id) is None  # nothing published yet
    v1 = services.publish_version(module.versions[0])
    card = services.published_card(module.id)
    assert (card.id, card.title, [o.text for o in card.outcomes], [s.title for s in card.steps]) == (
        v1.id, v1.title, [o.text for o in v1.outcomes], [s.title for s in v1.steps])
    assert (card.eqf_level, card.workload_hours, card.participation) == (v1.eqf_level, v1.workload_hours,
                                                                         v1.participation)
    v2 = services.new_draft_from(v1)
    services.update_version(v2, {**_version_fields(v1), 'title': 'Second edition'})
    services.publish_version(v2)
    assert (services.published_card(module.id).id, services.published_card(module.id).title) == (v2.id,
                                                                                               'Second edition')


def _version_fields(version) -> dict:
    data = {name: getattr(version, name) for name in services.VERSION_FIELDS}
    data['outcomes'] = [{'kind': o.kind, 'text': o.text} for o in version.outcomes]
    return data


def test_database_enforces_eqf_range_and_publication_timestamps(db_session):
    module = services.create_module(ModuleInput().load(_module_data()))
    version = module.versions[0]
    with pytest.raises(sa.exc.IntegrityError), db_session.begin_nested():
        db_session.execute(sa.update(ModuleVersion).where(ModuleVersion.id == version.id).values(eqf_level=9))
    with pytest.raises(sa.exc.IntegrityError), db_session.begin_nested():
        db_session.execute(sa.update(ModuleVersion).where(ModuleVersion.id == version.id)
                           .values(state=VersionState.published))  # published without published_at


def test_only_published_versions_are_shown(client, db_session):
    module = services.create_module(ModuleInput().load(_module_data()))
    with pytest.raises(NotFound):
        services.published_version_or_404('test-module')
    assert client.get('/modules/test-module').status_code == 404
    services.publish_version(module.versions[0])
    response = client.get('/modules/test-module')
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'Safe use of an angle grinder' in body and 'EQF level' in body and '4 hours' in body
    assert 'Responsibility and autonomy' in body


def test_empty_catalogue_explains_what_to_do(client, db_session):
    body = client.get('/').get_data(as_text=True)
    assert 'No modules published yet' in body
