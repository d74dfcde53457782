// Places inside places and standing over time in the explorer, on the seed
// data plus the two Bishkek reports (tests/fixtures/reports/): the city page
// lists the residence inside it and the meeting held there, the SCO page
// shows who was an observer on a date, and the 2019 meeting groups its
// attendees by their states' standing that day.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { graphql, launchBrowser, openPage, screenshot, startServer } from './harness.mjs';

const REPORTS = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'tests', 'fixtures', 'reports');
const href = (id) => `#/entity/${encodeURIComponent(id)}`;

let server;
let browser;
before(async () => {
  server = await startServer();
  for (const name of ['bishkek-2019.json', 'bishkek-2024.json']) {
    await graphql(server.base, 'mutation($d: String!, $n: String!) { import(document: $d, name: $n) { records } }', {
      d: readFileSync(resolve(REPORTS, name), 'utf8'),
      n: name,
    });
  }
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the Bishkek page lists the residence inside it and the meeting held there', async () => {
  const { context, page, offHost, problems } = await openPage(browser, server.base);
  try {
    await page.goto(`${server.base}/${href('place:bishkek')}`);
    await page.locator('#places-inside a', { hasText: 'Ala-Archa State Residence' }).waitFor();
    const meetings = page.locator('table.place-meetings tbody tr');
    await page.locator('table.place-meetings', { hasText: '22nd Meeting' }).waitFor();
    assert.equal(await meetings.count(), 2);
    await page.locator('table.place-meetings tr', { hasText: 'Ala-Archa State Residence' }).waitFor();
    await screenshot(page, 'place-inside');
    await page.goto(`${server.base}/${href('place:ala-archa-state-residence')}`);
    await page.locator('[data-testid="within"]', { hasText: 'Kyrgyzstan' }).waitFor();
    assert.deepEqual(offHost, []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the SCO page shows the observer states on the 2019 meeting date', async () => {
  const { context, page, offHost, problems } = await openPage(browser, server.base);
  try {
    await page.goto(`${server.base}/${href('organization:sco')}`);
    await page.locator('table.members tbody tr').first().waitFor();
    await page.locator('input[name="at"]').fill('2019-10-01');
    await page.locator('select[name="status"]').selectOption('OBSERVER');
    await page.locator('#members h2', { hasText: 'Standing on 2019-10-01' }).waitFor();
    const rows = page.locator('table.members tbody tr');
    await page.waitForFunction(() => document.querySelectorAll('table.members tbody tr').length === 3);
    const text = await rows.allInnerTexts();
    for (const state of ['Belarus', 'Iran', 'Mongolia']) {
      assert.ok(text.some((t) => t.includes(state)), `${state} listed: ${text}`);
    }
    await screenshot(page, 'members-at');
    assert.deepEqual(offHost, []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the 2019 meeting groups its attendees by their standing that day', async () => {
  const { context, page, offHost, problems } = await openPage(browser, server.base);
  try {
    await page.goto(`${server.base}/${href('meeting:sco-prosecutors-general-17')}`);
    const observers = page.locator('table.by-status tr[data-status="OBSERVER"]');
    await observers.waitFor();
    const text = await observers.innerText();
    for (const state of ['Belarus', 'Iran', 'Mongolia']) assert.ok(text.includes(state), text);
    await page.locator('table.by-status tr[data-status="DIALOGUE_PARTNER"]', { hasText: 'Armenia' }).waitFor();
    await screenshot(page, 'by-status');
    assert.deepEqual(offHost, []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the timeline filtered to Bishkek includes the meeting at the residence inside it', async () => {
  const { context, page, offHost, problems } = await openPage(browser, server.base);
  try {
    await page.goto(`${server.base}/#/timeline`);
    await page.locator('ol.tl li').first().waitFor();
    await page.locator('select[name="place"] option[value="place:bishkek"]').waitFor({ state: 'attached' });
    await page.locator('select[name="place"]').selectOption('place:bishkek');
    await page.locator('.timeline p.muted', { hasText: '2 meetings' }).waitFor();
    await page.locator('ol.tl', { hasText: '22nd Meeting' }).waitFor();
    await screenshot(page, 'timeline-place');
    assert.deepEqual(offHost, []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the dashboard counts attendances by their states standing on the day', async () => {
  const { context, page, offHost, problems } = await openPage(browser, server.base);
  try {
    await page.goto(`${server.base}/#/dashboard`);
    await page.locator('table.by-status tr', { hasText: 'observer' }).waitFor();
    await page.locator('table.by-status tr', { hasText: 'dialogue partner' }).waitFor();
    assert.deepEqual(offHost, []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
