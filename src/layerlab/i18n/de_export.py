"""German for the messages of the export package: formats, checks against PyTorch, TF.js import and upload."""
from . import add

add("de", {
    # export/common.py (shared by every format)
    "the ONNX file": "die ONNX-Datei",
    "the ONNX file (batch of 1)": "die ONNX-Datei (mit Batchgröße 1)",
    "the TorchScript file": "die TorchScript-Datei",
    "the .pt2 program": "das .pt2-Programm",
    "the generated script's model": "das Modell im erzeugten Skript",
    "the TF.js model (read back)": "das TF.js-Modell (wieder eingelesen)",
    "{what} gives outputs of shape {got}, PyTorch {expected}":
        "{what} liefert Ausgaben der Form {got}, PyTorch aber {expected}",
    "report this model to the LayerLab developers; layers: {kinds}":
        "melde dieses Modell den LayerLab-Entwicklern; Schichten: {kinds}",
    "{what} does not compute what PyTorch computes (largest difference {diff:.3g} > {tolerance:g})":
        "{what} berechnet nicht dasselbe wie PyTorch (größter Unterschied {diff:.3g} > {tolerance:g})",
    "the layer kinds named above are involved; export another format, or replace those layers "
    "(see `layerlab layers NAME` for export notes)":
        "die oben genannten Schichttypen sind beteiligt; exportiere ein anderes Format oder ersetze diese Schichten "
        "(Hinweise zum Export zeigt `layerlab layers NAME`)",
    "{first}; {then}": "{first}; {then}",
    "{kind}: {reason}": "{kind}: {reason}",
    "not exportable": "nicht exportierbar",
    "this model cannot be exported as {fmt}": "dieses Modell lässt sich nicht als {fmt} exportieren",
    "replace those layers, or export weights (safetensors) or a PyTorch script":
        "ersetze diese Schichten oder exportiere die Gewichte (safetensors) oder ein PyTorch-Skript",
    "already exists and is not an earlier export that may be replaced":
        "existiert bereits und ist kein früherer Export, der ersetzt werden darf",
    "choose a new or empty folder": "wähle einen neuen oder leeren Ordner",
    "layer kinds in the model: {kinds}": "Schichttypen im Modell: {kinds}",
    "report this to the LayerLab developers": "melde das den LayerLab-Entwicklern",
    # export/facade.py
    "ONNX int8, quantized (.onnx)": "ONNX int8, quantisiert (.onnx)",
    "Weights (.safetensors + JSON)": "Gewichte (.safetensors + JSON)",
    "PyTorch script (.py)": "PyTorch-Skript (.py)",
    "Everything (.zip)": "Alles (.zip)",
    "is not an export format": "ist kein Exportformat",
    "did you mean {close!r}? Formats: {listing}": "Meintest du {close!r}? Formate: {listing}",
    "Formats: {listing}": "Formate: {listing}",
    "cannot be exported to ONNX": "lässt sich nicht nach ONNX exportieren",
    "{kind}: TensorFlow.js has no layer that computes exactly what LayerLab's {kind} computes":
        "{kind}: TensorFlow.js hat keine Schicht, die genau das berechnet, was {kind} in LayerLab berechnet",
    "replace those layers, or choose another format": "ersetze diese Schichten oder wähle ein anderes Format",
    # export/onnx_export.py, quantize.py, torchscript.py, pt2.py, weights.py
    "PyTorch could not convert this model to ONNX": "PyTorch konnte dieses Modell nicht nach ONNX umwandeln",
    "onnxruntime cannot run the exported file": "onnxruntime kann die exportierte Datei nicht ausführen",
    "layer {index} ({kind})": "Schicht {index} ({kind})",
    "first difference at {where}; layer kinds: {kinds}": "erster Unterschied bei {where}; Schichttypen: {kinds}",
    "static (QDQ, per channel, calibrated on {n} training samples)":
        "statisch (QDQ, pro Kanal, kalibriert mit {n} Trainingsbeispielen)",
    "dynamic (int8 weights)": "dynamisch (int8-Gewichte)",
    "onnxruntime could not quantize this model": "onnxruntime konnte dieses Modell nicht quantisieren",
    "export plain ONNX instead; layer kinds: {kinds}": "exportiere stattdessen normales ONNX; Schichttypen: {kinds}",
    "PyTorch could not trace this model to TorchScript":
        "PyTorch konnte dieses Modell nicht per Tracing in TorchScript umwandeln",
    "torch.export could not capture this model": "torch.export konnte dieses Modell nicht erfassen",
    "weight {name!r} did not survive the safetensors round trip":
        "das Gewicht {name!r} hat das Speichern und Laden als safetensors nicht unverändert überstanden",
    # export/codegen.py
    "the script cannot reproduce this loss or optimizer":
        "das Skript kann diese Verlustfunktion oder diesen Optimierer nicht nachbilden",
    "choose one of {listing}": "wähle eines davon: {listing}",
    "the script needs the project's samples, but none were given":
        "das Skript braucht die Beispiele des Projekts, aber es wurden keine übergeben",
    "export from a project whose data loads (project.dataset())":
        "exportiere aus einem Projekt, dessen Daten sich laden lassen (project.dataset())",
    # export/tfjs.py
    "this activation has no TF.js equivalent": "für diese Aktivierung gibt es in TF.js keine Entsprechung",
    "layer kind {kind!r} cannot be exported to TF.js": "der Schichttyp {kind!r} lässt sich nicht nach TF.js exportieren",
    "TF.js export supports: {listing}": "der TF.js-Export unterstützt: {listing}",
    "TF.js' bilinear upsampling samples pixels differently from LayerLab's":
        "das bilineare Hochskalieren von TF.js tastet die Pixel anders ab als das von LayerLab",
    "use interpolation 'nearest' to export to TF.js": "verwende interpolation 'nearest', um nach TF.js zu exportieren",
    "TF.js pools sequences only: keep='last' needs a (T, F) input":
        "TF.js fasst nur Folgen zusammen: keep='last' braucht eine Eingabe der Form (T, F)",
    "flatten the positions into one axis with a reshape first":
        "lege die Positionen zuerst mit einem reshape in eine Achse zusammen",
    "only single-layer, one-directional recurrent layers can be exported to TF.js":
        "nur einlagige rekurrente Schichten in einer Richtung lassen sich nach TF.js exportieren",
    "set bidirectional off and use one layer per spec entry":
        "schalte bidirectional aus und verwende eine Schicht pro Eintrag in der Spezifikation",
    "this model could not be converted to TF.js": "dieses Modell ließ sich nicht nach TF.js umwandeln",
    # export/tfjs_layout.py (reading model.json and its weight files)
    "no TF.js model found at {path}": "kein TF.js-Modell gefunden unter {path}",
    "give the model.json that TF.js (or asanAI) saved, with its .bin files beside it":
        "gib die model.json an, die TF.js (oder asanAI) gespeichert hat, mit den .bin-Dateien daneben",
    "{file} is not valid JSON, so it is no TF.js model (or it is damaged)":
        "{file} ist kein gültiges JSON, also kein TF.js-Modell (oder die Datei ist beschädigt)",
    "export the model again from TF.js/asanAI": "exportiere das Modell noch einmal aus TF.js/asanAI",
    "{file} is not a TF.js Layers model: it has no modelTopology":
        "{file} ist kein TF.js-Layers-Modell: es fehlt modelTopology",
    "save the model with model.save() in TF.js (a graph model from the converter cannot be imported)":
        "speichere das Modell in TF.js mit model.save() (ein Graph-Modell aus dem Konverter lässt sich nicht importieren)",
    "the weight file {shard!r} named in {file} is missing": "die in {file} genannte Gewichtsdatei {shard!r} fehlt",
    "put every .bin file that TF.js saved beside model.json":
        "lege jede .bin-Datei, die TF.js gespeichert hat, neben die model.json",
    "weight {name!r} is stored as {dtype} (quantized weights are not supported)":
        "das Gewicht {name!r} ist als {dtype} gespeichert (quantisierte Gewichte werden nicht unterstützt)",
    "save the model with float32 weights": "speichere das Modell mit float32-Gewichten",
    "the weight files are shorter than {file} says (damaged or cut off)":
        "die Gewichtsdateien sind kürzer, als {file} angibt (beschädigt oder abgeschnitten)",
    "{n} bytes": "{n} Bytes",
    "copy the .bin files again, completely": "kopiere die .bin-Dateien noch einmal vollständig",
    # export/tfjs_upload.py
    "the upload is too large for a TF.js model": "der Upload ist zu groß für ein TF.js-Modell",
    "{n:,} bytes": "{n:,} Bytes",
    "upload at most {mb} MB": "lade höchstens {mb} MB hoch",
    "the upload holds no model.json": "der Upload enthält keine model.json",
    "upload the model.json that TF.js/asanAI saved, together with its .bin files":
        "lade die model.json, die TF.js/asanAI gespeichert hat, zusammen mit ihren .bin-Dateien hoch",
    "{name} unpacks to more than {mb} MB": "{name} ist entpackt größer als {mb} MB",
    "upload the model.json and .bin files of one TF.js model only":
        "lade nur die model.json und die .bin-Dateien eines einzigen TF.js-Modells hoch",
    "{name} is not a readable ZIP file ({error})": "{name} ist keine lesbare ZIP-Datei ({error})",
    "upload model.json and its .bin files, or a ZIP of them":
        "lade model.json und ihre .bin-Dateien hoch oder ein ZIP davon",
    # export/tfjs_import.py
    "uses an activation LayerLab does not have": "verwendet eine Aktivierung, die LayerLab nicht hat",
    "supported activations: {listing}": "unterstützte Aktivierungen: {listing}",
    "model.json has no list of layers": "model.json enthält keine Liste von Schichten",
    "export the model again": "exportiere das Modell noch einmal",
    "only Sequential models (and functional models that are a plain chain) can be imported":
        "nur Sequential-Modelle (und funktionale Modelle, die eine einfache Kette sind) lassen sich importieren",
    "rebuild the model as tf.sequential()": "baue das Modell als tf.sequential() neu auf",
    "layer {name!r} has several inputs: LayerLab models are one chain":
        "die Schicht {name!r} hat mehrere Eingaben: LayerLab-Modelle sind eine einzige Kette",
    "import a Sequential model": "importiere ein Sequential-Modell",
    "the model does not say the shape of its input (batch_input_shape)":
        "das Modell gibt die Form seiner Eingabe nicht an (batch_input_shape)",
    "give the first layer an inputShape in TF.js": "gib der ersten Schicht in TF.js eine inputShape",
    "does not fit LayerLab's rules: {reason}": "passt nicht zu den Regeln von LayerLab: {reason}",
    "is a layer LayerLab cannot import": "ist eine Schicht, die LayerLab nicht importieren kann",
    "supported TF.js layers: {listing}": "unterstützte TF.js-Schichten: {listing}",
    "uses channels_first data, which TF.js itself rarely runs":
        "verwendet Daten im Format channels_first, die TF.js selbst kaum ausführt",
    "save the model with the default channels_last format":
        "speichere das Modell mit dem Standardformat channels_last",
    "uses a padding LayerLab does not have": "verwendet ein padding, das LayerLab nicht hat",
    "use 'valid' or 'same'": "verwende 'valid' oder 'same'",
    "bilinear upsampling in TF.js samples pixels differently from LayerLab":
        "bilineares Hochskalieren tastet in TF.js die Pixel anders ab als in LayerLab",
    "use interpolation 'nearest'": "verwende interpolation 'nearest'",
    "{cls} with {param}={value} has no LayerLab equivalent":
        "für {cls} mit {param}={value} gibt es in LayerLab keine Entsprechung",
    "use {param}={value}": "verwende {param}={value}",
    "ReLU with this max_value has no LayerLab equivalent":
        "für ReLU mit diesem max_value gibt es in LayerLab keine Entsprechung",
    "use no max_value, or 6 (relu6)": "verwende kein max_value oder 6 (relu6)",
    "reshapes channels-last feature maps, which LayerLab cannot map":
        "formt Merkmalskarten im Format channels-last um, was LayerLab nicht nachbilden kann",
    "use a flatten instead": "verwende stattdessen ein flatten",
    "go_backwards, stateful or return_state recurrent layers cannot be imported":
        "rekurrente Schichten mit go_backwards, stateful oder return_state lassen sich nicht importieren",
    "save the model without those options": "speichere das Modell ohne diese Optionen",
    "{cls} with activation {act!r} has no LayerLab equivalent (it uses tanh)":
        "für {cls} mit der Aktivierung {act!r} gibt es in LayerLab keine Entsprechung (LayerLab verwendet dort tanh)",
    "use activation 'tanh'": "verwende die Aktivierung 'tanh'",
    "is not handled": "wird nicht behandelt",
    "takes a softmax over the last axis of a sequence; LayerLab's softmax runs over the first axis after the batch":
        "berechnet softmax über die letzte Achse einer Folge; softmax in LayerLab läuft über die erste Achse nach dem "
        "Batch",
    "apply softmax after a flatten or pooling": "wende softmax erst nach einem flatten oder Pooling an",
    "LayerLab's layer has no single tensor {name!r} to load into":
        "die Schicht in LayerLab hat keinen eindeutigen Tensor {name!r}, in den geladen werden kann",
    "weight {name!r} has shape {got}, LayerLab expects {expected}":
        "das Gewicht {name!r} hat die Form {got}, LayerLab erwartet {expected}",
    "the file may be damaged": "die Datei ist vielleicht beschädigt",
    # "{folder} already holds a project" is in de_data_files.py
    "{folder} already holds files": "{folder} enthält schon Dateien",
    "choose a new or empty --out folder": "wähle einen neuen oder leeren Ordner für --out",
})
