"""The one exception an action raises when it will not do what was asked.

Views show `message` beside the field (or at the top of the form); the API answers with
`code` and `message` as JSON. Nothing was changed when it is raised.
"""


class Refused(Exception):
    def __init__(self, code: str, message: str, field: str | None = None, status: int = 400):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.status = status
