"""Pages of the badges package."""

from flask import Blueprint

bp = Blueprint('badges', __name__)
