// A LayerLab model on the pupil's own device: the self-contained ONNX file of a run (see
// layerlab/export/onnx_front.py and describe.py) in onnxruntime-web's WebAssembly backend, fed
// exactly as the server feeds Project.predict.
//
//   import { OnDeviceModel } from "/layerlab-static/ondevice/model.js";
//   const model = await OnDeviceModel.load(bytes);          // Uint8Array / ArrayBuffer of the .onnx
//   const r = await model.predictImage(canvasOrVideoOrImg);  // {values, classes, best, input, ms}
//   const s = await model.predictRow({sepal_length: 5.1, species_hint: "x"});  // tables
//
// Pictures: the file takes NCHW float32 pixels 0..255 at the model's size; the metadata says how a
// picture becomes that (resize size/fit/resample, channels, transparency on white). This module
// reproduces Pillow's steps bit for bit (layerlab.data.imagefiles.convert + fit_to): alpha
// composited on white, RGB -> L with Pillow's integer weights, then Pillow's two-pass bilinear
// resampling with its fixed-point coefficients (squash, pad with the border's median colour, or
// centre crop). A drawing is first cropped to its ink as layerlab.ui.components.pictures.fit_ink
// does. So the browser's tensor is the server's tensor for the same source pixels: checked bit
// for bit on camera frames and drawings (square sources) in tests/e2e/test_ondevice_live.py.
// Known gap: Pillow 13 resamples some non-square pictures whose height shrinks much more than
// their width vertically first (python-pillow PR 9549); for those this module, which always
// goes horizontally first, can differ by one grey level in some pixels of an upload.
//
// Everything here is plain ES2020 with no dependency but the vendored runtime; the runtime is
// loaded from `ortBase` (default: the studio's /layerlab-static/ort/), so a stand-alone web page
// can point it elsewhere (or pass `ort` itself).

export const DEFAULT_ORT_BASE = "/layerlab-static/ort/";
export const ORT_FILE = "ort.wasm.min.mjs";

let runtime = null;

/** The onnxruntime-web module (loaded once), set up for one thread of plain WebAssembly. */
export async function loadRuntime(ortBase = DEFAULT_ORT_BASE) {
  if (runtime) return runtime;
  const base = ortBase.endsWith("/") ? ortBase : ortBase + "/";
  const ort = await import(/* @vite-ignore */ base + ORT_FILE);
  ort.env.wasm.wasmPaths = base;
  ort.env.wasm.numThreads = 1;   // threads need cross-origin isolation; one thread is fast enough here
  ort.env.wasm.proxy = false;
  ort.env.logLevel = "error";
  runtime = ort;
  return ort;
}

/** A failure to load or run a model, with a short reason for the one-line message on the page. */
export class ModelError extends Error {
  constructor(stage, detail) {
    super(`${stage}: ${detail}`);
    this.name = "ModelError";
    this.stage = stage;      // "runtime" | "session" | "metadata" | "input" | "run"
    this.detail = String(detail);
  }
}

// -- ONNX metadata_props without a protobuf library -------------------------------------------
function varint(buf, pos) {
  let result = 0, mul = 1, b;
  do {
    if (pos >= buf.length) throw new ModelError("metadata", "truncated ONNX file");
    b = buf[pos++];
    result += (b & 0x7f) * mul;
    mul *= 128;
  } while (b & 0x80);
  return [result, pos];
}

function skip(buf, pos, wire) {
  if (wire === 0) return varint(buf, pos)[1];
  if (wire === 1) return pos + 8;
  if (wire === 5) return pos + 4;
  if (wire === 2) {
    const [len, p] = varint(buf, pos);
    return p + len;
  }
  throw new ModelError("metadata", `unsupported protobuf wire type ${wire}`);
}

/** The ONNX file's metadata_props as {key: value} (ModelProto field 14, StringStringEntryProto). */
export function readMetadata(bytes) {
  const buf = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const text = new TextDecoder();
  const out = {};
  let pos = 0;
  while (pos < buf.length) {
    let tag;
    [tag, pos] = varint(buf, pos);
    const field = Math.floor(tag / 8), wire = tag & 7;
    if (field === 14 && wire === 2) {
      let len;
      [len, pos] = varint(buf, pos);
      const end = pos + len;
      let key = "", value = "";
      while (pos < end) {
        let t2;
        [t2, pos] = varint(buf, pos);
        const f2 = Math.floor(t2 / 8), w2 = t2 & 7;
        if ((f2 === 1 || f2 === 2) && w2 === 2) {
          let l2;
          [l2, pos] = varint(buf, pos);
          const s = text.decode(buf.subarray(pos, pos + l2));
          pos += l2;
          if (f2 === 1) key = s; else value = s;
        } else {
          pos = skip(buf, pos, w2);
        }
      }
      out[key] = value;
      pos = end;
    } else {
      pos = skip(buf, pos, wire);
    }
  }
  return out;
}

// -- Pillow's image steps ----------------------------------------------------------------------
const PRECISION_BITS = 22;           // Resample.c: 32 - 8 - 2
const ONE = 1 << PRECISION_BITS;
const HALF = 1 << (PRECISION_BITS - 1);

function bilinear(x) {
  x = Math.abs(x);
  return x < 1 ? 1 - x : 0;
}

/** Resample.c precompute_coeffs + normalize_coeffs_8bpc: per output pixel its first input and integer weights. */
function coefficients(inSize, in0, in1, outSize) {
  const scale = (in1 - in0) / outSize;
  const filterscale = Math.max(scale, 1);
  const support = 1 * filterscale;
  const ss = 1 / filterscale;
  const first = new Int32Array(outSize), count = new Int32Array(outSize), weights = [];
  for (let xx = 0; xx < outSize; xx++) {
    const center = in0 + (xx + 0.5) * scale;
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    const k = new Float64Array(Math.max(xmax, 0));
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const w = bilinear((x + xmin - center + 0.5) * ss);
      k[x] = w;
      ww += w;
    }
    const ints = new Float64Array(k.length);
    for (let x = 0; x < xmax; x++) {
      const w = ww !== 0 ? k[x] / ww : k[x];
      ints[x] = w < 0 ? Math.trunc(-0.5 + w * ONE) : Math.trunc(0.5 + w * ONE);
    }
    first[xx] = xmin;
    count[xx] = Math.max(xmax, 0);
    weights.push(ints);
  }
  return { first, count, weights };
}

function clip8(ss) {
  if (ss >= ONE * 256) return 255;
  if (ss <= 0) return 0;
  return Math.floor(ss / ONE);
}

/**
 * Pillow's Image.resize(size, BILINEAR, box) of an 8-bit image with `bands` interleaved bands.
 * src: Uint8Array/Uint8ClampedArray (w*h*bands); box: [x0, y0, x1, y1] (floats) or null.
 */
export function resizeBilinear(src, w, h, bands, outW, outH, box = null) {
  box = box || [0, 0, w, h];
  if (outW === w && outH === h && box[0] === 0 && box[1] === 0 && box[2] === w && box[3] === h) {
    return Uint8Array.from(src);
  }
  const needH = outW !== w || box[0] !== 0 || box[2] !== outW;
  const needV = outH !== h || box[1] !== 0 || box[3] !== outH;
  const hc = coefficients(w, box[0], box[2], outW);
  const vc = coefficients(h, box[1], box[3], outH);
  let img = src, iw = w, ih = h;
  let vfirst = vc.first;
  if (needH) {
    const y0 = vc.first[0];
    const y1 = vc.first[outH - 1] + vc.count[outH - 1];
    const rows = y1 - y0;
    const tmp = new Uint8Array(outW * rows * bands);
    for (let y = 0; y < rows; y++) {
      const rowIn = (y + y0) * w * bands;
      for (let xx = 0; xx < outW; xx++) {
        const k = hc.weights[xx], xmin = hc.first[xx], n = hc.count[xx];
        for (let c = 0; c < bands; c++) {
          let ss = HALF;
          for (let x = 0; x < n; x++) ss += src[rowIn + (x + xmin) * bands + c] * k[x];
          tmp[(y * outW + xx) * bands + c] = clip8(ss);
        }
      }
    }
    vfirst = Int32Array.from(vc.first, (v) => v - y0);
    img = tmp; iw = outW; ih = rows;
  }
  if (!needV) return Uint8Array.from(img);
  const out = new Uint8Array(iw * outH * bands);
  for (let yy = 0; yy < outH; yy++) {
    const k = vc.weights[yy], ymin = vfirst[yy], n = vc.count[yy];
    for (let x = 0; x < iw; x++) {
      for (let c = 0; c < bands; c++) {
        let ss = HALF;
        for (let y = 0; y < n; y++) ss += img[((y + ymin) * iw + x) * bands + c] * k[y];
        out[(yy * iw + x) * bands + c] = clip8(ss);
      }
    }
  }
  return out;
}

/** AlphaComposite.c: an RGBA pixel (un-premultiplied) over opaque white, one channel. */
function overWhite(v, a) {
  if (a === 255) return v;
  if (a === 0) return 255;
  const PB = 7;
  const outa255 = a * 255 + 255 * (255 - a);
  const coef1 = Math.floor((a * 255 * 255 * (1 << PB)) / outa255);
  const coef2 = 255 * (1 << PB) - coef1;
  const tmp = v * coef1 + 255 * coef2 + (0x80 << PB);
  return Math.floor((Math.floor(tmp / 256) + tmp) / 256) >> PB;
}

/**
 * layerlab.data.imagefiles.convert on RGBA pixels: transparency on white, then 'L' (channels 1,
 * Pillow's L = (R*19595 + G*38470 + B*7471 + 0x8000) >> 16) or 'RGB'. Returns interleaved bytes.
 */
export function convertPixels(rgba, w, h, channels) {
  const n = w * h;
  const out = new Uint8Array(n * channels);
  let opaque = true;
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) { opaque = false; break; }
  for (let i = 0; i < n; i++) {
    let r = rgba[i * 4], g = rgba[i * 4 + 1], b = rgba[i * 4 + 2];
    if (!opaque) {
      const a = rgba[i * 4 + 3];
      r = overWhite(r, a); g = overWhite(g, a); b = overWhite(b, a);
    }
    if (channels === 1) out[i] = (r * 19595 + g * 38470 + b * 7471 + 0x8000) >>> 16;
    else { out[i * 3] = r; out[i * 3 + 1] = g; out[i * 3 + 2] = b; }
  }
  return out;
}

function median(values) {
  const s = Float64Array.from(values).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Python's round(): halves to even (numpy's median + round in border_colour, round() in Pillow's contain/pad). */
export function roundHalfEven(x) {
  const f = Math.floor(x), d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** imagefiles.border_colour: the median of the outermost pixels, per band. */
function borderColour(px, w, h, bands) {
  const colour = [];
  for (let c = 0; c < bands; c++) {
    const ring = [];
    for (let x = 0; x < w; x++) ring.push(px[x * bands + c]);                       // top row
    for (let x = 0; x < w; x++) ring.push(px[((h - 1) * w + x) * bands + c]);       // bottom row
    for (let y = 0; y < h; y++) ring.push(px[(y * w) * bands + c]);                 // left column
    for (let y = 0; y < h; y++) ring.push(px[(y * w + w - 1) * bands + c]);         // right column
    colour.push(roundHalfEven(median(ring)));
  }
  return colour;
}

/** imagefiles.fit_to: squash, pad (ImageOps.pad in the border colour) or crop (ImageOps.fit). */
export function fitTo(px, w, h, bands, outW, outH, fit = "squash") {
  if (fit === "squash") return resizeBilinear(px, w, h, bands, outW, outH);
  if (fit === "crop") {
    const live = w / h, want = outW / outH;
    let cw = w, ch = h;
    if (live !== want) {
      if (live >= want) { cw = want * h; ch = h; } else { cw = w; ch = w / want; }
    }
    const left = (w - cw) * 0.5, top = (h - ch) * 0.5;
    return resizeBilinear(px, w, h, bands, outW, outH, [left, top, left + cw, top + ch]);
  }
  if (fit === "pad") {
    const colour = borderColour(px, w, h, bands);
    const ratio = w / h, want = outW / outH;
    let rw = outW, rh = outH;
    if (ratio !== want) {
      if (ratio > want) { const nh = roundHalfEven(h / w * outW); if (nh !== outH) rh = nh; }
      else { const nw = roundHalfEven(w / h * outH); if (nw !== outW) rw = nw; }
    }
    const resized = resizeBilinear(px, w, h, bands, rw, rh);
    if (rw === outW && rh === outH) return resized;
    const out = new Uint8Array(outW * outH * bands);
    for (let i = 0; i < outW * outH; i++) for (let c = 0; c < bands; c++) out[i * bands + c] = colour[c];
    const x0 = rw !== outW ? roundHalfEven((outW - rw) * 0.5) : 0;
    const y0 = rw !== outW ? 0 : roundHalfEven((outH - rh) * 0.5);
    for (let y = 0; y < rh; y++) {
      for (let x = 0; x < rw; x++) {
        for (let c = 0; c < bands; c++) out[((y + y0) * outW + x + x0) * bands + c] = resized[(y * rw + x) * bands + c];
      }
    }
    return out;
  }
  throw new ModelError("input", `unknown fit '${fit}'`);
}

/**
 * pictures.fit_ink on RGBA pixels: the drawing cropped to its ink (|grey - paper| > 40), centred in a
 * square with a margin, the rest in the corner's colour. Returns {data (RGBA), width, height}.
 */
export function fitInk(rgba, w, h, margin = 0.12) {
  const grey = (i) => (rgba[i * 4] * 19595 + rgba[i * 4 + 1] * 38470 + rgba[i * 4 + 2] * 7471 + 0x8000) >>> 16;
  const paper = grey(0);
  let x0 = w, y0 = h, x1 = -1, y1 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (Math.abs(grey(y * w + x) - paper) > 40) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < 0) return { data: rgba, width: w, height: h };   // nothing drawn
  x1 += 1; y1 += 1;                                          // getbbox: exclusive ends
  let side = Math.max(x1 - x0, y1 - y0);
  side = Math.trunc(roundHalfEven(side * (1 + 2 * margin))) + 1;
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  const left = Math.trunc(roundHalfEven(cx - side / 2)), top = Math.trunc(roundHalfEven(cy - side / 2));
  const out = new Uint8ClampedArray(side * side * 4);
  for (let i = 0; i < side * side; i++) for (let c = 0; c < 4; c++) out[i * 4 + c] = rgba[c];
  for (let y = Math.max(top, 0); y < Math.min(top + side, h); y++) {
    for (let x = Math.max(left, 0); x < Math.min(left + side, w); x++) {
      const o = ((y - top) * side + (x - left)) * 4, s = (y * w + x) * 4;
      out[o] = rgba[s]; out[o + 1] = rgba[s + 1]; out[o + 2] = rgba[s + 2]; out[o + 3] = rgba[s + 3];
    }
  }
  return { data: out, width: side, height: side };
}

let scratch = null;

/** RGBA pixels of a canvas, video frame, img, ImageBitmap or ImageData at its own size. */
export function pixelsOf(source) {
  if (typeof ImageData !== "undefined" && source instanceof ImageData) {
    return { data: source.data, width: source.width, height: source.height };
  }
  if (source && source.data && source.width && source.height && !source.getContext) return source;
  const w = source.videoWidth || source.naturalWidth || source.width;
  const h = source.videoHeight || source.naturalHeight || source.height;
  if (!w || !h) throw new ModelError("input", "the picture has no pixels yet");
  if (source.getContext) {
    const ctx = source.getContext("2d", { willReadFrequently: true });
    if (ctx) return { data: ctx.getImageData(0, 0, w, h).data, width: w, height: h };
  }
  if (!scratch) scratch = document.createElement("canvas");
  if (scratch.width !== w || scratch.height !== h) { scratch.width = w; scratch.height = h; }
  const ctx = scratch.getContext("2d", { willReadFrequently: true });
  ctx.clearRect(0, 0, w, h);
  ctx.drawImage(source, 0, 0, w, h);
  return { data: ctx.getImageData(0, 0, w, h).data, width: w, height: h };
}

/** The file's input for RGBA pixels: converted, fitted and laid out NCHW as float32 0..255. */
export function toModelInput(px, { channels, width, height, fit }) {
  const bands = channels === 1 ? 1 : 3;
  const conv = convertPixels(px.data, px.width, px.height, bands);
  const fitted = fitTo(conv, px.width, px.height, bands, width, height, fit || "squash");
  const plane = width * height;
  const data = new Float32Array(bands * plane);
  for (let i = 0; i < plane; i++) for (let c = 0; c < bands; c++) data[c * plane + i] = fitted[i * bands + c];
  return { data, dims: [1, bands, height, width] };
}

// -- the model -----------------------------------------------------------------------------------
function parseJSON(text, fallback) {
  try { return text ? JSON.parse(text) : fallback; } catch (e) { return fallback; }
}

export class OnDeviceModel {
  /** Load ONNX bytes (ArrayBuffer or Uint8Array); throws ModelError("runtime"|"session"|"metadata"). */
  static async load(bytes, { ortBase = DEFAULT_ORT_BASE, ort = null, metadata = null } = {}) {
    const buf = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    const props = metadata || readMetadata(buf);
    let rt = ort;
    try {
      rt = rt || (await loadRuntime(ortBase));
    } catch (e) {
      throw new ModelError("runtime", e && e.message ? e.message : e);
    }
    let session;
    try {
      session = await rt.InferenceSession.create(buf, { executionProviders: ["wasm"], graphOptimizationLevel: "all" });
    } catch (e) {
      throw new ModelError("session", e && e.message ? e.message : e);
    }
    return new OnDeviceModel(rt, session, props);
  }

  constructor(ort, session, props) {
    this.ort = ort;
    this.session = session;
    this.props = props;
    this.meta = parseJSON(props.layerlab, {});
    this.classes = this.meta.classes || parseJSON(props.classes, null);
    this.task = this.meta.task || "classification";
    this.inputs = this.meta.inputs || parseJSON(props.inputs, []) || [];
    this.preprocessing = this.meta.preprocessing || parseJSON(props.preprocessing, {}) || {};
    const first = this.inputs[0] || {};
    const outside = this.preprocessing.outside || null;
    this.picture = outside && first.layout === "NCHW" && first.pixel_range ? {
      channels: first.channels === "grey" ? 1 : 3,
      width: outside.resize ? outside.resize.width : first.width,
      height: outside.resize ? outside.resize.height : first.height,
      fit: outside.resize ? outside.resize.fit : "squash",
    } : null;
    this.kind = this.picture ? "image" : (first.columns || this.inputs.some((i) => i.dtype === "string")) ? "table" : "other";
    this.inputNames = session.inputNames;
    this.outputName = session.outputNames[0];
  }

  /** The file's input tensor for a picture source (see toModelInput); ink: a margin for fitInk (drawings). */
  preprocessImage(source, { ink = null } = {}) {
    if (!this.picture) throw new ModelError("input", "this model does not take pictures");
    let px = pixelsOf(source);
    if (ink !== null && ink !== undefined) px = fitInk(px.data, px.width, px.height, ink);
    return toModelInput(px, this.picture);
  }

  /** Run on named raw feeds {name: {data, dims, type}}; the first output as a Float32Array per row. */
  async run(feeds) {
    const tensors = {};
    for (const [name, f] of Object.entries(feeds)) tensors[name] = new this.ort.Tensor(f.type || "float32", f.data, f.dims);
    let out;
    try {
      out = await this.session.run(tensors);
    } catch (e) {
      throw new ModelError("run", e && e.message ? e.message : e);
    }
    const t = out[this.outputName];
    const rows = t.dims[0], width = t.dims.length > 1 ? t.data.length / rows : 1;
    const result = [];
    for (let r = 0; r < rows; r++) result.push(Float32Array.from(t.data.subarray(r * width, (r + 1) * width)));
    return result;
  }

  /** Probabilities (or values) for one input tensor {data: Float32Array, dims}. */
  async predictTensor(input) {
    const t0 = performance.now();
    const [values] = await this.run({ [this.inputNames[0]]: input });
    return this._answer(values, input, performance.now() - t0);
  }

  /** Probabilities for a picture source (video, canvas, img, ImageData); ink: fitInk margin for drawings. */
  async predictImage(source, opts = {}) {
    const t0 = performance.now();
    const input = this.preprocessImage(source, opts);
    const r = await this.predictTensor(input);
    r.ms = performance.now() - t0;
    return r;
  }

  /** A table row {column: value} (missing: null/undefined/""), as the form on the Test page gives it. */
  async predictRow(row) {
    const t0 = performance.now();
    const feeds = {};
    for (const inp of this.inputs) {
      const cols = inp.columns || [];
      if (inp.dtype === "string") {
        feeds[inp.name] = { type: "string", dims: [1, cols.length],
          data: cols.map((c) => (row[c.name] === null || row[c.name] === undefined ? "" : String(row[c.name]))) };
      } else {
        feeds[inp.name] = { type: "float32", dims: [1, cols.length], data: Float32Array.from(cols.map((c) => {
          const v = row[c.name];
          if (v === null || v === undefined || v === "") return NaN;
          if (c.categories) { const k = c.categories.indexOf(String(v)); return k; }
          return Number(v);
        })) };
      }
    }
    const [values] = await this.run(feeds);
    return this._answer(values, null, performance.now() - t0);
  }

  _answer(values, input, ms) {
    let best = 0;
    for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
    const classes = this.task === "classification" ? (this.classes || Array.from(values, (_, i) => String(i))) : null;
    return { values, classes, best, label: classes ? classes[best] : null, input, ms };
  }

  async release() {
    try { await this.session.release(); } catch (e) { /* already gone */ }
  }
}
