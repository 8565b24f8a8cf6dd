"""Quizzes placed at a step of a module version, their questions, attempts and saved answers."""

import enum
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms_ext.accounts.models import Course, User
from lms_ext.content.models import LearningOutcome, Step
from lms_ext.core.db import UTCDateTime, db, str_enum
from lms_ext.core.time import utcnow


class GradingMethod(enum.Enum):
    highest = 'highest'
    first = 'first'
    last = 'last'
    average = 'average'


class Behaviour(enum.Enum):
    """How questions are graded during an attempt (Moodle's question behaviours)."""

    deferred = 'deferred'  # graded when the attempt is submitted
    interactive = 'interactive'  # "Check" each question, feedback at once, tries with a penalty


class AttemptState(enum.Enum):
    in_progress = 'in_progress'
    finished = 'finished'  # submitted; graded unless an essay waits for the trainer


question_outcomes = sa.Table(
    'quizzes_question_outcomes', db.metadata,
    sa.Column('question_id', sa.ForeignKey('quizzes_questions.id', ondelete='CASCADE'), primary_key=True),
    sa.Column('outcome_id', sa.ForeignKey('content_learning_outcomes.id', ondelete='CASCADE'), primary_key=True),
)


class Quiz(db.Model):
    __tablename__ = 'quizzes_quizzes'
    __table_args__ = (
        sa.CheckConstraint('pass_mark >= 0 AND pass_mark <= 1', name='pass_mark_share'),
        sa.CheckConstraint('attempts_allowed IS NULL OR attempts_allowed >= 1', name='attempts_positive'),
        sa.CheckConstraint('delay_minutes >= 0', name='delay_not_negative'),
        sa.CheckConstraint('draw_count IS NULL OR draw_count >= 1', name='draw_positive'),
        sa.CheckConstraint('time_limit_minutes IS NULL OR time_limit_minutes >= 1', name='time_limit_positive'),
        sa.CheckConstraint('penalty >= 0 AND penalty <= 1', name='penalty_share'),
        sa.CheckConstraint('tries_allowed >= 1', name='tries_positive'),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(sa.ForeignKey('content_steps.id', ondelete='CASCADE'), unique=True)
    pass_mark: Mapped[Decimal] = mapped_column(sa.Numeric(5, 4), default=Decimal('0.6'))  # share of the maximum
    attempts_allowed: Mapped[int | None] = mapped_column()  # None: unlimited
    grading_method: Mapped[GradingMethod] = mapped_column(str_enum(GradingMethod, 'grading_method'),
                                                          default=GradingMethod.highest)
    delay_minutes: Mapped[int] = mapped_column(default=0)
    shuffle_questions: Mapped[bool] = mapped_column(default=False)
    shuffle_answers: Mapped[bool] = mapped_column(default=True)
    draw_count: Mapped[int | None] = mapped_column()  # draw N random questions (of draw_category, if set)
    draw_category: Mapped[str] = mapped_column(sa.String(255), default='')
    time_limit_minutes: Mapped[int | None] = mapped_column()
    show_feedback: Mapped[bool] = mapped_column(default=True)  # after submitting: per-answer and general feedback
    show_right_answers: Mapped[bool] = mapped_column(default=True)
    behaviour: Mapped[Behaviour] = mapped_column(str_enum(Behaviour, 'behaviour'), default=Behaviour.deferred,
                                                 server_default=Behaviour.deferred.value)
    penalty: Mapped[Decimal] = mapped_column(sa.Numeric(8, 7), default=Decimal('0.3333333'),
                                             server_default='0.3333333')  # interactive: share lost per wrong try
    tries_allowed: Mapped[int] = mapped_column(default=3, server_default='3')  # interactive: tries per question
    cbm: Mapped[bool] = mapped_column(default=False, server_default=sa.false())  # certainty-based marking

    step: Mapped[Step] = relationship()
    questions: Mapped[list['Question']] = relationship(back_populates='quiz', order_by='Question.position',
                                                       cascade='all, delete-orphan')

    def __repr__(self):
        return f'<Quiz id={self.id} step={self.step_id}>'


class Question(db.Model):
    __tablename__ = 'quizzes_questions'
    __table_args__ = (sa.UniqueConstraint('quiz_id', 'position', name='uq_quizzes_questions_position'),
                      sa.CheckConstraint('mark >= 0', name='mark_not_negative'))

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(sa.ForeignKey('quizzes_quizzes.id', ondelete='CASCADE'), index=True)
    position: Mapped[int] = mapped_column()
    qtype: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(255))
    text: Mapped[str] = mapped_column(sa.Text)
    text_format: Mapped[str] = mapped_column(sa.String(10), default='moodle')
    general_feedback: Mapped[str] = mapped_column(sa.Text, default='')
    category: Mapped[str] = mapped_column(sa.String(255), default='')
    tags: Mapped[list] = mapped_column(sa.JSON, default=list)
    mark: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2), default=Decimal(1))
    spec: Mapped[dict] = mapped_column(sa.JSON)  # answers, pairs, … (quizzes.question_types)

    quiz: Mapped[Quiz] = relationship(back_populates='questions')
    outcomes: Mapped[list[LearningOutcome]] = relationship(secondary=question_outcomes)

    def __repr__(self):
        return f'<Question id={self.id} quiz={self.quiz_id} {self.qtype}>'


class Attempt(db.Model):
    __tablename__ = 'quizzes_attempts'
    __table_args__ = (
        sa.UniqueConstraint('quiz_id', 'learner_id', 'course_id', 'number', name='uq_quizzes_attempts_number'),
        sa.CheckConstraint('score IS NULL OR (score >= 0 AND score <= 1)', name='score_share'),
        sa.CheckConstraint("(state = 'finished') = (finished_at IS NOT NULL)", name='finished_at_matches_state'),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(sa.ForeignKey('quizzes_quizzes.id', ondelete='CASCADE'), index=True)
    learner_id: Mapped[int] = mapped_column(sa.ForeignKey('accounts_users.id', ondelete='CASCADE'), index=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey('accounts_courses.id', ondelete='CASCADE'))
    number: Mapped[int] = mapped_column()
    state: Mapped[AttemptState] = mapped_column(str_enum(AttemptState, 'attempt_state'),
                                                default=AttemptState.in_progress)
    question_ids: Mapped[list] = mapped_column(sa.JSON)  # the questions of this attempt, in their order
    seed: Mapped[int] = mapped_column()  # answer shuffling
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    score: Mapped[Decimal | None] = mapped_column(sa.Numeric(6, 5))  # share of the maximum, None until graded

    quiz: Mapped[Quiz] = relationship()
    learner: Mapped[User] = relationship()
    course: Mapped[Course] = relationship()
    answers: Mapped[list['AttemptAnswer']] = relationship(back_populates='attempt', cascade='all, delete-orphan')

    def __repr__(self):
        return f'<Attempt id={self.id} quiz={self.quiz_id} learner={self.learner_id} #{self.number} {self.state.value}>'


class AttemptAnswer(db.Model):
    """The learner's latest response to one question, saved as it is given (autosave)."""

    __tablename__ = 'quizzes_attempt_answers'
    __table_args__ = (sa.UniqueConstraint('attempt_id', 'question_id', name='uq_quizzes_attempt_answers_question'),
                      sa.CheckConstraint('fraction IS NULL OR (fraction >= 0 AND fraction <= 1)',
                                         name='fraction_share'),
                      sa.CheckConstraint('certainty IS NULL OR certainty IN (1, 2, 3)', name='certainty_level'))

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey('quizzes_attempts.id', ondelete='CASCADE'), index=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey('quizzes_questions.id', ondelete='CASCADE'))
    response: Mapped[dict] = mapped_column(sa.JSON)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    fraction: Mapped[Decimal | None] = mapped_column(sa.Numeric(6, 5))  # set at grading (essays: by the trainer)
    certainty: Mapped[int | None] = mapped_column()  # CBM: 1 low, 2 medium, 3 high; None: not given (assumed 1)

    attempt: Mapped[Attempt] = relationship(back_populates='answers')
    question: Mapped[Question] = relationship()
    tries: Mapped[list['AnswerTry']] = relationship(back_populates='answer', order_by='AnswerTry.number',
                                                    cascade='all, delete-orphan')

    def __repr__(self):
        return f'<AttemptAnswer attempt={self.attempt_id} question={self.question_id}>'


class AnswerTry(db.Model):
    """One "Check" of a question in interactive mode: the response as checked and its raw fraction."""

    __tablename__ = 'quizzes_answer_tries'
    __table_args__ = (sa.UniqueConstraint('answer_id', 'number', name='uq_quizzes_answer_tries_number'),
                      sa.CheckConstraint('number >= 1', name='number_positive'),
                      sa.CheckConstraint('fraction >= 0 AND fraction <= 1', name='fraction_share'),
                      sa.CheckConstraint('certainty IS NULL OR certainty IN (1, 2, 3)', name='certainty_level'))

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(sa.ForeignKey('quizzes_attempt_answers.id', ondelete='CASCADE'),
                                           index=True)
    number: Mapped[int] = mapped_column()
    response: Mapped[dict] = mapped_column(sa.JSON)
    certainty: Mapped[int | None] = mapped_column()
    fraction: Mapped[Decimal] = mapped_column(sa.Numeric(6, 5))  # before the penalty
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    answer: Mapped[AttemptAnswer] = relationship(back_populates='tries')

    def __repr__(self):
        return f'<AnswerTry answer={self.answer_id} #{self.number} {self.fraction}>'
