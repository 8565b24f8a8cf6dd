"""Try the tool without an LMS (registered only when DEMO_MODE is on)."""

from flask import Blueprint, render_template

from lms_ext.content import services as content

from .seed import DEMO_MODULE_SLUG

bp = Blueprint('demo', __name__, url_prefix='/demo')


@bp.get('/')
def start():
    module = content.get_module_by_slug(DEMO_MODULE_SLUG)
    return render_template('demo/start.html', module=module)
