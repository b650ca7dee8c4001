"""The exceptions newsframe raises; each message says what was expected, what was found and the fix."""

from __future__ import annotations

COMMAND = "python -m model"


class NewsframeError(Exception):
    """Base class: the CLI turns any of these into one line on stderr and a non-zero exit."""

    exit_code = 1


class InputError(NewsframeError, ValueError):
    """A user file or argument cannot be read as asked (missing, empty, wrong column, undecodable)."""

    exit_code = 3

    @classmethod
    def not_utf8(cls, source, error: UnicodeDecodeError) -> InputError:
        """The one message for undecodable input, wherever it was read from (CLI or app)."""
        return cls(f"{source}: not UTF-8 text (byte {error.start}: {error.reason}). Re-save it as UTF-8.")


class ModelNotFoundError(NewsframeError, FileNotFoundError):
    """No model bundle at the given path."""

    exit_code = 4

    def __init__(self, path: str):
        super().__init__(
            f"No model bundle at {path!r}. Train one with: {COMMAND} train --out {path}"
        )


class IntegrityError(NewsframeError):
    """A bundle failed its checks: not a newsframe bundle, corrupt, tampered or untrusted content."""

    exit_code = 4


class IncompatibleModelError(NewsframeError):
    """A bundle written by another format version or other library versions than this install pins."""

    exit_code = 4


class DataError(NewsframeError, ValueError):
    """Training or evaluation data is missing, unlabelled, or labelled outside the label set."""

    exit_code = 5
