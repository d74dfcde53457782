// A server whose reads need a token (issue 14): the explorer asks for the
// token instead of showing a dead end, keeps it in session storage for the
// tab, and says so when the server refuses the one given.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { TOKEN, launchBrowser, openPage, screenshot, startServer } from './harness.mjs';

let server;
let browser;
before(async () => {
  server = await startServer({ args: ['--reads-need-token'] });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Problems other than the 401 answers this server gives a read without a token. */
const real = (problems) => problems.filter((p) => !/^401 /.test(p));

test('with reads closed, the explorer asks for a token, then shows the page and keeps the token for the tab', async () => {
  const { context, page, offHost, problems } = await openPage(browser, server.base);
  try {
    await page.goto(`${server.base}/#/entity/${encodeURIComponent('person:berik-asylov')}`);
    const prompt = page.getByRole('dialog', { name: 'This server needs a token to read' });
    await prompt.waitFor();
    await screenshot(page, 'token-prompt');
    await prompt.getByLabel('Token to read').fill(TOKEN);
    await prompt.getByRole('button', { name: 'Use this token' }).click();
    await page.locator('h1', { hasText: 'Berik Asylov' }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('attache.token')), TOKEN);
    // A reload in the same tab reads with the kept token: no prompt.
    await page.reload();
    await page.locator('#tenures table').waitFor();
    assert.equal(await page.getByRole('dialog').count(), 0);
    await screenshot(page, 'token-accepted');
    assert.deepEqual(offHost, []);
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
  // Another session (a new tab's storage) is asked again.
  const other = await openPage(browser, server.base);
  try {
    await other.page.goto(`${server.base}/`);
    await other.page.getByRole('dialog', { name: 'This server needs a token to read' }).waitFor();
  } finally {
    await other.context.close();
  }
});

test('a token the server refuses is reported, and another one can be given', async () => {
  const { context, page, problems } = await openPage(browser, server.base);
  try {
    await page.goto(`${server.base}/`);
    const first = page.getByRole('dialog', { name: 'This server needs a token to read' });
    await first.getByLabel('Token to read').fill('not-a-valid-token');
    await first.getByRole('button', { name: 'Use this token' }).click();
    const refused = page.getByRole('dialog', { name: 'The token was not accepted' });
    await refused.waitFor();
    await refused.getByLabel('Token to read').fill(TOKEN);
    await refused.getByRole('button', { name: 'Use this token' }).click();
    await page.locator('h2', { hasText: 'In the graph' }).waitFor();
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});
