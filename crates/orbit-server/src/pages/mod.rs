//! The dashboard's pages, rendered on the server from the report's charts and tables. The
//! tables and forms need no script (the timeline filter is a GET form, the forecast form a
//! POST); the Vega-Lite charts are drawn by the vendored scripts the page loads last.

pub mod disputes;
pub mod downloads;
pub mod smp;
pub mod thesis;
pub mod timeline_view;
pub mod years;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use axum::Form;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use orbit_models::forecast::IssueForecast;
use orbit_report::charts::file_stem;
use orbit_report::data::{EventCount, KeyEvent};
use orbit_report::{DataTable, RunReport, escape};
use orbit_report::{vega, vega_issue, vega_timeline};
use orbit_scenario::{EventKind, PartialDate};
use orbit_store::{TimelineQuery, TimelineRow};

use crate::api;
use crate::html::{self, page};
use crate::params::{self, Params};
use crate::{ApiError, AppState};
use timeline_view::TimelineView;
use years::YearRange;

fn find<'a>(tables: &'a [DataTable], name: &str) -> Option<&'a DataTable> {
    tables.iter().find(|t| t.name == name)
}

fn subtitle(report: &RunReport) -> String {
    let s = &report.scenario;
    format!(
        "scenario {} ({}): focus {} ({}), patron {} ({})",
        s.name,
        s.id,
        s.focus,
        report.actor_name(&s.focus),
        s.patron,
        report.actor_name(&s.patron)
    )
}

fn cached(body: &axum::body::Bytes) -> Response {
    Html(body.clone()).into_response()
}

// ---------------------------------------------------------------------------------------
// Overview

pub fn overview(report: &RunReport, tables: &[DataTable]) -> String {
    let s = &report.scenario;
    let mut b = String::new();
    b.push_str("<section id=\"headline\">\n<h2>At a glance</h2>\n");
    if let Some(d) = &s.description {
        let _ = writeln!(b, "<p class=\"lede\">{}</p>", escape(d));
    }
    let figures = vega::headline(report);
    let mut cards = vega::headline_html(&figures, "/charts/", false);
    // Each card links to the page with its detail.
    for h in &figures {
        let target = match h.link {
            "#dependence" => "/dependence",
            "#transit" => "/transit",
            "#forecasts" => "/forecast",
            _ => "/simulation",
        };
        let marker = format!("data-figure=\"{}\"", h.id);
        if let Some(at) = cards.find(&marker)
            && let Some(end) = cards[at..].find("</article>")
        {
            cards.insert_str(
                at + end,
                &format!("<p class=\"key-link\"><a href=\"{target}\">details</a></p>\n"),
            );
        }
    }
    b.push_str(&cards);
    b.push_str("</section>\n");

    b.push_str("<section id=\"forecasts\">\n<h2>Forecasts</h2>\n<ul class=\"issues\">");
    for i in &report.issues {
        let _ = write!(
            b,
            "<li><a href=\"/forecast/{}\">{}</a></li>",
            escape(&i.id),
            escape(&i.name)
        );
    }
    b.push_str("</ul>\n");
    if let Some(t) = find(tables, "forecasts") {
        html::details_table(&mut b, t);
    }
    b.push_str("</section>\n");

    b.push_str("<section id=\"key-dates\">\n<h2>Key dates</h2>\n");
    let keys = vega_timeline::key_numbers(&report.key_events, &report.key_events);
    if let Some(c) = vega_timeline::event_timeline(&report.event_counts, &keys, &report.scenario.id)
    {
        html::vchart(&mut b, &c, "h3");
        b.push_str(&vega_timeline::key_list_html(&keys));
    }
    if let Some(t) = find(tables, "key_events") {
        html::details_table(&mut b, t);
    }
    b.push_str(
        "<p><a href=\"/timeline\">The whole timeline, filtered and sorted</a></p>\n</section>\n",
    );

    b.push_str("<section id=\"appendix\">\n<h2>Records in the scenario</h2>\n");
    if let Some(n) = &s.narrative {
        let _ = writeln!(b, "<p>Narrative checked: {}</p>", escape(n));
    }
    b.push_str("<dl class=\"counts\">");
    for (k, v) in &s.counts {
        let _ = write!(
            b,
            "<div><dt>{}</dt><dd>{v}</dd></div>",
            escape(&k.replace('_', " "))
        );
    }
    b.push_str("</dl>\n</section>\n");
    page("Overview", &subtitle(report), "/", &b)
}

pub async fn overview_handler(State(state): State<AppState>) -> Response {
    cached(&state.0.cache.overview)
}

// ---------------------------------------------------------------------------------------
// Timeline

/// The filter form, filled with the values of the last query.
fn timeline_form(report: &RunReport, params: &Params) -> String {
    let value = |name: &str| {
        params
            .one(name)
            .ok()
            .flatten()
            .map(escape)
            .unwrap_or_default()
    };
    let actor = params.all("actor");
    let kind = params.all("kind");
    let mut f = String::from(
        "<form id=\"timeline-filter\" class=\"filter\" method=\"get\" action=\"/timeline\">\n",
    );
    f.push_str("<label>Actor <select name=\"actor\"><option value=\"\">any</option>");
    for a in &report.scenario.actors {
        let selected = if actor.iter().any(|x| x.eq_ignore_ascii_case(&a.code)) {
            " selected"
        } else {
            ""
        };
        let _ = write!(
            f,
            "<option value=\"{}\"{selected}>{} ({})</option>",
            escape(&a.code),
            escape(&a.code),
            escape(&a.name)
        );
    }
    f.push_str(
        "</select></label>\n<label>Kind <select name=\"kind\"><option value=\"\">any</option>",
    );
    for (name, _) in EventKind::ALL {
        let selected = if kind.iter().any(|x| x.eq_ignore_ascii_case(name)) {
            " selected"
        } else {
            ""
        };
        let _ = write!(
            f,
            "<option value=\"{name}\"{selected}>{}</option>",
            name.replace('_', " ")
        );
    }
    let _ = write!(
        f,
        "</select></label>\n\
         <label>From <input name=\"from\" value=\"{}\" placeholder=\"YYYY-MM-DD\" size=\"10\"></label>\n\
         <label>To <input name=\"to\" value=\"{}\" placeholder=\"YYYY-MM-DD\" size=\"10\"></label>\n\
         <label>Text <input name=\"search\" value=\"{}\" size=\"14\"></label>\n\
         <label><input type=\"checkbox\" name=\"key\" value=\"true\"{}> key events only</label>\n\
         <button type=\"submit\">Filter</button> <a href=\"/timeline\">reset</a>\n</form>\n",
        value("from"),
        value("to"),
        value("search"),
        if params.flag("key").unwrap_or(false) {
            " checked"
        } else {
            ""
        },
    );
    f
}

/// Events per (year, kind) and the key events of `rows`, for the timeline chart.
fn chart_data(rows: &[TimelineRow]) -> (Vec<EventCount>, Vec<KeyEvent>) {
    let mut counts: BTreeMap<(i32, &str), (usize, usize)> = BTreeMap::new();
    for r in rows {
        let Ok(date) = PartialDate::parse(&r.date) else {
            continue;
        };
        let entry = counts.entry((date.year, r.kind.as_str())).or_default();
        entry.0 += 1;
        entry.1 += usize::from(r.key);
    }
    let counts = counts
        .into_iter()
        .map(|((year, kind), (count, key))| EventCount {
            year,
            kind: kind.to_string(),
            count,
            key,
        })
        .collect();
    let key = rows
        .iter()
        .filter(|r| r.key)
        .map(|r| KeyEvent {
            id: r.id.clone(),
            date: r.date.clone(),
            kind: r.kind.clone(),
            actors: r.actors.clone(),
            description: r.description.clone(),
            note: r.note.clone(),
            source: r.source.clone(),
        })
        .collect();
    (counts, key)
}

fn timeline_page(
    state: &AppState,
    params: &Params,
    view: &(TimelineView, Vec<(String, String)>),
    result: Result<Vec<TimelineRow>, ApiError>,
) -> Response {
    let (view, filter) = view;
    let report = &state.0.report;
    // The rows of this page, sorted; the chart draws all of them.
    let result = result.and_then(|rows| {
        let mut sorted = rows.clone();
        view.sort(&mut sorted);
        let range = view.range(sorted.len())?;
        Ok((rows, sorted[range.clone()].to_vec(), range))
    });
    let mut b = timeline_form(report, params);
    let status = match &result {
        Ok(_) => StatusCode::OK,
        Err(e) => e.status,
    };
    match result {
        Err(e) => {
            let _ = write!(
                b,
                "<p class=\"error\" id=\"error\">{}</p>",
                escape(&e.error)
            );
            if let Some(h) = &e.hint {
                let _ = write!(b, "<p class=\"hint\">hint: {}</p>", escape(h));
            }
        }
        Ok((rows, shown, range)) => {
            let _ = writeln!(
                b,
                "<p id=\"count\" data-count=\"{0}\">{0} event{1}</p>",
                rows.len(),
                if rows.len() == 1 { "" } else { "s" }
            );
            let (counts, key) = chart_data(&rows);
            let total = rows.len();
            let rows = shown;
            // Key events keep their numbers of the whole timeline in every filtered view.
            let keys = vega_timeline::key_numbers(&report.key_events, &key);
            match vega_timeline::event_timeline(&counts, &keys, &report.scenario.id) {
                Some(c) => {
                    html::vchart(&mut b, &c, "h2");
                    b.push_str(&vega_timeline::key_list_html(&keys));
                }
                None => b.push_str(
                    "<p class=\"empty\" id=\"timeline-empty\">No event matches this filter, so there is no chart; widen the filter or <a href=\"/timeline\">reset</a> it.</p>\n",
                ),
            }
            b.push_str("<div class=\"table-wrap\"><table data-table=\"timeline\"><thead><tr>");
            for (column, label) in timeline_view::COLUMNS {
                // A header sorts by its column; a second click reverses the order.
                let current = view.sort == column;
                let descending = current && !view.descending;
                let (aria, mark) = match (current, view.descending) {
                    (true, false) => (" aria-sort=\"ascending\"", " ▲"),
                    (true, true) => (" aria-sort=\"descending\"", " ▼"),
                    _ => ("", ""),
                };
                let _ = write!(
                    b,
                    "<th{aria}><a href=\"{}\" data-sort=\"{column}\">{label}{mark}</a></th>",
                    timeline_view::href(filter, column, descending, 1)
                );
            }
            b.push_str("</tr></thead>\n<tbody>\n");
            for r in &rows {
                let _ = writeln!(
                    b,
                    "<tr{}><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}{}</td><td class=\"source\">{}</td></tr>",
                    if r.key { " class=\"key\"" } else { "" },
                    escape(&r.date),
                    escape(&r.kind.replace('_', " ")),
                    escape(&r.actors.join(", ")),
                    escape(&r.description),
                    r.note
                        .as_deref()
                        .map_or(String::new(), |n| format!(" <em>({})</em>", escape(n))),
                    escape(&r.source),
                );
            }
            b.push_str("</tbody></table></div>\n");
            b.push_str(&pager(view, filter, &range, total));
        }
    }
    let mut response = Html(page(
        "Timeline",
        &format!(
            "{}; filter the events by actor, kind, dates and text (the same query as `/api/timeline`)",
            subtitle(report)
        ),
        "/timeline",
        &b,
    ))
    .into_response();
    *response.status_mut() = status;
    response
}

/// "Rows 26–50 of 117" with links to the previous and next pages.
fn pager(
    view: &TimelineView,
    filter: &[(String, String)],
    range: &std::ops::Range<usize>,
    total: usize,
) -> String {
    let pages = TimelineView::pages(total);
    let mut out = format!(
        "<nav class=\"pager\" aria-label=\"pages\" data-page=\"{}\" data-pages=\"{pages}\"><span>rows {}–{} of {total}, page {} of {pages}</span>",
        view.page,
        if total == 0 { 0 } else { range.start + 1 },
        range.end,
        view.page
    );
    if view.page > 1 {
        let _ = write!(
            out,
            " <a rel=\"prev\" href=\"{}\">previous</a>",
            timeline_view::href(filter, view.sort, view.descending, view.page - 1)
        );
    }
    if view.page < pages {
        let _ = write!(
            out,
            " <a rel=\"next\" href=\"{}\">next</a>",
            timeline_view::href(filter, view.sort, view.descending, view.page + 1)
        );
    }
    out.push_str("</nav>\n");
    out
}

pub async fn timeline_handler(
    State(state): State<AppState>,
    query: Result<crate::query::StrictQuery, ApiError>,
) -> Response {
    // Sorting and paging are the page's own parameters; the rest is the API's filter.
    let (view_pairs, filter): (Vec<_>, Vec<_>) = match query {
        Ok(crate::query::StrictQuery(pairs)) => pairs
            .into_iter()
            .partition(|(k, _)| timeline_view::VIEW_PARAMS.contains(&k.as_str())),
        Err(error) => {
            let view = (TimelineView::default(), Vec::new());
            return timeline_page(&state, &Params::default(), &view, Err(error));
        }
    };
    let params = Params::new(filter.clone());
    let view = TimelineView::parse(&view_pairs);
    let result = view.clone().and_then(|_| {
        params::timeline_query(&params).and_then(|q: TimelineQuery| api::run_timeline(&state, &q))
    });
    let view = (view.unwrap_or_default(), filter);
    timeline_page(&state, &params, &view, result)
}

// ---------------------------------------------------------------------------------------
// Dependence and transit

pub fn dependence(report: &RunReport, tables: &[DataTable]) -> String {
    dependence_in(report, tables, None)
}

/// The years of the dependence page: its yearly data and the estimates' spans.
pub fn dependence_years(report: &RunReport) -> Option<(i32, i32)> {
    let d = &report.dependence;
    let years = d.years.iter().map(|y| y.year).chain(
        d.subsidy_estimates
            .iter()
            .chain(&report.support_estimates)
            .flat_map(|e| [e.years.first, e.years.last]),
    );
    years.fold(None, |acc, y| match acc {
        None => Some((y, y)),
        Some((a, b)) => Some((a.min(y), b.max(y))),
    })
}

/// A chart of a page with a year selector: restricted to the range, its downloads too.
fn ranged_chart(b: &mut String, chart: &vega::VegaChart, heading: &str, range: Option<YearRange>) {
    match range {
        None => html::vchart(b, chart, heading),
        Some(r) => {
            let shown = years::restrict_chart(chart, r);
            let mut figure = String::new();
            html::vchart(&mut figure, &shown, heading);
            b.push_str(&years::with_range_links(&figure, &shown.name, r));
        }
    }
}

/// The dependence page, restricted to `range` when given.
pub fn dependence_in(report: &RunReport, tables: &[DataTable], range: Option<YearRange>) -> String {
    let mut b = format!(
        "<p>Dependence of {} on {}: shares of goods trade by partner; the energy subsidy is the reference price minus the price paid, times the volume, over GDP.</p>\n",
        escape(report.actor_name(&report.dependence.actor)),
        escape(report.actor_name(&report.dependence.patron)),
    );
    if let Some(available) = dependence_years(report) {
        b.push_str(&years::form("/dependence", available, range));
    }
    let scenario = &report.scenario.id;
    ranged_chart(
        &mut b,
        &vega::trade_shares(&report.dependence, &report.figure_checks, scenario, false),
        "h2",
        range,
    );
    ranged_chart(
        &mut b,
        &vega::energy_subsidy(&report.dependence, &report.figure_checks, scenario, false),
        "h2",
        range,
    );
    if let Some(c) = vega::total_support(&report.dependence, &report.support_estimates, scenario) {
        ranged_chart(&mut b, &c, "h2", range);
    }
    let shown = |t: &DataTable| range.map_or_else(|| t.clone(), |r| years::restrict_table(t, r));
    for name in ["dependence_by_year", "subsidy_estimates"] {
        if let Some(t) = find(tables, name) {
            html::table(&mut b, &shown(t));
        }
    }
    if let Some(t) = find(tables, "dependence") {
        html::details_table(&mut b, &shown(t));
    }
    page("Dependence", &subtitle(report), "/dependence", &b)
}

/// The year range of a request, or the error that names the bad parameter.
fn year_range(
    query: Result<crate::query::StrictQuery, ApiError>,
    available: Option<(i32, i32)>,
) -> Result<Option<YearRange>, ApiError> {
    let crate::query::StrictQuery(pairs) = query?;
    let params = Params::new(pairs);
    match available {
        Some(available) => YearRange::parse(&params, available),
        None => params.only(&[]).map(|()| None),
    }
}

pub async fn dependence_handler(
    State(state): State<AppState>,
    query: Result<crate::query::StrictQuery, ApiError>,
) -> Response {
    let report = &state.0.report;
    match year_range(query, dependence_years(report)) {
        Err(e) => e.into_page(),
        Ok(None) => cached(&state.0.cache.dependence),
        Ok(Some(range)) => {
            let tables = orbit_report::tables::all(report);
            Html(dependence_in(report, &tables, Some(range))).into_response()
        }
    }
}

pub fn transit(report: &RunReport) -> String {
    let mut b = String::new();
    match &report.transit {
        None => b.push_str(
            "<p class=\"note\" id=\"no-transit\">The transit game (pipeline network, coalition values as max-flows, Shapley shares per epoch) is not computed by this build of the dashboard; <code>/api/transit</code> answers 404 until it is.</p>\n",
        ),
        Some(t) => {
            b.push_str("<p>Each player's Shapley share of the value of the pipeline network game, per epoch of the network.</p>\n");
            if let Some(game) = &report.transit_game {
                let scenario = &report.scenario.id;
                html::vchart(&mut b, &vega::shapley_epochs(game, scenario, false), "h2");
                b.push_str("<div class=\"panels\">\n");
                for i in 0..game.epochs.len() {
                    html::vchart(&mut b, &vega::transit_network(game, i, scenario), "h3");
                }
                b.push_str("</div>\n");
            }
            b.push_str("<div class=\"table-wrap\"><table data-table=\"transit\"><thead><tr><th>epoch</th>");
            for p in &t.players {
                let _ = write!(b, "<th>{}</th>", escape(&p.code));
            }
            b.push_str("</tr></thead><tbody>\n");
            for e in &t.epochs {
                let _ = write!(b, "<tr><td>{}</td>", escape(&e.label));
                for s in &e.shares {
                    match s {
                        Some(s) => {
                            let _ = write!(b, "<td class=\"num\">{:.1}%</td>", 100.0 * s);
                        }
                        None => b.push_str(
                            "<td class=\"num\" title=\"not a player in this epoch\">–</td>",
                        ),
                    }
                }
                b.push_str("</tr>\n");
            }
            let _ = writeln!(
                b,
                "</tbody></table></div>\n<p class=\"csv\">Source: {}</p>",
                escape(&t.source)
            );
        }
    }
    page("Transit power", &subtitle(report), "/transit", &b)
}

/// The yearly simulation's fan charts and the rolling backtest table.
pub fn simulation(report: &RunReport, tables: &[DataTable]) -> String {
    simulation_in(report, tables, None)
}

/// The years the simulation covers.
pub fn simulation_years(report: &RunReport) -> Option<(i32, i32)> {
    let sim = report.simulation.as_ref()?;
    Some((*sim.years.first()?, *sim.years.last()?))
}

/// The simulation page, its fans restricted to `range` when given.
pub fn simulation_in(report: &RunReport, tables: &[DataTable], range: Option<YearRange>) -> String {
    let mut b = String::new();
    match &report.simulation {
        None => b.push_str(
            "<p class=\"note\" id=\"no-simulation\">The yearly simulation was not computed for this dashboard (start it with <code>--sim-runs N</code>).</p>\n",
        ),
        Some(sim) => {
            let _ = writeln!(
                b,
                "<p>The essay's thesis as a yearly stepper ({}-{}): timeline shocks and the scenario's declared links move the indicators and positions; each year the expected utility model forecasts every issue. Bands hold 90% of {} Monte Carlo runs (seed {}); the dashed line is the central run.</p>",
                sim.years.first().copied().unwrap_or_default(),
                sim.years.last().copied().unwrap_or_default(),
                sim.runs,
                sim.seed
            );
            if let Some(available) = simulation_years(report) {
                b.push_str(&years::form("/simulation", available, range));
            }
            b.push_str("<div class=\"panels\">\n");
            for c in vega::simulation_panels(report) {
                ranged_chart(&mut b, &c, "h3", range);
            }
            b.push_str("</div>\n");
            b.push_str("<h2 id=\"backtest\">Backtest</h2>\n<p>From the data up to each cutoff, simulated forward and scored against what happened, beside the status quo and the compromise model on the cutoff positions.</p>\n");
            if !report.backtest.is_empty() {
                html::vchart(
                    &mut b,
                    &vega::backtest_skill(&report.backtest, &report.scenario.id, false),
                    "h3",
                );
            }
            for name in ["backtest_summary", "backtest"] {
                if let Some(t) = find(tables, name) {
                    html::table(&mut b, t);
                }
            }
        }
    }
    page("Simulation", &subtitle(report), "/simulation", &b)
}

pub async fn simulation_handler(
    State(state): State<AppState>,
    query: Result<crate::query::StrictQuery, ApiError>,
) -> Response {
    let report = &state.0.report;
    match year_range(query, simulation_years(report)) {
        Err(e) => e.into_page(),
        Ok(None) => cached(&state.0.cache.simulation),
        Ok(Some(range)) => {
            let tables = orbit_report::tables::all(report);
            Html(simulation_in(report, &tables, Some(range))).into_response()
        }
    }
}

pub async fn transit_handler(State(state): State<AppState>) -> Response {
    cached(&state.0.cache.transit)
}

// ---------------------------------------------------------------------------------------
// Forecasts

pub fn issue(report: &RunReport, f: &IssueForecast) -> String {
    let mut b = String::new();
    // The issue switcher: one link per issue, the URL names the issue (bookmarkable).
    b.push_str("<nav class=\"switcher\" aria-label=\"issues\"><span>Issue:</span>");
    for i in &report.issues {
        let current = if i.id == f.issue {
            " aria-current=\"page\""
        } else {
            ""
        };
        let _ = write!(
            b,
            "<a href=\"/forecast/{}\"{current}>{}</a>",
            escape(&i.id),
            escape(&i.name)
        );
    }
    b.push_str("</nav>\n");
    if let Some(s) = report.issue(&f.issue) {
        let _ = writeln!(
            b,
            "<p>Scale {}–{}: {} = {}; {} = {}. Status quo {} (as of {}). Source: {}.</p>",
            s.scale[0],
            s.scale[1],
            s.scale[0],
            escape(&s.scale_labels[0]),
            s.scale[1],
            escape(&s.scale_labels[1]),
            s.status_quo,
            escape(&s.as_of),
            escape(&s.source),
        );
    }
    forecast_summary(&mut b, f, report.issue(&f.issue));
    html::vchart(
        &mut b,
        &vega::issue_detail(
            f,
            report.issue(&f.issue),
            &report.backtest,
            &report.scenario.id,
        ),
        "h2",
    );
    issue_charts(&mut b, &vega::issue_extras(report, f), &f.issue);
    rounds_table(&mut b, f);
    let _ = writeln!(
        b,
        "<p class=\"csv\">JSON: <a href=\"/api/forecast/{0}\">/api/forecast/{0}</a></p>",
        escape(&f.issue)
    );
    page(
        f.name.as_deref().unwrap_or(&f.issue),
        &format!("forecast of issue {} · {}", f.issue, subtitle(report)),
        "/forecast",
        &b,
    )
}

/// The rounds chart and the Monte Carlo panels of an issue.
fn issue_charts(b: &mut String, charts: &[vega::VegaChart], issue: &str) {
    if let Some(c) = charts.iter().find(|c| c.name.starts_with("eum_rounds_")) {
        html::vchart(b, c, "h2");
    }
    orbit_report::html::push_monte_carlo(b, charts, issue, "/charts/");
}

/// Every model's forecast, with the Monte Carlo median, interval and shape (its modes: a
/// mean alone would misdescribe a bimodal distribution) where there is one.
fn forecast_summary(
    b: &mut String,
    f: &IssueForecast,
    issue: Option<&orbit_report::data::IssueSummary>,
) {
    let (lo, hi) = vega_issue::issue_scale(f, issue);
    b.push_str("<div class=\"table-wrap\"><table data-table=\"forecast-summary\" id=\"forecast-summary\"><thead><tr><th>model</th><th>forecast</th><th>median of draws</th><th>5%</th><th>95%</th><th>shape of the draws</th></tr></thead><tbody>\n");
    for (model, value) in f.forecasts() {
        let mc = f
            .monte_carlo
            .as_ref()
            .and_then(|mc| mc.models.iter().find(|d| d.model == model));
        let cell = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.2}"));
        let _ = writeln!(
            b,
            "<tr data-model=\"{}\"><td>{}</td><td class=\"num\">{:.2}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"shape\">{}</td></tr>",
            model.as_str(),
            vega_issue::model_label(model),
            value,
            cell(mc.map(|d| d.p50)),
            cell(mc.map(|d| d.p5)),
            cell(mc.map(|d| d.p95)),
            escape(&mc.map_or("-".to_string(), |d| vega_issue::shape(d, lo, hi))),
        );
    }
    b.push_str("</tbody></table></div>\n");
}

fn rounds_table(b: &mut String, f: &IssueForecast) {
    let Some(eum) = &f.eum else { return };
    let _ = write!(
        b,
        "<details><summary>Expected utility model: positions by round ({})</summary><div class=\"table-wrap\"><table data-table=\"eum-rounds\"><thead><tr><th>round</th>",
        orbit_scenario::counted(eum.rounds.len().saturating_sub(1), "round", "rounds")
    );
    for a in &eum.actors {
        let _ = write!(b, "<th>{}</th>", escape(a));
    }
    b.push_str("<th>median</th></tr></thead><tbody>");
    for r in &eum.rounds {
        let _ = write!(b, "<tr><td class=\"num\">{}</td>", r.round);
        for p in &r.positions {
            let _ = write!(b, "<td class=\"num\">{p:.2}</td>");
        }
        let _ = write!(b, "<td class=\"num\">{:.2}</td></tr>", r.median);
    }
    b.push_str("</tbody></table></div></details>\n");
}

pub async fn issue_handler(
    State(state): State<AppState>,
    issue: Result<Path<String>, PathRejection>,
) -> Response {
    let Ok(Path(issue)) = issue else {
        return ApiError::bad_request("invalid issue").into_page();
    };
    match state
        .0
        .cache
        .issue_pages
        .iter()
        .find(|(id, _)| *id == issue)
    {
        Some((_, body)) => cached(body),
        None => api::unknown_issue(&state, &issue).into_page(),
    }
}

/// The form's first table: the scenario's first issue (a Union State issue in the built-in
/// scenario), its actors as the scenario codes them.
struct FormExample {
    name: String,
    csv: String,
    status_quo: String,
}

fn scenario_example(report: &RunReport) -> Option<FormExample> {
    let f = report.forecasts.first()?;
    let mut csv = String::from("Actor,Capability,Position,Salience\n");
    for a in &f.actors {
        let _ = writeln!(
            csv,
            "{},{},{},{}",
            a.name, a.capability, a.position, a.salience
        );
    }
    Some(FormExample {
        name: f.issue.clone(),
        csv,
        status_quo: f.status_quo.map_or(String::new(), |v| v.to_string()),
    })
}

/// The example in the form when the scenario has no issue: Bueno de Mesquita (1994)'s EC
/// emissions issue, as reproduced in
/// Scholz, Calbert & Smith (2011), Table 1.
const EXAMPLE_TABLE: &str = "Actor,Capability,Position,Salience
Netherlands,0.08,4,0.8
Belgium,0.08,7,0.4
Luxembourg,0.03,4,0.2
Germany,0.16,4,0.8
France,0.16,10,0.6
Italy,0.16,10,0.6
UK,0.16,10,0.9
Ireland,0.05,7,0.1
Denmark,0.05,4,1.0
Greece,0.08,7,0.7
";

/// What the form shows: the submitted values, an error, or a result.
#[derive(Debug, Default)]
pub struct FormState {
    pub fields: Vec<(String, String)>,
    pub error: Option<ApiError>,
    pub result: Option<String>,
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

pub fn forecast_index(
    report: &RunReport,
    tables: &[DataTable],
    limits: &crate::Limits,
    form: Option<&FormState>,
) -> String {
    let fields: &[(String, String)] = form.map_or(&[], |f| &f.fields);
    let get = |name: &str, default: &str| escape(field(fields, name).unwrap_or(default));
    let mut b = String::new();
    if form.is_none() {
        b.push_str(
            "<section id=\"issues\">\n<h2>The scenario's issues</h2>\n<ul class=\"issues\">",
        );
        for i in &report.issues {
            let _ = write!(
                b,
                "<li><a href=\"/forecast/{}\">{}</a> (as of {})</li>",
                escape(&i.id),
                escape(&i.name),
                escape(&i.as_of)
            );
        }
        b.push_str("</ul>\n");
        if !report.forecasts.is_empty() {
            html::vchart(
                &mut b,
                &vega::issue_dots(
                    &report.forecasts,
                    &report.issues,
                    &report.backtest,
                    &report.scenario.id,
                    false,
                ),
                "h3",
            );
        }
        if let Some(t) = find(tables, "forecasts") {
            html::table(&mut b, t);
        }
        b.push_str("</section>\n");
    }
    let example = scenario_example(report);
    if let Some(f) = form {
        if let Some(e) = &f.error {
            let _ = write!(
                b,
                "<section class=\"error\" id=\"error\"><p class=\"message\">{}</p>",
                escape(&e.error)
            );
            if let Some(h) = &e.hint {
                let _ = write!(b, "<p class=\"hint\">hint: {}</p>", escape(h));
            }
            if e.problems.len() > 1 {
                b.push_str("<ul>");
                for p in &e.problems {
                    let _ = write!(
                        b,
                        "<li>line {}{}: {}</li>",
                        p.line,
                        p.column
                            .as_deref()
                            .map_or(String::new(), |c| format!(", column {}", escape(c))),
                        escape(&p.message)
                    );
                }
                b.push_str("</ul>");
            }
            b.push_str("</section>\n");
        }
        if let Some(r) = &f.result {
            b.push_str(r);
        }
    }
    let select = |name: &str, options: &[&str], default: &str| {
        let current = field(fields, name).unwrap_or(default);
        let mut s = format!("<select name=\"{name}\">");
        for o in options {
            let selected = if *o == current { " selected" } else { "" };
            let _ = write!(s, "<option{selected}>{o}</option>");
        }
        s.push_str("</select>");
        s
    };
    let _ = write!(
        b,
        "<section id=\"run\">\n<h2>Forecast an actor table</h2>\n\
         <p>Paste a KTAB-style actor table (CSV with the header <code>Actor,Capability,Position,Salience</code>; the same as <code>orbit forecast --actors FILE</code> and <code>POST /api/forecast</code>). \
         At most {} actors, {} rounds and {} Monte Carlo draws.</p>\n\
         <form id=\"forecast-form\" method=\"post\" action=\"/forecast\">\n\
         <label class=\"wide\">Actor table<br><textarea name=\"csv\" rows=\"12\" cols=\"60\" spellcheck=\"false\">{}</textarea></label>\n\
         <div class=\"filter\">\
         <label>Name <input name=\"name\" value=\"{}\" size=\"14\"></label>\n\
         <label>Model {}</label>\n<label>Variant {}</label>\n\
         <label>Rounds <input name=\"rounds\" value=\"{}\" size=\"4\" inputmode=\"numeric\"></label>\n\
         <label>Monte Carlo draws <input name=\"runs\" value=\"{}\" size=\"6\" inputmode=\"numeric\"></label>\n\
         <label>Seed <input name=\"seed\" value=\"{}\" size=\"6\" inputmode=\"numeric\"></label>\n\
         <label>Status quo <input name=\"status_quo\" value=\"{}\" size=\"6\"></label>\n\
         <label><input type=\"checkbox\" name=\"salience_percent\" value=\"true\"{}> saliences in percent</label>\n\
         <button type=\"submit\">Run the models</button></div>\n</form>\n</section>\n",
        limits.actors,
        limits.rounds,
        limits.draws,
        get(
            "csv",
            example.as_ref().map_or(EXAMPLE_TABLE, |e| e.csv.as_str())
        ),
        get(
            "name",
            example.as_ref().map_or("ec_emissions", |e| e.name.as_str())
        ),
        select(
            "model",
            &["all", "eum", "compromise", "median", "nbs"],
            "all"
        ),
        select("variant", &["bdm", "scholz2011"], "bdm"),
        get("rounds", ""),
        get("runs", "200"),
        get("seed", "1"),
        get(
            "status_quo",
            example.as_ref().map_or("4", |e| e.status_quo.as_str())
        ),
        if field(fields, "salience_percent").is_some() {
            " checked"
        } else {
            ""
        },
    );
    page(
        "Forecasts",
        &format!(
            "bargaining forecasts: expected utility model and baselines · {}",
            subtitle(report)
        ),
        "/forecast",
        &b,
    )
}

pub async fn forecast_index_handler(State(state): State<AppState>) -> Response {
    cached(&state.0.cache.forecast_index)
}

/// The result of a posted table: summary, charts, rounds.
fn posted_result(f: &IssueForecast) -> String {
    let mut b = format!(
        "<section id=\"result\">\n<h2>Forecast of <code>{}</code> ({} actors)</h2>\n",
        escape(&f.issue),
        f.actors.len()
    );
    forecast_summary(&mut b, f, None);
    let scenario = "posted actor table";
    let mut detail = vega::issue_detail(f, None, &[], scenario);
    detail.name = "forecasts_result".into();
    html::vchart(&mut b, &detail, "h3");
    let mut extras: Vec<vega::VegaChart> = vega_issue::eum_rounds(f, None, scenario, &f.issue)
        .into_iter()
        .collect();
    extras.extend(vega_issue::monte_carlo(f, None, scenario, &f.issue));
    // Posted results are not among the server's /charts/ files: the page script points the
    // download links at the inline data.
    for c in &mut extras {
        c.name = c.name.replacen(&file_stem(&f.issue), "result", 1);
    }
    issue_charts(&mut b, &extras, &f.issue);
    rounds_table(&mut b, f);
    b.push_str("</section>\n");
    b
}

pub async fn forecast_form_handler(
    State(state): State<AppState>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let fields = match form {
        Ok(Form(fields)) => fields,
        Err(e) => {
            let error = if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                api::too_large()
            } else {
                ApiError::bad_request(format!("cannot read the form: {}", e.body_text()))
            };
            return error.into_page();
        }
    };
    let csv = field(&fields, "csv").unwrap_or_default().to_string();
    let params = Params::new(fields.iter().filter(|(k, _)| k != "csv").cloned().collect());
    let outcome = match params
        .only(params::FORECAST_PARAMS)
        .and_then(|()| params::forecast_request(&params, &csv, "form", &state.0.limits))
    {
        Ok(request) => api::run_forecast(&state, request).await,
        Err(e) => Err(e),
    };
    let (status, form) = match outcome {
        Ok(f) => (
            StatusCode::OK,
            FormState {
                fields,
                error: None,
                result: Some(posted_result(&f)),
            },
        ),
        Err(e) => (
            e.status,
            FormState {
                fields,
                error: Some(e),
                result: None,
            },
        ),
    };
    let mut response = Html(forecast_index(
        &state.0.report,
        &[],
        &state.0.limits,
        Some(&form),
    ))
    .into_response();
    *response.status_mut() = status;
    response
}
