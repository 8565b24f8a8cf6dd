"""The questionnaire, the learner's own preference page, and time-on-page beacons."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import login_required
from marshmallow import ValidationError

from lms_ext.accounts.permissions import require_author, signed_in_user
from lms_ext.core.db import unit_of_work
from lms_ext.core.errors import InvalidInput
from lms_ext.core.i18n import _
from lms_ext.core.web import safe_next

from . import questions, services
from .schemas import ItemEditInput, NewItemInput, TimeSpentInput

bp = Blueprint('learning_styles', __name__)


def _next() -> str:
    return safe_next(request.values.get('next'), url_for('learning_styles.preferences'))


@bp.route('/preferences/questionnaire', methods=['GET', 'POST'])
@login_required
def questionnaire():
    with unit_of_work():
        items = services.items()
    errors, answers = {}, {}
    if request.method == 'POST':
        if request.form.get('skip'):
            with unit_of_work():
                services.skip(signed_in_user())
            flash(_('Skipped. Units open in your trainer’s order; you can fill in the questionnaire any time.'),
                  'info')
            return redirect(_next(), 303)
        answers = {item.key: request.form.getlist(item.key) for item in items if request.form.getlist(item.key)}
        try:
            with unit_of_work():
                services.submit_answers(signed_in_user(), answers)
            flash(_('Thank you. Units now open in the formats you prefer; you can always switch.'), 'success')
            return redirect(_next(), 303)
        except InvalidInput as exc:
            errors = exc.errors
    else:
        profile = services.profile_of(signed_in_user())
        answers = profile.answers if profile and not profile.skipped else {}
    return render_template('learning_styles/questionnaire.html', items=items, answers=answers, errors=errors,
                           next=_next(), license=questions.LICENSE), 422 if errors else 200


@bp.get('/preferences')
@login_required
def preferences():
    profile = services.profile_of(signed_in_user())
    return render_template('learning_styles/preferences.html', profile=profile,
                           top=services.top_modalities(profile))


@bp.post('/preferences/reset')
@login_required
def reset():
    with unit_of_work():
        services.reset(signed_in_user())
    flash(_('Your answers are deleted. You will be asked again at your next launch.'), 'info')
    return redirect(url_for('learning_styles.preferences'), 303)


@bp.get('/preferences/export.json')
@login_required
def export():
    response = jsonify(services.export_for(signed_in_user()))
    response.headers['Content-Disposition'] = 'attachment; filename="my-learning-preferences.json"'
    return response


@bp.post('/events/<int:event_id>/time')
@login_required
def time_spent(event_id: int):
    """navigator.sendBeacon from the player when the learner leaves a unit."""
    try:
        data = TimeSpentInput().load({'seconds': request.form.get('seconds', '')})
    except ValidationError as exc:
        return jsonify(errors=exc.normalized_messages()), 422
    with unit_of_work():
        services.record_time(event_id, signed_in_user(), data['seconds'])
    return '', 204


@bp.route('/preferences/questions', methods=['GET', 'POST'])
@require_author
def edit_questions():
    """Trainers and admins adapt the questionnaire of this installation (wording, on/off, new questions)."""
    errors = {}
    if request.method == 'POST':
        try:
            if request.form.get('item_id'):
                item = services.get_item(int(request.form['item_id'])) or abort(404)
                data = ItemEditInput().load({'prompt': request.form.get('prompt', ''),
                                             'active': request.form.get('active', 'false')})
                labels = {k[len('label_'):]: v.strip() for k, v in request.form.items() if k.startswith('label_')}
                with unit_of_work():
                    services.update_item(item, prompt=data['prompt'], labels=labels, active=data['active'])
            else:
                data = NewItemInput().load({k: v for k, v in request.form.items() if k != 'csrf_token'})
                with unit_of_work():
                    services.add_preference_item(prompt=data.pop('prompt'), labels=data)
            flash(_('Questionnaire saved.'), 'success')
            return redirect(url_for('learning_styles.edit_questions'), 303)
        except (ValidationError, InvalidInput) as exc:
            errors = exc.normalized_messages() if isinstance(exc, ValidationError) else exc.errors
    with unit_of_work():
        items = services.all_items()
    return render_template('learning_styles/edit_questions.html', items=items, errors=errors,
                           license=questions.LICENSE), 422 if errors else 200
