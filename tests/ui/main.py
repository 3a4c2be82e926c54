"""The studio app as NiceGUI's `user` fixture runs it (executed afresh for every test)."""
from nicegui import ui

from layerlab.ui.app import setup

setup()
ui.run(storage_secret="layerlab tests", title="LayerLab", reload=False, show=False)
