"""The practical blueprint: the learner's side of a sign-off (learner.py), the mentor's (mentor.py) and the
trainer's checklist authoring, mentors and sign-off register (trainer.py)."""

from flask import Blueprint

bp = Blueprint('practical', __name__)

from . import learner, mentor, trainer  # noqa: E402,F401  (routes register on bp)
