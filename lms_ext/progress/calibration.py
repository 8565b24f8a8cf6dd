"""Calibration: each learner's final self-rating per learning outcome beside the quiz and mentor evidence.

It composes three sibling packages (self_assessment, quizzes, practical), so it lives here, above them.

The rule, per learner and outcome:

- **Self**: the level (1..4) the learner gave at the latest self-assessment stage they answered.
- **Quiz evidence**: the learner's share of the marks on the quiz questions linked to the outcome
  (`quizzes.services.outcome_results`; with several quizzes, the mean of their shares), put on the same
  scale: share < 40 % → 1 (not yet), < 65 % → 2 (with help), < 90 % → 3 (on my own), ≥ 90 % → 4.
- **Mentor evidence**: the mentor's level at the practical sign-off (`practical.services.mentor_outcome_ratings`).
- gap = self − evidence, for each source that exists.
- **Over-confident** when some gap is ≥ 2, or when both sources exist and both gaps are ≥ 1.
- **Under-confident** when some gap is ≤ −2, or when both sources exist and both gaps are ≤ −1.
- Without a self-rating or without any evidence, nothing is flagged. On the 1..4 scale the two flags
  exclude each other (over needs self ≥ 3 or two positive gaps, under self ≤ 2 or two negative gaps).
"""

import enum
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa

from lms_ext.accounts.models import Course, User
from lms_ext.content.models import LearningOutcome, ModuleVersion, StepKind
from lms_ext.core.db import db
from lms_ext.practical import services as practical
from lms_ext.quizzes import services as quizzes
from lms_ext.self_assessment import services as self_assessment

# (upper bound of the share, level): a share below the bound gets the level; at or above the last bound, 4.
QUIZ_LEVEL_BOUNDS = ((Decimal('0.40'), 1), (Decimal('0.65'), 2), (Decimal('0.90'), 3))
TOP_LEVEL = 4


class Confidence(enum.Enum):
    over = 'over'
    under = 'under'


def quiz_level(share: Decimal) -> int:
    """A quiz share (0..1) on the 4-level scale (see the module docstring)."""
    return next((level for bound, level in QUIZ_LEVEL_BOUNDS if share < bound), TOP_LEVEL)


def confidence(self_level: int | None, evidence: list[int]) -> Confidence | None:
    """Over- or under-confidence of a self-rating against the levels of the available evidence sources."""
    if self_level is None or not evidence:
        return None
    gaps = [self_level - level for level in evidence]
    if any(gap >= 2 for gap in gaps) or (len(gaps) > 1 and all(gap >= 1 for gap in gaps)):
        return Confidence.over
    if any(gap <= -2 for gap in gaps) or (len(gaps) > 1 and all(gap <= -1 for gap in gaps)):
        return Confidence.under
    return None


@dataclass
class Cell:
    """One learner and outcome: the three judgements side by side."""

    outcome: LearningOutcome
    self_level: int | None
    quiz_share: Decimal | None
    mentor_level: int | None

    @property
    def quiz_level(self) -> int | None:
        return None if self.quiz_share is None else quiz_level(self.quiz_share)

    @property
    def flag(self) -> Confidence | None:
        evidence = [level for level in (self.quiz_level, self.mentor_level) if level is not None]
        return confidence(self.self_level, evidence)


@dataclass
class LearnerRow:
    learner: User
    cells: list[Cell] = field(default_factory=list)

    def outcomes_flagged(self, flag: Confidence) -> list[LearningOutcome]:
        return [cell.outcome for cell in self.cells if cell.flag is flag]


def quiz_outcome_shares(course: Course, version: ModuleVersion) -> dict[tuple[int, int], Decimal]:
    """{(learner_id, outcome_id): share} over the version's quizzes (the mean where several test an outcome)."""
    shares: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
    for step in version.steps:
        if step.kind is StepKind.quiz and (quiz := quizzes.quiz_for_step(step)) is not None:
            for key, share in quizzes.outcome_results(quiz, course).items():
                shares[key].append(share)
    return {key: sum(values) / len(values) for key, values in shares.items()}


def calibration(course: Course, version: ModuleVersion) -> list[LearnerRow]:
    """Every learner with a self-rating, a quiz result or a mentor rating on the version in the course."""
    return build_rows(version, own=self_assessment.final_self_levels(course, version),
                      quiz=quiz_outcome_shares(course, version),
                      mentor=practical.mentor_outcome_ratings(course, version))


def build_rows(version: ModuleVersion, *, own: dict[tuple[int, int], int], quiz: dict[tuple[int, int], Decimal],
               mentor: dict[tuple[int, int], int]) -> list[LearnerRow]:
    """The rows, by learner name, from the three sources keyed (learner_id, outcome_id)."""
    learner_ids = {learner_id for learner_id, _outcome in (*own, *quiz, *mentor)}
    learners = db.session.scalars(sa.select(User).where(User.id.in_(learner_ids))) if learner_ids else []
    rows = [LearnerRow(learner, [Cell(o, own.get((learner.id, o.id)), quiz.get((learner.id, o.id)),
                                      mentor.get((learner.id, o.id))) for o in version.outcomes])
            for learner in learners]
    return sorted(rows, key=lambda row: (row.learner.display_name.casefold(), row.learner.id))


def flagged(rows: list[LearnerRow], flag: Confidence) -> list[tuple[User, list[LearningOutcome]]]:
    """The learners with at least one outcome flagged `flag`, with those outcomes."""
    return [(row.learner, outcomes) for row in rows if (outcomes := row.outcomes_flagged(flag))]


def mentor_levels_of(learner: User, course: Course, version: ModuleVersion) -> dict[int, int]:
    """{outcome_id: level} the mentor gave this learner (empty before the sign-off)."""
    return {outcome_id: level for (_learner, outcome_id), level
            in practical.mentor_outcome_ratings(course, version, learner=learner).items()}
