// Renders LaTeX with the KaTeX bundled in layerlab/ui/static/katex (loaded by mathview.use_katex).
export default {
  template: `<span :class="display ? 'll-tex ll-tex-block' : 'll-tex'"></span>`,
  props: { tex: String, display: Boolean },
  mounted() { this.draw(); },
  updated() { this.draw(); },
  watch: { tex() { this.draw(); } },
  methods: {
    draw() {
      const tex = this.tex || "";
      if (!window.katex) { this.$el.textContent = tex; return; }
      try {
        window.katex.render(tex, this.$el, { throwOnError: false, displayMode: this.display, output: "htmlAndMathml" });
      } catch (err) {
        this.$el.textContent = tex;
      }
    },
  },
};
