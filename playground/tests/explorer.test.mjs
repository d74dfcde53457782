// The explorer at `/`: search, entity pages, graph, live updates, and that
// no page asks any host but the server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { graphql, launchBrowser, openPage, reportTransfer, screenshot, startServer } from './harness.mjs';

let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const MEETING = 'meeting:sco-prosecutors-general-20';
const MEETING_NAME = '20th Meeting of the Prosecutors General of the SCO Member States';
const href = (id) => `#/entity/${encodeURIComponent(id)}`;

test('search finds Berik Asylov from "Assylov", then his 20th meeting with attendees and sources', async () => {
  const { context, page, offHost, problems } = await openPage(browser, server.base);
  try {
    await page.goto(server.base + '/');
    const box = page.getByRole('searchbox', { name: 'Search' });
    await box.pressSequentially('Assylov', { delay: 40 });
    const hit = page.locator('a.search-hit', { hasText: 'Berik Asylov' });
    await hit.first().waitFor();
    await screenshot(page, 'search');
    await hit.first().click();
    await page.locator('h1', { hasText: 'Berik Asylov' }).waitFor();
    assert.match(page.url(), /#\/entity\/person(%3A|:)berik-asylov$/);
    await page.locator('#tenures table').waitFor();
    await screenshot(page, 'person');

    await page.locator(`#attendances a[href="${href(MEETING)}"]`).first().click();
    await page.locator('h1', { hasText: MEETING_NAME }).waitFor();
    const rows = page.locator('table.attendees tbody tr');
    await rows.first().waitFor();
    assert.ok((await rows.count()) >= 5, 'attendees listed');
    await page.locator('table.attendees', { hasText: 'Berik Asylov' }).waitFor();
    const source = page.locator('table.attendees a.source-link').first();
    const url = await source.getAttribute('href');
    assert.ok(url && url.length > 1, 'attendance has a source link');
    await source.hover();
    await page.locator('table.attendees .cite .pop').first().waitFor({ state: 'visible' });
    await screenshot(page, 'meeting');
    assert.deepEqual(offHost, [], 'requests to other hosts');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('graph view draws the neighbourhood and expands a node on click', async () => {
  const { context, page, offHost, problems } = await openPage(browser, server.base);
  try {
    await page.goto(`${server.base}/#/graph/${encodeURIComponent('person:berik-asylov')}`);
    await page.waitForFunction(() => Number(document.querySelector('#cy')?.dataset.nodes) > 1);
    const before = await page.evaluate(() => window.__attacheCy.nodes().length);
    assert.ok(before > 1, `nodes drawn: ${before}`);
    assert.ok((await page.locator('#cy canvas').count()) > 0, 'cytoscape canvas');
    // Expand the meeting: its neighbourhood (attendees) merges in.
    await page.evaluate((id) => {
      window.__attacheCy.getElementById(id).emit('tap'); // return nothing: a collection is slow to serialize
    }, MEETING);
    await page.waitForFunction((n) => window.__attacheCy.nodes().length > n, before);
    const after = await page.evaluate(() => window.__attacheCy.nodes().length);
    assert.ok(after > before && after <= 300, `expanded ${before} → ${after}`);
    await page.locator('.graph-status', { hasText: 'Drawing' }).waitFor();
    await page.waitForTimeout(300);
    await screenshot(page, 'graph');
    assert.deepEqual(offHost, []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a new attendee linked over HTTP appears on the open meeting page without reload', async () => {
  const { context, page, offHost, problems } = await openPage(browser, server.base);
  try {
    await page.goto(`${server.base}/${href(MEETING)}`);
    await page.locator('table.attendees tbody tr').first().waitFor();
    await page.locator('[data-live="on"]').waitFor();
    await page.evaluate(() => {
      window.__noReload = true;
    });
    await page.waitForTimeout(500); // let the server register the subscription
    await graphql(
      server.base,
      `mutation {
        createPerson(input: { id: "person:test-live-attendee", name: "Livia Testperson" }) { id }
        link(input: { kind: ATTENDED, from: "person:test-live-attendee", to: "${MEETING}", mode: ONLINE, role: OBSERVER }) { id }
      }`,
    );
    await page.locator('table.attendees tr', { hasText: 'Livia Testperson' }).waitFor({ timeout: 10_000 });
    assert.equal(await page.evaluate(() => window.__noReload), true, 'page was not reloaded');
    await page.locator('table.attendees tr', { hasText: 'Livia Testperson' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'live-update');
    assert.deepEqual(offHost, []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('every explorer page loads and asks no other host', async () => {
  const pages = [
    ['home', '/', 'h1'],
    ['timeline', '/#/timeline', 'ol.tl li'],
    ['dashboard', '/#/dashboard', '.chart canvas'],
    ['office', `/${href('office:prosecutor-general-kz')}`, 'h1'],
    ['source', `/${href('source:kazinform-en-2022-09-23')}`, 'h1'],
  ];
  for (const [name, path, ready] of pages) {
    const { context, page, offHost, problems, loads } = await openPage(browser, server.base);
    try {
      await page.goto(server.base + path);
      await page.locator(ready).first().waitFor();
      await page.waitForLoadState('networkidle');
      if (name === 'home') reportTransfer('/', loads);
      await screenshot(page, name);
      assert.deepEqual(offHost, [], `${name}: requests to other hosts`);
      assert.deepEqual(problems, [], `${name}: problems`);
    } finally {
      await context.close();
    }
  }
});
