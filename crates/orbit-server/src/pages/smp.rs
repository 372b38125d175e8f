//! `/smp`: the scenario's spatial issues bargained with KTAB's Spatial Model of Politics (the
//! report's SMP charts, one per dimension), and a form that runs an uploaded or pasted KTAB file
//! (SMP CSV or XML, read by [`orbit_scenario::ktab::read_ktab`] with located errors) and shows
//! its history per dimension. `POST /api/smp` takes the same file as the request body and
//! answers JSON. Bodies are capped by the router's 1 MiB limit; files are capped at
//! [`MAX_REQUEST_ACTORS`] actors, and runs take one of the server's model-run slots.

use std::fmt::Write as _;

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use orbit_models::ktab::{SmpInput, run_smp};
use orbit_pipeline::smp::{SmpIssueResult, ktab_result};
use orbit_report::vega::VegaChart;
use orbit_report::{escape, smp_section, vega_smp};
use orbit_scenario::ktab::{KTAB_DEFAULT_SEED, KtabProblem, read_ktab};

use crate::api::{self, query_params};
use crate::html::{self, page};
use crate::{ApiError, AppState};

/// The most actors a posted KTAB file may have: one SMP turn weighs every pair of actors
/// against every third, so 60 actors already take about a second per run (the 40-actor
/// `dummyData-a040` case takes 0.3 s). Larger files run with `orbit smp` on the command line.
pub const MAX_REQUEST_ACTORS: usize = 60;

/// The parameters `POST /api/smp` reads.
pub const SMP_PARAMS: [&str; 2] = ["seed", "name"];

/// What a posted KTAB file gave: its result, or its located problems.
struct Posted {
    file: String,
    text: String,
    seed: Option<u64>,
    outcome: Result<(SmpIssueResult, Vec<String>), ApiError>,
    problems: Vec<KtabProblem>,
}

fn smp_error(message: impl Into<String>) -> ApiError {
    ApiError::bad_request(message)
}

fn parse_seed(text: Option<&str>) -> Result<Option<u64>, ApiError> {
    let Some(t) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    match t.parse::<u64>() {
        Ok(0) => Err(smp_error(
            "`seed` 0 means a truly random seed in KTAB, which no one could reproduce",
        )
        .hint("give any other seed, or leave it empty for the file's (or KTAB's default)")),
        Ok(s) => Ok(Some(s)),
        Err(_) => Err(smp_error(format!(
            "`seed` `{t}` is not a whole number from 1 to 18446744073709551615"
        ))),
    }
}

/// Reads and runs a KTAB file on the blocking pool; problems of the file come back located.
async fn run_file(
    state: &AppState,
    file: &str,
    text: &str,
    seed: Option<u64>,
) -> (
    Result<(SmpIssueResult, Vec<String>), ApiError>,
    Vec<KtabProblem>,
) {
    if text.trim().is_empty() {
        return (
            Err(smp_error("no KTAB file was given").hint(
                "paste an SMP CSV (`name,desc,nActors,nDims` line, then `Actor,Description,Power,…`) or KTAB XML, or choose a file",
            )),
            Vec::new(),
        );
    }
    let scenario = match read_ktab(file, text) {
        Ok(s) => s,
        Err(e) => {
            let n = e.problems.len();
            return (
                Err(smp_error(format!(
                    "{n} problem{} in the KTAB file",
                    if n == 1 { "" } else { "s" }
                ))
                .hint("each problem names its line and column")),
                e.problems,
            );
        }
    };
    if scenario.actors.len() > MAX_REQUEST_ACTORS {
        return (
            Err(smp_error(format!(
                "the file has {} actors; the dashboard runs at most {MAX_REQUEST_ACTORS}",
                scenario.actors.len()
            ))
            .hint("run it with `orbit smp --input FILE` on the command line")),
            Vec::new(),
        );
    }
    let Some(slot) = state.try_start_run() else {
        return (
            Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "the server is already running {} model runs",
                    state.0.concurrent_runs
                ),
            )
            .hint("try again in a moment")),
            Vec::new(),
        );
    };
    let params = scenario.parameters.unwrap_or_default();
    let seed = seed.or(scenario.seed).unwrap_or(KTAB_DEFAULT_SEED);
    let joined = tokio::task::spawn_blocking(move || {
        let _slot = slot;
        let input = SmpInput::from_scenario(&scenario);
        run_smp(&input, &params, seed)
            .map(|run| (ktab_result(&scenario, params, seed, &run), scenario.notes))
    })
    .await;
    let outcome = match joined {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(smp_error(format!("KTAB's SMP refuses the file: {e}"))),
        Err(e) => {
            tracing::error!("SMP task failed: {e}");
            Err(ApiError::internal())
        }
    };
    (outcome, Vec::new())
}

// ---------------------------------------------------------------------------------------
// multipart/form-data (RFC 7578), the few parts the form sends.

/// One part of a multipart body: its field name, file name (for a file) and text.
#[derive(Debug, PartialEq)]
pub struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub text: String,
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    (from..=haystack.len() - needle.len()).find(|&i| &haystack[i..i + needle.len()] == needle)
}

fn disposition_param(header: &str, key: &str) -> Option<String> {
    header.split(';').map(str::trim).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim().eq_ignore_ascii_case(key)).then(|| v.trim().trim_matches('"').to_string())
    })
}

/// Splits a `multipart/form-data` body by the boundary of `content_type`.
pub fn multipart_parts(content_type: &str, body: &[u8]) -> Result<Vec<Part>, ApiError> {
    let boundary = content_type
        .split(';')
        .map(str::trim)
        .find_map(|p| p.strip_prefix("boundary="))
        .map(|b| b.trim_matches('"'))
        .filter(|b| !b.is_empty() && b.len() <= 200)
        .ok_or_else(|| smp_error("the multipart form has no boundary in its Content-Type"))?;
    let delimiter = format!("--{boundary}").into_bytes();
    let malformed =
        || smp_error("the multipart form is malformed (a part lacks its headers or its end)");
    let mut at = find(body, &delimiter, 0).ok_or_else(malformed)? + delimiter.len();
    let mut parts = Vec::new();
    loop {
        if body[at..].starts_with(b"--") {
            return Ok(parts);
        }
        let start = at
            + if body[at..].starts_with(b"\r\n") {
                2
            } else {
                0
            };
        let headers_end = find(body, b"\r\n\r\n", start).ok_or_else(malformed)?;
        let next = find(body, &delimiter, headers_end).ok_or_else(malformed)?;
        let headers = String::from_utf8_lossy(&body[start..headers_end]);
        let content_end = if body[..next].ends_with(b"\r\n") {
            next - 2
        } else {
            next
        };
        let content = &body[(headers_end + 4).min(content_end)..content_end];
        let disposition = headers
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.trim()
                    .eq_ignore_ascii_case("content-disposition")
                    .then_some(v)
            })
            .ok_or_else(malformed)?;
        let name = disposition_param(disposition, "name").ok_or_else(malformed)?;
        let filename = disposition_param(disposition, "filename");
        let text = String::from_utf8(content.to_vec()).map_err(|e| {
            smp_error(format!(
                "field `{name}` is not UTF-8 text (first invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ))
            .hint("KTAB files are text: save the CSV or XML as UTF-8")
        })?;
        parts.push(Part {
            name,
            filename,
            text,
        });
        at = next + delimiter.len();
    }
}

// ---------------------------------------------------------------------------------------
// Pages.

/// A chart of a posted file: its downloads are `data:` URLs (the page loads nothing else).
fn posted_figure(out: &mut String, chart: &VegaChart) {
    let name = escape(&chart.name);
    let _ = write!(
        out,
        "<figure class=\"vchart\" id=\"chart-{name}\" data-chart=\"{name}\">\n<h4 class=\"chart-title\">{}</h4>\n\
         <div class=\"vega\" role=\"img\" aria-label=\"{}\"></div>\n\
         <script type=\"application/json\" class=\"vega-spec\">{}</script>\n\
         <figcaption>{} <span class=\"downloads\"><a class=\"csv\" download=\"{name}.csv\" href=\"{}\">data (CSV)</a> \
         <a class=\"spec\" download=\"{name}.vl.json\" href=\"{}\">spec (Vega-Lite JSON)</a></span></figcaption>\n</figure>\n",
        escape(&chart.title),
        escape(&chart.title),
        chart.spec_for_html(),
        escape(&chart.caption()),
        data_url("text/csv", &chart.to_csv()),
        data_url("application/json", &chart.spec_json()),
    );
}

/// `data:` URL of `text`, percent-encoded.
fn data_url(mime: &str, text: &str) -> String {
    let mut out = format!("data:{mime};charset=utf-8,");
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~,:;".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn result_html(r: &SmpIssueResult, notes: &[String], file: &str) -> String {
    let mut b = String::new();
    let _ = writeln!(
        b,
        "<section id=\"smp-result\">\n<h2>{} <code>{}</code></h2>\n<p id=\"smp-summary\" data-turns=\"{}\">{}, {}, {}; seed {}; parameters {}.</p>",
        escape(&r.name),
        escape(file),
        r.turns,
        orbit_scenario::counted(r.actors.len(), "actor", "actors"),
        orbit_scenario::counted(r.dimensions.len(), "dimension", "dimensions"),
        orbit_scenario::counted(r.turns, "turn", "turns"),
        r.seed,
        escape(&serde_json::to_string(&r.parameters).unwrap_or_default()),
    );
    for n in notes {
        let _ = writeln!(b, "<p class=\"note\">note: {}</p>", escape(n));
    }
    b.push_str("<div class=\"panels\">\n");
    let name = |code: &str| code.to_string();
    let source = format!("Source: posted KTAB file `{file}`");
    for c in vega_smp::smp_charts(r, &name, &source) {
        posted_figure(&mut b, &c);
    }
    b.push_str("</div>\n");
    let _ = writeln!(
        b,
        "<p class=\"csv\">History: <a id=\"smp-history\" download=\"{}_history.csv\" href=\"{}\">turn, actor, dimension, position (CSV)</a></p>\n</section>",
        escape(&r.issue),
        data_url("text/csv", &smp_section::history_csv(r))
    );
    b
}

fn form_html(text: &str, seed: Option<u64>) -> String {
    format!(
        "<section id=\"smp-upload\">\n<h2>Run a KTAB file</h2>\n<p>KTAB's SMP CSV (a <code>name,desc,nActors,nDims</code> line, then <code>Actor,Description,Power,&lt;dim&gt;,&lt;sal&gt;,…</code> with positions and saliences on 0–100) or its XML scenario; up to {MAX_REQUEST_ACTORS} actors and 1 MiB. The run uses the file's parameters and <code>prngSeed</code> (KTAB's defaults otherwise); the seed below overrides it.</p>\n\
         <form id=\"smp-form\" method=\"post\" action=\"/smp\" enctype=\"multipart/form-data\">\n\
         <label class=\"wide\">KTAB file<br><input type=\"file\" name=\"file\" accept=\".csv,.xml,text/csv,text/xml\"></label>\n\
         <label class=\"wide\">or paste it<br><textarea name=\"ktab\" rows=\"10\" cols=\"60\" spellcheck=\"false\">{}</textarea></label>\n\
         <label>seed <input name=\"seed\" inputmode=\"numeric\" value=\"{}\"></label>\n\
         <button type=\"submit\">Run the SMP</button>\n</form>\n</section>\n",
        escape(text),
        seed.map_or(String::new(), |s| s.to_string()),
    )
}

/// The page: the scenario's spatial issues, the form, and a posted file's result or problems.
fn smp_page(state: &AppState, posted: Option<&Posted>) -> String {
    let report = state.report();
    let mut b = String::from(
        "<p>Issues with several dimensions, bargained with KTAB's Spatial Model of Politics as KTAB implements it (<code>docs/models/ktab-smp.md</code>): a line per actor and dimension over the bargaining turns, labels at the last turn (actors ending together share a label).</p>\n",
    );
    b.push_str("<section id=\"smp-scenario\">\n<h2>The scenario's spatial issues</h2>\n");
    if report.smp.is_empty() {
        b.push_str("<p class=\"note\">The scenario declares no `[[spatial_issues]]`.</p>\n");
    }
    let charts = smp_section::charts(report);
    for r in &report.smp {
        let _ = writeln!(
            b,
            "<h3>{} <code>{}</code></h3>\n<p>As of {}; {}; {}.</p>\n<div class=\"panels\">",
            escape(&r.name),
            escape(&r.issue),
            escape(&r.as_of),
            orbit_scenario::counted(r.actors.len(), "actor", "actors"),
            orbit_scenario::counted(r.turns, "turn", "turns")
        );
        for d in &r.dimensions {
            let name = vega_smp::chart_name(&r.issue, &d.id);
            if let Some(c) = charts.iter().find(|c| c.name == name) {
                html::vchart(&mut b, c, "h4");
            }
        }
        b.push_str("</div>\n");
    }
    if !report.smp.is_empty() {
        html::table(&mut b, &smp_section::final_positions(report));
    }
    b.push_str("</section>\n");
    b.push_str(&form_html(
        posted.map_or("", |p| p.text.as_str()),
        posted.and_then(|p| p.seed),
    ));
    if let Some(p) = posted {
        match &p.outcome {
            Ok((r, notes)) => b.push_str(&result_html(r, notes, &p.file)),
            Err(e) => {
                let _ = write!(
                    b,
                    "<section class=\"error\" id=\"error\"><h2>{} {}</h2><p class=\"message\">{}</p>",
                    e.status.as_u16(),
                    escape(e.status.canonical_reason().unwrap_or("")),
                    escape(&e.error)
                );
                if let Some(h) = &e.hint {
                    let _ = write!(b, "<p class=\"hint\">hint: {}</p>", escape(h));
                }
                if !p.problems.is_empty() {
                    b.push_str("<ul class=\"problems\">");
                    for pr in &p.problems {
                        let _ = write!(
                            b,
                            "<li data-line=\"{}\" data-column=\"{}\">line {}, column {}: {}</li>",
                            pr.line,
                            pr.column,
                            pr.line,
                            pr.column,
                            escape(&pr.message)
                        );
                    }
                    b.push_str("</ul>");
                }
                b.push_str("</section>\n");
            }
        }
    }
    page(
        "Spatial issues (KTAB SMP)",
        &format!("scenario {}", report.scenario.id),
        "/smp",
        &b,
    )
}

/// `GET /smp`.
pub async fn smp_handler(State(state): State<AppState>) -> Response {
    Html(smp_page(&state, None)).into_response()
}

/// `POST /smp`: the form, as `multipart/form-data` (a chosen file wins over pasted text) or
/// `application/x-www-form-urlencoded` (pasted text only).
pub async fn smp_form_handler(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(b) => b,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return api::too_large()
                .hint("KTAB files over 1 MiB run with `orbit smp`")
                .into_page();
        }
        Err(e) => return smp_error(format!("cannot read the form: {}", e.body_text())).into_page(),
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let fields: Vec<Part> = if content_type.starts_with("multipart/form-data") {
        match multipart_parts(content_type, &body) {
            Ok(p) => p,
            Err(e) => return e.into_page(),
        }
    } else {
        let pairs: Vec<(String, String)> = match serde_urlencoded_pairs(&body) {
            Ok(p) => p,
            Err(e) => return e.into_page(),
        };
        pairs
            .into_iter()
            .map(|(name, text)| Part {
                name,
                filename: None,
                text,
            })
            .collect()
    };
    if let Some(unknown) = fields
        .iter()
        .find(|p| !["file", "ktab", "seed"].contains(&p.name.as_str()))
    {
        return smp_error(format!("unknown form field `{}`", unknown.name))
            .hint("the fields are `file`, `ktab` and `seed`")
            .into_page();
    }
    let get = |n: &str| fields.iter().find(|p| p.name == n);
    let (file, text) = match get("file").filter(|p| !p.text.trim().is_empty()) {
        Some(p) => (
            p.filename.clone().unwrap_or_else(|| "upload".into()),
            p.text.clone(),
        ),
        None => (
            "pasted".to_string(),
            get("ktab").map_or(String::new(), |p| p.text.clone()),
        ),
    };
    let (outcome, problems, seed) = match parse_seed(get("seed").map(|p| p.text.as_str())) {
        Ok(seed) => {
            let (o, p) = run_file(&state, &file, &text, seed).await;
            (o, p, seed)
        }
        Err(e) => (Err(e), Vec::new(), None),
    };
    let status = outcome
        .as_ref()
        .map_or_else(|e| e.status, |_| StatusCode::OK);
    let posted = Posted {
        file,
        text,
        seed,
        outcome,
        problems,
    };
    let mut response = Html(smp_page(&state, Some(&posted))).into_response();
    *response.status_mut() = status;
    response
}

/// `application/x-www-form-urlencoded` pairs.
fn serde_urlencoded_pairs(body: &[u8]) -> Result<Vec<(String, String)>, ApiError> {
    let text = std::str::from_utf8(body).map_err(|_| smp_error("the form is not UTF-8 text"))?;
    let decode = |s: &str| -> Result<String, ApiError> {
        let bytes = s.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < bytes.len() => {
                    let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                    let v = u8::from_str_radix(hex, 16)
                        .map_err(|_| smp_error(format!("the form has a bad escape `%{hex}`")))?;
                    out.push(v);
                    i += 2;
                }
                b'%' => return Err(smp_error("the form ends inside a `%` escape")),
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8(out).map_err(|_| smp_error("the form is not UTF-8 text"))
    };
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Ok((decode(k)?, decode(v)?))
        })
        .collect()
}

/// `POST /api/smp[?seed=N&name=FILE]`: the body is a KTAB SMP CSV or XML; the answer is the
/// run as JSON (history `[turn][actor][dimension]` on 0–100, turns, stop reason), or a 400
/// whose `problems` locate every problem of the file.
pub async fn api_smp(
    State(state): State<AppState>,
    query: Result<crate::query::StrictQuery, ApiError>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let text = api::body_text(body)?;
    let params = query_params(query)?;
    params.only(&SMP_PARAMS)?;
    let seed = parse_seed(params.one("seed")?)?;
    let file = params.one("name")?.unwrap_or("body").to_string();
    let (outcome, problems) = run_file(&state, &file, &text, seed).await;
    match outcome {
        Ok((result, notes)) => Ok(axum::Json(serde_json::json!({
            "result": result,
            "history_rows": result.history_rows(),
            "notes": notes,
        }))
        .into_response()),
        Err(mut e) => {
            if !problems.is_empty() {
                let body = serde_json::json!({
                    "error": e.error,
                    "hint": e.hint.take(),
                    "problems": problems,
                });
                return Ok((e.status, axum::Json(body)).into_response());
            }
            Err(e)
        }
    }
}
