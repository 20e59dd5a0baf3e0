// Signpost's embed script: defines <signpost-widget> and mounts the Yew app into its shadow root.
// One module script and no inline code, so it works under a strict Content-Security-Policy.
//
// The widget comes in two builds: `signpost_widget` (self-referral and assisted, everything) and
// `signpost_checkin` (the follow-up check-in alone, about half the size), so a returning patient
// on a slow phone downloads only what their page needs. Each is fetched and compiled once, the
// moment the first element that needs it is connected; the host page may preload it too.

const here = new URL('.', import.meta.url);
const builds = new Map();

function buildFor(element) {
  return element.getAttribute('mode') === 'follow-up' ? 'signpost_checkin' : 'signpost_widget';
}

function load(name) {
  if (!builds.has(name)) {
    builds.set(name, import(new URL(`${name}.js`, here).href).then(async (glue) => {
      await glue.default({ module_or_path: new URL(`${name}_bg.wasm`, here) });
      return glue;
    }));
  }
  return builds.get(name);
}

class SignpostWidget extends HTMLElement {
  connectedCallback() {
    if (this.shadowRoot) return;
    const ready = load(buildFor(this));
    // Open, so assistive technology and axe-core reach inside; the host's CSS cannot.
    const root = this.attachShadow({ mode: 'open' });
    const style = document.createElement('link');
    style.rel = 'stylesheet';
    style.href = new URL('signpost.css', here).href;
    const container = document.createElement('div');
    container.className = 'sp-root';
    root.append(style, container);
    ready.then((glue) => {
      if (this.isConnected) this.widget = glue.mount(this, container, here.href);
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
