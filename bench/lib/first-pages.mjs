// The pages a person opens first on a referral: a start page with *Start now*, the first question
// (*Do you need help urgently today?*), what they would like help with, and the follow-up page the
// answer opens. The peers' versions are built here from the widget's own questionnaire
// (static/questionnaire/default.json) and English words (static/i18n/en.json): a plain HTML floor
// (one document per page, no script), a hand-written Preact app, and SurveyJS (one model, a start
// page, `visibleIf` branching).
// Signpost's are the demo pages themselves (`/`, `/demo/assisted.html`), served as dist/ has them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { esc, shell, FORM_CSS } from './pages.mjs';

// How far the journey goes: the question pages up to the first follow-up page.
const FIRST_PAGES = 3;

function questionnaire(root) {
  const file = JSON.parse(readFileSync(join(root, 'static/questionnaire/default.json'), 'utf8'));
  const words = JSON.parse(readFileSync(join(root, 'static/i18n/en.json'), 'utf8'));
  const t = (key) => words[key] ?? key;
  // Each question with its words, and the options a person picks from.
  const questions = (page) => page.questions.map((q) => ({
    id: q.id, type: q.type, required: q.required,
    label: t(`question.${q.id}.label`), hint: words[`question.${q.id}.hint`],
    options: q.type === 'yes_no' ? [['yes', t('common.yes')], ['no', t('common.no')]]
      : (q.options ?? []).map((o) => [o, t(`question.${q.id}.option.${o}`)]),
  }));
  return { words, t, pages: file.pages.map((p) => ({ id: p.id, showIf: p.show_if, questions: questions(p) })) };
}

function startText({ t }) {
  return ['start.intro', 'start.who_reads', 'start.time', 'start.not_emergency', 'start.privacy'].map((k) => `<p>${esc(t(k))}</p>`).join('\n');
}

/**
 * The floor: each page its own document, a plain GET form and no script. Branching would be the
 * server's work (a redirect), which costs the browser nothing; the needs page here goes straight
 * to the page for the need the scripted person chooses (money and debt).
 */
function floorPages(q, base) {
  const { t } = q;
  const field = (question) => {
    const control = question.type === 'multiple_choice' ? 'checkbox' : 'radio';
    const options = question.options.map(([value, text]) =>
      `<label><input type="${control}" name="answers.${question.id}" value="${esc(value)}"${control === 'radio' && question.required ? ' required' : ''}> ${esc(text)}</label>`).join('\n');
    return `<fieldset><legend>${esc(question.label)}</legend>${question.hint ? `<p>${esc(question.hint)}</p>` : ''}\n${options}\n</fieldset>`;
  };
  const form = (page, next) => shell(`${q.pages[0].questions[0].label} – plain HTML`, FORM_CSS,
    `<form method="get" action="${next}">\n${page.questions.map(field).join('\n')}\n<button type="submit">${esc(t('common.continue'))}</button>\n</form>`, t('start.heading'));
  const [urgent, needs] = q.pages;
  const money = q.pages.find((p) => p.id === 'about_money_and_debt');
  return {
    [`${base}/start.html`]: shell(`${t('start.heading')} – plain HTML`, FORM_CSS,
      `${startText(q)}\n<form method="get" action="${base}/urgent.html"><button type="submit">${esc(t('start.button'))}</button></form>`, t('start.heading')),
    [`${base}/urgent.html`]: form(urgent, `${base}/needs.html`),
    [`${base}/needs.html`]: form(needs, `${base}/about_money_and_debt.html`),
    [`${base}/about_money_and_debt.html`]: form(money, `${base}/done.html`),
  };
}

/** SurveyJS: the start page, then every questionnaire page, the follow-up ones shown by `visibleIf`. */
function surveyJsPage(q) {
  const { t } = q;
  const element = (question) => ({
    type: { yes_no: 'radiogroup', single_choice: 'radiogroup', multiple_choice: 'checkbox', long_text: 'comment' }[question.type] ?? 'text',
    name: question.id, title: question.label, description: question.hint, isRequired: question.required,
    ...(question.options.length ? { choices: question.options.map(([value, text]) => ({ value, text })) } : {}),
  });
  const json = {
    showQuestionNumbers: 'off', firstPageIsStartPage: true, startSurveyText: t('start.button'),
    pageNextText: t('common.continue'), pagePrevText: t('common.back'), completeText: t('consent.send'),
    pages: [
      { name: 'start', elements: [{ type: 'html', name: 'intro', html: startText(q) }] },
      ...q.pages.map((page) => ({
        name: page.id, elements: page.questions.map(element),
        ...(page.showIf ? { visibleIf: `{${page.showIf.question}} contains '${page.showIf.includes}'` } : {}),
      })),
    ],
  };
  return shell(`${t('start.heading')} – SurveyJS`, `<link rel="stylesheet" href="/vendor/survey-core/survey-core.fontless.min.css">
<script defer src="/vendor/survey-core/survey.core.min.js"></script>
<script defer src="/vendor/survey-js-ui/survey-js-ui.min.js"></script>`,
  `<div id="survey"></div>
<script>
document.addEventListener('DOMContentLoaded', function () {
  new Survey.Model(${JSON.stringify(json)}).render(document.getElementById('survey'));
});
</script>`, t('start.heading'));
}

/**
 * Preact, hand-written: the start page and every questionnaire page in one small app (no build
 * step, no hooks: the Component class from preact's own module, the one file it imports). Each
 * page is a form of native controls as the floor's; *Continue* goes to the next page whose
 * `show_if` holds, and focus moves to the new page's heading, as Signpost's does.
 */
function preactPage(q, { assisted = false } = {}) {
  const { t } = q;
  // The assisted start page: its own words, and the volunteer's box to tick before Start.
  const start = assisted ? ['assisted.intro', 'assisted.speak_to_person'].map((k) => `<p>${esc(t(k))}</p>`).join('\n') : startText(q);
  const words = { start, startButton: t('start.button'), continue: t('common.continue'), assisted,
    presentLegend: t('assisted.present_legend'), present: t('assisted.present'), missing: t('error.volunteer_confirmation') };
  return shell(`${t(assisted ? 'assisted.heading' : 'start.heading')} – Preact`, `${FORM_CSS}
<link rel="modulepreload" href="/vendor/preact/dist/preact.mjs">`, `<div id="app"></div>
<script type="module">
import { h, render, Component } from '/vendor/preact/dist/preact.mjs';
const pages = ${JSON.stringify(q.pages).replace(/</g, '\\u003c')};
const words = ${JSON.stringify(words).replace(/</g, '\\u003c')};
const shows = (page, answers) => !page.showIf || (answers[page.showIf.question] ?? []).includes(page.showIf.includes);

function field(question, answers, set) {
  const choice = { yes_no: 'radio', single_choice: 'radio', multiple_choice: 'checkbox' }[question.type];
  const value = answers[question.id];
  if (!choice) {
    const input = question.type === 'long_text' ? 'textarea' : 'input';
    return h('p', null, h('label', null, question.label, h(input, { name: question.id, value: value ?? '', onInput: (e) => set(question.id, e.target.value) })));
  }
  return h('fieldset', null, h('legend', null, question.label), question.hint && h('p', null, question.hint),
    question.options.map(([option, text]) => h('label', { key: option }, h('input', {
      type: choice, name: 'answers.' + question.id, value: option, required: choice === 'radio' && question.required,
      checked: choice === 'radio' ? value === option : (value ?? []).includes(option),
      onChange: (e) => set(question.id, choice === 'radio' ? option
        : e.target.checked ? [...(value ?? []), option] : (value ?? []).filter((v) => v !== option)),
    }), ' ', text)));
}

class App extends Component {
  state = { at: -1, answers: {} };
  set = (id, value) => this.setState({ answers: { ...this.state.answers, [id]: value } });
  next = (event) => {
    event.preventDefault();
    const { at, answers } = this.state;
    let to = at + 1;
    while (to < pages.length && !shows(pages[to], answers)) to++;
    this.setState({ at: to });
  };
  componentDidUpdate(_, before) { if (before.at !== this.state.at) this.base.querySelector('h2')?.focus(); }
  render(_, { at, answers }) {
    if (at < 0) return h('div', null, h('div', { dangerouslySetInnerHTML: { __html: words.start } }),
      words.assisted && h('fieldset', null, h('legend', null, words.presentLegend),
        this.state.missing && h('p', { role: 'alert' }, words.missing),
        h('label', null, h('input', { type: 'checkbox', checked: !!answers.present, onChange: (e) => this.set('present', e.target.checked) }), ' ', words.present)),
      h('button', { type: 'button', onClick: (e) => (words.assisted && !answers.present ? this.setState({ missing: true }) : this.next(e)) }, words.startButton));
    const page = pages[at];
    if (!page) return h('h2', { tabIndex: -1 }, 'Done');
    return h('form', { key: page.id, onSubmit: this.next },
      h('h2', { tabIndex: -1 }, page.questions[0].label),
      page.questions.map((question) => h('div', { key: question.id }, field(question, answers, this.set))),
      h('button', { type: 'submit' }, words.continue));
  }
}
render(h(App), document.getElementById('app'));
</script>`, t(assisted ? 'assisted.heading' : 'start.heading'));
}

export function buildFirstPages(root) {
  const q = questionnaire(root);
  return { ...floorPages(q, '/pages/referral/floor'), '/pages/referral/surveyjs.html': surveyJsPage(q), '/pages/referral/preact.html': preactPage(q),
    '/pages/referral/preact-assisted.html': preactPage(q, { assisted: true }) };
}

/** The journeys, by page id: how to reach each and how to answer on it. */
export function firstPageJourneys(root, origin, surveyJsVersion, preactVersion) {
  const { t } = questionnaire(root);
  const named = (page, question, value) => page.locator(`input[name="answers.${question}"][value="${value}"]`);
  const button = (page, name) => page.getByRole('button', { name, exact: true });
  const common = {
    startLabel: t('start.button'),
    start: (page) => button(page, t('start.button')),
    next: (page) => button(page, t('common.continue')),
    choose: named,
  };
  return {
    'floor-start': { ...common, name: 'plain HTML (floor)', short: 'floor', url: `${origin}/pages/referral/floor/start.html` },
    'preact-start': { ...common, name: `Preact ${preactVersion}`, short: 'Preact', url: `${origin}/pages/referral/preact.html` },
    'surveyjs-start': {
      ...common, name: `SurveyJS ${surveyJsVersion}`, short: 'SJS', url: `${origin}/pages/referral/surveyjs.html`,
      // SurveyJS hides the native input and names it `<question>_<id>` (a radio) or
      // `<question><value>` (a checkbox): its label is what a person clicks.
      choose: (page, question, value) => page.locator(`label:has(input[name^="${question}"][value="${value}"])`),
    },
    self: { ...common, name: 'Signpost self (/)', short: 'self', subject: true, url: `${origin}/` },
    assisted: {
      ...common, name: 'Signpost assisted', short: 'asst', subject: true, url: `${origin}/demo/assisted.html`, beforeStart: tickTheBox,
    },
    'preact-assisted': { ...common, name: `Preact ${preactVersion} assisted`, short: 'P-asst', url: `${origin}/pages/referral/preact-assisted.html`, beforeStart: tickTheBox },
  };
}

/**
 * The volunteer confirms the person is there before starting: a mouse press straight at the box,
 * as at *Start now* (Playwright's check() adds its actionability checks, 130 to 220 ms with a 4×
 * slower CPU, which were counted in the first question's time). In the widget's shadow root, or
 * the page.
 */
async function tickTheBox(page) {
  const at = await page.evaluate(() => {
    const box = (document.querySelector('signpost-widget')?.shadowRoot ?? document).querySelector('input[type=checkbox]');
    box.scrollIntoView({ block: 'center' });
    const { left, top, width, height } = box.getBoundingClientRect();
    return { x: left + width / 2, y: top + height / 2 };
  });
  await page.mouse.click(at.x, at.y);
}

export const FIRST_PAGE_IDS = ['floor-start', 'preact-start', 'preact-assisted', 'surveyjs-start', 'self', 'assisted'];
export { FIRST_PAGES };
