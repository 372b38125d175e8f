//! The page frame and the pieces pages are made of. Every text from the scenario or the
//! request goes through [`escape`].

use std::fmt::Write as _;

use orbit_report::DataTable;
use orbit_report::escape;

use crate::ApiError;

/// The sections of the navigation bar: `(path, label)`.
pub const NAV: &[(&str, &str)] = &[
    ("/", "Overview"),
    ("/timeline", "Timeline"),
    ("/dependence", "Dependence"),
    ("/transit", "Transit power"),
    ("/forecast", "Forecasts"),
    ("/simulation", "Simulation"),
    ("/smp", "Spatial (KTAB)"),
    ("/disputes", "Gas disputes"),
    ("/thesis", "Thesis backtest"),
];

/// A whole page: `active` is the path of its navigation entry.
pub fn page(title: &str, subtitle: &str, active: &str, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} · orbit dashboard</title>\n<link rel=\"icon\" href=\"data:,\">\n\
         <link rel=\"stylesheet\" href=\"/assets/style.css\">\n\
         <link rel=\"stylesheet\" href=\"/assets/charts.css\">\n</head>\n<body>\n\
         <header><p class=\"brand\">orbit dashboard</p><h1>{}</h1><p class=\"sub\">{}</p></header>\n<nav>",
        escape(title),
        escape(title),
        escape(subtitle)
    );
    for (path, label) in NAV {
        let current = if *path == active {
            " aria-current=\"page\""
        } else {
            ""
        };
        let _ = write!(out, "<a href=\"{path}\"{current}>{label}</a>");
    }
    out.push_str("</nav>\n<main>\n");
    out.push_str(body);
    out.push_str(
        "</main>\n<footer>orbit dashboard: the same charts and tables as <code>orbit run</code>; \
         JSON under <a href=\"/api/\">/api/</a>. This page loads nothing from the network.</footer>\n",
    );
    // The chart scripts come last: the tables above work without them.
    for (name, _) in orbit_report::vega::SCRIPTS {
        let _ = writeln!(out, "<script src=\"/assets/{name}\"></script>");
    }
    out.push_str("<script src=\"/assets/orbit-charts.js\"></script>\n</body>\n</html>\n");
    out
}

/// A Vega-Lite chart in a figure; its downloads are `/charts/<name>.csv` and `.vl.json`.
pub fn vchart(out: &mut String, chart: &orbit_report::vega::VegaChart, heading: &str) {
    out.push_str(&orbit_report::vega::figure_html(chart, "/charts/", heading));
}

/// An error as a page (404 for unknown pages, 400 for a bad filter...).
pub fn error_page(error: &ApiError) -> String {
    let mut body = format!(
        "<section class=\"error\" id=\"error\"><h2>{} {}</h2><p class=\"message\">{}</p>",
        error.status.as_u16(),
        escape(error.status.canonical_reason().unwrap_or("")),
        escape(&error.error)
    );
    if let Some(h) = &error.hint {
        let _ = write!(body, "<p class=\"hint\">hint: {}</p>", escape(h));
    }
    body.push_str("</section>\n");
    page("Error", "", "", &body)
}

/// A data table with its title.
pub fn table(out: &mut String, t: &DataTable) {
    let _ = writeln!(out, "<h3 id=\"table-{}\">{}</h3>", t.name, escape(&t.title));
    if t.rows.is_empty() {
        out.push_str("<p>None.</p>\n");
        return;
    }
    orbit_report::html::push_table_body(out, t);
}

/// A long table folded away.
pub fn details_table(out: &mut String, t: &DataTable) {
    let _ = writeln!(
        out,
        "<details id=\"table-{}\"><summary>{} ({} rows)</summary>",
        t.name,
        escape(&t.title),
        t.rows.len()
    );
    orbit_report::html::push_table_body(out, t);
    out.push_str("</details>\n");
}
