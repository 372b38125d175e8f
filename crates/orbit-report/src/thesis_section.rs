//! The report's thesis section: the patron–client bargain's backtest from every cutoff
//! 2000–2021 ([`orbit_pipeline::thesis`]), titled with the answer (generated from the
//! scores by [`orbit_pipeline::thesis::verdict`]), its skill charts and price fan
//! ([`crate::vega_thesis`]) and the scored table with its CSV downloads. The dashboard's
//! `/thesis` page draws the same HTML with another cutoff's fan.

use std::fmt::Write as _;

use orbit_pipeline::export::{Cell as ExportCell, ExportTable};
use orbit_pipeline::thesis::{ThesisSection, forecasts_table, scores_table, verdict};

use crate::html::{escape, push_table_body};
use crate::tables::{Cell, DataTable, NumberStyle};
use crate::vega::{VegaChart, figure_html};
use crate::{ReportFile, RunReport};

/// The section's id in the page.
pub const SECTION_ID: &str = "thesis";

/// The file of the whole section as JSON (what `/api/thesis` returns).
pub const JSON_FILE: &str = "thesis_backtest.json";

/// The section's charts, if the run has a thesis backtest.
pub fn charts(report: &RunReport) -> Vec<VegaChart> {
    report.thesis.as_ref().map_or_else(Vec::new, |t| {
        crate::vega_thesis::charts(t, &report.scenario.id)
    })
}

/// How a cell of column `column` of a row of `target` reads.
fn style(target: &str, column: &str) -> NumberStyle {
    match column {
        "horizon" | "n" | "brier_n" | "better" | "ties" | "worse" | "cutoff" | "year" => {
            NumberStyle::Decimals(0)
        }
        c if c.starts_with("skill") || c.starts_with("brier") || c == "coverage_80" => {
            NumberStyle::Decimals(2)
        }
        _ if target.ends_with("_share") => NumberStyle::Decimals(3),
        _ => NumberStyle::Decimals(1),
    }
}

/// An export table as a report table (the same cells; numbers formatted per column).
fn data_table(name: &'static str, title: &str, t: &ExportTable) -> DataTable {
    let mut out = DataTable {
        name,
        title: title.to_string(),
        headers: t.columns.clone(),
        rows: Vec::new(),
    };
    for row in &t.rows {
        let target = match row.first() {
            Some(ExportCell::Text(s)) => s.as_str(),
            _ => "",
        };
        out.rows.push(
            row.iter()
                .zip(&t.columns)
                .map(|(cell, column)| match cell {
                    ExportCell::Text(s) => Cell::text(s),
                    ExportCell::Int(i) => Cell::Number(*i as f64, NumberStyle::Decimals(0)),
                    ExportCell::Number(x) => Cell::Number(*x, style(target, column)),
                    ExportCell::Bool(b) => Cell::text(b.to_string()),
                    ExportCell::Missing => Cell::Empty,
                })
                .collect(),
        );
    }
    out
}

/// The scored table: per target and horizon (`thesis_scores.csv`).
pub fn scores(section: &ThesisSection) -> DataTable {
    data_table(
        "thesis_scores",
        "Thesis backtest: scores per target and horizon (skill = 1 − MAE/MAE persistence)",
        &scores_table(section),
    )
}

/// Every forecast (`thesis_backtest.csv`).
pub fn forecasts(section: &ThesisSection) -> DataTable {
    data_table(
        "thesis_backtest",
        "Thesis backtest: every forecast, per target, cutoff and horizon",
        &forecasts_table(section),
    )
}

/// The section's tables (empty without a thesis backtest).
pub fn tables(report: &RunReport) -> Vec<DataTable> {
    report
        .thesis
        .as_ref()
        .map_or_else(Vec::new, |t| vec![scores(t), forecasts(t)])
}

/// The section's own files besides its tables and charts: the whole section as JSON.
pub fn files(report: &RunReport) -> Vec<ReportFile> {
    report.thesis.as_ref().map_or_else(Vec::new, |t| {
        let mut json = serde_json::to_string_pretty(t).unwrap_or_default();
        json.push('\n');
        vec![ReportFile {
            path: JSON_FILE.into(),
            contents: json,
        }]
    })
}

/// The body of the section below its heading (the answer, [`verdict`]): the skill charts,
/// the fan from `cutoff` (the latest calibrated one if `None`), the scored table and the
/// downloads; `href_prefix` leads to the chart files, `link` maps a file of the section
/// (`thesis_scores.csv`, `thesis_backtest.csv`, [`JSON_FILE`]) to its address.
pub fn body_html(
    section: &ThesisSection,
    vcharts: &[VegaChart],
    cutoff: Option<i32>,
    href_prefix: &str,
    link: &dyn Fn(&str) -> String,
) -> String {
    let mut out = String::new();
    let first = section.plan.cutoffs.first().copied().unwrap_or_default();
    let last = section.plan.cutoffs.last().copied().unwrap_or_default();
    let calibrated = section
        .backtest
        .fits
        .iter()
        .filter(|f| f.calibration.is_some())
        .count();
    let _ = writeln!(
        out,
        "<p>The patron–client bargain (<code>docs/models/alliance-bargain.md</code>) is calibrated afresh at every cutoff {first}–{last} on the record known then ({calibrated} of {} enough recorded prices to fit) and forecasts 1–5 years ahead. Skill is 1 − MAE<sub>model</sub>/MAE<sub>persistence</sub>: above the dashed zero line the model beats carrying the last recorded value forward. The issue outcomes come from the rolling backtest (expected utility model and compromise against the status quo). See <code>docs/backtest.md</code>.</p>",
        match section.plan.cutoffs.len() {
            1 => "1 cutoff has".to_string(),
            n => format!("{n} cutoffs have"),
        },
    );
    out.push_str("<div class=\"panels\">\n");
    for c in vcharts
        .iter()
        .filter(|c| c.name.starts_with("thesis_skill_"))
    {
        out.push_str(&figure_html(c, href_prefix, "h4"));
    }
    out.push_str("</div>\n");
    let fan = match cutoff {
        Some(c) => section.fan(c),
        None => section.latest_fan(),
    };
    if let Some(f) = fan {
        let name = crate::vega_thesis::fan_chart_name(f.cutoff);
        if let Some(c) = vcharts.iter().find(|c| c.name == name) {
            out.push_str(&figure_html(c, href_prefix, "h3"));
        }
    }
    // The page's table leaves out the list of cutoffs per row (long; it is in the CSV).
    let mut t = scores(section);
    if let Some(i) = t.headers.iter().position(|h| h == "cutoffs") {
        t.headers.remove(i);
        for row in &mut t.rows {
            row.remove(i);
        }
    }
    let _ = writeln!(out, "<h3 id=\"table-{}\">{}</h3>", t.name, escape(&t.title));
    push_table_body(&mut out, &t);
    let _ = writeln!(
        out,
        "<p class=\"csv\">CSV: <a href=\"{}\">thesis_scores.csv</a> (this table), <a href=\"{}\">thesis_backtest.csv</a> (every forecast); JSON: <a href=\"{}\">{JSON_FILE}</a></p>",
        escape(&link("thesis_scores.csv")),
        escape(&link("thesis_backtest.csv")),
        escape(&link(JSON_FILE)),
    );
    if !section.backtest.notes.is_empty() {
        out.push_str("<ul class=\"notes\">\n");
        for n in &section.backtest.notes {
            let _ = writeln!(out, "<li>{}</li>", escape(n));
        }
        out.push_str("</ul>\n");
    }
    out
}

/// The HTML section of the report (empty without a thesis backtest).
pub fn section_html(report: &RunReport, vcharts: &[VegaChart]) -> String {
    let Some(section) = &report.thesis else {
        return String::new();
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<section id=\"{SECTION_ID}\">\n<h2 class=\"thesis-verdict\">{}</h2>",
        escape(&verdict(section))
    );
    out.push_str(&body_html(section, vcharts, None, "charts/", &|f| {
        f.to_string()
    }));
    // The page draws the latest fan; every other cutoff's is a download (the dashboard's
    // `/thesis?cutoff=YEAR` draws any of them).
    let latest = section.latest_fan().map(|f| f.cutoff);
    let others: Vec<String> = section
        .backtest
        .fans
        .iter()
        .filter(|f| Some(f.cutoff) != latest)
        .map(|f| {
            let name = crate::vega_thesis::fan_chart_name(f.cutoff);
            format!(
                "{} (<a href=\"charts/{name}.csv\">CSV</a>, <a href=\"charts/{name}.vl.json\">spec</a>)",
                f.cutoff
            )
        })
        .collect();
    if !others.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"csv\">The fans from the other calibrated cutoffs: {}</p>",
            others.join(", ")
        );
    }
    out.push_str("</section>\n");
    out
}
