//! The thesis backtest: `/thesis?cutoff=2015` (the skill charts, the gas-price fan from the
//! cutoff named in the URL, so a view is bookmarkable, and the scored table) and
//! `/api/thesis[?cutoff=...][&format=csv&table=scores|forecasts]` (the same numbers as JSON
//! or CSV). Everything is [`orbit_report::thesis_section`]'s, drawn from the run the
//! dashboard started with.

use std::fmt::Write as _;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use orbit_pipeline::thesis::{ThesisSection, verdict};
use orbit_report::{RunReport, escape, thesis_section};
use serde_json::json;

use crate::api::query_params;
use crate::html::page;
use crate::params::Params;
use crate::{ApiError, AppState};

/// The page's path.
pub const PATH: &str = "/thesis";

/// The parameters of `/api/thesis`.
pub const API_PARAMS: [&str; 3] = ["cutoff", "format", "table"];

fn section(state: &AppState) -> Result<&ThesisSection, ApiError> {
    state.report().thesis.as_ref().ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            format!(
                "no thesis backtest for scenario `{}`",
                state.report().scenario.id
            ),
        )
        .hint("the backtest needs the European reference price as the `[[benchmarks]]` series `ei_german_import_cif` and is off with `--no-thesis` (the run's notes say which)")
    })
}

/// The calibrated cutoffs (those with a fan), in order.
fn fan_cutoffs(s: &ThesisSection) -> Vec<i32> {
    let mut c: Vec<i32> = s.backtest.fans.iter().map(|f| f.cutoff).collect();
    c.sort_unstable();
    c
}

/// The cutoff a query names, checked against the calibrated ones; `None` if not given.
fn cutoff(s: &ThesisSection, params: &Params) -> Result<Option<i32>, ApiError> {
    let Some(asked) = params.one("cutoff")? else {
        return Ok(None);
    };
    let known = fan_cutoffs(s);
    let list = || {
        known
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let year: i32 = asked.parse().map_err(|_| {
        ApiError::bad_request(format!("parameter `cutoff`: `{asked}` is not a year"))
            .hint(format!("the calibrated cutoffs are {}", list()))
    })?;
    if known.contains(&year) {
        Ok(Some(year))
    } else {
        Err(ApiError::bad_request(format!(
            "parameter `cutoff`: {year} is not a calibrated cutoff"
        ))
        .hint(format!("the calibrated cutoffs are {}", list())))
    }
}

fn subtitle(report: &RunReport) -> String {
    let s = &report.scenario;
    format!(
        "scenario {} ({}): the patron–client bargain between {} and {} calibrated at every cutoff and scored against persistence",
        s.name, s.id, s.patron, s.focus
    )
}

/// The page with the fan from `cutoff` (the latest calibrated one if `None`).
pub fn page_html(report: &RunReport, s: &ThesisSection, cutoff: Option<i32>) -> String {
    let shown = cutoff.or_else(|| s.latest_fan().map(|f| f.cutoff));
    let mut b = String::new();
    let _ = writeln!(
        b,
        "<h2 class=\"thesis-verdict\">{}</h2>",
        escape(&verdict(s))
    );
    b.push_str("<nav class=\"switcher\" aria-label=\"cutoff of the fan\"><span>Fan from the cutoff:</span>");
    for c in fan_cutoffs(s) {
        let current = if Some(c) == shown {
            " aria-current=\"page\""
        } else {
            ""
        };
        let _ = write!(b, "<a href=\"{PATH}?cutoff={c}\"{current}>{c}</a>");
    }
    b.push_str("</nav>\n");
    let charts = orbit_report::vega_thesis::charts(s, &report.scenario.id);
    b.push_str(&thesis_section::body_html(
        s,
        &charts,
        shown,
        "/charts/",
        &|file| match file {
            "thesis_scores.csv" => "/api/thesis?format=csv&table=scores".into(),
            "thesis_backtest.csv" => "/api/thesis?format=csv&table=forecasts".into(),
            _ => "/api/thesis".into(),
        },
    ));
    if let Some(c) = shown {
        let _ = writeln!(
            b,
            "<p class=\"csv\">JSON of this cutoff: <a href=\"/api/thesis?cutoff={c}\">/api/thesis?cutoff={c}</a></p>"
        );
    }
    page("Thesis backtest", &subtitle(report), PATH, &b)
}

/// `GET /thesis[?cutoff=YEAR]`.
pub async fn page_handler(
    State(state): State<AppState>,
    query: Result<crate::query::StrictQuery, ApiError>,
) -> Response {
    let result = section(&state).and_then(|s| {
        let params = query_params(query)?;
        params.only(&["cutoff"])?;
        Ok((s, cutoff(s, &params)?))
    });
    match result {
        Ok((s, c)) => Html(page_html(state.report(), s, c)).into_response(),
        Err(error) => error.into_page(),
    }
}

/// `GET /api/thesis`: the whole section as JSON; with `cutoff`, that cutoff's fit, fan and
/// forecasts; with `format=csv`, the table `table` (`scores` or `forecasts`) as CSV.
pub async fn api_handler(
    State(state): State<AppState>,
    query: Result<crate::query::StrictQuery, ApiError>,
) -> Result<Response, ApiError> {
    let s = section(&state)?;
    let params = query_params(query)?;
    params.only(&API_PARAMS)?;
    let format = params.one("format")?.unwrap_or("json");
    let table = params.one("table")?;
    let cutoff = cutoff(s, &params)?;
    match (format, table) {
        ("csv", Some(t)) => {
            if cutoff.is_some() {
                return Err(ApiError::bad_request(
                    "parameter `cutoff`: the CSV tables cover every cutoff",
                )
                .hint("drop `cutoff`, or drop `format=csv` for one cutoff's JSON"));
            }
            let table = match t {
                "scores" => thesis_section::scores(s),
                "forecasts" => thesis_section::forecasts(s),
                other => {
                    return Err(ApiError::bad_request(format!(
                        "parameter `table`: unknown table `{other}`"
                    ))
                    .hint("the tables are `scores` and `forecasts`"));
                }
            };
            Ok((
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{}\"", table.file_name()),
                    ),
                ],
                table.to_csv(),
            )
                .into_response())
        }
        ("csv", None) => Err(
            ApiError::bad_request("parameter `format=csv` needs `table`").hint(
                "`table=scores` (per target and horizon) or `table=forecasts` (every forecast)",
            ),
        ),
        ("json", Some(_)) => Err(ApiError::bad_request(
            "parameter `table`: only with `format=csv`",
        )
        .hint("the JSON has both tables")),
        ("json", None) => match cutoff {
            None => Ok(axum::Json(s).into_response()),
            Some(c) => Ok(axum::Json(json!({
                "cutoff": c,
                "reference": s.reference,
                "fit": s.backtest.fits.iter().find(|f| f.cutoff == c),
                "fan": s.fan(c),
                "rows": s.backtest.rows.iter().filter(|r| r.cutoff == c).collect::<Vec<_>>(),
                "rng": s.rng,
            }))
            .into_response()),
        },
        (other, _) => Err(ApiError::bad_request(format!(
            "parameter `format`: unknown format `{other}`"
        ))
        .hint("the formats are `json` and `csv`")),
    }
}
