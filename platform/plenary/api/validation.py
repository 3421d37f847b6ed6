"""Reading request bodies into pydantic models: unknown fields refused, errors in one shape."""

from __future__ import annotations

from typing import TypeVar

from flask import request
from pydantic import BaseModel, ConfigDict

from plenary.errors import BadInput

Model = TypeVar("Model", bound=BaseModel)


class Strict(BaseModel):
    """The base of every request schema: unknown fields are an error, strings are trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def parse_body(model: type[Model]) -> Model:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadInput("the body must be a JSON object")
    return model.model_validate(data)  # a ValidationError becomes a 400 in api.errors
