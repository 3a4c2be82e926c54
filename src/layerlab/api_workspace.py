"""The workspace as the studio, the server and the CLI see it (they import only the facade).

The folder of project folders (LAYERLAB_HOME), each project's file revision for safe saves, and
the list the home page shows, and (for a class server) whose folder this request works in; the
functions are the store's (layerlab.store.workspace). `write_text` replaces a file atomically, readable
by its owner only (layerlab.store.atomic: the studio's cookie secret).

>>> import os, tempfile
>>> os.environ["LAYERLAB_HOME"] = tempfile.mkdtemp()
>>> from layerlab import api
>>> pid = api.create_project("my xor", example="xor").dir.name
>>> [p["id"] for p in list_projects()], project_dir(pid) == home() / pid, len(revision(project_dir(pid)))
(['my-xor'], True, 16)
"""
from __future__ import annotations

from .store.atomic import write_text
from .store.workspace import (PROJECT_FILE, StaleWriteError, home, list_projects, project_dir, reset_home, revision,
                              save_doc, unique_id, use_home)

__all__ = ["PROJECT_FILE", "StaleWriteError", "home", "list_projects", "project_dir", "reset_home", "revision",
           "save_doc", "unique_id", "use_home", "write_text"]
