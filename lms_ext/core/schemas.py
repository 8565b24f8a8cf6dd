"""Schema base class and shared fields; schemas check shape and format only."""

import nh3
from marshmallow import RAISE, Schema, fields, pre_load

# Tags a trainer may use in rich text; everything else is stripped by nh3 (Ammonia).
SAFE_TAGS = {'a', 'abbr', 'b', 'blockquote', 'br', 'code', 'em', 'h2', 'h3', 'h4', 'hr', 'i', 'img',
             'li', 'ol', 'p', 'pre', 'strong', 'sub', 'sup', 'table', 'tbody', 'td', 'th', 'thead',
             'tr', 'ul'}
SAFE_ATTRIBUTES = {'a': {'href', 'title'}, 'img': {'src', 'alt', 'title', 'width', 'height'},
                   'td': {'colspan', 'rowspan'}, 'th': {'colspan', 'rowspan', 'scope'}}


def sanitise_html(html: str) -> str:
    return nh3.clean(html, tags=SAFE_TAGS, attributes=SAFE_ATTRIBUTES,
                     url_schemes={'http', 'https', 'mailto'}, link_rel='noopener noreferrer')


class BaseSchema(Schema):
    """Rejects unknown fields and strips surrounding whitespace from strings."""

    class Meta:
        unknown = RAISE

    @pre_load
    def _strip_strings(self, data, **kwargs):
        if hasattr(data, 'items'):
            # Form MultiDicts keep only the first value here; list fields use getlist in views.
            # The CSRF token was checked by Flask-WTF before the view ran; it is not a form field.
            return {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k != 'csrf_token'}
        return data


class SafeHtml(fields.String):
    """A string of HTML, sanitised with nh3 on load."""

    def _deserialize(self, value, attr, data, **kwargs):
        return sanitise_html(super()._deserialize(value, attr, data, **kwargs))
