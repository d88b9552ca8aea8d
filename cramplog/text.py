"""What a person may type as text: stated length limits, valid UTF-8, never empty.

One place for the limits, so that every name (shoes, medicines, aliases, activities, the
profile name) and every note reads the same rule and says it the same way. Pure: no click.
"""

from __future__ import annotations

from cramplog.errors import InputError

NAME_MAX = 100  # a shoe, medicine, alias, activity or profile name
NOTE_MAX = 2_000  # a note or what eased a cramp: a few sentences
VALUE_MAX = 100  # any other typed value (a date, an amount, a choice): longer is not one
PATH_MAX = 4_096  # a file name or database URL (Linux's PATH_MAX)


def check_utf8(field: str, value: str) -> str:
    """Refuse text that is not valid UTF-8.

    Python hands undecodable bytes of the command line over as lone surrogates
    (surrogateescape); stored, they would fail every later read of the diary.
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(
            field,
            "is not valid UTF-8 text",
            "text in UTF-8 (check the terminal's character encoding)",
        ) from None
    return value


def check_text(field: str, value: str, limit: int = NAME_MAX, *, empty_ok: bool = False) -> str:
    """`value` unchanged when it is valid UTF-8, not blank and at most `limit` characters."""
    check_utf8(field, value)
    if not empty_ok and not value.strip():
        raise InputError(field, "is empty", "a value, or leave the option out")
    if len(value) > limit:
        raise InputError(
            field, f"is {len(value):,} characters long", f"at most {limit:,} characters"
        )
    return value
