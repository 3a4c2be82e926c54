// Renders LaTeX with the KaTeX bundled in layerlab/ui/static/katex (loaded by mathview.use_katex).
// The script may still be loading when a formula mounts (a view computed right after the page
// opened): then it waits for window.katex instead of showing the raw source.
export default {
  template: `<span :class="display ? 'll-tex ll-tex-block' : 'll-tex'"></span>`,
  props: { tex: String, display: Boolean },
  mounted() { this.draw(0); },
  updated() { this.draw(0); },
  watch: { tex() { this.draw(0); } },
  methods: {
    draw(tries) {
      const tex = this.tex || "";
      if (!window.katex) {
        if (tries < 100) { setTimeout(() => this.draw(tries + 1), 50); return; }
        this.$el.textContent = tex;
        return;
      }
      try {
        window.katex.render(tex, this.$el, { throwOnError: false, displayMode: this.display, output: "htmlAndMathml" });
      } catch (err) {
        this.$el.textContent = tex;
      }
    },
  },
};
