"""Pure marking rules of Moodle's question behaviours: interactive tries with a penalty, certainty-based marking.

Interactive with multiple tries (Moodle's ``qbehaviour_interactive``): a question's mark is the fraction of its
last try less the penalty for each try before it (every earlier try was not right, or the question would have
been finished): ``max(0, fraction_of_last_try - penalty * tries_before)``.

Certainty-based marking (Moodle's ``question_cbm::adjust_fraction``, ``question/behaviour/behaviourbase.php``
since Moodle 2.6; checked against Moodle's ``question_cbm_test``): with certainty C = 1 (low), 2 (medium) or
3 (high), a raw fraction ``f`` becomes ``WRONG[C]`` when ``f <= 0.00000005`` (``question_utils::MARK_TOLERANCE``)
and ``RIGHT[C] * f`` otherwise, with RIGHT = {1: 1, 2: 2, 3: 3} and WRONG = {1: 0, 2: -2, 3: -6}. A question
answered without a certainty is marked as C1 (``question_cbm::default_certainty``). So a partly right answer
(f = 0.5) earns 0.5 / 1 / 1.5, and only a wholly wrong one is penalised.

Attempt summary (as Moodle's CBM review shows it): the *CBM average* is the mark-weighted mean of the CBM
marks (-6..3 per question); the *accuracy* the mark-weighted mean of the raw fractions (certainty ignored).
The score sent to grading and the LMS is the share ``clamp(cbm_average / 3, 0, 1)``: every question right
with high certainty is 100 %, a negative CBM average is 0 %. Questions without a certainty (essays, marked by
the trainer) count their fraction as a share of the CBM maximum (3 × fraction).

Both together (our choice; Moodle's own CBM behaviours allow one try): the CBM rule applies to the
penalised mark of the last try, with the certainty given with that try.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CERTAINTIES = (1, 2, 3)
DEFAULT_CERTAINTY = 1
CBM_RIGHT = {1: Decimal(1), 2: Decimal(2), 3: Decimal(3)}
CBM_WRONG = {1: Decimal(0), 2: Decimal(-2), 3: Decimal(-6)}
CBM_MAX = CBM_RIGHT[3]
MARK_TOLERANCE = Decimal('0.00000005')
RIGHT = Decimal('0.999999')  # Moodle counts a fraction this close to 1 as right
_PLACES = Decimal('0.00001')


def share(value: Decimal) -> Decimal:
    """A stored share: five decimal places, half up."""
    return value.quantize(_PLACES, rounding=ROUND_HALF_UP)


def is_right(fraction: Decimal) -> bool:
    return fraction >= RIGHT


def penalised(fraction: Decimal, tries_before: int, penalty: Decimal) -> Decimal:
    """The mark of a try after `tries_before` earlier (not right) tries."""
    return share(max(Decimal(0), fraction - penalty * tries_before))


def cbm_mark(fraction: Decimal, certainty: int | None) -> Decimal:
    """Moodle's question_cbm::adjust_fraction: the CBM mark (-6..3) of a raw fraction at a certainty."""
    level = certainty or DEFAULT_CERTAINTY
    if fraction <= MARK_TOLERANCE:
        return CBM_WRONG[level]
    return CBM_RIGHT[level] * fraction


@dataclass(frozen=True)
class CbmItem:
    mark: Decimal  # the question's weight
    fraction: Decimal  # raw (or interactive: penalised) fraction 0..1
    certainty: int | None
    with_certainty: bool = True  # False: manually graded, no certainty asked


@dataclass(frozen=True)
class CbmSummary:
    average: Decimal  # mark-weighted CBM mark per question, -6..3
    accuracy: Decimal  # mark-weighted fraction, certainty ignored, 0..1
    score: Decimal  # clamp(average / 3, 0, 1): the attempt's share for grading and the LMS


def cbm_summary(items: list[CbmItem]) -> CbmSummary:
    total = sum((i.mark for i in items), Decimal(0))
    if not total:
        return CbmSummary(CBM_MAX, Decimal(1), Decimal(1))
    earned = sum((i.mark * (cbm_mark(i.fraction, i.certainty) if i.with_certainty else CBM_MAX * i.fraction)
                  for i in items), Decimal(0))
    right = sum((i.mark * i.fraction for i in items), Decimal(0))
    average = earned / total
    return CbmSummary(share(average), share(right / total),
                      share(min(Decimal(1), max(Decimal(0), average / CBM_MAX))))
