// The monitoring page (issue 12) in headless Chromium against the real service filled by
// `signpost-server demo-data`: an admin made on the command line signs in (the set-password
// link, then the authenticator's code computed here from the key the set-up page shows), opens
// the monitoring page, changes the period, and downloads the CSV, by mouse and by keyboard alone;
// axe-core on each page, and a screenshot at 1280 px; both downloads are in the audit log. A link
// worker of the practice downloads one referral's FHIR R4 Bundle the same two ways, audited too;
// one of another practice gets the 404 page. One admin sign-in serves the whole file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { totp } from './totp.mjs';
import { startServerAndBrowser, stopServerAndBrowser, axeViolations } from './harness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const serverBin = process.env.SIGNPOST_SERVER_BIN ?? join(root, 'target/debug/signpost-server');
const PASSWORD = 'marram-grass tide 4 lighthouse';

let server;
let browser;
let admin;
before(async () => {
  ({ server, browser } = await startServerAndBrowser());
  run(['demo-data', '--referrals', '300', '--months', '12', '--practice', '43210', '--seed', '7']);
});
after(async () => {
  if (admin) await (await admin).context.close();
  await stopServerAndBrowser({ server, browser });
});

function run(args) {
  return execFileSync(serverBin, [...args, '--db', server.db],
    { encoding: 'utf8', env: { ...process.env, RUST_LOG: 'warn' } }).trim();
}

async function expectAccessible(page, where) {
  assert.deepEqual(await axeViolations(page), [], `axe-core violations on ${where}`);
}

/**
 * An account made with `user add` (an admin unless `practices` are given: then a link worker of
 * those), its password set and its authenticator set up, signed in on a page of its own.
 */
async function signedIn(email, practices = []) {
  const role = practices.length ? ['--role', 'link-worker', ...practices.flatMap((p) => ['--practice', p])] : ['--role', 'admin'];
  const link = run(['user', 'add', '--email', email, ...role, '--inbox-origin', server.url]);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(link);
  await page.fill('#password', PASSWORD);
  await page.fill('#confirmation', PASSWORD);
  await page.getByRole('button', { name: 'Create password' }).click();
  await page.waitForURL(/set-up-authenticator|sign-in/);
  if (page.url().includes('/sign-in')) {
    await page.fill('#email', email);
    await page.fill('#password', PASSWORD);
    await page.getByRole('button', { name: /Continue|Sign in/ }).click();
  }
  await page.fill('#code', totp(await page.locator('.sp-inbox-secret').innerText()));
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('button', { name: 'I have saved my recovery codes' }).click();
  await page.waitForURL(`${server.url}/inbox`);
  return { context, page };
}

/** The one admin of this file, signed in once and shared by its tests (a sign-in takes a second). */
function signedInAdmin() {
  admin ??= signedIn('monitoring.lead@nhs.scot');
  return admin;
}

/** The audit log's rows (who, what, referral, detail), as an admin sees them, newest first. */
async function auditRows(query = '') {
  const { page } = await signedInAdmin();
  await page.goto(`${server.url}/inbox/admin/audit-log${query}`);
  await page.locator('h1', { hasText: 'Audit log' }).waitFor();
  return page.locator('tbody tr').evaluateAll((rows) => rows.map((row) => {
    const [, who, what, reference, , detail] = [...row.cells].map((cell) => cell.innerText.trim());
    return { who, what, reference, detail };
  }));
}

/** Presses Tab until `locator` has the focus (at most 80 times). */
async function tabTo(page, locator) {
  for (let i = 0; i < 80; i += 1) {
    await page.keyboard.press('Tab');
    if (await locator.evaluate((e) => e === document.activeElement)) return;
  }
  assert.fail('could not reach the control by keyboard');
}

test('the monitoring page on demo data: figures, a new period, and the CSV by mouse and keyboard', async () => {
  const { page } = await signedInAdmin();
  await page.getByRole('link', { name: 'Monitoring' }).click();
  await page.locator('h1', { hasText: 'Monitoring' }).waitFor();
  assert.match(await page.title(), /^Monitoring – Signpost inbox$/);
  const heading = page.locator('h2').first();
  // The default is twelve whole months to today; the demo's 300 spread over the 365 days before.
  const [, shown] = (await heading.innerText()).match(/^(\d+) referrals, \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d, all practices$/);
  assert.ok(Number(shown) > 200 && Number(shown) <= 300, shown);
  for (const id of ['months', 'practices', 'needs']) {
    const chart = page.locator(`svg[aria-labelledby="${id}-title ${id}-desc"]`);
    assert.equal(await chart.getAttribute('role'), 'img');
    assert.ok((await chart.locator('rect').count()) > 0, `${id} has bars`);
  }
  assert.ok(await page.getByText('WEMWBS (14 items, 14 to 70), baseline completed alone').first().isVisible());
  assert.ok(await page.getByText(/have no follow-up yet/).first().isVisible());
  await expectAccessible(page, 'the monitoring page');
  const shot = join(tmpdir(), 'signpost-monitoring-1280.png');
  await page.screenshot({ path: shot, fullPage: true });
  console.log(`screenshot: ${shot}`);

  // A shorter period, typed and sent by keyboard alone: fewer referrals.
  const today = new Date();
  const from = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 2, 1)).toISOString().slice(0, 10);
  await tabTo(page, page.locator('#from'));
  await page.keyboard.press('Control+A');
  await page.keyboard.type(from);
  await page.keyboard.press('Enter');
  await page.waitForURL(new RegExp(`from=${from}`));
  const fewer = Number((await page.locator('h2').first().innerText()).match(/^([\d,]+) referrals/)[1].replace(/,/g, ''));
  assert.ok(fewer > 0 && fewer < Number(shown), `${fewer} referrals since ${from}`);
  assert.equal(await page.locator('#from').inputValue(), from);
  await expectAccessible(page, 'the monitoring page for a shorter period');

  // The CSV for the same choice, by mouse and then by keyboard.
  const link = page.getByRole('link', { name: /Download the evaluation dataset/ });
  assert.match(await link.getAttribute('href'), new RegExp(`export\\.csv\\?from=${from}&to=`));
  const [byMouse] = await Promise.all([page.waitForEvent('download'), link.click()]);
  await tabTo(page, link);
  const [byKeyboard] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  for (const download of [byMouse, byKeyboard]) {
    assert.match(download.suggestedFilename(), new RegExp(`^signpost-dataset-${from}-to-\\d{4}-\\d\\d-\\d\\d\\.csv$`));
    const text = readFileSync(await download.path(), 'utf8');
    const lines = text.trimEnd().split('\r\n');
    assert.ok(lines[0].startsWith('row,received_month,practice,age_band,postcode_district'), lines[0]);
    assert.ok(lines.length > 1 && lines.length <= fewer + 1, `${lines.length - 1} consenting of ${fewer}`);
    assert.ok(!/07700 900|@example\.com|Example|Sample/.test(text.replace(/Riverside Demo Foodbank|Northfield Example Pantry|Hillhead Sample Welfare Rights/g, '')),
      'no invented name, phone or email in the dataset');
  }
  // Both downloads are in the audit log, by this admin, naming the format and the period.
  const csv = (await auditRows()).filter((row) => row.detail.startsWith(`format=csv `) && row.detail.includes(`from=${from} `));
  assert.equal(csv.length, 2, JSON.stringify(csv));
  for (const row of csv) {
    assert.equal(row.who, 'monitoring.lead@nhs.scot');
    assert.equal(row.what, 'Exported data');
  }
});

test("one referral's FHIR export, by mouse and keyboard, for its practice's link worker alone, and audited", async () => {
  const { context, page } = await signedIn('fhir.worker@nhs.scot', ['43210']);
  const first = page.locator('a[href^="/inbox/referrals/"]').first();
  const href = await first.getAttribute('href');
  const reference = href.split('/').pop();
  await first.click();
  const name = await page.locator('h1').innerText();
  await expectAccessible(page, "a referral's page with its FHIR download");
  const link = page.getByRole('link', { name: 'Download this referral as FHIR R4 (JSON)' });
  assert.equal(await link.getAttribute('href'), `${href}/fhir.json`);
  const [byMouse] = await Promise.all([page.waitForEvent('download'), link.click()]);
  assert.equal(page.url(), `${server.url}${href}`, 'the page stays where it was after a click');
  // By keyboard from the page's heading (where a screen reader's "next heading" lands), forwards.
  await page.locator('h1').evaluate((h) => { h.tabIndex = -1; h.focus(); });
  await tabTo(page, link);
  const [byKeyboard] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  assert.ok(await link.evaluate((e) => e === document.activeElement), 'focus stays on the link after the download');
  assert.equal(page.url(), `${server.url}${href}`, 'the page stays where it was after Enter');
  // GOV.UK's focus: black text on the yellow (the link's blue there is 3.8:1; axe sees no focus).
  assert.deepEqual(await link.evaluate((e) => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]),
    ['rgb(11, 12, 12)', 'rgb(255, 221, 0)']);
  const shot = join(tmpdir(), 'signpost-referral-fhir-1280.png');
  await page.mouse.move(0, 0); // off the link the mouse clicked, so the picture shows focus, not hover
  await page.screenshot({ path: shot }); // the link with the keyboard's focus, as it was left
  console.log(`screenshot: ${shot}`);
  for (const download of [byMouse, byKeyboard]) {
    assert.equal(download.suggestedFilename(), `${reference}.fhir.json`);
    const bundle = JSON.parse(readFileSync(await download.path(), 'utf8'));
    assert.equal(bundle.resourceType, 'Bundle');
    assert.equal(bundle.identifier.value, reference);
    const resources = bundle.entry.map((e) => e.resource);
    for (const kind of ['Patient', 'ServiceRequest', 'Task', 'QuestionnaireResponse', 'Consent']) {
      assert.equal(resources.filter((r) => r.resourceType === kind).length, 1, `the Bundle holds one ${kind}`);
    }
    const entry = (kind) => bundle.entry.find((e) => e.resource.resourceType === kind);
    assert.equal(entry('Patient').resource.name[0].text, name, 'the person on the page');
    const request = entry('ServiceRequest').resource;
    assert.ok(request.code.coding.some((c) => c.system === 'http://snomed.info/sct' && c.code === '871731000000106'),
      JSON.stringify(request.code));
    assert.deepEqual(request.identifier.map((i) => i.value), [reference]);
    assert.equal(entry('Task').resource.focus.reference, entry('ServiceRequest').fullUrl, 'the Task is about the request');
  }

  // A link worker of another practice gets the inbox's 404 page, the same as for a reference
  // that does not exist (so the URL does not even tell them the referral is there).
  const other = await signedIn('other.practice@nhs.scot', ['10001']);
  const refused = await other.page.goto(`${server.url}/inbox/referrals/${reference}/fhir.json`);
  assert.equal(refused.status(), 404);
  assert.match(refused.headers()['content-type'], /^text\/html/);
  assert.equal(await other.page.locator('h1').innerText(), 'Page not found');
  const refusal = await refused.text();
  assert.ok(!refusal.includes('"resourceType"') && !refusal.includes(name), 'nothing of the referral in the refusal');
  await expectAccessible(other.page, 'the 404 page for another practice\'s referral');
  const missing = await other.page.goto(`${server.url}/inbox/referrals/SP-2222-2222/fhir.json`);
  assert.equal(missing.status(), 404);
  assert.equal(await missing.text(), refusal, 'the same page as for no such referral');
  await other.context.close();
  await context.close();

  // Each of the two downloads is in the audit log, by the link worker; the refusal made none.
  const rows = (await auditRows(`?reference=${reference}`)).filter((row) => row.detail === 'format=fhir count=1');
  assert.deepEqual(rows.map((row) => [row.who, row.what, row.reference]),
    [['fhir.worker@nhs.scot', 'Exported data', reference], ['fhir.worker@nhs.scot', 'Exported data', reference]]);
});
