//! The report of an orbit run: what it contains ([`RunReport`], built by [`build`]), its
//! charts as Vega-Lite specs ([`vega`], [`vega_issue`], [`vega_timeline`]), its tables as
//! CSV ([`tables`]) and one self-contained HTML page ([`render_html`]).
//!
//! Everything here is pure: functions take results and return strings. The only step that
//! touches the file system, writing [`files`] to a directory, is the caller's (the CLI's
//! `orbit run --out DIR`). The dashboard draws the same charts from the same functions.

pub mod charts;
pub mod data;
pub mod html;
pub mod smp_section;
pub mod tables;
pub mod thesis_section;
pub mod vega;
pub mod vega_disputes;
pub mod vega_issue;
pub mod vega_smp;
pub mod vega_thesis;
pub mod vega_timeline;

use rayon::prelude::*;

pub use charts::network::{TransitEpoch, TransitPlayer, TransitShares};
pub use data::{RunReport, build};
pub use html::{escape, render_html};
pub use tables::{Cell, DataTable, NumberStyle};

/// One file of a written report, its path relative to the report directory (`/`-separated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFile {
    pub path: String,
    pub contents: String,
}

/// Every file of the report: `index.html`, `report.json` (what `orbit run --format json`
/// prints), one CSV per table, and `charts/<name>.csv` (its rows) and `charts/<name>.vl.json`
/// (its spec) per chart.
///
/// The parts are independent, so they are built side by side on rayon (the report is the last,
/// otherwise single-threaded, step of `orbit run`); the order of the files is fixed.
pub fn files(report: &RunReport) -> Vec<ReportFile> {
    let (vcharts, tables) = rayon::join(|| vega::all(report), || tables::all(report));
    let ((page, json), (table_files, (sections, chart_files))) = rayon::join(
        || {
            rayon::join(
                || html::render_page(report, &vcharts, &tables),
                || to_json(report),
            )
        },
        || {
            rayon::join(
                || {
                    tables
                        .par_iter()
                        .map(|t| ReportFile {
                            path: t.file_name(),
                            contents: t.to_csv(),
                        })
                        .collect::<Vec<_>>()
                },
                || {
                    rayon::join(
                        || {
                            let mut out = smp_section::files(report);
                            out.extend(thesis_section::files(report));
                            if let Some(d) = &report.disputes {
                                out.extend(vega_disputes::files(d));
                            }
                            out
                        },
                        || {
                            vcharts
                                .par_iter()
                                .flat_map_iter(|c| {
                                    [
                                        ReportFile {
                                            path: format!("charts/{}.csv", c.name),
                                            contents: c.to_csv(),
                                        },
                                        ReportFile {
                                            path: format!("charts/{}.vl.json", c.name),
                                            contents: c.spec_json(),
                                        },
                                    ]
                                })
                                .collect::<Vec<_>>()
                        },
                    )
                },
            )
        },
    );
    let mut out = vec![
        ReportFile {
            path: "index.html".into(),
            contents: page,
        },
        ReportFile {
            path: "report.json".into(),
            contents: json,
        },
    ];
    out.extend(table_files);
    out.extend(sections);
    out.extend(chart_files);
    out
}

/// The report as pretty-printed JSON with a final newline.
pub fn to_json(report: &RunReport) -> String {
    // Serialising plain structs of strings and numbers into a String cannot fail.
    let mut json = serde_json::to_string_pretty(report).unwrap_or_default();
    json.push('\n');
    json
}
