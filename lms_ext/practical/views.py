"""Pages of the practical package."""

from flask import Blueprint

bp = Blueprint('practical', __name__)
