// The four pages the bench compares. Each shows the same 14 WEMWBS statements with the same five
// options and a submit button; the words come from static/instruments/wemwbs.en.json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const LHC_VERSION = '40.1.3';

export const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

// The same host-page styling for every page: a system font and a readable measure.
const HOST_CSS = 'body{font-family:system-ui,sans-serif;margin:0 auto;max-width:44rem;padding:1rem;line-height:1.4}';

export function shell(title, head, body, heading = 'Check in on how you are feeling') {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<link rel="icon" href="data:,">
<style>${HOST_CSS}</style>
${head}
</head>
<body>
<main>
<h1>${esc(heading)}</h1>
${body}
</main>
</body>
</html>
`;
}

/** The peers' one style for native form controls: a fieldset each question, a line each option. */
export const FORM_CSS = '<style>fieldset{margin:0 0 1rem;border:1px solid #bbb}label{display:block;padding:.25rem 0}</style>';

export function loadInstrument(root) {
  return JSON.parse(readFileSync(join(root, 'static/instruments/wemwbs.en.json'), 'utf8'));
}

/** The floor: a plain HTML form, no script at all. It posts to /submit like any form. */
function plainForm(wemwbs) {
  const items = wemwbs.items.map((item) => `<fieldset>
<legend>${esc(item.text)}</legend>
${wemwbs.options.map((o) => `<label><input type="radio" name="item-${item.number}" value="${o.value}" required> ${esc(o.label)}</label>`).join('\n')}
</fieldset>`).join('\n');
  return shell('Wellbeing check-in – plain HTML form',
    FORM_CSS,
    `<p>${esc(wemwbs.instruction)}</p>
<form method="post" action="/submit">
${items}
<button type="submit">Send my answers</button>
</form>`);
}

/** SurveyJS (survey-core + survey-js-ui): 14 radiogroup questions on one page. */
function surveyJs(wemwbs) {
  const json = {
    showQuestionNumbers: 'off', completeText: 'Send my answers', description: wemwbs.instruction,
    pages: [{
      name: 'scale',
      elements: wemwbs.items.map((item) => ({
        type: 'radiogroup', name: `item${item.number}`, title: item.text, isRequired: true,
        choices: wemwbs.options.map((o) => ({ value: o.value, text: o.label })),
      })),
    }],
  };
  // The fontless stylesheet: the default one loads Open Sans from fonts.gstatic.com, which a
  // local comparison cannot (and should not) reach.
  return shell('Wellbeing check-in – SurveyJS', `<link rel="stylesheet" href="/vendor/survey-core/survey-core.fontless.min.css">
<script defer src="/vendor/survey-core/survey.core.min.js"></script>
<script defer src="/vendor/survey-js-ui/survey-js-ui.min.js"></script>`,
  `<div id="survey"></div>
<script>
document.addEventListener('DOMContentLoaded', function () {
  var survey = new Survey.Model(${JSON.stringify(json)});
  survey.onComplete.add(function (sender) {
    fetch('/submit', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sender.data) })
      .then(function (r) { if (r.ok) { var p = document.createElement('p'); p.id = 'result'; p.textContent = 'Thank you. Your answers have been sent'; document.querySelector('main').append(p); } });
  });
  survey.render(document.getElementById('survey'));
});
</script>`);
}

/**
 * Preact, hand-written: one small app in the page (a Component class; `preact.mjs` its only
 * import, no build step), 14 fieldsets of native radios whose answers it keeps in its state, and
 * a submit that posts them as JSON to /submit, then a result line.
 */
function preact(wemwbs) {
  const scale = { items: wemwbs.items.map((item) => ({ n: item.number, text: item.text })), options: wemwbs.options };
  return shell('Wellbeing check-in – Preact', `${FORM_CSS}
<link rel="modulepreload" href="/vendor/preact/dist/preact.mjs">`, `<p>${esc(wemwbs.instruction)}</p>
<div id="app"></div>
<script type="module">
import { h, render, Component } from '/vendor/preact/dist/preact.mjs';
const scale = ${JSON.stringify(scale).replace(/</g, '\\u003c')};
class CheckIn extends Component {
  state = { answers: {}, sent: false };
  send = async (event) => {
    event.preventDefault();
    const r = await fetch('/submit', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(this.state.answers) });
    if (r.ok) this.setState({ sent: true });
  };
  render(_, { answers, sent }) {
    if (sent) return h('p', { id: 'result' }, 'Thank you. Your answers have been sent');
    return h('form', { onSubmit: this.send },
      scale.items.map((item) => h('fieldset', { key: item.n }, h('legend', null, item.text),
        scale.options.map((o) => h('label', { key: o.value }, h('input', {
          type: 'radio', name: 'item-' + item.n, value: o.value, required: true, checked: answers[item.n] === o.value,
          onChange: () => this.setState({ answers: { ...answers, [item.n]: o.value } }),
        }), ' ', o.label)))),
      h('button', { type: 'submit' }, 'Send my answers'));
  }
}
render(h(CheckIn), document.getElementById('app'));
</script>`);
}

/** LHC-Forms: the <wc-lhc-form> web component given an R4 Questionnaire with radio buttons. */
function lhcForms(wemwbs) {
  const radio = {
    url: 'http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl',
    valueCodeableConcept: { coding: [{ system: 'http://hl7.org/fhir/questionnaire-item-control', code: 'radio-button', display: 'Radio Button' }] },
  };
  const questionnaire = {
    resourceType: 'Questionnaire', status: 'active', title: 'Wellbeing check-in',
    item: wemwbs.items.map((item) => ({
      linkId: `item${item.number}`, text: item.text, type: 'choice', required: true, extension: [radio],
      answerOption: wemwbs.options.map((o) => ({ valueCoding: { system: 'urn:signpost:bench:wemwbs', code: String(o.value), display: o.label } })),
    })),
  };
  const base = `/vendor/lforms`;
  // The files and order its README gives: styles, zone.js, runtime, polyfills, main, one FHIR library.
  return shell('Wellbeing check-in – LHC-Forms', `<link rel="stylesheet" href="${base}/webcomponent/styles.css">
<script defer src="${base}/webcomponent/assets/lib/zone.min.js"></script>
<script type="module" src="${base}/webcomponent/runtime.js"></script>
<script type="module" src="${base}/webcomponent/polyfills.js"></script>
<script type="module" src="${base}/webcomponent/main.js"></script>
<script defer src="${base}/fhir/R4/lformsFHIR.min.js"></script>`,
  `<p>${esc(wemwbs.instruction)}</p>
<div id="form"></div>
<button type="button" id="send">Send my answers</button>
<script type="module">
const form = document.createElement('wc-lhc-form');
form.fhirVersion = 'R4';
form.questionnaire = ${JSON.stringify(questionnaire)};
document.getElementById('form').append(form);
document.getElementById('send').addEventListener('click', async () => {
  const response = LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4', document.getElementById('form'));
  const r = await fetch('/submit', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(response) });
  if (r.ok) { const p = document.createElement('p'); p.id = 'result'; p.textContent = 'Thank you. Your answers have been sent'; document.querySelector('main').append(p); }
});
</script>`);
}

/**
 * Signpost's page: the embed snippet exactly as the shipped follow-up demo page has it (its
 * preloads, its module script and its <signpost-widget mode="follow-up"> element, read from
 * dist/demo/follow-up.html so the bench follows the widget as it changes), on the same host page as
 * the peers.
 */
function signpost(distDir) {
  const demo = readFileSync(join(distDir, 'demo/follow-up.html'), 'utf8');
  const head = demo.match(/<(link|script)\b[^>]*\/widget\/[^>]*>(<\/script>)?/g) ?? [];
  const element = demo.match(/<signpost-widget\b[^>]*><\/signpost-widget>/)?.[0];
  if (!head.length || !element) throw new Error('dist/demo/follow-up.html: no embed snippet found');
  return shell('Wellbeing check-in – Signpost', head.join('\n'), element);
}

export function buildPages(root, distDir) {
  const wemwbs = loadInstrument(root);
  return {
    '/pages/floor.html': plainForm(wemwbs),
    '/pages/surveyjs.html': surveyJs(wemwbs),
    '/pages/preact.html': preact(wemwbs),
    '/pages/lhc-forms.html': lhcForms(wemwbs),
    '/pages/signpost.html': signpost(distDir),
  };
}
