// End-to-end test of the orbit dashboard in a real headless Chromium (Debian's `chromium`,
// driven by playwright-core; no browser download).
//
// Starts `orbit serve --port 0` on loopback, waits until it answers, loads every page and
// checks that its charts render (inline SVG with data elements), filters the timeline,
// submits the forecast form and reads the result, and writes a PNG screenshot of each page
// to docs/screenshots/. Every wait is bounded; the server is always stopped. Exits non-zero
// on any failure.
//
//   node tests/e2e/dashboard.mjs            (from the repository root or from tests/e2e)
//
// Environment: ORBIT_BIN (default: $CARGO_TARGET_DIR or target, then debug/orbit),
// CHROMIUM (default /usr/bin/chromium), SCREENSHOTS (default docs/screenshots).

import { spawn } from 'node:child_process';
import { mkdirSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const targetDir = process.env.CARGO_TARGET_DIR
  ? resolve(root, process.env.CARGO_TARGET_DIR)
  : join(root, 'target');
const orbitBin = process.env.ORBIT_BIN ?? join(targetDir, 'debug', 'orbit');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const shots = resolve(root, process.env.SCREENSHOTS ?? 'docs/screenshots');
const TOTAL_TIMEOUT_MS = 300_000;
const START_TIMEOUT_MS = 120_000;
const STEP_TIMEOUT_MS = 30_000;

let passed = 0;
let failed = 0;
let server;
let browser;

function log(message) {
  process.stderr.write(`${message}\n`);
}

async function check(name, fn) {
  try {
    await fn();
    passed += 1;
    log(`ok   ${name}`);
  } catch (error) {
    failed += 1;
    log(`FAIL ${name}: ${error?.stack ?? error}`);
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/** Starts the server on a free loopback port; resolves with its base URL. */
function startServer() {
  if (!existsSync(orbitBin)) {
    throw new Error(`no orbit binary at ${orbitBin}: run \`cargo build -p orbit-cli\` first`);
  }
  server = spawn(orbitBin, ['serve', '--port', '0', '--runs', '200', '--sim-runs', '20', '--quiet'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolveUrl, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the server did not print its URL in time')),
      START_TIMEOUT_MS,
    );
    let stderr = '';
    server.stderr.on('data', (chunk) => {
      stderr += chunk;
      const match = stderr.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[0].replace(/\/$/, ''));
      }
    });
    server.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with code ${code}: ${stderr}`));
    });
  });
}

async function waitUntilAnswering(base) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${base}/api/scenario`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return response.json();
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the server did not answer in time');
}

function stopServer() {
  if (server && server.exitCode === null) server.kill('SIGTERM');
}

/** Every chart on the page: its name and how many drawing elements it has. */
async function charts(page, scope = 'main') {
  return page.$$eval(`${scope} figure[data-chart] svg`, (svgs) =>
    svgs.map((svg) => ({
      name: svg.closest('figure').dataset.chart,
      marks: svg.querySelectorAll('path, circle, rect, line, polyline, polygon').length,
      texts: svg.querySelectorAll('text').length,
      width: svg.getBoundingClientRect().width,
    })),
  );
}

async function assertCharts(page, minimum, scope = 'main') {
  const found = await charts(page, scope);
  assert(found.length >= minimum, `expected at least ${minimum} charts, found ${found.length}`);
  for (const c of found) {
    assert(c.marks >= 10, `chart ${c.name} has only ${c.marks} drawing elements`);
    assert(c.texts >= 3, `chart ${c.name} has no labels`);
    assert(c.width > 100, `chart ${c.name} is not laid out (width ${c.width})`);
  }
  return found;
}

async function open(page, base, path) {
  const response = await page.goto(`${base}${path}`, { waitUntil: 'load' });
  assert(response && response.status() === 200, `${path}: status ${response?.status()}`);
}

async function shoot(page, name) {
  await page.screenshot({ path: join(shots, `${name}.png`) });
}

async function main() {
  mkdirSync(shots, { recursive: true });
  const base = await startServer();
  log(`server at ${base}`);
  const scenario = await waitUntilAnswering(base);
  const issues = scenario.issues.map((i) => i.id);

  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    timeout: STEP_TIMEOUT_MS,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1200, height: 1400 } });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  const page = await context.newPage();
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  const consoleErrors = [];
  page.on('console', (m) => {
    // The two bad submissions below answer 400 on purpose; Chromium logs those.
    if (m.type() === 'error' && !m.text().includes('status of 400')) consoleErrors.push(m.text());
  });

  await check('overview page renders its charts', async () => {
    await open(page, base, '/');
    await assertCharts(page, 2);
    assert((await page.locator('dl.counts div').count()) > 5, 'no summary counts');
    await shoot(page, 'overview');
  });

  await check('dependence page renders its charts', async () => {
    await open(page, base, '/dependence');
    await assertCharts(page, 2);
    assert((await page.locator('table[data-table="dependence_by_year"] tbody tr').count()) > 3,
      'no dependence table');
    await shoot(page, 'dependence');
  });

  await check('transit page renders the network game', async () => {
    await open(page, base, '/transit');
    await assertCharts(page, 1);
    assert((await page.locator('table[data-table="transit"] tbody tr').count()) >= 4,
      'no epoch rows in the transit table');
    await shoot(page, 'transit');
  });

  await check('simulation page renders its fan charts and the backtest', async () => {
    await open(page, base, '/simulation');
    await assertCharts(page, 2);
    assert((await page.locator('table[data-table="backtest"] tbody tr').count()) > 3,
      'no backtest rows');
    await shoot(page, 'simulation');
  });

  for (const issue of issues) {
    await check(`forecast page of ${issue} renders its charts`, async () => {
      await open(page, base, `/forecast/${issue}`);
      await assertCharts(page, 3);
      const forecast = await page
        .locator('#forecast-summary tr[data-model="eum"] td:nth-child(2)')
        .textContent();
      assert(Number.isFinite(Number(forecast)), `no EUM forecast: ${forecast}`);
      await shoot(page, `forecast-${issue}`);
    });
  }

  await check('timeline page filters by actor, kind and dates', async () => {
    await open(page, base, '/timeline');
    await assertCharts(page, 1);
    const all = Number(await page.locator('#count').getAttribute('data-count'));
    assert(all > 10, `only ${all} events unfiltered`);
    await shoot(page, 'timeline');

    await page.selectOption('select[name="actor"]', 'BLR');
    await page.selectOption('select[name="kind"]', 'sanction');
    await page.fill('input[name="from"]', '2020-01-01');
    await page.fill('input[name="to"]', '2021-12-31');
    await Promise.all([
      page.waitForURL(/kind=sanction/),
      page.click('#timeline-filter button[type="submit"]'),
    ]);
    await page.waitForLoadState('load');
    const filtered = Number(await page.locator('#count').getAttribute('data-count'));
    assert(filtered > 0 && filtered < all, `filter kept ${filtered} of ${all}`);
    const kinds = await page.$$eval('table[data-table="timeline"] tbody tr td:nth-child(2)',
      (tds) => tds.map((td) => td.textContent));
    assert(kinds.length === filtered, `${kinds.length} rows for a count of ${filtered}`);
    assert(kinds.every((k) => k === 'sanction'), `other kinds: ${kinds}`);
    const dates = await page.$$eval('table[data-table="timeline"] tbody tr td:nth-child(1)',
      (tds) => tds.map((td) => td.textContent));
    assert(dates.every((d) => d >= '2020' && d < '2022'), `dates outside the range: ${dates}`);
    const actors = await page.$$eval('table[data-table="timeline"] tbody tr td:nth-child(3)',
      (tds) => tds.map((td) => td.textContent));
    assert(actors.every((a) => a.split(', ').includes('BLR')), `rows without BLR: ${actors}`);
    assert(await page.locator('select[name="kind"]').inputValue() === 'sanction',
      'the form forgot the filter');
    await assertCharts(page, 1);
    await shoot(page, 'timeline-filtered');
  });

  await check('timeline page reports a bad date', async () => {
    await open(page, base, '/timeline');
    await page.fill('input[name="from"]', '2020-13-40');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/timeline?')),
      page.click('#timeline-filter button[type="submit"]'),
    ]);
    assert(response.status() === 400, `status ${response.status()}`);
    const error = await page.locator('#error').textContent();
    assert(error.includes('parameter `from`'), `error: ${error}`);
  });

  await check('forecast form runs the models on a table', async () => {
    await open(page, base, '/forecast');
    await shoot(page, 'forecast');
    await page.fill('input[name="runs"]', '300');
    await page.selectOption('select[name="variant"]', 'scholz2011');
    await Promise.all([
      page.waitForURL(/\/forecast$/),
      page.click('#forecast-form button[type="submit"]'),
    ]);
    await page.locator('#result').waitFor();
    const found = await assertCharts(page, 3, '#result');
    assert(found.some((c) => c.name === 'monte_carlo_result'), 'no Monte Carlo chart');
    const eum = await page
      .locator('#result tr[data-model="eum"] td:nth-child(2)')
      .textContent();
    assert(Number.isFinite(Number(eum)), `no EUM forecast: ${eum}`);
    const compromise = await page
      .locator('#result tr[data-model="compromise"] td:nth-child(2)')
      .textContent();
    // The compromise of the EC emissions table (capability × salience weighted mean).
    assert(Math.abs(Number(compromise) - 7.39) < 0.01, `compromise ${compromise}`);
    await page.locator('#result').scrollIntoViewIfNeeded();
    await page.locator('#result').screenshot({ path: join(shots, 'forecast-result.png') });
  });

  await check('forecast form names the bad cell of a table', async () => {
    await open(page, base, '/forecast');
    await page.fill('textarea[name="csv"]', 'Actor,Capability,Position,Salience\nA,1,0,0.5\nB,x,1,0.5\n');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/forecast') && r.request().method() === 'POST'),
      page.click('#forecast-form button[type="submit"]'),
    ]);
    assert(response.status() === 400, `status ${response.status()}`);
    const error = await page.locator('#error').textContent();
    assert(error.includes('line 3, column `Capability`'), `error: ${error}`);
  });

  await check('the pages load nothing from elsewhere and log no errors', async () => {
    const foreign = requests.filter((u) => !u.startsWith(base) && !u.startsWith('data:'));
    assert(foreign.length === 0, `requests elsewhere: ${foreign}`);
    assert(consoleErrors.length === 0, `console errors: ${consoleErrors}`);
  });

  await check('the server still answers after the bad requests', async () => {
    const response = await fetch(`${base}/api/timeline?actor=BLR&kind=sanction`, {
      signal: AbortSignal.timeout(5000),
    });
    assert(response.status === 200, `status ${response.status}`);
    assert((await response.json()).length > 0, 'no rows');
  });
}

const watchdog = setTimeout(() => {
  log(`FAIL the e2e test took longer than ${TOTAL_TIMEOUT_MS / 1000} s`);
  stopServer();
  process.exit(1);
}, TOTAL_TIMEOUT_MS);

try {
  await main();
} catch (error) {
  failed += 1;
  log(`FAIL setup: ${error?.stack ?? error}`);
} finally {
  if (browser) await browser.close().catch(() => {});
  stopServer();
  clearTimeout(watchdog);
}
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
