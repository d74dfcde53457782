// The graph view (issue 14): a layout where no node or its label covers
// another, relation names on the edges, pin and hide, PNG and SVG export,
// and a summary instead of a hairball for a large neighbourhood.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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

/** The seed's biggest neighbourhood: the meeting with the most relations (34, 22 neighbours). */
const BIGGEST = 'meeting:sco-prosecutors-general-20';
const graphUrl = (id) => `${server.base}/#/graph/${encodeURIComponent(id)}`;

/** Waits until the view has drawn more than one node and its layout has finished. */
async function laidOut(page) {
  await page.waitForFunction(() => {
    const el = document.querySelector('#cy');
    return el && Number(el.dataset.nodes) > 1 && el.dataset.layout === 'done';
  });
}

/** Every pair of drawn nodes whose boxes, labels included, intersect. */
const overlapping = (page) =>
  page.evaluate(() => {
    const boxes = window.__attacheCy.nodes().map((n) => ({ id: n.id(), b: n.boundingBox({ includeLabels: true, includeOverlays: false }) }));
    const pairs = [];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i].b, boxes[j].b];
        if (a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2) pairs.push([boxes[i].id, boxes[j].id]);
      }
    }
    return pairs;
  });

test('the seed’s biggest neighbourhood is drawn with no two node boxes (labels included) overlapping', async () => {
  const d = await graphql(server.base, `{ neighborhood(id: "${BIGGEST}", limit: 500) { nodes { id } } }`);
  const { context, page, offHost, problems } = await openPage(browser, server.base);
  try {
    await page.goto(graphUrl(BIGGEST));
    await laidOut(page);
    assert.equal(await page.evaluate(() => window.__attacheCy.nodes().length), d.neighborhood.nodes.length);
    assert.deepEqual(await overlapping(page), []);
    await screenshot(page, 'graph-layout');
    assert.deepEqual(offHost, []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('edges carry their relation names, and the names can be switched off', async () => {
  const { context, page, problems } = await openPage(browser, server.base);
  try {
    await page.goto(graphUrl(BIGGEST));
    await laidOut(page);
    const names = () => page.evaluate(() => [...new Set(window.__attacheCy.edges().map((e) => e.style('label')))].sort());
    const shown = await names();
    assert.ok(shown.includes('attended'), `edge labels: ${shown}`);
    assert.ok(!shown.includes(''), 'every edge labelled');
    await page.getByLabel('Relation names').uncheck();
    assert.deepEqual(await names(), ['']);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a pinned node stays put while the graph grows, and a hidden node is gone until shown again', async () => {
  const { context, page, problems } = await openPage(browser, server.base);
  try {
    await page.goto(graphUrl(BIGGEST));
    await laidOut(page);
    const pos = (id) => page.evaluate((nid) => window.__attacheCy.getElementById(nid).position(), id);
    // (Returns nothing: a cytoscape collection is slow to serialize.)
    await page.evaluate((id) => {
      window.__attacheCy.getElementById(id).emit('tap');
    }, BIGGEST);
    await page.getByRole('button', { name: 'Pin' }).click();
    const pinnedAt = await pos(BIGGEST);
    // Expanding a neighbour runs the layout again.
    const before = await page.evaluate(() => window.__attacheCy.nodes().length);
    await page.evaluate(() => {
      window.__attacheCy.getElementById('person:berik-asylov').emit('tap');
    });
    await page.waitForFunction((n) => window.__attacheCy.nodes().length > n && document.querySelector('#cy').dataset.layout === 'done', before);
    assert.deepEqual(await pos(BIGGEST), pinnedAt);
    assert.deepEqual(await overlapping(page), []);

    await page.getByRole('button', { name: 'Hide' }).click();
    await page.waitForFunction(() => window.__attacheCy.getElementById('person:berik-asylov').empty());
    const chip = page.locator('.hidden-nodes button', { hasText: 'Berik Asylov' });
    await chip.waitFor();
    await screenshot(page, 'graph-pin-hide');
    await chip.click();
    await page.waitForFunction(() => window.__attacheCy.getElementById('person:berik-asylov').nonempty());
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('Export PNG and Export SVG download valid image files of the drawing', async () => {
  const { context, page, problems } = await openPage(browser, server.base);
  try {
    await page.goto(graphUrl(BIGGEST));
    await laidOut(page);
    const save = async (name) => {
      const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name }).click()]);
      return { name: dl.suggestedFilename(), data: readFileSync(await dl.path()) };
    };
    const png = await save('Export PNG');
    assert.equal(png.name, 'graph-meeting-sco-prosecutors-general-20.png');
    assert.deepEqual([...png.data.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
    assert.equal(png.data.subarray(12, 16).toString('latin1'), 'IHDR');
    const [w, h] = [png.data.readUInt32BE(16), png.data.readUInt32BE(20)];
    assert.ok(w > 100 && h > 100, `PNG ${w}×${h}`);

    const svg = await save('Export SVG');
    assert.equal(svg.name, 'graph-meeting-sco-prosecutors-general-20.svg');
    // A well-formed SVG document, as the browser's own XML parser reads it,
    // that names the nodes it draws.
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      const root = doc.documentElement;
      return {
        error: doc.getElementsByTagName('parsererror').length > 0,
        root: root.localName,
        ns: root.namespaceURI,
        texts: [...doc.getElementsByTagName('text')].map((t) => t.textContent),
      };
    }, svg.data.toString('utf8'));
    assert.equal(parsed.error, false);
    assert.equal(parsed.root, 'svg');
    assert.equal(parsed.ns, 'http://www.w3.org/2000/svg');
    assert.ok(parsed.texts.includes('Berik Asylov'), `SVG texts: ${parsed.texts.slice(0, 5)}`);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a neighbourhood of over 50 nodes shows counts by kind and the best-connected neighbours until "Show anyway"', async () => {
  // A real large neighbourhood: a meeting with 60 attendees, one of them also at the 20th meeting.
  const hub = 'meeting:test-large-hub';
  await graphql(server.base, `mutation { createMeeting(input: { id: "${hub}", name: "Large hub meeting", startDate: "2023-05-01" }) { id } }`);
  for (let k = 0; k < 60; k += 20) {
    const ops = [];
    for (let i = k; i < k + 20; i++) {
      ops.push(`p${i}: createPerson(input: { id: "person:test-hub-${i}", name: "Hub Attendee ${String(i).padStart(2, '0')}" }) { id }`);
      ops.push(`l${i}: link(input: { kind: ATTENDED, from: "person:test-hub-${i}", to: "${hub}" }) { id }`);
    }
    await graphql(server.base, `mutation { ${ops.join('\n')} }`);
  }
  await graphql(server.base, `mutation { link(input: { kind: ATTENDED, from: "person:berik-asylov", to: "${hub}" }) { id } }`);

  const { context, page, problems } = await openPage(browser, server.base);
  try {
    await page.goto(graphUrl(hub));
    const summary = page.getByTestId('graph-summary');
    await summary.waitFor();
    assert.match(await summary.locator('h2').textContent(), /^61 neighbours/);
    assert.equal(await summary.locator('tr[data-kind="PERSON"] td').nth(1).textContent(), '61');
    // Berik Asylov has the most relations of them all: first of the best connected.
    assert.match(await summary.locator('.summary-top li').first().textContent(), /Berik Asylov/);
    assert.equal(await page.evaluate(() => document.querySelector('#cy').dataset.nodes), '0', 'nothing drawn yet');
    await screenshot(page, 'graph-summary');
    await summary.getByRole('button', { name: 'Show anyway' }).click();
    await laidOut(page);
    assert.equal(await page.evaluate(() => window.__attacheCy.nodes().length), 62);
    assert.deepEqual(await overlapping(page), []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
