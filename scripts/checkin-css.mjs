// Writes the follow-up check-in build's style sheet: the widget's (already minified) without the
// rules for what only a referral draws, which the check-in build has no code for (text fields,
// checkboxes, dates, the back link and progress, the start page, check your answers, the
// confirmation's reference, the idle warning, assisted mode's larger targets). A returning
// patient's page downloads 0.6 KiB less (brotli), which brings the follow-up page under the
// 100 KiB budget on the desktop profile, where the wasm comes first.
// tests/journeys/assisted_follow_up.test.mjs checks that every class the follow-up pages draw
// keeps its rules here.
// Usage: node scripts/checkin-css.mjs IN.css OUT.css
import { readFileSync, writeFileSync } from 'node:fs';
import * as csso from 'csso';

const [input, output] = process.argv.slice(2);
if (!input || !output) throw new Error('usage: checkin-css.mjs IN.css OUT.css');
// The referral's own components (src/components/, src/pages/referral/ and the assisted mode), as
// prefixes: `.sp-input` covers its modifiers, `.sp-checkboxes` its parts.
const REFERRAL_ONLY = /\.sp-(checkboxes|conditional|date-input|dialog|input|textarea|label-wrapper|summary-list|reference|widget--touch|back-link|progress|notice|button--start|heading-m|label)/;

const ast = csso.syntax.parse(readFileSync(input, 'utf8'));
csso.syntax.walk(ast, {
  visit: 'Rule',
  enter(rule, item, list) {
    // A selector list keeps its selectors that apply here; a rule left with none goes.
    rule.prelude.children?.forEach((selector, entry, selectors) => {
      if (REFERRAL_ONLY.test(csso.syntax.generate(selector))) selectors.remove(entry);
    });
    if (rule.prelude.children?.isEmpty) list.remove(item);
  },
});
writeFileSync(output, csso.syntax.generate(ast));
