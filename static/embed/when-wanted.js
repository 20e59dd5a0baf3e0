import { here } from './builds.js';
import { afterPaint } from './preview.js';

// When to fetch the wasm. The first page shows without it (preview.js), so where the host page has
// not preloaded it, it waits until that page is on screen: the page's few small files and its first
// paint have the connection and the CPU to themselves, and on a fast connection the first question
// works after about 7 KiB rather than 100 to 150 (bench/bench.mjs, bytes before the first question).
// It is asked for the moment the person moves past what the preview can do alone (*Start now*, or
// a button only the widget acts on), or LATEST_MS after the page shows, whichever comes first: no
// one has read the start page by then, so a person reading is not kept waiting. A follow-up
// link's questions have no start page: there it is asked for as soon as they show. A page that
// preloads the wasm (README, "Embedding") has it fetched at once, as before.
const LATEST_MS = 500;

/** Whether the host page asked for this build's wasm itself, with `<link rel="preload">`. */
export function preloaded(build) {
  const wasm = new URL(`${build}_bg.wasm`, here).href;
  return [...document.querySelectorAll('link[rel=preload]')].some((link) => link.href === wasm);
}

/**
 * Resolves when the wasm should be fetched: at once where the page preloaded it or no preview
 * shows (`shown`, the preview once on screen, resolves to null), else when the preview's person needs the widget or LATEST_MS
 * after it showed.
 */
export function wasmWanted(build, shown) {
  if (preloaded(build)) return Promise.resolve();
  return shown.then((preview) => preview
    // After the frame of the press that wanted it, so the fetch and the glue's import do not
    // lengthen that press (the phone profile's Start press, bench/bench.mjs "slowest interaction").
    && Promise.race([preview.wanted.then(afterPaint), new Promise((resolve) => setTimeout(resolve, LATEST_MS))]));
}

