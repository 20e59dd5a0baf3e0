// Injected with addInitScript before any of the page's own scripts, in every page the bench opens.
// Records, in the page's own clock (performance.now(), 0 = navigation start):
//   marks.firstRadio  the first radio button exists, is laid out with a non-zero box (its own or
//                     its <label>'s: some libraries hide the native input visually), is not
//                     display:none / visibility:hidden, and is not disabled or inert;
//   marks.start       with `startLabel` given (the journeys that begin on a start page): the first
//                     button, submit input or link whose text is `startLabel`, usable as above;
// the slowest Event Timing entry (durationThreshold 16 ms) and the wasm memories instantiated.
// Shadow roots are followed by wrapping attachShadow, so the widget's open root is seen too.
({ startLabel } = {}) => {
  const bench = (window.__bench = { marks: {}, maxEvent: 0, maxEventName: null, events: 0, eventList: [], memories: [] });
  const roots = [document];
  const observers = [];

  const watch = (root) => {
    const observer = new MutationObserver(check);
    observer.observe(root, { childList: true, subtree: true, attributes: true });
    observers.push(observer);
  };
  const attachShadow = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attachShadow.call(this, init);
    roots.push(root);
    watch(root);
    return root;
  };

  const usable = (el) => {
    if (!el || !el.isConnected || el.disabled || el.closest('[inert], fieldset[disabled]')) return false;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') return false;
    const box = (el.closest('label') ?? el).getBoundingClientRect();
    return box.width >= 1 && box.height >= 1;
  };
  const first = (selector) => {
    for (const root of roots) {
      const el = root.querySelector(selector);
      if (el) return el;
    }
    return null;
  };
  const labelled = () => {
    for (const root of roots) {
      for (const el of root.querySelectorAll('button, input[type=submit], input[type=button], a')) {
        if ((el.value || el.textContent).trim() === startLabel && usable(el)) return el;
      }
    }
    return null;
  };
  // Where to press *Start now*, scrolled into view first: the bench presses there at once.
  bench.startTarget = () => {
    const el = labelled();
    if (!el) return null;
    const box = el.getBoundingClientRect();
    if (box.top < 0 || box.bottom > innerHeight) el.scrollIntoView({ block: 'center' });
    const at = el.getBoundingClientRect();
    return { x: at.left + at.width / 2, y: at.top + at.height / 2 };
  };
  const done = () => bench.marks.firstRadio !== undefined && (!startLabel || bench.marks.start !== undefined);
  function check() {
    const now = performance.now();
    if (bench.marks.firstRadio === undefined && usable(first('input[type=radio]'))) bench.marks.firstRadio = now;
    if (startLabel && bench.marks.start === undefined) {
      if (labelled()) bench.marks.start = now;
    }
    if (done()) {
      for (const o of observers) o.disconnect();
    }
  }
  watch(document);
  // Style sheets arriving change visibility without a DOM mutation: poll each frame as well.
  const frame = () => {
    check();
    if (!done() && performance.now() < 120000) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  document.addEventListener('DOMContentLoaded', () => { bench.marks.domContentLoaded = performance.now(); check(); });
  addEventListener('load', () => { bench.marks.load = performance.now(); check(); });

  // The slowest interaction: Event Timing entries of 16 ms or more (the API's smallest threshold).
  const take = (entries) => {
    for (const e of entries) {
      bench.events++;
      // Each one's timing too, for the waterfall: when it began, and how long its handlers ran.
      bench.eventList.push({ name: e.name, at: Math.round(e.startTime), duration: e.duration,
        handlers: Math.round(e.processingEnd - e.processingStart), waited: Math.round(e.processingStart - e.startTime) });
      if (e.duration > bench.maxEvent) { bench.maxEvent = e.duration; bench.maxEventName = e.name; }
    }
  };
  try {
    bench.eventObserver = new PerformanceObserver((list) => take(list.getEntries()));
    bench.eventObserver.observe({ type: 'event', buffered: true, durationThreshold: 16 });
  } catch { bench.eventTimingUnsupported = true; }
  bench.flushEvents = () => { if (bench.eventObserver) take(bench.eventObserver.takeRecords()); };

  // Wasm memory: every Memory made or exported by an instance (wasm-bindgen exports its own).
  const keep = (instance) => {
    for (const value of Object.values(instance?.exports ?? {})) if (value instanceof WebAssembly.Memory) bench.memories.push(value);
  };
  const { instantiate, instantiateStreaming } = WebAssembly;
  WebAssembly.instantiate = function (...args) {
    return instantiate.apply(this, args).then((result) => { keep(result.instance ?? result); return result; });
  };
  if (instantiateStreaming) {
    WebAssembly.instantiateStreaming = function (...args) {
      return instantiateStreaming.apply(this, args).then((result) => { keep(result.instance); return result; });
    };
  }
  WebAssembly.Instance = new Proxy(WebAssembly.Instance, { construct(target, args) { const i = new target(...args); keep(i); return i; } });
  WebAssembly.Memory = new Proxy(WebAssembly.Memory, { construct(target, args) { const m = new target(...args); bench.memories.push(m); return m; } });
  bench.wasmBytes = () => [...new Set(bench.memories)].reduce((sum, m) => sum + m.buffer.byteLength, 0);
}
