//! The self-contained `index.html`: inline CSS, the charts' specs and the vendored chart
//! scripts inline once, no external resource. Every text that comes from the scenario goes
//! through [`escape`].

use std::fmt::Write as _;

use orbit_models::dependence::Provenance;
use orbit_models::forecast::IssueForecast;

use crate::charts::{file_stem, percent, scale_value};
use crate::data::RunReport;
use crate::tables::{self, DataTable};
use crate::vega::{self, VegaChart};

/// Escapes text for HTML content and attribute values: `&`, `<`, `>`, `"` and `'`.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = r#"
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #222; background: #fafafa; line-height: 1.45; }
header, main, footer { max-width: 1000px; margin: 0 auto; padding: 0 1.2rem; }
header { padding-top: 1.5rem; }
h1 { font-size: 1.7rem; margin: 0 0 .3rem; }
h2 { font-size: 1.35rem; margin-top: 2.4rem; border-bottom: 2px solid #ddd; padding-bottom: .2rem; }
h3 { font-size: 1.1rem; margin-top: 1.8rem; }
.sub { color: #555; margin: 0; }
nav { max-width: 1000px; margin: .8rem auto 0; padding: 0 1.2rem; font-size: .95rem; }
nav a { margin-right: 1rem; }
figure { margin: 1.2rem 0; background: #fff; border: 1px solid #e3e3e3; padding: .4rem; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { font-size: .85rem; color: #555; margin-top: .2rem; }
table { border-collapse: collapse; margin: .6rem 0 1rem; font-size: .88rem; background: #fff; }
th, td { border: 1px solid #ddd; padding: .25rem .5rem; vertical-align: top; text-align: left; }
th { background: #f0f0f0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.table-wrap { overflow-x: auto; }
.csv { font-size: .85rem; color: #555; }
blockquote { margin: .6rem 0; padding: .3rem .8rem; border-left: 4px solid #ccc; background: #fff; }
.verdict { font-weight: 600; }
details { margin: .6rem 0; }
summary { cursor: pointer; color: #1f4e79; }
.swatch { display: inline-block; width: .8em; height: .8em; border-radius: 50%; margin-right: .3em; vertical-align: baseline; }
dl.counts { display: grid; grid-template-columns: repeat(auto-fill, minmax(9rem, 1fr)); gap: .2rem 1rem; }
dl.counts div { background: #fff; border: 1px solid #e3e3e3; padding: .3rem .5rem; }
dl.counts dt { font-size: .8rem; color: #555; }
dl.counts dd { margin: 0; font-size: 1.2rem; font-weight: 600; }
footer { color: #666; font-size: .85rem; padding-bottom: 2rem; margin-top: 3rem; }
"#;

/// The layout of the headline view and the Vega-Lite charts, shared with the dashboard.
pub const CHART_CSS: &str = r#"
nav.sections { position: sticky; top: 0; background: #fafafa; border-bottom: 1px solid #ddd; padding: .4rem 1.2rem; z-index: 2; display: flex; flex-wrap: wrap; gap: .2rem 1rem; }
nav.sections a { margin: 0; }
.lede { font-size: 1.05rem; }
.headline { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 290px), 1fr)); gap: .8rem; margin: 1rem 0; }
.headline .key { background: #fff; border: 1px solid #e3e3e3; padding: .6rem .8rem; display: flex; flex-direction: column; }
.headline .key p { margin: .1rem 0; }
.key-label { font-size: .95rem; color: #333; font-weight: 600; }
.key-value { font-size: 1.9rem; font-weight: 700; color: #111; }
.key-detail, .key-source { font-size: .8rem; color: #555; }
.key-source { margin-top: auto !important; }
.headline figure.vchart { border: 0; padding: 0; margin: .3rem 0; }
.headline figure.vchart .chart-title, .headline figure.vchart figcaption { display: none; }
.panels { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 430px), 1fr)); gap: .8rem; }
.panels figure.vchart { margin: 0; }
figure.vchart { margin: 1.2rem 0; background: #fff; border: 1px solid #e3e3e3; padding: .5rem .6rem; min-width: 0; }
figure.vchart .chart-title { margin: .1rem 0 .4rem; font-size: 1rem; }
figure.vchart .vega { width: 100%; min-height: 40px; }
figure.vchart figcaption { font-size: .8rem; color: #555; margin-top: .3rem; }
figure.vchart .downloads { white-space: nowrap; }
figure.vchart .downloads a { margin-left: .6rem; }
.vega-embed { width: 100%; }
.vega-embed summary { color: #333; }
#vg-tooltip-element.vg-tooltip { font-size: 13px; }
#vg-tooltip-element.vg-tooltip h2 { font-size: 14px; }
figure.vchart[data-chart="event_timeline"] .vega { overflow-x: auto; }
figure.vchart[data-chart="event_timeline"] .vega svg { max-width: none; }
.panels.mc { grid-template-columns: repeat(auto-fit, minmax(min(100%, 380px), 1fr)); }
h4.panels-title { margin: 1rem 0 .4rem; font-size: 1rem; }
figure.vchart h5.chart-title { font-size: .95rem; font-weight: 600; }
ol.key-events { font-size: .9rem; columns: 2 22rem; margin: .4rem 0 1rem; }
ol.key-events .date { color: #555; font-variant-numeric: tabular-nums; }
p.empty { padding: 1rem; background: #fff; border: 1px dashed #bbb; color: #444; }
"#;

/// The whole report as one HTML page.
pub fn render_html(report: &RunReport) -> String {
    render_page(report, &vega::all(report), &tables::all(report))
}

/// The page from every chart and table it shows.
pub(crate) fn render_page(
    report: &RunReport,
    vcharts: &[VegaChart],
    tables: &[DataTable],
) -> String {
    let s = &report.scenario;
    let vchart = |name: &str| vcharts.iter().find(|c| c.name == name);
    let table = |name: &str| tables.iter().find(|t| t.name == name);
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>orbit report: {}</title>\n<style>{CSS}{CHART_CSS}</style>\n</head>\n<body>\n",
        escape(&s.name)
    );
    let _ = writeln!(
        out,
        "<header>\n<h1>{}</h1>\n<p class=\"sub\">orbit report on scenario <code>{}</code>{}: focus {} ({}), patron {} ({})</p>\n</header>",
        escape(&s.name),
        escape(&s.id),
        // The years only when the scenario's name does not already give them.
        if s.name.contains(&s.years.to_string()) {
            String::new()
        } else {
            format!(", {}", s.years)
        },
        escape(&s.focus),
        escape(report.actor_name(&s.focus)),
        escape(&s.patron),
        escape(report.actor_name(&s.patron)),
    );
    let mut sections = vec![("headline", "At a glance"), ("dependence", "Dependence")];
    if report.transit.is_some() {
        sections.push(("transit", "Transit power"));
    }
    sections.push(("forecasts", "Forecasts"));
    if report.simulation.is_some() {
        sections.push(("simulation", "Simulation"));
    }
    if !report.backtest.is_empty() {
        sections.push(("backtest", "Backtest"));
    }
    if !report.smp.is_empty() {
        sections.push((crate::smp_section::SECTION_ID, "Spatial issues"));
    }
    if report.disputes.is_some() {
        sections.push(("disputes", "Gas disputes"));
    }
    if report.thesis.is_some() {
        sections.push((crate::thesis_section::SECTION_ID, "Thesis backtest"));
    }
    sections.extend([
        ("key-dates", "Key dates"),
        ("figures", "Figures vs data"),
        ("claims", "Claims"),
        ("appendix", "Appendix"),
    ]);
    out.push_str("<nav class=\"sections\" aria-label=\"sections\">");
    for (id, label) in &sections {
        let _ = write!(out, "<a href=\"#{id}\">{label}</a>");
    }
    out.push_str("</nav>\n<main>\n");

    // The headline view: the answers first.
    out.push_str("<section id=\"headline\">\n<h2>At a glance</h2>\n");
    if let Some(d) = &s.description {
        let _ = writeln!(out, "<p class=\"lede\">{}</p>", escape(d));
    }
    out.push_str(&vega::headline_html(
        &vega::headline(report),
        "charts/",
        true,
    ));
    out.push_str("</section>\n");

    // Dependence.
    let _ = writeln!(
        out,
        "<section id=\"dependence\">\n<h2>Dependence of {} on {}</h2>\n<p>Shares of goods trade by partner; the energy subsidy is the reference price minus the price paid, times the volume, over GDP. A line joins only consecutive years with data: a gap is a year without data.</p>",
        escape(&report.dependence.actor),
        escape(&report.dependence.patron)
    );
    for name in ["trade_shares", "energy_subsidy", "total_support"] {
        if let Some(c) = vchart(name) {
            out.push_str(&vega::figure_html(c, "charts/", "h3"));
        }
    }
    for name in ["dependence_by_year", "subsidy_estimates"] {
        if let Some(t) = table(name) {
            push_table(&mut out, t);
        }
    }
    if let Some(t) = table("dependence") {
        push_details_table(&mut out, t);
    }
    out.push_str("</section>\n");

    if report.transit.is_some() {
        out.push_str("<section id=\"transit\">\n<h2>Transit power</h2>\n<p>The gas pipelines as a cooperative game: a coalition's value is the gas it can move from Russia to the buyers (max flow); a player's Shapley share is its average marginal contribution.</p>\n");
        if let Some(c) = vchart("shapley_epochs") {
            out.push_str(&vega::figure_html(c, "charts/", "h3"));
        }
        out.push_str("<div class=\"panels\">\n");
        for c in vcharts
            .iter()
            .filter(|c| c.name.starts_with("transit_network_"))
        {
            out.push_str(&vega::figure_html(c, "charts/", "h4"));
        }
        out.push_str("</div>\n</section>\n");
    }

    // Forecasts.
    out.push_str("<section id=\"forecasts\">\n<h2>Forecasts</h2>\n<p>Expected utility model (Bueno de Mesquita, as reconstructed by Scholz et al. 2011; bdm variant) and the baselines of Thomson et al. (2006): compromise (capability × salience weighted mean), weighted median, and the Nash bargaining solution.</p>\n");
    if let Some(c) = vchart("issue_dots") {
        out.push_str(&vega::figure_html(c, "charts/", "h3"));
    }
    for name in ["issues", "forecasts"] {
        if let Some(t) = table(name) {
            push_table(&mut out, t);
        }
    }
    for f in &report.forecasts {
        push_issue(&mut out, report, f, vcharts);
    }
    for name in ["eum_rounds", "monte_carlo"] {
        if let Some(t) = table(name) {
            push_csv_link(&mut out, t);
        }
    }
    out.push_str("</section>\n");

    if let Some(sim) = &report.simulation {
        let _ = writeln!(
            out,
            "<section id=\"simulation\">\n<h2>Simulation {}-{}</h2>\n<p>The essay's thesis as a yearly stepper: timeline shocks and the scenario's declared links move the indicators and the issue positions; each year the expected utility model forecasts every issue. Bands hold 90% of {} Monte Carlo runs (seed {}) over the links' uncertain parameters and the inputs' uncertainty; the dashed line is the central run, black dots are observations, and the dotted rule marks the last year of data ({}). See <code>docs/models/simulation.md</code>.</p>",
            sim.years.first().copied().unwrap_or_default(),
            sim.years.last().copied().unwrap_or_default(),
            sim.runs,
            sim.seed,
            s.years.last,
        );
        out.push_str("<div class=\"panels\">\n");
        for c in vcharts.iter().filter(|c| c.name.starts_with("simulation_")) {
            out.push_str(&vega::figure_html(c, "charts/", "h4"));
        }
        out.push_str("</div>\n");
        if let Some(t) = table("simulation_fans") {
            push_csv_link(&mut out, t);
        }
        out.push_str("</section>\n");
    }
    if !report.backtest.is_empty() {
        out.push_str("<section id=\"backtest\">\n<h2>Backtest</h2>\n<p>At each cutoff the scenario is cut to the data dated on or before it, simulated forward and scored against what happened (absolute error on each question's scale), beside two naive baselines: the status quo persists, and the compromise model on the cutoff positions. See <code>docs/backtest.md</code>.</p>\n");
        if let Some(c) = vchart("backtest_skill") {
            out.push_str(&vega::figure_html(c, "charts/", "h3"));
        }
        for name in ["backtest_summary", "backtest"] {
            if let Some(t) = table(name) {
                push_table(&mut out, t);
            }
        }
        out.push_str("</section>\n");
    }

    out.push_str(&crate::smp_section::section_html(report, vcharts));
    if let Some(d) = &report.disputes {
        out.push_str(&crate::vega_disputes::section_html(
            d, vcharts, tables, "charts/",
        ));
    }
    out.push_str(&crate::thesis_section::section_html(report, vcharts));
    // Key dates and the timeline.
    out.push_str("<section id=\"key-dates\">\n<h2>Key dates</h2>\n");
    if let Some(c) = vchart("event_timeline") {
        out.push_str(&vega::figure_html(c, "charts/", "h3"));
        let keys = crate::vega_timeline::key_numbers(&report.key_events, &report.key_events);
        out.push_str(&crate::vega_timeline::key_list_html(&keys));
    }
    if let Some(t) = table("key_events") {
        push_details_table(&mut out, t);
    }
    if let Some(t) = table("events_by_kind_year") {
        push_details_table(&mut out, t);
    }
    out.push_str("</section>\n");

    // The narrative's figures.
    out.push_str("<section id=\"figures\">\n<h2>The narrative's figures against the data</h2>\n");
    for check in &report.figure_checks {
        let _ = writeln!(
            out,
            "<h3>P{} <code>{}</code>: {} <span class=\"verdict\">({})</span></h3>\n<blockquote>{}</blockquote>\n<p>The narrative states <strong>{}</strong> for {}.{}</p>",
            check.paragraph,
            escape(&check.claim),
            escape(&check.measure),
            escape(check.verdict.as_str()),
            escape(&check.text),
            percent(check.figure),
            escape(&check.measure),
            check.closest_gap.map_or(String::new(), |g| format!(
                " The closest figure in the data differs by {:+.1} percentage points.",
                100.0 * g
            )),
        );
        out.push_str("<div class=\"table-wrap\"><table><tr><th>years</th><th>value</th><th>label</th><th>provenance</th></tr>");
        for o in &check.observations {
            let provenance = match &o.provenance {
                Provenance::Sourced { source } => format!("sourced: {}", escape(source)),
                Provenance::Derived { formula, sources } => format!(
                    "derived: {} from {}",
                    escape(formula),
                    escape(&sources.join("; "))
                ),
            };
            let _ = write!(
                out,
                "<tr><td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{provenance}</td></tr>",
                o.years,
                percent(o.value),
                escape(o.label.as_deref().unwrap_or("")),
            );
        }
        out.push_str("</table></div>\n");
        if let Some(c) = &check.correction {
            let _ = writeln!(out, "<p>Correction: {}</p>", escape(c));
        }
    }
    if let Some(t) = table("figure_checks") {
        push_csv_link(&mut out, t);
    }
    out.push_str("</section>\n");

    // Claims.
    let c = &report.claims;
    let verdicts: Vec<String> = c
        .by_verdict
        .iter()
        .map(|(k, v)| format!("{v} {}", escape(&k.replace('_', " "))))
        .collect();
    let _ = writeln!(
        out,
        "<section id=\"claims\">\n<h2>Claims of the narrative</h2>\n<p>{} checked: {}.</p>",
        orbit_scenario::counted(c.total, "claim", "claims"),
        verdicts.join(", ")
    );
    if let Some(t) = table("claims") {
        push_table(&mut out, t);
    }
    out.push_str("</section>\n");

    // Appendix: what the scenario holds, and the files.
    out.push_str("<section id=\"appendix\">\n<h2>Appendix</h2>\n");
    if let Some(n) = &s.narrative {
        let _ = writeln!(out, "<p>Narrative checked: {}</p>", escape(n));
    }
    out.push_str("<h3 id=\"counts\">Records in the scenario</h3>\n<dl class=\"counts\">");
    for (k, v) in &s.counts {
        let _ = write!(
            out,
            "<div><dt>{}</dt><dd>{v}</dd></div>",
            escape(&k.replace('_', " "))
        );
    }
    out.push_str("</dl>\n<h3 id=\"data\">Data files</h3>\n<p>Beside this page: <a href=\"report.json\">report.json</a> (everything above, as <code>orbit run --format json</code> prints it) and one CSV per table:</p>\n<ul>\n");
    for t in tables {
        let _ = writeln!(
            out,
            "<li><a href=\"{}\">{}</a>: {}</li>",
            escape(&t.file_name()),
            escape(&t.file_name()),
            escape(&t.title)
        );
    }
    out.push_str("</ul>\n<p>Each interactive chart's data and Vega-Lite spec are under <code>charts/</code> (<code>NAME.csv</code>, <code>NAME.vl.json</code>; the links under each chart also work from this page alone); they are drawn are drawn with vega 5.33.1, vega-lite 5.23.0 and vega-embed 6.29.0 (BSD-3-Clause), inlined in this page.</p>\n</section>\n</main>\n");
    let _ = writeln!(
        out,
        "<footer>Made by orbit from scenario <code>{}</code>. Every number carries its source in the scenario; derived numbers name their formula and inputs in <code>report.json</code>. This page loads nothing from the network.</footer>",
        escape(&s.id)
    );
    out.push_str(&vega::inline_scripts());
    out.push_str("</body>\n</html>\n");
    out
}

fn push_issue(out: &mut String, report: &RunReport, f: &IssueForecast, vcharts: &[VegaChart]) {
    let stem = file_stem(&f.issue);
    let summary = report.issue(&f.issue);
    let _ = writeln!(
        out,
        "<h3 id=\"issue-{stem}\">{}</h3>",
        escape(f.name.as_deref().unwrap_or(&f.issue))
    );
    if let Some(s) = summary {
        let _ = writeln!(
            out,
            "<p>Scale {}–{}: {} = {}; {} = {}. Status quo {} (as of {}).</p>",
            scale_value(s.scale[0]),
            scale_value(s.scale[1]),
            scale_value(s.scale[0]),
            escape(&s.scale_labels[0]),
            scale_value(s.scale[1]),
            escape(&s.scale_labels[1]),
            scale_value(s.status_quo),
            escape(&s.as_of),
        );
    }
    out.push_str(&vega::figure_html(
        &vega::issue_detail(f, summary, &report.backtest, &report.scenario.id),
        "charts/",
        "h4",
    ));
    if let Some(c) = vcharts
        .iter()
        .find(|c| c.name == format!("eum_rounds_{stem}"))
    {
        out.push_str(&vega::figure_html(c, "charts/", "h4"));
    }
    push_monte_carlo(out, vcharts, &f.issue, "charts/");
    if let Some(eum) = &f.eum {
        let _ = write!(
            out,
            "<details><summary>Expected utility model: positions by round ({})</summary><div class=\"table-wrap\"><table><tr><th>round</th>",
            orbit_scenario::counted(eum.rounds.len().saturating_sub(1), "round", "rounds")
        );
        for a in &eum.actors {
            let _ = write!(out, "<th>{}</th>", escape(a));
        }
        out.push_str("<th>median</th></tr>");
        for r in &eum.rounds {
            let _ = write!(out, "<tr><td class=\"num\">{}</td>", r.round);
            for p in &r.positions {
                let _ = write!(out, "<td class=\"num\">{}</td>", scale_value(*p));
            }
            let _ = write!(out, "<td class=\"num\">{}</td></tr>", scale_value(r.median));
        }
        out.push_str("</table></div></details>\n");
    }
}

/// The Monte Carlo panels of issue `issue` (their spec's `usermeta.issue`: a name prefix
/// would also match an issue whose id extends this one's) under one heading, on one grid;
/// shared with the dashboard.
pub fn push_monte_carlo(out: &mut String, vcharts: &[VegaChart], issue: &str, href_prefix: &str) {
    let panels: Vec<&VegaChart> = vcharts
        .iter()
        .filter(|c| c.name.starts_with("monte_carlo_") && c.spec["usermeta"]["issue"] == issue)
        .collect();
    if panels.is_empty() {
        return;
    }
    out.push_str("<h4 class=\"panels-title\">Monte Carlo: each model's forecast over the perturbed draws, on the same bins</h4>\n<div class=\"panels mc\">\n");
    for c in panels {
        out.push_str(&vega::figure_html(c, href_prefix, "h5"));
    }
    out.push_str("</div>\n");
}

fn push_table(out: &mut String, t: &DataTable) {
    let _ = writeln!(out, "<h3 id=\"table-{}\">{}</h3>", t.name, escape(&t.title));
    if t.rows.is_empty() {
        out.push_str("<p>None.</p>\n");
        return;
    }
    push_table_body(out, t);
    push_csv_link(out, t);
}

fn push_details_table(out: &mut String, t: &DataTable) {
    let _ = writeln!(
        out,
        "<details id=\"table-{}\"><summary>{} ({})</summary>",
        t.name,
        escape(&t.title),
        orbit_scenario::counted(t.rows.len(), "row", "rows")
    );
    push_table_body(out, t);
    push_csv_link(out, t);
    out.push_str("</details>\n");
}

/// A table as HTML (`data-table` names it, for scripts and tests), numbers right-aligned and
/// formatted for reading; shared by the report and the dashboard.
pub fn push_table_body(out: &mut String, t: &DataTable) {
    let _ = write!(
        out,
        "<div class=\"table-wrap\"><table data-table=\"{}\">\n<thead><tr>",
        escape(t.name)
    );
    for h in &t.headers {
        let _ = write!(out, "<th>{}</th>", escape(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        out.push_str("<tr>");
        for cell in row {
            let class = if cell.is_number() {
                " class=\"num\""
            } else {
                ""
            };
            let _ = write!(out, "<td{class}>{}</td>", escape(&cell.display()));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
}

fn push_csv_link(out: &mut String, t: &DataTable) {
    let _ = writeln!(
        out,
        "<p class=\"csv\">CSV: <a href=\"{0}\">{0}</a></p>",
        escape(&t.file_name())
    );
}
