"""Pages that put self-assessment beside quiz and mentor evidence: the learner's comparison across stages and
the trainers' calibration view (they need three sibling packages, so they live in progress)."""

from flask import Blueprint, abort, render_template

from lms_ext.accounts import services as accounts
from lms_ext.accounts.models import Role
from lms_ext.accounts.permissions import require_course_role, signed_in_user
from lms_ext.content import services as content
from lms_ext.content.proficiency import BY_VALUE, LEVELS
from lms_ext.self_assessment import chart
from lms_ext.self_assessment import services as self_assessment

from . import calibration as calibration_service
from . import services

bp = Blueprint('calibration', __name__)


@bp.get('/courses/<int:course_id>/modules/<slug>/self-assessment')
def compare(course_id: int, slug: str):
    """A learner's self-ratings across the stages per outcome, with the mentor's level once signed off."""
    course = accounts.get_course(course_id) or abort(404)
    require_course_role(course, Role.learner)
    module = content.get_module_by_slug(slug) or abort(404)
    run = services.find_run(signed_in_user(), module, course) or abort(404)
    version = run.version
    mentor = calibration_service.mentor_levels_of(signed_in_user(), course, version)
    data = self_assessment.comparison(signed_in_user(), course, version, mentor_levels=mentor)
    charts = [chart.progression(len(data['stages']), row['levels'], start=row['start'], mentor=row['mentor'])
              for row in data['rows']]
    return render_template('progress/compare.html', course=course, module=module, version=version, data=data,
                           charts=charts, levels=LEVELS, by_value=BY_VALUE)


@bp.get('/courses/<int:course_id>/versions/<int:version_id>/calibration')
def calibration(course_id: int, version_id: int):
    """For trainers: per learner and outcome, the final self-rating, the quiz result and the mentor's level."""
    course = accounts.get_course(course_id) or abort(404)
    require_course_role(course, Role.instructor)
    version = content.get_version(version_id) or abort(404)
    rows = calibration_service.calibration(course, version)
    Confidence = calibration_service.Confidence
    return render_template('progress/calibration.html', course=course, version=version, rows=rows,
                           over=calibration_service.flagged(rows, Confidence.over),
                           under=calibration_service.flagged(rows, Confidence.under), by_value=BY_VALUE,
                           bounds=calibration_service.QUIZ_LEVEL_BOUNDS, Confidence=Confidence)
