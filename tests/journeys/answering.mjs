// Answers the widget's questionnaire pages from a referral fixture, by mouse or by keyboard alone.
// Controls are found by their `name` (`answers.<question>`, `wellbeing.items.<n>`), so the same
// fixture that core and the service test with drives the browser too.
import assert from 'node:assert/strict';

const widget = (page) => page.locator('signpost-widget');

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

/** Answers the current page with the mouse, from `byName`. */
export async function answerByMouse(page, byName) {
  for (const control of await controls(page)) {
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
