"""German for Export -> Web page (export/webpage.py, the format's label)."""
from . import add

add("de", {
    "Web page (.html, runs offline)": "Webseite (.html, läuft offline)",
    "the browser runtime (onnxruntime-web) is missing from this installation":
        "die Browser-Laufzeit (onnxruntime-web) fehlt in dieser Installation",
    "reinstall LayerLab, or export ONNX and use it with onnxruntime":
        "installiere LayerLab neu oder exportiere ONNX und nutze es mit onnxruntime",
})
