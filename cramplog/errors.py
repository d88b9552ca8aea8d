"""The one exception the CLI turns into a one-line message and exit code 2."""


class InputError(ValueError):
    """Bad input from a person: names the field and the form that would have been accepted.

    Raised before anything is written (or inside the command's single transaction, which is then
    rolled back), so a rejected command leaves the diary exactly as it was.
    """

    def __init__(
        self, field: str, problem: str, accepted: str | None = None, *, hint: str | None = None
    ) -> None:
        self.field = field
        self.problem = problem
        self.accepted = accepted
        self.hint = hint
        text = f"{field}: {problem}"
        if accepted:
            text += f" (accepted: {accepted})"
        if hint:
            text += f"; {hint}"
        super().__init__(text)


class DiaryFileError(RuntimeError):
    """The database file cannot be used safely: not a cramplog diary, or newer than we are."""


class FaultError(RuntimeError):
    """The machine failed us (disk full, read-only, I/O error, permission): one line, exit 1.

    Never raised for bad input, and never reported as "not a diary": the message names the
    cause so that a person knows it is the disk, not their diary.
    """
