"""German for the TF.js export's own messages: why a layer stays refused, and the check of the written files."""
from . import add

add("de", {
    # export/tfjs.py
    "TF.js 4.22 only has a GRU that applies the reset gate before the recurrent weights (reset_after=False); "
    "PyTorch's GRU applies it after them, so the outputs differ: use an lstm layer, or export to ONNX":
        "TF.js 4.22 kennt nur eine GRU, die das Reset-Tor vor den rekurrenten Gewichten anwendet "
        "(reset_after=False); die GRU von PyTorch wendet es danach an, deshalb unterscheiden sich die Ausgaben: "
        "verwende eine lstm-Schicht oder exportiere nach ONNX",
    # export/tfjs_reference.py
    "LayerLab cannot check a TF.js {cls} layer": "LayerLab kann eine TF.js-Schicht {cls} nicht prüfen",
})
