"""Pages of the self_assessment package."""

from flask import Blueprint

bp = Blueprint('self_assessment', __name__)
