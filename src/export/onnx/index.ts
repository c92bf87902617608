/** ONNX export (deployment layer): the writer, the rules that map modules to operators, and the entry point. */
export { exportOnnx, onnxReference, selfsupVersion, type OnnxExportOptions, type OnnxModel } from './export.js';
export { OPSET, IR_VERSION, type ValueSpec } from './graph.js';
export { supportedModules, rule, type At, type Rule } from './rules.js';
export { TEXT_INPUTS } from './text.js';
export { ortFeeds, ortTensor, type Inputs } from './feeds.js';
export { quantizeOnnx, calibrate, type QuantizeOptions, type QuantizedModel } from './quantize.js';
