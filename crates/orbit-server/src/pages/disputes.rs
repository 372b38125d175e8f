//! The gas disputes: `/disputes?episode=2010` (one episode's paths, game tree, Monte Carlo
//! shares and figures; the episode is named in the URL, so a view is bookmarkable) and
//! `/api/disputes[?episode=...]` (the same numbers as JSON). Everything is
//! [`orbit_report::vega_disputes`]'s, drawn from the run the dashboard started with.

use std::fmt::Write as _;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use orbit_pipeline::disputes::DisputeSection;
use orbit_report::vega_disputes::{self, episode_key};
use orbit_report::{RunReport, escape};
use serde_json::json;

use crate::api::query_params;
use crate::html::page;
use crate::params::Params;
use crate::{ApiError, AppState};

/// The page's path.
pub const PATH: &str = "/disputes";

fn subtitle(report: &RunReport) -> String {
    let s = &report.scenario;
    format!(
        "scenario {} ({}): the gas disputes between {} and {} as escalation games",
        s.name, s.id, s.patron, s.focus
    )
}

fn section(state: &AppState) -> Result<&DisputeSection, ApiError> {
    state.report().disputes.as_ref().ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            format!(
                "no dispute games for scenario `{}`",
                state.report().scenario.id
            ),
        )
        .hint("the games need the Union State scenario's dispute events and indicators (`orbit dispute` says which is missing)")
    })
}

/// The episode a query names (`2006-07` or `2006_07`), the first one if none.
fn episode<'a>(d: &'a DisputeSection, params: &Params) -> Result<&'a str, ApiError> {
    params.only(&["episode"])?;
    let known: Vec<&str> = d
        .report
        .episodes
        .iter()
        .map(|e| e.episode.as_str())
        .collect();
    match params.one("episode")? {
        None => known
            .first()
            .copied()
            .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "the run has no dispute episodes")),
        Some(asked) => known
            .iter()
            .copied()
            .find(|e| *e == asked || episode_key(e) == asked)
            .ok_or_else(|| {
                ApiError::bad_request(format!("parameter `episode`: unknown episode `{asked}`"))
                    .hint(format!("episodes: {}", known.join(", ")))
            }),
    }
}

/// The page of one episode.
pub fn page_html(report: &RunReport, d: &DisputeSection, episode: &str) -> String {
    let mut b = String::new();
    b.push_str("<nav class=\"switcher\" aria-label=\"episodes\"><span>Episode:</span>");
    for e in &d.report.episodes {
        let current = if e.episode == episode {
            " aria-current=\"page\""
        } else {
            ""
        };
        let _ = write!(
            b,
            "<a href=\"{PATH}?episode={}\"{current}>{}</a>",
            escape(&e.episode),
            escape(&e.episode)
        );
    }
    b.push_str("</nav>\n");
    b.push_str("<p>Russia (RUS) against Belarus (BLR), payoffs in USD m against the status quo, built from the scenario's data of the dispute year and solved by backward induction at the central parameter values; the Monte Carlo draws the uncertain parameters from their ranges. See <code>docs/models/disputes.md</code>.</p>\n");
    let charts = vega_disputes::charts(d, &report.scenario.id);
    b.push_str(&vega_disputes::episode_html(
        d, episode, &charts, "/charts/",
    ));
    let _ = writeln!(
        b,
        "<p class=\"csv\">JSON: <a href=\"/api/disputes?episode={0}\">/api/disputes?episode={0}</a> (this episode), <a href=\"/api/disputes\">/api/disputes</a> (all)</p>",
        escape(episode)
    );
    page(
        &format!("Gas dispute {episode}"),
        &subtitle(report),
        PATH,
        &b,
    )
}

/// `GET /disputes[?episode=...]`.
pub async fn page_handler(
    State(state): State<AppState>,
    query: Result<crate::query::StrictQuery, ApiError>,
) -> Response {
    let result = section(&state).and_then(|d| Ok((d, episode(d, &query_params(query)?)?)));
    match result {
        Ok((d, e)) => Html(page_html(state.report(), d, e)).into_response(),
        Err(error) => error.into_page(),
    }
}

/// `GET /api/disputes[?episode=...]`: the whole section, or one episode with its tree.
pub async fn api_handler(
    State(state): State<AppState>,
    query: Result<crate::query::StrictQuery, ApiError>,
) -> Result<Response, ApiError> {
    let d = section(&state)?;
    let params = query_params(query)?;
    params.only(&["episode"])?;
    if params.one("episode")?.is_none() {
        return Ok(axum::Json(d).into_response());
    }
    let e = episode(d, &params)?;
    let result = d.report.episodes.iter().find(|x| x.episode == e);
    let tree = d.trees.iter().find(|t| t.episode == e);
    Ok(axum::Json(json!({
        "ranges": d.report.ranges,
        "settings": d.report.settings,
        "rng": d.report.rng,
        "episode": result,
        "tree": tree,
    }))
    .into_response())
}
