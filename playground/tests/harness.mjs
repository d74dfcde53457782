// Shared test harness: starts the real server on a fresh data dir (optionally
// importing files into it first), and a headless Chromium (playwright-core,
// the system's browser) that records any request to a host other than the server's.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const RESULTS = resolve(here, '..', 'test-results');
const BIN = process.env.ATTACHE_BIN
  ? resolve(process.env.INIT_CWD || process.cwd(), process.env.ATTACHE_BIN)
  : resolve(here, '..', '..', 'target', 'release', 'attache');

// Writes need a bearer token: the server gets a fresh one for each run (an
// editor; tests that drive writes from the page give it in the top bar).
export const TOKEN = randomBytes(24).toString('hex');

/**
 * Starts `attache serve` on 127.0.0.1:0; resolves to { base, stop, log, importMs, startMs }.
 * `preload` files are imported first with `attache import --no-seed`, one
 * transaction each, in order: the store holds those files alone (an import
 * into a new store otherwise brings the seed data along), and is then not
 * new, so `serve` loads no seed data either.
 * `args` go after `serve` (e.g. `--no-introspection`).
 */
export async function startServer({ preload = [], args = [], startTimeout = 30_000 } = {}) {
  const data = mkdtempSync(join(tmpdir(), 'attache-browser-'));
  const t0 = Date.now();
  for (const file of preload) {
    await promisify(execFile)(BIN, ['--data', data, 'import', '--no-seed', file], { maxBuffer: 1 << 24 }).catch((e) => {
      rmSync(data, { recursive: true, force: true });
      throw new Error(`attache import ${file} failed:\n${e.stderr || e.message}`.slice(0, 4000));
    });
  }
  const importMs = Date.now() - t0;
  const t1 = Date.now();
  const child = spawn(BIN, ['--data', data, 'serve', '--listen', '127.0.0.1:0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ATTACHE_TOKENS: TOKEN },
  });
  let log = '';
  const base = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start in ${startTimeout / 1000} s:\n${log}`)), startTimeout);
    const onData = (buf) => {
      log += buf.toString();
      const m = log.match(/at http:\/\/([^\s/]+)\/graphql/);
      if (m) {
        clearTimeout(timer);
        ok(`http://${m[1]}`);
      }
    };
    child.stderr.on('data', onData);
    child.stdout.on('data', onData);
    child.on('error', (e) => {
      clearTimeout(timer);
      fail(e);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`server exited with ${code}:\n${log}`));
    });
  });
  child.removeAllListeners('exit');
  const startMs = Date.now() - t1;
  const stop = async () => {
    if (child.exitCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(data, { recursive: true, force: true });
  };
  if (process.env.ATTACHE_SERVE_DIST === '1') {
    // Development only: serve dist/ from disk in front of the server.
    const { startDevServer } = await import('./devserver.mjs');
    const front = await startDevServer(base);
    return { base: front.base, stop: async () => { await front.close(); await stop(); }, log: () => log, importMs, startMs };
  }
  return { base, stop, log: () => log, importMs, startMs };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/**
 * A fresh page that records every request to another host than `base`'s
 * (`offHost`) and every page error and failed same-host response.
 */
export async function openPage(browser, base) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const host = new URL(base).host;
  const offHost = [];
  const problems = [];
  page.on('request', (req) => {
    const url = req.url();
    if (/^(data|blob|about):/.test(url)) return;
    try {
      if (new URL(url).host !== host) offHost.push(url);
    } catch {
      offHost.push(url);
    }
  });
  const loads = [];
  page.on('requestfinished', async (req) => {
    const res = await req.response();
    const sizes = await req.sizes().catch(() => null);
    if (res && sizes) loads.push({ url: req.url(), encoding: res.headers()['content-encoding'] || '', bytes: sizes.responseBodySize });
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`${res.status()} ${res.url()}`);
  });
  return { context, page, offHost, problems, loads };
}

/**
 * Where each test's screenshots are kept for CI as artefacts (one PNG per
 * feature): `ATTACHE_SCREENSHOTS`, else `target/ci-artifacts/screenshots/`
 * at the repository's root.
 */
export const SCREENSHOTS = process.env.ATTACHE_SCREENSHOTS
  ? resolve(process.env.INIT_CWD || process.cwd(), process.env.ATTACHE_SCREENSHOTS)
  : resolve(here, '..', '..', 'target', 'ci-artifacts', 'screenshots');

/** Saves the page as `<name>.png` in test-results/ and in `SCREENSHOTS`. */
export async function screenshot(page, name) {
  mkdirSync(RESULTS, { recursive: true });
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(RESULTS, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  copyFileSync(path, join(SCREENSHOTS, `${name}.png`));
}

export async function graphql(base, query, variables = {}) {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** Logs what a page load transferred (response bodies, as sent). */
export function reportTransfer(label, loads) {
  const total = loads.reduce((s, l) => s + l.bytes, 0);
  const lines = loads.map((l) => `  ${String(l.bytes).padStart(8)} ${l.encoding.padEnd(3)} ${new URL(l.url).pathname}`);
  console.log(`first load of ${label}: ${loads.length} responses, ${(total / 1024).toFixed(1)} KiB transferred\n${lines.join('\n')}`);
  return total;
}
