//! The per-issue charts that were plotters SVGs: the expected utility model's rounds and the
//! Monte Carlo distributions of every model's forecast, as Vega-Lite specs (see
//! [`crate::vega`] for the rules every spec follows).
//!
//! - Rounds: actors whose positions are equal in every round share one line, labelled with
//!   all their names, so a trajectory is never hidden under another (Scholz, Calbert & Smith
//!   2011 describe the rounds; the median voter of each round is the forecast path).
//! - Monte Carlo: every model's panel uses the same bins (the issue's scale cut into
//!   [`BINS`] equal bins), shows the median and the 5th–95th percentiles, and never a lone
//!   mean: a distribution with more than one mode says so, with the share of draws in each.

use std::fmt::Write as _;

use orbit_models::forecast::{IssueForecast, Model};
use orbit_models::sensitivity::ModelDistribution;
use serde_json::{Value, json};

use crate::charts::{file_stem, scale_value};
use crate::data::IssueSummary;
use crate::vega::{self, VegaChart};

/// Bins of every Monte Carlo panel across the issue's scale.
pub const BINS: usize = 20;

/// Colours of the distinct paths (Okabe & Ito 2008 without black, which is the median
/// voter's); more paths than colours repeat them with a dashed line.
const PATH_COLOURS: [&str; 6] = [
    vega::BLUE,
    vega::VERMILLION,
    vega::GREEN,
    vega::ORANGE,
    vega::PURPLE,
    vega::SKY,
];

/// The issue's scale: the forecast's, the summary's, else the range of the positions.
pub fn issue_scale(f: &IssueForecast, issue: Option<&IssueSummary>) -> (f64, f64) {
    if let Some(s) = f.scale.or_else(|| issue.map(|s| (s.scale[0], s.scale[1])))
        && s.1 > s.0
    {
        return s;
    }
    let positions = f
        .actors
        .iter()
        .map(|a| a.position)
        .filter(|p| p.is_finite());
    let (lo, hi) = positions.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
        (a.min(p), b.max(p))
    });
    if lo.is_finite() && hi > lo {
        (lo, hi)
    } else if lo.is_finite() {
        (lo - 1.0, lo + 1.0)
    } else {
        (0.0, 1.0)
    }
}

/// One line of the rounds chart: the actors whose positions are equal in every round.
#[derive(Debug, Clone, PartialEq)]
pub struct DistinctPath {
    pub actors: Vec<String>,
    /// Position after each round (round 0: as coded).
    pub positions: Vec<f64>,
}

/// Groups the actors of an EUM run by their whole trajectory: two actors share a path when
/// every round's positions differ by less than `1e-9` of the scale's width.
pub fn distinct_paths(f: &IssueForecast, width: f64) -> Vec<DistinctPath> {
    let Some(eum) = &f.eum else {
        return Vec::new();
    };
    let tolerance = 1e-9 * width.abs().max(1e-12);
    let mut out: Vec<DistinctPath> = Vec::new();
    for (a, name) in eum.actors.iter().enumerate() {
        let path: Vec<f64> = eum
            .rounds
            .iter()
            .map(|r| r.positions.get(a).copied().unwrap_or(f64::NAN))
            .collect();
        let same = |p: &DistinctPath| {
            p.positions.len() == path.len()
                && p.positions
                    .iter()
                    .zip(&path)
                    .all(|(x, y)| (x - y).abs() <= tolerance)
        };
        match out.iter_mut().find(|p| same(p)) {
            Some(p) => p.actors.push(name.clone()),
            None => out.push(DistinctPath {
                actors: vec![name.clone()],
                positions: path,
            }),
        }
    }
    out
}

/// The expected utility model's positions by round: one line per distinct path (its legend
/// entry names every actor on it), the median voter dashed in black.
pub fn eum_rounds(
    f: &IssueForecast,
    issue: Option<&IssueSummary>,
    scenario: &str,
    name: &str,
) -> Option<VegaChart> {
    let eum = f.eum.as_ref()?;
    let (lo, hi) = issue_scale(f, issue);
    let paths = distinct_paths(f, hi - lo);
    let unit = vega::issue_unit(issue);
    let mut rows = Vec::new();
    let mut labels = Vec::new();
    let tolerance = 1e-9 * (hi - lo).abs().max(1e-12);
    let medians: Vec<f64> = eum.rounds.iter().map(|r| r.median).collect();
    let mut median_on = None;
    for p in &paths {
        let mut label = if p.actors.len() == 1 {
            p.actors[0].clone()
        } else {
            format!("{} (same path)", p.actors.join(", "))
        };
        // The median voter is often an actor: say so, since its dashed line covers that
        // actor's line.
        if p.positions.len() == medians.len()
            && p.positions
                .iter()
                .zip(&medians)
                .all(|(a, b)| (a - b).abs() <= tolerance)
        {
            label.push_str(" = median voter");
            median_on = Some(p.actors.join(", "));
        }
        labels.push(label.clone());
        for (round, position) in p.positions.iter().enumerate() {
            if !position.is_finite() {
                continue;
            }
            rows.push(
                json!({"layer": "path", "path": label, "actors": p.actors.join(", "),
                "round": round, "position": position}),
            );
        }
    }
    for r in &eum.rounds {
        if r.median.is_finite() {
            rows.push(
                json!({"layer": "median", "round": r.round, "position": r.median,
                "path": match &median_on {
                    Some(actors) => format!("median voter (the forecast path; the same as {actors})"),
                    None => "median voter (the forecast path)".to_string(),
                }}),
            );
        }
    }
    let colours: Vec<&str> = (0..labels.len())
        .map(|i| PATH_COLOURS[i % PATH_COLOURS.len()])
        .collect();
    let dashes: Vec<Value> = (0..labels.len())
        .map(|i| {
            if i < PATH_COLOURS.len() {
                json!([1, 0])
            } else {
                json!([6, 3])
            }
        })
        .collect();
    let last = eum.rounds.len().saturating_sub(1).max(1);
    let x = json!({"field": "round", "type": "quantitative", "title": "round (0 = positions as coded)",
        "axis": {"format": "d", "tickMinStep": 1, "labelOverlap": true}, "scale": {"domain": [0, last], "nice": false}});
    let y = json!({"field": "position", "type": "quantitative", "title": unit,
        "scale": {"domain": [lo, hi], "nice": false, "padding": 8}});
    let colour = json!({"field": "path", "type": "nominal", "title": "actors (one line per distinct path)",
        "scale": {"domain": labels, "range": colours}, "legend": {"columns": 1, "orient": "bottom", "direction": "vertical", "labelLimit": 560, "titleLimit": 560}});
    // The same field, title and legend settings as the colour, so vega-lite merges the two
    // into one legend whose symbols show the dash too.
    let dash = json!({"field": "path", "type": "nominal", "title": "actors (one line per distinct path)",
        "scale": {"domain": labels, "range": dashes}, "legend": {"columns": 1, "orient": "bottom", "direction": "vertical", "labelLimit": 560, "titleLimit": 560}});
    let tooltip =
        json!([{"field": "actors"}, {"field": "round"}, {"field": "position", "format": ".1f"}]);
    let layers = json!([
        {"transform": vega::only("path"), "mark": {"type": "line", "strokeWidth": 2.5},
         "encoding": {"x": x, "y": y, "color": colour, "strokeDash": dash, "detail": {"field": "path"}}},
        {"transform": vega::only("path"), "mark": {"type": "point", "filled": true, "size": 45},
         "encoding": {"x": x, "y": y, "color": colour, "tooltip": tooltip}},
        {"transform": vega::only("median"), "mark": {"type": "line", "color": "#000", "strokeDash": [6, 4], "strokeWidth": 2},
         "encoding": {"x": x, "y": y}},
        {"transform": vega::only("median"), "mark": {"type": "point", "color": "#000", "shape": "diamond", "size": 40, "filled": true},
         "encoding": {"x": x, "y": y, "tooltip": [{"field": "path"}, {"field": "round"}, {"field": "position", "format": ".1f"}]}}
    ]);
    let shared = paths.iter().filter(|p| p.actors.len() > 1).count();
    let title = format!(
        "{name}: expected utility model, positions by round (black dashed: median voter, forecast {})",
        scale_value(eum.forecast)
    );
    let source = format!(
        "Source: scenario {scenario}; {} actors on {}{}; expected utility model (Scholz, Calbert & Smith 2011); {}",
        eum.actors.len(),
        orbit_scenario::counted(paths.len(), "distinct path", "distinct paths"),
        if shared > 0 {
            " (actors with identical positions in every round share one line, named together in the legend)"
        } else {
            ""
        },
        issue.map_or("the issue's positions".to_string(), |i| i.source.clone()),
    );
    Some(VegaChart::new(
        format!("eum_rounds_{}", file_stem(&f.issue)),
        title,
        source,
        vega::spec(240, rows, json!({ "layer": layers })),
    ))
}

/// A model's draws on the common bins: `(bin index, count)` re-binned from the model's own
/// equal-width histogram over the range it saw, each of its bins assigned whole to the
/// common bin holding its midpoint (every draw equal: all at that value). The model's bins
/// are at most as wide as the common ones (its range lies on the scale), so a draw lands at
/// most one common bin away from where the draws themselves would put it.
pub fn common_bins(d: &ModelDistribution, lo: f64, hi: f64) -> Vec<usize> {
    let width = (hi - lo) / BINS as f64;
    let mut out = vec![0; BINS];
    let index = |v: f64| -> usize {
        if !v.is_finite() || width <= 0.0 {
            return 0;
        }
        (((v - lo) / width).floor().max(0.0) as usize).min(BINS - 1)
    };
    let h = &d.histogram;
    for (b, &count) in h.counts.iter().enumerate() {
        if count == 0 {
            continue;
        }
        let value = if d.sd == 0.0 && d.mean.is_finite() {
            d.mean
        } else {
            match (h.edges.get(b), h.edges.get(b + 1)) {
                (Some(a), Some(z)) => 0.5 * (a + z),
                (Some(a), None) => *a,
                _ => continue,
            }
        };
        out[index(value)] += count;
    }
    out
}

/// A group of draws: the bins `first..=last` and the share of all draws in them.
#[derive(Debug, Clone, PartialEq)]
pub struct Mode {
    pub first: usize,
    pub last: usize,
    pub share: f64,
}

/// Share of the draws a group needs to count as a mode.
pub const MODE_SHARE: f64 = 0.05;

/// The modes of binned draws: groups of bins separated by at least one bin holding at most
/// 1% of the draws, keeping those with at least [`MODE_SHARE`] of the draws. A rule of
/// thumb, not a test: it finds the separated clusters the bargaining models produce (the
/// median voter jumps between actors' positions) and says nothing of a dip inside one
/// cluster. Two or more modes mean a mean would describe a value few draws take.
pub fn modes(counts: &[usize]) -> Vec<Mode> {
    let total: usize = counts.iter().sum();
    if total == 0 {
        return Vec::new();
    }
    let sparse = |c: usize| (c as f64) <= 0.01 * total as f64;
    let mut groups: Vec<(usize, usize, usize)> = Vec::new();
    let mut current: Option<(usize, usize, usize)> = None;
    for (i, &c) in counts.iter().enumerate() {
        if sparse(c) {
            if let Some(g) = current.take() {
                groups.push(g);
            }
            // A near-empty bin still holds draws: give them to the group they touch.
            if c > 0
                && let Some(last) = groups.last_mut()
                && last.1 + 1 == i
            {
                last.2 += c;
            }
            continue;
        }
        current = Some(match current {
            Some((first, _, n)) => (first, i, n + c),
            None => (i, i, c),
        });
    }
    if let Some(g) = current {
        groups.push(g);
    }
    groups
        .into_iter()
        .map(|(first, last, n)| Mode {
            first,
            last,
            share: n as f64 / total as f64,
        })
        .filter(|m| m.share >= MODE_SHARE)
        .collect()
}

/// `"two modes: 8% of draws at 0–20, 92% at 80–100"`, or `None` for one mode.
pub fn modes_text(modes: &[Mode], lo: f64, hi: f64) -> Option<String> {
    if modes.len() < 2 {
        return None;
    }
    let width = (hi - lo) / BINS as f64;
    let count = match modes.len() {
        2 => "two".to_string(),
        3 => "three".to_string(),
        n => n.to_string(),
    };
    let parts: Vec<String> = modes
        .iter()
        .map(|m| {
            format!(
                "{:.0}% of draws at {}–{}",
                100.0 * m.share,
                scale_value(lo + width * m.first as f64),
                scale_value(lo + width * (m.last + 1) as f64)
            )
        })
        .collect();
    Some(format!(
        "{count} modes: {} (no mean: it would fall between them)",
        parts.join(", ")
    ))
}

/// The Monte Carlo shape of one model's forecast for tables: its modes, or `one mode`.
pub fn shape(d: &ModelDistribution, lo: f64, hi: f64) -> String {
    if d.draws == 0 {
        return "no draw gave a forecast".into();
    }
    modes_text(&modes(&common_bins(d, lo, hi)), lo, hi).unwrap_or_else(|| "one mode".into())
}

/// One panel per model of the forecasts over the perturbed draws, all on the issue's scale
/// with the same [`BINS`] bins: bars are shares of the draws, the band the 5th–95th
/// percentiles, the solid rule the median, the dashed rule the unperturbed forecast.
pub fn monte_carlo(
    f: &IssueForecast,
    issue: Option<&IssueSummary>,
    scenario: &str,
    name: &str,
) -> Vec<VegaChart> {
    let Some(mc) = &f.monte_carlo else {
        return Vec::new();
    };
    let (lo, hi) = issue_scale(f, issue);
    let width = (hi - lo) / BINS as f64;
    let unit = vega::issue_unit(issue);
    let point: Vec<(Model, f64)> = f.forecasts();
    // One y range for every panel, so bar heights compare across models.
    let tallest = mc
        .models
        .iter()
        .flat_map(|d| {
            let total = d.draws.max(1) as f64;
            common_bins(d, lo, hi)
                .into_iter()
                .map(move |c| c as f64 / total)
        })
        .fold(0.0_f64, f64::max);
    let top = ((tallest * 10.0).ceil() / 10.0).clamp(0.1, 1.0);
    let mut out = Vec::new();
    for d in &mc.models {
        let label = model_label(d.model);
        let counts = common_bins(d, lo, hi);
        let found = modes(&counts);
        let mut rows = Vec::new();
        let total = d.draws.max(1) as f64;
        for (b, &c) in counts.iter().enumerate() {
            if c == 0 {
                continue;
            }
            let (a, z) = (lo + width * b as f64, lo + width * (b + 1) as f64);
            rows.push(json!({"layer": "bin", "model": label, "from": a, "to": z, "draws": c, "share": c as f64 / total,
                "bin": format!("{}–{}", scale_value(a), scale_value(z))}));
        }
        if d.draws > 0 {
            rows.push(
                json!({"layer": "band", "p5": d.p5, "p95": d.p95, "what": "5th–95th percentile",
                "range": format!("{}–{}", scale_value(d.p5), scale_value(d.p95))}),
            );
            rows.push(json!({"layer": "median", "value": d.p50, "what": "median of the draws"}));
        }
        if let Some((_, v)) = point.iter().find(|(m, _)| *m == d.model) {
            rows.push(json!({"layer": "forecast", "value": v, "what": "unperturbed forecast"}));
        }
        let x = json!({"field": "from", "type": "quantitative", "title": unit,
            "scale": {"domain": [lo, hi], "nice": false}});
        let y = json!({"field": "share", "type": "quantitative", "title": "share of draws (%)",
            "axis": {"format": ".0%", "tickCount": 3}, "scale": {"domain": [0, top]}});
        let rule_x = json!({"field": "value", "type": "quantitative"});
        let layers = json!([
            {"transform": vega::only("band"), "mark": {"type": "rect", "color": vega::GREY, "opacity": 0.2},
             "encoding": {"x": {"field": "p5", "type": "quantitative"}, "x2": {"field": "p95"},
                          "tooltip": [{"field": "what"}, {"field": "range"}]}},
            {"transform": vega::only("bin"), "mark": {"type": "rect", "color": model_colour(d.model), "opacity": 0.85, "stroke": "#fff", "strokeWidth": 0.5},
             "encoding": {"x": x, "x2": {"field": "to"}, "y": y,
                          "tooltip": [{"field": "model"}, {"field": "bin", "title": "forecast between"}, {"field": "draws"}, {"field": "share", "format": ".1%"}]}},
            {"transform": vega::only("median"), "mark": {"type": "rule", "color": "#000", "strokeWidth": 2},
             "encoding": {"x": rule_x, "tooltip": [{"field": "what"}, {"field": "value", "format": ".1f"}]}},
            {"transform": vega::only("forecast"), "mark": {"type": "rule", "color": "#000", "strokeDash": [5, 3], "strokeWidth": 1.5},
             "encoding": {"x": rule_x, "tooltip": [{"field": "what"}, {"field": "value", "format": ".1f"}]}}
        ]);
        let mut summary = if d.draws > 0 {
            format!(
                "{label}: median {}, 90% between {} and {}",
                scale_value(d.p50),
                scale_value(d.p5),
                scale_value(d.p95)
            )
        } else {
            format!("{label}: no draw gave a forecast")
        };
        if let Some(text) = modes_text(&found, lo, hi) {
            let _ = write!(summary, "; {text}");
        }
        let source = format!(
            "Source: scenario {scenario}; {} of {} Monte Carlo draws gave a forecast ({} failed; seed {}, {}). Bins: the scale in {BINS} bins of {}, re-binned from the model's own histogram by bin midpoint (a draw may sit one bin off). Grey band: 5th–95th percentile; solid rule: median; dashed: unperturbed forecast",
            d.draws,
            mc.draws,
            d.failed,
            mc.seed,
            mc.rng,
            scale_value(width),
        );
        let mut chart = VegaChart::new(
            format!("monte_carlo_{}_{}", file_stem(&f.issue), d.model.as_str()),
            summary,
            source,
            vega::spec(90, rows, json!({ "layer": layers })),
        );
        if let Some(obj) = chart.spec.as_object_mut() {
            obj.insert(
                "usermeta".into(),
                json!({"issue": f.issue, "issue_name": name, "model": d.model, "modes": found.iter().map(|m| json!({"first_bin": m.first, "last_bin": m.last, "share": m.share})).collect::<Vec<_>>()}),
            );
        }
        out.push(chart);
    }
    out
}

/// A model's name for people ([`Model::label`]).
pub fn model_label(model: Model) -> &'static str {
    model.label()
}

/// The colour of a model, the same as in the dot plots ([`vega::MODELS`]).
pub fn model_colour(model: Model) -> &'static str {
    vega::MODELS
        .iter()
        .find(|m| m.0 == model)
        .map_or(vega::GREY, |m| m.1)
}
