"""Convert legacy Office and WPS files (.doc, .wps, .xls, .et, .rtf, .odt) through LibreOffice headless.

Each conversion runs in its own temporary folder with its own LibreOffice profile, so conversions in
parallel worker processes never share a lock. Missing soffice is a one-line failure saying what to install.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import tempfile
from pathlib import Path

from loaders.errors import ReadError

TIMEOUT_S = 120
INSTALL_HINT = (
    "LibreOffice is needed for this format: install it (apt-get install libreoffice-writer-nogui libreoffice-calc-nogui)"
)


class ConverterUnavailable(ReadError):
    """The converter is missing or did not finish: the environment's fault, not the document's. Ingest
    does not keep it as the document's outcome, so the file is tried again on the next run."""

    transient = True


def _own_memory_limit() -> None:  # pragma: no cover - runs in the child between fork and exec
    """LibreOffice is not bound by the parser worker's address-space limit (its own start-up maps more);
    its time is bounded by TIMEOUT_S."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft != hard:
        resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def soffice() -> str | None:
    return os.environ.get("JIXIAO_SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")


def convert(data: bytes, suffix: str, target: str) -> bytes:
    """``data`` (a file with ``suffix``) converted to ``target`` (docx or xlsx); the converted bytes."""
    exe = soffice()
    if not exe or not shutil.which(exe):
        raise ConverterUnavailable(INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="jixiao-soffice-") as tmp:
        src = Path(tmp) / f"input{suffix.lower()}"
        src.write_bytes(data)
        cmd = [
            exe,
            f"-env:UserInstallation=file://{tmp}/profile",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(Path(tmp) / "out"),
            str(src),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S, preexec_fn=_own_memory_limit)
        except subprocess.TimeoutExpired:
            raise ConverterUnavailable(f"LibreOffice conversion timed out after {TIMEOUT_S}s") from None
        out = Path(tmp) / "out" / f"input.{target}"
        if proc.returncode != 0 or not out.exists():
            detail = (proc.stderr or proc.stdout or "no output").strip().splitlines()
            last = detail[-1][:100] if detail else ""
            raise ReadError(f"LibreOffice could not convert the {suffix} file (corrupt or password-protected?): {last}")
        return out.read_bytes()
