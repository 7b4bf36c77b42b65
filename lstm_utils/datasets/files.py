"""Reading the vendored data files: gzip, with the SHA-256 of the content checked."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path


class DataIntegrityError(ValueError):
    """A data file exists but its content is not what the book expects."""


def read_verified_gz(path: Path, expected_sha256: str, dataset: str, restore_hint: str) -> bytes:
    """The uncompressed content of ``path``, after checking its SHA-256.

    The *content* is hashed, not the .gz bytes, so a recompressed but intact file passes and a
    truncated, altered or substituted one fails whatever its gzip wrapper. Raises
    ``FileNotFoundError`` for a missing file and :class:`DataIntegrityError` for an unreadable
    or corrupt one; both messages name the file and end with ``restore_hint``.
    """
    if not path.is_file():
        raise FileNotFoundError(
            f"{dataset} file {path.name} is missing from {path.parent}. {restore_hint}"
        )
    try:
        with gzip.open(path, "rb") as fh:
            raw = fh.read()
    except (OSError, EOFError) as err:
        raise DataIntegrityError(
            f"{dataset} file {path} is not a readable gzip file ({err}). {restore_hint}"
        ) from err
    digest = hashlib.sha256(raw).hexdigest()
    if digest != expected_sha256:
        raise DataIntegrityError(
            f"{dataset} file {path} is corrupt: SHA-256 of its content is {digest}, expected "
            f"{expected_sha256}. {restore_hint}"
        )
    return raw
