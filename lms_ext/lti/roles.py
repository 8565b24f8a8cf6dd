"""Pure: LTI role URIs → the tool's role names (accounts.models.Role values).

Context roles come first; institution/system roles count only when no context role was sent.
"""

LEARNER, INSTRUCTOR, MENTOR = 'learner', 'instructor', 'mentor'

_MEMBERSHIP = 'http://purl.imsglobal.org/vocab/lis/v2/membership#'
_MEMBERSHIP_SUB = 'http://purl.imsglobal.org/vocab/lis/v2/membership/'
_INSTITUTION = 'http://purl.imsglobal.org/vocab/lis/v2/institution/person#'
_SYSTEM = 'http://purl.imsglobal.org/vocab/lis/v2/system/person#'

_CONTEXT_ROLES = {
    'Learner': LEARNER,
    'Instructor': INSTRUCTOR,
    'Administrator': INSTRUCTOR,
    'ContentDeveloper': INSTRUCTOR,
    'Mentor': MENTOR,
}
# Sub-roles such as membership/Instructor#TeachingAssistant.
_SUB_ROLES = {'TeachingAssistant': MENTOR, 'Mentor': MENTOR}
_ADMIN_ROLES = {_INSTITUTION + 'Administrator', _SYSTEM + 'Administrator', _SYSTEM + 'SysAdmin'}


def _context_role(uri: str) -> str | None:
    if uri.startswith(_MEMBERSHIP):
        return _CONTEXT_ROLES.get(uri[len(_MEMBERSHIP):])
    if uri.startswith(_MEMBERSHIP_SUB):
        return _SUB_ROLES.get(uri.rsplit('#', 1)[-1])
    if '/' not in uri and '#' not in uri:  # deprecated short names ("Learner") some platforms still send
        return _CONTEXT_ROLES.get(uri)
    return None


def roles_from_claim(uris: list[str]) -> set[str]:
    """The tool role names granted by the signed `roles` claim."""
    context = {role for uri in uris if (role := _context_role(uri))}
    if context:
        return context
    if any(uri in _ADMIN_ROLES for uri in uris):
        return {INSTRUCTOR}
    return set()
