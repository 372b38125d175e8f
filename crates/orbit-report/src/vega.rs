//! Charts as Vega-Lite v5 specifications (<https://vega.github.io/vega-lite/>), one per chart,
//! data inline, built with `serde_json` from plain result structs; the report and the dashboard
//! render them with the vendored vega, vega-lite and vega-embed (`assets/vendor/`).
//!
//! Each chart function takes the results it draws (a [`DependenceProfile`], a
//! [`TransitReport`], a [`SimulationResult`], backtests, forecasts), not the whole report,
//! so the report can switch its input without touching the charts. Rules every spec follows
//! (checked by this crate's tests and by the browser test):
//! - no text under 12 px ([`config`]); every axis has a title with its unit;
//! - colour-blind-safe colours (Okabe & Ito 2008, "Color universal design"), one legend per
//!   meaning, greys for context;
//! - missing is missing: a line joins only consecutive years with data (field `run`), a
//!   year without data has no mark, and nothing absent becomes 0;
//! - every mark has a tooltip with its value and source.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use orbit_models::backtest::{Backtest, QuestionKind};
use orbit_models::dependence::{
    DependenceProfile, Estimate, FigureCheck, PartnerShare, Provenance,
};
use orbit_models::forecast::{IssueForecast, Model};
use orbit_models::series::SeriesId;
use orbit_models::simulation::SimulationResult;
use orbit_models::transit::TransitReport;
use orbit_scenario::{ActorId, Commodity, TradeFlow, Variable};
use rayon::prelude::*;
use serde_json::{Map, Value, json};

use crate::data::{IssueSummary, RunReport};

/// The vendored libraries, in load order, with the trailing source-map comment dropped (the
/// maps are not vendored; a browser would otherwise ask for them).
pub const SCRIPTS: [(&str, &str); 4] = [
    ("vega.min.js", include_str!("../assets/vendor/vega.min.js")),
    (
        "vega-lite.min.js",
        include_str!("../assets/vendor/vega-lite.min.js"),
    ),
    (
        "vega-interpreter.min.js",
        include_str!("../assets/vendor/vega-interpreter.min.js"),
    ),
    (
        "vega-embed.min.js",
        include_str!("../assets/vendor/vega-embed.min.js"),
    ),
];

/// The page script that embeds every chart of a page and wires its downloads.
pub const CHARTS_JS: &str = include_str!("../assets/orbit-charts.js");

/// A vendored script without its `//# sourceMappingURL=` line.
pub fn script_body(source: &str) -> &str {
    match source.rfind("\n//# sourceMappingURL=") {
        Some(i) => &source[..i],
        None => source,
    }
}

/// Okabe–Ito colours.
pub const BLUE: &str = "#0072B2";
pub const VERMILLION: &str = "#D55E00";
pub const GREEN: &str = "#009E73";
pub const ORANGE: &str = "#E69F00";
pub const PURPLE: &str = "#CC79A7";
pub const SKY: &str = "#56B4E9";
pub const GREY: &str = "#7a7a7a";
pub const LIGHT_GREY: &str = "#b8b8b8";

/// One chart: its name (file stem and HTML id), title, source line and spec.
#[derive(Debug, Clone, PartialEq)]
pub struct VegaChart {
    pub name: String,
    pub title: String,
    pub source: String,
    pub spec: Value,
}

impl VegaChart {
    pub(crate) fn new(
        name: impl Into<String>,
        title: impl Into<String>,
        source: String,
        spec: Value,
    ) -> Self {
        let title = title.into();
        let mut spec = spec;
        if let Some(obj) = spec.as_object_mut() {
            obj.insert("description".into(), json!(format!("{title}. {source}")));
        }
        VegaChart {
            name: name.into(),
            title,
            source,
            spec,
        }
    }

    /// Adds the full list of sources to the spec's description (the caption stays short).
    fn with_sources(mut self, sources: &str) -> Self {
        if let Some(obj) = self.spec.as_object_mut() {
            obj.insert(
                "description".into(),
                json!(format!(
                    "{}. {} Sources: {sources}",
                    self.title, self.source
                )),
            );
        }
        self
    }

    /// The source line as a caption: at most 320 characters; the spec's description and the
    /// CSV keep every source.
    pub fn caption(&self) -> String {
        if self.source.chars().count() <= 320 {
            return self.source.clone();
        }
        let cut: String = self.source.chars().take(300).collect();
        format!("{cut}… (every source is in the data and the spec)")
    }

    /// The rows drawn (the spec's inline `data.values`).
    pub fn rows(&self) -> &[Value] {
        self.spec["data"]["values"]
            .as_array()
            .map_or(&[], Vec::as_slice)
    }

    /// The rows as CSV: one column per field in alphabetical order (the same whether or not
    /// serde_json keeps insertion order in this build), empty for a missing value.
    pub fn to_csv(&self) -> String {
        let rows = self.rows();
        let mut columns: Vec<&str> = Vec::new();
        for row in rows {
            if let Some(obj) = row.as_object() {
                for key in obj.keys() {
                    if !columns.contains(&key.as_str()) {
                        columns.push(key);
                    }
                }
            }
        }
        columns.sort_unstable();
        let mut writer = csv::Writer::from_writer(Vec::new());
        let _ = writer.write_record(&columns);
        for row in rows {
            let record: Vec<String> = columns
                .iter()
                .map(|c| match &row[*c] {
                    Value::Null => String::new(),
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect();
            let _ = writer.write_record(&record);
        }
        let bytes = writer.into_inner().unwrap_or_default();
        String::from_utf8(bytes).unwrap_or_default()
    }

    /// The spec as pretty JSON with a final newline (what the JSON download returns).
    pub fn spec_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(&self.spec).unwrap_or_default();
        s.push('\n');
        s
    }

    /// The spec for a `<script type="application/json">` element: every `<` escaped as
    /// `\u003c` (still the same JSON) so no text in it can close the element.
    pub fn spec_for_html(&self) -> String {
        serde_json::to_string(&self.spec)
            .unwrap_or_default()
            .replace('<', "\\u003c")
    }
}

/// Text sizes, fonts and view settings shared by every spec: nothing under 12 px.
pub fn config() -> Value {
    json!({
        "font": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
        "axis": {"labelFontSize": 12, "titleFontSize": 13, "labelColor": "#333", "titleColor": "#333", "titleFontWeight": "normal"},
        "legend": {"labelFontSize": 12, "titleFontSize": 13, "orient": "bottom", "direction": "horizontal", "columns": 2, "labelLimit": 260, "symbolStrokeWidth": 2},
        "header": {"labelFontSize": 13, "titleFontSize": 13},
        "text": {"fontSize": 12},
        "title": {"fontSize": 14, "anchor": "start"},
        "view": {"stroke": null},
        "point": {"size": 50},
        "line": {"strokeWidth": 2}
    })
}

/// A spec as wide as its container with `height` pixels of plot, `rows` inline, and the
/// keys of `body` (mark, encoding, layer...).
pub(crate) fn spec(height: u32, rows: Vec<Value>, body: Value) -> Value {
    let mut out = Map::new();
    out.insert(
        "$schema".into(),
        json!("https://vega.github.io/schema/vega-lite/v5.json"),
    );
    out.insert("width".into(), json!("container"));
    out.insert("height".into(), json!(height));
    out.insert(
        "autosize".into(),
        json!({"type": "fit-x", "contains": "padding"}),
    );
    let mut body = body;
    // A layer whose rows are all missing is dropped: it would draw nothing and give vega an
    // empty extent to warn about.
    if let Some(layers) = body.get_mut("layer").and_then(Value::as_array_mut) {
        layers.retain(|layer| {
            let wanted = &layer["transform"][0]["filter"];
            wanted["field"] != "layer" || rows.iter().any(|r| r["layer"] == wanted["equal"])
        });
    }
    out.insert("data".into(), json!({ "values": rows }));
    out.insert("config".into(), config());
    if let Value::Object(b) = body {
        out.extend(b);
    }
    Value::Object(out)
}

/// Keeps the rows of one layer.
pub(crate) fn only(layer: &str) -> Value {
    json!([{"filter": {"field": "layer", "equal": layer}}])
}

/// The source of a provenance, for tooltips.
pub(crate) fn provenance_source(p: &Provenance) -> String {
    match p {
        Provenance::Sourced { source } => source.clone(),
        Provenance::Derived { formula, sources } => {
            format!("derived: {formula} from {}", sources.join("; "))
        }
    }
}

/// `name#k` for each run of consecutive years: lines join only years one apart, so a gap in
/// the data stays a gap.
fn run_ids(name: &str, years: &[i32]) -> Vec<String> {
    let mut out = Vec::with_capacity(years.len());
    let mut run = 0;
    for (i, y) in years.iter().enumerate() {
        if i > 0 && y - years[i - 1] > 1 {
            run += 1;
        }
        out.push(format!("{name}#{run}"));
    }
    out
}

/// An x axis of years.
fn year_x(field: &str) -> Value {
    json!({"field": field, "type": "quantitative", "title": "year",
           "axis": {"format": "d", "tickMinStep": 1, "labelOverlap": true},
           "scale": {"zero": false, "nice": false}})
}

// ---------------------------------------------------------------------------------------
// Dependence.

/// The trade series of the long-run chart: (label, partner, flow, colour, dashed).
fn trade_series(patron: &str) -> Vec<(String, String, &'static str, &'static str, bool)> {
    let patron_name = if patron == "RUS" { "Russia" } else { patron };
    vec![
        (
            format!("{patron_name}: exports"),
            patron.to_string(),
            "exports",
            BLUE,
            false,
        ),
        (
            format!("{patron_name}: imports"),
            patron.to_string(),
            "imports",
            VERMILLION,
            false,
        ),
        (
            format!("{patron_name}: turnover"),
            patron.to_string(),
            "turnover",
            GREEN,
            false,
        ),
        ("EU: exports".into(), "EU".into(), "exports", GREY, true),
        (
            "EU: imports".into(),
            "EU".into(),
            "imports",
            LIGHT_GREY,
            true,
        ),
    ]
}

fn flow_shares<'a>(
    y: &'a orbit_models::dependence::YearDependence,
    flow: &str,
) -> &'a [PartnerShare] {
    match flow {
        "exports" => &y.export_shares,
        "imports" => &y.import_shares,
        _ => &y.turnover_shares,
    }
}

/// The patron's (and the EU's) share of the focus actor's exports, imports and turnover by
/// year. Aggregates that contain the patron (the CIS) are left out: set beside Russia they
/// would count it twice. The narrative's trade figures are drawn as labelled rules.
pub fn trade_shares(
    profile: &DependenceProfile,
    checks: &[FigureCheck],
    scenario: &str,
    compact: bool,
) -> VegaChart {
    let series = trade_series(&profile.patron);
    let mut rows = Vec::new();
    let mut sources = Vec::new();
    for (label, partner, flow, _, _) in &series {
        let points: Vec<(i32, &PartnerShare)> = profile
            .years
            .iter()
            .filter_map(|y| {
                flow_shares(y, flow)
                    .iter()
                    .find(|s| &s.partner == partner)
                    .map(|s| (y.year, s))
            })
            .filter(|(_, s)| s.share.is_finite())
            .collect();
        let years: Vec<i32> = points.iter().map(|p| p.0).collect();
        for ((year, s), run) in points.iter().zip(run_ids(label, &years)) {
            let source = provenance_source(&s.provenance);
            if !sources.contains(&source) {
                sources.push(source.clone());
            }
            rows.push(
                json!({"layer": "share", "series": label, "partner": partner, "flow": flow,
                             "year": year, "share": s.share, "run": run, "source": source}),
            );
        }
    }
    let trade_checks: Vec<&FigureCheck> = checks
        .iter()
        .filter(|c| c.measure.contains("exports") || c.measure.contains("imports"))
        .collect();
    if !compact {
        for c in &trade_checks {
            rows.push(json!({"layer": "figure", "share": c.figure,
                "label": format!("narrative P{}: {:.0}% ({})", c.paragraph, 100.0 * c.figure, c.verdict.as_str()),
                "measure": c.measure, "claim": c.claim}));
        }
    }
    let domain: Vec<&str> = series.iter().map(|s| s.0.as_str()).collect();
    let range: Vec<&str> = series.iter().map(|s| s.3).collect();
    let dashes: Vec<Value> = series
        .iter()
        .map(|s| if s.4 { json!([5, 3]) } else { json!([1, 0]) })
        .collect();
    let colour = json!({"field": "series", "type": "nominal", "title": null,
        "scale": {"domain": domain, "range": range},
        "legend": if compact { Value::Null } else { json!({"columns": 3}) }});
    let dash = json!({"field": "series", "type": "nominal", "scale": {"domain": domain, "range": dashes}, "legend": null});
    let y = json!({"field": "share", "type": "quantitative", "title": if compact { "share of trade (%)" } else { "share of Belarus's goods trade (%)" },
                   "axis": {"format": ".0%"}, "scale": {"domain": [0, 1]}});
    let tooltip = json!([{"field": "series"}, {"field": "year", "format": "d"},
                         {"field": "share", "format": ".1%"}, {"field": "source"}]);
    let mut layers = vec![
        json!({"transform": only("share"), "mark": {"type": "line"},
               "encoding": {"x": year_x("year"), "y": y, "color": colour, "strokeDash": dash, "detail": {"field": "run"}}}),
        json!({"transform": only("share"), "mark": {"type": "point", "filled": true, "size": if compact { 30 } else { 60 }},
               "encoding": {"x": year_x("year"), "y": y, "color": colour, "tooltip": tooltip}}),
    ];
    if !compact && !trade_checks.is_empty() {
        layers.push(json!({"transform": only("figure"), "mark": {"type": "rule", "strokeDash": [2, 2], "color": "#333"},
            "encoding": {"y": {"field": "share", "type": "quantitative"}, "tooltip": [{"field": "label"}, {"field": "measure"}]}}));
        layers.push(json!({"transform": only("figure"), "mark": {"type": "text", "align": "left", "dy": -8, "color": "#333", "fontSize": 12},
            "encoding": {"y": {"field": "share", "type": "quantitative"}, "x": {"value": 6}, "text": {"field": "label"}}}));
    }
    let title = format!(
        "Share of {} and the EU in Belarus's exports, imports and turnover",
        if profile.patron == "RUS" {
            "Russia"
        } else {
            &profile.patron
        }
    );
    let source = format!(
        "Source: scenario {scenario}; {}. The CIS total is left out: it contains Russia.",
        if sources.is_empty() {
            "no trade shares".to_string()
        } else {
            sources.join("; ")
        }
    );
    VegaChart::new(
        if compact {
            "headline_trade"
        } else {
            "trade_shares"
        },
        title,
        source,
        spec(
            if compact { 120 } else { 300 },
            rows,
            json!({ "layer": layers }),
        ),
    )
}

/// Whether an estimate is of all Russian support rather than the energy subsidy alone (its
/// note or source says "total"): such estimates are drawn as their own kind.
fn is_total_support(note: Option<&str>, source: &str) -> bool {
    let text = format!("{} {source}", note.unwrap_or("")).to_lowercase();
    text.contains("total")
}

/// The energy subsidy by year: computed values (reference minus paid price, times volume,
/// over GDP) as points, published estimates of the energy subsidy as bars over their years,
/// and the narrative's figure as a dashed rule drawn *under* the bars (so it never hides
/// one). Estimates of all Russian support are not energy subsidies: they get their own
/// chart and axis ([`total_support`]).
pub fn energy_subsidy(
    profile: &DependenceProfile,
    checks: &[FigureCheck],
    scenario: &str,
    compact: bool,
) -> VegaChart {
    let mut rows = Vec::new();
    for y in &profile.years {
        for s in &y.energy_subsidy {
            if !s.share_of_gdp.is_finite() {
                continue;
            }
            rows.push(
                json!({"layer": "computed", "year": y.year, "end": y.year, "share": s.share_of_gdp,
                "kind": format!("computed: {} subsidy", s.commodity), "exporter": s.exporter,
                "source": provenance_source(&s.provenance)}),
            );
        }
    }
    if !compact {
        for e in &profile.subsidy_estimates {
            if is_total_support(e.note.as_deref(), &e.source) || !e.value.is_finite() {
                continue;
            }
            rows.push(json!({"layer": "estimate", "year": e.years.first, "end": e.years.last, "share": e.value,
                "kind": "estimate: energy subsidy", "note": e.note, "source": e.source,
                "years": e.years.to_string()}));
        }
        for c in checks.iter().filter(|c| c.measure.contains("subsidy")) {
            rows.push(json!({"layer": "figure", "share": c.figure,
                "label": format!("narrative P{}: {:.0}% ({})", c.paragraph, 100.0 * c.figure, c.verdict.as_str()),
                "measure": c.measure, "claim": c.claim}));
        }
    }
    let kinds = [
        ("computed: gas subsidy", BLUE),
        ("computed: oil subsidy", SKY),
        ("estimate: energy subsidy", ORANGE),
    ];
    let colour = json!({"field": "kind", "type": "nominal", "title": null,
        "scale": {"domain": kinds.iter().map(|k| k.0).collect::<Vec<_>>(), "range": kinds.iter().map(|k| k.1).collect::<Vec<_>>()},
        "legend": if compact { Value::Null } else { json!({"columns": 3}) }});
    let y = json!({"field": "share", "type": "quantitative", "title": if compact { "% of GDP" } else { "energy subsidy, share of Belarus's GDP (%)" }, "axis": {"format": ".0%"}});
    let estimate_tooltip = json!([{"field": "kind"}, {"field": "years"}, {"field": "share", "format": ".1%"}, {"field": "note"}, {"field": "source"}]);
    // Layer order is drawing order: the narrative's rule first, under every bar and point.
    let layers = json!([
        {"transform": only("figure"), "mark": {"type": "rule", "strokeDash": [2, 3], "color": "#555", "strokeWidth": 1},
         "encoding": {"y": {"field": "share", "type": "quantitative"}, "tooltip": [{"field": "label"}, {"field": "claim"}]}},
        {"transform": only("figure"), "mark": {"type": "text", "align": "right", "baseline": "bottom", "dy": -7, "color": "#333", "fontSize": 12},
         "encoding": {"y": {"field": "share", "type": "quantitative"}, "x": {"value": {"expr": "width"}}, "text": {"field": "label"}}},
        {"transform": only("estimate"), "mark": {"type": "rule", "strokeWidth": 7, "opacity": 0.9, "strokeCap": "butt"},
         "encoding": {"x": year_x("year"), "x2": {"field": "end"}, "y": y, "color": colour, "tooltip": estimate_tooltip}},
        {"transform": only("estimate"), "mark": {"type": "point", "filled": true, "shape": "square", "size": 40},
         "encoding": {"x": year_x("year"), "y": y, "color": colour, "tooltip": estimate_tooltip}},
        {"transform": only("computed"), "mark": {"type": "point", "filled": true, "size": if compact { 50 } else { 90 }},
         "encoding": {"x": year_x("year"), "y": y, "color": colour,
                      "tooltip": [{"field": "kind"}, {"field": "year", "format": "d"}, {"field": "share", "format": ".1%"}, {"field": "source"}]}}
    ]);
    VegaChart::new(
        if compact {
            "headline_subsidy"
        } else {
            "energy_subsidy"
        },
        "Russian energy subsidy to Belarus, share of GDP, by year and kind of estimate",
        format!(
            "Source: scenario {scenario}; energy prices, volumes and GDP of the scenario; published estimates as given (subsidy_estimates); dashed: the narrative's figure. Estimates of all Russian support (not energy alone) are in their own chart."
        ),
        spec(
            if compact { 120 } else { 280 },
            rows,
            json!({ "layer": layers }),
        ),
    )
}

/// Published estimates of all Russian support to Belarus (energy, loans, trade preferences:
/// the report's `support_estimates`, and any subsidy estimate whose note or source says
/// "total"), on their own axis: a different measure from
/// the energy subsidy, never drawn on its scale. `None` when the scenario has none.
pub fn total_support(
    profile: &DependenceProfile,
    support: &[Estimate],
    scenario: &str,
) -> Option<VegaChart> {
    let flagged = profile
        .subsidy_estimates
        .iter()
        .filter(|e| is_total_support(e.note.as_deref(), &e.source));
    let rows: Vec<Value> = support
        .iter()
        .chain(flagged)
        .filter(|e| e.value.is_finite())
        .map(|e| {
            json!({"layer": "estimate", "year": e.years.first, "end": e.years.last, "share": e.value,
                "kind": "estimate: total Russian support (not energy alone)", "note": e.note, "source": e.source,
                "years": e.years.to_string()})
        })
        .collect();
    if rows.is_empty() {
        return None;
    }
    // The energy subsidy chart's years, so the two charts line up when read together.
    let years = profile
        .years
        .iter()
        .map(|y| y.year)
        .chain(
            profile
                .subsidy_estimates
                .iter()
                .flat_map(|e| [e.years.first, e.years.last]),
        )
        .chain(support.iter().flat_map(|e| [e.years.first, e.years.last]));
    let (first, last) = years.fold((i32::MAX, i32::MIN), |(a, b), y| (a.min(y), b.max(y)));
    let mut x = year_x("year");
    x["scale"]["domain"] = json!([first, last]);
    let y = json!({"field": "share", "type": "quantitative", "title": "all Russian support, share of GDP (%)", "axis": {"format": ".0%"}});
    let tooltip = json!([{"field": "kind"}, {"field": "years"}, {"field": "share", "format": ".1%"}, {"field": "note"}, {"field": "source"}]);
    let layers = json!([
        {"mark": {"type": "rule", "strokeWidth": 7, "opacity": 0.9, "strokeCap": "butt", "color": PURPLE},
         "encoding": {"x": x, "x2": {"field": "end"}, "y": y, "tooltip": tooltip}},
        {"mark": {"type": "point", "filled": true, "shape": "square", "size": 40, "color": PURPLE},
         "encoding": {"x": x, "y": y, "tooltip": tooltip}}
    ]);
    Some(VegaChart::new(
        "total_support",
        "Total Russian support to Belarus (energy, loans, trade preferences), share of GDP: a different measure from the energy subsidy",
        format!(
            "Source: scenario {scenario}; published estimates as given (indicator russian_support_share_gdp, and subsidy estimates whose note or source says \"total\")"
        ),
        spec(160, rows, json!({ "layer": layers })),
    ))
}

// ---------------------------------------------------------------------------------------
// Transit.

/// Shapley shares of every player by epoch as a slope chart, the focus actor highlighted and
/// labelled with its share.
pub fn shapley_epochs(transit: &TransitReport, scenario: &str, compact: bool) -> VegaChart {
    let mut rows = Vec::new();
    for e in &transit.epochs {
        for r in &e.results {
            let role = if r.player == transit.focus {
                "Belarus"
            } else if r.player == transit.supplier {
                "Russia (supplier)"
            } else {
                "other players (hover for the name)"
            };
            rows.push(json!({"epoch": e.year, "player": r.player, "share": r.shapley_share, "role": role,
                "label": if r.player == transit.focus { format!("{:.1}%", 100.0 * r.shapley_share) } else { String::new() }}));
        }
    }
    let colour = json!({"field": "role", "type": "nominal", "title": null,
        "scale": {"domain": ["Belarus", "Russia (supplier)", "other players (hover for the name)"], "range": [VERMILLION, BLUE, LIGHT_GREY]},
        "legend": if compact { Value::Null } else { json!({"columns": 3}) }});
    let x = json!({"field": "epoch", "type": "ordinal", "title": if compact { "year" } else { "network as it stood at the end of" }, "axis": {"labelAngle": 0}});
    let y = json!({"field": "share", "type": "quantitative", "title": if compact { "Shapley share (%)" } else { "Shapley share of the transit game (%)" }, "axis": {"format": ".0%"}});
    let tooltip =
        json!([{"field": "player"}, {"field": "epoch"}, {"field": "share", "format": ".1%"}]);
    let layers = json!([
        {"mark": {"type": "line"}, "encoding": {"x": x, "y": y, "color": colour, "detail": {"field": "player"},
            "strokeWidth": {"condition": {"test": {"field": "role", "equal": "Belarus"}, "value": 4}, "value": 1.5}}},
        {"mark": {"type": "point", "filled": true, "size": 60}, "encoding": {"x": x, "y": y, "color": colour, "tooltip": tooltip}},
        {"transform": [{"filter": {"field": "role", "equal": "Belarus"}}],
         "mark": {"type": "text", "dy": -12, "fontWeight": "bold", "fontSize": 13, "color": VERMILLION},
         "encoding": {"x": x, "y": y, "text": {"field": "label"}, "tooltip": tooltip}}
    ]);
    VegaChart::new(
        if compact {
            "headline_transit"
        } else {
            "shapley_epochs"
        },
        "Transit power: Shapley shares of the gas network game by epoch, Belarus highlighted",
        format!(
            "Source: scenario {scenario}; pipeline capacities of the scenario; Shapley value of the max-flow network game (Hubert & Ikonnikova 2011)"
        ),
        spec(
            if compact { 120 } else { 280 },
            rows,
            json!({ "layer": layers }),
        ),
    )
}

/// Schematic map positions (longitude, latitude of the capital, roughly) and label
/// placement `(dx, dy, align)` of the transit network's nodes; others go on a row below.
fn node_place(code: &str) -> Option<(f64, f64, i32, i32, &'static str)> {
    Some(match code {
        "RUS" => (39.0, 55.8, 0, -14, "center"),
        "BLR" => (27.6, 53.9, 0, 18, "center"),
        "POL" => (21.0, 52.2, 0, 18, "center"),
        "LTU" => (25.3, 55.5, 0, -14, "center"),
        "LVA" => (24.1, 56.9, 0, -14, "center"),
        "UKR" => (30.5, 50.4, 0, 18, "center"),
        "DEU" => (13.4, 52.5, 0, 18, "center"),
        "TUR" => (32.9, 39.9, 10, 0, "left"),
        "BGR" => (23.3, 42.7, -10, 0, "right"),
        "RUS_KALININGRAD" => (20.5, 54.7, -10, 0, "right"),
        _ => return None,
    })
}

fn node_label(code: &str) -> &str {
    match code {
        "RUS" => "Russia",
        "BLR" => "Belarus",
        "POL" => "Poland",
        "LTU" => "Lithuania",
        "LVA" => "Latvia",
        "UKR" => "Ukraine",
        "DEU" => "Germany",
        "TUR" => "Turkey",
        "BGR" => "Bulgaria",
        "RUS_KALININGRAD" => "Kaliningrad",
        other => other,
    }
}

/// The gas network of one epoch without axes: nodes at schematic map positions, one line per
/// pair of nodes whose width is the summed capacity (bcm/yr), Belarus's pipelines in colour.
pub fn transit_network(transit: &TransitReport, epoch_index: usize, scenario: &str) -> VegaChart {
    let mut rows = Vec::new();
    let max_capacity = transit
        .epochs
        .iter()
        .flat_map(|e| e.network.links.iter().map(|l| l.capacity))
        .fold(0.0_f64, f64::max);
    let Some(e) = transit.epochs.get(epoch_index) else {
        return VegaChart::new(
            format!("transit_network_{epoch_index}"),
            "Transit network",
            format!("Source: scenario {scenario}"),
            spec(60, rows, json!({"mark": "text"})),
        );
    };
    let mut unplaced = 0;
    let mut place = BTreeMap::new();
    for n in &e.network.nodes {
        let p = node_place(&n.id).unwrap_or_else(|| {
            unplaced += 1;
            (10.0 + 4.0 * f64::from(unplaced), 38.0, 0, 16, "center")
        });
        place.insert(n.id.clone(), p);
    }
    // Parallel pipelines between the same nodes are one line of their summed capacity.
    let mut pairs: BTreeMap<(String, String), (f64, Vec<String>, bool)> = BTreeMap::new();
    for l in &e.network.links {
        let owner = l
            .owner
            .and_then(|o| e.network.players.get(o))
            .map_or("", String::as_str);
        let entry = pairs
            .entry((l.from.clone(), l.to.clone()))
            .or_insert((0.0, Vec::new(), false));
        entry.0 += l.capacity;
        entry.1.push(format!("{} bcm/yr", l.capacity));
        entry.2 |= owner == transit.focus || l.from == transit.focus || l.to == transit.focus;
    }
    for ((from, to), (capacity, parts, focus)) in &pairs {
        let (Some(a), Some(b)) = (place.get(from), place.get(to)) else {
            continue;
        };
        rows.push(
            json!({"layer": "link", "x": a.0, "y": a.1, "x2": b.0, "y2": b.1,
            "capacity": capacity, "pipelines": parts.join(" + "),
            "route": format!("{} → {}", node_label(from), node_label(to)),
            "through": if *focus { "through Belarus" } else { "elsewhere" }}),
        );
    }
    for (id, (x, y, dx, dy, align)) in &place {
        let share = e
            .results
            .iter()
            .find(|r| &r.player == id)
            .map(|r| r.shapley_share);
        rows.push(
            json!({"layer": "node", "x": x, "y": y, "node": node_label(id), "code": id,
            "shapley": share, "dx": dx, "dy": dy, "align": align}),
        );
    }
    let hidden =
        json!({"type": "quantitative", "axis": null, "scale": {"zero": false, "domain": [8, 44]}});
    let hidden_y =
        json!({"type": "quantitative", "axis": null, "scale": {"zero": false, "domain": [37, 58]}});
    let with_field = |base: &Value, field: &str| {
        let mut v = base.clone();
        v["field"] = json!(field);
        v
    };
    let mut layers = vec![
        json!({"transform": only("link"), "mark": {"type": "rule", "strokeCap": "round"},
        "encoding": {"x": with_field(&hidden, "x"), "y": with_field(&hidden_y, "y"), "x2": {"field": "x2"}, "y2": {"field": "y2"},
            "strokeWidth": {"field": "capacity", "type": "quantitative", "title": "capacity (bcm/yr)",
                "scale": {"domain": [0, max_capacity.max(1.0)], "range": [1, 16]}, "legend": {"values": [10, 50, 150]}},
            "color": {"field": "through", "type": "nominal", "title": null, "scale": {"domain": ["through Belarus", "elsewhere"], "range": [VERMILLION, LIGHT_GREY]}},
            "tooltip": [{"field": "route"}, {"field": "capacity", "title": "capacity (bcm/yr)"}, {"field": "pipelines"}]}}),
    ];
    layers.push(json!({"transform": only("node"), "mark": {"type": "circle", "size": 70, "color": "#333"},
        "encoding": {"x": with_field(&hidden, "x"), "y": with_field(&hidden_y, "y"),
            "tooltip": [{"field": "node"}, {"field": "shapley", "title": "Shapley share", "format": ".1%"}]}}));
    for align in ["center", "left", "right"] {
        let nodes: Vec<&Value> = rows
            .iter()
            .filter(|r| r["layer"] == "node" && r["align"] == align)
            .collect();
        if nodes.is_empty() {
            continue;
        }
        // dx/dy are mark properties, so each placement is its own layer.
        let mut offsets: Vec<(i64, i64)> = nodes
            .iter()
            .map(|r| (r["dx"].as_i64().unwrap_or(0), r["dy"].as_i64().unwrap_or(0)))
            .collect();
        offsets.sort_unstable();
        offsets.dedup();
        for (dx, dy) in offsets {
            layers.push(json!({"transform": [{"filter": {"field": "layer", "equal": "node"}},
                                              {"filter": {"field": "align", "equal": align}},
                                              {"filter": {"field": "dx", "equal": dx}},
                                              {"filter": {"field": "dy", "equal": dy}}],
                "mark": {"type": "text", "align": align, "baseline": "middle", "dx": dx, "dy": dy, "fontSize": 12},
                "encoding": {"x": with_field(&hidden, "x"), "y": with_field(&hidden_y, "y"), "text": {"field": "node"}}}));
        }
    }
    let focus_share = format!("{:.1}%", 100.0 * e.focus_share);
    let full_sources = provenance_source(&e.provenance);
    VegaChart::new(
        format!("transit_network_{}", e.year),
        format!(
            "Gas network at the end of {}: Belarus's Shapley share {focus_share}",
            e.year
        ),
        format!(
            "Source: scenario {scenario}; pipeline capacities of the scenario, each with its source in the spec's description and in report.json (transit_game.epochs[].provenance)"
        ),
        spec(260, rows, json!({"layer": layers, "resolve": {"legend": {"color": "independent"}}})),
    )
    .with_sources(&full_sources)
}

// ---------------------------------------------------------------------------------------
// Forecasts.

/// What an issue's scale is measured in: USD per 1000 m³ when its end labels say so, else
/// the scale's own range.
pub fn issue_unit(issue: Option<&IssueSummary>) -> String {
    match issue {
        Some(i)
            if i.scale_labels
                .iter()
                .any(|l| l.contains("USD") && l.contains("1000 m3")) =>
        {
            "USD per 1000 m³".into()
        }
        Some(i) => format!(
            "position on the issue's {}–{} scale",
            i.scale[0], i.scale[1]
        ),
        None => "position on the issue's scale".into(),
    }
}

/// The last observed outcome of each issue in the backtests: `(date, value)`.
pub fn outcomes(backtests: &[Backtest]) -> BTreeMap<String, (String, f64)> {
    let mut out: BTreeMap<String, (String, f64)> = BTreeMap::new();
    for bt in backtests {
        for s in &bt.scores {
            if s.kind != QuestionKind::Issue || !s.observed.is_finite() {
                continue;
            }
            let later = out.get(&s.question).is_none_or(|(d, _)| s.date > *d);
            if later {
                out.insert(s.question.clone(), (s.date.clone(), s.observed));
            }
        }
    }
    out
}

/// `model`'s finite forecast of `f`, with its finite 90% Monte Carlo interval when drawn.
fn forecast_and_interval(f: &IssueForecast, model: Model) -> Option<(f64, Option<(f64, f64)>)> {
    let value = f
        .forecasts()
        .into_iter()
        .find(|(m, _)| *m == model)
        .map(|(_, v)| v)
        .filter(|v| v.is_finite())?;
    let interval = f.monte_carlo.as_ref().and_then(|mc| {
        mc.models
            .iter()
            .find(|m| m.model == model)
            .map(|m| (m.p5, m.p95))
            .filter(|(a, b)| a.is_finite() && b.is_finite())
    });
    Some((value, interval))
}

/// Each model with its colour (labels from [`Model::label`]).
pub(crate) const MODELS: [(Model, &str); 4] = [
    (Model::Eum, BLUE),
    (Model::Compromise, ORANGE),
    (Model::Median, GREEN),
    (Model::Nbs, PURPLE),
];

/// One dot plot of every issue: the status quo, each model's forecast with its 90% Monte
/// Carlo interval, and the outcome where a backtest knows it. Positions are shares of each
/// issue's scale so that issues on different scales share one axis; tooltips give the
/// values on the issue's own scale.
pub fn issue_dots(
    forecasts: &[IssueForecast],
    issues: &[IssueSummary],
    backtests: &[Backtest],
    scenario: &str,
    compact: bool,
) -> VegaChart {
    let known = outcomes(backtests);
    let mut rows = Vec::new();
    for f in forecasts {
        let summary = issues.iter().find(|i| i.id == f.issue);
        let Some((lo, hi)) = f
            .scale
            .or_else(|| summary.map(|s| (s.scale[0], s.scale[1])))
        else {
            continue;
        };
        if hi - lo <= 0.0 {
            continue;
        }
        let rel = |v: f64| (v - lo) / (hi - lo);
        let name = f.name.clone().unwrap_or_else(|| f.issue.clone());
        let unit = issue_unit(summary);
        if let Some(sq) = f.status_quo {
            rows.push(json!({"layer": "status quo", "issue": name, "what": "status quo", "x": rel(sq), "value": sq, "unit": unit}));
        }
        for (model, _) in MODELS {
            let label = model.label();
            let Some((value, interval)) = forecast_and_interval(f, model) else {
                continue;
            };
            rows.push(json!({"layer": "forecast", "issue": name, "what": label, "x": rel(value), "value": value, "unit": unit,
                "lo": interval.map(|i| rel(i.0)), "hi": interval.map(|i| rel(i.1)),
                "p5": interval.map(|i| i.0), "p95": interval.map(|i| i.1),
                "sq": f.status_quo.map(rel)}));
        }
        if let Some((date, value)) = known.get(&f.issue) {
            rows.push(json!({"layer": "outcome", "issue": name, "what": format!("outcome ({date})"), "x": rel(*value), "value": value, "unit": unit}));
        }
    }
    let order: Vec<String> = forecasts
        .iter()
        .map(|f| f.name.clone().unwrap_or_else(|| f.issue.clone()))
        .collect();
    let y = json!({"field": "issue", "type": "nominal", "title": null, "sort": order,
                   "axis": {"labelLimit": if compact { 150 } else { 260 }, "labelFontSize": 12}});
    let x = json!({"field": "x", "type": "quantitative", "title": "position, share of each issue's scale (0% = first end, 100% = second)",
                   "axis": {"format": ".0%"}, "scale": {"domain": [0, 1], "padding": 12}});
    let colour = json!({"field": "what", "type": "nominal", "title": "forecast by",
        "scale": {"domain": MODELS.iter().map(|m| m.0.label()).collect::<Vec<_>>(), "range": MODELS.iter().map(|m| m.1).collect::<Vec<_>>()},
        "legend": if compact { Value::Null } else { json!({"columns": 4}) }});
    let offset = json!({"field": "what", "type": "nominal", "scale": {"domain": MODELS.iter().map(|m| m.0.label()).collect::<Vec<_>>()}});
    let tooltip = json!([{"field": "issue"}, {"field": "what"}, {"field": "value", "format": ".1f"}, {"field": "unit"},
                         {"field": "p5", "title": "5th percentile", "format": ".1f"}, {"field": "p95", "title": "95th percentile", "format": ".1f"}]);
    let layers = json!([
        {"transform": only("forecast"), "mark": {"type": "rule", "strokeWidth": 2, "opacity": 0.7},
         "encoding": {"y": y, "yOffset": offset, "x": {"field": "lo", "type": "quantitative"}, "x2": {"field": "hi"}, "color": colour, "tooltip": tooltip}},
        {"transform": only("forecast"), "mark": {"type": "point", "filled": true, "size": 60},
         "encoding": {"y": y, "yOffset": offset, "x": x, "color": colour, "tooltip": tooltip}},
        {"transform": only("status quo"), "mark": {"type": "point", "shape": "circle", "size": 120, "strokeWidth": 2, "color": "#000", "filled": false},
         "encoding": {"y": y, "x": x, "tooltip": [{"field": "issue"}, {"field": "what"}, {"field": "value"}, {"field": "unit"}]}},
        {"transform": only("outcome"), "mark": {"type": "point", "shape": "diamond", "size": 130, "color": "#000", "filled": true},
         "encoding": {"y": y, "x": x, "tooltip": [{"field": "issue"}, {"field": "what"}, {"field": "value"}, {"field": "unit"}]}}
    ]);
    let height = (if compact { 18 } else { 46 }) * forecasts.len().max(1) as u32;
    VegaChart::new(
        if compact {
            "headline_forecasts"
        } else {
            "issue_dots"
        },
        "Every issue: status quo (open circle), each model's forecast with its 90% interval, and the outcome (black diamond) where known",
        format!(
            "Source: scenario {scenario}; issues and positions of the scenario; models of orbit-models (expected utility: Scholz et al. 2011; compromise, weighted median, Nash bargaining: Thomson et al. 2006); intervals from the Monte Carlo draws; outcomes from the backtests' observed values"
        ),
        spec(height, rows, json!({ "layer": layers })),
    )
}

/// One issue in detail: a row per actor (its coded position, dot area = capability, all in
/// one dark grey so actors never share a colour with a model), a row per model with its
/// forecast and 90% interval, the status quo as a dashed rule and the outcome, where a
/// backtest knows it, as a solid rule. Values on the issue's own scale and unit.
pub fn issue_detail(
    f: &IssueForecast,
    issue: Option<&IssueSummary>,
    backtests: &[Backtest],
    scenario: &str,
) -> VegaChart {
    let (lo, hi) = f
        .scale
        .or_else(|| issue.map(|s| (s.scale[0], s.scale[1])))
        .unwrap_or((0.0, 100.0));
    let unit = issue_unit(issue);
    let mut rows = Vec::new();
    for a in &f.actors {
        rows.push(json!({"layer": "actor", "row": a.name, "group": "actors (as coded)", "value": a.position,
            "capability": a.capability, "salience": a.salience}));
    }
    for (model, _) in MODELS {
        let label = model.label();
        let Some((value, interval)) = forecast_and_interval(f, model) else {
            continue;
        };
        rows.push(json!({"layer": "model", "row": format!("model: {label}"), "model": label, "value": value,
            "p5": interval.map(|i| i.0), "p95": interval.map(|i| i.1)}));
    }
    if let Some(sq) = f.status_quo {
        rows.push(
            json!({"layer": "status quo", "value": sq, "label": format!("status quo {sq:.0}")}),
        );
    }
    if let Some((date, v)) = outcomes(backtests).get(&f.issue) {
        rows.push(
            json!({"layer": "outcome", "value": v, "label": format!("outcome {v:.0} ({date})")}),
        );
    }
    let order: Vec<String> = f
        .actors
        .iter()
        .map(|a| a.name.clone())
        .chain(MODELS.iter().map(|m| format!("model: {}", m.0.label())))
        .collect();
    let y = json!({"field": "row", "type": "nominal", "title": null, "sort": order, "axis": {"labelLimit": 200}});
    // Ticks on the scale only (the padding keeps dots at an end off the axis).
    let ticks: Vec<f64> = (0..=10)
        .map(|k| lo + (hi - lo) * f64::from(k) / 10.0)
        .collect();
    let x = json!({"field": "value", "type": "quantitative", "title": unit,
                   "scale": {"domain": [lo, hi], "padding": 12, "nice": false}, "axis": {"values": ticks}});
    let colour = json!({"field": "model", "type": "nominal", "title": "forecast by",
        "scale": {"domain": MODELS.iter().map(|m| m.0.label()).collect::<Vec<_>>(), "range": MODELS.iter().map(|m| m.1).collect::<Vec<_>>()},
        "legend": {"columns": 4}});
    let model_tooltip = json!([{"field": "model"}, {"field": "value", "format": ".1f", "title": "forecast"},
        {"field": "p5", "format": ".1f", "title": "5th percentile"}, {"field": "p95", "format": ".1f", "title": "95th percentile"}]);
    let layers = json!([
        {"transform": only("status quo"), "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#000", "strokeWidth": 1.5},
         "encoding": {"x": {"field": "value", "type": "quantitative"}, "tooltip": [{"field": "label"}]}},
        {"transform": only("outcome"), "mark": {"type": "rule", "color": "#000", "strokeWidth": 2.5},
         "encoding": {"x": {"field": "value", "type": "quantitative"}, "tooltip": [{"field": "label"}]}},
        {"transform": only("actor"), "mark": {"type": "circle", "color": "#333", "opacity": 0.8},
         "encoding": {"y": y, "x": x,
            "size": {"field": "capability", "type": "quantitative", "title": "capability", "scale": {"range": [30, 400]}, "legend": null},
            "tooltip": [{"field": "row", "title": "actor"}, {"field": "value", "title": "position"}, {"field": "capability", "format": ".2f"}, {"field": "salience", "format": ".2f"}]}},
        {"transform": only("model"), "mark": {"type": "rule", "strokeWidth": 3, "opacity": 0.7},
         "encoding": {"y": y, "x": {"field": "p5", "type": "quantitative"}, "x2": {"field": "p95"}, "color": colour, "tooltip": model_tooltip}},
        {"transform": only("model"), "mark": {"type": "point", "filled": true, "size": 90, "shape": "diamond"},
         "encoding": {"y": y, "x": x, "color": colour, "tooltip": model_tooltip}}
    ]);
    let name = f.name.clone().unwrap_or_else(|| f.issue.clone());
    let n = f.actors.len() + MODELS.len();
    VegaChart::new(
        format!("issue_{}", crate::charts::file_stem(&f.issue)),
        format!(
            "{name}: each actor's position and each model's forecast (dashed: status quo; solid: outcome, where known)"
        ),
        format!(
            "Source: scenario {scenario}; {}; models of orbit-models; intervals from the Monte Carlo draws; outcomes from the backtests",
            issue.map_or("the issue's positions".to_string(), |i| i.source.clone())
        ),
        spec(26 * n as u32, rows, json!({ "layer": layers })),
    )
}

// ---------------------------------------------------------------------------------------
// Simulation.

/// A readable title and the y-axis unit of a simulated series, and whether it is a share.
/// `actor` names an actor by code; `issue` finds an issue of `sim` by index.
pub fn series_label(
    id: &SeriesId,
    sim: &SimulationResult,
    issues: &[IssueSummary],
    actor_code: &dyn Fn(ActorId) -> String,
    actor: &dyn Fn(&str) -> String,
) -> (String, String, bool) {
    let name = |a: ActorId| actor(&actor_code(a));
    let issue = |k: usize| {
        let id = sim.issue_ids.get(k).map_or("", String::as_str);
        (id, issues.iter().find(|i| i.id == id))
    };
    let unit = id.unit();
    match *id {
        SeriesId::Indicator(Variable::TradeShare {
            flow,
            reporter,
            partner,
        }) => (
            format!(
                "{}'s {flow} {} {}",
                name(reporter),
                if flow == TradeFlow::Exports {
                    "to"
                } else {
                    "from"
                },
                name(partner)
            ),
            format!("share of {}'s {flow} (%)", name(reporter)),
            true,
        ),
        SeriesId::Indicator(Variable::Dependence { actor, patron }) => (
            format!("Dependence of {} on {}", name(actor), name(patron)),
            "dependence (share of trade, %)".into(),
            true,
        ),
        SeriesId::Indicator(Variable::TransitShare { actor }) => (
            format!("{}'s share of the gas transit game", name(actor)),
            "Shapley share (%)".into(),
            true,
        ),
        SeriesId::Indicator(Variable::Price {
            commodity,
            importer,
        }) => (
            format!("Price of {commodity} paid by {}", name(importer)),
            match commodity {
                Commodity::Gas => "USD per 1000 m³".into(),
                Commodity::Oil => "USD per tonne".into(),
            },
            false,
        ),
        SeriesId::IssueForecast { issue: k, model } => {
            let (issue_id, summary) = issue(k);
            let title = summary.map_or(issue_id.to_string(), |s| s.name.clone());
            let title = match model {
                Model::Eum => format!("Forecast: {title}"),
                other => format!("Forecast ({}): {title}", other.label()),
            };
            (title, issue_unit(summary), false)
        }
        SeriesId::Indicator(_) => (
            sim.fans
                .iter()
                .find(|f| f.id == *id)
                .map_or_else(String::new, |f| f.name.clone()),
            "value".into(),
            unit.is_share(),
        ),
    }
}

/// Whether a simulated series gets a panel: the outcome indicators and the expected utility
/// forecast of each issue (positions, saliences and shock counts are in the CSV).
pub fn is_panel(id: &SeriesId) -> bool {
    matches!(
        id,
        SeriesId::Indicator(
            Variable::TradeShare { .. }
                | Variable::Dependence { .. }
                | Variable::TransitShare { .. }
                | Variable::Price { .. }
        ) | SeriesId::IssueForecast {
            model: Model::Eum,
            ..
        }
    )
}

/// Observations of each simulated series: `(year, value, source)`, from the dependence
/// profile, the transit game's trend and the backtests' observed values.
pub fn observations(
    profile: &DependenceProfile,
    transit: Option<&TransitReport>,
    backtests: &[Backtest],
) -> BTreeMap<String, Vec<(i32, f64, String)>> {
    let mut out: BTreeMap<String, Vec<(i32, f64, String)>> = BTreeMap::new();
    let focus = &profile.actor;
    for y in &profile.years {
        for (flow, shares) in [("exports", &y.export_shares), ("imports", &y.import_shares)] {
            for s in shares {
                out.entry(format!("trade_share.{flow}.{focus}.{}", s.partner))
                    .or_default()
                    .push((y.year, s.share, provenance_source(&s.provenance)));
            }
        }
    }
    if let Some(t) = transit {
        for p in &t.trend {
            out.entry(format!("transit_share.{}", t.focus))
                .or_default()
                .push((p.year, p.share, "transit game of the scenario".into()));
        }
    }
    for bt in backtests {
        for s in &bt.scores {
            let Ok(year) = s.date.get(..4).unwrap_or("").parse::<i32>() else {
                continue;
            };
            let key = match s.kind {
                QuestionKind::Issue => format!("eum.{}", s.question),
                _ => s.question.clone(),
            };
            let list = out.entry(key).or_default();
            if !list
                .iter()
                .any(|(y, v, _)| *y == year && (v - s.observed).abs() < 1e-12)
            {
                list.push((year, s.observed, format!("observed ({})", s.date)));
            }
        }
    }
    for list in out.values_mut() {
        list.retain(|(_, v, _)| v.is_finite());
        list.sort_by_key(|a| a.0);
    }
    out
}

/// One panel of the simulation: the 90% band, the median and the central run, the
/// observations as black dots, and a rule at the last year of data.
#[allow(clippy::too_many_arguments)]
pub fn simulation_panel(
    sim: &SimulationResult,
    fan_index: usize,
    title: &str,
    unit: &str,
    share: bool,
    observed: &[(i32, f64, String)],
    last_data_year: i32,
    scenario: &str,
) -> VegaChart {
    let fan = &sim.fans[fan_index];
    let mut rows = Vec::new();
    for (i, year) in sim.years.iter().enumerate() {
        let central = sim.central_value(fan_index, i).filter(|v| v.is_finite());
        let (p5, p50, p95) = (fan.p5.get(i), fan.p50.get(i), fan.p95.get(i));
        rows.push(json!({"layer": "fan", "year": year,
            "p5": p5.filter(|v| v.is_finite()), "p50": p50.filter(|v| v.is_finite()), "p95": p95.filter(|v| v.is_finite()),
            "central": central,
            "phase": if *year <= last_data_year { "data" } else { "projection" }}));
    }
    let first = sim.years.first().copied().unwrap_or(last_data_year);
    let last = sim.years.last().copied().unwrap_or(last_data_year);
    for (year, value, source) in observed {
        if *year >= first && *year <= last {
            rows.push(
                json!({"layer": "observed", "year": year, "observed": value, "source": source}),
            );
        }
    }
    if last_data_year >= first && last_data_year < last {
        rows.push(
            json!({"layer": "boundary", "year": last_data_year, "label": "data ← | → projection"}),
        );
    }
    let values: Vec<f64> = rows
        .iter()
        .flat_map(|r| ["p5", "p95", "central", "observed"].map(|k| r[k].as_f64()))
        .flatten()
        .collect();
    let hi = values.iter().copied().fold(0.0_f64, f64::max);
    let lo = values.iter().copied().fold(0.0_f64, f64::min);
    // Shares and prices cannot go below 0: the axis starts at 0 and ends a little above
    // the highest value, so a 3% share is not flattened on a 0–100% axis.
    let top = if hi > 0.0 { hi * 1.1 } else { 1.0 };
    let top = if share { top.min(1.0) } else { top };
    let format = if share { ".0%" } else { ",.0f" };
    let value_format = if share { ".1%" } else { ",.1f" };
    let y_scale = json!({"domain": [lo.min(0.0), top], "nice": false});
    let y = |field: &str| json!({"field": field, "type": "quantitative", "title": unit, "axis": {"format": format, "tickCount": 5}, "scale": y_scale});
    let x = year_x("year");
    let layers = json!([
        {"transform": only("fan"), "mark": {"type": "area", "color": SKY, "opacity": 0.35},
         "encoding": {"x": x, "y": y("p5"), "y2": {"field": "p95"}}},
        {"transform": only("fan"), "mark": {"type": "line", "color": BLUE},
         "encoding": {"x": x, "y": y("p50")}},
        {"transform": only("fan"), "mark": {"type": "line", "color": "#333", "strokeDash": [4, 3], "strokeWidth": 1.5},
         "encoding": {"x": x, "y": y("central")}},
        {"transform": only("fan"), "mark": {"type": "rule", "opacity": 0},
         "encoding": {"x": x, "strokeWidth": {"value": 8},
            "tooltip": [{"field": "year", "format": "d"}, {"field": "phase"}, {"field": "p5", "title": "5th percentile", "format": value_format},
                        {"field": "p50", "title": "median", "format": value_format}, {"field": "p95", "title": "95th percentile", "format": value_format},
                        {"field": "central", "title": "central run", "format": value_format}]}},
        {"transform": only("observed"), "mark": {"type": "point", "filled": true, "color": "#000", "size": 45},
         "encoding": {"x": x, "y": y("observed"), "tooltip": [{"field": "year", "format": "d"}, {"field": "observed", "format": value_format}, {"field": "source"}]}},
        {"transform": only("boundary"), "mark": {"type": "rule", "color": "#555", "strokeDash": [2, 2]},
         "encoding": {"x": x, "tooltip": [{"field": "year", "title": "last year of data", "format": "d"}]}},
        {"transform": only("boundary"), "mark": {"type": "text", "align": "center", "baseline": "top", "dy": 2, "color": "#333", "fontSize": 12},
         "encoding": {"x": x, "y": {"value": 0}, "text": {"field": "label"}}}
    ]);
    VegaChart::new(
        format!("simulation_{}", crate::charts::file_stem(&fan.name)),
        title,
        format!(
            "Source: scenario {scenario}; orbit simulate, {} Monte Carlo runs (seed {}); band: 5th–95th percentile, solid: median, dashed: central run, black dots: observed",
            sim.runs, sim.seed
        ),
        spec(200, rows, json!({ "layer": layers })),
    )
}

// ---------------------------------------------------------------------------------------
// Backtest.

/// `(better, tie, worse)` of the model against the status quo, as the CLI's summary counts
/// them (a difference under 1e-9 is a tie).
pub fn verdict_counts<'a>(
    scores: impl IntoIterator<Item = &'a orbit_models::backtest::Score>,
) -> (usize, usize, usize) {
    let mut out = (0, 0, 0);
    for s in scores {
        if s.model_error + 1e-9 < s.status_quo_error {
            out.0 += 1;
        } else if s.status_quo_error + 1e-9 < s.model_error {
            out.2 += 1;
        } else {
            out.1 += 1;
        }
    }
    out
}

/// The backtest's skill by cutoff and horizon (years from the cutoff to the question's
/// date): per cell, how often the model beat the status quo (a tie counts half).
pub fn backtest_skill(backtests: &[Backtest], scenario: &str, compact: bool) -> VegaChart {
    let mut rows = Vec::new();
    for bt in backtests {
        let mut by_horizon: BTreeMap<i32, Vec<&orbit_models::backtest::Score>> = BTreeMap::new();
        for s in &bt.scores {
            if let Ok(year) = s.date.get(..4).unwrap_or("").parse::<i32>() {
                by_horizon.entry(year - bt.cutoff).or_default().push(s);
            }
        }
        for (horizon, scores) in by_horizon {
            let n = scores.len();
            let (better, tie, worse) = verdict_counts(scores.iter().copied());
            let skill = (better as f64 + 0.5 * tie as f64) / n as f64;
            let questions: Vec<&str> = scores.iter().map(|s| s.question.as_str()).collect();
            let mut unique = questions.clone();
            unique.dedup();
            rows.push(json!({"cutoff": bt.cutoff, "horizon": horizon, "questions": n, "better": better, "tie": tie, "worse": worse,
                "skill": skill, "label": format!("{better}/{n}"), "asked": unique.join(", ")}));
        }
    }
    let horizon = json!({"field": "horizon", "type": "ordinal", "title": "horizon (years after the cutoff)", "axis": {"labelAngle": 0, "labelOverlap": true}});
    let cutoff = json!({"field": "cutoff", "type": "ordinal", "title": "cutoff (data up to the end of)", "axis": {"labelAngle": 0, "labelOverlap": true}});
    // Full size: one column per cutoff, one row per horizon, so each cell is wide enough
    // for its count even on a phone; the small headline version lies the other way.
    let (x, y) = if compact {
        (horizon, cutoff)
    } else {
        (cutoff, horizon)
    };
    let tooltip = json!([{"field": "cutoff"}, {"field": "horizon", "title": "horizon (years)"}, {"field": "questions"}, {"field": "better", "title": "model better"},
                        {"field": "tie"}, {"field": "worse", "title": "status quo better"}, {"field": "asked", "title": "questions asked"}]);
    let mut layers = json!([
        {"mark": {"type": "rect", "stroke": "#fff"},
         "encoding": {"x": x, "y": y,
            "color": {"field": "skill", "type": "quantitative", "title": "model beat the status quo (tie = ½)",
                      "scale": {"domain": [0, 0.5, 1], "range": [ORANGE, "#f2f2f2", BLUE]},
                      "legend": if compact { Value::Null } else { json!({"format": ".0%", "direction": "horizontal", "gradientLength": 220}) }},
            "tooltip": tooltip}},
        {"mark": {"type": "text", "fontSize": 12},
         "encoding": {"x": x, "y": y, "text": {"field": "label"}, "tooltip": tooltip,
            "color": {"condition": {"test": {"field": "skill", "gt": 0.8}, "value": "#fff"}, "value": "#000"}}}
    ]);
    if compact {
        // Cells too small for their counts: the tooltip has them.
        if let Some(l) = layers.as_array_mut() {
            l.truncate(1);
        }
    }
    let horizons = rows
        .iter()
        .filter_map(|r| r["horizon"].as_i64())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    VegaChart::new(
        if compact {
            "headline_backtest"
        } else {
            "backtest_skill"
        },
        "Backtest: how often the model beat the status quo, by cutoff and horizon (cell text: model better / questions)",
        format!(
            "Source: scenario {scenario}; orbit backtest --rolling; absolute error on each question's scale"
        ),
        spec(
            if compact {
                110
            } else {
                24 * horizons.max(1) as u32
            },
            rows,
            json!({ "layer": layers }),
        ),
    )
}

// ---------------------------------------------------------------------------------------
// The report's charts and headline.

/// Every Vega-Lite chart of a report, in the order the HTML shows them.
pub fn all(report: &RunReport) -> Vec<VegaChart> {
    let scenario = &report.scenario.id;
    // The charts do not depend on each other: the groups are built side by side (the report
    // is the last, otherwise single-threaded, step of `orbit run`) and kept in this order.
    type Group<'r> = &'r (dyn Fn() -> Vec<VegaChart> + Sync);
    let dependence = || {
        let mut out = vec![
            trade_shares(&report.dependence, &report.figure_checks, scenario, false),
            energy_subsidy(&report.dependence, &report.figure_checks, scenario, false),
        ];
        out.extend(total_support(
            &report.dependence,
            &report.support_estimates,
            scenario,
        ));
        out
    };
    let transit = || {
        let mut out = Vec::new();
        if let Some(t) = &report.transit_game {
            out.push(shapley_epochs(t, scenario, false));
            for i in 0..t.epochs.len() {
                out.push(transit_network(t, i, scenario));
            }
        }
        out
    };
    let issues = || {
        let mut out: Vec<VegaChart> = report
            .forecasts
            .par_iter()
            .flat_map_iter(|f| {
                let mut charts = vec![issue_detail(
                    f,
                    report.issue(&f.issue),
                    &report.backtest,
                    scenario,
                )];
                charts.extend(issue_extras(report, f));
                charts
            })
            .collect();
        if !report.forecasts.is_empty() {
            out.push(issue_dots(
                &report.forecasts,
                &report.issues,
                &report.backtest,
                scenario,
                false,
            ));
        }
        out
    };
    let simulation = || simulation_panels(report);
    let backtest = || {
        if report.backtest.is_empty() {
            Vec::new()
        } else {
            vec![backtest_skill(&report.backtest, scenario, false)]
        }
    };
    let smp = || crate::smp_section::charts(report);
    let thesis = || crate::thesis_section::charts(report);
    let headlines = || headline(report).into_iter().map(|h| h.chart).collect();
    let timeline = || {
        let keys = crate::vega_timeline::key_numbers(&report.key_events, &report.key_events);
        crate::vega_timeline::event_timeline(&report.event_counts, &keys, scenario)
            .into_iter()
            .collect()
    };
    let disputes = || {
        report
            .disputes
            .as_ref()
            .map_or_else(Vec::new, |d| crate::vega_disputes::charts(d, scenario))
    };
    let groups: [Group; 10] = [
        &dependence,
        &transit,
        &issues,
        &simulation,
        &backtest,
        &smp,
        &thesis,
        &headlines,
        &timeline,
        &disputes,
    ];
    groups.par_iter().flat_map_iter(|group| group()).collect()
}

/// An issue's rounds chart and Monte Carlo panels.
pub fn issue_extras(report: &RunReport, f: &IssueForecast) -> Vec<VegaChart> {
    let issue = report.issue(&f.issue);
    let name = f.name.as_deref().unwrap_or(&f.issue);
    let scenario = &report.scenario.id;
    let mut out: Vec<VegaChart> = crate::vega_issue::eum_rounds(f, issue, scenario, name)
        .into_iter()
        .collect();
    out.extend(crate::vega_issue::monte_carlo(f, issue, scenario, name));
    out
}

/// The simulation's panels (outcome indicators, then each issue's forecast).
pub fn simulation_panels(report: &RunReport) -> Vec<VegaChart> {
    let Some(sim) = &report.simulation else {
        return Vec::new();
    };
    let observed = observations(
        &report.dependence,
        report.transit_game.as_ref(),
        &report.backtest,
    );
    let actor = |code: &str| -> String {
        match code {
            "RUS" => "Russia".into(),
            "BLR" => "Belarus".into(),
            "EU" => "the EU".into(),
            other => report.actor_name(other).to_string(),
        }
    };
    let actor_code = |a: ActorId| {
        report
            .scenario
            .actors
            .get(a.0)
            .map_or_else(String::new, |a| a.code.clone())
    };
    sim.fans
        .iter()
        .enumerate()
        .filter(|(_, f)| is_panel(&f.id))
        .map(|(i, f)| {
            let (title, unit, share) =
                series_label(&f.id, sim, &report.issues, &actor_code, &actor);
            simulation_panel(
                sim,
                i,
                &title,
                &unit,
                share,
                observed.get(&f.name).map_or(&[], Vec::as_slice),
                report.scenario.years.last,
                &report.scenario.id,
            )
        })
        .collect()
}

/// One key figure of the headline view.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadlineFigure {
    /// Stable id (`data-figure` in the HTML; the browser test checks it against the API).
    pub id: &'static str,
    pub label: String,
    /// The number shown, unrounded (a share as a fraction).
    pub value: f64,
    pub display: String,
    pub detail: String,
    pub source: String,
    /// The section with the detail (`#dependence`...).
    pub link: &'static str,
    pub chart: VegaChart,
}

/// The latest year with a share of `partner` in `flow`.
fn latest_share<'a>(
    profile: &'a DependenceProfile,
    flow: &str,
    partner: &str,
) -> Option<(i32, &'a PartnerShare)> {
    profile.years.iter().rev().find_map(|y| {
        flow_shares(y, flow)
            .iter()
            .find(|s| s.partner == partner && s.share.is_finite())
            .map(|s| (y.year, s))
    })
}

/// The 3–5 key figures of the report: Russia's share of exports (and imports), the energy
/// subsidy, Belarus's transit share then and now, the forecasts against the status quo and
/// the backtest's verdict. A figure the data cannot give is left out, not shown as 0.
pub fn headline(report: &RunReport) -> Vec<HeadlineFigure> {
    let scenario = &report.scenario.id;
    let d = &report.dependence;
    let mut out = Vec::new();
    if let Some((year, s)) = latest_share(d, "exports", &d.patron) {
        let imports = latest_share(d, "imports", &d.patron);
        out.push(HeadlineFigure {
            id: "exports_share",
            label: format!("Russia's share of Belarus's exports, {year}"),
            value: s.share,
            display: format!("{:.1}%", 100.0 * s.share),
            detail: imports.map_or("imports: no data".into(), |(y, i)| {
                format!("imports {:.1}% ({y})", 100.0 * i.share)
            }),
            source: provenance_source(&s.provenance),
            link: "#dependence",
            chart: trade_shares(d, &[], scenario, true),
        });
    }
    let computed = d.years.iter().rev().find_map(|y| {
        y.energy_subsidy
            .iter()
            .find(|s| s.share_of_gdp.is_finite())
            .map(|s| (y.year, s))
    });
    if let Some((year, s)) = computed {
        let peak = d
            .years
            .iter()
            .flat_map(|y| {
                y.energy_subsidy
                    .iter()
                    .map(move |s| (y.year, s.share_of_gdp))
            })
            .filter(|(_, v)| v.is_finite())
            .max_by(|a, b| a.1.total_cmp(&b.1));
        out.push(HeadlineFigure {
            id: "energy_subsidy",
            label: format!(
                "Russian {} subsidy, share of Belarus's GDP, {year}",
                s.commodity
            ),
            value: s.share_of_gdp,
            display: format!("{:.1}%", 100.0 * s.share_of_gdp),
            detail: peak.map_or(String::new(), |(y, v)| {
                format!("highest computed: {:.1}% ({y})", 100.0 * v)
            }),
            source: provenance_source(&s.provenance),
            link: "#dependence",
            chart: energy_subsidy(d, &[], scenario, true),
        });
    }
    if let Some(t) = &report.transit_game
        && let (Some(first), Some(last)) = (t.trend.first(), t.trend.last())
    {
        out.push(HeadlineFigure {
            id: "transit_share",
            label: format!(
                "Belarus's share of the gas transit game, {} → {}",
                first.year, last.year
            ),
            value: last.share,
            display: format!("{:.1}% → {:.1}%", 100.0 * first.share, 100.0 * last.share),
            detail: "Shapley value of the max-flow network game".into(),
            source: "pipeline capacities of the scenario (Hubert & Ikonnikova 2011)".into(),
            link: "#transit",
            chart: shapley_epochs(t, scenario, true),
        });
    }
    // The issue whose expected utility forecast moves furthest from the status quo, as a
    // share of its scale.
    let moves = report.forecasts.iter().filter_map(|f| {
        let (lo, hi) = f.scale?;
        let sq = f.status_quo?;
        let eum = f.eum.as_ref()?.forecast;
        (hi > lo && eum.is_finite()).then(|| (f, sq, eum, (eum - sq).abs() / (hi - lo)))
    });
    if let Some((f, sq, eum, _)) = moves.max_by(|a, b| a.3.total_cmp(&b.3)) {
        let unit = issue_unit(report.issue(&f.issue));
        let outcome = outcomes(&report.backtest).get(&f.issue).cloned();
        out.push(HeadlineFigure {
            id: "largest_forecast_move",
            label: format!(
                "Largest forecast move: {}",
                f.name.as_deref().unwrap_or(&f.issue)
            ),
            value: eum,
            display: format!("{sq:.0} → {eum:.0}"),
            detail: format!(
                "status quo → expected utility forecast ({unit}){}",
                outcome.map_or(String::new(), |(date, v)| format!(
                    "; outcome {v:.0} ({date})"
                ))
            ),
            source: report
                .issue(&f.issue)
                .map_or(String::new(), |i| i.source.clone()),
            link: "#forecasts",
            chart: issue_dots(
                &report.forecasts,
                &report.issues,
                &report.backtest,
                scenario,
                true,
            ),
        });
    }
    if !report.backtest.is_empty() {
        let (better, tie, worse) =
            verdict_counts(report.backtest.iter().flat_map(|b| b.scores.iter()));
        let n = better + tie + worse;
        out.push(HeadlineFigure {
            id: "backtest_better",
            label: "Backtest: questions where the model beat the status quo".into(),
            value: better as f64,
            display: format!("{better} of {n}"),
            detail: format!(
                "{}, {worse} worse",
                orbit_scenario::counted(tie, "tie", "ties")
            ),
            source: "orbit backtest --rolling on the scenario".into(),
            link: "#backtest",
            chart: backtest_skill(&report.backtest, scenario, true),
        });
    }
    out
}

/// The HTML of a chart: a figure with its title, the spec as JSON for the page script, a
/// note for readers without scripts, and download links (`href_prefix` + `<name>.csv` and
/// `.vl.json`: files beside the report, routes of the dashboard; the page script replaces
/// them with the inline data so a single saved page still downloads).
pub fn figure_html(chart: &VegaChart, href_prefix: &str, heading: &str) -> String {
    let name = crate::html::escape(&chart.name);
    let mut out = String::new();
    let _ = write!(
        out,
        "<figure class=\"vchart\" id=\"chart-{name}\" data-chart=\"{name}\">\n<{heading} class=\"chart-title\">{}</{heading}>\n\
         <div class=\"vega\" role=\"img\" aria-label=\"{}\"></div>\n\
         <script type=\"application/json\" class=\"vega-spec\">{}</script>\n\
         <noscript><p class=\"noscript\">This chart needs scripts; its data is in the CSV below.</p></noscript>\n\
         <figcaption>{} <span class=\"downloads\"><a class=\"csv\" download=\"{name}.csv\" href=\"{prefix}{name}.csv\">data (CSV)</a> \
         <a class=\"spec\" download=\"{name}.vl.json\" href=\"{prefix}{name}.vl.json\">spec (Vega-Lite JSON)</a></span></figcaption>\n</figure>\n",
        crate::html::escape(&chart.title),
        crate::html::escape(&chart.title),
        chart.spec_for_html(),
        crate::html::escape(&chart.caption()),
        prefix = crate::html::escape(href_prefix),
    );
    out
}

/// The headline view: one card per figure with its number, detail, source, small chart and
/// a link to its section.
pub fn headline_html(figures: &[HeadlineFigure], href_prefix: &str, links: bool) -> String {
    let mut out = String::from("<div class=\"headline\">\n");
    for h in figures {
        let _ = write!(
            out,
            "<article class=\"key\" data-figure=\"{}\" data-value=\"{}\">\n<p class=\"key-label\">{}</p>\n<p class=\"key-value\">{}</p>\n<p class=\"key-detail\">{}</p>\n",
            h.id,
            h.value,
            crate::html::escape(&h.label),
            crate::html::escape(&h.display),
            crate::html::escape(&h.detail),
        );
        out.push_str(&figure_html(&h.chart, href_prefix, "h4"));
        let _ = writeln!(
            out,
            "<p class=\"key-source\">Source: {}</p>",
            crate::html::escape(&short(&h.source, 180))
        );
        if links {
            let _ = writeln!(
                out,
                "<p class=\"key-link\"><a href=\"{}\">details</a></p>",
                h.link
            );
        }
        out.push_str("</article>\n");
    }
    out.push_str("</div>\n");
    out
}

/// `text` cut to `width` characters with `…`.
fn short(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let cut: String = text.chars().take(width - 1).collect();
        format!("{cut}…")
    }
}

/// The scripts of a self-contained page: the vendored libraries and the page script, each
/// inline once.
pub fn inline_scripts() -> String {
    let mut out = String::new();
    for (name, source) in SCRIPTS {
        let _ = writeln!(
            out,
            "<script data-lib=\"{name}\">{}</script>",
            script_body(source)
        );
    }
    let _ = writeln!(out, "<script>{CHARTS_JS}</script>");
    out
}
