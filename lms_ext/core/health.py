"""Liveness/readiness endpoint for load balancers."""

import logging

import sqlalchemy as sa
from flask import Blueprint, jsonify

from .db import db

logger = logging.getLogger(__name__)
bp = Blueprint('health', __name__)


@bp.get('/healthz')
def healthz():
    """200 when the database answers, 503 otherwise (the body says which check failed)."""
    try:
        db.session.execute(sa.text('SELECT 1'))
    except sa.exc.SQLAlchemyError:
        logger.exception('Health check: database unreachable')
        db.session.rollback()
        return jsonify(status='unavailable', checks={'database': 'error'}), 503
    return jsonify(status='ok', checks={'database': 'ok'})
