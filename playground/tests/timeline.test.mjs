// The timeline (issue 14): newest meetings first by default, and a date
// range that keeps the meetings whose dates may fall in it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { graphql, launchBrowser, openPage, screenshot, startServer } from './harness.mjs';

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

const ids = (page) => page.locator('ol.tl li a.entity-link').evaluateAll((as) => as.map((a) => decodeURIComponent(a.getAttribute('href').replace('#/entity/', ''))));
const order = (args) =>
  graphql(server.base, `{ meetings(first: 20, orderBy: { field: DATE, direction: DESC }${args}) { totalCount nodes { id } } }`).then((d) => d.meetings);

test('the timeline lists the newest meetings first', async () => {
  const want = await order('');
  const { context, page, offHost, problems } = await openPage(browser, server.base);
  try {
    await page.goto(`${server.base}/#/timeline`);
    await page.locator('ol.tl li').first().waitFor();
    await page.locator('.timeline p.muted', { hasText: `${want.totalCount} meetings` }).waitFor();
    assert.deepEqual(await ids(page), want.nodes.map((n) => n.id));
    // The 20th meeting (2022-09-23) before its experts' meetings earlier that month.
    const list = await ids(page);
    assert.ok(list.indexOf('meeting:sco-prosecutors-general-20') < list.indexOf('meeting:sco-prosecutors-general-20-experts-group-2022-09-13'));
    await page.getByRole('combobox', { name: 'order' }).selectOption('ASC');
    await page.waitForFunction(() => document.querySelector('ol.tl li a.entity-link')?.getAttribute('href').includes('2022-09-08'));
    await page.getByRole('combobox', { name: 'order' }).selectOption('DESC');
    await page.waitForFunction(() => document.querySelector('ol.tl li a.entity-link')?.getAttribute('href').endsWith('general-20'));
    await screenshot(page, 'timeline-newest-first');
    assert.deepEqual(offHost, []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a date range keeps only the meetings that may fall in it', async () => {
  const want = await order(', from: "2022-09-10", to: "2022-09-20"');
  assert.deepEqual(want.nodes.map((n) => n.id), ['meeting:sco-prosecutors-general-20-experts-group-2022-09-13']);
  const { context, page, problems } = await openPage(browser, server.base);
  try {
    await page.goto(`${server.base}/#/timeline`);
    await page.locator('ol.tl li').first().waitFor();
    await page.getByRole('textbox', { name: 'from' }).fill('2022-09-10');
    await page.getByRole('textbox', { name: 'to' }).fill('2022-09-20');
    await page.locator('.timeline p.muted', { hasText: '1 meeting; showing 1.' }).waitFor();
    assert.deepEqual(await ids(page), want.nodes.map((n) => n.id));
    await screenshot(page, 'timeline-date-range');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
