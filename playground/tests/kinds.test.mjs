// The explorer knows the node and relation kinds only from the server: no
// source file lists them, a node's page groups its relations by the kinds the
// schema names, and with introspection off the pages still show everything
// (node kinds from the data, relations by direction, each row naming its kind).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { graphql, launchBrowser, openPage, screenshot, startServer } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const SDL = readFileSync(resolve(here, '../../graph-schema/schema.graphql'), 'utf8');
const enumValues = (name) => new RegExp(`enum ${name} \\{([^}]*)\\}`).exec(SDL)[1].split(/\s+/).filter(Boolean);
const NODE_KINDS = enumValues('NodeKind');
const RELATION_KINDS = enumValues('RelationKind');
const STATE = 'state:kz';
const href = (id) => `#/entity/${encodeURIComponent(id)}`;

function sources(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : /\.(jsx?|mjs)$/.test(f) ? [p] : [];
  });
}

test('no explorer source lists every node kind or every relation kind', () => {
  for (const file of sources(resolve(here, '../src/explorer'))) {
    const text = readFileSync(file, 'utf8');
    const named = (kinds) => kinds.filter((k) => new RegExp(`\\b${k}\\b`, 'i').test(text));
    assert.notDeepEqual(named(RELATION_KINDS), RELATION_KINDS, `${file} lists the relation kinds`);
    assert.notDeepEqual(named(NODE_KINDS), NODE_KINDS, `${file} lists the node kinds`);
  }
});

const NOT_GROUPS = ':not(#history):not(#officials):not(#meetings-by-year)';

/** The state's page: its relation groups' titles and counts, and the graph legend. */
async function look(browser, server, name) {
  const { context, page, offHost, problems } = await openPage(browser, server.base);
  try {
    await page.goto(`${server.base}/${href(STATE)}`);
    await page.locator('section.card h2').first().waitFor();
    await page.waitForLoadState('networkidle');
    await screenshot(page, name);
    // The relation groups: every section but the record's history and the
    // state's own overview (officials, meetings by year).
    const groups = await page.locator(`section.card${NOT_GROUPS} h2`).evaluateAll((hs) =>
      hs.map((h) => ({ title: h.firstChild.textContent.trim(), count: Number(h.querySelector('.count')?.textContent) })),
    );
    const firstRow = await page.locator(`section.card${NOT_GROUPS} tbody tr`).first().textContent();
    await page.goto(`${server.base}/#/graph/${encodeURIComponent(STATE)}`);
    await page.locator('.legend .kind').first().waitFor();
    const legend = await page.locator('.legend .kind').allTextContents();
    assert.deepEqual(offHost, [], `${name}: requests to other hosts`);
    assert.deepEqual(problems, [], `${name}: problems`);
    return { groups, firstRow, legend };
  } finally {
    await context.close();
  }
}

async function relationsOfState(base) {
  const d = await graphql(base, `{ node(id: "${STATE}") {
    out: relationsCount(direction: OUTGOING) in: relationsCount(direction: INCOMING) } }`);
  return d.node;
}

test('with introspection, a state’s relations are grouped by the schema’s kinds', async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const { groups, legend } = await look(browser, server, 'kinds-schema');
    const labels = RELATION_KINDS.map((k) => k.toLowerCase().replace(/_/g, ' '));
    assert.ok(groups.length >= 2, `groups: ${JSON.stringify(groups)}`);
    for (const g of groups) assert.ok(labels.includes(g.title.replace(/ \(incoming\)$/, '')), `group "${g.title}"`);
    const n = await relationsOfState(server.base);
    assert.equal(groups.reduce((s, g) => s + g.count, 0), n.out + n.in);
    assert.deepEqual(legend, NODE_KINDS.map((k) => k.toLowerCase()));
  } finally {
    await browser.close();
    await server.stop();
  }
});

test('with --no-introspection, a state’s page shows its relations by direction, each naming its kind', async () => {
  const server = await startServer({ args: ['--no-introspection'] });
  const browser = await launchBrowser();
  try {
    const { groups, firstRow, legend } = await look(browser, server, 'kinds-no-introspection');
    const n = await relationsOfState(server.base);
    const want = [['Relations (outgoing)', n.out], ['Relations (incoming)', n.in]]
      .filter(([, c]) => c > 0)
      .map(([title, count]) => ({ title, count }));
    assert.deepEqual(groups, want);
    const labels = RELATION_KINDS.map((k) => k.toLowerCase().replace(/_/g, ' '));
    assert.ok(labels.some((l) => firstRow.startsWith(l)), `first row names its kind: ${firstRow}`);
    // The node kinds that have records, from `counts.byKind`.
    assert.ok(legend.length > 0 && legend.every((k) => NODE_KINDS.includes(k.toUpperCase())), `legend: ${legend}`);
  } finally {
    await browser.close();
    await server.stop();
  }
});
