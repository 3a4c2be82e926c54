// LayerLab's exported web page: runs the model inlined below with onnxruntime-web, offline.
// Everything it needs is in this file: the model (ll-model), its metadata (ll-meta) and the
// runtime (ll-ort, ll-glue, ll-wasm as base64). window.layerlab is a small API for programs.
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const META = JSON.parse($("ll-meta").textContent);
  const DE = (navigator.language || "").toLowerCase().startsWith("de");
  const TEXT = {
    en: {
      loading: "Loading the model…", ready: "Runs on this device, offline", failed: "The model cannot run in this browser: {why}",
      old: "this browser is too old (it lacks DecompressionStream); use a current Chrome, Edge, Firefox or Safari",
      draw: "Draw", camera: "Camera", picture: "Picture…", clear: "Clear", sees: "What the model sees", stop: "Stop camera",
      nocam: "No camera: {why}", fps: "{n} predictions per second", answer: "Answer: {label}",
      sample: "A sample from the project: LayerLab said {label}; this page agrees (largest difference {diff}).",
      disagree: "A sample from the project: this page differs from LayerLab by {diff}.",
      missing: "empty = missing", about: "Made with LayerLab. The model runs in your browser with onnxruntime-web {v}; nothing is sent anywhere.",
      values: "Prediction", big: "This model takes {n} numbers; programs can call layerlab.run(values).",
      tokens: "whole numbers from 0 to {max}", unseen: "not seen in training",
    },
    de: {
      loading: "Das Modell wird geladen…", ready: "Läuft auf diesem Gerät, offline", failed: "Das Modell läuft in diesem Browser nicht: {why}",
      old: "dieser Browser ist zu alt (ihm fehlt DecompressionStream); nimm einen aktuellen Chrome, Edge, Firefox oder Safari",
      draw: "Zeichnen", camera: "Kamera", picture: "Bild…", clear: "Löschen", sees: "Was das Modell sieht", stop: "Kamera aus",
      nocam: "Keine Kamera: {why}", fps: "{n} Vorhersagen pro Sekunde", answer: "Antwort: {label}",
      sample: "Ein Beispiel aus dem Projekt: LayerLab sagte {label}; diese Seite sagt dasselbe (größte Abweichung {diff}).",
      disagree: "Ein Beispiel aus dem Projekt: diese Seite weicht um {diff} von LayerLab ab.",
      missing: "leer = fehlt", about: "Mit LayerLab gemacht. Das Modell läuft in deinem Browser mit onnxruntime-web {v}; nichts wird verschickt.",
      values: "Vorhersage", big: "Dieses Modell nimmt {n} Zahlen; Programme rufen layerlab.run(werte) auf.",
      tokens: "ganze Zahlen von 0 bis {max}", unseen: "im Training nicht gesehen",
    },
  };
  const t = (key, vars) => (TEXT[DE ? "de" : "en"][key] || key).replace(/\{(\w+)\}/g, (_, k) => String(vars && k in vars ? vars[k] : ""));
  const fmt = (v, digits, min = 0) => Number(v).toLocaleString(DE ? "de-DE" : "en-US", { maximumFractionDigits: digits, minimumFractionDigits: min });
  const tiny = (d) => (d === 0 ? "0" : d.toExponential(1));
  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "text") e.textContent = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
    }
    for (const kid of kids) e.append(kid);
    return e;
  };
  document.documentElement.lang = DE ? "de" : "en";

  // -- the runtime and the studio's model module (ondevice/model.js), from the inlined bytes ----------
  function bytesOf(id) {
    const s = atob($(id).textContent.trim());
    const a = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) a[i] = s.charCodeAt(i);
    return a;
  }
  async function gunzip(bytes) {
    if (typeof DecompressionStream === "undefined") throw new Error(t("old"));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }
  const moduleUrl = (id) => URL.createObjectURL(new Blob([bytesOf(id)], { type: "text/javascript" }));
  async function loadRuntime() {
    const ort = await import(moduleUrl("ll-ort"));
    ort.env.wasm.numThreads = 1;          // no workers: works from file:// and on every device
    ort.env.wasm.proxy = false;
    ort.env.logLevel = "error";
    ort.env.wasm.wasmPaths = { mjs: moduleUrl("ll-glue") };
    ort.env.wasm.wasmBinary = await gunzip(bytesOf("ll-wasm"));
    return ort;
  }

  // -- inputs as the metadata describes them -----------------------------------------------------------
  const inputs = META.inputs || [];
  const first = inputs[0] || {};
  const isPicture = inputs.length === 1 && first.layout === "NCHW" && !!first.pixel_range;
  const isTable = inputs.some((i) => Array.isArray(i.columns) && (i.dtype === "string" || i.missing === "NaN"));
  const classes = META.classes || null;
  const C = isPicture ? Number(first.shape[1]) : 0, H = isPicture ? Number(first.shape[2]) : 0, W = isPicture ? Number(first.shape[3]) : 0;
  const INK_MARGIN = 0.12;   // a drawing is cropped to its strokes first, as the studio's Test page does

  // a flat list of numbers for a model with one plain input (features, tokens, a bare network)
  function plainFeeds(values) {
    const spec = first, dims = [1, ...spec.shape.slice(1).map(Number)];
    const data = spec.dtype === "int64" ? BigInt64Array.from(values.map((v) => BigInt(Math.round(Number(v) || 0))))
      : Float32Array.from(values.map((v) => (v === null || v === "" || v === undefined ? NaN : Number(v))));
    return { [spec.name]: { type: spec.dtype === "int64" ? "int64" : "float32", data, dims } };
  }
  async function answer(given) {   // -> values (probabilities or predicted values)
    if (given && given.dims) return (await model.predictTensor(given)).values;
    if (isTable && !Array.isArray(given)) return (await model.predictRow(given)).values;
    return (await model.run(plainFeeds(Array.from(given))))[0];
  }

  // -- the page ---------------------------------------------------------------------------------------
  const status = $("status"), result = $("result"), box = $("inputs");
  let model = null, busy = false, pending = null, live = false;   // live: the camera runs
  const times = [];
  const api = { meta: META, last: null, count: 0 };
  window.layerlab = api;
  const run = answer;
  // programs: a row {column: value} for tables, a flat list of numbers (pictures: C*H*W pixels 0..255, NCHW)
  api.run = async (given) => Array.from(await run(isPicture && !given.dims
    ? { data: Float32Array.from(given), dims: [1, C, H, W] } : given));

  async function predict(given) {   // the latest input wins; never more than one run at a time
    pending = given;
    if (busy || !model) return;
    busy = true;
    try {
      while (pending !== null) {
        const g = pending; pending = null;
        const out = await run(g);
        api.last = Array.from(out);
        api.count += 1;
        const now = performance.now();
        times.push(now);
        while (times.length && now - times[0] > 1000) times.shift();
        show(out);
      }
    } catch (e) {
      status.textContent = t("failed", { why: e.message || e }); status.className = "bad";
    } finally { busy = false; }
  }
  function show(out) {
    result.replaceChildren();
    if (classes && classes.length === out.length) {
      let top = 0;
      for (let i = 1; i < out.length; i++) if (out[i] > out[top]) top = i;
      result.append(el("p", { id: "answer", text: t("answer", { label: classes[top] }) }));
      const order = classes.map((_, i) => i);
      if (order.length > 12) order.sort((a, b) => out[b] - out[a]).splice(12);
      for (const i of order) {
        const fill = el("div", { class: "fill" }); fill.style.width = `${(100 * out[i]).toFixed(1)}%`;
        result.append(el("div", { class: "bar" + (i === top ? " top" : ""), "data-class": classes[i] },
          el("span", { text: classes[i] }), el("div", { class: "track" }, fill), el("span", { class: "pct", text: `${fmt(100 * out[i], 1, 1)} %` })));
      }
    } else {
      result.append(el("p", { id: "answer", text: `${t("values")}: ${Array.from(out).map((v) => fmt(v, 4)).join(", ")}` }));
    }
    if (live && times.length > 1) result.append(el("p", { class: "small", id: "fps", text: t("fps", { n: times.length }) }));
  }

  function picturePanel() {
    const seen = el("canvas", { class: "seen", width: W, height: H, "aria-label": t("sees"), title: t("sees") });
    const seenG = seen.getContext("2d");
    const pad = el("canvas", { class: "pad", width: 280, height: 280, "aria-label": t("draw") });
    const pg = pad.getContext("2d");
    const video = el("video", { playsinline: "", muted: "", hidden: "" });
    const file = el("input", { type: "file", accept: "image/*", hidden: "" });
    let stream = null, drawing = false, last = null;
    const paper = () => { pg.fillStyle = "#000"; pg.fillRect(0, 0, 280, 280); };
    paper();
    const onPad = (source, sw, sh) => {   // a sample or picture is shown where one draws, to draw on
      pg.imageSmoothingEnabled = sw >= 64; pg.fillStyle = "#000"; pg.fillRect(0, 0, 280, 280);
      const s = Math.min(280 / sw, 280 / sh);
      pg.drawImage(source, (280 - sw * s) / 2, (280 - sh * s) / 2, sw * s, sh * s);
      pg.imageSmoothingEnabled = true;
    };
    const seenPx = seenG.createImageData(W, H);
    const from = (source, sw, sh, ink = null) => {
      if (!model) return;
      const x = model.preprocessImage(source, { ink });
      const n = W * H;
      for (let i = 0; i < n; i++) {   // what the model sees, from the tensor itself
        for (let c = 0; c < 3; c++) seenPx.data[4 * i + c] = x.data[(C === 1 ? 0 : c) * n + i];
        seenPx.data[4 * i + 3] = 255;
      }
      seenG.putImageData(seenPx, 0, 0);
      predict(x);
    };
    let camButton = null;
    const stopCamera = () => {
      if (stream) stream.getTracks().forEach((tr) => tr.stop());
      stream = null; live = false; video.hidden = true; pad.hidden = false;
      if (camButton) { camButton.textContent = t("camera"); camButton.setAttribute("aria-pressed", "false"); }
    };
    const pos = (e) => { const r = pad.getBoundingClientRect(); return [(e.clientX - r.left) * 280 / r.width, (e.clientY - r.top) * 280 / r.height]; };
    pad.addEventListener("pointerdown", (e) => { drawing = true; last = pos(e); pad.setPointerCapture(e.pointerId); stroke(e); });
    pad.addEventListener("pointermove", (e) => { if (drawing) stroke(e); });
    pad.addEventListener("pointerup", () => { drawing = false; from(pad, 280, 280, INK_MARGIN); });
    function stroke(e) {
      const p = pos(e);
      pg.strokeStyle = "#fff"; pg.lineWidth = 280 * 0.08; pg.lineCap = "round"; pg.lineJoin = "round";
      pg.beginPath(); pg.moveTo(last[0], last[1]); pg.lineTo(p[0], p[1]); pg.stroke();
      last = p;
      from(pad, 280, 280, INK_MARGIN);
    }
    const buttons = el("div", { class: "tabs" },
      el("button", { type: "button", text: t("clear"), onclick: () => { stopCamera(); paper(); from(pad, 280, 280); } }),
      camButton = el("button", { type: "button", id: "camera", "aria-pressed": "false", text: t("camera"), onclick: async () => {
        if (stream) { stopCamera(); return; }
        try {
          // a small frame: the Pillow-exact resize in model.js costs 3-4x less at 320x240 than at 640x480
          stream = await navigator.mediaDevices.getUserMedia({ audio: false,
            video: { facingMode: "environment", width: { ideal: 320 }, height: { ideal: 240 } } });
        } catch (e) { status.textContent = t("nocam", { why: e.message || e.name }); return; }
        video.srcObject = stream; video.hidden = false; pad.hidden = true; live = true;
        camButton.textContent = t("stop"); camButton.setAttribute("aria-pressed", "true");
        await video.play();
        const loop = () => {
          if (!stream) return;
          if (!busy && video.videoWidth) from(video);
          requestAnimationFrame(loop);
        };
        requestAnimationFrame(loop);
      } }),
      el("button", { type: "button", text: t("picture"), onclick: () => file.click() }));
    file.addEventListener("change", () => {
      const f = file.files && file.files[0];
      if (!f) return;
      stopCamera();
      const img = new Image();
      img.onload = () => { onPad(img, img.naturalWidth, img.naturalHeight); from(img); URL.revokeObjectURL(img.src); };
      img.src = URL.createObjectURL(f);
    });
    api.showPicture = (url) => new Promise((resolve, reject) => {   // for programs and tests: a data: URL
      const img = new Image();
      img.onload = () => { onPad(img, img.naturalWidth, img.naturalHeight); from(img); resolve(); };
      img.onerror = reject;
      img.src = url;
    });
    box.append(buttons, el("div", { class: "stage" }, pad, video, el("div", {}, el("div", { class: "small", text: t("sees") }), seen)), file);
    return (png) => api.showPicture(`data:image/png;base64,${png}`);
  }

  function formPanel() {
    const fields = [];
    const row = () => {
      const r = {};
      for (const f of fields) r[f.name] = f.input.value === "" ? null : f.input.value;
      return r;
    };
    const flatValues = () => fields.map((f) => (f.input.value === "" ? NaN : Number(f.input.value)));
    const update = () => predict(isTable ? row() : flatValues());
    for (const spec of inputs) {
      let cols = spec.columns;
      const n = spec.shape.slice(1).reduce((a, b) => a * Number(b), 1);
      if (!cols) {
        if (n > 64) { box.append(el("p", { text: t("big", { n }) })); continue; }
        cols = Array.from({ length: n }, (_, i) => ({ name: `x${i + 1}`, kind: "number" }));
      }
      for (const c of cols) {
        const id = `f-${fields.length}`;
        const input = el("input", { id, name: c.name, "data-column": c.name, autocomplete: "off" });
        if (c.kind === "text") {
          const list = el("datalist", { id: `${id}-list` }, ...(c.categories || []).map((v) => el("option", { value: v })));
          input.setAttribute("list", `${id}-list`);
          input.setAttribute("placeholder", t("missing"));
          box.append(list);
        } else if (spec.dtype === "int64") {
          input.type = "number"; input.step = "1"; input.min = "0";
          if (spec.vocab_size) { input.max = String(spec.vocab_size - 1); input.title = t("tokens", { max: spec.vocab_size - 1 }); }
          input.value = "0";
        } else {
          input.type = "number"; input.step = "any";
          if (isTable) input.setAttribute("placeholder", t("missing"));
          else input.value = "0";
        }
        if (c.fill !== undefined && c.fill !== null) input.value = String(c.fill);
        input.addEventListener("input", update);
        fields.push({ name: c.name, input });
        box.append(el("div", { class: "field" }, el("label", { for: id, text: c.name }), input));
      }
    }
    return (values) => {   // show a sample: a row (tables) or a flat list
      fields.forEach((f, i) => {
        const v = Array.isArray(values) ? values[i] : values[f.name];
        f.input.value = v === null || v === undefined || (typeof v === "number" && isNaN(v)) ? "" : String(v);
      });
      update();
    };
  }

  async function start() {
    status.textContent = t("loading");
    $("about").textContent = t("about", { v: META.runtime || "" });
    const showSample = isPicture ? picturePanel() : formPanel();
    try {
      const ort = await loadRuntime();
      const { OnDeviceModel } = await import(moduleUrl("ll-ondevice"));
      model = await OnDeviceModel.load(bytesOf("ll-model"), { ort });
      api.model = model;
    } catch (e) {
      status.textContent = t("failed", { why: e.message || e }); status.className = "bad";
      throw e;
    }
    status.textContent = t("ready");
    const ex = META.example;
    if (ex) {
      if (ex.expected) {   // the page checks itself on a sample whose answer LayerLab wrote in
        const got = await api.run(isPicture ? ex.pixels : ex.values);
        const diff = Math.max(...ex.expected.map((v, i) => Math.abs(v - got[i])));
        $("check").textContent = diff <= 1e-4 ? t("sample", { label: ex.label, diff: tiny(diff) })
          : t("disagree", { diff: tiny(diff) });
        api.sampleDiff = diff;
      }
      await (isPicture ? showSample(ex.png) : showSample(ex.values));
    }
  }
  api.ready = start();
})();
