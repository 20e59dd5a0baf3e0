// Signpost's embed script: defines <signpost-widget> and mounts the Yew app into its shadow root.
// One module script and no inline code, so it works under a strict Content-Security-Policy.
//
// The widget comes in two builds: `signpost_widget` (self-referral and assisted, everything) and
// `signpost_checkin` (the follow-up check-in alone, about half the size), so a returning patient
// on a slow phone downloads only what their page needs. Each is fetched and compiled once, the
// moment the first element that needs it is connected; the host page may preload it too.

const here = new URL('.', import.meta.url);
performance.mark('signpost:embed');
const builds = new Map();

// As the widget reads it (src/config.rs): anything but these two is self-referral.
const modeOf = (element) => (element.getAttribute('mode') ?? '').trim();

function buildFor(element) {
  return modeOf(element) === 'follow-up' ? 'signpost_checkin' : 'signpost_widget';
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
  if (modeOf(element) !== 'follow-up') return undefined;
  const token = element.getAttribute('checkin') || new URLSearchParams(location.search).get('checkin');
  if (!token) return undefined;
  const service = (element.getAttribute('service') ?? '').trim().replace(/\/+$/, '');
  const url = `${service}/api/v1/checkins/${token.replace(/[^A-Za-z0-9_-]/g, '')}`;
  // Read in full here, so the answer is ready the moment the widget starts. A failed request
  // resolves to null: the widget then says the service could not be reached.
  const answer = fetch(url).then(async (response) => ({ status: response.status, body: await response.text() }));
  const lookup = { url, answer: answer.catch(() => null), settled: undefined };
  // Once answered, the widget can draw the questions in its very first render.
  lookup.answer.then((settled) => { lookup.settled = settled; });
  return lookup;
}

// While the wasm downloads, the widget's first page can already show: the start page, or a
// follow-up link's questions. It is the page exactly as the widget first draws it, rendered ahead
// of time by the widget's own components (`<build>.preview.en.json`, made by signpost-prerender
// at build time). Its links, radios and checkboxes work as plain HTML. When the widget has drawn
// the same page, it takes the preview's place, and the answers given, the buttons pressed and
// the focus carry across. English and the default settings only: another language's words arrive
// with the widget, and a page with its own safe-browsing link would show the default one.
function previewFor(element, build, lookup) {
  const tag = element.getAttribute('lang') ?? navigator.languages?.[0] ?? 'en';
  const followUp = modeOf(element) === 'follow-up';
  if (!/^en(-|$)/i.test(tag) || (followUp ? !lookup : element.hasAttribute('safe-browsing-url'))) {
    return Promise.resolve(null);
  }
  // Nor is it worth fetching when the page preloaded the wasm and it has already arrived.
  if (performance.getEntriesByName(new URL(`${build}_bg.wasm`, here).href).some((e) => e.responseEnd > 0)) {
    return Promise.resolve(null);
  }
  const file = fetch(new URL(`${build}.preview.en.json`, here)).then((r) => (r.ok ? r.json() : null));
  // A follow-up page's questions are those of the scale the service says the link is for.
  const key = followUp
    ? lookup.answer.then((answer) => (answer?.status === 200 ? JSON.parse(answer.body).instrument : null))
    : modeOf(element) === 'assisted' ? 'assisted' : 'self';
  return Promise.all([key, file]).then(([key, file]) => {
    const html = key && file?.views?.[key];
    const exit = (element.getAttribute('exit-url') ?? '').trim();
    return html ? { html, exitUrl: /^https?:\/\//.test(exit) ? exit : file.exit_url } : null;
  }).catch(() => null);
}

// Everything a person can operate, in page order: the preview and the widget's first page have
// the same controls in the same order, so the n-th of one is the n-th of the other.
const controls = (root) => [...root.querySelectorAll('a[href], button, input, select, textarea')];

/** Shows the preview in `container`; returns what the widget needs to take over from it. */
function showPreview(container, { html, exitUrl }) {
  container.innerHTML = html; // the widget's own build output, from beside this script
  container.dataset.preview = '';
  const preview = { container, pressed: [], lastInput: performance.now(), takeOver: null };
  for (const type of ['pointerdown', 'keydown', 'input']) {
    container.addEventListener(type, () => { preview.lastInput = performance.now(); }, true);
  }
  // Just after a click or key press is a safe moment too, once its frame is painted: nothing is
  // half done, and the press itself is not slowed.
  for (const type of ['click', 'keyup']) {
    container.addEventListener(type, () => {
      if (preview.takeOver) requestAnimationFrame(() => setTimeout(() => preview.takeOver?.()));
    });
  }
  // A press only the widget can act on (Send, urgent help, a language) is kept until it has
  // drawn, and then it takes over at once.
  const press = (button) => {
    preview.pressed.push(controls(container).indexOf(button));
    preview.takeOver?.();
  };
  // Exit works at once, as in the widget: hide the page, and leave without a way back. Its
  // shortcut too, as src/hooks/use_exit_shortcut.rs has it: Shift 3 times within 5 seconds.
  const exit = () => {
    document.body.hidden = true;
    location.replace(exitUrl);
  };
  let shifts = [];
  const onKey = (event) => {
    if (!container.isConnected) return removeEventListener('keydown', onKey);
    if (event.key !== 'Shift' || event.repeat) return;
    shifts = [...shifts.filter((at) => event.timeStamp - at < 5000), event.timeStamp];
    if (shifts.length >= 3) exit();
  };
  addEventListener('keydown', onKey);
  container.addEventListener('click', (event) => {
    const button = event.target.closest('button');
    if (button?.classList.contains('sp-exit__button')) exit();
    else if (button?.type === 'button') press(button);
  });
  container.addEventListener('submit', (event) => {
    event.preventDefault();
    press(event.submitter ?? event.target.querySelector('button[type=submit]'));
  });
  return preview;
}

// How long a widget that is ready waits for the follow-up look-up's answer before drawing its
// loading page instead.
const LOOKUP_WAIT_MS = 200;

// The widget takes over when the person pauses or has just finished a click or key press, so that
// none is split between the preview and the widget.
const PAUSE_MS = 150;

/** Once the widget has drawn `live`: hands over at the next pause or input, at once for a press. */
function takeOverAtPause(preview, live, root) {
  preview.takeOver = () => {
    preview.takeOver = null;
    if (!preview.container.isConnected) return;
    handOver(preview, live, root);
    performance.mark('signpost:handed-over');
  };
  const wait = () => {
    if (!preview.takeOver) return;
    const quiet = performance.now() - preview.lastInput;
    if (quiet >= PAUSE_MS || preview.pressed.length) preview.takeOver();
    else setTimeout(wait, PAUSE_MS - quiet);
  };
  wait();
}

/** Puts the widget's own page (`live`) where the preview was, and carries the person's work over. */
function handOver({ container, pressed }, live, root) {
  const before = controls(container);
  const focused = before.indexOf(root.activeElement);
  container.replaceWith(live);
  const after = controls(live);
  if (after.length !== before.length) return; // not the page the preview showed: nothing to carry
  // The preview's only inputs are radios and checkboxes: a click on each chosen one tells the widget.
  before.forEach((control, i) => { if (control.checked && !after[i].checked) after[i].click(); });
  for (const i of pressed) after[i]?.click();
  if (focused >= 0) after[focused].focus();
}

class SignpostWidget extends HTMLElement {
  connectedCallback() {
    if (this.shadowRoot) return;
    const build = buildFor(this);
    const ready = load(build);
    const lookup = lookUpCheckin(this);
    const preview = previewFor(this, build, lookup);
    // Open, so assistive technology and axe-core reach inside; the host's CSS cannot.
    const root = this.attachShadow({ mode: 'open' });
    const style = document.createElement('link');
    style.rel = 'stylesheet';
    style.href = new URL('signpost.css', here).href;
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
    preview.then((p) => {
      if (drawn || !this.isConnected) return;
      if (p) {
        shown = showPreview(container, p);
        performance.mark('signpost:preview');
      } else {
        noPreview = true;
        if (this.widget) showLive(); // its loading page, until the link is looked up
      }
    });
    // With the look-up's answer at hand, the widget draws the questions in its first render. If
    // the answer is on its way, waiting a moment for it beats drawing a loading page first: that
    // would keep the browser busy just as the answer needs reading.
    const answered = lookup && lookup.settled === undefined
      ? (ms) => Promise.race([lookup.answer, new Promise((resolve) => setTimeout(resolve, ms))])
      : () => Promise.resolve();
    ready.then(async (glue) => {
      performance.mark('signpost:wasm-ready');
      await answered(LOOKUP_WAIT_MS);
      if (!this.isConnected) return;
      this.widget = glue.mount(this, live, here.href, lookup, () => {
        if (drawn) return; // drawn again after a retry: long since on screen
        drawn = true;
        performance.mark('signpost:drawn');
        if (shown) takeOverAtPause(shown, live, root);
        else showLive();
      });
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
