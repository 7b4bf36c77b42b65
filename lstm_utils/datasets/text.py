"""Two public-domain English texts vendored in this package, for language models.

``tinyshakespeare`` (1,115,394 characters, 65 distinct) and ``timemachine`` (178,979
characters, 70 distinct); provenance and licence in ``text_files/README.md``. The SHA-256 of
each file's uncompressed content is fixed below.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from lstm_utils.datasets.files import read_verified_gz

#: Where the vendored files live.
TEXT_DIR = Path(__file__).with_name("text_files")

#: SHA-256 of the uncompressed content of each text (see text_files/SHA256SUMS.uncompressed).
TEXT_SHA256 = {
    "tinyshakespeare": "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed",
    "timemachine": "8424dbd9532ac81f7e5f0b6add90e6952baea29158309d7d1bf3884f4e12c516",
}

_RESTORE_HINT = (
    "Restore the vendored copy with `git checkout -- lstm_utils/datasets/text_files` "
    "(or pass data_dir= pointing at the original .txt.gz files)."
)


@lru_cache(maxsize=4)
def _load(name: str, directory: Path) -> str:
    raw = read_verified_gz(directory / f"{name}.txt.gz", TEXT_SHA256[name], "Text", _RESTORE_HINT)
    return raw.decode("utf-8")


def load_text(name: str, data_dir: str | Path | None = None) -> str:
    """The whole text ``name`` (``"tinyshakespeare"`` or ``"timemachine"``), checksum-verified.

    Raises ``ValueError`` for an unknown name, ``FileNotFoundError`` for a missing file and
    :class:`~lstm_utils.datasets.files.DataIntegrityError` for a corrupt one.
    """
    if name not in TEXT_SHA256:
        raise ValueError(f"unknown text {name!r}; choose one of {sorted(TEXT_SHA256)}")
    directory = Path(data_dir) if data_dir is not None else TEXT_DIR
    return _load(name, directory.resolve())
