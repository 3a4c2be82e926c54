"""TF.js models as the studio receives them: model.json with its .bin shards, or one ZIP.

Uploads are unpacked into a temporary folder (names reduced to their last part, sizes
counted while decompressing) and handed to `tfjs_import.import_tfjs`, which writes the
project folder only when the import succeeds.
"""
from __future__ import annotations

import io
from pathlib import Path

from ..i18n import msg
from ..spec.errors import SpecError
from .tfjs_import import import_tfjs

MAX_UPLOAD = 200 * 1024 * 1024  # bytes; TF.js models from the browser are far smaller


def import_tfjs_upload(files: dict[str, bytes], out_dir: str | Path, name: str | None = None) -> Path:
    """Import from uploaded files: model.json with its .bin shards, or one .zip holding them.

    File names are reduced to their last part (an upload cannot write outside the temp folder);
    nothing is written to out_dir unless the import succeeds.
    """
    import tempfile
    if sum(len(b) for b in files.values()) > MAX_UPLOAD:
        raise SpecError("", msg("the upload is too large for a TF.js model"),
                        msg("{n:,} bytes", n=sum(map(len, files.values()))),
                        msg("upload at most {mb} MB", mb=MAX_UPLOAD // 2**20))
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        for fname, data in files.items():
            base = Path(str(fname).replace("\\", "/")).name
            if base.lower().endswith(".zip"):
                _unzip_flat(base, data, root)
            elif base:
                (root / base).write_bytes(data)
        jsons = sorted(root.glob("*.json"))
        model = root / "model.json" if (root / "model.json").exists() else (jsons[0] if len(jsons) == 1 else None)
        if model is None:
            raise SpecError("", msg("the upload holds no model.json"), sorted(p.name for p in root.iterdir()),
                            msg("upload the model.json that TF.js/asanAI saved, together with its .bin files"))
        return import_tfjs(model, out_dir, name=name or "imported")


def _unzip_flat(name: str, data: bytes, root: Path) -> None:
    """Every file of a ZIP into root under its last name part, at most MAX_UPLOAD bytes in all.

    Sizes are counted while decompressing (headers can lie, as zip bombs' do), and every error
    a damaged archive raises (bad CRC, truncated deflate stream, unknown compression) is
    answered with the same clear message.
    """
    import zipfile
    import zlib
    total = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for info in z.infolist():
                inner = Path(info.filename.replace("\\", "/")).name
                if info.is_dir() or not inner or inner.startswith("."):
                    continue
                with z.open(info) as f:
                    content = f.read(MAX_UPLOAD - total + 1)
                total += len(content)
                if total > MAX_UPLOAD:
                    raise SpecError("", msg("{name} unpacks to more than {mb} MB", name=name, mb=MAX_UPLOAD // 2**20),
                                    name, msg("upload the model.json and .bin files of one TF.js model only"))
                (root / inner).write_bytes(content)
    except SpecError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError) as e:
        raise SpecError("", msg("{name} is not a readable ZIP file ({error})", name=name, error=str(e)), name,
                        msg("upload model.json and its .bin files, or a ZIP of them")) from None
