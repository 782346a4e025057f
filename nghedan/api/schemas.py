"""Schemas shared by every app's API."""

from ninja import Schema
from pydantic import ConfigDict


class InputSchema(Schema):
    """A request body: an unknown field is an error, so a misspelt name is not silently lost."""

    model_config = ConfigDict(extra="forbid")
