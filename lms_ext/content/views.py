"""Public module pages: the catalogue and a module's overview."""

from flask import Blueprint, render_template

from . import services

bp = Blueprint('content', __name__)


@bp.get('/')
def index():
    return render_template('content/index.html', versions=services.published_versions())


@bp.get('/modules/<slug>')
def module_overview(slug: str):
    version = services.published_version_or_404(slug)
    return render_template('content/module.html', version=version, module=version.module)
