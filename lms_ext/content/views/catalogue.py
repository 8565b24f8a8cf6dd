"""Public module pages: the catalogue, a module's overview, and media files."""

from flask import abort, current_app, render_template, send_file
from flask_login import current_user

from .. import media, services
from . import bp


@bp.get('/')
def index():
    return render_template('content/index.html', versions=services.published_versions())


@bp.get('/modules/<slug>')
def module_overview(slug: str):
    version = services.published_version_or_404(slug)
    return render_template('content/module.html', version=version, module=version.module)


@bp.get('/media/<int:asset_id>/<path:filename>')
def media_file(asset_id: int, filename: str):
    """A media file, with HTTP range requests (seeking in video/audio) and long caching (files never change)."""
    asset = media.get_asset(asset_id) or abort(404)
    if filename != asset.filename:
        abort(404)
    if asset.module.published_version is None and not current_user.is_authenticated:
        abort(404)  # drafts' files are for signed-in trainers only
    response = send_file(media.asset_path(asset, current_app.config['MEDIA_DIR']), mimetype=asset.content_type,
                         conditional=True, etag=asset.sha256, max_age=31_536_000,
                         download_name=asset.filename, as_attachment=False)
    response.headers['Cache-Control'] = 'public, max-age=31536000, immutable'
    return response
