"""Learning preferences: the questionnaire, learners' profiles, routing of formats, and format events."""

import logging

import sqlalchemy as sa

from lms_ext.accounts.models import Course, User
from lms_ext.content.models import Step
from lms_ext.core.db import db
from lms_ext.core.errors import InvalidInput, NotFound
from lms_ext.core.i18n import _
from lms_ext.core.time import utcnow

from . import questions, scoring, selection
from .models import FormatEvent, ItemKind, LearnerProfile, QuestionnaireItem

logger = logging.getLogger(__name__)


def items() -> list[QuestionnaireItem]:
    """The active questions in order; the default set is copied into the database on first use."""
    found = list(db.session.scalars(sa.select(QuestionnaireItem).where(QuestionnaireItem.active)
                                    .order_by(QuestionnaireItem.position)))
    if found or db.session.scalar(sa.select(sa.func.count(QuestionnaireItem.id))):
        return found
    for position, item in enumerate(questions.DEFAULT_ITEMS, start=1):
        # copied in the installation's language; from then on the texts are the installation's to edit
        options = [{**o, 'label': _(o['label'])} for o in item['options']]
        db.session.add(QuestionnaireItem(position=position, key=item['key'], kind=ItemKind(item['kind']),
                                         prompt=_(item['prompt']), multiple=item['multiple'], options=options))
    db.session.flush()
    return items()


def _as_dicts(rows: list[QuestionnaireItem]) -> list[dict]:
    return [{'key': r.key, 'kind': r.kind.value, 'options': r.options} for r in rows]


def profile_of(learner: User) -> LearnerProfile | None:
    return db.session.scalar(sa.select(LearnerProfile).where(LearnerProfile.learner_id == learner.id))


def has_profile(learner_id) -> sa.Exists:
    """Whether the learner answered or skipped the questionnaire, as an EXISTS on `learner_id` (a column or a bind
    parameter), so that a page can read it in a statement it runs anyway."""
    return sa.exists().where(LearnerProfile.learner_id == learner_id)


_HAS_PROFILE = sa.select(has_profile(sa.bindparam('learner_id')))  # built once with a bind parameter


def needs_questionnaire(learner: User) -> bool:
    """First launch: no answers and not skipped (every launch asks, so only an EXISTS is read)."""
    return not db.session.scalar(_HAS_PROFILE, {'learner_id': learner.id})


def submit_answers(learner: User, answers: dict[str, list[str]]) -> LearnerProfile:
    """Score the answers (unknown questions or options are refused, naming the question)."""
    rows = items()
    by_key = {r.key: r for r in rows}
    for key, chosen in answers.items():
        item = by_key.get(key)
        if item is None:
            raise InvalidInput(key, _('Unknown question.'))
        valid = {o['key'] for o in item.options}
        if set(chosen) - valid:
            raise InvalidInput(key, _('Unknown answer to this question.'))
        if not item.multiple and len(chosen) > 1:
            raise InvalidInput(key, _('Choose one answer to this question.'))
    result = scoring.score(_as_dicts(rows), answers)
    profile = profile_of(learner) or LearnerProfile(learner=learner)
    profile.answers, profile.scores, profile.context = answers, result.scores, result.context
    profile.skipped, profile.updated_at = False, utcnow()
    db.session.add(profile)
    db.session.flush()
    logger.info('Profile of %r: %r %r', learner, result.scores, result.context)
    return profile


def skip(learner: User) -> LearnerProfile:
    profile = profile_of(learner) or LearnerProfile(learner=learner)
    profile.answers, profile.scores, profile.context, profile.skipped = {}, {}, {}, True
    profile.updated_at = utcnow()
    db.session.add(profile)
    db.session.flush()
    return profile


def reset(learner: User) -> None:
    """Forget the learner's answers; the questionnaire is offered again at the next launch."""
    profile = profile_of(learner)
    if profile is not None:
        db.session.delete(profile)
        db.session.flush()


def top_modalities(profile: LearnerProfile | None) -> tuple[str, ...]:
    if profile is None or profile.skipped:
        return ()
    return scoring.Profile(scores=profile.scores, context=profile.context).top


def choose_variant(step: Step, profile: LearnerProfile | None, *, requested: str | None, previous: str | None,
                   low_bandwidth: bool):
    """(variant, Choice) for a unit, or (None, None) when it has no content."""
    variants = step.variants
    has_profile = profile is not None and not profile.skipped
    choice = selection.choose([v.format.value for v in variants], scores=profile.scores if has_profile else None,
                              top=top_modalities(profile), context=profile.context if has_profile else None,
                              requested=requested, previous=previous, low_bandwidth=low_bandwidth)
    if choice is None:
        return None, None
    return next(v for v in variants if v.format.value == choice.format), choice


def record_shown(learner: User, course: Course, step: Step, choice: selection.Choice,
                 profile: LearnerProfile | None) -> FormatEvent:
    top = top_modalities(profile)
    event = FormatEvent(learner=learner, course=course, step=step, format=choice.format, reason=choice.reason,
                        chosen=choice.reason == 'chosen', matched=choice.matched, top_modality=top[0] if top else None)
    db.session.add(event)
    db.session.flush()
    return event


def record_time(event_id: int, learner: User, seconds: int) -> None:
    event = db.session.get(FormatEvent, event_id)
    if event is None or event.learner_id != learner.id:
        raise NotFound(_('No such page view.'))
    event.seconds = max(event.seconds or 0, seconds)
    db.session.flush()


def export_for(learner: User) -> dict:
    """The learner's own data: answers, profile, and which formats they saw (their data export)."""
    profile = profile_of(learner)
    events = db.session.scalars(sa.select(FormatEvent).where(FormatEvent.learner_id == learner.id)
                                .order_by(FormatEvent.shown_at))
    return {'profile': None if profile is None else {
        'answers': profile.answers, 'scores': profile.scores, 'context': profile.context,
        'skipped': profile.skipped, 'updated_at': profile.updated_at.isoformat()},
        'format_events': [{'step_id': e.step_id, 'format': e.format, 'reason': e.reason, 'chosen': e.chosen,
                           'seconds': e.seconds, 'shown_at': e.shown_at.isoformat()} for e in events]}


def all_items() -> list[QuestionnaireItem]:
    """Every question, active or not (the editor)."""
    items()  # make sure the default set exists
    return list(db.session.scalars(sa.select(QuestionnaireItem).order_by(QuestionnaireItem.position)))


def update_item(item: QuestionnaireItem, *, prompt: str, labels: dict[str, str], active: bool) -> QuestionnaireItem:
    """Change a question's wording and option labels (not what the options score), or switch it off."""
    item.prompt = prompt
    item.options = [{**o, 'label': labels.get(o['key']) or o['label']} for o in item.options]
    item.active = active
    db.session.flush()
    return item


def add_preference_item(*, prompt: str, labels: dict[str, str]) -> QuestionnaireItem:
    """A new preference question with one option per modality (labels: modality → text)."""
    if set(labels) != set(scoring.MODALITIES) or not all(labels.values()):
        raise InvalidInput('labels', _('Give an answer for each of the four ways of learning.'))
    position = (db.session.scalar(sa.select(sa.func.max(QuestionnaireItem.position))) or 0) + 1
    item = QuestionnaireItem(key=f'custom_{position}', position=position, kind=ItemKind.preference, prompt=prompt,
                             multiple=True, options=[{'key': m, 'label': labels[m], 'modalities': [m]}
                                                     for m in scoring.MODALITIES])
    db.session.add(item)
    db.session.flush()
    return item


def get_item(item_id: int) -> QuestionnaireItem | None:
    return db.session.get(QuestionnaireItem, item_id)
