"""German for the TF.js export's own messages: why a layer stays refused, and the check of the written files."""
from . import add

add("de", {
    # export/tfjs_layers.py
    "TF.js 4.22 only has a GRU that applies the reset gate before the recurrent weights; this gru applies it "
    "after them (PyTorch's way), so the outputs would differ: set its reset_after to false and train again, "
    "or export to ONNX":
        "TF.js 4.22 kennt nur eine GRU, die das Reset-Tor vor den rekurrenten Gewichten anwendet; diese gru wendet "
        "es danach an (wie PyTorch), deshalb würden sich die Ausgaben unterscheiden: setze ihr reset_after auf "
        "false und trainiere erneut, oder exportiere nach ONNX",
    # export/tfjs_import_layers.py
    "{cls} gates use recurrent_activation {act!r}, which LayerLab's {kind} has not":
        "Die Tore von {cls} verwenden recurrent_activation {act!r}, die LayerLabs {kind} nicht hat",
    # export/tfjs_reference.py
    "LayerLab cannot check a TF.js {cls} layer": "LayerLab kann eine TF.js-Schicht {cls} nicht prüfen",
})
