"""Translation helpers and the locale selector.

The locale comes from the LTI launch (stored in the session at launch), then from the
browser's Accept-Language, among the languages we ship.
"""

from babel import Locale, UnknownLocaleError
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import format_decimal, get_locale, gettext, lazy_gettext, ngettext

_ = gettext
_l = lazy_gettext
__all__ = ['_', '_l', 'ngettext', 'select_locale', 'normalise_locale', 'register_template_helpers']

SESSION_LOCALE_KEY = 'locale'


def normalise_locale(value: str | None) -> str | None:
    """'en-GB' / 'en_gb' -> 'en'; returns a supported language or None."""
    if not value:
        return None
    supported = current_app.config['LANGUAGES']
    candidate = value.replace('-', '_').split('_')[0].lower()
    return candidate if candidate in supported else None


def select_locale() -> str:
    if not has_request_context():  # CLI commands and jobs
        return current_app.config['BABEL_DEFAULT_LOCALE']
    chosen = normalise_locale(session.get(SESSION_LOCALE_KEY))
    if chosen:
        return chosen
    return (request.accept_languages.best_match(current_app.config['LANGUAGES'])
            or current_app.config['BABEL_DEFAULT_LOCALE'])


def language_name(code: str) -> str:
    """'nl' → 'Dutch' (in the reader's language); the code itself when Babel does not know it."""
    try:
        name = Locale.parse(code.replace('-', '_')).get_display_name(get_locale())
    except (ValueError, UnknownLocaleError):
        return code
    return name[:1].upper() + name[1:] if name else code


def register_template_helpers(app: Flask) -> None:
    """The page language, language names and locale-aware number formatting in templates."""
    app.jinja_env.globals.update(get_locale=get_locale, format_decimal=format_decimal, language_name=language_name)
