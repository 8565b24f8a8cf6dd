"""The demo course and module a newcomer sees at once (idempotent)."""

import io
import logging
import zipfile
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from lms_ext.accounts.models import Course
from lms_ext.content import packages
from lms_ext.content import services as content
from lms_ext.content.models import StepKind
from lms_ext.core.db import db
from lms_ext.quizzes import services as quizzes

from . import seed_badges, seed_practical, seed_self_assessment

logger = logging.getLogger(__name__)

DEMO_ISSUER = 'https://demo-platform.microvet.invalid'
DEMO_CONTEXT_ID = 'demo-metalwork-101'
DEMO_MODULE_SLUG = 'safe-angle-grinder'

PACKAGE_DIR = Path(__file__).parent / 'package'
QUIZ_FILE = Path(__file__).parent / 'quiz.gift'


def package_bytes(directory: Path = PACKAGE_DIR) -> bytes:
    """The demo package directory (module.yaml + assets/) as the zip the importer takes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(directory.rglob('*')):
            if path.is_file():
                archive.write(path, path.relative_to(directory).as_posix())
    return buffer.getvalue()


def seed_demo(*, media_dir: Path) -> dict:
    """Create the demo course and module (published, content in five formats) unless they exist."""
    course = db.session.scalar(sa.select(Course).where(Course.issuer == DEMO_ISSUER,
                                                       Course.context_id == DEMO_CONTEXT_ID))
    if course is None:
        course = Course(issuer=DEMO_ISSUER, context_id=DEMO_CONTEXT_ID,
                        title='Metalwork basics (demo course)', label='MW-101')
        db.session.add(course)
    module = content.get_module_by_slug(DEMO_MODULE_SLUG)
    if module is None:
        version = packages.import_package(package_bytes(), media_dir=media_dir).version
        quiz_step = content.add_step(version, {'kind': StepKind.quiz, 'title': 'Check your knowledge',
                                               'summary': 'Six questions on hazards, discs and protection.',
                                               'required': True, 'estimated_minutes': 10})
        quiz = quizzes.ensure_quiz(quiz_step, pass_mark=Decimal('0.6'), attempts_allowed=3)
        quizzes.import_gift(quiz, QUIZ_FILE.read_text(encoding='utf-8'))
        stages = seed_self_assessment.seed(version)
        practical = seed_practical.seed(version)
        # The journey: rate yourself, learn (units), check your knowledge, rate yourself again, show it to
        # a mentor in the workshop, and a last look back.
        units = [s for s in version.steps if s.kind is StepKind.unit]
        order = stages[:1] + units + [quiz_step] + stages[1:2] + practical + stages[2:]
        content.reorder_steps(version, [s.id for s in order])
        content.publish_version(version)
        module = version.module
        logger.info('Demo module %r seeded from its package', module)
    seed_badges.seed(course, module)  # a demo learner who has completed the module holds its badge
    db.session.flush()
    return {'course': course, 'module': module}
