"""The cookie-signing secret: private from the first byte, kept across restarts, remade when empty."""
from __future__ import annotations

import stat

from layerlab.server.launch import storage_secret


def test_the_secret_is_private_kept_and_remade_when_empty(tmp_path):
    first = storage_secret(tmp_path)
    f = tmp_path / "secret"
    assert len(first) == 64 and stat.S_IMODE(f.stat().st_mode) == 0o600
    assert storage_secret(tmp_path) == first                     # preferences survive a restart
    f.write_text("")                                             # e.g. a crash of an older version mid-write
    again = storage_secret(tmp_path)
    assert again and again != first and f.read_text() == again
    assert not [p for p in tmp_path.iterdir() if p.name != "secret"]   # no temporary file left behind
