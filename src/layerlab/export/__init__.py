"""Leave LayerLab in industry formats, each verified against PyTorch, and bring TF.js models in.

Each format is one file in formats/ (an ExportFormat in the registry: name, label, suffix, bundle
path, usage snippet, blockers, write, verify; conformance.check_export_format checks one); the
writers it calls live here: onnx_export (ONNX, on onnx_core's bytes and sessions and onnx_front's
text columns), quantize (int8 ONNX), torchscript, pt2
(torch.export), weights (safetensors + JSON), codegen (a standalone PyTorch script), tfjs
(TensorFlow.js Layers), webpage, bundle (a ZIP of all with a README); formats/npz.py writes its
own. tfjs_import reads TF.js/asanAI models into projects. `Project.export(fmt, out)` (facade.py) is
the entry point:

    layerlab export my-digits --format onnx --out digits.onnx
    layerlab import ~/Downloads/model.json --out from-asanai
"""
