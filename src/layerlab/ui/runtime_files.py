"""The in-browser runtime's WebAssembly (static/ort/*.wasm, 15 MB) served gzip-compressed once.

NiceGUI's GZip middleware would compress the file again for every page that loads it: seconds of
CPU per pupil on a class server, and 15 MB over the school's Wi-Fi when a browser does not ask
for gzip. Here it is compressed once (in a thread, kept in memory: about 4 MB) and sent with
`Content-Encoding: gzip`, which the middleware leaves alone; browsers cache it for an hour.
"""
from __future__ import annotations

import asyncio
import hashlib
import zlib
from pathlib import Path

from fastapi import Request, Response
from fastapi.responses import FileResponse
from nicegui import app, run

ORT_DIR = Path(__file__).parent / "static" / "ort"
CACHE_CONTROL = "public, max-age=3600"
_packed: dict[str, tuple[bytes, str]] = {}
_lock = asyncio.Lock()


def _gzip(path: Path) -> tuple[bytes, str]:
    raw = path.read_bytes()
    c = zlib.compressobj(6, zlib.DEFLATED, 31)   # 31: the gzip wrapper
    return c.compress(raw) + c.flush(), hashlib.sha256(raw).hexdigest()[:20]


async def _packed_file(name: str) -> tuple[bytes, str]:
    async with _lock:
        if name not in _packed:
            _packed[name] = await run.io_bound(_gzip, ORT_DIR / name)
    return _packed[name]


async def _warm() -> None:
    """Compress at start-up, before the first pupil opens the Test page."""
    for path in sorted(ORT_DIR.glob("*.wasm")):
        await _packed_file(path.name)


async def wasm_file(name: str, request: Request) -> Response:
    name = f"{name}.wasm"
    path = ORT_DIR / name
    if "/" in name or not path.is_file():
        return Response(status_code=404)
    if "gzip" not in request.headers.get("accept-encoding", ""):
        return FileResponse(path, media_type="application/wasm", headers={"Cache-Control": CACHE_CONTROL})
    body, tag = await _packed_file(name)
    etag = f'"{tag}"'
    headers = {"Cache-Control": CACHE_CONTROL, "ETag": etag, "Vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/wasm", headers={**headers, "Content-Encoding": "gzip"})


def serve(static_url: str) -> None:
    """Route {static_url}/ort/*.wasm here, ahead of the static files mount (idempotent)."""
    path = f"{static_url}/ort/{{name}}.wasm"
    if any(getattr(r, "path", None) == path for r in app.routes):
        return
    app.add_api_route(path, wasm_file, methods=["GET"], include_in_schema=False)
    app.router.routes.insert(0, app.router.routes.pop())
    app.on_startup(_warm)
