// The thesis-backtest page (`/thesis?cutoff=...`) in headless Chromium, called from
// dashboard.mjs with its helpers: the page at 1,200 px and 390 px has no overlapping text and
// none under 12 px, a tooltip on every chart, downloads that return the chart's rows, a
// cutoff switcher that writes the cutoff in the URL, a table whose numbers equal
// `/api/thesis`, and a fan whose band equals the API's quantiles.

/**
 * @param {object} h the dashboard test's helpers and state: check, assert, open,
 *   assertReadable, assertTooltips, assertDownloads, shoot, context, page, base
 */
export async function thesisChecks(h) {
  const { check, assert, open, assertReadable, assertTooltips, assertDownloads, shoot, context, page, base } = h;
  const all = await (await fetch(`${base}/api/thesis`)).json();
  const cutoffs = all.backtest.fans.map((f) => f.cutoff).sort((a, b) => a - b);
  const latest = cutoffs.at(-1);

  await check('/thesis: readable at 1200 px, tooltips, downloads, the table equal to /api/thesis', async () => {
    await open(page, base, '/thesis');
    await assertReadable(page, '/thesis at 1200 px');
    await assertTooltips(page);
    const downloads = await assertDownloads(page);
    const names = downloads.map((d) => d.name);
    assert(names.includes('thesis_skill_gas_price'), `charts: ${names}`);
    assert(names.includes(`thesis_fan_${latest}`), `no fan from ${latest}: ${names}`);
    // The fan's band has one row per year of the API's fan and its start.
    const fan = all.backtest.fans.find((f) => f.cutoff === latest);
    const spec = await page.$eval(`figure[data-chart="thesis_fan_${latest}"] script.vega-spec`, (s) => JSON.parse(s.textContent));
    const band = spec.data.values.filter((r) => r.layer === 'band' && r.year > latest);
    assert(band.length === fan.years.length, `${band.length} band rows for ${fan.years.length} years`);
    band.forEach((r, i) => assert(Math.abs(r.q90 - fan.q90[i]) < 1e-9, `q90 of ${r.year}: ${r.q90} vs ${fan.q90[i]}`));
    // The scored table: the gas price at one year as the API has it.
    const cells = await page.$$eval('table[data-table="thesis_scores"] tbody tr', (rows) =>
      rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
    const gas1 = cells.find((c) => c[0] === 'gas_price' && c[1] === '1');
    const score = all.backtest.scores.find((s) => s.target === 'gas_price' && s.horizon === 1);
    assert(gas1, 'no gas_price row at horizon 1');
    assert(Number(gas1[2]) === score.n, `n ${gas1[2]} vs ${score.n}`);
    assert(gas1[7] === score.skill_model.toFixed(2), `skill ${gas1[7]} vs ${score.skill_model}`);
    assert(cells.length === all.backtest.scores.length + all.issues.length, `${cells.length} rows`);
    // The CSV download is the API's table.
    const csv = await (await fetch(`${base}/api/thesis?format=csv&table=scores`)).text();
    assert(csv.trim().split('\n').length === cells.length + 1, 'the CSV has another number of rows');
    await shoot(page, 'thesis-1200');
  });

  await check('/thesis: the cutoff switcher puts the cutoff in the URL', async () => {
    await open(page, base, '/thesis');
    const first = cutoffs[0];
    await Promise.all([
      page.waitForURL(`**/thesis?cutoff=${first}`),
      page.locator('nav.switcher a', { hasText: String(first) }).click(),
    ]);
    const current = await page.locator('nav.switcher a[aria-current="page"]').textContent();
    assert(current === String(first), `after the click the switcher marks ${current}`);
    const fans = await page.$$eval('figure.vchart[data-chart^="thesis_fan_"]', (fs) => fs.map((f) => f.dataset.chart));
    assert(fans.length === 1 && fans[0] === `thesis_fan_${first}`, `fans shown: ${fans}`);
    await assertReadable(page, `/thesis?cutoff=${first}`);
    const bad = await fetch(`${base}/thesis?cutoff=1990`);
    assert(bad.status === 400, `an uncalibrated cutoff answers ${bad.status}`);
  });

  await check('/thesis at 390 px keeps its text apart', async () => {
    const narrow = await context.newPage();
    await narrow.setViewportSize({ width: 390, height: 844 });
    await open(narrow, base, '/thesis');
    await assertReadable(narrow, '/thesis at 390 px', 0);
    const wide = await narrow.$$eval('figure.vchart', (fs) =>
      fs.filter((f) => f.getBoundingClientRect().right > window.innerWidth + 1).map((f) => f.dataset.chart));
    assert(wide.length === 0, `/thesis at 390 px: charts wider than the screen: ${wide}`);
    await shoot(narrow, 'thesis-390');
    await narrow.close();
  });
}
