// Signpost's embed script: defines <signpost-widget> and mounts the Yew app into its shadow root.
// One module script and no inline code, so it works under a strict Content-Security-Policy.
// scripts/build-widget.sh bundles this file and its imports into one `embed.js`: a page loads a
// single script, with no round trip for each import.
import { here, buildFor, load, styleFor } from './builds.js';
import { answeredOrWaited, lookUpCheckin } from './lookup.js';
import { previewFor, showPreview, shownOrWaited, takeOverAtPause, widgetStarts } from './preview.js';
import { wasmWanted } from './when-wanted.js';

performance.mark('signpost:embed');

class SignpostWidget extends HTMLElement {
  connectedCallback() {
    if (this.shadowRoot) return;
    const build = buildFor(this);
    const lookup = lookUpCheckin(this);
    const preview = previewFor(this, build, lookup);
    // Open, so assistive technology and axe-core reach inside; the host's CSS cannot.
    const root = this.attachShadow({ mode: 'open' });
    const style = document.createElement('link');
    style.rel = 'stylesheet';
    style.href = new URL(styleFor(build), here).href;
    const container = document.createElement('div');
    container.className = 'sp-root';
    root.append(style, container);
    // The widget draws into `live`, out of sight, and shows it once it has something to show.
    // The preview may be ready first: then it shows until the widget takes over.
    // User Timing marks record each step, for the benchmark's timeline (bench/README.md).
    const live = document.createElement('div');
    live.className = 'sp-root';
    let shown = null; // the preview, while on screen
    let noPreview = false;
    let drawn = false;
    const showLive = () => {
      if (container.isConnected && !live.isConnected) container.replaceWith(live);
    };
    // Resolves to the preview once on screen, or null.
    const onScreen = preview.then((p) => {
      if (drawn || !this.isConnected) return null;
      if (p) {
        shown = showPreview(container, p);
        if (this.widget) widgetStarts(shown); // started already, on this page
        performance.mark('signpost:preview');
      } else {
        noPreview = true;
        if (this.widget) showLive(); // its loading page, until the link is looked up
      }
      return shown;
    });
    // The wasm, once the preview has shown and the person needs it, or at once (when-wanted.js).
    const ready = wasmWanted(build, onScreen).then(() => {
      performance.mark('signpost:wasm-asked');
      return load(build);
    });
    ready.then(async (glue) => {
      performance.mark('signpost:wasm-ready');
      await answeredOrWaited(lookup);
      await shownOrWaited(preview);
      if (!this.isConnected) return;
      // On the page the preview shows: the start page, or the first question if Start was pressed.
      const begun = shown ? widgetStarts(shown) : false;
      this.widget = glue.mount(this, live, here.href, lookup, () => {
        if (drawn) return; // drawn again after a retry: long since on screen
        drawn = true;
        performance.mark('signpost:drawn');
        if (shown) takeOverAtPause(shown, live, root);
        else showLive();
      }, begun);
      if (noPreview) showLive();
    }, (error) => {
      container.textContent = 'This form could not load. Please try again later, or contact your GP practice.';
      console.error('signpost: the widget failed to load', error);
    });
  }

  disconnectedCallback() {
    // Removing the element forgets everything the widget held about the person.
    this.widget?.unmount();
    this.widget = undefined;
  }
}

if (!customElements.get('signpost-widget')) {
  customElements.define('signpost-widget', SignpostWidget);
}
