"""Hosted verification (public, no login), the learner's badges, e-mail claims and trainer revocation."""

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from lms_ext.accounts import services as accounts
from lms_ext.accounts.models import Role
from lms_ext.accounts.permissions import require_author, require_course_role, signed_in_user
from lms_ext.content import services as content
from lms_ext.core.db import unit_of_work
from lms_ext.core.errors import DomainError
from lms_ext.core.extensions import limiter
from lms_ext.core.i18n import _

from . import mail, ob2, services
from .schemas import EmailClaimInput, NameConsentInput, RevokeInput

bp = Blueprint('badges', __name__, url_prefix='/badges')
JSON_TYPES = ('application/ld+json', 'application/json')


def _wants_html() -> bool:
    """Browsers get the page; `Accept: application/ld+json`, `application/json`, `*/*` or none get JSON-LD."""
    return request.accept_mimetypes.best_match([*JSON_TYPES, 'text/html']) == 'text/html'


def _json(document: dict, status: int = 200):
    response = jsonify(document)
    response.status_code = status
    accept = request.accept_mimetypes
    ld = accept['application/ld+json'] > accept['application/json']  # asked for by name, not by */*
    response.mimetype = 'application/ld+json' if ld else 'application/json'
    response.headers['Access-Control-Allow-Origin'] = '*'  # verifiers run in other sites' pages too
    response.vary.add('Accept')
    return response


def _html(template: str, status: int = 200, **context):
    response = current_app.make_response((render_template(template, links=services.links(), **context), status))
    response.vary.add('Accept')
    return response


def _image(data: bytes | str, mimetype: str, filename: str | None = None):
    response = current_app.response_class(data, mimetype=mimetype)
    response.headers['Access-Control-Allow-Origin'] = '*'
    if filename:
        response.headers['Content-Disposition'] = f'attachment; filename="{filename}"'
    return response


# --------------------------------------------------------------------------- hosted verification


@bp.get('/issuers/<public_id>')
def issuer(public_id: str):
    issuer = services.get_issuer_or_404(public_id)
    if _wants_html():
        return _html('badges/issuer.html', issuer=issuer)
    return _json(ob2.issuer_json(issuer, services.links()))


@bp.get('/issuers/<public_id>/revocations')
def revocations(public_id: str):
    issuer = services.get_issuer_or_404(public_id)
    return _json(ob2.revocation_list_json(issuer, services.revoked_of(issuer), services.links()))


@bp.get('/classes/<public_id>')
def badge_class(public_id: str):
    badge_class = services.get_class_or_404(public_id)
    if _wants_html():
        return _html('badges/badge_class.html', badge_class=badge_class, facts=badge_class.facts,
                     narrative=ob2.criteria_narrative(badge_class.facts),
                     document=ob2.badge_class_json(badge_class, services.links()))
    return _json(ob2.badge_class_json(badge_class, services.links()))


@bp.get('/classes/<public_id>/image.png')
def class_image(public_id: str):
    return _image(services.class_png(services.get_class_or_404(public_id)), 'image/png')


@bp.get('/author/versions/<int:version_id>/image.png')
@require_author
def version_image(version_id: int):
    """For the authoring page: the image the version's badges have (awarded) or will have."""
    version = content.get_version(version_id) or abort(404)
    response = _image(services.preview_png(version), 'image/png')
    response.headers['Cache-Control'] = 'no-store'  # changes with each upload until the first award
    return response


@bp.get('/assertions/<public_id>')
def assertion(public_id: str):
    assertion = services.get_published_assertion_or_404(public_id)
    status = 410 if assertion.is_revoked else 200
    if _wants_html():
        return _html('badges/assertion.html', status, assertion=assertion, badge_class=assertion.badge_class,
                     document=services.assertion_document(assertion))
    if assertion.is_revoked:
        return _json(ob2.revoked_json(assertion, services.links()), 410)
    return _json(services.assertion_document(assertion))


@bp.get('/assertions/<public_id>/badge.png')
def baked_png(public_id: str):
    assertion = services.get_published_assertion_or_404(public_id)
    if assertion.is_revoked:
        abort(410)
    return _image(services.baked_png(assertion), 'image/png', f'badge-{public_id}.png')


@bp.get('/assertions/<public_id>/badge.svg')
def baked_svg(public_id: str):
    assertion = services.get_published_assertion_or_404(public_id)
    if assertion.is_revoked:
        abort(410)
    return _image(services.baked_svg(assertion), 'image/svg+xml', f'badge-{public_id}.svg')


@bp.get('/assertions/<public_id>/evidence')
def evidence(public_id: str):
    assertion = services.get_published_assertion_or_404(public_id)
    return _html('badges/evidence.html', assertion=assertion, evidence=assertion.evidence)


@bp.get('/contexts/openbadges-v2.json')
def ob_v2_context():
    """The pinned copy of https://w3id.org/openbadges/v2 (never fetched by the app)."""
    return _json(ob2.ob_v2_context())


@bp.get(f'/contexts/eu-microcredential-{ob2.EXTENSION_VERSION}.jsonld')
def extension_context():
    return _json(ob2.extension_context(services.links()))


@bp.get(f'/schemas/<any({", ".join(map(repr, ob2.SCHEMAS))}):name>-{ob2.EXTENSION_VERSION}.json')
def extension_schema(name: str):
    return _json(ob2.extension_schema(name))


# --------------------------------------------------------------------------- the learner's badges


@bp.get('/mine')
@login_required
def mine():
    badges = services.badges_of(signed_in_user())
    return _html('badges/mine.html', badges=badges, email=services.recipient_email(signed_in_user()),
                 pending_claim=services.pending_claim(signed_in_user()), linkedin=services.linkedin_url)


@bp.post('/assertions/<public_id>/consent')
@login_required
def name_consent(public_id: str):
    assertion = services.get_assertion(public_id) or abort(404)
    data = NameConsentInput().load(request.form)
    with unit_of_work():
        services.set_name_consent(assertion, learner=signed_in_user(), show_name=data['show_name'])
    flash(_('Your name is now shown on this badge.') if data['show_name']
          else _('Your name is no longer shown on this badge.'), 'success')
    return redirect(url_for('badges.mine'))


def _user_key() -> str:
    return f'user:{current_user.get_id()}'


@bp.post('/email')
@login_required
@limiter.limit('5 per hour', key_func=_user_key)  # each claim sends a message: no mail bombing
def claim_email():
    data = EmailClaimInput().load(request.form)
    with unit_of_work():
        services.start_email_claim(signed_in_user(), data['email'])
    with unit_of_work():
        mail.deliver_pending()
    flash(_('We sent a confirmation link to %(email)s. Open it to receive your badges.', email=data['email']),
          'success')
    return redirect(url_for('badges.mine'))


@bp.get('/email/confirm/<token>')
@limiter.limit('30 per minute')
def confirm_email(token: str):
    with unit_of_work():
        claim, issued = services.confirm_email_claim(token)
    return _html('badges/email_confirmed.html', claim=claim, issued=issued)


@bp.get('/outbox')
def outbox():
    """Development and demo only: the e-mails the app would have sent."""
    if not current_app.config['DEMO_MODE'] or current_app.config.get('SMTP_HOST'):
        abort(404)
    return _html('badges/outbox.html', messages=mail.recent_messages())


# --------------------------------------------------------------------------- trainers


@bp.get('/courses/<int:course_id>')
def course_badges(course_id: int):
    course = accounts.get_course(course_id) or abort(404)
    require_course_role(course, Role.instructor)
    return _html('badges/course.html', course=course, badges=services.badges_in(course))


@bp.post('/assertions/<public_id>/revoke')
def revoke(public_id: str):
    assertion = services.get_assertion(public_id) or abort(404)
    require_course_role(assertion.course, Role.instructor)
    data = RevokeInput().load(request.form)
    try:
        with unit_of_work():
            services.revoke(assertion, reason=data['reason'], actor=signed_in_user())
    except DomainError as exc:
        flash(exc.message, 'error')
    else:
        flash(_('The badge was revoked.'), 'success')
    return redirect(url_for('badges.course_badges', course_id=assertion.course_id))
