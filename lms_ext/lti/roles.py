"""Pure: LTI role URIs → the tool's roles. Context roles first; institution/system roles only without them."""

from lms_ext.accounts.models import Role

_MEMBERSHIP = 'http://purl.imsglobal.org/vocab/lis/v2/membership#'
_MEMBERSHIP_SUB = 'http://purl.imsglobal.org/vocab/lis/v2/membership/'
_INSTITUTION = 'http://purl.imsglobal.org/vocab/lis/v2/institution/person#'
_SYSTEM = 'http://purl.imsglobal.org/vocab/lis/v2/system/person#'

_CONTEXT_ROLES = {
    'Learner': Role.learner,
    'Instructor': Role.instructor,
    'Administrator': Role.instructor,
    'ContentDeveloper': Role.instructor,
    'Mentor': Role.mentor,
}
# Sub-roles such as membership/Instructor#TeachingAssistant.
_SUB_ROLES = {'TeachingAssistant': Role.mentor, 'Mentor': Role.mentor}
_ADMIN_ROLES = {_INSTITUTION + 'Administrator', _SYSTEM + 'Administrator', _SYSTEM + 'SysAdmin'}


def _context_role(uri: str) -> Role | None:
    if uri.startswith(_MEMBERSHIP):
        return _CONTEXT_ROLES.get(uri[len(_MEMBERSHIP):])
    if uri.startswith(_MEMBERSHIP_SUB):
        return _SUB_ROLES.get(uri.rsplit('#', 1)[-1])
    if '/' not in uri and '#' not in uri:  # deprecated short names ("Learner") some platforms still send
        return _CONTEXT_ROLES.get(uri)
    return None


def roles_from_claim(uris: list[str]) -> set[Role]:
    """The tool roles granted by the signed `roles` claim."""
    context = {role for uri in uris if (role := _context_role(uri))}
    if context:
        return context
    if any(uri in _ADMIN_ROLES for uri in uris):
        return {Role.instructor}
    return set()
