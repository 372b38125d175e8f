//! The JSON API under `/api/`: the structs the CLI prints, as JSON.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use orbit_models::forecast::IssueForecast;
use orbit_report::RunReport;
use orbit_report::data::{IssueSummary, KeyEvent, ScenarioSummary};
use orbit_store::{StoreError, TimelineRow};
use serde::Serialize;

use crate::params::{self, Params};
use crate::query::StrictQuery;
use crate::{ApiError, AppState};

/// `/api/scenario`: the `scenario`, `issues` and `key_events` of `orbit run --format json`.
#[derive(Debug, Serialize)]
pub struct ScenarioDoc<'a> {
    pub scenario: &'a ScenarioSummary,
    pub issues: &'a [IssueSummary],
    pub key_events: &'a [KeyEvent],
}

impl<'a> ScenarioDoc<'a> {
    pub fn of(report: &'a RunReport) -> Self {
        ScenarioDoc {
            scenario: &report.scenario,
            issues: &report.issues,
            key_events: &report.key_events,
        }
    }
}

pub(crate) fn json_response(body: Bytes) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body,
    )
        .into_response()
}

fn to_json<T: Serialize + ?Sized>(value: &T) -> Response {
    json_response(crate::json_bytes(value))
}

/// Query strings that do not decode are a 400 naming the problem ([`StrictQuery`]).
pub(crate) fn query_params(query: Result<StrictQuery, ApiError>) -> Result<Params, ApiError> {
    query.map(|StrictQuery(pairs)| Params::new(pairs))
}

/// A body that is too large is 413; one that is not UTF-8 is 400.
pub(crate) fn body_text(body: Result<Bytes, BytesRejection>) -> Result<String, ApiError> {
    let bytes = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            ApiError::bad_request(format!("cannot read the request body: {}", e.body_text()))
        }
    })?;
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        ApiError::bad_request(format!(
            "the request body is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

pub(crate) fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "the request body is larger than the limit of {} bytes (1 MiB)",
            crate::BODY_LIMIT
        ),
    )
    .hint("send a smaller actor table")
}

pub async fn scenario(State(state): State<AppState>) -> Response {
    json_response(state.0.cache.api_scenario.clone())
}

pub async fn report(State(state): State<AppState>) -> Response {
    json_response(state.0.cache.api_report.clone())
}

/// Runs a timeline query on the store; store errors the user can fix are 400.
pub(crate) fn run_timeline(
    state: &AppState,
    query: &orbit_store::TimelineQuery,
) -> Result<Vec<TimelineRow>, ApiError> {
    let result = state.store().timeline(query);
    result.map_err(|e| match &e {
        StoreError::UnknownActor(_) => ApiError::bad_request(e.to_string()).hint(format!(
            "the scenario's actors are {}",
            state
                .0
                .report
                .scenario
                .actors
                .iter()
                .map(|a| a.code.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
        StoreError::UnknownKind(_) | StoreError::EmptyRange { .. } => {
            let error = ApiError::bad_request(e.to_string());
            match e.hint() {
                Some(h) => error.hint(h),
                None => error.hint("`from` must not be after `to`"),
            }
        }
        _ => {
            tracing::error!("timeline query failed: {e}");
            ApiError::internal()
        }
    })
}

pub async fn timeline(
    State(state): State<AppState>,
    query: Result<StrictQuery, ApiError>,
) -> Result<Response, ApiError> {
    let params = query_params(query)?;
    let query = params::timeline_query(&params)?;
    let rows = run_timeline(&state, &query)?;
    Ok(to_json(&rows))
}

pub async fn dependence(
    State(state): State<AppState>,
    query: Result<StrictQuery, ApiError>,
) -> Result<Response, ApiError> {
    let params = query_params(query)?;
    params.only(&["actor", "partner", "year"])?;
    let actor = params.one("actor")?;
    let partner = params.one("partner")?;
    let year: Option<i32> = params.parsed("year", "a year")?;
    if actor.is_none() && partner.is_none() && year.is_none() {
        return Ok(json_response(state.0.cache.api_dependence.clone()));
    }
    let world = &state.0.world;
    let resolve = |name: &str, code: Option<&str>, default| match code {
        None => Ok(default),
        Some(code) => world.actor_id(code).ok_or_else(|| {
            ApiError::bad_request(format!("parameter `{name}`: unknown actor `{code}`")).hint(
                format!(
                    "the scenario's actors are {}",
                    world
                        .actors
                        .iter()
                        .map(|a| a.code.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        }),
    };
    let a = resolve("actor", actor, world.meta.focus)?;
    let p = resolve("partner", partner, world.meta.patron)?;
    if a == p {
        return Err(ApiError::bad_request(
            "`actor` and `partner` are the same actor",
        ));
    }
    let mut profile = orbit_models::dependence::profile(world, a, p);
    if let Some(year) = year {
        profile.years.retain(|y| y.year == year);
        profile.subsidy_estimates.retain(|e| e.years.contains(year));
    }
    Ok(to_json(&profile))
}

/// `GET /api/simulation`: the yearly simulation's fans and the rolling backtests, as in
/// `orbit run --format json` (`simulation`, `backtest`).
pub async fn simulation(State(state): State<AppState>) -> Result<Response, ApiError> {
    match &state.0.cache.api_simulation {
        Some(bytes) => Ok(json_response(bytes.clone())),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!(
                "the simulation of scenario `{}` was not computed",
                state.0.report.scenario.id
            ),
        )
        .hint("start the dashboard with simulation runs (`orbit serve --sim-runs N`)")),
    }
}

pub async fn transit(State(state): State<AppState>) -> Result<Response, ApiError> {
    match &state.0.cache.api_transit {
        Some(body) => Ok(json_response(body.clone())),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!(
                "no transit game results for scenario `{}`",
                state.0.report.scenario.id
            ),
        )
        .hint("this build of the dashboard does not compute the transit game yet")),
    }
}

pub(crate) fn unknown_issue(state: &AppState, issue: &str) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, format!("unknown issue `{issue}`")).hint(format!(
        "the scenario's issues are {}",
        state
            .0
            .report
            .issues
            .iter()
            .map(|i| i.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

pub async fn forecast_issue(
    State(state): State<AppState>,
    issue: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path(issue) =
        issue.map_err(|e| ApiError::bad_request(format!("invalid issue: {}", e.body_text())))?;
    match state
        .0
        .cache
        .api_forecasts
        .iter()
        .find(|(id, _)| *id == issue)
    {
        Some((_, body)) => Ok(json_response(body.clone())),
        None => Err(unknown_issue(&state, &issue)),
    }
}

/// Runs a checked request on the blocking pool, in one of the limited model-run slots.
pub(crate) async fn run_forecast(
    state: &AppState,
    request: params::ForecastRequest,
) -> Result<IssueForecast, ApiError> {
    let Some(slot) = state.try_start_run() else {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "the server is already running {} forecasts",
                state.0.concurrent_runs
            ),
        )
        .hint("try again in a moment"));
    };
    let result = tokio::task::spawn_blocking(move || {
        let _slot = slot;
        orbit_models::forecast::forecast_issue(
            &request.name,
            None,
            &request.input,
            &request.options,
            &|| {},
        )
    })
    .await;
    match result {
        Ok(Ok(forecast)) => Ok(forecast),
        Ok(Err(e)) => Err(ApiError::bad_request(format!("cannot forecast: {e}"))),
        Err(e) => {
            tracing::error!("forecast task failed: {e}");
            Err(ApiError::internal())
        }
    }
}

pub async fn forecast_table(
    State(state): State<AppState>,
    query: Result<StrictQuery, ApiError>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let text = body_text(body)?;
    let params = query_params(query)?;
    params.only(params::FORECAST_PARAMS)?;
    let request = params::forecast_request(&params, &text, "body", &state.0.limits)?;
    let forecast = run_forecast(&state, request).await?;
    Ok(to_json(&forecast))
}
