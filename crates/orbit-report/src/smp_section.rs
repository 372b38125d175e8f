//! The report's SMP section: the scenario's multi-dimensional issues bargained with KTAB's
//! Spatial Model of Politics ([`orbit_pipeline::smp`]). Charts come from [`crate::vega_smp`];
//! this module adds the tables (history per issue as `turn,actor,dimension,position`, final
//! positions with the Monte Carlo spread) and the HTML section.

use std::fmt::Write as _;

use orbit_pipeline::smp::SmpIssueResult;

use crate::html::{escape, push_table_body};
use crate::tables::{Cell, DataTable, NumberStyle};
use crate::vega::{VegaChart, figure_html};
use crate::{ReportFile, RunReport};

/// The section's id in the page.
pub const SECTION_ID: &str = "smp";

/// Every SMP chart of the report: one per dimension of each issue.
pub fn charts(report: &RunReport) -> Vec<VegaChart> {
    let name = |code: &str| report.actor_name(code).to_string();
    report
        .smp
        .iter()
        .flat_map(|r| {
            let source = format!(
                "Source: scenario {}, spatial issue `{}` (as of {})",
                report.scenario.id, r.issue, r.as_of
            );
            crate::vega_smp::smp_charts(r, &name, &source)
        })
        .collect()
}

/// The history of `result` as CSV with exactly the columns `turn,actor,dimension,position`
/// (positions on each dimension's scale, full precision), as `orbit smp --format csv` writes it.
pub fn history_csv(result: &SmpIssueResult) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(["turn", "actor", "dimension", "position"]);
    for row in result.history_rows() {
        let _ = writer.write_record([
            row.turn.to_string(),
            row.actor.to_string(),
            row.dimension.to_string(),
            row.position.to_string(),
        ]);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Final positions of every spatial issue: start, end of the base run, and the Monte Carlo
/// mean and 5–95 % range when drawn (empty cells otherwise: not drawn is not zero).
pub fn final_positions(report: &RunReport) -> DataTable {
    let mut t = DataTable {
        name: "smp_final_positions",
        title: "Spatial issues (KTAB SMP): final positions per actor and dimension".into(),
        headers: [
            "issue",
            "actor",
            "dimension",
            "unit",
            "start",
            "final",
            "turns",
            "mc_draws",
            "mc_mean",
            "mc_p5",
            "mc_p95",
        ]
        .map(String::from)
        .to_vec(),
        rows: Vec::new(),
    };
    let num = |v: f64| Cell::Number(v, NumberStyle::Decimals(1));
    for r in &report.smp {
        let first = r.history.first();
        for (i, actor) in r.actors.iter().enumerate() {
            for (d, dim) in r.dimensions.iter().enumerate() {
                let summary = r.monte_carlo.as_ref().and_then(|mc| {
                    mc.final_positions
                        .iter()
                        .find(|s| &s.actor == actor && s.dimension == dim.id)
                });
                let opt = |v: Option<f64>| v.map_or(Cell::Empty, num);
                t.rows.push(vec![
                    Cell::text(&r.issue),
                    Cell::text(actor),
                    Cell::text(&dim.id),
                    Cell::text(&dim.unit),
                    first.map_or(Cell::Empty, |s| num(s[i][d])),
                    r.final_positions()
                        .get(i)
                        .map_or(Cell::Empty, |s| num(s[d])),
                    Cell::Number(r.turns as f64, NumberStyle::Decimals(0)),
                    r.monte_carlo.as_ref().map_or(Cell::Empty, |mc| {
                        Cell::Number(mc.succeeded as f64, NumberStyle::Decimals(0))
                    }),
                    opt(summary.map(|s| s.mean)),
                    opt(summary.map(|s| s.p5)),
                    opt(summary.map(|s| s.p95)),
                ]);
            }
        }
    }
    t
}

/// The report files of the section: `smp/<issue>_history.csv` per issue and
/// `smp_final_positions.csv` (the charts' CSV and spec are written with the other charts).
pub fn files(report: &RunReport) -> Vec<ReportFile> {
    if report.smp.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<ReportFile> = report
        .smp
        .iter()
        .map(|r| ReportFile {
            path: format!("smp/{}_history.csv", crate::charts::file_stem(&r.issue)),
            contents: history_csv(r),
        })
        .collect();
    let t = final_positions(report);
    out.push(ReportFile {
        path: t.file_name(),
        contents: t.to_csv(),
    });
    out
}

/// The HTML section (empty when the scenario has no spatial issue).
pub fn section_html(report: &RunReport, vcharts: &[VegaChart]) -> String {
    if report.smp.is_empty() {
        return String::new();
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<section id=\"{SECTION_ID}\">\n<h2>Spatial issues (KTAB SMP)</h2>\n<p>Issues with several dimensions, bargained with KTAB's Spatial Model of Politics as KTAB implements it (default parameters; see <code>docs/models/ktab-smp.md</code>). Each panel is one dimension: a line per actor over the bargaining turns, labels at the last turn (actors ending together share a label), the dashed rule the dimension's status quo.</p>"
    );
    for r in &report.smp {
        let _ = writeln!(
            out,
            "<h3>{} <code>{}</code></h3>\n<p>As of {}; {}, {}; {}{}.</p>\n<div class=\"panels\">",
            escape(&r.name),
            escape(&r.issue),
            escape(&r.as_of),
            orbit_scenario::counted(r.actors.len(), "actor", "actors"),
            orbit_scenario::counted(r.dimensions.len(), "dimension", "dimensions"),
            orbit_scenario::counted(r.turns, "turn", "turns"),
            r.monte_carlo.as_ref().map_or(String::new(), |mc| format!(
                "; Monte Carlo: {} of {} perturbed draws ran, {:.1} turns on average (seed {})",
                mc.succeeded, mc.draws, mc.turns_mean, mc.seed
            )),
        );
        for dim in &r.dimensions {
            let name = crate::vega_smp::chart_name(&r.issue, &dim.id);
            if let Some(c) = vcharts.iter().find(|c| c.name == name) {
                out.push_str(&figure_html(c, "charts/", "h4"));
            }
        }
        out.push_str("</div>\n");
        let _ = writeln!(
            out,
            "<p class=\"csv\">History (turn, actor, dimension, position): <a href=\"smp/{0}_history.csv\">smp/{0}_history.csv</a></p>",
            escape(&crate::charts::file_stem(&r.issue))
        );
    }
    let t = final_positions(report);
    let _ = writeln!(out, "<h3 id=\"table-{}\">{}</h3>", t.name, escape(&t.title));
    push_table_body(&mut out, &t);
    let _ = writeln!(
        out,
        "<p class=\"csv\">CSV: <a href=\"{0}\">{0}</a></p>",
        escape(&t.file_name())
    );
    out.push_str("</section>\n");
    out
}
