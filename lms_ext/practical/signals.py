"""Events of the practical sign-off package. Receivers run inside the sending transaction and must not commit."""

from blinker import Namespace

_signals = Namespace()

signoff_sealed = _signals.signal('signoff-sealed', doc='''
Sent when a sign-off record is sealed (mentor signed, learner confirmed).
*sender*: the sealed record; kwargs: learner, course, step (the practical Step), passed (bool).
''')

signoff_voided = _signals.signal('signoff-voided', doc='''
Sent when a trainer voids a sealed sign-off. *sender*: the record; kwargs: learner, course, step,
reason (text), was_passed (bool: the voided record had passed and no other sealed, non-voided, passed
record remains for this learner and step, so the step is no longer done).
''')
