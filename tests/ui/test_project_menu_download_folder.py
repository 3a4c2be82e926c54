"""Download project packs the workspace's project, never a folder of the same name in the directory the server was
started from (on a class server a pupil's project id could otherwise name a folder beside the server)."""
from __future__ import annotations

import io
import json
import zipfile

from nicegui.testing import User

import layerlab
from layerlab import api


async def test_download_packs_the_workspace_project_not_a_folder_of_its_name(user: User, project_id, tmp_path,
                                                                            monkeypatch) -> None:
    pid = project_id("xor")
    decoy = tmp_path / "started-here" / pid
    decoy.mkdir(parents=True)
    doc = layerlab.example("iris")
    doc["name"] = "not yours"
    (decoy / "project.json").write_text(json.dumps(doc))
    monkeypatch.chdir(decoy.parent)
    packed: list[bytes] = []
    real = api.pack_project

    def pack(*args, **kwargs):   # the file the browser is handed, read as it is written
        out = real(*args, **kwargs)
        packed.append(out.path.read_bytes())
        return out
    monkeypatch.setattr(api, "pack_project", pack)
    await user.open("/")
    user.find(marker=f"download-{pid}").click()
    await user.download.next(timeout=10)
    with zipfile.ZipFile(io.BytesIO(packed[-1])) as z:
        spec = json.loads(z.read(next(n for n in z.namelist() if n.endswith("project.json"))))
    assert spec["name"] != "not yours" and spec["model"] == layerlab.example("xor")["model"]
