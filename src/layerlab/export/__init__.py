"""Leave LayerLab in industry formats, each verified against PyTorch, and bring TF.js models in.

One module per format: onnx_export (ONNX), quantize (int8 ONNX), torchscript, pt2
(torch.export), weights (safetensors + JSON), codegen (a standalone PyTorch script),
tfjs (TensorFlow.js Layers), bundle (a ZIP of all with a README); tfjs_import reads
TF.js/asanAI models into projects. `Project.export(fmt, out)` (facade.py) is the entry point:

    layerlab export my-digits --format onnx --out digits.onnx
    layerlab import ~/Downloads/model.json --out from-asanai
"""
