"""The registry of content formats: each knows its payload schema, its template and its modalities.

A unit holds one variant per format; the payload of a variant is stored as JSON and always loaded
through its format's schema. Media are referenced by asset id (`content_media_assets`).
Adding a format means adding one entry here and one template, nothing else.
"""

from dataclasses import dataclass

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from lms_ext.core.i18n import _l
from lms_ext.core.schemas import BaseSchema

from .models import AssetKind, ContentFormat

MARKDOWN_MAX = 50_000
LANGUAGE = validate.Regexp(r'^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$', error=_l('Use a language code such as en or nl-BE.'))


class CaptionTrack(BaseSchema):
    language = fields.String(required=True, validate=LANGUAGE)
    label = fields.String(required=True, validate=validate.Length(min=1, max=80))
    asset_id = fields.Integer(required=True, strict=True)


class _MediaSource(BaseSchema):
    """An uploaded file (asset_id) or an external https URL, exactly one of them."""

    asset_id = fields.Integer(load_default=None, allow_none=True, strict=True)
    url = fields.Url(load_default=None, allow_none=True, schemes={'https'})
    duration_seconds = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=36_000))

    @validates_schema
    def _one_source(self, data, **kwargs):
        if (data.get('asset_id') is None) == (data.get('url') is None):
            raise ValidationError(_l('Give either an uploaded file or an https address, not both.'), 'asset_id')


class VideoPayload(_MediaSource):
    poster_asset_id = fields.Integer(load_default=None, allow_none=True, strict=True)
    captions = fields.List(fields.Nested(CaptionTrack), required=True, validate=validate.Length(
        min=1, error=_l('A video needs captions in at least one language.')))
    transcript = fields.String(required=True, validate=validate.Length(min=1, max=MARKDOWN_MAX))


class AudioPayload(_MediaSource):
    transcript = fields.String(required=True, validate=validate.Length(min=1, max=MARKDOWN_MAX))


class TextPayload(BaseSchema):
    body = fields.String(required=True, validate=validate.Length(min=1, max=MARKDOWN_MAX))


class WorkbookPayload(BaseSchema):
    asset_id = fields.Integer(required=True, strict=True)
    description = fields.String(load_default='', validate=validate.Length(max=5000))


class HandsOnPayload(BaseSchema):
    instructions = fields.String(required=True, validate=validate.Length(min=1, max=MARKDOWN_MAX))
    materials = fields.List(fields.String(validate=validate.Length(min=1, max=300)), load_default=list)
    safety_notes = fields.List(fields.String(validate=validate.Length(min=1, max=500)), load_default=list)
    expected_result = fields.String(load_default='', validate=validate.Length(max=MARKDOWN_MAX))
    duration_minutes = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=600))


@dataclass(frozen=True)
class Format:
    key: ContentFormat
    label: str
    # VARK-style modalities the format serves (used by the learning-preference routing).
    modalities: frozenset[str]
    schema: type[Schema]
    template: str
    # payload fields holding asset ids, and the kind each must be
    asset_fields: tuple[tuple[str, AssetKind], ...] = ()
    heavy: bool = False  # large media: not loaded until asked in low-bandwidth mode

    def load(self, payload: dict) -> dict:
        return self.schema().load(payload)

    def asset_ids(self, payload: dict) -> list[tuple[int, AssetKind]]:
        """Every asset the payload references, with the kind it must have."""
        found = [(payload[name], kind) for name, kind in self.asset_fields if payload.get(name) is not None]
        if self.key is ContentFormat.video:
            found += [(track['asset_id'], AssetKind.captions) for track in payload.get('captions', [])]
        return found


FORMATS: dict[ContentFormat, Format] = {f.key: f for f in (
    Format(ContentFormat.video, _l('Video'), frozenset({'visual', 'auditory'}), VideoPayload,
           'content/formats/_video.html', (('asset_id', AssetKind.video), ('poster_asset_id', AssetKind.image)),
           heavy=True),
    Format(ContentFormat.audio, _l('Audio'), frozenset({'auditory'}), AudioPayload,
           'content/formats/_audio.html', (('asset_id', AssetKind.audio),), heavy=True),
    Format(ContentFormat.text, _l('Text'), frozenset({'read_write'}), TextPayload, 'content/formats/_text.html'),
    Format(ContentFormat.workbook, _l('Workbook'), frozenset({'read_write', 'kinesthetic'}), WorkbookPayload,
           'content/formats/_workbook.html', (('asset_id', AssetKind.document),)),
    Format(ContentFormat.hands_on, _l('Hands-on task'), frozenset({'kinesthetic'}), HandsOnPayload,
           'content/formats/_hands_on.html'),
)}


def get_format(key: str | ContentFormat) -> Format:
    """The format for a key; raises ValidationError naming `format` for an unknown one."""
    try:
        return FORMATS[ContentFormat(key)]
    except ValueError:
        raise ValidationError({'format': [_l('Unknown format; use one of video, audio, text, workbook, '
                                             'hands_on.')]}) from None

