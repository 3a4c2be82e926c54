"""The browser studio: NiceGUI pages and components (it calls only the facade, layerlab.api)."""
