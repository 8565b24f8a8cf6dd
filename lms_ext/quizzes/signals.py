"""Events of the quizzes package. Receivers run inside the sending transaction and must not commit."""

from blinker import Namespace

_signals = Namespace()

attempt_graded = _signals.signal('attempt-graded', doc='''
Sent when an attempt has been graded (at submission, or when a trainer grades its last essay).
*sender*: the Attempt; kwargs: learner, course, quiz, quiz_grade (the learner's grade for the quiz by
its grading method, a Decimal share of the maximum).
''')
