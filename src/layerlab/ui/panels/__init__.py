"""Studio panels that other packages contribute (inspect, export): functions that build NiceGUI elements."""
