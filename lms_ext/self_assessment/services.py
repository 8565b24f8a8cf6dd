"""Services of the self_assessment package."""


def step_panel(step, user, course, *, as_learner: bool) -> dict | None:
    """What the learner player shows on a self-assessment stage (None: not set up yet)."""
    return None
