"""The calibration rule and the over/under-confidence list on a seeded data set (expectations by hand)."""

from decimal import Decimal

import pytest

from lms_ext.progress import calibration
from lms_ext.progress.calibration import Confidence, confidence, quiz_level
from lms_ext.quizzes import services as quizzes
from lms_ext.self_assessment import services
from tests.self_assessment.conftest import all_rated, enrolled, stages


@pytest.mark.parametrize(('share', 'level'), [
    ('0', 1), ('0.39999', 1), ('0.40', 2), ('0.64999', 2), ('0.65', 3), ('0.89999', 3), ('0.90', 4), ('1', 4)])
def test_quiz_share_on_the_four_level_scale(share, level):
    assert quiz_level(Decimal(share)) == level


@pytest.mark.parametrize(('own', 'evidence', 'expected'), [
    (4, [2], Confidence.over),  # two above the only source
    (3, [2], None),  # one above a single source: within the noise
    (3, [2, 2], Confidence.over),  # one above both sources
    (3, [2, 3], None),
    (3, [1, 4], Confidence.over),  # two above the quiz, though below the mentor
    (2, [4], Confidence.under),
    (2, [3, 3], Confidence.under),
    (1, [2], None),
    (None, [1], None),  # nothing to compare
    (3, [], None),
])
def test_confidence_rule(own, evidence, expected):
    assert confidence(own, evidence) is expected


def _take_quiz(quiz, learner, course, right: dict[str, bool]):
    """One graded attempt; right[name] says whether the true/false question named `name` is answered right."""
    attempt = quizzes.start_or_resume(quiz, learner, course)
    for question in quizzes.questions_of(attempt):
        quizzes.save_answer(attempt, question.id, {'value': right[question.name]})  # every answer is True
    return quizzes.submit(attempt)


@pytest.fixture
def seeded(db_session, version, course):
    """Four learners. Quiz questions: Q1, Q2 → outcome 1; Q3 → outcome 2; Q4 → outcome 3 (one mark each).

    ann: final self 4 everywhere; quiz Q4 right only (then a worse attempt: the highest counts).
    ben: final self 1 everywhere; quiz all right.
    cara: final self 3 everywhere; quiz Q1, Q3, Q4 right, Q2 wrong.
    dan: self 1 at the first stage, 3 at the middle one; no quiz.
    """
    quiz = quizzes.quiz_for_step(next(s for s in version.steps if s.kind.value == 'quiz'))
    first, middle, last = stages(version)
    people = {name: enrolled(course, name=name) for name in ('ann', 'ben', 'cara', 'dan')}
    for name, level in (('ann', 4), ('ben', 1), ('cara', 3)):
        services.submit_stage(first, learner=people[name], course=course, ratings=all_rated(version, 2))
        services.submit_stage(last, learner=people[name], course=course, ratings=all_rated(version, level))
    services.submit_stage(first, learner=people['dan'], course=course, ratings=all_rated(version, 1))
    services.submit_stage(middle, learner=people['dan'], course=course, ratings=all_rated(version, 3))
    _take_quiz(quiz, people['ann'], course, {'Q1': False, 'Q2': False, 'Q3': False, 'Q4': True})
    _take_quiz(quiz, people['ann'], course, {'Q1': False, 'Q2': False, 'Q3': False, 'Q4': False})
    _take_quiz(quiz, people['ben'], course, {'Q1': True, 'Q2': True, 'Q3': True, 'Q4': True})
    _take_quiz(quiz, people['cara'], course, {'Q1': True, 'Q2': False, 'Q3': True, 'Q4': True})
    return people


def _table(rows):
    return {row.learner.name: [(c.self_level, c.quiz_share, c.quiz_level, c.mentor_level, c.flag)
                               for c in row.cells[:3]] for row in rows}


def test_calibration_lists_over_and_under_confident_learners(seeded, version, course):
    rows = calibration.calibration(course, version)
    one, half, zero = Decimal(1), Decimal('0.5'), Decimal(0)
    assert [row.learner.name for row in rows] == ['ann', 'ben', 'cara', 'dan']
    assert _table(rows) == {
        # ann's best attempt: outcome 1 0/2, outcome 2 0/1, outcome 3 1/1
        'ann': [(4, zero, 1, None, Confidence.over), (4, zero, 1, None, Confidence.over), (4, one, 4, None, None)],
        'ben': [(1, one, 4, None, Confidence.under)] * 3,
        # cara: outcome 1 1/2 = level 2 (one below her 3: not flagged on one source), outcomes 2 and 3 level 4
        'cara': [(3, half, 2, None, None), (3, one, 4, None, None), (3, one, 4, None, None)],
        'dan': [(3, None, None, None, None)] * 3,  # his latest stage; no evidence
    }
    assert all(cell.flag is None for row in rows for cell in row.cells[3:])  # outcomes without quiz questions
    outcome_1, outcome_2, outcome_3 = version.outcomes[:3]
    assert [(learner.name, outcomes) for learner, outcomes in calibration.flagged(rows, Confidence.over)] == [
        ('ann', [outcome_1, outcome_2])]
    assert [(learner.name, outcomes) for learner, outcomes in calibration.flagged(rows, Confidence.under)] == [
        ('ben', [outcome_1, outcome_2, outcome_3])]


def test_the_mentor_column_joins_the_evidence(seeded, version, course):
    """The practical package supplies the mentor's levels; here they are given by hand to the same builder."""
    cara = seeded['cara']
    outcome_1, outcome_2 = version.outcomes[:2]
    own = services.final_self_levels(course, version)
    quiz = calibration.quiz_outcome_shares(course, version)
    rows = calibration.build_rows(version, own=own, quiz=quiz,
                                  mentor={(cara.id, outcome_1.id): 2, (cara.id, outcome_2.id): 4})
    cells = next(row for row in rows if row.learner.name == 'cara').cells
    # outcome 1: self 3, quiz 2, mentor 2 → one above both; outcome 2: self 3, quiz 4, mentor 4 → one below both
    assert [(c.mentor_level, c.flag) for c in cells[:2]] == [(2, Confidence.over), (4, Confidence.under)]
    assert [learner.name for learner, _o in calibration.flagged(rows, Confidence.over)] == ['ann', 'cara']
    assert [learner.name for learner, _o in calibration.flagged(rows, Confidence.under)] == ['ben', 'cara']
