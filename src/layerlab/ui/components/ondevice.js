// The Test page's prediction on the pupil's own device (see ondevice.py). It fetches the run's
// self-contained ONNX file over the signed-in session, keeps it in memory and in IndexedDB, and
// runs it with onnxruntime-web (../static/ondevice/model.js): camera frames at the display's
// frame rate (requestAnimationFrame, one prediction in flight at a time, so the page never
// waits), drawings after each stroke, uploads when Python hands one over. The camera's own
// <video> events start and stop the loop, so it works with the studio gone (offline); while a
// live demo runs, a lost connection does not let NiceGUI reload the page.
const DB = "layerlab-ondevice", STORE = "models";

function idb() {
  return new Promise((resolve, reject) => {
    if (!window.indexedDB) return reject(new Error("no IndexedDB"));
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function idbGet(key) {
  try {
    const db = await idb();
    return await new Promise((resolve) => {
      const req = db.transaction(STORE, "readonly").objectStore(STORE).get(key);
      req.onsuccess = () => resolve(req.result || null);
      req.onerror = () => resolve(null);
    });
  } catch (e) {
    return null;
  }
}

async function idbPut(key, value) {
  try {
    const db = await idb();
    await new Promise((resolve) => {
      const tx = db.transaction(STORE, "readwrite");
      tx.objectStore(STORE).put(value, key);
      tx.oncomplete = resolve;
      tx.onerror = resolve;
      tx.onabort = resolve;
    });
  } catch (e) {
    /* private mode without IndexedDB: the model stays in memory only */
  }
}

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, k) => (k in values ? String(values[k]) : `{${k}}`));
}

export default {
  template: `
    <div class="ll-ondevice w-full flex flex-col gap-1">
      <div class="text-sm flex items-center gap-2 flex-wrap" data-ll="where">
        <span class="q-icon material-icons" aria-hidden="true" style="font-size: 18px">{{ mode === 'device' ? 'smartphone' : 'dns' }}</span>
        <span data-ll="where-text">{{ whereText }}</span>
        <span v-if="rate !== null" class="opacity-70 tabular-nums whitespace-nowrap" data-ll="rate">({{ rateText }})</span>
      </div>
      <div v-if="note" class="text-xs opacity-80" data-ll="note" role="status">{{ note }}</div>
      <div v-if="offline" class="text-sm text-warning flex items-center gap-2 flex-wrap" role="status" data-ll="offline">
        <span>{{ back ? texts.back : texts.offline }}</span>
        <button v-if="back" type="button" class="q-btn q-btn--outline q-btn--rectangle q-btn--dense q-px-sm rounded"
          style="min-height: 36px" @click="reload">{{ texts.reconnect }}</button>
      </div>
      <div v-if="mode === 'device'" class="w-full flex flex-col gap-1" data-ll="result">
        <div class="text-lg font-medium" data-ll="headline">{{ headline }}</div>
        <div class="sr-only" aria-live="polite">{{ spoken }}</div>
        <div v-for="row in rows" :key="row.i" class="w-full flex items-center no-wrap gap-2" role="meter"
          aria-valuemin="0" aria-valuemax="100" :aria-valuenow="Math.round(row.p * 100)" :aria-label="row.name">
          <div class="w-20 shrink-0 truncate text-right" :title="row.name">{{ row.name }}</div>
          <div class="grow h-4 rounded bg-grey-3 overflow-hidden">
            <div class="h-full" :class="row.best ? 'bg-primary' : 'bg-grey-5'" :style="{ width: (row.p * 100).toFixed(1) + '%' }"></div>
          </div>
          <div class="w-16 shrink-0 text-right tabular-nums">{{ percent(row.p) }}</div>
        </div>
      </div>
    </div>`,
  props: {
    url: { type: String, default: "" },
    version: { type: String, default: "" },
    storeKey: { type: String, default: "" },
    moduleUrl: { type: String, default: "/layerlab-static/ondevice/model.js" },
    webcam: { type: String, default: "" },   // element id of the Webcam component
    canvas: { type: String, default: "" },   // element id of the DrawCanvas component
    ink: { type: Number, default: 0.15 },    // fit_ink margin for drawings
    live: { type: Boolean, default: true },  // predict camera frames continuously
    lang: { type: String, default: "en" },
    texts: { type: Object, default: () => ({}) },
  },
  data() {
    return {
      mode: "loading", reason: "", note: "", offline: false, back: false,
      rows: [], headline: "", spoken: "", rate: null, predictions: 0, loaded: null,
    };
  },
  computed: {
    whereText() {
      if (this.mode === "device") return this.texts.device;
      if (this.mode === "server") return this.texts.server;
      return this.texts.loading;
    },
    rateText() {
      return fill(this.texts.rate || "{n}/s", { n: this.formatNumber(this.rate, 0) });
    },
  },
  mounted() {
    window.layerlabOnDevice = this;   // one per page: the tests and the console can reach it
    this.model = null;
    this.loop = null;
    this.busy = false;
    this.stamps = [];
    this.loadModel(this.version);
    this.hookCamera();
    this.hookCanvas();
    this.hookConnection();
  },
  unmounted() {
    this.stopLoop();
    if (this.unhook) this.unhook.forEach((f) => f());
    if (window.layerlabOnDevice === this) window.layerlabOnDevice = null;
    if (this.model) this.model.release();
  },
  watch: {
    version(v) {
      if (v && (!this.loaded || this.loaded.version !== v)) this.loadModel(v);
    },
    live(on) {
      if (on) this.startLoop();
      else this.stopLoop();
    },
  },
  methods: {
    formatNumber(x, digits) {
      return new Intl.NumberFormat(this.lang === "de" ? "de-DE" : "en-US",
        { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(x);
    },
    percent(p) {
      const pct = 100 * p;
      if (pct > 0 && pct < 0.05) return `<${this.formatNumber(0.1, 1)} %`;
      return `${this.formatNumber(pct, 1)} %`;
    },
    // -- the model ----------------------------------------------------------------------------
    async loadModel(version) {
      if (!this.url) return this.fallback("");
      const wanted = version;
      this.note = "";
      // the runtime (15 MB of WebAssembly, cached by the browser) loads while the model downloads
      const runtime = import(/* @vite-ignore */ this.moduleUrl).then(async (mod) => { await mod.loadRuntime(); return mod; });
      runtime.catch(() => {});
      let bytes = null, stored = await idbGet(this.storeKey), stale = false;
      if (stored && stored.version === version) {
        bytes = stored.bytes;
      } else {
        try {
          const r = await fetch(this.url, { credentials: "same-origin", cache: "no-store",
                                            headers: { "Accept-Language": this.lang } });
          if (!r.ok) {
            let why = `HTTP ${r.status}`;
            try {
              const e = (await r.json()).error;
              why = [e.message, e.received && typeof e.received === "string" ? e.received : ""].filter(Boolean).join(": ");
            } catch (e) { /* not JSON */ }
            return this.fallback(why);
          }
          bytes = await r.arrayBuffer();
          await idbPut(this.storeKey, { version, bytes, saved: Date.now() });
        } catch (e) {
          if (!stored) return this.fallback(String(e && e.message ? e.message : e));
          bytes = stored.bytes;            // offline: the copy this device kept
          stale = true;
        }
      }
      if (wanted !== this.version && this.loaded) return;   // a newer run arrived meanwhile
      let model;
      try {
        const mod = await runtime;
        model = await mod.OnDeviceModel.load(bytes);
        if (!model.picture) throw new Error("this model does not take pictures");
      } catch (e) {
        return this.fallback(e && e.detail ? e.detail : String(e && e.message ? e.message : e));
      }
      const old = this.model;
      this.model = model;
      if (old) setTimeout(() => old.release(), 2000);   // a frame may still be running on it
      this.loaded = { version: stale ? stored.version : version };
      this.note = stale ? this.texts.stale : "";
      this.mode = "device";
      this.reason = "";
      this.$emit("ready", { version: this.loaded.version, stale });
      // the server answered a picture given while the model loaded (an upload, or a drawing):
      // answer the latest here now, as the server's bars give way to these (without this an
      // upload's answer vanished the moment the model arrived: the bars hidden, none drawn here)
      const drawing = this.element(this.canvas);
      if (this.pendingUrl) {
        this.predictUrl(this.pendingUrl);
      } else if (drawing && drawing.dirty && drawing.$refs && drawing.$refs.canvas) {
        this.predictSource(drawing.$refs.canvas, { ink: this.ink }).catch(() => {});
      }
      if (this.camera() && this.camera().running() && this.live) this.startLoop();
    },
    fallback(reason) {
      this.stopLoop();
      this.mode = "server";
      this.reason = reason;
      this.note = reason ? fill(this.texts.fallback, { reason }) : "";
      this.rows = [];
      this.$emit("fallback", { reason });
    },
    show(result) {
      const classes = result.classes || [];
      const values = result.values;
      const best = result.best;
      let order = Array.from(values, (p, i) => i);
      if (order.length > 12) order = order.sort((a, b) => values[b] - values[a]).slice(0, 12);
      this.rows = order.map((i) => ({ i, name: String(classes[i] ?? i), p: values[i], best: i === best }));
      this.headline = classes.length ? fill(this.texts.prediction, { label: classes[best], pct: this.percent(values[best]) }) : "";
      const said = classes.length ? fill(this.texts.spoken, { label: classes[best] }) : "";
      if (said !== this.spokenLabel) {   // screen readers hear the class when it changes, not 30 times a second
        this.spokenLabel = said;
        this.spoken = said;
      }
      this.lastResult = result;
      this.predictions += 1;
    },
    // predictions per second over the last second, for a live stream (camera frames)
    count() {
      const now = performance.now();
      this.stamps.push(now);
      while (this.stamps.length && now - this.stamps[0] > 1000) this.stamps.shift();
      if (!this.rateShown || now - this.rateShown > 250) {
        this.rateShown = now;
        const span = this.stamps.length > 1 ? (now - this.stamps[0]) / 1000 : 1;
        this.rate = this.stamps.length > 1 ? (this.stamps.length - 1) / span : this.stamps.length;
      }
    },
    async predictSource(source, opts, live) {
      if (this.mode !== "device" || !this.model) return null;
      const r = await this.model.predictImage(source, opts || {});
      this.show(r);
      if (live) this.count();
      return r;
    },
    // a picture Python hands over (an upload), as a data URL; while the model loads it is kept
    // (the server answers it meanwhile) and answered here once the model is ready
    predictUrl(url) {
      if (this.mode !== "device" || !this.model) {
        this.pendingUrl = url;
        return;
      }
      this.pendingUrl = null;
      const img = new Image();
      img.onload = () => this.predictSource(img).catch((e) => this.fallback(String(e.message || e)));
      img.src = url;
    },
    clear() {
      this.pendingUrl = null;   // an error or a cleared canvas: nothing left to answer
      this.rows = [];
      this.headline = "";
    },
    // Python counts a server prediction (fallback mode) so the rate is shown there too
    served() {
      this.count();
    },
    // -- the camera ----------------------------------------------------------------------------
    camera() {
      return this.element(this.webcam);
    },
    element(id) {   // another NiceGUI element's Vue component (null before the page has mounted)
      try {
        return id && typeof getElement === "function" ? getElement(id) || null : null;
      } catch (e) {
        return null;
      }
    },
    hookCamera() {
      // The camera tab mounts its <video> only when shown, and may remount it: look at the camera
      // itself four times a second (cheap) instead of holding on to one element's events.
      this.unhook = this.unhook || [];
      if (!this.webcam) return;
      const t = setInterval(() => {
        const cam = this.camera();
        if (cam && cam.running && cam.running() && this.live && !this.loop) this.startLoop();
      }, 250);
      this.unhook.push(() => clearInterval(t));
    },
    snap() {
      const cam = this.camera();
      const frame = cam && cam.running() ? cam.frameCanvas() : null;
      if (frame) this.predictSource(frame).catch((e) => this.fallback(String(e.message || e)));
    },
    startLoop() {
      if (this.loop || this.mode !== "device") return;
      const tick = async () => {
        if (!this.loop) return;
        this.loop = requestAnimationFrame(tick);
        if (this.busy) return;
        const cam = this.camera();
        if (!cam || !cam.running()) return this.stopLoop();   // camera stopped: the work stops
        const frame = cam.frameCanvas();
        if (!frame) return;
        this.busy = true;
        try {
          await this.predictSource(frame, {}, true);
        } catch (e) {
          this.fallback(String(e && e.detail ? e.detail : e));
        } finally {
          this.busy = false;
        }
      };
      this.loop = requestAnimationFrame(tick);
    },
    stopLoop() {
      if (this.loop) cancelAnimationFrame(this.loop);
      this.loop = null;
      this.stamps = [];
      this.rate = null;
    },
    // -- drawings ------------------------------------------------------------------------------
    hookCanvas() {
      this.unhook = this.unhook || [];
      const attach = () => {
        const comp = this.element(this.canvas);
        const el = comp && comp.$refs ? comp.$refs.canvas : null;
        if (!el) return false;
        // after the canvas's own handler (registered first): the stroke is on the canvas now
        const drawn = () => {
          if (this.mode !== "device") {
            this.pendingUrl = null;   // a stroke after an upload: the drawing is the latest picture
            return;
          }
          setTimeout(() => this.predictSource(el, { ink: this.ink }).catch((e) => this.fallback(String(e.message || e))), 0);
        };
        el.addEventListener("pointerup", drawn);
        el.addEventListener("pointercancel", drawn);
        this.unhook.push(() => { el.removeEventListener("pointerup", drawn); el.removeEventListener("pointercancel", drawn); });
        return true;
      };
      if (this.canvas && !attach()) {
        const t = setInterval(() => { if (attach()) clearInterval(t); }, 500);
        this.unhook.push(() => clearInterval(t));
      }
    },
    // -- the connection ------------------------------------------------------------------------
    hookConnection() {
      const sock = window.socket;
      if (!sock || !sock.on) {   // NiceGUI opens its socket once the whole page has mounted
        if ((this.socketTries = (this.socketTries || 0) + 1) < 100) setTimeout(() => this.hookConnection(), 100);
        return;
      }
      const lost = () => {
        if (!this.loop) return;          // no live demo: NiceGUI reconnects (and may reload) as usual
        this.offline = true;
        this.back = false;
        sock.io.reconnection(false);     // a reconnect could reload the page and end the demo
        const popup = document.getElementById("popup");   // NiceGUI's "trying to reconnect": it is not
        if (popup) popup.ariaHidden = "true";              // trying, and it would cover the answer
        this.poll = setInterval(async () => {
          try {
            const r = await fetch(window.location.href, { method: "HEAD", cache: "no-store" });
            if (r.status < 500) this.back = true;
          } catch (e) {
            this.back = false;
          }
          if (this.back && !this.loop) this.reload();   // the demo ended: reconnect as usual
        }, 3000);
      };
      sock.on("disconnect", lost);
      this.unhook = this.unhook || [];
      this.unhook.push(() => { sock.off("disconnect", lost); if (this.poll) clearInterval(this.poll); });
    },
    reload() {
      if (this.poll) clearInterval(this.poll);
      window.location.reload();
    },
  },
};
