"""Events of the self-assessment package. Receivers run inside the sending transaction and must not commit."""

from blinker import Namespace

_signals = Namespace()

stage_submitted = _signals.signal('stage-submitted', doc='''
Sent when a learner submits a stage of the self-assessment for the first time (later edits do not resend).
*sender*: the stage's response row; kwargs: learner, course, step (the self_assessment Step of that stage).
''')
