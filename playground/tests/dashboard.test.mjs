// The dashboard (issue 14): a date range and a series that drive every
// chart, a fixed colour per category, values written on the donut and the
// bars, and every category label on the bar charts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { graphql, launchBrowser, openPage, screenshot, startServer } from './harness.mjs';

let server;
let browser;
const SERIES = 'series:test-dashboard';
const [A, B] = ['person:test-dash-a', 'person:test-dash-b'];
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  // A series with a meeting a year from 1990 to 2019; two people attend the
  // last five, one in person and one online.
  const ops = [
    `s: createSeries(input: { id: "${SERIES}", name: "Test dashboard series" }) { id }`,
    `a: createPerson(input: { id: "${A}", name: "Dash Alpha" }) { id }`,
    `b: createPerson(input: { id: "${B}", name: "Dash Beta" }) { id }`,
  ];
  for (let y = 1990; y <= 2019; y++) {
    const m = `meeting:test-dash-${y}`;
    ops.push(`m${y}: createMeeting(input: { id: "${m}", name: "Dashboard test meeting ${y}", startDate: "${y}-06-01" }) { id }`);
    ops.push(`s${y}: link(input: { kind: IN_SERIES, from: "${m}", to: "${SERIES}" }) { id }`);
    if (y >= 2015) {
      ops.push(`a${y}: link(input: { kind: ATTENDED, from: "${A}", to: "${m}", mode: IN_PERSON }) { id }`);
      ops.push(`b${y}: link(input: { kind: ATTENDED, from: "${B}", to: "${m}", mode: ONLINE }) { id }`);
    }
  }
  await graphql(server.base, `mutation { ${ops.join('\n')} }`);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Each chart's categories, series, colours, ticks shown and values written, by its label. */
const charts = (page) =>
  page.evaluate(() =>
    Object.fromEntries(
      Object.entries(window.__attacheCharts).filter(([, c]) => c.canvas?.isConnected).map(([name, c]) => {
        const cat = c.options.indexAxis === 'y' ? c.scales.y : c.scales.x;
        return [name, {
          labels: c.data.labels,
          datasets: c.data.datasets.map((d) => ({ label: d.label, data: d.data, color: d.backgroundColor })),
          ticks: cat ? cat.ticks.length : null,
          values: JSON.parse(c.canvas.dataset.values || '[]'),
        }];
      }),
    ),
  );

/** Waits until the dashboard shows the figures for `filter`. */
async function shows(page, filter) {
  await page.waitForFunction(
    (f) => {
      const d = document.querySelector('.dashboard');
      return d && d.dataset.loading === 'no' && d.dataset.filter === f && document.querySelectorAll('.chart canvas').length >= 3;
    },
    JSON.stringify({ from: filter.from ?? null, to: filter.to ?? null, series: filter.series ?? null }),
  );
}

test('a date range and a series drive every chart and table, and stay in the address', async () => {
  const d = await graphql(
    server.base,
    `{ stats(from: "2017", series: "${SERIES}") { meetingsPerYear { year count } attendanceByMode { mode count } attendanceByState { count } }
       topPairs(from: "2017", series: "${SERIES}") { pairs { a { id } b { id } count } }
       centrality(measure: DEGREE, from: "2017", series: "${SERIES}") { scores { node { name } score } } }`,
  );
  const { context, page, offHost, problems } = await openPage(browser, server.base);
  try {
    await page.goto(`${server.base}/#/dashboard`);
    await shows(page, {});
    await page.getByRole('textbox', { name: 'From' }).fill('2017');
    await page.getByRole('combobox', { name: 'Series' }).selectOption(SERIES);
    await shows(page, { from: '2017', series: SERIES });
    assert.match(page.url(), /#\/dashboard\?from=2017&series=series%3Atest-dashboard$/);
    const c = await charts(page);
    const perYear = c['Meetings per year, by series'];
    assert.deepEqual(perYear.labels, d.stats.meetingsPerYear.map((r) => String(r.year)));
    assert.deepEqual(perYear.labels, ['2017', '2018', '2019']);
    const modes = c['Attendance by mode'];
    assert.deepEqual(modes.datasets[0].data, d.stats.attendanceByMode.map((m) => m.count));
    assert.deepEqual(c['Most connected people'].labels, d.centrality.scores.map((s) => s.node.name));
    assert.deepEqual(c['Most connected people'].labels.sort(), ['Dash Alpha', 'Dash Beta']);
    const pairs = await page.locator('table.top-pairs tbody tr').evaluateAll((rows) => rows.map((r) => r.lastElementChild.textContent));
    assert.deepEqual(pairs, d.topPairs.pairs.map((p) => String(p.count)));
    assert.deepEqual(pairs, ['3']);
    await screenshot(page, 'dashboard-filtered');
    // The address brings the same view back.
    const again = await context.newPage();
    await again.goto(page.url());
    await shows(again, { from: '2017', series: SERIES });
    assert.deepEqual((await charts(again))['Meetings per year, by series'].labels, ['2017', '2018', '2019']);
    assert.deepEqual(offHost, []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('each category keeps its colour whatever the filter leaves, and the donut writes its values', async () => {
  const { context, page, problems } = await openPage(browser, server.base);
  try {
    await page.goto(`${server.base}/#/dashboard`);
    await shows(page, {});
    const colours = (chart) => Object.fromEntries(chart.labels.map((l, i) => [l, chart.datasets[0].color[i]]));
    const bySeries = (chart) => Object.fromEntries(chart.datasets.map((d) => [d.label, d.color]));
    const all = await charts(page);
    await page.getByRole('textbox', { name: 'From' }).fill('2016');
    await shows(page, { from: '2016' });
    const some = await charts(page);
    const [m1, m2] = [colours(all['Attendance by mode']), colours(some['Attendance by mode'])];
    assert.ok(Object.keys(m2).length >= 2, `modes: ${Object.keys(m2)}`);
    for (const [mode, colour] of Object.entries(m2)) assert.equal(colour, m1[mode], mode);
    const [s1, s2] = [bySeries(all['Meetings per year, by series']), bySeries(some['Meetings per year, by series'])];
    for (const [series, colour] of Object.entries(s2)) assert.equal(colour, s1[series], series);
    // Every slice carries its count and share.
    const donut = some['Attendance by mode'];
    const total = donut.datasets[0].data.reduce((a, b) => a + b, 0);
    assert.deepEqual(
      donut.values.map(([l, , text]) => [l, text]),
      donut.labels.map((l, i) => [l, `${donut.datasets[0].data[i]} (${Math.round((donut.datasets[0].data[i] / total) * 100)}%)`]),
    );
    await page.locator('.chart canvas[aria-label="Attendance by mode"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'dashboard-donut');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('bar charts show every category label and write every value', async () => {
  const { context, page, problems } = await openPage(browser, server.base);
  try {
    await page.goto(`${server.base}/#/dashboard?series=${encodeURIComponent(SERIES)}`);
    await shows(page, { series: SERIES });
    const c = await charts(page);
    const perYear = c['Meetings per year, by series'];
    assert.equal(perYear.labels.length, 30, 'a bar a year, 1990 to 2019');
    for (const name of ['Meetings per year, by series', 'Attendance by state', 'Most connected people']) {
      if (!c[name]) continue;
      assert.equal(c[name].ticks, c[name].labels.length, `${name}: every label shown`);
      const nonZero = c[name].datasets.flatMap((d) => d.data).filter((v) => v > 0).length;
      assert.equal(c[name].values.length, nonZero, `${name}: every value written`);
    }
    await screenshot(page, 'dashboard-bars');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
