"""Trainers' authoring pages: modules, versions, steps and their format variants (drafts only)."""

import io

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from marshmallow import ValidationError
from werkzeug.datastructures import FileStorage

from lms_ext.accounts.permissions import require_author
from lms_ext.core.db import unit_of_work
from lms_ext.core.errors import DomainError, InvalidInput
from lms_ext.core.i18n import _

from .. import badge_image, formats, media, packages, services
from ..models import ContentFormat, StepKind, VersionState
from ..schemas import ModuleInput, StepInput, VersionInput
from . import bp

OUTCOME_FIELDS = ('kind', 'text', 'framework_name', 'framework_code', 'framework_url')


def _outcome_rows(form, with_ids: bool = False) -> list[dict]:
    """Repeated outcome fields (outcome_kind, outcome_text, ...) → rows; rows without text are dropped.

    `with_ids`: each row also carries the id of the outcome it edits (hidden outcome_id; None for a new row),
    so that the service matches outcomes by id, not by position."""
    columns = {name: form.getlist(f'outcome_{name}') for name in OUTCOME_FIELDS + (('id',) if with_ids else ())}
    rows = []
    for index in range(len(columns['text'])):
        row = {name: (values[index] if index < len(values) else '').strip() for name, values in columns.items()}
        if row['text']:
            rows.append({k: v for k, v in row.items() if v or k in ('kind', 'text')}
                        | ({'id': row['id'] or None} if with_ids else {}))
    return rows


def _version_form(form, with_ids: bool = False) -> dict:
    data = {k: v for k, v in form.to_dict().items() if not k.startswith('outcome_') and v != ''}
    data['outcomes'] = _outcome_rows(form, with_ids)
    return data


def _errors(exc: Exception) -> dict:
    return exc.normalized_messages() if isinstance(exc, ValidationError) else (
        exc.errors if isinstance(exc, InvalidInput) else {'form': [getattr(exc, 'message', str(exc))]})


def _draft_or_404(version_id: int):
    version = services.get_version(version_id) or abort(404)
    return version


@bp.get('/author/')
@require_author
def author_index():
    return render_template('content/author/index.html', modules=services.modules_for_authoring(),
                           VersionState=VersionState)


@bp.route('/author/new', methods=['GET', 'POST'])
@require_author
def author_new_module():
    form, errors = {'eqf_level': '3', 'language': 'en', 'participation': 'hybrid'}, {}
    if request.method == 'POST':
        form = request.form
        try:
            data = ModuleInput().load(_version_form(form))
            with unit_of_work():
                module = services.create_module(data)
                version_id = module.versions[0].id
            flash(_('Module created. Add its units and their formats next.'), 'success')
            return redirect(url_for('content.author_version', version_id=version_id), 303)
        except (ValidationError, DomainError) as exc:
            errors = _errors(exc)
    return render_template('content/author/module_form.html', form=form, errors=errors, version=None,
                           outcomes=_outcome_rows(form) if request.method == 'POST' else []), 422 if errors else 200


@bp.route('/author/versions/<int:version_id>', methods=['GET', 'POST'])
@require_author
def author_version(version_id: int):
    version = _draft_or_404(version_id)
    errors = {}
    if request.method == 'POST':
        try:
            data = VersionInput().load(_version_form(request.form, with_ids='outcome_id' in request.form))
            with unit_of_work():
                services.update_version(version, data)
            flash(_('Saved.'), 'success')
            return redirect(url_for('content.author_version', version_id=version_id), 303)
        except (ValidationError, DomainError) as exc:
            errors = _errors(exc)
    return _version_page(version, errors=errors)


def _version_page(version, *, errors: dict | None = None, image_errors: dict | None = None):
    """The authoring page of a version; `errors` of the details form keep what was typed."""
    errors = errors or {}
    form = request.form if errors else {name: getattr(version, name) for name in services.VERSION_FIELDS}
    outcomes = _outcome_rows(request.form, with_ids=True) if errors else [
        {name: getattr(o, name) if name != 'kind' else o.kind.value for name in OUTCOME_FIELDS + ('id',)}
        for o in version.outcomes]
    return render_template('content/author/version.html', version=version, form=form, outcomes=outcomes,
                           errors=errors, image_errors=image_errors or {}, formats=formats.FORMATS,
                           StepKind=StepKind, editable=version.state is VersionState.draft,
                           has_badge_image=version.badge_image_png is not None
                           ), 422 if errors or image_errors else 200


@bp.post('/author/versions/<int:version_id>/badge-image')
@require_author
def author_badge_image(version_id: int):
    """Upload the draft's own badge image (multipart field `badge_image`)."""
    version = _draft_or_404(version_id)
    upload: FileStorage | None = request.files.get('badge_image')
    data = upload.stream.read(badge_image.MAX_BYTES + 1) if upload and upload.filename else b''
    try:
        with unit_of_work():
            services.set_badge_image(version, data)
    except DomainError as exc:
        if not isinstance(exc, InvalidInput):
            flash(exc.message, 'error')
            return redirect(url_for('content.author_version', version_id=version_id, _anchor='badge-image'), 303)
        return _version_page(version, image_errors=exc.errors)
    flash(_('Badge image saved. Badges of this version will show it once it is published.'), 'success')
    return redirect(url_for('content.author_version', version_id=version_id, _anchor='badge-image'), 303)


@bp.post('/author/versions/<int:version_id>/badge-image/remove')
@require_author
def author_badge_image_remove(version_id: int):
    version = _draft_or_404(version_id)
    try:
        with unit_of_work():
            services.clear_badge_image(version)
        flash(_('The generated badge image will be used.'), 'success')
    except DomainError as exc:
        flash(exc.message, 'error')
    return redirect(url_for('content.author_version', version_id=version_id, _anchor='badge-image'), 303)


@bp.post('/author/versions/<int:version_id>/steps')
@require_author
def author_add_step(version_id: int):
    version = _draft_or_404(version_id)
    try:
        data = StepInput().load({k: v for k, v in request.form.items() if v != ''})
        with unit_of_work():
            services.add_step(version, data)
        flash(_('Step added.'), 'success')
    except (ValidationError, DomainError) as exc:
        flash(_('The step was not added: %(errors)s', errors=_flat(_errors(exc))), 'error')
    return redirect(url_for('content.author_version', version_id=version_id, _anchor='steps'), 303)


def _flat(errors: dict) -> str:
    return '; '.join(f'{field}: {" ".join(map(str, msgs)) if isinstance(msgs, list) else msgs}'
                     for field, msgs in errors.items())


@bp.post('/author/steps/<int:step_id>')
@require_author
def author_edit_step(step_id: int):
    step = services.get_step(step_id) or abort(404)
    try:
        data = StepInput().load({k: v for k, v in request.form.items() if v != ''} | {'kind': step.kind.value,
                                                                                     'required': request.form.get(
                                                                                         'required', 'false')})
        with unit_of_work():
            services.update_step(step, data)
        flash(_('Step saved.'), 'success')
    except (ValidationError, DomainError) as exc:
        flash(_('The step was not saved: %(errors)s', errors=_flat(_errors(exc))), 'error')
    return redirect(url_for('content.author_version', version_id=step.version_id, _anchor=f'step-{step.id}'), 303)


@bp.post('/author/steps/<int:step_id>/<any(delete, up, down):action>')
@require_author
def author_step_action(step_id: int, action: str):
    step = services.get_step(step_id) or abort(404)
    version_id = step.version_id
    with unit_of_work():
        if action == 'delete':
            services.delete_step(step)
        else:
            services.move_step(step, -1 if action == 'up' else 1)
    return redirect(url_for('content.author_version', version_id=version_id, _anchor='steps'), 303)


@bp.post('/author/versions/<int:version_id>/order')
@require_author
def author_reorder(version_id: int):
    """Drag and drop sends the new order of step ids (form field `order`, repeated)."""
    version = _draft_or_404(version_id)
    try:
        order = [int(i) for i in request.form.getlist('order')]
    except ValueError:
        raise InvalidInput('order', _('The order must be a list of step numbers.')) from None
    with unit_of_work():
        services.reorder_steps(version, order)
    return ('', 204) if request.accept_mimetypes.best == 'application/json' else redirect(
        url_for('content.author_version', version_id=version_id, _anchor='steps'), 303)


@bp.post('/author/versions/<int:version_id>/<any(publish, "new-draft", delete):action>')
@require_author
def author_version_action(version_id: int, action: str):
    version = _draft_or_404(version_id)
    try:
        with unit_of_work():
            if action == 'publish':
                services.publish_version(version)
                target = version.id
            elif action == 'new-draft':
                target = services.new_draft_from(version).id
            else:
                services.delete_draft(version)
                target = None
    except DomainError as exc:
        flash(exc.message, 'error')
        return redirect(url_for('content.author_version', version_id=version_id), 303)
    messages = {'publish': _('Published. Learners who open the module from now on get this version.'),
                'new-draft': _('A new draft was created from this version.'), 'delete': _('Draft deleted.')}
    flash(messages[action], 'success')
    if target is None:
        return redirect(url_for('content.author_index'), 303)
    return redirect(url_for('content.author_version', version_id=target), 303)


# --------------------------------------------------------------------------- variants


def _upload(module, form_files, name: str, kept: str | None) -> int | None:
    """The asset id for an upload field: a new file if one was sent, else the kept id (editing)."""
    upload: FileStorage | None = form_files.get(name)
    if upload and upload.filename:
        return media.store_asset(module, upload.filename, upload.stream, media_dir=current_app.config['MEDIA_DIR'],
                                 field=name).id
    return int(kept) if kept and kept.isdigit() else None


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or '').splitlines() if line.strip()]


def _payload(fmt: ContentFormat, module, form, files) -> dict:
    """Form fields and uploads → the payload the format's schema checks."""
    number = lambda name: int(form[name]) if form.get(name, '').strip().isdigit() else None  # noqa: E731
    if fmt in (ContentFormat.video, ContentFormat.audio):
        payload = {'asset_id': _upload(module, files, 'file', form.get('asset_id')),
                   'url': form.get('url') or None, 'transcript': form.get('transcript', ''),
                   'duration_seconds': number('duration_seconds')}
        if payload['url']:
            payload['asset_id'] = None
        if fmt is ContentFormat.video:
            payload['poster_asset_id'] = _upload(module, files, 'poster', form.get('poster_asset_id'))
            payload['captions'] = []
            for index in range(3):
                asset_id = _upload(module, files, f'caption_file_{index}', form.get(f'caption_asset_id_{index}'))
                language = form.get(f'caption_language_{index}', '').strip()
                if asset_id and language:
                    payload['captions'].append({'language': language, 'asset_id': asset_id,
                                                'label': form.get(f'caption_label_{index}', '').strip() or language})
        return payload
    if fmt is ContentFormat.text:
        return {'body': form.get('body', '')}
    if fmt is ContentFormat.workbook:
        return {'asset_id': _upload(module, files, 'file', form.get('asset_id')),
                'description': form.get('description', '')}
    return {'instructions': form.get('instructions', ''), 'materials': _lines(form.get('materials')),
            'safety_notes': _lines(form.get('safety_notes')), 'expected_result': form.get('expected_result', ''),
            'duration_minutes': number('duration_minutes')}


@bp.route('/author/steps/<int:step_id>/formats/<format_key>', methods=['GET', 'POST'])
@require_author
def author_variant(step_id: int, format_key: str):
    step = services.get_step(step_id) or abort(404)
    try:
        fmt = formats.get_format(format_key)
    except ValidationError:
        abort(404)
    existing = next((v for v in step.variants if v.format is fmt.key), None)
    errors, payload = {}, dict(existing.payload) if existing else {}
    if request.method == 'POST':
        try:
            with unit_of_work():
                payload = _payload(fmt.key, step.version.module, request.form, request.files)
                if existing:
                    services.update_variant(existing, payload)
                else:
                    services.add_variant(step, fmt.key.value, payload)
            flash(_('%(format)s saved.', format=fmt.label), 'success')
            return redirect(url_for('content.author_version', version_id=step.version_id, _anchor=f'step-{step.id}'),
                            303)
        except (ValidationError, DomainError) as exc:
            errors = _errors(exc)
            payload = {**payload, **request.form.to_dict()}
    assets = media.assets_by_id({i for i, _k in fmt.asset_ids(existing.payload)}) if existing else {}
    return render_template('content/author/variant_form.html', step=step, fmt=fmt, payload=payload,
                           existing=existing, assets=assets, errors=errors), 422 if errors else 200


@bp.post('/author/variants/<int:variant_id>/<any(delete, up, down):action>')
@require_author
def author_variant_action(variant_id: int, action: str):
    variant = services.get_variant(variant_id) or abort(404)
    step_id, version_id = variant.step_id, variant.step.version_id
    with unit_of_work():
        if action == 'delete':
            services.delete_variant(variant)
        else:
            services.move_variant(variant, -1 if action == 'up' else 1)
    return redirect(url_for('content.author_version', version_id=version_id, _anchor=f'step-{step_id}'), 303)


@bp.get('/author/versions/<int:version_id>/preview/<int:position>')
@require_author
def author_preview(version_id: int, position: int):
    """The learner's view of any version (drafts included); nothing is recorded."""
    version = _draft_or_404(version_id)
    step = next((s for s in version.steps if s.position == position), None) or abort(404)
    variant = next((v for v in step.variants if v.format.value == request.args.get('format')),
                   step.variants[0] if step.variants else None)
    fmt = formats.FORMATS[variant.format] if variant else None
    assets = media.assets_by_id({i for i, _k in fmt.asset_ids(variant.payload)}) if variant else {}
    return render_template('content/author/preview.html', version=version, module=version.module, step=step,
                           variant=variant, fmt=fmt, assets=assets, formats=formats.FORMATS)


@bp.post('/author/import')
@require_author
def author_import():
    """Upload a module package: a new module, or a new draft of an existing one. All or nothing."""
    upload = request.files.get('package')
    if not upload or not upload.filename:
        flash(_('Choose a package file (.zip) to import.'), 'error')
        return redirect(url_for('content.author_index'), 303)
    try:
        with unit_of_work():
            result = packages.import_package(upload.stream, media_dir=current_app.config['MEDIA_DIR'])
            version_id = result.version.id
    except (packages.PackageInvalid, DomainError) as exc:
        errors = exc.errors if isinstance(exc, InvalidInput) else {'package': [exc.message]}
        return render_template('content/author/index.html', modules=services.modules_for_authoring(),
                               VersionState=VersionState, import_errors=errors), 422
    for warning in result.warnings:
        flash(warning, 'info')
    flash(_('Package imported as a draft. Check it, then publish.'), 'success')
    return redirect(url_for('content.author_version', version_id=version_id), 303)


@bp.get('/author/versions/<int:version_id>/export.zip')
@require_author
def author_export(version_id: int):
    version = _draft_or_404(version_id)
    data = packages.export_package(version, media_dir=current_app.config['MEDIA_DIR'])
    return send_file(io.BytesIO(data), mimetype='application/zip', as_attachment=True,
                     download_name=f'{version.module.slug}-v{version.number}.zip')
