"""What a registration must look like, for the JSON API, the form and each CSV row alike.

Names and places may not hold control characters: a "\r\n" in a name would otherwise end up
in an email header (header injection) or in an organizer's spreadsheet.
"""

from __future__ import annotations

import unicodedata
from typing import Literal

import pycountry
from email_validator import EmailNotValidError, validate_email
from pydantic import Field, StrictBool, field_validator
from pydantic_core import PydanticCustomError

from plenary.api.validation import Strict

FIELDS = ("name", "email", "city", "country", "mode", "organization", "language", "consent")
REQUIRED = ("name", "email", "city", "country", "mode", "consent")


def refuse_control_characters(value: str) -> str:
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in value):
        raise PydanticCustomError(
            "control_characters", "must not contain control characters or line breaks"
        )
    return value


class RegistrationInput(Strict):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=3, max_length=254)
    city: str = Field(min_length=1, max_length=120)
    country: str = Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2")
    mode: Literal["online", "in_person"]
    organization: str | None = Field(default=None, max_length=200)
    language: Literal["ko", "en"] = "en"
    consent: StrictBool

    @field_validator("name", "city", "organization")
    @classmethod
    def _no_control(cls, value: str | None) -> str | None:
        return None if value is None else refuse_control_characters(value)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        try:
            checked = validate_email(value, check_deliverability=False)
        except EmailNotValidError as exc:
            raise PydanticCustomError(
                "email", "not a valid email address: {reason}", {"reason": str(exc)}
            ) from None
        return checked.normalized.lower()

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        code = value.upper()
        if pycountry.countries.get(alpha_2=code) is None:
            raise PydanticCustomError("country", "not an ISO 3166-1 alpha-2 country code")
        return code

    @field_validator("consent")
    @classmethod
    def _consent(cls, value: bool) -> bool:
        if value is not True:
            raise PydanticCustomError("consent", "consent is required to register")
        return value


def truthy(value: str | None) -> bool | str | None:
    """A form or CSV cell as a boolean, or unchanged when it is no recognisable yes/no."""
    if value is None:
        return None
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "y", "on", "x", "예", "동의"):
        return True
    if lowered in ("", "0", "false", "no", "n", "off", "아니오"):
        return False
    return value


def from_strings(values: dict[str, str | None]) -> dict:
    """Form fields or CSV cells (all strings) shaped for `RegistrationInput`."""
    shaped: dict = {k: v for k, v in values.items() if k != "consent"}
    shaped["consent"] = truthy(values.get("consent"))
    if not shaped.get("organization"):
        shaped.pop("organization", None)
    if not shaped.get("language"):
        shaped.pop("language", None)
    return shaped
