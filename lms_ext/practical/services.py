"""Services of the practical package."""


def step_panel(step, user, course, *, as_learner: bool) -> dict | None:
    """What the learner player shows on a practical checklist step (None: not set up yet)."""
    return None


def mentor_outcome_ratings(course, version) -> dict[tuple[int, int], int]:
    """{(learner_id, outcome_id): level 1..4} from each learner's latest sealed, non-voided sign-off of this
    module version in this course (the mentor's judgement per learning outcome)."""
    return {}
