"""Badge images: the generated default (an SVG with module title, EQF level, issuer, rendered to a square PNG),
and a trainer's uploaded PNG wrapped in an SVG so that the SVG badge form can be baked too."""

import base64
import textwrap
from xml.sax.saxutils import escape

import resvg_py

SIZE = 400  # pixels; the rendered PNG stays far below the 256 KB that badge hosts accept
FONTS = "'DejaVu Sans', 'Liberation Sans', Arial, sans-serif"


def _lines(title: str, width: int = 16, most: int = 4) -> list[str]:
    lines = textwrap.wrap(title, width=width, break_long_words=True) or ['']
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1][:width - 1].rstrip() + '…'
    return lines


def default_svg(*, title: str, eqf_level: int, issuer: str) -> str:
    """A round seal: title in the middle, the EQF level on a ribbon, the issuer along the bottom."""
    lines = _lines(title)
    first_y = 205 - (len(lines) - 1) * 16
    title_svg = ''.join(f'<tspan x="200" y="{first_y + i * 32}">{escape(line)}</tspan>'
                        for i, line in enumerate(lines))
    issuer_text = escape(issuer if len(issuer) <= 34 else issuer[:33] + '…')
    return f'''<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" viewBox="0 0 400 400" \
role="img" aria-label="{escape(title)} · EQF {eqf_level} · {issuer_text}">
<defs>
<linearGradient id="bg" x1="0" y1="0" x2="1" y2="1">
<stop offset="0" stop-color="#0b5f73"/><stop offset="1" stop-color="#123a6b"/></linearGradient>
<linearGradient id="gold" x1="0" y1="0" x2="0" y2="1">
<stop offset="0" stop-color="#f7c948"/><stop offset="1" stop-color="#e0a526"/></linearGradient>
</defs>
<circle cx="200" cy="200" r="194" fill="url(#gold)"/>
<circle cx="200" cy="200" r="180" fill="url(#bg)"/>
<circle cx="200" cy="200" r="166" fill="none" stroke="#ffffff" stroke-opacity="0.35" stroke-width="2" \
stroke-dasharray="4 6"/>
<text x="200" y="92" text-anchor="middle" font-family="{FONTS}" font-size="17" font-weight="bold" \
letter-spacing="3" fill="#f7c948">MICRO-CREDENTIAL</text>
<text text-anchor="middle" font-family="{FONTS}" font-size="27" font-weight="bold" fill="#ffffff">{title_svg}</text>
<path d="M96 286 h208 l-14 20 l14 20 h-208 l14 -20 z" fill="url(#gold)"/>
<text x="200" y="314" text-anchor="middle" font-family="{FONTS}" font-size="22" font-weight="bold" \
fill="#123a6b">EQF LEVEL {eqf_level}</text>
<text x="200" y="352" text-anchor="middle" font-family="{FONTS}" font-size="14" fill="#ffffff">{issuer_text}</text>
</svg>
'''


def render_png(svg: str) -> bytes:
    return bytes(resvg_py.svg_to_bytes(svg_string=svg, width=SIZE, height=SIZE))


def png_in_svg(png: bytes, *, width: int, height: int, title: str) -> str:
    """A minimal SVG of the PNG's size showing the PNG (a data: URI), for the baked SVG badge form."""
    data = base64.b64encode(png).decode('ascii')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{escape(title, {chr(34): "&quot;"})}">\n'
            f'<image width="{width}" height="{height}" href="data:image/png;base64,{data}" '
            f'xlink:href="data:image/png;base64,{data}"/>\n</svg>\n')
