"""Pure marking rules: Moodle's interactive penalty and certainty-based marking (question_cbm), hand-computed."""

from decimal import Decimal

import pytest

from lms_ext.quizzes.behaviours import CbmItem, cbm_mark, cbm_summary, penalised

D = Decimal


@pytest.mark.parametrize(('fraction', 'certainty', 'mark'), [
    (D(1), 1, D(1)), (D(1), 2, D(2)), (D(1), 3, D(3)),  # right
    (D(0), 1, D(0)), (D(0), 2, D(-2)), (D(0), 3, D(-6)),  # wrong
    (D('0.5'), 1, D('0.5')), (D('0.5'), 2, D(1)), (D('0.5'), 3, D('1.5')),  # partly right: scaled, not penalised
    (D(1), None, D(1)), (D(0), None, D(0)),  # no certainty given: C1 assumed
    (D('0.00000005'), 3, D(-6)),  # within Moodle's MARK_TOLERANCE counts as wrong
])
def test_cbm_mark_for_each_certainty(fraction, certainty, mark):
    assert cbm_mark(fraction, certainty) == mark


@pytest.mark.parametrize(('fraction', 'tries_before', 'mark'), [
    (D(1), 0, D(1)), (D(1), 1, D('0.66667')), (D(1), 2, D('0.33333')),
    (D('0.5'), 1, D('0.16667')), (D('0.5'), 2, D(0)),  # never below 0
])
def test_interactive_penalty(fraction, tries_before, mark):
    assert penalised(fraction, tries_before, D('0.3333333')) == mark


def test_cbm_summary_average_accuracy_and_score():
    items = [CbmItem(D(1), D(1), 3), CbmItem(D(2), D(0), 2), CbmItem(D(1), D('0.5'), 1),
             CbmItem(D(1), D('0.5'), None, with_certainty=False)]  # an essay the trainer gave 50 %
    # CBM marks × weight: 3 - 4 + 0.5 + 1.5 = 1 over 5 marks; accuracy (1 + 0 + 0.5 + 0.5) / 5
    summary = cbm_summary(items)
    assert (summary.average, summary.accuracy, summary.score) == (D('0.20000'), D('0.40000'), D('0.06667'))
    assert cbm_summary([CbmItem(D(1), D(0), 3)]).score == D(0)  # a negative average is 0 %
    assert cbm_summary([CbmItem(D(1), D(1), 3)]).score == D(1)
