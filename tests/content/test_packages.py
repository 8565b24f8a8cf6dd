"""Module packages (lms_ext.content.packages): export, import, and every way an import is refused.

Every refused import must leave the database and the media directory exactly as they were.
"""

import copy
import hashlib
import io
import stat
import struct
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from lms_ext.content import media, services
from lms_ext.content.models import (
    ContentFormat,
    MediaAsset,
    Module,
    ModuleVersion,
    StepKind,
    VersionState,
)
from lms_ext.content.packages import PackageInvalid, export_package, import_package
from lms_ext.content.packages.archive import BoundedReader, EntryTooLarge
from lms_ext.content.schemas import ModuleInput
from lms_ext.core.db import unit_of_work
from tests.pngs import png

DEMO_PACKAGE = Path(__file__).parents[2] / 'lms_ext' / 'demo' / 'package'

WEBM = b'\x1a\x45\xdf\xa3' + b'\x42\x86\x81\x01' + b'fake webm data'
JPEG = b'\xff\xd8\xff\xe0' + b'fake jpeg data'
OGG = b'OggS' + b'\x00\x02' + b'fake ogg data'
PDF = b'%PDF-1.4\n% fake workbook\n%%EOF\n'
VTT_EN = b'WEBVTT\n\n00:00.000 --> 00:02.000\nMind the sparks.\n'
VTT_NL = b'WEBVTT\n\n00:00.000 --> 00:02.000\nLet op de vonken.\n'
PNG = b'\x89PNG\r\n\x1a\n' + b'fake png'
BADGE_PNG = png(256, 256)

FILES = {
    'assets/intro.webm': WEBM,
    'assets/intro.jpg': JPEG,
    'assets/intro.en.vtt': VTT_EN,
    'assets/intro.nl.vtt': VTT_NL,
    'assets/intro.ogg': OGG,
    'assets/workbook.pdf': PDF,
}

SAMPLE_YAML = '''\
format_version: 1
module:
  slug: sample-module
  title: Sample module
  summary: A tiny module used by the package tests.
  language: en
  eqf_level: 3
  workload_hours: 1.5
  ects: null
  prerequisites: None.
  participation: hybrid
  assessment_type: Quiz.
  quality_assurance: Reviewed.
  outcomes:
    - kind: knowledge
      text: Explain the hazards.
      framework_name: ESCO
      framework_code: S1.2
      framework_url: https://esco.ec.europa.eu/en
    - kind: skills
      text: Fit a disc safely.
  steps:
    - kind: unit
      title: Hazards
      summary: What can go wrong.
      required: true
      estimated_minutes: 10
      variants:
        - format: video
          file: assets/intro.webm
          poster: assets/intro.jpg
          captions:
            - language: en
              label: English
              file: assets/intro.en.vtt
          transcript: |
            Line one.
            Line two.
          duration_seconds: 31
        - format: audio
          file: assets/intro.ogg
          transcript: The audio transcript.
        - format: text
          body: |
            # Hazards

            Kickback and sparks.
    - kind: quiz
      title: Check your knowledge
    - title: Practise
      required: false
      variants:
        - format: workbook
          file: assets/workbook.pdf
          description: Print and fill in.
        - format: hands_on
          instructions: Fit a disc.
          materials: [grinder, disc]
          safety_notes: [Unplug first.]
          expected_result: A fitted disc.
          duration_minutes: 20
        - format: video
          url: https://example.org/video.webm
          captions: [{language: nl, label: Nederlands, file: assets/intro.nl.vtt}]
          transcript: Dutch video.
'''


# Helpers.

def make_zip(entries, *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """A zip of (name or ZipInfo, bytes) pairs, or of a {name: bytes} dict."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w', compression) as zf:
        for name, data in (entries.items() if isinstance(entries, dict) else entries):
            zf.writestr(name, data)
    return buffer.getvalue()


def sample_zip(yaml_text=SAMPLE_YAML, files=None, extra=None, drop=()) -> bytes:
    entries = {'module.yaml': yaml_text.encode(), **(FILES if files is None else files), **(extra or {})}
    return make_zip({name: data for name, data in entries.items() if name not in drop})


def line_of(text: str, needle: str, start: int = 1) -> int:
    """The 1-based number of the first line at or after `start` that contains `needle`."""
    for number, line in enumerate(text.splitlines(), start=1):
        if number >= start and needle in line:
            return number
    raise AssertionError(needle)


def row_counts(session) -> tuple[int, int, int]:
    return tuple(session.scalar(sa.select(sa.func.count()).select_from(model))
                 for model in (Module, ModuleVersion, MediaAsset))


def stored_files(media_dir: Path) -> list[Path]:
    return sorted(p for p in media_dir.rglob('*') if p.is_file()) if media_dir.exists() else []


@pytest.fixture
def media_dir(app, tmp_path, monkeypatch):
    path = tmp_path / 'media'
    monkeypatch.setitem(app.config, 'MEDIA_DIR', path)
    return path


@pytest.fixture
def existing(db_session, media_dir):
    """Some content already in the database, so that "nothing written" compares non-zero counts."""
    result = import_package(sample_zip(SAMPLE_YAML.replace('sample-module', 'existing-module')),
                            media_dir=media_dir)
    return result.version


@pytest.fixture
def refused(app, db_session, media_dir, existing):
    """Import a package that must be refused; assert that nothing was written; return the errors."""

    def check(data, **limits) -> dict[str, list[str]]:
        before, files_before = row_counts(db_session), stored_files(media_dir)
        with pytest.raises(PackageInvalid) as info:
            import_package(data, media_dir=app.config['MEDIA_DIR'], **limits)
        assert row_counts(db_session) == before
        assert stored_files(media_dir) == files_before
        assert info.value.errors and info.value.status == 422
        return info.value.errors

    return check


def snapshot(version: ModuleVersion, media_dir: Path) -> dict:
    """A version's content with asset ids replaced by (kind, sha256), checked against the stored files."""
    fields = ('title', 'summary', 'language', 'eqf_level', 'workload_hours', 'ects', 'prerequisites',
              'participation', 'assessment_type', 'quality_assurance')

    def asset(asset_id):
        found = media.get_asset(asset_id)
        assert found.module_id == version.module_id
        assert hashlib.sha256(media.asset_path(found, media_dir).read_bytes()).hexdigest() == found.sha256
        return found.kind.value, found.sha256

    def payload(data):
        data = copy.deepcopy(data)
        for key in ('asset_id', 'poster_asset_id'):
            if data.get(key) is not None:
                data[key] = asset(data[key])
        for track in data.get('captions', []):
            track['asset_id'] = asset(track['asset_id'])
        return data

    return {
        'fields': {name: getattr(version, name) for name in fields},
        'outcomes': [(o.position, o.kind, o.text, o.framework_name, o.framework_code, o.framework_url)
                     for o in version.outcomes],
        'steps': [(s.position, s.kind, s.title, s.summary, s.required, s.estimated_minutes,
                   [(v.position, v.format, payload(v.payload)) for v in s.variants]) for s in version.steps],
    }


def rewrite_manifest(package: bytes, change) -> bytes:
    """The package with module.yaml passed through `change(data)`."""
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        entries = {name: zf.read(name) for name in zf.namelist()}
    data = yaml.safe_load(entries['module.yaml'])
    change(data)
    entries['module.yaml'] = yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode()
    return make_zip(entries)


def build_version(media_dir: Path) -> ModuleVersion:
    """A version made through the services (not an import), with two files of the same name."""
    data = ModuleInput().load({
        'slug': 'built-module', 'title': 'Built module', 'eqf_level': 4, 'workload_hours': '2.25', 'ects': '0.5',
        'summary': 'Made by the services.', 'participation': 'online',
        'outcomes': [{'kind': 'responsibility', 'text': 'Report defects.', 'framework_url': 'https://x.org/1'}],
        'steps': [{'title': 'Unit', 'estimated_minutes': 5}, {'kind': 'practical', 'title': 'Show it'},
                  {'title': 'Reading', 'required': False}],
    })
    version = services.create_module(data).versions[0]
    module = version.module

    def store(name, content):
        return media.store_asset(module, name, io.BytesIO(content), media_dir=media_dir).id

    unit, _practical, reading = version.steps
    services.add_variant(unit, 'video', {
        'asset_id': store('clip.webm', WEBM), 'poster_asset_id': store('clip.jpg', JPEG), 'duration_seconds': 12,
        'captions': [{'language': 'en', 'label': 'English', 'asset_id': store('captions.vtt', VTT_EN)},
                     {'language': 'nl', 'label': 'Nederlands', 'asset_id': store('captions.vtt', VTT_NL)}],
        'transcript': 'First line.\nSecond line, with ünïcode.\n\nA paragraph.'})
    services.add_variant(unit, 'audio', {'url': 'https://example.org/a.ogg', 'transcript': 'Spoken.'})
    services.add_variant(unit, 'hands_on', {'instructions': 'Do it.', 'materials': ['a'], 'safety_notes': []})
    services.add_variant(reading, 'text', {'body': 'Read me.'})
    services.add_variant(reading, 'workbook', {'asset_id': store('book.pdf', PDF)})
    return version


# Export and import.

def test_round_trip_gives_an_identical_version(db_session, media_dir):
    original = build_version(media_dir)
    package = export_package(original, media_dir=media_dir)
    assert export_package(original, media_dir=media_dir) == package  # deterministic
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        names = zf.namelist()
        manifest = zf.read('module.yaml').decode()
    assert names == ['module.yaml', 'assets/clip.webm', 'assets/clip.jpg', 'assets/captions.vtt',
                     'assets/captions-2.vtt', 'assets/book.pdf']
    assert 'transcript: |' in manifest and 'poster: assets/clip.jpg' in manifest and 'asset_id' not in manifest
    assert yaml.safe_load(manifest)['module']['workload_hours'] == 2.25

    copy_package = rewrite_manifest(package, lambda data: data['module'].update(slug='copied-module'))
    result = import_package(copy_package, media_dir=media_dir)

    imported = result.version
    assert imported.module.slug == 'copied-module' and imported.module_id != original.module_id
    assert imported.number == 1 and imported.state is VersionState.draft
    assert snapshot(imported, media_dir) == snapshot(original, media_dir)
    assert result.warnings == []


def test_the_trainers_badge_image_travels_with_the_package(db_session, media_dir):
    original = build_version(media_dir)
    services.set_badge_image(original, BADGE_PNG)
    package = export_package(original, media_dir=media_dir)
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        assert zf.read('badge.png') == BADGE_PNG
        assert yaml.safe_load(zf.read('module.yaml'))['module']['badge_image'] == 'badge.png'
    copy_package = rewrite_manifest(package, lambda data: data['module'].update(slug='copied-badge'))
    result = import_package(copy_package, media_dir=media_dir)
    assert result.version.badge_image_png == BADGE_PNG and result.warnings == []


@pytest.mark.parametrize(('files', 'name', 'problem'), [
    ({}, 'badge.png', 'badge.png is not in the package.'),
    ({'badge.png': png(300, 200)}, 'badge.png', 'must be square'),
    ({'badge.png': b'not a png'}, 'badge.png', 'must be a PNG file'),
    ({'badge.gif': b'GIF89a'}, 'badge.gif', 'Name a PNG file in the package'),
])
def test_a_bad_badge_image_is_refused_with_its_line(refused, files, name, problem):
    text = SAMPLE_YAML.replace('module:\n', f'module:\n  badge_image: {name}\n', 1)
    errors = refused(sample_zip(text, extra=files))
    messages = [m for key, found in errors.items() if key.startswith('module.yaml line 3') for m in found]
    assert any(problem in m for m in messages), errors


def test_sample_package_is_imported_as_a_draft(db_session, media_dir):
    result = import_package(sample_zip(extra={'assets/unused.png': PNG, 'README.txt': b'hi'}), media_dir=media_dir)
    version = result.version
    assert version.module.slug == 'sample-module' and version.state is VersionState.draft
    assert version.workload_hours == Decimal('1.50') and version.ects is None
    assert [o.framework_code for o in version.outcomes] == ['S1.2', '']
    assert [(s.kind, s.required) for s in version.steps] == [
        (StepKind.unit, True), (StepKind.quiz, True), (StepKind.unit, False)]
    unit, _quiz, practise = version.steps
    assert [v.format for v in unit.variants] == [ContentFormat.video, ContentFormat.audio, ContentFormat.text]
    video = unit.variants[0].payload
    assert video['transcript'] == 'Line one.\nLine two.' and video['duration_seconds'] == 31
    assert media.get_asset(video['captions'][0]['asset_id']).filename == 'intro.en.vtt'
    assert practise.variants[2].payload['url'] == 'https://example.org/video.webm'
    assert db_session.scalar(sa.select(sa.func.count(MediaAsset.id))) == 6  # the unused png is not stored
    assert result.warnings == ['assets/unused.png: not used by module.yaml; not imported.',
                               'README.txt: outside assets/; ignored.']


def test_reimport_of_a_slug_creates_the_next_draft_version(db_session, media_dir):
    first = import_package(sample_zip(), media_dir=media_dir).version
    services.publish_version(first)
    second = import_package(sample_zip(), media_dir=media_dir).version
    assert second.module is first.module
    assert (second.number, second.state) == (2, VersionState.draft)
    assert first.state is VersionState.published
    assert db_session.scalar(sa.select(sa.func.count(MediaAsset.id))) == 6  # same bytes, same assets


def test_reimport_while_a_draft_exists_is_refused(refused, existing):
    errors = refused(sample_zip(SAMPLE_YAML.replace('sample-module', 'existing-module')))
    assert errors == {f'module.yaml line {line_of(SAMPLE_YAML, "slug:")}': [
        'slug: The module existing-module already has a draft version; publish or delete it first.']}


def test_import_reads_a_non_seekable_stream(db_session, media_dir):
    class Pipe(io.RawIOBase):
        def __init__(self, data):
            self._data = io.BytesIO(data)

        def readable(self):
            return True

        def readinto(self, buffer):
            chunk = self._data.read(len(buffer))
            buffer[:len(chunk)] = chunk
            return len(chunk)

    version = import_package(Pipe(sample_zip()), media_dir=media_dir).version
    assert len(version.steps) == 3


def test_a_failure_while_writing_rolls_everything_back(db_session, media_dir, monkeypatch):
    with unit_of_work():
        import_package(sample_zip(SAMPLE_YAML.replace('sample-module', 'committed-module')), media_dir=media_dir)
    before = row_counts(db_session)
    assert before == (1, 1, 6)

    def broken(*args, **kwargs):
        raise RuntimeError('disk on fire')

    monkeypatch.setattr(services, 'add_variant', broken)
    with pytest.raises(RuntimeError), unit_of_work():
        import_package(sample_zip(), media_dir=media_dir)
    assert row_counts(db_session) == before


def test_demo_package_imports_and_round_trips(db_session, media_dir):
    entries = {path.relative_to(DEMO_PACKAGE).as_posix(): path.read_bytes()
               for path in sorted(DEMO_PACKAGE.rglob('*')) if path.is_file()}
    result = import_package(make_zip(entries), media_dir=media_dir)
    version = result.version
    assert result.warnings == []
    assert version.module.slug == 'safe-angle-grinder' and len(version.outcomes) >= 4
    assert all(step.variants for step in version.units)
    again = rewrite_manifest(export_package(version, media_dir=media_dir),
                             lambda data: data['module'].update(slug='demo-copy'))
    assert snapshot(import_package(again, media_dir=media_dir).version, media_dir) == snapshot(version, media_dir)


# Archive safety: refused before anything is read.

def test_not_a_zip_is_refused(refused):
    assert list(refused(b'just some text, not a zip')) == ['package']


@pytest.mark.parametrize('name', ['../evil.vtt', 'assets/../../evil.vtt', '/etc/evil.vtt', 'assets\\evil.vtt',
                                  'C:/evil.vtt', 'assets//evil.vtt'])
def test_unsafe_entry_names_are_refused(refused, name):
    errors = refused(sample_zip(extra={name: VTT_EN}))
    assert list(errors) == [name]


def test_symlink_entry_is_refused(refused):
    link = zipfile.ZipInfo('assets/link.vtt')
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    errors = refused(make_zip([('module.yaml', SAMPLE_YAML), *FILES.items(), (link, '/etc/passwd')]))
    assert errors == {'assets/link.vtt': ['Symbolic links are not allowed in a package.']}


def test_zip_bomb_is_refused(refused):
    errors = refused(sample_zip(extra={'assets/zeros.webm': bytes(10 * 1024 * 1024)}))
    assert list(errors) == ['assets/zeros.webm'] and 'zip bomb' in errors['assets/zeros.webm'][0]


def test_too_many_files_are_refused(refused):
    assert refused(sample_zip(), max_files=5) == {'package': ['The archive has more than 5 files.']}


def test_too_many_files_are_refused_even_when_the_end_record_lies(refused):
    package = bytearray(sample_zip())
    end = package.rfind(b'PK\x05\x06')
    package[end + 8:end + 12] = struct.pack('<HH', 1, 1)  # claims one entry
    assert refused(bytes(package), max_files=5) == {'package': ['The archive has more than 5 files.']}


def test_oversized_file_is_refused(refused):
    big = VTT_EN + b'\n'.join(b'%08d --> x' % i for i in range(100_000))  # over 1 MB, the limit for captions
    package = make_zip({'module.yaml': SAMPLE_YAML, **FILES, 'assets/intro.en.vtt': big},
                       compression=zipfile.ZIP_STORED)
    assert refused(package) == {'assets/intro.en.vtt': [
        'The file is larger than 1 MB, the limit for this type of file.']}


def test_total_size_over_the_limit_is_refused(refused):
    assert refused(sample_zip(), max_total_bytes=1000) == {
        'package': ['The files in the archive add up to more than 0 MB.']}


def test_duplicate_entry_names_are_refused(refused):
    with pytest.warns(UserWarning, match='Duplicate name'):
        package = make_zip([('module.yaml', SAMPLE_YAML), *FILES.items(), ('assets/intro.ogg', OGG)])
    assert refused(package) == {'assets/intro.ogg': ['The archive holds two entries with this name.']}


def test_encrypted_entry_is_refused(refused):
    package = bytearray(sample_zip())
    central = package.find(b'PK\x01\x02')  # the first directory record: module.yaml
    flags = struct.unpack_from('<H', package, central + 8)[0]
    struct.pack_into('<H', package, central + 8, flags | 0x1)
    assert list(refused(bytes(package))) == ['module.yaml']


def test_unsupported_compression_is_refused(refused):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w') as zf:
        zf.writestr('module.yaml', SAMPLE_YAML)
        for name, data in FILES.items():
            zf.writestr(name, data, compress_type=zipfile.ZIP_BZIP2 if name.endswith('.vtt') else None)
    errors = refused(buffer.getvalue())
    assert sorted(errors) == ['assets/intro.en.vtt', 'assets/intro.nl.vtt']


def test_reads_stop_one_byte_past_the_declared_size():
    reader = BoundedReader(io.BytesIO(b'x' * 100), 10)
    with pytest.raises(EntryTooLarge):
        reader.read()
    exact = BoundedReader(io.BytesIO(b'x' * 10), 10)
    assert exact.read(4) + exact.read() == b'x' * 10 and exact.read() == b''


# module.yaml.

def test_missing_module_yaml_is_refused(refused):
    assert list(refused(sample_zip(drop={'module.yaml'}))) == ['module.yaml']


def test_module_yaml_inside_a_folder_gets_a_hint(refused):
    package = make_zip({'pkg/module.yaml': SAMPLE_YAML, **{f'pkg/{k}': v for k, v in FILES.items()}})
    assert 'found pkg/module.yaml' in refused(package)['module.yaml'][0]


def test_invalid_yaml_error_has_the_line(refused):
    broken = SAMPLE_YAML.replace('title: Hazards', 'title: [Hazards')
    errors = refused(sample_zip(broken))
    (key, messages), = errors.items()
    assert key.startswith('module.yaml line ') and int(key.rsplit(' ', 1)[1]) >= line_of(broken, '[Hazards')
    assert messages == [f"Not valid YAML: expected ',' or ']', but got ':' (while parsing a flow sequence that "
                        f"starts on line {line_of(broken, '[Hazards')})."]


def test_unknown_format_version_is_refused(refused):
    errors = refused(sample_zip(SAMPLE_YAML.replace('format_version: 1', 'format_version: 2')))
    assert errors == {'module.yaml line 1': ['format_version: This tool reads packages of format_version 1.']}


def test_unsafe_yaml_tag_is_refused(refused):
    evil = SAMPLE_YAML.replace('title: Hazards', "title: !!python/object/apply:os.system ['touch /tmp/pwned']")
    errors = refused(sample_zip(evil))
    (key, messages), = errors.items()
    assert key == f'module.yaml line {line_of(evil, "!!python")}'
    assert messages[0].startswith('Not allowed in a package') and 'python/object/apply:os.system' in messages[0]


def test_yaml_aliases_are_refused(refused):
    laughs = SAMPLE_YAML.replace('materials: [grinder, disc]', 'materials: &m [grinder, disc]').replace(
        'safety_notes: [Unplug first.]', 'safety_notes: *m')
    errors = refused(sample_zip(laughs))
    assert errors == {f'module.yaml line {line_of(laughs, "*m")}': [
        'Not valid YAML: aliases (*m) are not allowed in a package.']}


def test_duplicate_yaml_keys_are_refused(refused):
    twice = SAMPLE_YAML.replace('  eqf_level: 3\n', '  eqf_level: 3\n  eqf_level: 4\n')
    assert refused(sample_zip(twice)) == {f'module.yaml line {line_of(twice, "eqf_level: 4")}': [
        'eqf_level: this key appears twice in the same mapping.']}


def test_schema_error_deep_in_a_variant_names_the_line_and_field(refused):
    bad = SAMPLE_YAML.replace('''          captions:
            - language: en
              label: English
              file: assets/intro.en.vtt
''', '          captions: []\n')
    errors = refused(sample_zip(bad, drop={'assets/intro.en.vtt'}))
    assert errors == {f'module.yaml line {line_of(bad, "captions: []")}': [
        'steps[0].variants[0].captions: A video needs captions in at least one language.']}


def test_all_problems_are_reported_in_one_pass(refused):
    bad = (SAMPLE_YAML.replace('eqf_level: 3', 'eqf_level: 9')
           .replace('duration_minutes: 20', 'duration_minutes: 0')
           .replace('  - kind: skills\n      text: Fit a disc safely.\n', '  - kind: skills\n')
           .replace('format: text', 'format: comic')
           .replace('file: assets/workbook.pdf', 'file: workbook.pdf'))
    errors = refused(sample_zip(bad, files={**FILES, 'assets/intro.webm': b'not a video'}, drop={'assets/intro.ogg'}))
    outcome = line_of(bad, '- kind: skills')
    assert errors == {
        f'module.yaml line {line_of(bad, "eqf_level")}': ['eqf_level: Must be greater than or equal to 1 and less '
                                                          'than or equal to 8.'],
        f'module.yaml line {outcome}': ['outcomes[1].text: Missing data for required field.'],
        f'module.yaml line {line_of(bad, "format: comic")}': [
            'steps[0].variants[2].format: Unknown format; use one of video, audio, text, workbook, hands_on.'],
        f'module.yaml line {line_of(bad, "file: workbook.pdf")}': [
            'steps[2].variants[0].file: Give the path of a file in the package, e.g. assets/intro.webm.'],
        f'module.yaml line {line_of(bad, "duration_minutes")}': [
            'steps[2].variants[1].duration_minutes: Must be greater than or equal to 1 and less than or equal '
            'to 600.'],
        f'module.yaml line {line_of(bad, "file: assets/intro.ogg")}': [
            'steps[0].variants[1].file: assets/intro.ogg is not in the package.'],
        'assets/intro.webm': ['This file does not look like a video/webm file.'],
    }


def test_captions_that_are_not_a_list_are_refused(refused):
    bad = SAMPLE_YAML.replace('captions: [{language: nl, label: Nederlands, file: assets/intro.nl.vtt}]', 'captions: 5')
    errors = refused(sample_zip(bad, drop={'assets/intro.nl.vtt'}))
    assert errors == {f'module.yaml line {line_of(bad, "captions: 5")}': [
        'steps[2].variants[2].captions: Not a valid list.']}


def test_referenced_file_missing_is_refused(refused):
    errors = refused(sample_zip(drop={'assets/intro.nl.vtt'}))
    line = line_of(SAMPLE_YAML, 'file: assets/intro.nl.vtt')
    assert errors == {f'module.yaml line {line}': [
        'steps[2].variants[2].captions[0].file: assets/intro.nl.vtt is not in the package.']}


def test_file_whose_content_does_not_match_its_type_is_refused(refused):
    errors = refused(sample_zip(files={**FILES, 'assets/intro.webm': b'I am only text'}))
    assert errors == {'assets/intro.webm': ['This file does not look like a video/webm file.']}


def test_file_of_the_wrong_kind_for_its_field_is_refused(refused):
    wrong = SAMPLE_YAML.replace('file: assets/intro.en.vtt', 'file: assets/workbook.pdf')
    errors = refused(sample_zip(wrong, drop={'assets/intro.en.vtt'}))
    assert errors == {f'module.yaml line {line_of(wrong, "label: English") + 1}': [
        'steps[0].variants[0].captions[0].file: assets/workbook.pdf is a document file; a captions file is '
        'needed here.']}


def test_referenced_file_of_an_unknown_type_is_refused(refused):
    odd = SAMPLE_YAML.replace('assets/workbook.pdf', 'assets/workbook.exe')
    errors = refused(sample_zip(odd, files={**FILES, 'assets/workbook.exe': PDF}, drop={'assets/workbook.pdf'}))
    assert list(errors) == ['assets/workbook.exe'] and 'not accepted' in errors['assets/workbook.exe'][0]


def test_asset_ids_cannot_be_smuggled_into_a_package(refused, existing):
    smuggled = SAMPLE_YAML.replace('file: assets/workbook.pdf', 'asset_id: 1')
    errors = refused(sample_zip(smuggled, drop={'assets/workbook.pdf'}))
    assert errors == {
        f'module.yaml line {line_of(smuggled, "format: workbook")}': [
            'steps[2].variants[0].file: Missing data for required field.'],
        f'module.yaml line {line_of(smuggled, "asset_id: 1")}': ['steps[2].variants[0].asset_id: Unknown field.'],
    }


def test_variants_only_on_units_and_one_per_format(refused):
    bad = SAMPLE_YAML.replace('      title: Check your knowledge\n',
                              '      title: Check your knowledge\n      variants: [{format: text, body: Hi}]\n'
                              ).replace('format: audio\n          file: assets/intro.ogg',
                                        'format: video\n          url: https://example.org/v.webm\n'
                                        '          captions: [{language: en, label: E, file: assets/intro.en.vtt}]'
                                        ).replace('transcript: The audio transcript.', 'transcript: Again.')
    errors = refused(sample_zip(bad, drop={'assets/intro.ogg'}))
    assert errors == {
        f'module.yaml line {line_of(bad, "url: https://example.org/v.webm") - 1}': [
            'steps[0].variants[1].format: This unit already has a variant in this format.'],
        f'module.yaml line {line_of(bad, "variants: [{format: text")}': [
            'steps[1].variants: Only units have content formats.'],
    }


@pytest.mark.parametrize(('text', 'expected'), [
    ('', {'module.yaml': ['module.yaml is empty.']}),
    ('- a\n- b\n', {'module.yaml line 1': ['module.yaml must be a mapping with format_version and module.']}),
    ('format_version: 1\nmodule: 5\n', {'module.yaml line 2': ['module: Invalid input type.']}),
    ('format_version: 1\nmodule:\n  slug: x\n  1: y\n', {'module.yaml line 4': ['1: keys must be plain text.']}),
    ('format_version: 1\nmodule: ' + '[' * 5000 + ']' * 5000 + '\n',
     {'module.yaml': ['module.yaml is nested too deeply.']}),
    ('format_version: 1\nmodule:\n  eqf_level: ' + '9' * 5000 + '\n', {'module.yaml': [
        'Not valid YAML: Exceeds the limit (4300 digits) for integer string conversion: value has 5000 digits; '
        'use sys.set_int_max_str_digits() to increase the limit.']}),
    (b'\xff\xfe'.decode('latin-1'), {'module.yaml': ['module.yaml must be UTF-8 text.']}),
])
def test_module_yaml_of_the_wrong_shape_is_refused(refused, text, expected):
    raw = text.encode('latin-1') if text.startswith('\xff') else text.encode()
    assert refused(sample_zip(files={}, extra={'module.yaml': raw})) == expected
