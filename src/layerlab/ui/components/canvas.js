// A drawing surface for mouse, touch and pen (pointer events). After every stroke it emits
// "drawn" with the picture as a PNG data URL, so Python never polls the browser.
export default {
  template: `
    <canvas ref="canvas" :width="size" :height="size" tabindex="0" role="img"
      :aria-label="label"
      style="touch-action: none; width: 100%; max-width: var(--ll-canvas-max, 280px); aspect-ratio: 1;
             border-radius: 8px; cursor: crosshair; display: block;
             outline: 1px solid rgba(127, 127, 127, 0.55); outline-offset: -1px;"
      @pointerdown="down" @pointermove="move" @pointerup="up" @pointercancel="up" @pointerleave="leave"
      @keydown.delete.prevent="clear(true)" @keydown.backspace.prevent="clear(true)"></canvas>`,
  props: {
    size: { type: Number, default: 280 },
    ink: { type: String, default: "#000000" },
    paper: { type: String, default: "#ffffff" },
    brush: { type: Number, default: 0.07 }, // line width as a share of the canvas size
    label: { type: String, default: "drawing canvas" },
  },
  data() {
    return { drawing: false, last: null, dirty: false };
  },
  mounted() {
    this.clear(false);
  },
  methods: {
    pos(e) {
      const r = this.$refs.canvas.getBoundingClientRect();
      return [((e.clientX - r.left) / r.width) * this.size, ((e.clientY - r.top) / r.height) * this.size];
    },
    ctx() {
      const c = this.$refs.canvas.getContext("2d");
      c.lineCap = "round";
      c.lineJoin = "round";
      c.strokeStyle = this.ink;
      c.fillStyle = this.ink;
      // pens report pressure; mouse reports 0.5 while pressed, so the width stays as set
      c.lineWidth = this.size * this.brush;
      return c;
    },
    down(e) {
      e.preventDefault();
      this.$refs.canvas.setPointerCapture(e.pointerId);
      this.drawing = true;
      this.last = this.pos(e);
      const c = this.ctx();
      c.beginPath();
      c.arc(this.last[0], this.last[1], c.lineWidth / 2, 0, 2 * Math.PI);
      c.fill();
      this.dirty = true;
    },
    move(e) {
      if (!this.drawing) return;
      e.preventDefault();
      // coalesced events keep fast pen and touch strokes smooth
      const events = e.getCoalescedEvents ? e.getCoalescedEvents() : [e];
      const c = this.ctx();
      for (const ev of events.length ? events : [e]) {
        const p = this.pos(ev);
        c.beginPath();
        c.moveTo(this.last[0], this.last[1]);
        c.lineTo(p[0], p[1]);
        c.stroke();
        this.last = p;
      }
    },
    up(e) {
      if (!this.drawing) return;
      this.drawing = false;
      this.emitPicture();
    },
    leave(e) {
      // with pointer capture, leave only fires once the stroke is over
      if (this.drawing && !this.$refs.canvas.hasPointerCapture(e.pointerId)) this.up(e);
    },
    emitPicture() {
      this.$emit("drawn", { url: this.$refs.canvas.toDataURL("image/png") });
    },
    clear(notify) {
      const c = this.$refs.canvas.getContext("2d");
      c.fillStyle = this.paper;
      c.fillRect(0, 0, this.size, this.size);
      this.dirty = false;
      if (notify) this.$emit("cleared", {});
    },
    drawImage(url) {
      // test and demo helper: paint a given picture, then report it like a stroke
      const img = new Image();
      img.onload = () => {
        this.$refs.canvas.getContext("2d").drawImage(img, 0, 0, this.size, this.size);
        this.emitPicture();
      };
      img.src = url;
    },
  },
};
