"""Events of the progress package. Receivers run inside the sending transaction and must not commit."""

from blinker import Namespace

_signals = Namespace()

step_completed = _signals.signal('step-completed', doc='''
Sent when a learner completes a step for the first time. *sender*: the StepProgress row;
kwargs: run (the ModuleProgress).
''')

step_reopened = _signals.signal('step-reopened', doc='''
Sent when a completed step is no longer complete (e.g. its practical sign-off was voided).
*sender*: the StepProgress row; kwargs: run (the ModuleProgress), reason (text).
''')

module_completed = _signals.signal('module-completed', doc='''
Sent once when a run has every required step of its version done (the version's completion rule).
*sender*: the ModuleProgress (state completed); kwargs: learner, course, version.
''')

module_reopened = _signals.signal('module-reopened', doc='''
Sent when a completed run is no longer complete because a required step was reopened.
*sender*: the ModuleProgress; kwargs: learner, course, version, reason (text).
''')
