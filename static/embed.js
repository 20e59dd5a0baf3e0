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

// A follow-up page's questions wait on the service saying what its link is for. Ask at once, while
// the wasm downloads, rather than after it starts: on a slow phone that is a round trip saved. The
// widget uses this answer only if it asked the same address it would have asked itself.
function lookUpCheckin(element) {
  if (element.getAttribute('mode') !== 'follow-up') return undefined;
  const token = element.getAttribute('checkin') || new URLSearchParams(location.search).get('checkin');
  if (!token) return undefined;
  const service = (element.getAttribute('service') ?? '').trim().replace(/\/+$/, '');
  const url = `${service}/api/v1/checkins/${token.replace(/[^A-Za-z0-9_-]/g, '')}`;
  // Read in full here, so the answer is ready the moment the widget starts. A failed request
  // resolves to null: the widget then says the service could not be reached.
  const answer = fetch(url).then(async (response) => ({ status: response.status, body: await response.text() }));
  return { url, answer: answer.catch(() => null) };
}

class SignpostWidget extends HTMLElement {
  connectedCallback() {
    if (this.shadowRoot) return;
    const ready = load(buildFor(this));
    const lookup = lookUpCheckin(this);
    // Open, so assistive technology and axe-core reach inside; the host's CSS cannot.
    const root = this.attachShadow({ mode: 'open' });
    const style = document.createElement('link');
    style.rel = 'stylesheet';
    style.href = new URL('signpost.css', here).href;
    const container = document.createElement('div');
    container.className = 'sp-root';
    root.append(style, container);
    ready.then((glue) => {
      if (this.isConnected) this.widget = glue.mount(this, container, here.href, lookup?.url, lookup?.answer);
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
