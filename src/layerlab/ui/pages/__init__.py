"""Studio pages: one module per page; each registers its routes with @ui.page on import.

URL scheme: / (home), /p/{project_id}/model|data|train|test|inspect|export.
Build a page inside `layerlab.ui.frame.frame(project_id, "<tab>")`, which yields the
shared editing session (layerlab.ui.state.Session).
"""
