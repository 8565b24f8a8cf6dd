"""The one exception a package import raises for everything wrong with the package."""

from lms_ext.core.errors import InvalidInput
from lms_ext.core.i18n import _


class PackageInvalid(InvalidInput):
    """Every problem found in a package, keyed by where it is.

    Keys name the file: ``'package'`` for the archive as a whole, an entry name such as
    ``'assets/intro.webm'``, ``'module.yaml'``, or ``'module.yaml line 12'`` for a place in the YAML.
    Values are lists of messages; YAML messages start with the field path, e.g.
    ``'steps[1].variants[0].captions: A video needs captions in at least one language.'``
    """

    def __init__(self, errors: dict[str, list[str]]):
        count = sum(len(messages) for messages in errors.values())
        super().__init__('package', _('The package cannot be imported (%(count)d problems); nothing was saved.',
                                      count=count), errors=errors)


class Findings:
    """Errors and warnings collected while checking a package, so that one pass reports them all."""

    def __init__(self):
        self.errors: dict[str, list[str]] = {}
        self.warnings: list[str] = []

    def error(self, where: str, message: str) -> None:
        self.errors.setdefault(where, []).append(str(message))

    def warn(self, where: str, message: str) -> None:
        self.warnings.append(f'{where}: {message}')

    def raise_if_any(self) -> None:
        if self.errors:
            raise PackageInvalid(self.errors)
