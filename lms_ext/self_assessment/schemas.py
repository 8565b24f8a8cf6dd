"""Shapes of the self-assessment forms, built per module version: one group of fields per learning outcome.

Field names carry the outcome id (`o12_level`, `o12_note`, `o12_start`, `s12` for a statement), so an error
names the exact field of the outcome it is about. The schemas are built per request, so their messages are
translated at once (marshmallow keeps a lazy "required" message unwrapped, as if it were a list).
"""

import re

from marshmallow import fields, post_load, validate

from lms_ext.content.proficiency import MAX_LEVEL, MIN_LEVEL
from lms_ext.core.i18n import _
from lms_ext.core.schemas import BaseSchema

NOTE_MAX = 2000
REFLECTION_MAX = 5000
STATEMENT_MAX = 500
_RATING_FIELD = re.compile(r'^o(\d+)_(level|note|start)$')
_STATEMENT_FIELD = re.compile(r'^s(\d+)$')


def level_field(outcome_id: int) -> str:
    return f'o{outcome_id}_level'


def note_field(outcome_id: int) -> str:
    return f'o{outcome_id}_note'


def start_field(outcome_id: int) -> str:
    return f'o{outcome_id}_start'


def statement_field(outcome_id: int) -> str:
    return f's{outcome_id}'


class _OptionalLevel(fields.Integer):
    """A level or nothing (the form's empty choice sends '')."""

    def _deserialize(self, value, attr, data, **kwargs):
        return None if value in ('', None) else super()._deserialize(value, attr, data, **kwargs)

    def _validate(self, value):
        if value is not None:  # the empty choice is valid; range checks apply to a given level only
            super()._validate(value)


def _level_range():
    return validate.Range(min=MIN_LEVEL, max=MAX_LEVEL, error=_('Choose one of the four levels.'))


def _invalid_level():
    return {'invalid': _('Choose one of the four levels.')}


class _StageSchema(BaseSchema):
    @post_load
    def _by_outcome(self, data, **kwargs):
        ratings: dict[int, dict] = {}
        for name, value in data.items():
            if match := _RATING_FIELD.match(name):
                ratings.setdefault(int(match[1]), {})[match[2]] = value
        return {'reflection': data.get('reflection', ''), 'ratings': ratings}


def stage_input(outcome_ids: list[int], *, retrospective: bool) -> BaseSchema:
    """The form of one stage. Loads to {'reflection': str, 'ratings': {outcome_id: {'level', 'note'[, 'start']}}};
    `retrospective` adds the optional "where I now think I started" level (the last stage only)."""
    declared = {'reflection': fields.String(load_default='', validate=validate.Length(max=REFLECTION_MAX))}
    for outcome_id in outcome_ids:
        declared[level_field(outcome_id)] = fields.Integer(
            required=True, validate=_level_range(),
            error_messages={'required': _('Choose a level for this statement.'), **_invalid_level()})
        declared[note_field(outcome_id)] = fields.String(load_default='', validate=validate.Length(max=NOTE_MAX))
        if retrospective:
            declared[start_field(outcome_id)] = _OptionalLevel(load_default=None, validate=_level_range(),
                                                               error_messages=_invalid_level())
    return _StageSchema.from_dict(declared, name='StageInput')()


class _StatementsSchema(BaseSchema):
    @post_load
    def _by_outcome(self, data, **kwargs):
        return {int(_STATEMENT_FIELD.match(name)[1]): text for name, text in data.items()}


def statements_input(outcome_ids: list[int]) -> BaseSchema:
    """The trainer's statement wording per outcome; loads to {outcome_id: text} ('' means the default)."""
    declared = {statement_field(outcome_id): fields.String(load_default='', validate=validate.Length(max=STATEMENT_MAX))
                for outcome_id in outcome_ids}
    return _StatementsSchema.from_dict(declared, name='StatementsInput')()
