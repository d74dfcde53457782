// The change log in the explorer (issue 11): a record's history panel (who,
// when, why, the field diff), reverting from the page with a token, a refused
// revert listing the records in the way, the change-set view, recent changes
// filtered by actor and kind, and "Query in GraphiQL" (issue 14). Each test
// writes records of its own over HTTP, so the tests do not depend on each other.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
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

const href = (id) => `#/entity/${encodeURIComponent(id)}`;

async function createPerson(id, name, description) {
  await graphql(
    server.base,
    `mutation($id: ID!, $name: String!, $d: String) { createPerson(input: { id: $id, name: $name, description: $d }) { id } }`,
    { id, name, d: description },
  );
}

/** Sets a person's description with a comment; the change set it made. */
async function describe(id, text, comment) {
  await graphql(
    server.base,
    `mutation($id: ID!, $d: String!, $c: String) { updatePerson(id: $id, input: { description: $d }, comment: $c) { id } }`,
    { id, d: text, c: comment },
  );
  return latest(id);
}

/** The change set of a record's newest version, as the API tells it. */
async function latest(id) {
  const d = await graphql(
    server.base,
    `query($id: ID!) { history(id: $id, first: 1) { items { changeSet { seq actor time comment } } } }`,
    { id },
  );
  return d.history.items[0].changeSet;
}

/** Gives the harness's token in the top bar, as a user would. */
async function giveToken(page) {
  await page.getByRole('button', { name: 'Token…' }).click();
  await page.getByLabel('Token', { exact: true }).fill(TOKEN);
  await page.getByRole('button', { name: 'Use' }).click();
  await page.getByRole('button', { name: /Token set/ }).waitFor();
}

test('after an edit, the history panel shows who made it, when (UTC on hover), why and the description before and after', async () => {
  const id = 'person:test-history-panel';
  await createPerson(id, 'Hilda Historytest', 'First description');
  const set = await describe(id, 'Second description', 'fixing the biography');
  const { context, page, problems } = await openPage(browser, server.base);
  try {
    await page.goto(`${server.base}/${href(id)}`);
    const rev = page.locator(`#history .revision[data-seq="${set.seq}"]`);
    await rev.waitFor();
    assert.equal(await page.locator('#history .revision').first().getAttribute('data-seq'), String(set.seq), 'newest first');
    assert.equal(await rev.locator('.actor').innerText(), set.actor);
    assert.equal(await rev.locator('time').getAttribute('title'), `UTC: ${set.time}`);
    assert.equal(await rev.locator('time').getAttribute('datetime'), set.time);
    assert.match(await rev.locator('.comment').innerText(), /fixing the biography/);
    assert.match(await rev.locator('.change-kind').innerText(), /updated/i);
    const diff = rev.locator('[data-field="description"]');
    assert.equal(await diff.locator('del').innerText(), 'First description');
    assert.equal(await diff.locator('ins').innerText(), 'Second description');
    // The creation is the older version, below.
    const created = page.locator('#history .revision').nth(1);
    assert.match(await created.locator('.change-kind').innerText(), /created/i);
    // Without a token, no revert is offered.
    assert.equal(await page.getByRole('button', { name: 'Revert this change' }).count(), 0);
    await page.locator('#history').scrollIntoViewIfNeeded();
    await screenshot(page, 'history-panel');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a new edit appears in the open page’s history without reload', async () => {
  const id = 'person:test-history-live';
  await createPerson(id, 'Livio Historytest', 'Before');
  const { context, page, problems } = await openPage(browser, server.base);
  try {
    await page.goto(`${server.base}/${href(id)}`);
    await page.locator('#history .revision').first().waitFor();
    await page.locator('[data-live="on"]').waitFor();
    await page.waitForTimeout(500); // let the server register the subscription
    const set = await describe(id, 'After', 'live');
    await page.locator(`#history .revision[data-seq="${set.seq}"] [data-field="description"] ins`, { hasText: 'After' }).waitFor({ timeout: 10_000 });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('"Older versions" pages back through a long history', async () => {
  const id = 'person:test-history-paging';
  await createPerson(id, 'Paula Historytest', 'v0');
  for (let i = 1; i <= 12; i++) await describe(id, `v${i}`, null);
  const { context, page, problems } = await openPage(browser, server.base);
  try {
    await page.goto(`${server.base}/${href(id)}`);
    await page.locator('#history .revision').first().waitFor();
    assert.equal(await page.locator('#history .revision').count(), 10);
    await page.getByRole('button', { name: 'Older versions' }).click();
    await page.locator('#history .revision').nth(12).waitFor();
    assert.equal(await page.locator('#history .revision').count(), 13);
    assert.match(await page.locator('#history .revision').last().locator('.change-kind').innerText(), /created/i);
    assert.equal(await page.getByRole('button', { name: 'Older versions' }).count(), 0);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('"Revert this change" from the page restores the record as it was', async () => {
  const id = 'person:test-history-revert';
  await createPerson(id, 'Rita Historytest', 'The right description');
  const set = await describe(id, 'A wrong description', 'a mistake');
  const { context, page, problems } = await openPage(browser, server.base);
  try {
    await page.goto(`${server.base}/${href(id)}`);
    await page.locator('.description', { hasText: 'A wrong description' }).waitFor();
    await giveToken(page);
    const rev = page.locator(`#history .revision[data-seq="${set.seq}"]`);
    await rev.getByRole('button', { name: 'Revert this change' }).click();
    await rev.getByLabel('Revert comment').fill('undoing the mistake');
    await rev.getByRole('button', { name: `Revert change set #${set.seq}` }).click();
    await page.locator('.revert-done').waitFor();
    // The page and its history follow the write.
    await page.locator('.description', { hasText: 'The right description' }).waitFor({ timeout: 10_000 });
    const newest = page.locator('#history .revision').first();
    await newest.locator('.op', { hasText: 'revert' }).waitFor({ timeout: 10_000 });
    assert.match(await newest.locator('.comment').innerText(), /undoing the mistake/);
    const d = await graphql(server.base, `query($id: ID!) { person(id: $id) { description } }`, { id });
    assert.equal(d.person.description, 'The right description');
    await page.locator('.revert-done').scrollIntoViewIfNeeded();
    await screenshot(page, 'history-reverted');
    assert.deepEqual(problems.filter((p) => !/^4\d\d /.test(p)), []);
  } finally {
    await context.close();
  }
});

test('a revert refused because a later change touched the record lists that record and offers force', async () => {
  const id = 'person:test-history-conflict';
  await createPerson(id, 'Cora Historytest', 'one');
  const first = await describe(id, 'two', null);
  const second = await describe(id, 'three', null);
  const { context, page } = await openPage(browser, server.base);
  try {
    await page.goto(`${server.base}/${href(id)}`);
    await giveToken(page);
    const rev = page.locator(`#history .revision[data-seq="${first.seq}"]`);
    await rev.getByRole('button', { name: 'Revert this change' }).click();
    await rev.getByRole('button', { name: `Revert change set #${first.seq}` }).click();
    const refused = rev.locator('.revert-conflict');
    await refused.waitFor();
    assert.equal(await refused.locator(`ul.conflicts a[href="${href(id)}"]`).count(), 1, 'the record in the way is listed');
    assert.equal(await refused.locator('ul.conflicts a.later').getAttribute('href'), `#/changes/${second.seq}`, 'with the change set that touched it');
    assert.ok(await refused.getByRole('button', { name: /Force the revert/ }).isVisible());
    await refused.scrollIntoViewIfNeeded();
    await screenshot(page, 'history-revert-refused');
    const d = await graphql(server.base, `query($id: ID!) { person(id: $id) { description } }`, { id });
    assert.equal(d.person.description, 'three', 'a refused revert writes nothing');
  } finally {
    await context.close();
  }
});

test('a change set’s page lists every record it changed with the diff', async () => {
  const id = 'person:test-history-changeset';
  await createPerson(id, 'Sven Historytest', 'x');
  const set = await describe(id, 'y', 'for the change set view');
  const { context, page, problems } = await openPage(browser, server.base);
  try {
    await page.goto(`${server.base}/${href(id)}`);
    await page.locator(`#history .revision[data-seq="${set.seq}"] a.cs-link`).click();
    await page.locator('h1', { hasText: `Change set #${set.seq}` }).waitFor();
    const entry = page.locator(`.entry[data-id="${id}"]`);
    await entry.waitFor();
    assert.equal(await entry.locator('[data-field="description"] ins').innerText(), 'y');
    assert.match(await page.locator('.change-set .comment').innerText(), /for the change set view/);
    await screenshot(page, 'change-set');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('recent changes lists the newest first and filters by actor and kind', async () => {
  const id = 'person:test-history-recent';
  await createPerson(id, 'Rena Historytest', null);
  const created = await latest(id);
  const d = await graphql(server.base, `mutation { link(input: { kind: ATTENDED, from: "${id}", to: "meeting:sco-prosecutors-general-20", mode: ONLINE }) { id } }`);
  const linked = await latest(d.link.id);
  const log = await graphql(server.base, `{ changes(first: 1) { items { seq actor } } }`);
  const seedActor = log.changes.items[0].actor;
  assert.notEqual(seedActor, created.actor, 'the seed is written by another actor than the test');
  const { context, page, problems } = await openPage(browser, server.base);
  try {
    await page.goto(`${server.base}/#/changes`);
    const rows = page.locator('table.changes tbody tr');
    await rows.first().waitFor();
    // Newest first: the link just made leads.
    assert.equal(await rows.first().getAttribute('data-seq'), String(linked.seq));
    await page.getByLabel('Who').fill(created.actor);
    await page.getByLabel('Kind').fill('person');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/#\/changes\?actor=.*&entity=person/);
    await page.locator(`table.changes tbody tr[data-seq="${created.seq}"] a[href="${href(id)}"]`).waitFor();
    const actors = await page.locator('table.changes tbody td.actor').allInnerTexts();
    assert.ok(actors.length > 0 && actors.every((a) => a === created.actor), `actors: ${actors}`);
    const seqs = (await page.locator('table.changes tbody tr').evaluateAll((trs) => trs.map((t) => Number(t.dataset.seq))));
    assert.ok(!seqs.includes(linked.seq), 'the link touched no person: filtered out');
    assert.deepEqual([...seqs].sort((a, b) => b - a), seqs, 'newest first');
    const kinds = await page.locator('table.changes tbody td.records a[data-entity-kind]').evaluateAll((as) => as.map((a) => a.dataset.entityKind));
    assert.ok(kinds.includes('person'), `kinds shown: ${kinds}`);
    await screenshot(page, 'recent-changes');
    // Another actor: the seed's change sets, none of ours.
    await page.goto(`${server.base}/#/changes?actor=${encodeURIComponent(seedActor)}`);
    await page.locator('table.changes tbody tr').first().waitFor();
    const others = await page.locator('table.changes tbody td.actor').allInnerTexts();
    assert.ok(others.every((a) => a === seedActor), `actors: ${others}`);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('"Older changes" continues recent changes below the first page, newest first', async () => {
  // At least two pages' worth of change sets (25 a page).
  for (let i = 0; i < 30; i++) await createPerson(`person:test-history-older-${i}`, `Olga Historytest ${i}`, null);
  const { context, page, problems } = await openPage(browser, server.base);
  try {
    await page.goto(`${server.base}/#/changes`);
    const rows = page.locator('table.changes tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 25);
    await page.getByRole('button', { name: 'Older changes' }).click();
    await rows.nth(25).waitFor();
    const seqs = await rows.evaluateAll((trs) => trs.map((t) => Number(t.dataset.seq)));
    assert.ok(seqs.length > 25, `rows: ${seqs.length}`);
    assert.deepEqual(seqs, seqs.map((_, i) => seqs[0] - i), 'consecutive change sets, newest first, none twice');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a deleted relation’s page says it is gone and shows its history', async () => {
  const id = 'person:test-history-unlinked';
  await createPerson(id, 'Ugo Historytest', null);
  const d = await graphql(server.base, `mutation { link(input: { kind: ATTENDED, from: "${id}", to: "meeting:sco-prosecutors-general-20", mode: ONLINE }) { id } }`);
  const rel = d.link.id;
  await graphql(server.base, `mutation($id: ID!) { unlink(id: $id) { id } }`, { id: rel });
  const { context, page, problems } = await openPage(browser, server.base);
  try {
    await page.goto(`${server.base}/${href(rel)}`);
    await page.locator('.error', { hasText: 'No relation' }).waitFor();
    const kinds = page.locator('#history .revision .change-kind');
    await kinds.nth(1).waitFor();
    assert.deepEqual((await kinds.allInnerTexts()).map((k) => k.toLowerCase()), ['deleted', 'created']);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('"Query in GraphiQL" opens the entity’s query, which runs and names it', async () => {
  const id = 'person:berik-asylov';
  const { context, page, offHost, problems } = await openPage(browser, server.base);
  try {
    await page.goto(`${server.base}/${href(id)}`);
    await page.locator('h1', { hasText: 'Berik Asylov' }).waitFor();
    await page.locator('a.graphiql-link').click();
    await page.waitForURL(/\/playground\?query=/);
    assert.equal(new URL(page.url()).searchParams.get('variables').includes(id), true, 'the id travels in the link');
    await page.locator('.graphiql-query-editor', { hasText: 'query Entity' }).waitFor({ timeout: 30_000 });
    const answered = page.waitForResponse((r) => r.url().endsWith('/graphql') && (r.request().postData() || '').includes('query Entity'));
    await page.locator('.graphiql-execute-button').click();
    const body = await (await answered).json();
    assert.equal(body.data?.node?.name, 'Berik Asylov', JSON.stringify(body).slice(0, 300));
    assert.ok(Array.isArray(body.data.node.history.items), 'the history is in the query');
    await screenshot(page, 'graphiql-shared-link');
    assert.deepEqual(offHost, []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
