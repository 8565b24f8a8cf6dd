"""The lti blueprint: launch endpoints (launch.py) and the administrators' registration pages (admin.py)."""

from flask import Blueprint

bp = Blueprint('lti', __name__)

from . import admin, launch  # noqa: E402,F401  (routes register on bp)
