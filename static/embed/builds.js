// The widget's two builds, and loading the one an element needs: `signpost_widget` (self-referral
// and assisted, everything) and `signpost_checkin` (the follow-up check-in alone, about half the
// size), so a returning patient on a slow phone downloads only what their page needs. Each is
// fetched and compiled once, the moment the first element that needs it is connected; the host
// page may preload it too.

// Where the widget's files are: beside embed.js (the bundle this file is part of).
export const here = new URL('.', import.meta.url);
const builds = new Map();

// As the widget reads it (src/config.rs, `Config::from_attributes`): anything but these two is
// self-referral. A copy of that rule, kept equal by tests/journeys/assisted_follow_up.test.mjs ("a
// referral page fetches the whole widget", "a follow-up page fetches the small check-in build
// alone") and preview.test.mjs (each mode's preview is its own page).
export const modeOf = (element) => (element.getAttribute('mode') ?? '').trim();

export function buildFor(element) {
  return modeOf(element) === 'follow-up' ? 'signpost_checkin' : 'signpost_widget';
}

// Each build's style sheet: the follow-up build's leaves out what only a referral draws
// (scripts/checkin-css.mjs).
export function styleFor(name) {
  return name === 'signpost_checkin' ? 'signpost_checkin.css' : 'signpost.css';
}

export function load(name) {
  if (!builds.has(name)) {
    // The wasm and its glue asked for together, not the wasm after the glue has come: on Slow 4G
    // that is a 150 ms round trip saved where the page preloads neither. A page's preload of the
    // wasm is the response this fetch is given (the same URL, mode and credentials).
    const wasm = fetch(new URL(`${name}_bg.wasm`, here));
    wasm.catch(() => {}); // a failure is reported once, by the glue below
    builds.set(name, import(new URL(`${name}.js`, here).href).then(async (glue) => {
      await glue.default({ module_or_path: wasm });
      return glue;
    }));
  }
  return builds.get(name);
}
