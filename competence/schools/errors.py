"""The error of an action on the school module's objects that cannot be done."""


class ActionError(Exception):
    """A change that cannot be made; `status` is the HTTP status to answer with (409, 422)."""

    def __init__(self, message, status: int = 409, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.status = status
        self.field = field
