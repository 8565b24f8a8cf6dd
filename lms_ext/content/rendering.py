"""Markdown written by trainers → safe HTML (markdown-it-py, then nh3)."""

import functools

from markdown_it import MarkdownIt
from markupsafe import Markup

from lms_ext.core.schemas import sanitise_html

_md = MarkdownIt('commonmark', {'html': False, 'linkify': False, 'typographer': True}).enable('table')


@functools.lru_cache(maxsize=1024)
def _render(text: str) -> str:
    return sanitise_html(_md.render(text))


def markdown(text: str | None) -> Markup:
    """Sanitised HTML for a Markdown text (raw HTML in the source is not passed through)."""
    return Markup(_render(text or ''))  # noqa: S704 - sanitised by nh3 above
