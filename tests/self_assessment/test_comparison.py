"""A learner's comparison across stages, the cohort distribution per outcome and stage, the data export."""

import json

from lms_ext.accounts.models import Role
from lms_ext.self_assessment import chart, services
from tests.factories import CourseFactory
from tests.self_assessment.conftest import all_rated, enrolled, stages


def _rate(stage, learner, course, levels: list[int], *, starts=None, reflection=''):
    """Ratings by outcome position: levels[i] for outcome i + 1."""
    outcomes = stage.version.outcomes
    ratings = {o.id: {'level': level, 'note': '', 'start': (starts or {}).get(o.position)}
               for o, level in zip(outcomes, levels, strict=True)}
    return services.submit_stage(stage, learner=learner, course=course, ratings=ratings, reflection=reflection)


def test_comparison_per_outcome_across_stages(db_session, version, course):
    lena = enrolled(course)
    first, middle, last = stages(version)
    _rate(first, lena, course, [2, 1, 1, 2, 1, 3], reflection='I have never used one.')
    _rate(last, lena, course, [3, 3, 2, 4, 3, 3], starts={1: 1, 2: 1})
    other_course = CourseFactory()  # answers elsewhere do not mix in
    _rate(middle, enrolled(other_course), other_course, [4] * 6)
    data = services.comparison(lena, course, version, mentor_levels={version.outcomes[0].id: 2})

    assert [s.title for s in data['stages']] == [s.title for s in (first, middle, last)]
    assert data['answered'] == [first, last]
    assert [(r['levels'], r['final'], r['start'], r['mentor']) for r in data['rows']] == [
        ([2, None, 3], 3, 1, 2), ([1, None, 3], 3, 1, None), ([1, None, 2], 2, None, None),
        ([2, None, 4], 4, None, None), ([1, None, 3], 3, None, None), ([3, None, 3], 3, None, None)]
    assert data['rows'][0]['statement'].startswith('I can explain')
    assert data['reflections'] == [(first, 'I have never used one.')]


def test_chart_geometry_places_levels_and_stages(app_context):
    drawn = chart.progression(3, [2, None, 4], start=1, mentor=3)
    # four columns (three stages and the mentor) from x=104 to x=302; levels 4..1 from y=12 to y=106
    assert [c['x'] for c in drawn['columns']] == [104.0, 170.0, 236.0]
    assert [(p['x'], p['y']) for p in drawn['points']] == [(104.0, 74.7), (236.0, 12.0)]
    assert drawn['line'] == '104.0,74.7 236.0,12.0'
    assert drawn['start'] == {'x': 104.0, 'y': 106.0} and drawn['mentor'] == {'x': 302.0, 'y': 43.3}
    assert chart.progression(1, [None])['points'] == []


def test_cohort_distribution_per_outcome_and_stage(db_session, version, course):
    first, middle, last = stages(version)
    a, b, c = (enrolled(course) for _ in range(3))
    _rate(first, a, course, [1, 1, 1, 1, 1, 1])
    _rate(first, b, course, [1, 2, 2, 2, 2, 2])
    _rate(first, c, course, [3, 4, 4, 4, 4, 4])
    _rate(last, a, course, [3, 3, 3, 3, 3, 3])
    _rate(last, b, course, [4, 2, 2, 2, 2, 2])
    enrolled(course, Role.instructor)
    other = CourseFactory()
    _rate(first, enrolled(other), other, [4] * 6)  # another course

    data = services.cohort_distribution(course, version)
    assert data['stages'] == [first, middle, last]
    outcome_1, outcome_2 = data['rows'][:2]
    assert [cell['counts'] for cell in outcome_1['cells']] == [
        {1: 2, 2: 0, 3: 1, 4: 0}, {1: 0, 2: 0, 3: 0, 4: 0}, {1: 0, 2: 0, 3: 1, 4: 1}]
    assert [(cell['total'], cell['unsure']) for cell in outcome_1['cells']] == [(3, 2), (0, 0), (2, 0)]
    assert [(cell['total'], cell['unsure']) for cell in outcome_2['cells']] == [(3, 2), (0, 0), (2, 1)]
    assert services.final_self_levels(course, version)[(a.id, version.outcomes[0].id)] == 3
    assert services.final_self_levels(course, version)[(c.id, version.outcomes[0].id)] == 3


def test_export_holds_every_answer_and_is_json(db_session, version, course):
    lena = enrolled(course)
    first, _middle, last = stages(version)
    services.submit_stage(first, learner=lena, course=course, ratings=all_rated(version, 1, note='unsure'),
                          reflection='Start')
    services.submit_stage(last, learner=lena, course=course, ratings=all_rated(version, 4, start=2))
    exported = json.loads(json.dumps(services.export_for(lena)))['self_assessments']
    assert [(e['stage'], e['reflection'], e['module']) for e in exported] == [
        ('Before you start', 'Start', 'self-assessment-test'), ('After the practice', '', 'self-assessment-test')]
    assert exported[0]['ratings'][0] == {
        'outcome': version.outcomes[0].text, 'statement': services.statements_for(version)[version.outcomes[0].id],
        'level': 1, 'level_key': 'not_yet', 'note': 'unsure', 'started_at_level': None}
    assert {r['started_at_level'] for r in exported[1]['ratings']} == {2}
    assert services.export_for(enrolled(course)) == {'self_assessments': []}
