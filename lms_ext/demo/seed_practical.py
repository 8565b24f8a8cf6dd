"""The demo module's practical checklist (called by seed.py on the draft version, before publishing).

So that Maria (the demo mentor, launched with the LIS Mentor role) can sign off Lena and every new learner
without a trainer assigning her first, the demo course lets every mentor of it sign off every learner of it
(`MentoringPolicy.all_mentors_assigned`, a setting trainers can switch on their Mentors page). The
assignment check itself is unchanged.
"""

import sqlalchemy as sa

from lms_ext.accounts.models import Course
from lms_ext.content import services as content
from lms_ext.content.models import StepKind
from lms_ext.core.db import db
from lms_ext.practical.services import checklists, mentors

# (text, guidance, critical, outcome positions)
CRITERIA = [
    ('Inspects the grinder, the guard and the disc before use, and takes a damaged disc out of use.',
     'Look for cracks or chips on the disc, a guard that is fixed and adjusted, an undamaged cable and plug.',
     True, [3, 6]),
    ('Unplugs the grinder (or removes the battery) before fitting or changing the disc.',
     'The plug must be out before the spindle lock is pressed; a switch that is only "off" is not enough.',
     True, [3]),
    ('Chooses a disc for the material whose maximum speed is at least the grinder\'s rated speed.',
     'Ask the learner to show you both speed ratings and say why the disc fits the material.', False, [2]),
    ('Wears a face shield over safety glasses, hearing protection, gloves and close-fitting clothing.',
     'No loose sleeves, scarves or long hair near the disc.', True, [4]),
    ('Clamps the workpiece firmly; never holds it by hand or underfoot.', '', True, [5]),
    ('Holds the grinder with both hands, stands stably, and keeps the guard between the disc and the body.',
     'Watch the start: the learner lets the disc reach full speed before touching the work.', True, [5, 1]),
    ('Directs sparks away from people and flammable material, and checks that bystanders are clear.',
     'A fire watch or a check of the area after work counts.', False, [6, 1]),
    ('Waits for the disc to stop before putting the grinder down, and leaves the workplace tidy.', '', False, [6]),
]
OTHERS_NEEDED = 2  # of the three non-critical criteria


def seed(version) -> list:
    """Add the practical step and its checklist to the draft; returns the new steps."""
    step = content.add_step(version, {
        'kind': StepKind.practical, 'title': 'Show it in the workshop', 'required': True, 'estimated_minutes': 30,
        'summary': 'Fit a disc and make a straight cut in a clamped steel bar while your workshop mentor watches '
                   'and signs off your checklist on their phone.'})
    by_position = {o.position: o.id for o in version.outcomes}
    checklists.save_checklist(step, {'min_other_met': OTHERS_NEEDED, 'criteria': [
        {'text': text, 'guidance': guidance, 'critical': critical, 'outcome_ids': [by_position[p] for p in outcomes]}
        for text, guidance, critical, outcomes in CRITERIA]})
    _open_mentoring_in_demo_course()
    return [step]


def _open_mentoring_in_demo_course() -> None:
    from .seed import DEMO_CONTEXT_ID, DEMO_ISSUER  # seed.py imports this module first

    course = db.session.scalar(sa.select(Course).where(Course.issuer == DEMO_ISSUER,
                                                       Course.context_id == DEMO_CONTEXT_ID))
    if course is not None:
        db.session.flush()
        mentors.set_all_mentors_assigned(course, True)
