"""Module packages: a zip with `module.yaml` and `assets/`, to move a module between installations.

`module.yaml` (format_version 1) holds the version's EU micro-credential fields, outcomes and steps; each
unit's variants are their stored payloads with asset ids replaced by paths inside the zip::

    format_version: 1
    module:
      slug: safe-angle-grinder
      title: Safe use of an angle grinder
      eqf_level: 3
      workload_hours: 4
      outcomes: [{kind: knowledge, text: ...}]
      steps:
        - kind: unit
          title: Hazards
          variants:
            - format: video
              file: assets/hazards.webm
              poster: assets/hazards.jpg
              captions: [{language: en, label: English, file: assets/hazards.en.vtt}]
              transcript: |
                ...

A version with the trainer's own badge image carries it as `badge.png` next to module.yaml
(`module.badge_image: badge.png`), checked on import like an upload.

An activity step (e.g. a practical checklist) carries its activity's data under `activity:`, written and
checked by the hooks its package registered in `content.activities`; learning outcomes are named there by
their 1-based position.

Importing checks the archive (paths, links, sizes, bombs), module.yaml (safe YAML, the schema, every
variant's format) and every file before writing anything; all problems come back at once in
`PackageInvalid.errors`, keyed by file and line.
"""

from .archive import DEFAULT_MAX_FILES, DEFAULT_MAX_TOTAL_BYTES
from .errors import PackageInvalid
from .exporter import export_package, write_package
from .importer import ImportResult, import_package
from .manifest import FORMAT_VERSION, PackageInput

__all__ = ['DEFAULT_MAX_FILES', 'DEFAULT_MAX_TOTAL_BYTES', 'FORMAT_VERSION', 'ImportResult', 'PackageInput',
           'PackageInvalid', 'export_package', 'import_package', 'write_package']
