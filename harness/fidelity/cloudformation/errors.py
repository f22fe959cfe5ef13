"""CloudFormation's API errors, as moto's serializer renders them (code, message, status)."""

from __future__ import annotations

from moto.core.exceptions import ServiceException


class CloudFormationError(ServiceException):
    code = "ValidationError"

    def __init__(self, message: str) -> None:
        super().__init__(message)


class ValidationError(CloudFormationError):
    code = "ValidationError"


class ChangeSetNotFound(CloudFormationError):
    code = "ChangeSetNotFound"
    status_code = 404


class AlreadyExists(CloudFormationError):
    code = "AlreadyExistsException"


class InsufficientCapabilities(CloudFormationError):
    code = "InsufficientCapabilitiesException"


class ResourceFailed(Exception):
    """A resource handler could not create, update or delete: the operation fails and rolls back."""
