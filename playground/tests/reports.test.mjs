// The explorer on the facts of other meetings' reports (issue 10), imported
// over HTTP on top of the seed from ../tests/fixtures/reports: delegations
// with no one named, states chairing, planned meetings, several roles.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { graphql, launchBrowser, openPage, screenshot, startServer } from './harness.mjs';

const REPORTS = join(dirname(fileURLToPath(import.meta.url)), '../../tests/fixtures/reports');
const FILES = ['astana-2015.json', 'bishkek-2019-delegations.json', 'xian-2023.json', 'bishkek-2024-delegations.json'];
const href = (id) => `#/entity/${encodeURIComponent(id)}`;

let server;
let browser;
before(async () => {
  server = await startServer();
  for (const f of FILES) {
    await graphql(server.base, 'mutation($d: String!) { import(document: $d) { created } }', {
      d: readFileSync(join(REPORTS, f), 'utf8'),
    });
  }
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Opens an entity page, runs `check` on it, and saves a screenshot as `name`. */
async function onPage(id, name, check) {
  const { context, page, offHost, problems } = await openPage(browser, server.base);
  try {
    await page.goto(`${server.base}/${href(id)}`);
    await page.locator('h1').first().waitFor();
    await check(page);
    await screenshot(page, name);
    assert.deepEqual(offHost, [], 'requests to other hosts');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
}

test('a meeting page lists state and organization delegations with their head office and sources', async () => {
  await onPage('meeting:sco-prosecutors-general-21', 'report-delegations', async (page) => {
    const kz = page.locator('table.attendees tr', { hasText: 'Kazakhstan' });
    await kz.first().waitFor();
    assert.match(await kz.first().innerText(), /delegation/i);
    assert.match(await kz.first().innerText(), /led by\s+Prosecutor General of Kazakhstan/i);
    assert.ok((await kz.first().locator('a.source-link').count()) >= 1, 'the delegation has a source');
    const sec = page.locator('table.attendees tr', { hasText: 'SCO Secretariat' });
    assert.match(await sec.first().innerText(), /Secretariat/i);
    const ying = page.locator('table.attendees tr', { hasText: 'Ying Yong' });
    assert.match(await ying.first().innerText(), /Host/i);
  });
});

test('a meeting chaired by a state shows the state as chair, and a planned meeting its status', async () => {
  await onPage('meeting:sco-prosecutors-general-22', 'report-state-chair', async (page) => {
    const facts = page.locator('dl.facts');
    await facts.locator('dt', { hasText: 'Chair' }).waitFor();
    assert.match(await facts.innerText(), /Chair\s+Kyrgyzstan/i);
    assert.match(await facts.innerText(), /Status\s+Held/i);
  });
  await onPage('meeting:sco-prosecutors-general-after-22', 'report-planned', async (page) => {
    const facts = page.locator('dl.facts');
    await facts.locator('dt', { hasText: 'Status' }).waitFor();
    assert.match(await facts.innerText(), /Status\s+Planned/i);
    assert.match(await facts.innerText(), /not counted as held/i);
    assert.match(await facts.innerText(), /Chair\s+Pakistan/i);
  });
});

test('a state page lists its delegations with the office that led them', async () => {
  await onPage('state:ir', 'report-state-delegations', async (page) => {
    const group = page.locator('section', { has: page.locator('h2', { hasText: /^attended/i }) }).first();
    await group.locator('tr', { hasText: '22nd Meeting' }).first().waitFor();
    assert.match(await group.innerText(), /led by\s*Prosecutor General of Iran/i);
  });
});

test('an attendance with several roles lists them all', async () => {
  await onPage('meeting:sco-prosecutors-general-17', 'report-roles', async (page) => {
    const row = page.locator('table.attendees tr', { hasText: 'Alexander Konyuk' });
    await row.first().waitFor();
    assert.match(await row.first().innerText(), /Observer, Head of delegation/i);
  });
});
