// GraphiQL at /playground: loads from the server alone and runs the examples.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, openPage, reportTransfer, screenshot, startServer } from './harness.mjs';

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

const MEETING_NAME = '20th Meeting of the Prosecutors General of the SCO Member States';

test('GraphiQL runs the 20th-meeting example and shows the meeting name', async () => {
  const { context, page, offHost, problems, loads } = await openPage(browser, server.base);
  try {
    await page.goto(server.base + '/playground');
    await page.locator('.graphiql-container').waitFor();
    await page.waitForLoadState('networkidle');
    reportTransfer('/playground (until idle, before running a query)', [...loads]);
    // The first tab holds the meeting example; wait for Monaco to show it.
    await page.locator('.graphiql-query-editor', { hasText: 'Meeting20' }).waitFor({ timeout: 30_000 });
    const answered = page.waitForResponse(
      (r) => r.url().endsWith('/graphql') && (r.request().postData() || '').includes('Meeting20'),
    );
    await page.locator('.graphiql-execute-button').click();
    const body = await (await answered).json();
    assert.equal(body.data?.meeting?.name, MEETING_NAME, JSON.stringify(body).slice(0, 300));
    // Monaco draws only the lines in view: find the name in the result pane
    // as a person would (Ctrl-F) when it is not on the first screen.
    const pane = page.locator('.graphiql-response');
    await pane.locator('.view-lines', { hasText: '"data"' }).waitFor();
    if (!(await pane.getByText(MEETING_NAME).count())) {
      await pane.locator('.view-lines').click();
      await page.keyboard.press('Control+f');
      await page.keyboard.type(MEETING_NAME);
      await page.keyboard.press('Enter');
    }
    await pane.locator('.view-lines', { hasText: MEETING_NAME }).waitFor({ timeout: 10_000 });
    await page.waitForLoadState('networkidle');
    await screenshot(page, 'playground');
    // The docs explorer and history are there.
    assert.ok(await page.locator('.graphiql-sidebar button[aria-label*="Documentation"]').count(), 'docs explorer');
    assert.ok(await page.locator('.graphiql-sidebar button[aria-label*="History"]').count(), 'history');
    assert.ok((await page.locator('.graphiql-tab').count()) >= 5, 'example tabs');
    assert.deepEqual(offHost, [], 'requests to other hosts');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
