"""Services of the practical package."""


def step_panel(step, user, course, *, as_learner: bool) -> dict | None:
    """What the learner player shows on a practical checklist step (None: not set up yet)."""
    return None
