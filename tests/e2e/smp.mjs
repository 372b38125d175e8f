// End-to-end checks of the dashboard's `/smp` page (KTAB's Spatial Model of Politics, issue 14),
// called from dashboard.mjs with its helpers: the scenario's spatial issue drawn per dimension,
// a pasted and an uploaded KTAB file run and drawn, a malformed file's problems located, and
// on every chart no overlapping text, nothing under 12 px, a tooltip on hover and downloads
// that return the data.

/** KTAB's examples/smp/doc/dummyData_3Dim.csv (KAPSARC/KTAB, mirror lsyaseen/KTAB @3b5b063). */
const KTAB_3DIM = `DummyData_3Dim,"Dummy scenario to test reading format",7,3
Actor,Description,Power,Pstn1,Sal1,Pstn2,Sal2,Pstn3,Sal3
SActor-00,Random Spatial Actor,102.543,75.79,49.53,6.37,5.91,70.45,28.15
SActor-01,Random Spatial Actor,53.393,82.72,30.33,73.50,21.22,64.00,24.79
SActor-02,Random Spatial Actor,129.643,82.45,48.47,90.89,13.55,0.07,34.62
SActor-03,Random Spatial Actor,75.920,62.52,20.76,50.82,39.24,62.33,22.21
SActor-04,Random Spatial Actor,63.224,82.34,40.96,45.77,25.43,73.31,22.59
SActor-05,Random Spatial Actor,120.048,84.48,22.92,33.70,39.35,88.11,15.42
SActor-06,Random Spatial Actor,54.178,70.96,31.75,33.46,27.93,90.36,26.03
`;

export async function smpChecks({ page, base, check, assert, open, chartsReady, assertReadable, assertTooltips, assertDownloads, shoot }) {
  await check('/smp draws the scenario\'s spatial issue per dimension, readable, with tooltips and downloads', async () => {
    await open(page, base, '/smp');
    const names = await page.$$eval('#smp-scenario figure.vchart', (fs) => fs.map((f) => f.dataset.chart));
    assert(names.includes('smp_russian_air_base_2d_scope') && names.includes('smp_russian_air_base_2d_permanence'),
      `scenario charts: ${names}`);
    await assertReadable(page, '/smp');
    await assertTooltips(page);
    const downloads = await assertDownloads(page);
    assert(downloads.length >= 2, `${downloads.length} downloads`);
    // Direct labels at the last turn: at least one per panel, never empty.
    const labels = await page.$$eval('figure[data-chart="smp_russian_air_base_2d_scope"] .role-mark text',
      (ts) => ts.map((t) => t.textContent.trim()).filter((t) => t));
    assert(labels.some((l) => /RUS|BLR|POL|UKR/.test(l)), `no actor label: ${labels}`);
    await shoot(page, 'smp');
  });

  await check('/smp runs a pasted KTAB CSV and draws its history per dimension', async () => {
    await open(page, base, '/smp');
    await page.fill('#smp-form textarea[name="ktab"]', KTAB_3DIM);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/smp') && r.request().method() === 'POST'),
      page.click('#smp-form button[type="submit"]'),
    ]);
    assert(response.status() === 200, `status ${response.status()}`);
    await page.waitForLoadState('load');
    await chartsReady(page);
    const turns = await page.getAttribute('#smp-summary', 'data-turns');
    assert(turns === '10', `KTAB converges after 10 turns; the page says ${turns}`);
    const posted = await page.$$eval('#smp-result figure.vchart', (fs) => fs.length);
    assert(posted === 3, `${posted} panels for 3 dimensions`);
    await assertReadable(page, '/smp result');
    await assertTooltips(page);
    await assertDownloads(page);
    // The history link is a `data:` URL (the page's CSP lets no script fetch it): download it as a user does.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#smp-history')]);
    const { readFile } = await import('node:fs/promises');
    const history = await readFile(await download.path(), 'utf8');
    const lines = history.trim().split('\n');
    assert(lines[0] === 'turn,actor,dimension,position', `history header: ${lines[0]}`);
    assert(lines.length === 1 + 11 * 7 * 3, `history has ${lines.length} lines`);
    assert(lines.at(-2) === '10,SActor-06,1,31.65' || lines.at(-2).startsWith('10,SActor-06,'), `last rows: ${lines.at(-2)}`);
    await shoot(page, 'smp-result');
  });

  await check('/smp runs an uploaded KTAB file and locates the problems of a bad one', async () => {
    await open(page, base, '/smp');
    await page.setInputFiles('#smp-form input[name="file"]', {
      name: 'dummyData_3Dim.csv', mimeType: 'text/csv', buffer: Buffer.from(KTAB_3DIM),
    });
    const [ok] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/smp') && r.request().method() === 'POST'),
      page.click('#smp-form button[type="submit"]'),
    ]);
    assert(ok.status() === 200, `upload: status ${ok.status()}`);
    await page.waitForLoadState('load');
    await chartsReady(page);
    const title = await page.locator('#smp-result h2').textContent();
    assert(title.includes('dummyData_3Dim.csv'), `result title: ${title}`);

    await open(page, base, '/smp');
    await page.fill('#smp-form textarea[name="ktab"]', KTAB_3DIM.replace('54.178,70.96', '54.178,170.96'));
    const [bad] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/smp') && r.request().method() === 'POST'),
      page.click('#smp-form button[type="submit"]'),
    ]);
    assert(bad.status() === 400, `bad file: status ${bad.status()}`);
    const problem = await page.locator('#error ul.problems li').first().textContent();
    assert(/line 9, column \d+/.test(problem), `problem: ${problem}`);
    const kept = await page.inputValue('#smp-form textarea[name="ktab"]');
    assert(kept.includes('170.96'), 'the pasted text is kept for correction');
  });
}
