"""The content blueprint: the public catalogue and media (catalogue.py), trainers' authoring (authoring.py)."""

from flask import Blueprint

bp = Blueprint('content', __name__)

from . import authoring, catalogue  # noqa: E402,F401  (routes register on bp)
