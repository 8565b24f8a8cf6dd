"""Markdown written by trainers → safe HTML (markdown-it-py, then nh3)."""

import functools

from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from lms_ext.core.schemas import sanitise_html

_md = MarkdownIt('commonmark', {'html': False, 'linkify': False, 'typographer': True}).enable('table')


@functools.lru_cache(maxsize=1024)
def _render(text: str) -> str:
    return sanitise_html(_md.render(text))


def markdown(text: str | None) -> Markup:
    """Sanitised HTML for a Markdown text (raw HTML in the source is not passed through)."""
    return Markup(_render(text or ''))  # noqa: S704 - sanitised by nh3 above


def rich_text(text: str | None, text_format: str = 'markdown') -> Markup:
    """Text in one of Moodle's formats (GIFT's [html], [markdown], [plain], [moodle]) as safe HTML."""
    text = text or ''
    if text_format == 'html':
        return Markup(sanitise_html(text))  # noqa: S704 - sanitised by nh3
    if text_format == 'markdown':
        return markdown(text)
    # 'moodle' (auto-format) and 'plain': the text as written, with its line breaks
    return Markup('<p>') + Markup('<br>').join(escape(line) for line in text.splitlines()) + Markup('</p>')
