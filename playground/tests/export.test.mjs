// The "Export" menu (issue 15): an entity page downloads its neighbourhood,
// the timeline the meetings its filters keep, in the format chosen, through
// `GET /export` with the token given in the top bar.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { TOKEN, graphql, launchBrowser, openPage, screenshot, startServer } from './harness.mjs';

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

const SCO = 'meeting:sco-prosecutors-general-20';

/** Gives the harness's token in the top bar, as a user would. */
async function giveToken(page) {
  await page.getByRole('button', { name: 'Token…' }).click();
  await page.getByLabel('Token', { exact: true }).fill(TOKEN);
  await page.getByRole('button', { name: 'Use' }).click();
  await page.getByRole('button', { name: /Token set/ }).waitFor();
}

/** Opens the menu called `title`, picks `format` (and `hops`), and returns the downloaded file. */
async function exportFrom(page, title, format, hops) {
  await page.locator('summary', { hasText: title }).click();
  await page.locator('select[name="export-format"]').selectOption(format);
  if (hops) await page.locator('select[name="export-hops"]').selectOption(hops);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download' }).click()]);
  return { name: dl.suggestedFilename(), text: readFileSync(await dl.path(), 'utf8') };
}

test('an entity page exports its neighbourhood, one relation away, as Attaché JSON', async () => {
  const { context, page, problems } = await openPage(browser, server.base);
  try {
    await page.goto(`${server.base}/#/entity/${encodeURIComponent(SCO)}`);
    await page.locator('h1', { hasText: 'Prosecutors' }).first().waitFor();
    await giveToken(page);
    const file = await exportFrom(page, 'Export', 'attache', '1');
    assert.equal(file.name, 'attache-around-meeting-sco-prosecutors-general-20-1.json');
    const doc = JSON.parse(file.text);
    const ids = doc.nodes.map((n) => n.id);
    // The meeting, everyone who attended it and where it was held.
    for (const id of [SCO, 'person:berik-asylov', 'person:igor-krasnov', 'place:astana']) assert.ok(ids.includes(id), id);
    // Every relation is the meeting's own (one relation away, none between the others but theirs).
    assert.ok(doc.relations.length > 0);
    await screenshot(page, 'export-entity-menu');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('two relations away as GraphML: a file the browser parses, naming the nodes reached', async () => {
  const { context, page, problems } = await openPage(browser, server.base);
  try {
    await page.goto(`${server.base}/#/entity/person%3Aberik-asylov`);
    await page.locator('h1', { hasText: 'Asylov' }).first().waitFor();
    await giveToken(page);
    const file = await exportFrom(page, 'Export', 'graphml', '2');
    assert.equal(file.name, 'attache-around-person-berik-asylov-2.graphml');
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'application/xml');
      return {
        error: doc.getElementsByTagName('parsererror').length > 0,
        root: doc.documentElement.localName,
        nodes: [...doc.getElementsByTagName('node')].map((n) => n.getAttribute('id')),
      };
    }, file.text);
    assert.equal(parsed.error, false);
    assert.equal(parsed.root, 'graphml');
    // Two relations away: his meeting's other attendees.
    for (const id of ['person:berik-asylov', SCO, 'person:zhang-ming']) assert.ok(parsed.nodes.includes(id), id);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the timeline exports the meetings its filters keep', async () => {
  const { context, page, problems } = await openPage(browser, server.base);
  try {
    await page.goto(`${server.base}/#/timeline`);
    await page.locator('h1', { hasText: 'Timeline of meetings' }).waitFor();
    await giveToken(page);
    await page.locator('input[name="from"]').fill('2022-09');
    await page.locator('input[name="to"]').fill('2022-09');
    const d = await graphql(server.base, '{ meetings(from: "2022-09", to: "2022-09", first: 100) { totalCount nodes { id } } }');
    await page.getByText(`${d.meetings.totalCount} meeting`).first().waitFor();
    const file = await exportFrom(page, 'Export these meetings', 'attache');
    assert.equal(file.name, 'attache-meetings.json');
    const ids = JSON.parse(file.text).nodes.map((n) => n.id);
    for (const m of d.meetings.nodes) assert.ok(ids.includes(m.id), m.id);
    await screenshot(page, 'export-timeline-menu');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('CSV offers the files of the export and downloads the one picked', async () => {
  const { context, page, problems } = await openPage(browser, server.base);
  try {
    await page.goto(`${server.base}/#/entity/${encodeURIComponent(SCO)}`);
    await page.locator('h1', { hasText: 'Prosecutors' }).first().waitFor();
    await giveToken(page);
    const parts = (await graphql(server.base, 'query($id: ID!) { exportParts(format: CSV, around: $id) }', { id: SCO })).exportParts;
    await page.locator('summary', { hasText: 'Export' }).click();
    await page.locator('select[name="export-format"]').selectOption('csv');
    const offered = page.locator('select[name="export-part"] option');
    await offered.nth(parts.length - 1).waitFor({ state: 'attached' });
    assert.deepEqual(await offered.allTextContents(), parts);
    await page.locator('select[name="export-part"]').selectOption('nodes-person.csv');
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download' }).click()]);
    assert.equal(dl.suggestedFilename(), 'attache-around-meeting-sco-prosecutors-general-20-1-nodes-person.csv');
    const lines = readFileSync(await dl.path(), 'utf8').trim().split('\n');
    // A header, then one row per person of the neighbourhood.
    assert.ok(lines[0].toLowerCase().includes('name'), lines[0]);
    assert.ok(lines.some((l) => l.startsWith('person:berik-asylov,')), lines.join('\n'));
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('without a token the menu says an export needs one that may write', async () => {
  const { context, page } = await openPage(browser, server.base);
  try {
    await page.goto(`${server.base}/#/entity/${encodeURIComponent(SCO)}`);
    await page.locator('h1', { hasText: 'Prosecutors' }).first().waitFor();
    await page.locator('summary', { hasText: 'Export' }).click();
    await page.getByRole('button', { name: 'Download' }).click();
    const error = page.locator('.export-error');
    await error.waitFor();
    assert.match(await error.textContent(), /export needs a token that may write/);
  } finally {
    await context.close();
  }
});
