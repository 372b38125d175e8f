//! The orbit dashboard: a local web server over the same results as `orbit run`.
//!
//! [`AppState::build`] computes everything that does not depend on a request once, at
//! start: `orbit_pipeline::run` (as `orbit run`), shaped into the [`RunReport`], the report's charts and tables,
//! the static pages and JSON documents, and an in-memory SQLite store for the timeline.
//! [`router`] serves them:
//!
//! - pages: `/` (overview), `/timeline` (filterable), `/dependence`, `/transit`,
//!   `/forecast` (issues, and a form that runs the models on a posted actor table),
//!   `/forecast/{issue}`;
//! - a JSON API under `/api/` (documented in `docs/api.md`) returning the structs the CLI
//!   prints;
//! - embedded assets under `/assets/` (one stylesheet); nothing is read from disk.
//!
//! Robustness: bodies over [`BODY_LIMIT`] get 413, malformed input 400 with a JSON error
//! that names the problem, unknown paths 404; model runs on posted tables are bounded by
//! [`Limits`] and run on the blocking pool, at most [`StartOptions::concurrent_runs`] at a time.

mod api;
mod html;
mod pages;
mod params;
mod query;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use orbit_pipeline::{PipelineError, PlanError, RawRunOptions, RunResults};
use orbit_report::{RunReport, TransitShares};
use orbit_scenario::{Hint, World};
use orbit_store::{Store, StoreError};
use serde::Serialize;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

/// Request bodies larger than this get 413 Payload Too Large.
pub const BODY_LIMIT: usize = 1 << 20;

/// Bounds on the model runs a request can ask for (`POST /api/forecast`, the forecast form):
/// the pipeline's shared limits, [`Limits::REQUEST`] by default.
pub use orbit_pipeline::Limits;

/// How the server starts: the start-up run (as `orbit run` would plan it) and the bounds on
/// requests.
#[derive(Debug, Clone, PartialEq)]
pub struct StartOptions {
    /// The start-up run's options, resolved against [`Limits::COMMAND_LINE`] (the operator's
    /// own run, as `orbit run`); `no_simulation` leaves `/simulation` empty (the page says so).
    pub run: RawRunOptions,
    /// Bounds on each request.
    pub limits: Limits,
    /// Model runs in flight at once; further requests get 503 with `Retry-After`.
    pub concurrent_runs: usize,
}

impl Default for StartOptions {
    fn default() -> Self {
        StartOptions {
            run: RawRunOptions::default(),
            limits: Limits::REQUEST,
            concurrent_runs: 2,
        }
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The start-up run's options do not check.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// The start-up run failed.
    #[error(transparent)]
    Run(#[from] PipelineError),
    /// The in-memory timeline store could not be built.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The socket or the runtime failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl Hint for ServerError {
    fn hints(&self) -> Vec<String> {
        match self {
            ServerError::Plan(e) => e.hints(),
            ServerError::Run(e) => e.hints(),
            ServerError::Store(_) | ServerError::Io(_) => Vec::new(),
        }
    }
}

/// Everything the handlers share; cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    report: RunReport,
    world: World,
    store: Mutex<Store>,
    limits: Limits,
    concurrent_runs: usize,
    runs_in_flight: AtomicUsize,
    cache: Cache,
}

/// Responses that never change, rendered once.
#[derive(Debug)]
struct Cache {
    overview: Bytes,
    dependence: Bytes,
    transit: Bytes,
    forecast_index: Bytes,
    /// `(issue id, page)`.
    issue_pages: Vec<(String, Bytes)>,
    api_scenario: Bytes,
    api_report: Bytes,
    api_dependence: Bytes,
    api_transit: Option<Bytes>,
    simulation: Bytes,
    api_simulation: Option<Bytes>,
    /// `(issue id, JSON)`.
    api_forecasts: Vec<(String, Bytes)>,
}

impl AppState {
    /// Plans and runs the start-up run (`orbit_pipeline::run`, as `orbit run` does), then
    /// renders everything the pages need.
    pub fn build(world: World, options: &StartOptions) -> Result<AppState, ServerError> {
        let plan = orbit_pipeline::resolve(&world, &options.run, &Limits::COMMAND_LINE)?;
        let results = orbit_pipeline::run(&world, &plan, &orbit_pipeline::Silent)?;
        AppState::from_results(world, results, None, options)
    }

    /// The state from results computed elsewhere; `transit` shares, when given, replace the
    /// ones of the results' transit game on the transit page.
    pub fn from_results(
        world: World,
        results: RunResults,
        transit: Option<TransitShares>,
        options: &StartOptions,
    ) -> Result<AppState, ServerError> {
        let store = Store::build_from_world(&world)?;
        let mut report = orbit_report::build(&world, results);
        if transit.is_some() {
            report.transit = transit;
        }
        let limits = options.limits;
        let tables = orbit_report::tables::all(&report);
        let cache = Cache {
            overview: pages::overview(&report, &tables).into(),
            dependence: pages::dependence(&report, &tables).into(),
            transit: pages::transit(&report).into(),
            forecast_index: pages::forecast_index(&report, &tables, &limits, None).into(),
            issue_pages: report
                .forecasts
                .iter()
                .map(|f| (f.issue.clone(), pages::issue(&report, f).into()))
                .collect(),
            api_scenario: json_bytes(&api::ScenarioDoc::of(&report)),
            api_report: json_bytes(&report),
            api_dependence: json_bytes(&report.dependence),
            api_transit: match (&report.transit_game, &report.transit) {
                (Some(game), _) => Some(json_bytes(game)),
                (None, Some(shares)) => Some(json_bytes(shares)),
                (None, None) => None,
            },
            simulation: pages::simulation(&report, &tables).into(),
            api_simulation: report.simulation.as_ref().map(|sim| {
                json_bytes(&serde_json::json!({
                    "simulation": sim,
                    "backtest": &report.backtest,
                }))
            }),
            api_forecasts: report
                .forecasts
                .iter()
                .map(|f| (f.issue.clone(), json_bytes(f)))
                .collect(),
        };
        Ok(AppState(Arc::new(Inner {
            report,
            world,
            store: Mutex::new(store),
            limits,
            concurrent_runs: options.concurrent_runs,
            runs_in_flight: AtomicUsize::new(0),
            cache,
        })))
    }

    pub fn report(&self) -> &RunReport {
        &self.0.report
    }

    pub fn limits(&self) -> Limits {
        self.0.limits
    }

    /// The store, even if a panic poisoned its lock: a query either ran or did not, and
    /// SQLite's own state stays consistent.
    fn store(&self) -> MutexGuard<'_, Store> {
        self.0.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Reserves one of the [`StartOptions::concurrent_runs`] model-run slots.
    fn try_start_run(&self) -> Option<RunSlot> {
        let slots = &self.0.runs_in_flight;
        let limit = self.0.concurrent_runs;
        slots
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < limit).then_some(n + 1)
            })
            .ok()
            .map(|_| RunSlot(self.clone()))
    }
}

/// A reserved model-run slot, released when dropped (also when the run panics).
struct RunSlot(AppState);

impl Drop for RunSlot {
    fn drop(&mut self) {
        self.0.0.runs_in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

fn json_bytes<T: Serialize + ?Sized>(value: &T) -> Bytes {
    // Plain structs of strings and numbers always serialize.
    let mut out = serde_json::to_vec_pretty(value).unwrap_or_default();
    out.push(b'\n');
    out.into()
}

/// Every route of the dashboard, with the body limit, security headers and request logging
/// (`tracing`, level INFO, target `tower_http::trace`).
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(pages::overview_handler))
        .route("/timeline", get(pages::timeline_handler))
        .route("/dependence", get(pages::dependence_handler))
        .route("/transit", get(pages::transit_handler))
        .route(
            "/forecast",
            get(pages::forecast_index_handler).post(pages::forecast_form_handler),
        )
        .route("/forecast/{issue}", get(pages::issue_handler))
        .route("/assets/{name}", get(asset))
        .route("/charts/{file}", get(pages::downloads::chart_file))
        .route("/api", get(pages::downloads::api_index))
        .route("/api/", get(pages::downloads::api_index))
        .route("/api/scenario", get(api::scenario))
        .route("/api/report", get(api::report))
        .route("/api/timeline", get(api::timeline))
        .route("/api/dependence", get(api::dependence))
        .route("/api/transit", get(api::transit))
        .route("/api/simulation", get(api::simulation))
        .route("/simulation", get(pages::simulation_handler))
        .route(
            "/smp",
            get(pages::smp::smp_handler).post(pages::smp::smp_form_handler),
        )
        .route("/api/smp", axum::routing::post(pages::smp::api_smp))
        .route(pages::disputes::PATH, get(pages::disputes::page_handler))
        .route("/api/disputes", get(pages::disputes::api_handler))
        .route(pages::thesis::PATH, get(pages::thesis::page_handler))
        .route("/api/thesis", get(pages::thesis::api_handler))
        .route("/api/forecast", axum::routing::post(api::forecast_table))
        .route("/api/forecast/{issue}", get(api::forecast_issue))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::map_response(security_headers))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
}

/// The page loads nothing but this server's own assets: its stylesheets and the vendored chart
/// scripts (which evaluate expressions with vega-interpreter, so no 'unsafe-eval'); the
/// charts' download links are blob: URLs made by the page script.
const CSP: &str = "default-src 'none'; script-src 'self'; connect-src 'self' blob:; style-src 'self' 'unsafe-inline'; \
                   img-src 'self' data: blob:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// The embedded assets, by exact name: there is no path to resolve, so nothing outside this
/// list can be served.
const ASSETS: &[(&str, &str, &str)] = &[(
    "style.css",
    "text/css; charset=utf-8",
    include_str!("../assets/style.css"),
)];

async fn asset(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
    if let Some(response) = pages::downloads::chart_asset(&name) {
        return response;
    }
    match ASSETS.iter().find(|(n, _, _)| *n == name) {
        Some((_, mime, body)) => (
            [
                (header::CONTENT_TYPE, *mime),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            *body,
        )
            .into_response(),
        None => ApiError::not_found(&format!("/assets/{name}")).into_page(),
    }
}

async fn not_found(uri: axum::http::Uri) -> Response {
    let error = ApiError::not_found(uri.path());
    if uri.path().starts_with("/api/") || uri.path() == "/api" {
        error.into_response()
    } else {
        error.into_page()
    }
}

async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> Response {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("`{}` does not accept {method}", uri.path()),
    )
    .hint("see `docs/api.md` for the methods of each endpoint")
    .into_response()
}

/// An error answered as JSON `{"error": "...", "hint": "...", "problems": [...]}` (API)
/// or as a page with the same text ([`ApiError::into_page`]).
#[derive(Debug, Clone, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    pub status: StatusCode,
    pub error: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// Every problem of a posted actor table, each with its line and column.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<orbit_scenario::actor_table::TableProblem>,
}

impl ApiError {
    pub fn new(status: StatusCode, error: impl Into<String>) -> Self {
        ApiError {
            status,
            error: error.into(),
            hint: None,
            problems: Vec::new(),
        }
    }

    pub fn bad_request(error: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, error)
    }

    fn not_found(path: &str) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, format!("no such page: `{path}`"))
            .hint("the pages are /, /timeline, /dependence, /transit, /forecast, /simulation, /disputes, /thesis; the API is under /api/ (see `docs/api.md`)")
    }

    fn internal() -> Self {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error; the server logged it",
        )
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The error as an HTML page.
    pub fn into_page(self) -> Response {
        let status = self.status;
        let mut response = axum::response::Html(html::error_page(&self)).into_response();
        *response.status_mut() = status;
        response
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(&self)).into_response();
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}

/// How long a client may take to send a request's headers, and how long a kept-alive
/// connection may sit idle before the next request: a partial request cannot hold a
/// connection for minutes.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long the requests in flight get to finish once shutdown is asked for; connections
/// still open after that are dropped.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Serves `router(state)` on `listener` until Ctrl-C (or SIGTERM), then gives the requests
/// in flight [`SHUTDOWN_GRACE`] to finish.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    serve_until(listener, state, HEADER_READ_TIMEOUT, shutdown_signal()).await
}

/// [`serve`] with its header-read timeout and its shutdown signal given (tests use short
/// ones).
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    state: AppState,
    header_read_timeout: Duration,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::server::graceful::GracefulShutdown;
    use hyper_util::service::TowerToHyperService;

    let app = router(state);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                // A failed accept (e.g. too many open files) concerns one client only.
                let Ok((stream, _)) = accepted else { continue };
                let service = TowerToHyperService::new(app.clone());
                let mut builder = hyper::server::conn::http1::Builder::new();
                builder
                    .timer(TokioTimer::new())
                    .header_read_timeout(header_read_timeout);
                let connection = builder.serve_connection(TokioIo::new(stream), service);
                let watched = graceful.watch(connection);
                tokio::spawn(async move {
                    // A client that goes away or times out is not the server's error.
                    let _ = watched.await;
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {
            tracing::info!("requests still open after {SHUTDOWN_GRACE:?} are dropped");
        }
    }
    Ok(())
}

/// Binds `addr` on a new multi-threaded runtime, calls `on_bound` with the address actually
/// bound (port 0 picks a free one) and serves until Ctrl-C.
pub fn run_blocking(
    addr: SocketAddr,
    state: AppState,
    on_bound: impl FnOnce(SocketAddr),
) -> Result<(), ServerError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        on_bound(listener.local_addr()?);
        serve(listener, state).await?;
        Ok(())
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        // If the handler cannot be installed, serve until killed.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
