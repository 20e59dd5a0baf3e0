import { modeOf } from './builds.js';

// A follow-up page's questions wait on the service saying what its link is for. Ask at once, while
// the wasm downloads, rather than after it starts: on a slow phone that is a round trip saved. The
// widget uses this answer only if it asked the same address it would have asked itself.
export function lookUpCheckin(element) {
  if (modeOf(element) !== 'follow-up') return undefined;
  const token = element.getAttribute('checkin') || new URLSearchParams(location.search).get('checkin');
  if (!token) return undefined;
  const service = (element.getAttribute('service') ?? '').trim().replace(/\/+$/, '');
  // The address src/config.rs's `checkin_endpoint` makes. A copy, kept equal by
  // tests/journeys/assisted_follow_up.test.mjs ("a returning patient follows their link…": the
  // link is looked up once; a different address would have the widget ask again).
  const url = `${service}/api/v1/checkins/${token.replace(/[^A-Za-z0-9_-]/g, '')}`;
  // Read in full here, so the answer is ready the moment the widget starts. A failed request
  // resolves to null: the widget then says the service could not be reached.
  const answer = fetch(url).then(async (response) => ({ status: response.status, body: await response.text() }));
  const lookup = { url, answer: answer.catch(() => null), settled: undefined };
  // Once answered, the widget can draw the questions in its very first render.
  lookup.answer.then((settled) => { lookup.settled = settled; });
  return lookup;
}

// How long a widget that is ready waits for the look-up's answer before drawing its loading page.
const WAIT_MS = 200;

/**
 * Resolves once the look-up has its answer, or after a short wait. With the answer at hand the
 * widget draws the questions in its first render; waiting a moment for it beats drawing a loading
 * page first, which would keep the browser busy just as the answer needs reading.
 */
export function answeredOrWaited(lookup) {
  if (!lookup || lookup.settled !== undefined) return Promise.resolve();
  return Promise.race([lookup.answer, new Promise((resolve) => setTimeout(resolve, WAIT_MS))]);
}
