"""module.yaml: its schema, and its errors keyed by line.

The YAML is composed into nodes first (safe tags only, no aliases, no duplicate keys), then built into
plain data and loaded through marshmallow. An error's path (``module.steps.1.variants.0.captions``) is
walked back through the nodes to the line it comes from.

In a package, variants name files by path (``file: assets/intro.webm``); stored payloads hold asset ids.
`to_payload` / `from_payload` translate between the two forms, and a variant is validated before any
file is stored by giving its format's schema a placeholder id for each path.
"""

from collections.abc import Callable
from typing import Any

import yaml
from marshmallow import ValidationError, fields, validate, validates_schema
from marshmallow.error_store import merge_errors

from lms_ext.core.i18n import _, _l
from lms_ext.core.schemas import BaseSchema

from .. import activities, formats
from ..models import AssetKind, StepKind
from ..schemas import ModuleInput, StepInput
from .archive import ASSETS_DIR, MANIFEST
from .errors import Findings

FORMAT_VERSION = 1
# Payload fields holding asset ids, and their names in a package (captions tracks use `file` too).
PACKAGE_KEY = {'asset_id': 'file', 'poster_asset_id': 'poster'}
PAYLOAD_KEY = {package: payload for payload, package in PACKAGE_KEY.items()}
_PLACEHOLDER_ID = 1
_STR_TAG = 'tag:yaml.org,2002:str'

Path = tuple[str | int, ...]


def is_asset_path(value: Any) -> bool:
    """`assets/<name>`: a plain relative path under assets/ (the archive checks the entries themselves)."""
    if not isinstance(value, str) or not value.startswith(ASSETS_DIR) or len(value) == len(ASSETS_DIR):
        return False
    parts = value.split('/')
    return '\\' not in value and not any(part in {'', '.', '..'} for part in parts)


def to_payload(source: dict, asset_id_for: Callable[[str], int]) -> dict:
    """A variant in package form (file paths) as a payload (asset ids); the `format` key is left out."""
    payload = {}
    for key, value in source.items():
        if key == 'format':
            continue
        if key in PAYLOAD_KEY:
            payload[PAYLOAD_KEY[key]] = None if value is None else asset_id_for(value)
        elif key == 'captions' and isinstance(value, list):
            payload[key] = [to_payload(track, asset_id_for) if isinstance(track, dict) else track for track in value]
        else:
            payload[key] = value
    return payload


def from_payload(payload: dict, path_for: Callable[[int], str]) -> dict:
    """A stored payload in package form: asset ids become paths; empty optional values are left out."""
    source = {}
    for key, value in payload.items():
        if value is None:
            continue
        if key in PACKAGE_KEY:
            source[PACKAGE_KEY[key]] = path_for(value)
        elif key == 'captions':
            source[key] = [from_payload(track, path_for) for track in value]
        else:
            source[key] = value
    return source


def variant_references(source: dict, fmt: formats.Format) -> list[tuple[Path, str, AssetKind]]:
    """Every file path a variant names: (its key path in the variant, the path, the kind of file it must be)."""
    found: list[tuple[Path, str, AssetKind]] = []
    for payload_key, kind in fmt.asset_fields:
        value = source.get(PACKAGE_KEY[payload_key])
        if is_asset_path(value):
            found.append(((PACKAGE_KEY[payload_key],), value, kind))
    tracks = source.get('captions')
    if 'captions' in fmt.schema().fields and isinstance(tracks, list):
        found += [(('captions', i, 'file'), track['file'], AssetKind.captions)
                  for i, track in enumerate(tracks) if isinstance(track, dict) and is_asset_path(track.get('file'))]
    return found


def _package_messages(messages: dict) -> dict:
    """A format schema's errors with payload keys renamed to the package's (asset_id → file)."""
    renamed = {}
    for key, value in messages.items():
        if key == 'captions' and isinstance(value, dict):
            value = {i: _package_messages(v) if isinstance(v, dict) else v for i, v in value.items()}
        renamed[PACKAGE_KEY.get(key, key)] = value
    return renamed


class VariantField(fields.Field):
    """One variant in package form, checked by its format's schema before any file exists."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, dict):
            raise ValidationError(_l('Give a mapping with a format and its content.'))
        key = value.get('format')
        fmt = formats.get_format(key if isinstance(key, str) else '')  # ValidationError naming `format`
        errors: dict = {}

        def placeholder(path: Any) -> int:
            return _PLACEHOLDER_ID  # a wrong path is reported by check_paths, once

        def check_paths(mapping: dict, at: dict) -> None:
            for name in PACKAGE_KEY:  # ids belong to one database; a package names files
                if name in mapping:
                    at.setdefault(name, []).append(_l('Unknown field.'))
            for name in PAYLOAD_KEY:
                if mapping.get(name) is not None and not is_asset_path(mapping[name]):
                    at.setdefault(name, []).append(_l('Give the path of a file in the package, e.g. '
                                                      'assets/intro.webm.'))

        check_paths(value, errors)
        tracks = value.get('captions')
        for i, track in enumerate(tracks if isinstance(tracks, list) else []):
            if isinstance(track, dict):
                track_errors: dict = {}
                check_paths(track, track_errors)
                if track_errors:
                    errors = merge_errors(errors, {'captions': {i: track_errors}})
        payload = to_payload({k: v for k, v in value.items() if k not in PACKAGE_KEY}, placeholder)
        try:
            fmt.load(payload)
        except ValidationError as exc:
            errors = merge_errors(errors, _package_messages(exc.normalized_messages()))
        if errors:
            raise ValidationError(errors)
        return {'format': fmt.key, 'source': value}


class PackageStepInput(StepInput):
    variants = fields.List(VariantField(), load_default=list)
    activity = fields.Dict(keys=fields.String(), load_default=None)  # checked by the kind's activity hooks

    @validates_schema
    def _variants_fit_the_step(self, data, **kwargs):
        variants = data.get('variants') or []
        if variants and data.get('kind', StepKind.unit) is not StepKind.unit:
            raise ValidationError(_l('Only units have content formats.'), 'variants')
        seen, errors = set(), {}
        for i, variant in enumerate(variants):
            if variant['format'] in seen:
                errors[i] = {'format': [_l('This unit already has a variant in this format.')]}
            seen.add(variant['format'])
        if errors:
            raise ValidationError(errors, 'variants')


class PackageModuleInput(ModuleInput):
    steps = fields.List(fields.Nested(PackageStepInput), load_default=list)
    # The trainer's own badge image, a PNG in the archive (the exporter writes badge.png next to module.yaml).
    badge_image = fields.String(load_default=None, validate=validate.Regexp(
        r'^[\w.-]+(/[\w.-]+)*\.png$', error=_l('Name a PNG file in the package, e.g. badge.png.')))


class PackageInput(BaseSchema):
    """The whole of module.yaml."""

    format_version = fields.Integer(required=True, strict=True, validate=validate.Equal(
        FORMAT_VERSION, error=_l('This tool reads packages of format_version 1.')))
    module = fields.Nested(PackageModuleInput, required=True)


class _Loader(yaml.SafeLoader):
    """The safe loader, refusing aliases: they are not needed for content, and they let a small file
    expand into a huge structure (the "billion laughs")."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, _('aliases (*%(name)s) are not allowed in a package',
                                                            name=event.anchor), event.start_mark)
        return super().compose_node(parent, index)


class Manifest:
    """module.yaml as plain data, with its nodes to find the line of any field."""

    def __init__(self, data: Any, root: yaml.Node):
        self.data, self._root = data, root

    def line_of(self, path: Path) -> int:
        """The line of the deepest node along `path` that exists (a missing field: its mapping's line)."""
        node, line = self._root, self._root.start_mark.line + 1
        for key in path:
            if isinstance(node, yaml.MappingNode) and isinstance(key, str):
                match = next(((k, v) for k, v in node.value if k.value == key), None)
                if match is None:
                    break
                line, node = match[0].start_mark.line + 1, match[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
                node = node.value[key]
                line = node.start_mark.line + 1
            else:
                break
        return line

    def error(self, findings: Findings, path: Path, message: str) -> None:
        label = _display(path)
        findings.error(f'{MANIFEST} line {self.line_of(path)}', f'{label}: {message}' if label else str(message))

    def report(self, findings: Findings, messages: dict | list) -> None:
        """Marshmallow's nested messages, one per line, in the order of the file."""
        flat = sorted(activities.problems_from(messages), key=lambda item: self.line_of(item[0]))
        for path, message in flat:
            self.error(findings, path, message)


def _display(path: Path) -> str:
    """('module', 'steps', 1, 'variants', 0, 'captions') → 'steps[1].variants[0].captions'."""
    parts = [p for p in path if p != '_schema']
    if parts[:1] == ['module'] and len(parts) > 1:
        parts = parts[1:]
    text = ''
    for part in parts:
        text += f'[{part}]' if isinstance(part, int) else (f'.{part}' if text else str(part))
    return text


def parse_manifest(raw: bytes, findings: Findings) -> Manifest | None:
    """Parse module.yaml safely; on any problem record it (with its line) and return None."""
    try:
        text = raw.decode('utf-8-sig')
    except UnicodeDecodeError:
        findings.error(MANIFEST, _('module.yaml must be UTF-8 text.'))
        return None
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            findings.error(MANIFEST, _('module.yaml is empty.'))
            return None
        if not _keys_are_plain(root, findings):
            return None
        data = loader.construct_document(root)
    except yaml.constructor.ConstructorError as exc:  # e.g. !!python/object: only plain data is loaded
        findings.error(_where(exc), _('Not allowed in a package (only plain YAML data is): %(problem)s.',
                                      problem=exc.problem))
        return None
    except yaml.MarkedYAMLError as exc:
        problem = exc.problem or exc.context
        if exc.problem and exc.context and exc.context_mark:
            problem += _(' (%(context)s that starts on line %(line)d)', context=exc.context,
                         line=exc.context_mark.line + 1)
        findings.error(_where(exc), _('Not valid YAML: %(problem)s.', problem=problem))
        return None
    except RecursionError:
        findings.error(MANIFEST, _('module.yaml is nested too deeply.'))
        return None
    except (yaml.YAMLError, ValueError) as exc:  # e.g. an integer of a million digits
        findings.error(MANIFEST, _('Not valid YAML: %(problem)s.', problem=str(exc)[:200]))
        return None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        findings.error(f'{MANIFEST} line {root.start_mark.line + 1}',
                       _('module.yaml must be a mapping with format_version and module.'))
        return None
    return Manifest(data, root)


def _where(exc: yaml.MarkedYAMLError) -> str:
    mark = exc.problem_mark or exc.context_mark
    return f'{MANIFEST} line {mark.line + 1}' if mark else MANIFEST


def _key_text(node: yaml.Node) -> str:
    return node.value if isinstance(node, yaml.ScalarNode) else '?'


def _keys_are_plain(root: yaml.Node, findings: Findings) -> bool:
    """Mapping keys are text and unique (YAML would silently keep the last of two equal keys)."""
    ok, pending = True, [root]
    while pending:
        node = pending.pop()
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key, value in node.value:
                where = f'{MANIFEST} line {key.start_mark.line + 1}'
                if not isinstance(key, yaml.ScalarNode) or key.tag != _STR_TAG:
                    findings.error(where, _('%(key)s: keys must be plain text.', key=_key_text(key)))
                    ok = False
                elif key.value in seen:
                    findings.error(where, _('%(key)s: this key appears twice in the same mapping.', key=key.value))
                    ok = False
                else:
                    seen.add(key.value)
                pending.append(value)
        elif isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)
    return ok
