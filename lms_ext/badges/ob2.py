"""Pure: Open Badges 2.0 JSON-LD (Issuer, BadgeClass, Assertion, RevocationList) and the EU extension.

Everything is rendered from the stored rows (duck-typed here: no Flask, no database). The EU
micro-credential extension (Council Recommendation of 16 June 2022, Annex I) is an Open Badges 2.0
extension with its own versioned JSON-LD context and JSON Schemas, served by the app:
- `extensions:EUMicroCredential` on the BadgeClass: module-level facts;
- `extensions:EUMicroCredentialAssessment` on the Assertion: learner-level facts.
"""

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

OB_V2_CONTEXT = 'https://w3id.org/openbadges/v2'
EXTENSION_VERSION = 'v1'
DATA_DIR = Path(__file__).parent / 'data'
EQF_URI = 'http://data.europa.eu/snb/eqf/{level}'
COUNTRY_URI = 'http://publications.europa.eu/resource/authority/country/{code}'
SUPERVISED_ONSITE = 'supervised-onsite-identity-verified'
UNSUPERVISED = 'unsupervised-no-identity-verification'
KIND_LABELS = {'knowledge': 'Knowledge', 'skills': 'Skills', 'responsibility': 'Responsibility and autonomy'}


@dataclass(frozen=True)
class Links:
    """The stable public URLs of badge objects under BASE_URL (the routes of badges.views)."""

    base_url: str

    @property
    def root(self) -> str:
        return f'{self.base_url}/badges'

    def issuer(self, public_id: str) -> str:
        return f'{self.root}/issuers/{public_id}'

    def revocations(self, public_id: str) -> str:
        return f'{self.root}/issuers/{public_id}/revocations'

    def badge_class(self, public_id: str) -> str:
        return f'{self.root}/classes/{public_id}'

    def class_image(self, public_id: str) -> str:
        return f'{self.root}/classes/{public_id}/image.png'

    def assertion(self, public_id: str) -> str:
        return f'{self.root}/assertions/{public_id}'

    def evidence(self, public_id: str) -> str:
        return f'{self.root}/assertions/{public_id}/evidence'

    def baked(self, public_id: str, ext: str) -> str:
        return f'{self.root}/assertions/{public_id}/badge.{ext}'

    @property
    def extension_context(self) -> str:
        return f'{self.root}/contexts/eu-microcredential-{EXTENSION_VERSION}.jsonld'

    def extension_schema(self, name: str) -> str:
        return f'{self.root}/schemas/{name}-{EXTENSION_VERSION}.json'


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_email(email: str, salt: str) -> str:
    """The hashed recipient identity: 'sha256$' + hex sha256 of the stripped, lower-cased e-mail + salt."""
    return 'sha256$' + hashlib.sha256((normalise_email(email) + salt).encode('utf-8')).hexdigest()


def iso_duration(hours: Decimal) -> str:
    """Notional workload as an ISO 8601 duration: 4.5 h → 'PT4H30M'."""
    minutes = int((Decimal(hours) * 60).to_integral_value())
    whole, rest = divmod(minutes, 60)
    return 'PT' + (f'{whole}H' if whole else '') + (f'{rest}M' if rest or not whole else '')


def _iso(moment) -> str:
    return moment.isoformat(timespec='seconds')


def _decimal_json(value: str | None):
    if value is None:
        return None
    number = Decimal(value)
    return int(number) if number == number.to_integral_value() else float(number)


def criteria_narrative(facts: dict) -> str:
    """Markdown: what the learner had to do, and the outcomes they showed."""
    lines = [f'Complete every required part of the module "{facts["title"]}" (version {facts["version"]}): '
             'the learning units, the quiz, the self-assessment and the practical task signed off in person '
             'by a workplace mentor.', '', '## Learning outcomes', '']
    lines += [f'- **{KIND_LABELS.get(o["kind"], o["kind"])}:** {o["text"]}' for o in facts['outcomes']]
    if facts.get('assessment_type'):
        lines += ['', '## Assessment', '', facts['assessment_type']]
    return '\n'.join(lines)


def alignments(facts: dict, class_url: str) -> list[dict]:
    """One AlignmentObject per learning outcome (its framework, e.g. ESCO, when given) and the EQF level."""
    result = []
    for number, outcome in enumerate(facts['outcomes'], start=1):
        entry = {'targetName': outcome['text'][:200],
                 'targetDescription': f'{KIND_LABELS.get(outcome["kind"], outcome["kind"])}: {outcome["text"]}',
                 'targetUrl': outcome.get('framework_url') or f'{class_url}#outcome-{number}'}
        if outcome.get('framework_name'):
            entry['targetFramework'] = outcome['framework_name']
        if outcome.get('framework_code'):
            entry['targetCode'] = outcome['framework_code']
        result.append(entry)
    level = facts['eqf_level']
    result.append({'targetName': f'EQF level {level}', 'targetFramework': 'European Qualifications Framework',
                   'targetCode': str(level), 'targetUrl': EQF_URI.format(level=level),
                   'targetDescription': f'European Qualifications Framework level {level}'})
    return result


def issuer_json(issuer, links: Links) -> dict:
    document = {
        '@context': OB_V2_CONTEXT, 'type': 'Issuer', 'id': links.issuer(issuer.public_id),
        'name': issuer.name, 'url': issuer.url, 'email': issuer.email,
        'revocationList': links.revocations(issuer.public_id),
        'verification': {'type': 'hosted', 'startsWith': f'{links.root}/'},
    }
    if issuer.description:
        document['description'] = issuer.description
    if issuer.image_url:
        document['image'] = issuer.image_url
    return document


def class_extension(facts: dict, issuer, links: Links) -> dict:
    """Module-level EU micro-credential elements."""
    extension = {
        '@context': links.extension_context,
        'type': ['Extension', 'extensions:EUMicroCredential'],
        'awardingBody': issuer.name,
        'awardingBodyUrl': issuer.url,
        'countryOfIssuer': COUNTRY_URI.format(code=issuer.country),
        'notionalWorkload': iso_duration(Decimal(facts['workload_hours'])),
        'eqfLevel': EQF_URI.format(level=facts['eqf_level']),
        'assessmentType': facts['assessment_type'] or 'Not specified',
        'participationForm': facts['participation'],
        'qualityAssurance': facts['quality_assurance'] or 'Not specified',
        'prerequisites': facts['prerequisites'] or 'None',
        'stackability': facts['stackability'],
        'language': facts['language'],
    }
    if facts.get('ects') is not None:
        extension['ects'] = _decimal_json(facts['ects'])
    return extension


def badge_class_json(badge_class, links: Links) -> dict:
    facts = badge_class.facts
    url = links.badge_class(badge_class.public_id)
    return {
        '@context': OB_V2_CONTEXT, 'type': 'BadgeClass', 'id': url,
        'name': badge_class.name, 'description': badge_class.description,
        'image': links.class_image(badge_class.public_id),
        'criteria': {'id': f'{url}#criteria', 'narrative': criteria_narrative(facts)},
        'issuer': links.issuer(badge_class.issuer.public_id),
        'tags': facts['tags'],
        'version': str(facts['version']),
        'alignment': alignments(facts, url),
        'extensions:EUMicroCredential': class_extension(facts, badge_class.issuer, links),
    }


def assessment_extension(assertion, links: Links, learner_name: str | None) -> dict:
    """Learner-level EU elements: grade, supervision and identity verification, the name only with consent."""
    extension = {
        '@context': links.extension_context,
        'type': ['Extension', 'extensions:EUMicroCredentialAssessment'],
        'result': 'passed',
        'supervisionAndIdentityVerification': SUPERVISED_ONSITE if assertion.signed_off_at else UNSUPERVISED,
    }
    if assertion.grade is not None:
        extension['grade'] = _decimal_json(str(assertion.grade))
    if assertion.signed_off_at is not None:
        extension['supervisedAssessmentDate'] = _iso(assertion.signed_off_at)
    if learner_name:
        extension['learnerName'] = learner_name
    return extension


def assertion_json(assertion, links: Links, *, learner_name: str | None = None) -> dict:
    url = links.assertion(assertion.public_id)
    document = {
        '@context': OB_V2_CONTEXT, 'type': 'Assertion', 'id': url,
        'recipient': {'type': 'email', 'hashed': True, 'salt': assertion.salt,
                      'identity': assertion.recipient_hash},
        'badge': links.badge_class(assertion.badge_class.public_id),
        'issuedOn': _iso(assertion.issued_on),
        'verification': {'type': 'hosted'},
        'evidence': [{'id': links.evidence(assertion.public_id),
                      'narrative': 'Summary of the assessment: quiz results and the in-person mentor sign-off.'}],
        'extensions:EUMicroCredentialAssessment': assessment_extension(assertion, links, learner_name),
    }
    if assertion.expires_at is not None:
        document['expires'] = _iso(assertion.expires_at)
    return document


def revoked_json(assertion, links: Links) -> dict:
    """The body of a 410 for a revoked assertion."""
    return {'id': links.assertion(assertion.public_id), 'revoked': True,
            'revocationReason': assertion.revocation_reason}


def revocation_list_json(issuer, revoked: list, links: Links) -> dict:
    return {
        '@context': OB_V2_CONTEXT, 'type': 'RevocationList', 'id': links.revocations(issuer.public_id),
        'issuer': links.issuer(issuer.public_id),
        'revokedAssertions': [{'id': links.assertion(a.public_id), 'revocationReason': a.revocation_reason}
                              for a in revoked],
    }


def _data(name: str) -> str:
    return (DATA_DIR / name).read_text(encoding='utf-8')


def ob_v2_context() -> dict:
    """The Open Badges v2 context, pinned: the copy shipped with the 1EdTech validator (badgecheck 1.2.0)."""
    return json.loads(_data('openbadges-v2-context.json'))


def extension_context(links: Links) -> dict:
    """Our extension's JSON-LD context; its `obi:validation` entries point at the JSON Schemas."""
    document = json.loads(_data('eu-microcredential-context.json'))
    document['obi:validation'] = [
        {'obi:validatesType': 'extensions:EUMicroCredential',
         'obi:validationSchema': links.extension_schema('eu-microcredential')},
        {'obi:validatesType': 'extensions:EUMicroCredentialAssessment',
         'obi:validationSchema': links.extension_schema('eu-microcredential-assessment')},
    ]
    return document


SCHEMAS = ('eu-microcredential', 'eu-microcredential-assessment')


def extension_schema(name: str) -> dict:
    return json.loads(_data(f'{name}-{EXTENSION_VERSION}.schema.json'))
