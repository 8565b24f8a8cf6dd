"""The one 4-level proficiency scale per learning outcome, shared by learners and mentors.

The learner's self-assessment and the mentor's rating at the practical sign-off use the same levels and
wording, so that self, quiz and mentor judgements line up per outcome. Pure: no Flask, no database.
"""

from dataclasses import dataclass

from lms_ext.core.i18n import _l


@dataclass(frozen=True)
class Level:
    value: int  # 1..4, stored in the database
    key: str  # stable, for JSON exports and CSS classes
    label: object  # lazy string: the short name shown on buttons
    self_statement: object  # lazy string: how a learner reads the level about themselves
    observer_statement: object  # lazy string: how a mentor reads the level about the learner


LEVELS: tuple[Level, ...] = (
    Level(1, 'not_yet', _l('Not yet'), _l('I cannot do this yet.'), _l('Cannot do this yet.')),
    Level(2, 'with_help', _l('With help'), _l('I can do this with help.'), _l('Does this with help.')),
    Level(3, 'on_my_own', _l('On my own'), _l('I can do this on my own.'), _l('Does this on their own.')),
    Level(4, 'could_teach', _l('I could teach it'), _l('I could teach this to others.'),
          _l('Could teach this to others.')),
)
BY_VALUE = {level.value: level for level in LEVELS}
MIN_LEVEL, MAX_LEVEL = LEVELS[0].value, LEVELS[-1].value


def level(value: int) -> Level:
    """The level for a stored value; ValueError outside 1..4."""
    try:
        return BY_VALUE[value]
    except KeyError:
        raise ValueError(f'proficiency level must be {MIN_LEVEL}..{MAX_LEVEL}, not {value!r}') from None
