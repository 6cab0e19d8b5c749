"""Open zip containers (.docx, .xlsx) defensively: corrupt archives and zip bombs are one-line errors."""

from __future__ import annotations

import io
import zipfile

from loaders.errors import ReadError

# Generous for any real form document, far below what would exhaust memory.
MAX_UNCOMPRESSED = 300 * 1024 * 1024
MAX_RATIO = 200
# One part read into memory (document.xml, a sheet): the 48-form sample's document.xml is under 2 MB.
# The cap is applied while decompressing, so a member whose header lies about its size cannot pass it.
MAX_MEMBER = 64 * 1024 * 1024


def open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise ReadError(f"corrupt zip container: {exc}") from None
    total = sum(i.file_size for i in zf.infolist())
    if total > MAX_UNCOMPRESSED or total > MAX_RATIO * max(len(data), 1) and total > 20 * 1024 * 1024:
        raise ReadError(f"zip bomb suspected: {total:,} bytes uncompressed from {len(data):,}")
    if any(i.flag_bits & 0x1 for i in zf.infolist()):
        raise ReadError("password-protected (encrypted zip members)")
    return zf


def read_member(zf: zipfile.ZipFile, name: str, limit: int = MAX_MEMBER) -> bytes:
    try:
        if zf.getinfo(name).file_size > limit:
            raise ReadError(f"part too large: {name} declares {zf.getinfo(name).file_size:,} bytes (limit {limit:,})")
        with zf.open(name) as fh:
            data = fh.read(limit + 1)  # never more than the limit is decompressed, whatever the header says
        if len(data) > limit:
            raise ReadError(f"part too large: {name} holds over {limit:,} bytes")
        return data
    except KeyError:
        raise ReadError(f"corrupt container: {name} missing") from None
    except (zipfile.BadZipFile, EOFError, OSError, RuntimeError) as exc:
        raise ReadError(f"corrupt container: {name}: {exc}") from None
