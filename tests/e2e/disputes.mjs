// The gas-dispute page (`/disputes?episode=...`) in headless Chromium, called from
// dashboard.mjs with its helpers: every episode's page at 1,200 px and 390 px has no
// overlapping text and none under 12 px, a tooltip on every chart (the game tree's outcomes
// show their payoffs), downloads that return the chart's rows, an episode switcher that
// changes the URL, and numbers equal to `/api/disputes`.

/**
 * @param {object} h the dashboard test's helpers and state: check, assert, open,
 *   assertReadable, assertTooltips, assertDownloads, shoot, context, page, base
 */
export async function disputeChecks(h) {
  const { check, assert, open, assertReadable, assertTooltips, assertDownloads, shoot, context, page, base } = h;
  const all = await (await fetch(`${base}/api/disputes`)).json();
  const episodes = all.report.episodes.map((e) => e.episode);

  for (const episode of episodes) {
    const path = `/disputes?episode=${encodeURIComponent(episode)}`;
    await check(`${path}: readable at 1200 px, tooltips, downloads, numbers equal to /api/disputes`, async () => {
      await open(page, base, path);
      await assertReadable(page, `${path} at 1200 px`);
      await assertTooltips(page);
      const downloads = await assertDownloads(page);
      const key = episode.replace('-', '_');
      const one = await (await fetch(`${base}/api/disputes?episode=${encodeURIComponent(episode)}`)).json();
      const nodes = one.tree.nodes.length;
      const tree = downloads.find((d) => d.name === `dispute_tree_${key}`);
      assert(tree, `${path}: no tree chart`);
      // A row per node and two segments per edge.
      assert(tree.rows === nodes + 2 * (nodes - 1), `${path}: ${tree.rows} rows for ${nodes} nodes`);
      const current = await page.locator('nav.switcher a[aria-current="page"]').textContent();
      assert(current === episode, `${path}: the switcher marks ${current}`);
      const verdict = await page.locator('.dispute-verdict').textContent();
      const moves = one.episode.solution.length;
      assert(verdict.includes(`Equilibrium: ${moves} move${moves === 1 ? '' : 's'},`), `${path}: "${verdict}" vs ${moves} moves`);
      assert(verdict.includes(one.episode.solution.outcome), `${path}: outcome missing from "${verdict}"`);
      // The drawn tree: one label per node, the path's labels in bold.
      const figure = page.locator(`figure.vchart[data-chart="dispute_tree_${key}"]`);
      const labels = await figure.locator('.role-mark.mark-text text').count();
      assert(labels === nodes, `${path}: ${labels} labels for ${nodes} nodes`);
      const bold = await figure.locator('.role-mark.mark-text text[font-weight="bold"]').count();
      const onPath = one.tree.nodes.filter((n) => n.on_path !== 'off').length;
      assert(bold === onPath, `${path}: ${bold} bold labels, ${onPath} nodes on a path`);
      // An outcome's tooltip gives its payoffs.
      const square = figure.locator('.role-mark.mark-symbol path').last();
      await square.scrollIntoViewIfNeeded();
      const box = await square.boundingBox();
      await page.mouse.move(0, 0);
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 2 });
      const tooltip = page.locator('#vg-tooltip-element.visible');
      await tooltip.waitFor({ state: 'visible', timeout: 3000 });
      const tip = await tooltip.textContent();
      assert(/payoff RUS/.test(tip) && /payoff BLR/.test(tip), `${path}: outcome tooltip "${tip}"`);
      await page.mouse.move(0, 0);
      if (episode === episodes.at(-1)) await shoot(page, 'disputes-1200');
    });
  }

  await check('/disputes: the episode switcher puts the episode in the URL', async () => {
    await open(page, base, '/disputes');
    const last = episodes.at(-1);
    await Promise.all([
      page.waitForURL(`**/disputes?episode=${last}`),
      page.locator('nav.switcher a', { hasText: last }).click(),
    ]);
    const current = await page.locator('nav.switcher a[aria-current="page"]').textContent();
    assert(current === last, `after the click the switcher marks ${current}`);
    const bad = await fetch(`${base}/disputes?episode=1999`);
    assert(bad.status === 400, `an unknown episode answers ${bad.status}`);
  });

  await check('/disputes at 390 px keeps its text apart', async () => {
    const narrow = await context.newPage();
    await narrow.setViewportSize({ width: 390, height: 844 });
    for (const episode of episodes) {
      const path = `/disputes?episode=${encodeURIComponent(episode)}`;
      await open(narrow, base, path);
      await assertReadable(narrow, `${path} at 390 px`, 0);
      // Nothing wider than the screen but the tables, which scroll in their own box.
      const wide = await narrow.$$eval('figure.vchart', (fs) =>
        fs.filter((f) => f.getBoundingClientRect().right > window.innerWidth + 1).map((f) => f.dataset.chart));
      assert(wide.length === 0, `${path} at 390 px: charts wider than the screen: ${wide}`);
    }
    await shoot(narrow, 'disputes-390');
    await narrow.close();
  });
}
