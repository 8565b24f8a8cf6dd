"""Issue (exactly once), revoke and bake badges; e-mail claims for learners without an address."""

import functools
import hashlib
import logging
import secrets
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from lms_ext.accounts.models import Course, User
from lms_ext.content.badge_image import png_size
from lms_ext.content.models import ModuleVersion, StepKind
from lms_ext.core.db import db
from lms_ext.core.errors import Conflict, InvalidInput, NotFound
from lms_ext.core.i18n import _
from lms_ext.core.time import utcnow
from lms_ext.practical import services as practical
from lms_ext.progress.models import ModuleProgress
from lms_ext.quizzes import services as quizzes

from . import baking, images, mail, ob2
from .models import Assertion, AssertionAction, AssertionEvent, BadgeClass, EmailClaim, Issuer, RevocationKind

logger = logging.getLogger(__name__)
CLAIM_VALID = timedelta(days=3)


def links() -> ob2.Links:
    return ob2.Links(current_app.config['BASE_URL'])


def _public_id() -> str:
    return secrets.token_urlsafe(16)


def _get_or_create(query, build):
    """The row `query` finds, else a new one from `build()`; a concurrent insert that wins the unique
    constraint is returned instead (the savepoint keeps the surrounding transaction usable)."""
    found = db.session.scalar(query)
    if found is not None:
        return found
    try:
        with db.session.begin_nested():
            row = build()
            db.session.add(row)
        return row
    except IntegrityError:
        return db.session.scalar(query)


# --------------------------------------------------------------------------- issuer and badge class


def issuer_for(course: Course) -> Issuer:
    """The organisation's issuer (matched by the course's LMS issuer), else the installation's."""
    own = db.session.scalar(sa.select(Issuer).where(Issuer.lms_issuer == course.issuer))
    if own is not None:
        return own
    config = current_app.config
    settings = {'name': config['BADGE_ISSUER_NAME'], 'url': config['BADGE_ISSUER_URL'],
                'email': config['BADGE_ISSUER_EMAIL'], 'description': config['BADGE_ISSUER_DESCRIPTION'],
                'image_url': config['BADGE_ISSUER_IMAGE'], 'country': config['BADGE_ISSUER_COUNTRY'].upper()}
    issuer = _get_or_create(sa.select(Issuer).where(Issuer.lms_issuer == ''),
                            lambda: Issuer(public_id=_public_id(), lms_issuer='', **settings))
    for name, value in settings.items():  # the installation issuer follows its settings
        if getattr(issuer, name) != value:
            setattr(issuer, name, value)
    return issuer


def class_facts(version: ModuleVersion) -> dict:
    """What the badge class states about the module version (a snapshot; published versions never change)."""
    return {
        'title': version.title, 'summary': version.summary, 'version': version.number,
        'module_slug': version.module.slug, 'language': version.language, 'eqf_level': version.eqf_level,
        'workload_hours': str(version.workload_hours), 'ects': None if version.ects is None else str(version.ects),
        'prerequisites': version.prerequisites, 'participation': version.participation.value,
        'assessment_type': version.assessment_type, 'quality_assurance': version.quality_assurance,
        'stackability': current_app.config['BADGE_STACKABILITY'],
        'tags': ['microVET', 'micro-credential', f'EQF {version.eqf_level}', version.module.slug],
        'outcomes': [{'kind': o.kind.value, 'text': o.text, 'framework_name': o.framework_name,
                      'framework_code': o.framework_code, 'framework_url': o.framework_url}
                     for o in version.outcomes],
    }


def version_images(version: ModuleVersion, issuer_name: str) -> tuple[bytes, str]:
    """(PNG, SVG) for a badge of the version: the trainer's uploaded PNG (the SVG wraps it), else the
    generated default."""
    png = version.badge_image_png
    if png:
        width, height = png_size(png)  # checked on upload
        return png, images.png_in_svg(png, width=width, height=height, title=version.title)
    svg = images.default_svg(title=version.title, eqf_level=version.eqf_level, issuer=issuer_name)
    return images.render_png(svg), svg


def badge_class_for(version: ModuleVersion, course: Course) -> BadgeClass:
    """The badge class of the version, created with its image (uploaded, else generated) on first award;
    it never changes after that."""

    def build() -> BadgeClass:
        issuer = issuer_for(course)
        png, svg = version_images(version, issuer.name)
        return BadgeClass(public_id=_public_id(), version=version, issuer=issuer, name=version.title,
                          description=version.summary or version.title, facts=class_facts(version),
                          image_svg=svg, image_png=png)

    return _get_or_create(_class_of(version), build)


def _class_of(version: ModuleVersion):
    return sa.select(BadgeClass).where(BadgeClass.version_id == version.id)


def awarded_class_of(version: ModuleVersion) -> BadgeClass | None:
    """The version's badge class, once its first badge was awarded (its image is then fixed)."""
    return db.session.scalar(_class_of(version))


def preview_png(version: ModuleVersion) -> bytes:
    """The image badges of the version have (awarded already) or will have (the upload, else the
    generated default with the installation's issuer name)."""
    awarded = awarded_class_of(version)
    if awarded is not None:
        return class_png(awarded)
    return version_images(version, current_app.config['BADGE_ISSUER_NAME'])[0]


# --------------------------------------------------------------------------- issuing


def _assertion_of(learner: User, version: ModuleVersion) -> Assertion | None:
    return db.session.scalar(sa.select(Assertion).where(Assertion.learner_id == learner.id,
                                                        Assertion.version_id == version.id))


def _percent(share: Decimal) -> Decimal:
    return (share * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)


def _assessment_facts(run: ModuleProgress) -> tuple[Decimal | None, object, dict]:
    """(grade in percent over the quizzes, when the practical task was signed off, the evidence summary)."""
    done = {entry.step_id: entry.completed_at for entry in run.steps if entry.completed_at is not None}
    quiz_rows, grades, signoffs = [], [], []
    quiz_steps = [step for step in run.version.steps if step.kind is StepKind.quiz]
    graded = quizzes.grades_by_step(quiz_steps, run.learner, run.course) if quiz_steps else {}
    for step in run.version.steps:
        if step.kind is StepKind.quiz:
            quiz, grade = graded.get(step.id, (None, None))
            if grade is not None:
                grades.append(grade)
            quiz_rows.append({'title': step.title, 'grade': None if grade is None else str(_percent(grade)),
                              'pass_mark': None if quiz is None else str(_percent(quiz.pass_mark))})
        elif step.kind is StepKind.practical and step.id in done:
            signoffs.append({'title': step.title, 'signed_off_at': done[step.id].isoformat(timespec='seconds')})
    # The mentor's levels come from a sealed sign-off, which completes the practical step: none without one.
    ratings = practical.mentor_outcome_ratings(run.course, run.version, learner=run.learner) if signoffs else {}
    outcome_levels = [{'outcome': o.text, 'level': ratings[(run.learner_id, o.id)]}
                      for o in run.version.outcomes if (run.learner_id, o.id) in ratings] if ratings else []
    evidence = {
        'units_done': sum(1 for s in run.version.steps if s.kind is StepKind.unit and s.id in done),
        'self_assessment_stages_done': sum(1 for s in run.version.steps
                                           if s.kind is StepKind.self_assessment and s.id in done),
        'quizzes': quiz_rows, 'practical': signoffs, 'outcome_levels': outcome_levels,
    }
    grade = _percent(sum(grades) / len(grades)) if grades else None
    signed_off_at = max((done[s.id] for s in run.version.steps if s.kind is StepKind.practical and s.id in done),
                        default=None)
    return grade, signed_off_at, evidence


def issue_for_completion(run: ModuleProgress) -> Assertion:
    """The learner's assertion for the run's version: created once, issued at once when the learner has an
    e-mail address, else when they confirm one. The (learner, version) unique constraint decides between
    concurrent completions: the INSERT of the losers fails in its savepoint and they read the winner's row.
    A badge revoked because the run was reopened is reinstated when the run completes again."""
    badge_class = badge_class_for(run.version, run.course)
    grade, signed_off_at, evidence = _assessment_facts(run)
    email = recipient_email(run.learner)
    salt = secrets.token_hex(16)
    values = {'public_id': _public_id(), 'badge_class_id': badge_class.id, 'learner_id': run.learner_id,
              'version_id': run.version_id, 'course_id': run.course_id, 'salt': salt,
              'completed_at': run.completed_at or utcnow(), 'grade': grade, 'signed_off_at': signed_off_at,
              'evidence': evidence, **(_issue_values(email, salt) if email else {})}
    try:
        with db.session.begin_nested():
            assertion = db.session.scalar(sa.insert(Assertion).returning(Assertion), [values])
    except IntegrityError:  # completed before (or concurrently): the existing row stands
        existing = _assertion_of(run.learner, run.version)
        if existing.revocation_kind is RevocationKind.reopened:
            _reinstate(existing)
        return existing
    set_committed_value(assertion, 'badge_class', badge_class)  # held here, so baking needs no reload
    if email:
        db.session.add(AssertionEvent(assertion_id=assertion.id, action=AssertionAction.issued))
    logger.info('%r %s', assertion, 'issued' if email else 'awaits an e-mail address')
    return assertion


def _issue_values(email: str, salt: str) -> dict:
    """The recipient and the issue (and expiry) date of an assertion issued now to `email`."""
    now = utcnow()
    valid_days = current_app.config.get('BADGE_VALID_DAYS')
    return {'recipient_hash': ob2.hash_email(email, salt), 'issued_on': now,
            'expires_at': now + timedelta(days=valid_days) if valid_days else None}


def _issue(assertion: Assertion, email: str) -> None:
    """Issue an assertion that awaited an e-mail address (the caller flushes)."""
    for name, value in _issue_values(email, assertion.salt).items():
        setattr(assertion, name, value)
    assertion.events.append(AssertionEvent(action=AssertionAction.issued))


def _reinstate(assertion: Assertion) -> None:
    assertion.revoked_at, assertion.revocation_kind, assertion.revocation_reason = None, None, ''
    assertion.events.append(AssertionEvent(action=AssertionAction.reinstated,
                                           reason='The module was completed again.'))
    db.session.flush()
    logger.info('Reinstated %r', assertion)


# --------------------------------------------------------------------------- revoking


def revoke(assertion: Assertion, *, reason: str, actor: User | None = None,
           kind: RevocationKind = RevocationKind.trainer) -> Assertion:
    """Revoke an issued badge with a reason (audited: an event row and a log line)."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput('reason', _('Give the reason for the revocation.'))
    if not assertion.is_issued:
        raise Conflict(_('This badge has not been issued yet.'))
    if assertion.is_revoked:
        raise Conflict(_('This badge is already revoked.'))
    assertion.revoked_at, assertion.revocation_kind, assertion.revocation_reason = utcnow(), kind, reason
    assertion.events.append(AssertionEvent(action=AssertionAction.revoked, actor=actor, reason=reason))
    db.session.flush()
    logger.warning('Badge %r revoked by %r (%s): %s', assertion, actor, kind.value, reason)
    return assertion


def revoke_for_reopened(run: ModuleProgress, reason: str) -> None:
    """The run this badge was earned in is no longer complete: revoke it (or drop it while unissued)."""
    assertion = _assertion_of(run.learner, run.version)
    if assertion is None or assertion.course_id != run.course_id or assertion.is_revoked:
        return
    if not assertion.is_issued:
        db.session.delete(assertion)
        db.session.flush()
        return
    revoke(assertion, reason=reason, kind=RevocationKind.reopened)


# --------------------------------------------------------------------------- e-mail claims


def recipient_email(learner: User) -> str | None:
    """The address badges are issued to: from the LMS, else the latest one the learner confirmed."""
    if learner.email:
        return learner.email
    return db.session.scalar(sa.select(EmailClaim.email).where(
        EmailClaim.learner_id == learner.id, EmailClaim.confirmed_at.is_not(None))
        .order_by(EmailClaim.confirmed_at.desc()).limit(1))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_email_claim(learner: User, email: str) -> EmailClaim:
    """Remember the address and send a confirmation link to it."""
    if recipient_email(learner):
        raise Conflict(_('Your badges already go to a confirmed e-mail address.'))
    token = secrets.token_urlsafe(24)
    claim = EmailClaim(learner=learner, email=ob2.normalise_email(email), token_hash=_token_hash(token),
                       expires_at=utcnow() + CLAIM_VALID)
    db.session.add(claim)
    link = f'{links().root}/email/confirm/{token}'
    mail.queue_message(claim.email, _('Confirm your e-mail address for your badges'),
                       _('Open this link to confirm the address your micro-credentials are issued to:\n\n%(link)s\n\n'
                         'The link is valid for 3 days. If you did not ask for this, ignore this message.',
                         link=link))
    db.session.flush()
    logger.info('%r asked to confirm an e-mail address', learner)
    return claim


def confirm_email_claim(token: str) -> tuple[EmailClaim, list[Assertion]]:
    """Confirm the address of the link's claim and issue the learner's waiting badges to it."""
    claim = db.session.scalar(sa.select(EmailClaim).where(EmailClaim.token_hash == _token_hash(token)))
    if claim is None:
        raise NotFound(_('This confirmation link is not valid.'))
    if claim.confirmed_at is None:
        if claim.expires_at < utcnow():
            raise Conflict(_('This confirmation link has expired; enter your address again.'))
        claim.confirmed_at = utcnow()
    waiting = list(db.session.scalars(sa.select(Assertion).where(Assertion.learner_id == claim.learner_id,
                                                                 Assertion.issued_on.is_(None))))
    for assertion in waiting:
        _issue(assertion, claim.email)
        logger.info('%r issued', assertion)
    db.session.flush()
    return claim, waiting


def pending_claim(learner: User) -> EmailClaim | None:
    return db.session.scalar(sa.select(EmailClaim).where(
        EmailClaim.learner_id == learner.id, EmailClaim.confirmed_at.is_(None), EmailClaim.expires_at > utcnow())
        .order_by(EmailClaim.created_at.desc()).limit(1))


# --------------------------------------------------------------------------- the learner's badges


def set_name_consent(assertion: Assertion, *, learner: User, show_name: bool) -> Assertion:
    if assertion.learner_id != learner.id:
        raise NotFound(_('No such badge.'))
    assertion.show_name = show_name
    db.session.flush()
    logger.info('%r: show learner name %s', assertion, show_name)
    return assertion


def badges_of(learner: User) -> list[Assertion]:
    return list(db.session.scalars(sa.select(Assertion).where(Assertion.learner_id == learner.id)
                                   .order_by(Assertion.completed_at.desc())))


def badges_in(course: Course) -> list[Assertion]:
    return list(db.session.scalars(sa.select(Assertion).where(Assertion.course_id == course.id)
                                   .order_by(Assertion.completed_at.desc())))


def all_assertions() -> list[Assertion]:
    return list(db.session.scalars(sa.select(Assertion).order_by(Assertion.id)))


def get_assertion(public_id: str) -> Assertion | None:
    return db.session.scalar(sa.select(Assertion).where(Assertion.public_id == public_id))


def get_published_assertion_or_404(public_id: str) -> Assertion:
    """An issued assertion (revoked ones included: they answer 410); unissued ones do not exist publicly."""
    assertion = get_assertion(public_id)
    if assertion is None or not assertion.is_issued:
        raise NotFound(_('No such badge.'))
    return assertion


def get_class_or_404(public_id: str) -> BadgeClass:
    found = db.session.scalar(sa.select(BadgeClass).where(BadgeClass.public_id == public_id))
    if found is None:
        raise NotFound(_('No such badge.'))
    return found


def get_issuer_or_404(public_id: str) -> Issuer:
    found = db.session.scalar(sa.select(Issuer).where(Issuer.public_id == public_id))
    if found is None:
        raise NotFound(_('No such issuer.'))
    return found


def revoked_of(issuer: Issuer) -> list[Assertion]:
    return list(db.session.scalars(sa.select(Assertion).join(BadgeClass).where(
        BadgeClass.issuer_id == issuer.id, Assertion.revoked_at.is_not(None)).order_by(Assertion.revoked_at)))


def assertion_document(assertion: Assertion) -> dict:
    name = assertion.learner.display_name if assertion.show_name else None
    return ob2.assertion_json(assertion, links(), learner_name=name or None)


@functools.lru_cache(maxsize=64)
def _class_images(public_id: str) -> tuple[bytes, str]:
    """(PNG, SVG) of a badge class. A badge class never changes once awarded, so each process keeps the
    images of the classes it bakes most (keyed by the random public id, unique across databases)."""
    row = db.session.execute(sa.select(BadgeClass.image_png, BadgeClass.image_svg)
                             .where(BadgeClass.public_id == public_id)).one()
    return row.image_png, row.image_svg


def class_png(badge_class: BadgeClass) -> bytes:
    return _class_images(badge_class.public_id)[0]


def baked_png(assertion: Assertion) -> bytes:
    return baking.bake_png(class_png(assertion.badge_class), assertion_document(assertion))


def baked_svg(assertion: Assertion) -> str:
    return baking.bake_svg(_class_images(assertion.badge_class.public_id)[1], assertion_document(assertion),
                           verify_url=links().assertion(assertion.public_id))


def linkedin_url(assertion: Assertion) -> str:
    """LinkedIn's "Add licence or certification" form, filled in."""
    issued = assertion.issued_on
    return 'https://www.linkedin.com/profile/add?' + urlencode({
        'startTask': 'CERTIFICATION_NAME', 'name': assertion.badge_class.name,
        'organizationName': assertion.badge_class.issuer.name, 'issueYear': issued.year,
        'issueMonth': issued.month, 'certUrl': links().assertion(assertion.public_id),
        'certId': assertion.public_id})
