//! Vega-Lite charts of KTAB SMP histories ([`SmpIssueResult`]): one small multiple per
//! dimension, one line per actor over the bargaining turns, labelled directly at the last turn
//! (actors whose final positions lie within [`LABEL_GAP`] of the scale are labelled together,
//! so labels never overlap), the dimension's status quo as a dashed grey rule. The rules of
//! [`crate::vega`] hold: nothing under 12 px, Okabe–Ito colours, units on the axes, a tooltip on
//! every mark, and the rows drawn downloadable as CSV beside the spec.

use orbit_pipeline::smp::SmpIssueResult;
use serde_json::{Value, json};

use crate::vega::{BLUE, GREEN, GREY, ORANGE, PURPLE, SKY, VERMILLION, VegaChart, spec};

/// Colours of the actors' lines, in order (Okabe–Ito and grey; from the ninth actor on, the
/// same colours dashed).
const LINE_COLOURS: [&str; 8] = [
    VERMILLION, BLUE, GREEN, ORANGE, PURPLE, SKY, "#000000", GREY,
];

/// Plot height in pixels; [`LABEL_GAP`] of it is at least 14 px, a 12 px label's height.
pub const HEIGHT: u32 = 200;

/// Final positions closer than this share of the scale are labelled as one group.
pub const LABEL_GAP: f64 = 0.07;

/// A group label longer than this many characters names its first actor and how many more (the
/// tooltip lists them all), so a long label cannot squeeze the plot.
pub const LABEL_CHARS: usize = 24;

/// Positions closer than this share of the scale are "the same" in tooltips.
const SAME_POSITION: f64 = 5e-4;

/// The colour and dash of actor `i`'s line.
pub fn actor_style(i: usize) -> (&'static str, Vec<u32>) {
    let colour = LINE_COLOURS[i % LINE_COLOURS.len()];
    let dash = if i < LINE_COLOURS.len() {
        vec![]
    } else {
        vec![5, 3]
    };
    (colour, dash)
}

/// Groups of actors (indices) whose `values` lie within `gap` of each other, chained, in
/// increasing order of value.
pub fn label_groups(values: &[f64], gap: f64) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]).then(a.cmp(&b)));
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for i in order {
        match groups.last_mut() {
            Some(g) if values[i] - values[*g.last().unwrap_or(&i)] < gap => g.push(i),
            _ => groups.push(vec![i]),
        }
    }
    groups
}

/// The chart of dimension `d` of `result`; `actor_name` gives a display name for an actor
/// code, `source` the provenance line (scenario and sources).
pub fn smp_dimension(
    result: &SmpIssueResult,
    d: usize,
    actor_name: &dyn Fn(&str) -> String,
    source: &str,
) -> VegaChart {
    let dim = &result.dimensions[d];
    let range = dim.scale_max - dim.scale_min;
    let last_turn = result.history.len().saturating_sub(1);
    let names: Vec<String> = result.actors.iter().map(|a| actor_name(a)).collect();
    let mut rows = Vec::new();
    for (t, state) in result.history.iter().enumerate() {
        for (i, actor) in result.actors.iter().enumerate() {
            let x = state[i][d];
            let same: Vec<&str> = result
                .actors
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i && (state[j][d] - x).abs() <= SAME_POSITION * range)
                .map(|(_, a)| a.as_str())
                .collect();
            rows.push(json!({
                "layer": "line", "turn": t, "actor": actor, "name": names[i],
                "dimension": dim.id, "position": x, "unit": dim.unit,
                "same_position": if same.is_empty() { Value::Null } else { json!(same.join(", ")) },
            }));
        }
    }
    if let Some(last) = result.history.last() {
        let finals: Vec<f64> = last.iter().map(|x| x[d]).collect();
        for group in label_groups(&finals, LABEL_GAP * range) {
            let mean = group.iter().map(|&i| finals[i]).sum::<f64>() / group.len() as f64;
            let codes: Vec<&str> = group.iter().map(|&i| result.actors[i].as_str()).collect();
            let colour = if group.len() == 1 {
                actor_style(group[0]).0
            } else {
                "#333333"
            };
            let joined = codes.join(", ");
            let text = if joined.chars().count() <= LABEL_CHARS {
                joined
            } else {
                format!("{} and {} more", codes[0], codes.len() - 1)
            };
            rows.push(json!({
                "layer": "label", "turn": last_turn, "position": mean, "text": text,
                "codes": codes.join(", "),
                "colour": colour,
                "actors": group.iter().map(|&i| names[i].as_str()).collect::<Vec<_>>().join(", "),
            }));
        }
    }
    if let Some(sq) = dim.status_quo {
        rows.push(json!({
            "layer": "status_quo", "position": sq, "text": format!("status quo {}", trim(sq)),
            "source": dim.status_quo_source, "as_of": result.as_of,
        }));
    }
    let x = json!({"field": "turn", "type": "quantitative", "title": "bargaining turn",
                   "axis": {"format": "d", "tickMinStep": 1, "labelOverlap": true},
                   "scale": {"domain": [0, last_turn.max(1)], "nice": false}});
    let y = json!({"field": "position", "type": "quantitative", "title": dim.unit,
                   "axis": {"tickCount": 5},
                   "scale": {"domain": [dim.scale_min, dim.scale_max], "nice": false}});
    let colour = json!({"field": "actor", "type": "nominal", "legend": null,
        "scale": {"domain": result.actors,
                  "range": (0..result.actors.len()).map(|i| actor_style(i).0).collect::<Vec<_>>()}});
    let dash = json!({"field": "actor", "type": "nominal", "legend": null,
        "scale": {"domain": result.actors,
                  "range": (0..result.actors.len()).map(|i| actor_style(i).1).collect::<Vec<_>>()}});
    let only = |layer: &str| json!([{"filter": {"field": "layer", "equal": layer}}]);
    let layers = json!([
        {"transform": only("status_quo"), "mark": {"type": "rule", "color": GREY, "strokeDash": [4, 3], "strokeWidth": 1.5},
         "encoding": {"y": y, "tooltip": [{"field": "text", "title": "status quo"}, {"field": "as_of", "title": "as of"}, {"field": "source"}]}},
        {"transform": only("status_quo"), "mark": {"type": "text", "align": "left", "baseline": "bottom", "dx": 4, "dy": -2, "color": "#555", "fontSize": 12},
         "encoding": {"x": {"value": 0}, "y": y, "text": {"field": "text"}}},
        {"transform": only("line"), "mark": {"type": "line"},
         "encoding": {"x": x, "y": y, "color": colour, "strokeDash": dash, "detail": {"field": "actor"}}},
        {"transform": only("line"), "mark": {"type": "point", "filled": true, "size": 30},
         "encoding": {"x": x, "y": y, "color": colour,
            "tooltip": [{"field": "name", "title": "actor"}, {"field": "turn", "format": "d"},
                        {"field": "position", "format": ",.2f"}, {"field": "unit"},
                        {"field": "same_position", "title": "same position"}]}},
        {"transform": only("label"), "mark": {"type": "text", "align": "left", "baseline": "middle", "dx": 6, "fontSize": 12},
         "encoding": {"x": x, "y": y, "text": {"field": "text"}, "color": {"field": "colour", "type": "nominal", "scale": null},
            "tooltip": [{"field": "actors", "title": "actors"}, {"field": "codes", "title": "codes"}, {"field": "position", "title": "final position (mean of group)", "format": ",.2f"}]}}
    ]);
    VegaChart::new(
        chart_name(&result.issue, &dim.id),
        format!("{}: {}", result.name, dim.name),
        format!(
            "{source}; KTAB Spatial Model of Politics, default parameters, seed {}, {} ({}); {} to {}; labels at the last turn group actors within {:.0}% of the scale",
            result.seed,
            orbit_scenario::counted(result.turns, "turn", "turns"),
            stop_text(result),
            dim.min_label,
            dim.max_label,
            100.0 * LABEL_GAP
        ),
        spec(HEIGHT, rows, json!({ "layer": layers })),
    )
}

/// The file stem of dimension `dimension`'s chart of issue `issue`.
pub fn chart_name(issue: &str, dimension: &str) -> String {
    format!(
        "smp_{}_{}",
        crate::charts::file_stem(issue),
        crate::charts::file_stem(dimension)
    )
}

/// One chart per dimension of `result`.
pub fn smp_charts(
    result: &SmpIssueResult,
    actor_name: &dyn Fn(&str) -> String,
    source: &str,
) -> Vec<VegaChart> {
    (0..result.dimensions.len())
        .map(|d| smp_dimension(result, d, actor_name, source))
        .collect()
}

fn stop_text(result: &SmpIssueResult) -> String {
    match result.stop {
        orbit_models::ktab::StopReason::Converged { iteration, .. } => {
            format!("converged at turn {iteration}")
        }
        orbit_models::ktab::StopReason::MaxIterations => "stopped at KTAB's 100 turns".into(),
    }
}

/// A number without a trailing `.0`.
fn trim(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}
