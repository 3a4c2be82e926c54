"""German for the model that runs on the pupil's device (export/ondevice.py, server/api_ondevice.py)."""
from . import add

add("de", {
    "this model cannot run in the browser": "dieses Modell kann nicht im Browser laufen",
    "the server predicts instead; replace those layers to predict on the device":
        "der Server sagt stattdessen vorher; ersetze diese Schichten, um auf dem Gerät vorherzusagen",
})
