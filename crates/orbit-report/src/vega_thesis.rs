//! Vega-Lite charts of the thesis backtest ([`ThesisSection`]): the skill by horizon of each
//! target against persistence (the zero line), with the model and its second baseline
//! (drift for prices and shares, the compromise model for the issue outcomes) labelled
//! directly, and the gas-price fan from one cutoff with the recorded prices as dots. The
//! rules of [`crate::vega`] hold: nothing under 12 px, Okabe–Ito colours, a tooltip on every
//! mark, the rows downloadable as CSV beside the spec.

use std::collections::BTreeMap;

use orbit_models::thesis_backtest::{PriceFan, Target};
use orbit_pipeline::thesis::{ThesisSection, target_key};
use serde_json::{Value, json};

use crate::vega::{BLUE, GREEN, GREY, ORANGE, SKY, VegaChart, only, spec};

/// Plot height of the skill charts, pixels.
pub const SKILL_HEIGHT: u32 = 180;
/// Plot height of the fan chart, pixels.
pub const FAN_HEIGHT: u32 = 240;
/// Two direct labels closer than this share of the plot's height are pushed apart.
const LABEL_GAP: f64 = 0.09;

/// The name of a target's skill chart.
pub fn skill_chart_name(target: &str) -> String {
    format!("thesis_skill_{target}")
}

/// The name of the fan chart from `cutoff`.
pub fn fan_chart_name(cutoff: i32) -> String {
    format!("thesis_fan_{cutoff}")
}

/// The label of a target in titles.
pub fn target_title(target: Target) -> &'static str {
    match target {
        Target::GasPrice => "Gas price paid",
        Target::PatronExportsShare => "Patron's share of exports",
        Target::PatronImportsShare => "Patron's share of imports",
        Target::EuTradeShare => "EU's share of trade",
    }
}

/// One point of a skill chart.
struct SkillPoint {
    series: &'static str,
    horizon: i32,
    skill: Option<f64>,
    tooltip: Value,
}

/// A skill-by-horizon chart from `points` (two series: `model` and a second baseline).
fn skill_chart(
    name: String,
    title: String,
    source: String,
    points: Vec<SkillPoint>,
    colours: [(&'static str, &'static str); 2],
) -> VegaChart {
    let mut rows: Vec<Value> = Vec::new();
    let values: Vec<f64> = points.iter().filter_map(|p| p.skill).chain([0.0]).collect();
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    let span = (hi - lo).max(0.2);
    for p in &points {
        let mut row =
            json!({"layer": "point", "series": p.series, "horizon": p.horizon, "skill": p.skill});
        if let (Some(obj), Some(t)) = (row.as_object_mut(), p.tooltip.as_object()) {
            obj.extend(t.clone());
        }
        rows.push(row);
    }
    // Direct labels at each series' last scored horizon, pushed apart when they would touch.
    let mut ends: Vec<(&str, i32, f64)> = colours
        .iter()
        .filter_map(|(series, _)| {
            points
                .iter()
                .filter(|p| p.series == *series)
                .filter_map(|p| Some((p.horizon, p.skill?)))
                .max_by_key(|(h, _)| *h)
                .map(|(h, v)| (*series, h, v))
        })
        .collect();
    ends.sort_by(|a, b| b.2.total_cmp(&a.2));
    let mut dy = vec![0.0; ends.len()];
    if ends.len() == 2 && ends[0].1 == ends[1].1 && (ends[0].2 - ends[1].2) < LABEL_GAP * span {
        dy = vec![-8.0, 8.0];
    }
    for ((series, h, v), dy) in ends.iter().zip(dy) {
        let colour = colours
            .iter()
            .find(|(s, _)| s == series)
            .map_or(GREY, |c| c.1);
        rows.push(
            json!({"layer": "label", "series": series, "horizon": h, "skill": v,
            "text": series, "colour": colour, "dy": dy}),
        );
    }
    rows.push(json!({"layer": "zero", "skill": 0.0, "text": "persistence"}));
    // The domain starts left of horizon 1 so the zero line's label has room before the first
    // points, and ends right of 5 for the direct labels.
    let x = json!({"field": "horizon", "type": "quantitative", "title": "horizon (years after the cutoff)",
        "scale": {"domain": [-0.2, 6.8], "nice": false}, "axis": {"values": [1, 2, 3, 4, 5], "format": "d"}});
    let y = json!({"field": "skill", "type": "quantitative", "title": "skill vs persistence",
        "axis": {"tickCount": 5}});
    let colour = json!({"field": "series", "type": "nominal", "legend": null,
        "scale": {"domain": colours.iter().map(|c| c.0).collect::<Vec<_>>(),
                  "range": colours.iter().map(|c| c.1).collect::<Vec<_>>()}});
    let tooltip: Vec<Value> = std::iter::once(json!({"field": "series"}))
        .chain(std::iter::once(json!({"field": "horizon", "format": "d"})))
        .chain(std::iter::once(json!({"field": "skill", "format": ".2f"})))
        .chain(
            points
                .first()
                .and_then(|p| p.tooltip.as_object())
                .map(|o| o.keys().map(|k| json!({"field": k})).collect::<Vec<_>>())
                .unwrap_or_default(),
        )
        .collect();
    let mut layers = vec![
        json!({"transform": only("zero"), "mark": {"type": "rule", "color": GREY, "strokeDash": [4, 3], "strokeWidth": 1.5},
         "encoding": {"y": y, "tooltip": [{"field": "text", "title": "baseline"}]}}),
        json!({"transform": only("zero"), "mark": {"type": "text", "align": "left", "baseline": "bottom", "dx": 2, "dy": -3, "color": "#555", "fontSize": 12},
         "encoding": {"x": {"value": 0}, "y": y, "text": {"field": "text"}}}),
        json!({"transform": [{"filter": {"field": "layer", "equal": "point"}}, {"filter": "isValid(datum.skill)"}],
         "mark": {"type": "line"}, "encoding": {"x": x, "y": y, "color": colour, "detail": {"field": "series"}}}),
        json!({"transform": [{"filter": {"field": "layer", "equal": "point"}}, {"filter": "isValid(datum.skill)"}],
         "mark": {"type": "point", "filled": true, "size": 60},
         "encoding": {"x": x, "y": y, "color": colour, "shape": {"field": "series", "type": "nominal", "legend": null}, "tooltip": tooltip}}),
    ];
    for dy in [-8.0, 0.0, 8.0] {
        layers.push(json!({"transform": [{"filter": {"field": "layer", "equal": "label"}}, {"filter": {"field": "dy", "equal": dy}}],
            "mark": {"type": "text", "align": "left", "baseline": "middle", "dx": 8, "dy": dy, "fontSize": 12},
            "encoding": {"x": x, "y": y, "text": {"field": "text"},
                "color": {"field": "colour", "type": "nominal", "scale": null},
                "tooltip": [{"field": "series"}, {"field": "skill", "format": ".2f"}]}}));
    }
    // Drop label layers without rows (spec() drops only `layer`-filtered ones by their first filter).
    layers.retain(|l| {
        let dy = &l["transform"][1]["filter"]["equal"];
        dy.is_null() || rows.iter().any(|r| r["layer"] == "label" && &r["dy"] == dy)
    });
    VegaChart::new(
        name,
        title,
        source,
        spec(SKILL_HEIGHT, rows, json!({ "layer": layers })),
    )
}

fn opt(x: Option<f64>) -> Value {
    x.map_or(Value::Null, |v| json!(v))
}

/// One skill chart per target of the bargain and one for the issue outcomes.
pub fn skill_charts(section: &ThesisSection, scenario: &str) -> Vec<VegaChart> {
    let mut out = Vec::new();
    let source = format!(
        "Source: scenario {scenario}; the bargain calibrated at each cutoff {}–{} on the record known then, reference {}; persistence = last recorded value, drift = random walk with the pre-cutoff trend",
        section.plan.cutoffs.first().copied().unwrap_or_default(),
        section.plan.cutoffs.last().copied().unwrap_or_default(),
        section.reference
    );
    for target in Target::ALL {
        let scores: Vec<_> = section
            .backtest
            .scores
            .iter()
            .filter(|s| s.target == target)
            .collect();
        if scores.iter().all(|s| s.n == 0) {
            continue;
        }
        let mut points = Vec::new();
        for s in &scores {
            let tooltip = json!({"n": s.n, "mae_model": opt(s.mae_model), "mae_persistence": opt(s.mae_persistence),
                "mae_drift": opt(s.mae_drift), "better_ties_worse": format!("{} / {} / {}", s.better, s.ties, s.worse)});
            points.push(SkillPoint {
                series: "model",
                horizon: s.horizon,
                skill: s.skill_model,
                tooltip: tooltip.clone(),
            });
            points.push(SkillPoint {
                series: "drift",
                horizon: s.horizon,
                skill: s.skill_drift,
                tooltip,
            });
        }
        out.push(skill_chart(
            skill_chart_name(target_key(target)),
            format!(
                "{}: skill against persistence by horizon",
                target_title(target)
            ),
            source.clone(),
            points,
            [("model", BLUE), ("drift", ORANGE)],
        ));
    }
    if section.issues.iter().any(|s| s.n > 0) {
        let points = section
            .issues
            .iter()
            .flat_map(|s| {
                let tooltip = json!({"n": s.n, "mae_model": opt(s.mae_model), "mae_persistence": opt(s.mae_persistence),
                    "mae_compromise": opt(s.mae_compromise), "brier_model": opt(s.brier_model),
                    "brier_persistence": opt(s.brier_persistence), "brier_compromise": opt(s.brier_compromise),
                    "better_ties_worse": format!("{} / {} / {}", s.better, s.ties, s.worse)});
                [
                    SkillPoint {
                        series: "model",
                        horizon: s.horizon,
                        skill: s.skill_model,
                        tooltip: tooltip.clone(),
                    },
                    SkillPoint {
                        series: "compromise",
                        horizon: s.horizon,
                        skill: s.skill_compromise,
                        tooltip,
                    },
                ]
            })
            .collect();
        out.push(skill_chart(
            skill_chart_name(orbit_pipeline::thesis::ISSUE_TARGET),
            "Issue outcomes: skill against the status quo by horizon".into(),
            format!(
                "Source: scenario {scenario}; orbit backtest --rolling at the cutoffs {}; absolute error on each issue's scale, expected utility model (central run) and compromise model against the status quo",
                section
                    .issue_cutoffs
                    .iter()
                    .map(i32::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            points,
            [("model", BLUE), ("compromise", GREEN)],
        ));
    }
    out
}

/// The recorded gas prices the backtest compared with, by year.
pub fn recorded_prices(section: &ThesisSection) -> BTreeMap<i32, f64> {
    let mut out = BTreeMap::new();
    for r in &section.backtest.rows {
        if r.target == Target::GasPrice {
            out.insert(r.year, r.recorded);
        }
    }
    for f in &section.backtest.fans {
        out.entry(f.start_year).or_insert(f.start_price);
    }
    out
}

/// The gas-price fan from `fan`'s cutoff: the 10–90% band and the median over the
/// calibration's Monte Carlo draws, and the recorded prices as dots (those after the cutoff
/// are what the fan is scored on).
pub fn fan_chart(section: &ThesisSection, fan: &PriceFan, scenario: &str) -> VegaChart {
    let recorded = recorded_prices(section);
    let first = fan.cutoff - 8;
    let last = fan.years.last().copied().unwrap_or(fan.cutoff);
    let mut rows: Vec<Value> = Vec::new();
    rows.push(json!({"layer": "band", "year": fan.start_year, "q10": fan.start_price, "q50": fan.start_price, "q90": fan.start_price}));
    for (i, &year) in fan.years.iter().enumerate() {
        rows.push(json!({"layer": "band", "year": year, "q10": fan.q10[i], "q50": fan.q50[i], "q90": fan.q90[i]}));
    }
    for (&year, &price) in recorded.range(first..=last) {
        let when = if year > fan.cutoff {
            "after the cutoff (scored)"
        } else {
            "known at the cutoff"
        };
        rows.push(json!({"layer": "recorded", "year": year, "price": price, "when": when}));
    }
    rows.push(
        json!({"layer": "cutoff", "year": fan.cutoff, "text": format!("cutoff {}", fan.cutoff)}),
    );
    let x = json!({"field": "year", "type": "quantitative", "title": "year",
        "scale": {"domain": [first, last], "nice": false}, "axis": {"format": "d", "tickMinStep": 1, "labelOverlap": true}});
    let price =
        |field: &str, title: &str| json!({"field": field, "type": "quantitative", "title": title});
    let y_title = "USD per 1000 m3";
    let layers = json!([
        {"transform": only("band"), "mark": {"type": "area", "color": SKY, "opacity": 0.35},
         "encoding": {"x": x, "y": price("q10", y_title), "y2": {"field": "q90"},
            "tooltip": [{"field": "year"}, {"field": "q10", "title": "10%", "format": ",.1f"}, {"field": "q50", "title": "median", "format": ",.1f"}, {"field": "q90", "title": "90%", "format": ",.1f"}]}},
        {"transform": only("band"), "mark": {"type": "line", "color": BLUE},
         "encoding": {"x": x, "y": price("q50", y_title),
            "tooltip": [{"field": "year"}, {"field": "q50", "title": "median", "format": ",.1f"}]}},
        {"transform": only("cutoff"), "mark": {"type": "rule", "color": GREY, "strokeDash": [2, 3]},
         "encoding": {"x": x, "tooltip": [{"field": "text"}]}},
        {"transform": only("cutoff"), "mark": {"type": "text", "align": "right", "baseline": "top", "dx": -4, "y": 4, "color": "#555", "fontSize": 12},
         "encoding": {"x": x, "text": {"field": "text"}}},
        {"transform": only("recorded"), "mark": {"type": "point", "filled": true, "size": 50, "color": "#000000"},
         "encoding": {"x": x, "y": price("price", y_title),
            "shape": {"field": "when", "type": "nominal", "title": "recorded price",
                      "scale": {"domain": ["known at the cutoff", "after the cutoff (scored)"], "range": ["circle", "diamond"]}},
            "tooltip": [{"field": "year"}, {"field": "price", "title": "recorded (USD/1000 m3)", "format": ",.2f"}, {"field": "when"}]}}
    ]);
    VegaChart::new(
        fan_chart_name(fan.cutoff),
        format!(
            "Gas price: the bargain's fan from the cutoff {} (10–90% band, median) and the recorded prices",
            fan.cutoff
        ),
        format!(
            "Source: scenario {scenario}; the bargain calibrated on the record up to {}, {} draws of the parameters from the fit's covariance and a yearly shock of its residual variance, seed {} ({}); covariates and the reference {} held at the cutoff",
            fan.cutoff, fan.draws, fan.seed, fan.rng, section.reference
        ),
        spec(FAN_HEIGHT, rows, json!({ "layer": layers })),
    )
}

/// Every chart of the section: the skill charts and one fan per calibrated cutoff.
pub fn charts(section: &ThesisSection, scenario: &str) -> Vec<VegaChart> {
    let mut out = skill_charts(section, scenario);
    out.extend(
        section
            .backtest
            .fans
            .iter()
            .map(|f| fan_chart(section, f, scenario)),
    );
    out
}
