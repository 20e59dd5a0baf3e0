// Issue 15: keyboard and screen-reader users never lose their place. On every page of every
// journey (self, assisted, follow-up) in every language, each control is answered by keyboard
// alone, and after each answer focus is still on that control and every other control is the
// same element as before: marked with a JS property that a re-created element would not carry.
// The answers come from static/questionnaire/default.json (the file the widget is built with), so
// every question it can reveal is revealed, hidden and revealed again, and a service's own
// questionnaire is covered by the same test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startServerAndBrowser, stopServerAndBrowser, openPage, messagesOf, fixture, widget } from './harness.mjs';
import { heading, moved, where } from './answering.mjs';

const questionnaire = JSON.parse(readFileSync(new URL('../../static/questionnaire/default.json', import.meta.url), 'utf8'));
const questions = new Map(questionnaire.pages.flatMap((page) => page.questions.map((q) => [q.id, q])));

/** The questions a question's answer shows or hides on its own page, from their `show_if`. */
const revealedBy = new Map();
for (const page of questionnaire.pages) {
  for (const question of page.questions.filter((q) => q.show_if)) {
    const trigger = question.show_if.question;
    if (!page.questions.some((q) => q.id === trigger)) continue;
    revealedBy.set(trigger, [...(revealedBy.get(trigger) ?? []), question.id]);
  }
}

/** Every value some `show_if` tests a question for: answering with them reveals every question. */
function revealingValues(id) {
  const conditions = questionnaire.pages.flatMap((page) => [page, ...page.questions]).map((x) => x.show_if).filter((c) => c?.question === id);
  return conditions.flatMap((c) => [c.equals, c.includes, ...(c.includes_any ?? [])]).filter(Boolean);
}

/** The value a radio group ends on: one that reveals what it can, else *No* or the first option. */
function finalChoice(name, values) {
  const id = questionOf(name);
  if (!id) return values.includes('3') ? '3' : values[0];
  return revealingValues(id).find((v) => values.includes(v)) ?? (values.includes('no') ? 'no' : values[0]);
}

/** What to type into a text control, by its question's type: a valid answer of that kind. */
function typed(name) {
  const part = name.match(/-(day|month|year)$/)?.[1];
  if (part) return { day: '14', month: '6', year: '1971' }[part];
  const kind = questions.get(questionOf(name))?.type;
  return { phone: '07700 900123', email: 'morag@example.org', postcode: 'G31 2ER' }[kind] ?? 'An answer';
}

/** The question a control answers (`answers.<id>`, a date's `answers.<id>-day`), if any. */
function questionOf(name) {
  return name.startsWith('answers.') ? name.slice('answers.'.length).replace(/-(day|month|year)$/, '') : null;
}

/** Gives every control in the widget that has none a mark; returns the focused control's. */
async function mark(page) {
  return page.evaluate(() => {
    const root = document.querySelector('signpost-widget').shadowRoot;
    window.spMarked ??= new Set();
    window.spNextMark ??= 1;
    for (const control of root.querySelectorAll('input, textarea, select, button')) {
      control.spMark ??= window.spNextMark++;
      window.spMarked.add(control);
    }
    const active = root.activeElement;
    return active && {
      mark: active.spMark, tag: active.tagName.toLowerCase(), name: active.name ?? '', type: active.type ?? '',
      value: active.value ?? '', checked: !!active.checked,
      stop: active.matches('button.sp-button:not(.sp-button--secondary)'),
    };
  });
}

/**
 * After one answer, once the widget has drawn it: where focus is, and which marked controls have
 * left the page and which unmarked ones have come (they are then marked); the live region's words.
 */
async function afterAnswer(page) {
  return page.evaluate(async () => {
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const root = document.querySelector('signpost-widget').shadowRoot;
    const describe = (e) => `${e.name || e.tagName.toLowerCase()}${e.type === 'radio' || e.type === 'checkbox' ? `=${e.value}` : ''}`;
    const gone = [...window.spMarked].filter((e) => e.getRootNode() !== root || !e.isConnected);
    for (const e of gone) window.spMarked.delete(e);
    const fresh = [...root.querySelectorAll('input, textarea, select, button')].filter((e) => !e.spMark);
    for (const e of fresh) {
      e.spMark = window.spNextMark++;
      window.spMarked.add(e);
    }
    const active = root.activeElement;
    return {
      focus: active ? active.spMark : null,
      focusText: active ? describe(active) : document.activeElement?.tagName.toLowerCase(),
      gone: gone.map(describe),
      fresh: fresh.map((e) => ({ mark: e.spMark, name: describe(e), field: e.name })),
      // Whether each new control comes after the focused one, in document order.
      after: fresh.map((e) => !!active && !!(active.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING)),
      told: [...root.querySelectorAll('[aria-live], [role=status]')].map((e) => e.textContent).join(' '),
    };
  });
}

/** Puts focus back on a control after a failure, so the walk can go on and report every page. */
async function refocus(page, name, value) {
  await page.evaluate(({ name, value }) => {
    const root = document.querySelector('signpost-widget').shadowRoot;
    const controls = [...root.querySelectorAll('input, textarea')].filter((e) => e.name === name);
    (controls.find((e) => e.value === value) ?? controls[0])?.focus();
  }, { name, value });
}

/**
 * Answers every control on the current page by keyboard: Tab to each; Space ticks a box (and,
 * when it reveals a question, unticks and ticks again); Space and the arrow keys go through every
 * radio of a group and back to the one that reveals most; text is typed. After each answer,
 * `check` compares. Stops on the page's main button, focused. Returns how many answers it gave.
 */
async function answerPage(page, messages, here, found) {
  let answers = 0;
  const done = new Set();
  // A new page: what the last one held is gone, and nothing has been said yet.
  let told = await page.evaluate(() => {
    window.spMarked = new Set();
    const root = document.querySelector('signpost-widget').shadowRoot;
    return [...root.querySelectorAll('[aria-live], [role=status]')].map((e) => e.textContent).join(' ');
  });
  const check = async (control, what) => {
    answers++;
    const seen = await afterAnswer(page);
    const question = questionOf(control.name);
    const mayChange = new Set((revealedBy.get(question) ?? []).map((id) => `answers.${id}`));
    const alien = (name) => !mayChange.has(name.replace(/=.*$/, '').replace(/-(day|month|year)$/, ''));
    const problems = [];
    if (seen.focus !== control.mark) problems.push(`focus moved to ${seen.focusText}`);
    const replaced = [...seen.gone.filter(alien), ...seen.fresh.map((f) => f.name).filter(alien)];
    if (replaced.length) problems.push(`re-created ${[...new Set(replaced)].join(', ')}`);
    for (const [index, fresh] of seen.fresh.entries()) {
      if (alien(fresh.name)) continue;
      if (!seen.after[index]) problems.push(`${fresh.name} appeared before the question that revealed it`);
      const label = messages[`question.${questionOf(fresh.field)}.label`];
      if (!seen.told.includes(label)) problems.push(`${fresh.name} appeared unannounced (live regions say "${seen.told.trim()}")`);
    }
    // A live region speaks when a question comes or goes, and not otherwise: a tick that only
    // changes the page count is not worth interrupting someone for.
    if (seen.told !== told && !seen.gone.length && !seen.fresh.length) {
      problems.push(`the live region said "${seen.told.trim()}"`);
    }
    told = seen.told;
    if (problems.length) {
      found.push(`${here}: answering ${what}: ${problems.join('; ')}`);
      await refocus(page, control.name, control.value);
    }
  };
  for (let presses = 0; presses < 400; presses++) {
    await page.keyboard.press('Tab');
    const control = await mark(page);
    if (!control) continue;
    if (control.stop) return answers;
    if (!['input', 'textarea'].includes(control.tag) || done.has(`${control.name}=${control.value}`)) continue;
    if (control.type === 'checkbox') {
      done.add(`${control.name}=${control.value}`);
      const reveals = revealedBy.has(questionOf(control.name));
      for (const press of reveals ? [1, 2, 3] : [1]) {
        await page.keyboard.press('Space');
        await check(control, `${control.name}=${control.value} (Space ${press})`);
      }
    } else if (control.type === 'radio') {
      const values = await widget(page).locator(`input[name="${control.name}"]`).evaluateAll((radios) => radios.map((r) => r.value));
      for (const value of values) done.add(`${control.name}=${value}`);
      const final = finalChoice(control.name, values);
      // Every option in turn, then back to the final one: each move of an arrow key chooses.
      const route = [...values, ...values.slice(values.indexOf(final), -1).reverse()];
      for (const [step, value] of route.entries()) {
        const target = await widget(page).locator(`input[name="${control.name}"][value="${value}"]`).evaluate((r) => r.spMark);
        const key = step === 0 ? 'Space' : step < values.length ? 'ArrowDown' : 'ArrowUp';
        await page.keyboard.press(key);
        await check({ ...control, mark: target, value }, `${control.name}=${value} (${key})`);
      }
    } else {
      done.add(`${control.name}=${control.value}`);
      await page.keyboard.type(typed(control.name));
      await check(control, `${control.name} (typed)`);
    }
  }
  assert.fail(`${here}: Tab never reached the page's button`);
}

/** Presses the focused main button by keyboard and waits for the next page. */
async function onward(page, here) {
  const before = await where(page);
  await page.keyboard.press('Enter');
  await moved(page, before);
  const errors = widget(page).locator('.sp-error-summary');
  assert.equal(await errors.count(), 0, `${here}: no errors after answering (${await errors.allInnerTexts()})`);
}

/** Chooses `language` with the switcher on the first page, as a person would. */
async function speak(page, language) {
  if (language === 'en') return;
  const before = await where(page);
  await widget(page).getByRole('button', { name: messagesOf(language)['_meta.language_name'] }).click();
  await moved(page, before);
}

/** Walks a referral from its start page to the consent page, answering every control by keyboard. */
async function walkReferral(page, messages, found, shot) {
  const walked = [];
  for (let pages = 0; pages < 60; pages++) {
    const here = await heading(page);
    const answers = await answerPage(page, messages, here, found);
    walked.push(`${here} (${answers})`);
    if (here === messages['page.contact_preferences.heading'] && shot) {
      await widget(page).locator('section.sp-widget').screenshot({ path: shot });
      console.log(`# ${here}, with its revealed question: ${shot}`);
    }
    if (here === messages['consent.heading']) return walked;
    if (here !== messages['start.heading'] && here !== messages['assisted.heading']) {
      const back = widget(page).getByRole('button', { name: messages['common.back'], exact: true });
      if ((await back.count()) !== 1) found.push(`${here}: the Back button is not named "${messages['common.back']}" alone`);
    }
    await onward(page, here);
  }
  assert.fail('the walk never reached the consent page');
}

let server;
let browser;
before(async () => ({ server, browser } = await startServerAndBrowser()));
after(() => stopServerAndBrowser({ server, browser }));

for (const language of ['en', 'gd', 'pl', 'ar']) {
  for (const [mode, path] of [['self', '/'], ['assisted', '/demo/assisted.html']]) {
    test(`${mode} referral in ${language}: answering any control keeps focus on it and every other control in place`, async () => {
      const messages = messagesOf(language);
      const { page, context, problems } = await openPage(browser, `${server.url}${path}`);
      await speak(page, language);
      const found = [];
      const shot = mode === 'self' && language === 'en' ? join(tmpdir(), 'signpost-contacting-you-revealed.png') : null;
      const walked = await walkReferral(page, messages, found, shot);
      console.log(`# ${mode}/${language}: ${walked.length} pages, answers given: ${walked.join(' · ')}`);
      assert.deepEqual(found, [], 'every answer keeps the person in place');
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  test(`follow-up check-in in ${language}: answering any statement keeps focus on it and every other control in place`, async () => {
    const messages = messagesOf(language);
    const response = await fetch(`${server.url}/api/v1/referrals`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify(fixture('valid', 'phone-self-referral')),
    });
    assert.equal(response.status, 201);
    const link = server.followUpLink((await response.json()).reference);
    const { page, context, problems } = await openPage(browser, link);
    await widget(page).locator('.sp-scale-item').first().waitFor();
    await speak(page, language);
    const found = [];
    const answers = await answerPage(page, messages, await heading(page), found);
    assert.equal(answers, 14 * 7, 'each of the 14 statements answered all five ways, then back to the middle');
    await page.keyboard.press('Enter');
    await widget(page).locator('h1', { hasText: messages['followup.result.heading'] }).waitFor();
    assert.deepEqual(found, [], 'every answer keeps the person in place');
    assert.deepEqual(problems, []);
    await context.close();
  });
}
