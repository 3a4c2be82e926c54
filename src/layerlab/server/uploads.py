"""The server's side of uploads: only the names its HTTP routes use.

Every check on a file from outside (limits, content, safe and unique names, ZIP extraction,
the workspace quota) lives below the server, in `layerlab.data.safefiles` and
`layerlab.store.quota` (named for the layers above the facade by `layerlab.api_data`), so the data
sources, the project file reader and the studio's pages use the same code without importing the
server. The routes (`server/api.py`, `server/api_projects.py`) read the body against
`UploadLimits.max_file_bytes`, hand the bytes to `save_file` / `extract_images` in a worker thread,
and `server/routing.py` answers an `UploadError` with its `status`.
"""
from __future__ import annotations

from ..api_data import MB, UploadError, UploadLimits, UploadResult, check_size, extract_images, save_file

__all__ = ["MB", "UploadError", "UploadLimits", "UploadResult", "check_size", "extract_images", "save_file"]
