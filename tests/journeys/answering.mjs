// Answers the widget's questionnaire pages from a referral fixture, by mouse or by keyboard alone.
// Controls are found by their `name` (`answers.<question>`, `wellbeing.items.<n>`), so the same
// fixture that core and the service test with drives the browser too.
import assert from 'node:assert/strict';
import { widget } from './harness.mjs';

/** The widget's current h1. */
export async function heading(page) {
  return (await widget(page).locator('h1').innerText()).trim();
}

/** What a fixture says each control on a page should hold, by control name. */
export function wanted(body) {
  const byName = new Map();
  for (const [question, value] of Object.entries(body.answers)) {
    if (question === 'date_of_birth') {
      const [year, month, day] = value.split('-');
      byName.set(`answers.${question}-day`, String(Number(day)));
      byName.set(`answers.${question}-month`, String(Number(month)));
      byName.set(`answers.${question}-year`, year);
    } else {
      byName.set(`answers.${question}`, value);
    }
  }
  (body.wellbeing?.items ?? []).forEach((value, index) => byName.set(`wellbeing.items.${index + 1}`, String(value)));
  return byName;
}

/** The named controls on the current page, in document order. */
async function controls(page) {
  return widget(page).locator('input[name], textarea[name]').evaluateAll((elements) =>
    elements.map((e) => ({ name: e.name, type: e.type, value: e.value, checked: e.checked })));
}

/**
 * Answers the current page with the mouse, from `byName`. An answer may reveal a follow-up
 * question on the same page (an interpreter's language), so the page is read again until no new
 * control appears.
 */
export async function answerByMouse(page, byName) {
  const done = new Set();
  for (let pass = 0; pass < 4; pass++) {
    const fresh = (await controls(page)).filter((c) => !done.has(`${c.name}=${c.value}`));
    if (!fresh.length) return;
    for (const control of fresh) done.add(`${control.name}=${control.value}`);
    await answerControls(page, byName, fresh);
  }
}

async function answerControls(page, byName, list) {
  for (const control of list) {
    const want = byName.get(control.name);
    if (want === undefined) continue;
    const locator = widget(page).locator(`[name="${control.name}"][value="${control.value}"]`);
    if (control.type === 'checkbox') {
      if (want.includes(control.value) !== control.checked) await locator.click();
    } else if (control.type === 'radio') {
      if (want === control.value && !control.checked) await locator.click();
    } else {
      await widget(page).locator(`[name="${control.name}"]`).fill(want);
    }
  }
}

/** The focused control inside the widget. */
export async function focusedControl(page) {
  return page.evaluate(() => {
    const active = document.querySelector('signpost-widget').shadowRoot.activeElement;
    if (!active) return null;
    return {
      tag: active.tagName.toLowerCase(), name: active.name ?? '', type: active.type ?? '', value: active.value ?? '',
      checked: !!active.checked, text: (active.labels?.[0]?.innerText ?? active.innerText ?? '').trim(),
    };
  });
}

/**
 * Answers the current page by keyboard alone: Tab through it; Space ticks boxes, arrow keys move
 * through radios (which also chooses), typing fills text; stops on the button named `submit`.
 */
export async function answerByKeyboard(page, byName, submit) {
  for (let presses = 0; presses < 120; presses++) {
    await page.keyboard.press('Tab');
    const focused = await focusedControl(page);
    if (!focused) continue;
    if (focused.tag === 'button' && focused.text === submit) return;
    const want = byName.get(focused.name);
    if (want === undefined) continue;
    if (focused.type === 'checkbox') {
      if (want.includes(focused.value) !== focused.checked) await page.keyboard.press('Space');
    } else if (focused.type === 'radio') {
      if (!focused.checked && focused.value === want) await page.keyboard.press('Space');
      for (let moves = 0; moves < 6 && (await focusedControl(page)).value !== want; moves++) {
        await page.keyboard.press('ArrowDown');
      }
      assert.equal((await focusedControl(page)).value, want, `radio ${focused.name}`);
    } else if (focused.value !== want) {
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type(want);
    }
  }
  assert.fail(`Tab never reached the "${submit}" button`);
}

/** The widget's position ("Page 3 of 12"), or its heading where it shows none. */
async function position(page) {
  const progress = widget(page).locator('.sp-progress');
  return (await progress.count()) ? progress.innerText() : heading(page);
}

/** Where the widget is: its position and heading. */
export const where = async (page) => `${await position(page)}|${await heading(page)}`;

/**
 * Waits until the widget has left `before` and moved focus to the new page's heading, or shows
 * errors with focus on their summary.
 */
export async function moved(page, before) {
  await page.waitForFunction((before) => {
    const root = document.querySelector('signpost-widget').shadowRoot;
    const h1 = root.querySelector('h1')?.innerText.trim() ?? '';
    const progress = root.querySelector('.sp-progress')?.innerText ?? h1;
    const focus = root.activeElement;
    const errors = root.querySelector('.sp-error-summary');
    if (errors) return focus === errors;
    return `${progress}|${h1}` !== before && focus?.tagName === 'H1';
  }, before);
}

/** Presses `button` and waits until the page has moved on or shows its errors. */
export async function press(page, button) {
  const before = await where(page);
  await button.click();
  await moved(page, before);
}



/**
 * Answers every questionnaire page by mouse from a fixture, in the language of `messages`,
 * calling `onPage(heading)` on each page first; skips the check-in if the fixture has none.
 * Returns the headings of the pages answered.
 */
export async function answerQuestionnaire(page, body, messages, onPage = async () => {}) {
  const byName = wanted(body);
  const seen = [];
  while ((await heading(page)) !== messages['check.heading']) {
    const here = await heading(page);
    seen.push(here);
    assert.equal(await widget(page).locator('.sp-error-summary').count(), 0, `no errors before answering ${here}`);
    await onPage(here);
    if (here === messages['page.wellbeing.heading'] && !body.wellbeing) {
      await press(page, widget(page).getByRole('button', { name: messages['wellbeing.skip'] }));
      continue;
    }
    await answerByMouse(page, byName);
    await press(page, widget(page).getByRole('button', { name: messages['common.continue'], exact: true }));
  }
  return seen;
}
