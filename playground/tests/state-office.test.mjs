// The state and office pages (issue 14): a state's officials over time as a
// tenure chart, its meetings hosted and taken part in by year, and an
// office's holders as a timeline.
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

const page$ = (id) => `${server.base}/#/entity/${encodeURIComponent(id)}`;
const PG_KZ = 'office:prosecutor-general-kz';

test('a state’s page charts its officials over time: a row per holder under each of its offices', async () => {
  const d = await graphql(server.base, `{ state(id: "state:kz") { offices(first: 100) { id holdersCount } } }`);
  const staffed = d.state.offices.filter((o) => o.holdersCount > 0);
  assert.ok(staffed.length >= 3, 'the seed gives Kazakhstan several staffed offices');
  const { context, page, offHost, problems } = await openPage(browser, server.base);
  try {
    await page.goto(page$('state:kz'));
    const chart = page.locator('#officials .tenure-chart');
    await chart.waitFor();
    for (const o of staffed) {
      assert.equal(await chart.locator(`tbody[data-group="${o.id}"] tr.tenure-row`).count(), o.holdersCount, o.id);
    }
    // The Prosecutor General: Nurdauletov's tenure ends by the 20th meeting
    // (2022-09-23), Asylov's is open; holders ordered by start.
    const pg = chart.locator(`tbody[data-group="${PG_KZ}"]`);
    assert.deepEqual(await pg.locator('tr.tenure-row').evaluateAll((rows) => rows.map((r) => r.dataset.holder)), [
      'person:gizat-nurdauletov',
      'person:berik-asylov',
    ]);
    const band = (who) => pg.locator(`tr[data-holder="${who}"] rect.tenure-band`);
    assert.equal(await band('person:gizat-nurdauletov').getAttribute('data-to'), '2022-09-23');
    assert.equal(await band('person:berik-asylov').getAttribute('data-to'), '', 'no end known');
    const right = async (who) => (await band(who).boundingBox()).x + (await band(who).boundingBox()).width;
    assert.ok((await right('person:gizat-nurdauletov')) < (await right('person:berik-asylov')));
    // Tokayev, President since 2019: a solid bar from the start's latest day.
    const president = chart.locator('tbody[data-group="office:president-kz"] tr[data-holder="person:kassym-jomart-tokayev"]');
    assert.equal(await president.locator('rect.tenure-band').getAttribute('data-from'), '2019-01-01');
    assert.ok(await chart.locator('.tenure-axis .tick[data-year="2019"]').count(), 'an axis tick for 2019');
    await page.locator('#officials').scrollIntoViewIfNeeded();
    await screenshot(page, 'state-officials');
    assert.deepEqual(offHost, []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a state’s page counts the meetings it hosted and took part in, year by year', async () => {
  const d = await graphql(server.base, `{ stats(state: "state:kz") { meetingsPerYearTotal { year count } } }`);
  const { context, page, problems } = await openPage(browser, server.base);
  try {
    await page.goto(page$('state:kz'));
    const years = page.locator('#meetings-by-year .year-row');
    await years.first().waitFor();
    assert.deepEqual(
      await years.evaluateAll((rows) => rows.map((r) => Number(r.dataset.year))),
      d.stats.meetingsPerYearTotal.map((r) => r.year),
    );
    const y2022 = page.locator('#meetings-by-year .year-row[data-year="2022"]');
    assert.equal(await y2022.locator('.bar.hosted').getAttribute('data-count'), '1', 'the 20th meeting, in Astana');
    const tookPart = d.stats.meetingsPerYearTotal.find((r) => r.year === 2022).count;
    assert.equal(await y2022.locator('.bar.took-part').textContent(), String(tookPart));
    await page.locator('#meetings-by-year').scrollIntoViewIfNeeded();
    await screenshot(page, 'state-meetings-by-year');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('an office’s page shows its holders as a timeline, in the order the evidence gives', async () => {
  const { context, page, problems } = await openPage(browser, server.base);
  try {
    await page.goto(page$(PG_KZ));
    const chart = page.locator('#holders-timeline .tenure-chart');
    await chart.waitFor();
    assert.deepEqual(await chart.locator('tr.tenure-row').evaluateAll((rows) => rows.map((r) => r.dataset.holder)), [
      'person:gizat-nurdauletov',
      'person:berik-asylov',
    ]);
    assert.equal(await chart.locator('tr[data-holder="person:berik-asylov"] rect.tenure-band').getAttribute('data-from'), '2019-01-01');
    await chart.scrollIntoViewIfNeeded();
    await screenshot(page, 'office-timeline');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
