// Live camera preview (getUserMedia). Frames are drawn to a canvas as a centred square and
// sent to Python as PNG data URLs through the "frame" event; bursts are timed here so the
// interval between pictures does not depend on the network.
export default {
  template: `
    <div style="position: relative; width: 100%; max-width: var(--ll-webcam-max, 320px);">
      <video ref="video" autoplay muted playsinline :aria-label="label"
        style="width: 100%; aspect-ratio: 1; object-fit: cover; border-radius: 8px; background: #222;"
        :style="mirror ? 'transform: scaleX(-1)' : ''"></video>
      <canvas ref="canvas" :width="size" :height="size" style="display: none"></canvas>
    </div>`,
  props: {
    size: { type: Number, default: 224 },
    mirror: { type: Boolean, default: true },
    label: { type: String, default: "camera preview" },
  },
  data() {
    return { stream: null, timer: null };
  },
  unmounted() {
    this.stop();
  },
  methods: {
    async start() {
      if (this.stream) return this.$emit("started", {});
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
        return this.$emit("failed", { name: "InsecureContext", message: "navigator.mediaDevices is missing" });
      }
      try {
        this.stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
        this.$refs.video.srcObject = this.stream;
        await this.$refs.video.play().catch(() => {});
        this.$emit("started", {});
      } catch (err) {
        this.stream = null;
        this.$emit("failed", { name: err.name || "Error", message: String(err.message || err) });
      }
    },
    stop() {
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
      if (this.stream) this.stream.getTracks().forEach((t) => t.stop());
      this.stream = null;
      if (this.$refs.video) this.$refs.video.srcObject = null;
      this.$emit("stopped", {});
    },
    grab() {
      const canvas = this.frameCanvas();
      return canvas ? canvas.toDataURL("image/png") : null;
    },
    // The current frame drawn on the hidden canvas (centred square, mirrored as shown), or null:
    // the on-device model (ondevice.js) reads its pixels here, the same pixels grab() sends.
    frameCanvas() {
      const v = this.$refs.video;
      if (!this.stream || !v || !v.videoWidth) return null;
      const side = Math.min(v.videoWidth, v.videoHeight);
      const c = this.$refs.canvas.getContext("2d", { willReadFrequently: true });   // read back every frame
      c.save();
      if (this.mirror) {
        c.translate(this.size, 0);
        c.scale(-1, 1);
      }
      c.drawImage(v, (v.videoWidth - side) / 2, (v.videoHeight - side) / 2, side, side, 0, 0, this.size, this.size);
      c.restore();
      return this.$refs.canvas;
    },
    running() {
      return !!this.stream;
    },
    capture(tag) {
      const url = this.grab();
      if (url) this.$emit("frame", { url, index: 1, total: 1, tag: tag || "" });
      else this.$emit("failed", { name: "NotReady", message: "the camera is not running" });
    },
    burst(count, interval_ms, tag) {
      if (this.timer) clearInterval(this.timer);
      let index = 0;
      this.burstTag = tag || "";
      const shoot = () => {
        const url = this.grab();
        if (!url) {
          clearInterval(this.timer);
          this.timer = null;
          return this.$emit("failed", { name: "NotReady", message: "the camera is not running" });
        }
        index += 1;
        this.$emit("frame", { url, index, total: count, tag: tag || "" });
        if (index >= count) {
          clearInterval(this.timer);
          this.timer = null;
          this.$emit("burst_done", { total: count, tag: tag || "" });
        }
      };
      shoot();
      if (count > 1) this.timer = setInterval(shoot, Math.max(50, interval_ms));
    },
    cancel() {
      // a burst cut short (e.g. hold-to-record released) ends like one that ran out: burst_done
      if (this.timer) {
        clearInterval(this.timer);
        this.$emit("burst_done", { total: 0, tag: this.burstTag || "" });
      }
      this.timer = null;
    },
  },
};
