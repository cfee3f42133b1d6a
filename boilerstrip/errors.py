"""Exceptions the library raises; the CLI maps each to one exit code."""


class BoilerstripError(Exception):
    """Base class: every error the library raises on purpose."""

    exit_code = 1


class InputError(BoilerstripError):
    """A document could not be read: missing, binary, undecodable, empty."""

    exit_code = 3


class EncodingError(InputError):
    """A document's bytes do not decode: name its encoding (``encoding=`` in the library)."""


class LabeledDataError(BoilerstripError):
    """A labeled-lines file is malformed; the message names the file and line."""

    exit_code = 4


class ModelError(BoilerstripError):
    """A model file is missing, corrupt, foreign or built for other code."""

    exit_code = 5


class PageTimeout(BoilerstripError):
    """A page of a batch took longer than the page time limit."""

    exit_code = 6
