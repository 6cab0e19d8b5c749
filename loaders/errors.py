"""Errors a loader raises for a whole file; their message is the one-line reason users see."""


class ReadError(Exception):
    """The file cannot be read as a document (empty, binary, corrupt, encrypted, scanned …)."""


class NotAPerformanceDocument(Exception):
    """The file was read but holds no form the recognisers know."""
