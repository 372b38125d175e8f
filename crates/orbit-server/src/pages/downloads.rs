//! What the charts need besides the pages: the vendored chart scripts and the chart
//! stylesheet (`/assets/...`), each chart's data and spec (`/charts/<name>.csv`,
//! `/charts/<name>.vl.json`), and the list of JSON endpoints (`/api/`).

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use orbit_report::vega;
use serde_json::json;

use crate::{ApiError, AppState};

/// A vendored chart script, the page script or the chart stylesheet, by exact name.
pub fn chart_asset(name: &str) -> Option<Response> {
    let (mime, body): (&str, &'static str) = if name == "orbit-charts.js" {
        ("text/javascript; charset=utf-8", vega::CHARTS_JS)
    } else if name == "charts.css" {
        ("text/css; charset=utf-8", orbit_report::html::CHART_CSS)
    } else {
        let (_, source) = vega::SCRIPTS.iter().find(|(n, _)| *n == name)?;
        ("text/javascript; charset=utf-8", vega::script_body(source))
    };
    Some(
        (
            [
                (header::CONTENT_TYPE, mime),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            body,
        )
            .into_response(),
    )
}

/// `/charts/<name>.csv` (the chart's rows) or `/charts/<name>.vl.json` (its spec).
/// `?from=&to=` restricts the rows to those years, as on the page with the same query.
pub async fn chart_file(
    State(state): State<AppState>,
    Path(file): Path<String>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let (name, csv) = if let Some(n) = file.strip_suffix(".csv") {
        (n, true)
    } else if let Some(n) = file.strip_suffix(".vl.json") {
        (n, false)
    } else {
        return ApiError::not_found(&format!("/charts/{file}"))
            .hint("chart files end in .csv or .vl.json")
            .into_response();
    };
    let pairs = match query {
        Ok(Query(pairs)) => pairs,
        Err(e) => return ApiError::bad_request(e.body_text()).into_response(),
    };
    let charts = vega::all(state.report());
    let found = charts.iter().find(|c| c.name == name);
    let range = match found {
        Some(c) => {
            // The years of the chart's own rows bound the range.
            let years = c
                .rows()
                .iter()
                .filter_map(|r| r["year"].as_i64())
                .map(|y| y as i32);
            let available = years.fold(None, |acc: Option<(i32, i32)>, y| match acc {
                None => Some((y, y)),
                Some((a, b)) => Some((a.min(y), b.max(y))),
            });
            let params = crate::params::Params::new(pairs);
            match available {
                Some(a) => match super::years::YearRange::parse(&params, a) {
                    Ok(r) => r,
                    Err(e) => return e.into_response(),
                },
                None => match params.only(&[]) {
                    Ok(()) => None,
                    Err(e) => return e.into_response(),
                },
            }
        }
        None => None,
    };
    let restricted =
        found.map(|c| range.map_or_else(|| c.clone(), |r| super::years::restrict_chart(c, r)));
    match restricted.as_ref() {
        Some(c) if csv => (
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
            c.to_csv(),
        )
            .into_response(),
        Some(c) => ([(header::CONTENT_TYPE, "application/json")], c.spec_json()).into_response(),
        None => ApiError::not_found(&format!("/charts/{file}"))
            .hint(format!(
                "charts: {}",
                charts
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .into_response(),
    }
}

/// Every JSON endpoint of the dashboard with what it returns.
pub const ENDPOINTS: &[(&str, &str, &str)] = &[
    ("GET", "/api/", "this list"),
    (
        "GET",
        "/api/scenario",
        "the scenario's summary: actors, issues, counts",
    ),
    (
        "GET",
        "/api/report",
        "everything `orbit run --format json` prints",
    ),
    (
        "GET",
        "/api/timeline",
        "events, filtered by the timeline's query parameters",
    ),
    (
        "GET",
        "/api/dependence",
        "trade shares, concentration and energy subsidy by year",
    ),
    ("GET", "/api/transit", "the gas transit game per epoch"),
    ("GET", "/api/simulation", "the yearly simulation's fans"),
    (
        "POST",
        "/api/smp",
        "KTAB's SMP on a KTAB CSV or XML body: history per turn, actor and dimension",
    ),
    (
        "GET",
        "/api/disputes",
        "the gas-dispute games: every episode, or one with `?episode=2010`, with its tree",
    ),
    (
        "GET",
        "/api/thesis",
        "the thesis backtest: every cutoff, or one with `?cutoff=2015` (fit, fan, forecasts); `?format=csv&table=scores|forecasts` as CSV",
    ),
    (
        "GET",
        "/api/forecast/{issue}",
        "every model's forecast of one issue",
    ),
    (
        "POST",
        "/api/forecast",
        "forecast a posted actor table (CSV)",
    ),
    (
        "GET",
        "/charts/{name}.csv",
        "one chart's data (`?from=YYYY&to=YYYY`: those years only)",
    ),
    (
        "GET",
        "/charts/{name}.vl.json",
        "one chart's Vega-Lite specification",
    ),
];

pub async fn api_index() -> Response {
    let endpoints: Vec<_> = ENDPOINTS
        .iter()
        .map(|(method, path, what)| json!({"method": method, "path": path, "returns": what}))
        .collect();
    Json(json!({ "endpoints": endpoints })).into_response()
}
