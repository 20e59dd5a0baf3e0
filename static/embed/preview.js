import { here, modeOf } from './builds.js';

// While the wasm downloads, the widget's first page can already show: the start page, or a
// follow-up link's questions. It is the page exactly as the widget first draws it, rendered ahead
// of time by the widget's own components (`<build>.preview.en.json`, made by signpost-prerender
// at build time). Its links, radios and checkboxes work as plain HTML, and *Start now* moves on to
// the first question, drawn ahead of time too. When the widget has drawn the same page, it takes
// the preview's place, and the answers given, the buttons pressed and the focus carry across.
// English and the default settings only: another language's words arrive with the widget, and a
// page with its own safe-browsing link would show the default one.
export function previewFor(element, build, lookup) {
  const tag = element.getAttribute('lang') ?? navigator.languages?.[0] ?? 'en';
  const followUp = modeOf(element) === 'follow-up';
  if (!/^en(-|$)/i.test(tag) || (followUp ? !lookup : element.hasAttribute('safe-browsing-url'))) {
    return Promise.resolve(null);
  }
  // Nor is it worth fetching when the page preloaded the wasm and it has already arrived, unless
  // the page preloaded the preview as well and it is here too: then it shows while the wasm
  // starts, and the widget takes over out of sight (on the desktop profile *Start now* is usable
  // ~40 ms sooner: 145 → 102 ms, bench/bench.mjs, median of 5).
  // A page that carries its preview (scripts/inline-preview.mjs) has it at once.
  const inline = !followUp && document.getElementById('signpost-preview');
  const arrived = (file) => performance.getEntriesByName(new URL(file, here).href).some((e) => e.responseEnd > 0);
  if (!inline && arrived(`${build}_bg.wasm`) && !arrived(`${build}.preview.en.json`)) return Promise.resolve(null);
  const file = inline
    ? Promise.resolve(JSON.parse(inline.textContent))
    : fetch(new URL(`${build}.preview.en.json`, here)).then((r) => (r.ok ? r.json() : null));
  // A follow-up page's questions are those of the scale the service says the link is for.
  const key = followUp
    ? lookup.answer.then((answer) => (answer?.status === 200 ? JSON.parse(answer.body).instrument : null))
    : modeOf(element) === 'assisted' ? 'assisted' : 'self';
  return Promise.all([key, file]).then(([key, file]) => {
    const html = key && file?.views?.[key];
    const exit = (element.getAttribute('exit-url') ?? '').trim();
    const next = !followUp && countsTheCheckIn(element) ? file.views[`${key}.first_question`] : null;
    return html ? { html, next: next ?? null, exitUrl: /^https?:\/\//.test(exit) ? exit : file.exit_url } : null;
  }).catch(() => null);
}

// The first question says "Page 1 of 9", counting the wellbeing check-in's page, which
// `instrument="none"` leaves out: there the start page stays until the widget arrives. A copy of
// src/config.rs's rule, kept equal by tests/journeys/preview.test.mjs ("with instrument="none"…").
const countsTheCheckIn = (element) => (element.getAttribute('instrument') ?? '').trim() !== 'none';

// Everything a person can operate or focus (a page's heading takes focus when it opens), in page
// order: the preview and the widget's first page have the same in the same order, so the n-th of
// one is the n-th of the other.
const controls = (root) => [...root.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')];

/**
 * Shows the preview in `container`; returns what the widget needs to take over from it. `next`,
 * if any, is the page *Start now* leads to, shown on that press while the widget is not yet
 * started (`widgetStarts`); `begun` says it is showing.
 */
export function showPreview(container, { html, next, exitUrl }) {
  container.innerHTML = html; // the widget's own build output, from beside this script
  container.dataset.preview = '';
  const preview = { container, pressed: [], lastInput: performance.now(), takeOver: null, next, begun: false };
  parseSoon(preview);
  // Resolves when the person moves past what the preview can do alone (`wasmWanted`, main.js).
  preview.wanted = new Promise((resolve) => { preview.want = resolve; });
  // With no *Start now* to press (a follow-up link's questions), the person answers at once and
  // *Send* is on this page: the widget is needed as soon as it shows.
  if (!next) preview.want();
  for (const type of ['pointerdown', 'keydown', 'input']) {
    container.addEventListener(type, () => { preview.lastInput = performance.now(); }, true);
  }
  // Just after a click or key press is a safe moment too, once its frame is painted: nothing is
  // half done, and the press itself is not slowed.
  for (const type of ['click', 'keyup']) {
    container.addEventListener(type, () => {
      if (preview.takeOver) afterPaint().then(() => preview.takeOver?.());
    });
  }
  // A press only the widget can act on (Send, urgent help, a language) is kept until it has
  // drawn, and then it takes over at once.
  const press = (button) => {
    preview.want();
    preview.pressed.push(controls(container).indexOf(button));
    preview.takeOver?.();
  };
  // Exit works at once, as in the widget: hide the page, and leave without a way back. Its
  // shortcut too, as src/hooks/use_exit_shortcut.rs has it: Shift 3 times within 5 seconds. A
  // copy of that rule, kept equal by tests/journeys/preview.test.mjs ("Exit this page by pressing
  // Shift three times works before the wasm arrives", "before the wasm arrives, two Shift presses,
  // or three spread over more than five seconds, do not exit").
  const exit = () => {
    document.body.hidden = true;
    location.replace(exitUrl);
  };
  let shifts = [];
  const onKey = (event) => {
    if (!container.isConnected) return removeEventListener('keydown', onKey);
    if (event.key !== 'Shift' || event.repeat) return;
    const now = performance.now();
    shifts = [...shifts.filter((at) => now - at < 5000), now];
    if (shifts.length >= 3) exit();
  };
  addEventListener('keydown', onKey);
  container.addEventListener('click', (event) => {
    const button = event.target.closest('button');
    if (button?.classList.contains('sp-exit__button')) exit();
    else if (button?.classList.contains('sp-button--start') && mayBegin(preview)) {
      if (!preview.started || startsWidgetToo(preview, button)) begin(preview);
      else press(button);
    }
    else if (button?.type === 'button') press(button);
  });
  container.addEventListener('submit', (event) => {
    event.preventDefault();
    press(event.submitter ?? event.target.querySelector('button[type=submit]'));
  });
  return preview;
}

// The first question's markup, parsed once the start page has painted rather than in the press of
// *Start now*, which on the phone profile is then about a third shorter (its handlers, Event Timing).
function parseSoon(preview) {
  afterPaint().then(() => {
    if (preview.next) preview.parsed = parse(preview.next);
  });
}

/** Resolves once the next frame has been painted: a moment when nothing delays what is on screen. */
export const afterPaint = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));

const parse = (html) => {
  const drawn = document.createElement('template');
  drawn.innerHTML = html; // the widget's own build output, as `html` in showPreview
  return drawn;
};

/**
 * Whether *Start now* can move the preview on by itself: it has the next page, nothing pressed
 * waits for the widget (a press is replayed on the page it was made on), and the volunteer's box,
 * where there is one, is ticked. Unticked, the press waits too, and the widget says what is
 * missing: a copy of the widget's rule (src/journey/referral.rs, `Action::Begin`), kept equal by
 * tests/journeys/preview.test.mjs ("the assisted start page's Start, its box not ticked…").
 */
const mayBegin = ({ container, next, pressed }) =>
  Boolean(next) && !pressed.length && [...container.querySelectorAll('input[type=checkbox]')].every((box) => box.checked);

/**
 * Where the widget has started on the start page and drawn it out of sight, *Start now* pressed
 * on the preview is pressed there too, after the preview's ticks, so that both move on together
 * and the preview need not wait for the widget to draw the first question.
 */
function startsWidgetToo({ container, live }, button) {
  if (!live) return false; // started, not yet drawn: the press waits for it
  const before = controls(container);
  const after = controls(live);
  if (after.length !== before.length) return false;
  // Connected, out of sight, for the clicks: a checkbox that is not in a document changes
  // without telling the widget (HTML's activation behaviour fires no input or change event).
  live.hidden = true;
  container.after(live);
  carryTicks(before, after);
  after[before.indexOf(button)].click();
  live.remove();
  live.hidden = false;
  return true;
}

/**
 * The first question, in the start page's place, as the widget moves on: only the page and the
 * status line change, so that line, kept, tells a screen reader where the person is, and the
 * heading takes focus (src/hooks/use_focus_on_change.rs). The result is the first question exactly
 * as drawn at build time (tests/journeys/preview.test.mjs holds it).
 */
function begin(preview) {
  preview.want(); // the widget is needed from the first question on
  const drawn = preview.parsed ?? parse(preview.next);
  preview.next = null;
  preview.begun = true;
  const page = (root) => root.querySelector('.sp-widget__page');
  const status = (root) => root.querySelector('.sp-widget > [role=status]');
  page(preview.container).replaceWith(page(drawn.content));
  status(preview.container).textContent = status(drawn.content).textContent;
  page(preview.container).querySelector('h1').focus();
}

/**
 * The widget is starting, and draws first the page the preview shows: from now on a *Start now*
 * press on the preview is the widget's too (`startsWidgetToo`). Whether that page is the first
 * question: `mount`'s `begun` (src/lib.rs).
 */
export function widgetStarts(preview) {
  preview.started = true;
  return preview.begun;
}

/**
 * Resolves once the preview has shown (or there is none), or after a short wait: where the wasm
 * came first, the widget starts after the preview has shown the start page, so the person can
 * start reading and pressing while the widget draws out of sight.
 */
export function shownOrWaited(preview) {
  return Promise.race([preview, new Promise((resolve) => setTimeout(resolve, SHOW_WAIT_MS))]);
}

// How long a widget that is ready waits for its preview to show.
const SHOW_WAIT_MS = 50;

// The preview's only inputs are radios and checkboxes: a click on each chosen one tells the widget.
function carryTicks(before, after) {
  before.forEach((control, i) => { if (control.checked && !after[i].checked) after[i].click(); });
}

// The widget takes over when the person pauses or has just finished a click or key press, so that
// none is split between the preview and the widget.
const PAUSE_MS = 150;

/** Once the widget has drawn `live`: hands over at the next pause or input, at once for a press. */
export function takeOverAtPause(preview, live, root) {
  preview.live = live;
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

/**
 * Puts the widget's own page (`live`) where the preview was, and carries the person's work over,
 * control by control by position: the preview is the widget's own first page drawn at build time
 * (src/prerender.rs), so its controls are the widget's, in the same order. Kept so by
 * tests/journeys/preview.test.mjs ("the questions show before the wasm arrives, and answers, focus
 * and the page carry over to the widget", "Send pressed before the wasm arrives is kept…", "the
 * self/assisted start page shows before the wasm arrives, and Start pressed there carries over",
 * "Start now pressed before the wasm arrives shows the first question at once…").
 */
function handOver({ container, pressed }, live, root) {
  const before = controls(container);
  const focused = before.indexOf(root.activeElement);
  container.replaceWith(live);
  const after = controls(live);
  if (after.length !== before.length) return; // not the page the preview showed: nothing to carry
  carryTicks(before, after);
  for (const i of pressed) after[i]?.click();
  if (focused >= 0) after[focused].focus();
}
