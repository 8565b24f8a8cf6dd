"""'Download this module for offline study': the workbook, transcripts and readings in one zip."""

import io
import zipfile

from markupsafe import escape

from .formats import FORMATS
from .media import asset_path, assets_by_id
from .models import ContentFormat, ModuleVersion
from .rendering import markdown

_PAGE = ('<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
         '<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>'
         '<style>body{{font-family:system-ui,sans-serif;max-width:42rem;margin:1rem auto;padding:0 1rem;'
         'line-height:1.5}}</style></head><body>{body}</body></html>')


def build_bundle(version: ModuleVersion, *, media_dir) -> io.BytesIO:
    """A zip with one HTML page of all texts and transcripts, plus the workbook files."""
    sections, files = [f'<h1>{escape(version.title)}</h1><p>{escape(version.summary)}</p>'], {}
    asset_ids = {i for step in version.steps for v in step.variants for i, _k in FORMATS[v.format].asset_ids(v.payload)}
    assets = assets_by_id(asset_ids)
    for step in version.steps:
        parts = [f'<h2>{step.position}. {escape(step.title)}</h2>']
        for variant in step.variants:
            payload = variant.payload
            if variant.format is ContentFormat.text:
                parts.append(str(markdown(payload['body'])))
            elif variant.format in (ContentFormat.video, ContentFormat.audio):
                parts.append(f'<h3>Transcript ({variant.format.value})</h3>' + str(markdown(payload['transcript'])))
            elif variant.format is ContentFormat.hands_on:
                parts.append('<h3>Hands-on task</h3>' + str(markdown(payload['instructions'])))
            elif variant.format is ContentFormat.workbook and payload['asset_id'] in assets:
                asset = assets[payload['asset_id']]
                files[asset.filename] = asset
                parts.append(f'<p>Workbook: <a href="{escape(asset.filename)}">{escape(asset.filename)}</a></p>')
        sections.append(''.join(parts))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr('index.html', _PAGE.format(lang=escape(version.language), title=escape(version.title),
                                                   body=''.join(sections)))
        for name, asset in files.items():
            bundle.write(asset_path(asset, media_dir), name)
    buffer.seek(0)
    return buffer
