"""Schemas shared by every app's API."""

from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, Field

# The largest id a database row can have (64-bit keys): a larger number sent as an id is an
# input error, not a database overflow.
MAX_ID = 2**63 - 1
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]


class InputSchema(Schema):
    """A request body: an unknown field is an error, so a misspelt name is not silently lost."""

    model_config = ConfigDict(extra="forbid")
