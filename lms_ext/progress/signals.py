"""Events of the progress package. Receivers run inside the sending transaction and must not commit."""

from blinker import Namespace

_signals = Namespace()

step_completed = _signals.signal('step-completed', doc='''
Sent when a learner completes a step for the first time. *sender*: the StepProgress row;
kwargs: run (the ModuleProgress).
''')
