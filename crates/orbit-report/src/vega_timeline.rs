//! The event timeline as a Vega-Lite spec: a bubble per (year, kind) whose area is the number
//! of events, key events ringed and numbered in a strip above the bubbles.
//!
//! Rules that keep it readable in every filtered view:
//! - one column per year (a fixed step, so the chart scrolls sideways on a phone rather than
//!   squeezing labels together); the numbers of one year are stacked, one per line;
//! - a key event keeps its number in every view: the number is its place in the scenario's
//!   full list of key events (date order), not in the filtered list;
//! - the legends sit below the axis; an empty view has no chart ([`event_timeline`] returns
//!   `None`) and the page says that nothing matched.

use std::collections::BTreeMap;

use orbit_scenario::{EventKind, PartialDate};
use serde_json::{Value, json};

use crate::data::{EventCount, KeyEvent};
use crate::vega::{self, VegaChart};

pub const TITLE: &str = "Events by kind and year, key events numbered";

/// Pixels per year column.
const STEP: u32 = 25;
/// Largest bubble area in px² (the busiest cell).
const MAX_AREA: f64 = 420.0;

/// Kinds in the scenario vocabulary's order; kinds it does not know go last, sorted.
fn kinds(counts: &[EventCount]) -> Vec<String> {
    let mut out: Vec<String> = EventKind::ALL
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| counts.iter().any(|c| c.kind == *name))
        .map(str::to_string)
        .collect();
    let mut other: Vec<String> = counts
        .iter()
        .map(|c| c.kind.clone())
        .filter(|k| EventKind::parse(k).is_none())
        .collect();
    other.sort_unstable();
    other.dedup();
    out.extend(other);
    out
}

/// The number of each key event: its place (from 1) in `all`, the scenario's key events in
/// date order, found by id. The same event has the same number whatever the filter.
pub fn key_numbers<'a>(all: &[KeyEvent], shown: &'a [KeyEvent]) -> Vec<(usize, &'a KeyEvent)> {
    shown
        .iter()
        .filter_map(|e| all.iter().position(|a| a.id == e.id).map(|i| (i + 1, e)))
        .collect()
}

fn label(kind: &str) -> String {
    kind.replace('_', " ")
}

/// The timeline of `counts` with the numbered key events `keys` (from [`key_numbers`]);
/// `None` when there is no event to draw.
pub fn event_timeline(
    counts: &[EventCount],
    keys: &[(usize, &KeyEvent)],
    scenario: &str,
) -> Option<VegaChart> {
    if counts.iter().all(|c| c.count == 0) {
        return None;
    }
    let kinds = kinds(counts);
    let years = counts.iter().map(|c| c.year).chain(
        keys.iter()
            .filter_map(|(_, e)| PartialDate::parse(&e.date).ok().map(|d| d.year)),
    );
    let (first, last) = years.fold((i32::MAX, i32::MIN), |(a, b), y| (a.min(y), b.max(y)));
    let all_years: Vec<i32> = (first..=last).collect();
    let busiest = counts.iter().map(|c| c.count).max().unwrap_or(1).max(1) as f64;
    let area = |count: usize| MAX_AREA * count as f64 / busiest;
    let mut rows = Vec::new();
    for c in counts.iter().filter(|c| c.count > 0) {
        rows.push(
            json!({"layer": "count", "year": c.year, "kind": label(&c.kind), "events": c.count,
            "key_events": c.key, "area": area(c.count)}),
        );
    }
    // Key events: a ring round their cell, and their number in the strip above, stacked.
    let mut stacked: BTreeMap<i32, usize> = BTreeMap::new();
    let mut deepest = 1;
    for (number, e) in keys {
        let Ok(date) = PartialDate::parse(&e.date) else {
            continue;
        };
        let year = date.year;
        let depth = stacked.entry(year).or_insert(0);
        let count = counts
            .iter()
            .find(|c| c.year == year && c.kind == e.kind)
            .map_or(1, |c| c.count);
        let ring = (area(count).sqrt() + 7.0).powi(2);
        rows.push(json!({"layer": "key", "year": year, "kind": label(&e.kind), "number": number.to_string(),
            "stack": *depth, "ring": ring, "date": e.date, "event": e.description, "what": "key event (number above)"}));
        *depth += 1;
        deepest = deepest.max(*depth);
    }
    let x_domain: Vec<Value> = all_years.iter().map(|y| json!(y)).collect();
    let x = |axis: Value| {
        json!({"field": "year", "type": "ordinal", "title": if axis.is_null() { Value::Null } else { json!("year") },
            "scale": {"domain": x_domain}, "axis": axis})
    };
    let year_axis = json!({"labelAngle": -90, "labelOverlap": false, "labelPadding": 4});
    let y = json!({"field": "kind", "type": "nominal", "title": "event kind", "sort": kinds.iter().map(|k| label(k)).collect::<Vec<_>>(),
        "axis": {"labelLimit": 160}});
    let key_tooltip = json!([{"field": "number", "title": "key event"}, {"field": "date"}, {"field": "kind"}, {"field": "event"}]);
    let strip = json!({
        "height": 16 * deepest as u32,
        "width": {"step": STEP},
        "transform": vega::only("key"),
        "mark": {"type": "text", "fontSize": 12, "fontWeight": "bold", "color": vega::VERMILLION, "baseline": "middle"},
        "encoding": {"x": x(Value::Null), "y": {"field": "stack", "type": "ordinal", "axis": null, "scale": {"domain": (0..deepest).collect::<Vec<_>>()}},
                     "text": {"field": "number"}, "tooltip": key_tooltip}
    });
    let has_keys = rows.iter().any(|r| r["layer"] == "key");
    let mut layers = vec![
        json!({"transform": vega::only("count"), "mark": {"type": "circle", "color": vega::BLUE, "opacity": 0.7},
        "encoding": {"x": x(year_axis.clone()), "y": y,
            "size": {"field": "events", "type": "quantitative", "title": "events in the year",
                     "scale": {"domain": [0, busiest], "range": [0, MAX_AREA]},
                     "legend": {"values": legend_values(busiest as usize), "orient": "bottom", "direction": "horizontal"}},
            "tooltip": [{"field": "year"}, {"field": "kind"}, {"field": "events"}, {"field": "key_events", "title": "of them key events"}]}}),
    ];
    if has_keys {
        layers.push(json!({"transform": vega::only("key"), "mark": {"type": "point", "filled": false, "strokeWidth": 2},
            "encoding": {"x": x(year_axis), "y": y,
                "size": {"field": "ring", "type": "quantitative", "scale": null},
                "color": {"field": "what", "type": "nominal", "title": null, "scale": {"range": [vega::VERMILLION]},
                          "legend": {"orient": "bottom", "direction": "horizontal", "symbolType": "circle", "symbolFillColor": "transparent"}},
                "tooltip": key_tooltip}}));
    }
    let bubbles = json!({"height": {"step": 28}, "width": {"step": STEP}, "layer": layers});
    let body = if has_keys {
        json!({"vconcat": [strip, bubbles], "spacing": 4,
               "resolve": {"scale": {"x": "shared"}, "legend": {"size": "independent", "color": "independent"}}})
    } else {
        bubbles
    };
    let mut spec = vega::spec(0, rows, body);
    if let Some(obj) = spec.as_object_mut() {
        if has_keys {
            obj.remove("width");
            obj.remove("height");
        } else {
            obj.insert("width".into(), json!({"step": STEP}));
            obj.insert("height".into(), json!({"step": 28}));
        }
        obj.insert("autosize".into(), json!({"type": "pad"}));
    }
    let source = format!(
        "Source: scenario {scenario}; the timeline's events, each with its source in the scenario (events.csv) and in the table below. Numbers: the key events in date order, the same in every filtered view"
    );
    Some(VegaChart::new("event_timeline", TITLE, source, spec))
}

/// Bubble sizes for the legend: 1, the busiest count and one between.
fn legend_values(busiest: usize) -> Vec<usize> {
    let mut out = vec![1];
    if busiest >= 4 {
        out.push(busiest.div_ceil(2));
    }
    if busiest > 1 {
        out.push(busiest);
    }
    out
}

/// The numbered list of the key events shown, for under the chart: `<ol>` items carry the
/// same numbers as the chart.
pub fn key_list_html(keys: &[(usize, &KeyEvent)]) -> String {
    let mut out = String::from("<ol class=\"key-events\">\n");
    for (number, e) in keys {
        out.push_str(&format!(
            "<li value=\"{number}\" data-key=\"{}\"><span class=\"date\">{}</span> {}</li>\n",
            crate::html::escape(&e.id),
            crate::html::escape(&e.date),
            crate::html::escape(&e.description)
        ));
    }
    out.push_str("</ol>\n");
    out
}
