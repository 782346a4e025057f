"""Schemas shared by every app's API."""

from typing import Annotated

from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field, StringConstraints

from nghedan.lib.plain_text import visible_text

# The largest id a database row can have (64-bit keys): a larger number sent as an id is an
# input error, not a database overflow.
MAX_ID = 2**63 - 1
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]


class InputSchema(Schema):
    """A request body: an unknown field is an error, so a misspelt name is not silently lost."""

    model_config = ConfigDict(extra="forbid")


def _as_meant(value: object) -> object:
    return visible_text(value) if isinstance(value, str) else value


def text_limits(max_length: int, min_length: int = 1) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)


# Text as the person meant it, read as the pages' forms read it (lib.plain_text): composed
# letters, no control characters (PostgreSQL refuses NUL) or invisible marks, so that a
# zero-width space is not a title. Placed after the limits, it runs before them:
# Annotated[str, text_limits(200), AS_MEANT].
AS_MEANT = BeforeValidator(_as_meant)
