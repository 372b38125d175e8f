//! The Vega-Lite specs of the built-in scenario's report follow the chart rules: no text
//! under 12 px, a titled axis wherever an axis is drawn, colour-blind-safe colours, missing
//! data drawn as missing, and the story each chart is for (the CIS left out of the trade
//! shares, the narrative's 41% annotated, Belarus labelled in the transit game, a boundary
//! between data and projection, readable titles and units per simulation panel).

use std::sync::OnceLock;

use orbit_pipeline::{RawForecastOptions, RawRunOptions};
use orbit_report::RunReport;
use orbit_report::vega::{self, VegaChart};
use serde_json::Value;

fn report() -> &'static RunReport {
    static REPORT: OnceLock<RunReport> = OnceLock::new();
    REPORT.get_or_init(|| {
        let world = orbit_scenario::builtin().expect("the built-in scenario is valid");
        let raw = RawRunOptions {
            forecast: RawForecastOptions {
                runs: Some(40),
                seed: Some(7),
                ..RawForecastOptions::default()
            },
            simulation_runs: Some(4),
            simulation_from: Some(2015),
            simulation_to: Some(2026),
            backtest_cutoffs: Some(vec![2015, 2021]),
            ..RawRunOptions::default()
        };
        let plan = orbit_pipeline::resolve(&world, &raw, &orbit_pipeline::Limits::COMMAND_LINE)
            .expect("the plan checks");
        let results = orbit_pipeline::run(&world, &plan, &orbit_pipeline::Silent)
            .expect("the built-in scenario runs");
        orbit_report::build(&world, results)
    })
}

fn charts() -> &'static [VegaChart] {
    static CHARTS: OnceLock<Vec<VegaChart>> = OnceLock::new();
    CHARTS.get_or_init(|| vega::all(report()))
}

fn chart(name: &str) -> &'static VegaChart {
    charts()
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no chart {name}"))
}

/// Every value under a key whose name ends in `fontSize` or `FontSize`.
fn font_sizes(v: &Value, out: &mut Vec<f64>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k.ends_with("fontSize") || k.ends_with("FontSize") {
                    out.push(x.as_f64().unwrap_or(0.0));
                }
                font_sizes(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| font_sizes(x, out)),
        _ => {}
    }
}

/// Every colour literal (`#rrggbb`) in the spec.
fn colours(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) if s.len() == 7 && s.starts_with('#') => out.push(s.to_uppercase()),
        Value::Object(m) => m.values().for_each(|x| colours(x, out)),
        Value::Array(a) => a.iter().for_each(|x| colours(x, out)),
        _ => {}
    }
}

/// The unit views of a spec: its layers, those of each concatenated view, or the spec.
fn layers(c: &VegaChart) -> Vec<&Value> {
    fn walk<'a>(v: &'a Value, out: &mut Vec<&'a Value>) {
        if let Some(views) = v["layer"].as_array().or_else(|| v["vconcat"].as_array()) {
            views.iter().for_each(|x| walk(x, out));
        } else {
            out.push(v);
        }
    }
    let mut out = Vec::new();
    walk(&c.spec, &mut out);
    out
}

#[test]
fn every_spec_follows_the_rules() {
    // Okabe & Ito (2008) and greys.
    let safe = [
        vega::BLUE,
        vega::VERMILLION,
        vega::GREEN,
        vega::ORANGE,
        vega::PURPLE,
        vega::SKY,
        vega::GREY,
        vega::LIGHT_GREY,
        "#000000",
        "#000",
        "#333333",
        "#333",
        "#555555",
        "#555",
        "#FFFFFF",
        "#FFF",
        "#F2F2F2",
    ]
    .map(str::to_uppercase);
    assert!(charts().len() > 20);
    for c in charts() {
        let spec = &c.spec;
        assert_eq!(
            spec["$schema"],
            "https://vega.github.io/schema/vega-lite/v5.json"
        );
        assert!(!c.rows().is_empty(), "{}: no data", c.name);
        let mut sizes = Vec::new();
        font_sizes(spec, &mut sizes);
        assert!(!sizes.is_empty());
        for s in sizes {
            assert!(s >= 12.0, "{}: font size {s}", c.name);
        }
        let mut found = Vec::new();
        colours(spec, &mut found);
        for colour in found {
            assert!(safe.contains(&colour), "{}: colour {colour}", c.name);
        }
        // An axis drawn is an axis titled (the title names the unit); layers share axes.
        for channel in ["x", "y"] {
            let encodings: Vec<&Value> = layers(c)
                .into_iter()
                .map(|l| &l["encoding"][channel])
                .filter(|e| e.get("field").is_some())
                .collect();
            let drawn = encodings.iter().any(|e| {
                !(e.get("axis").is_some() && e["axis"].is_null()) && e["type"] != "nominal"
            });
            let titled = encodings
                .iter()
                .any(|e| e["title"].as_str().is_some_and(|t| !t.is_empty()));
            assert!(
                !drawn || titled,
                "{}: {channel} axis without a title",
                c.name
            );
        }
        // Every numeric value drawn is a number: nothing missing became 0 or NaN.
        for row in c.rows() {
            for (k, v) in row.as_object().unwrap() {
                if let Some(x) = v.as_f64() {
                    assert!(x.is_finite(), "{}: {k} = {x}", c.name);
                }
            }
        }
        assert!(!c.spec_for_html().contains('<'), "{}", c.name);
        let csv = c.to_csv();
        assert_eq!(csv.lines().count(), c.rows().len() + 1, "{}", c.name);
        assert!(
            c.caption().starts_with("Source: scenario union-state"),
            "{}",
            c.name
        );
    }
}

#[test]
fn trade_shares_leave_the_cis_out_draw_gaps_and_mark_the_narratives_figure() {
    let c = chart("trade_shares");
    let shares: Vec<&Value> = c.rows().iter().filter(|r| r["layer"] == "share").collect();
    assert!(
        shares
            .iter()
            .all(|r| r["partner"] == "RUS" || r["partner"] == "EU")
    );
    assert!(
        shares.iter().any(|r| r["flow"] == "turnover"),
        "the longest series"
    );
    // A line joins only consecutive years: each run of years one apart is one run id, so
    // the number of runs is one more than the number of gaps in the data.
    let runs = |series: &str| {
        let mut r: Vec<&str> = shares
            .iter()
            .filter(|x| x["series"] == series)
            .map(|x| x["run"].as_str().unwrap())
            .collect();
        r.dedup();
        r.len()
    };
    let gaps = |flow: &str| {
        let years: Vec<i32> = report()
            .dependence
            .years
            .iter()
            .filter(|y| {
                let shares = match flow {
                    "exports" => &y.export_shares,
                    _ => &y.import_shares,
                };
                shares.iter().any(|s| s.partner == "RUS")
            })
            .map(|y| y.year)
            .collect();
        years.windows(2).filter(|w| w[1] - w[0] > 1).count()
    };
    assert!(
        gaps("exports") > 0,
        "the scenario's export shares have gaps"
    );
    assert_eq!(runs("Russia: exports"), gaps("exports") + 1);
    assert_eq!(runs("Russia: imports"), gaps("imports") + 1);
    // No row for a missing year: every row's year has a share in the profile.
    for row in &shares {
        assert!(row["share"].is_number());
    }
    let figure = c
        .rows()
        .iter()
        .find(|r| r["layer"] == "figure")
        .expect("the narrative's figure is drawn");
    assert_eq!(figure["share"], 0.41);
    assert!(figure["label"].as_str().unwrap().contains("41%"));
    // The EU in grey, dashed.
    let colour = &layers(c)[0]["encoding"]["color"]["scale"];
    let domain = colour["domain"].as_array().unwrap();
    let range = colour["range"].as_array().unwrap();
    for (d, r) in domain.iter().zip(range) {
        if d.as_str().unwrap().starts_with("EU") {
            assert!(r == vega::GREY || r == vega::LIGHT_GREY);
        }
    }
}

#[test]
fn subsidy_estimates_carry_their_kind_and_total_support_has_its_own_axis() {
    let c = chart("energy_subsidy");
    let kinds: Vec<&str> = c.rows().iter().filter_map(|r| r["kind"].as_str()).collect();
    assert!(kinds.contains(&"computed: gas subsidy"));
    assert!(kinds.contains(&"estimate: energy subsidy"));
    // All Russian support is another measure: never on the energy subsidy's axis.
    assert!(!kinds.iter().any(|k| k.contains("total")), "{kinds:?}");
    let total = chart("total_support");
    assert!(!total.rows().is_empty());
    assert!(
        total
            .rows()
            .iter()
            .any(|r| (r["share"].as_f64().unwrap() - 0.171).abs() < 1e-9),
        "the scenario's russian_support_share_gdp"
    );
    let y = &total.spec["layer"][0]["encoding"]["y"]["title"];
    assert!(y.as_str().unwrap().contains("all Russian support"), "{y}");
    // The narrative's figure (15% of GDP, the same as one estimate) is drawn first, under
    // the bars, so it cannot hide one.
    let order: Vec<&str> = c.spec["layer"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["transform"][0]["filter"]["equal"].as_str().unwrap_or(""))
        .collect();
    let figure = order
        .iter()
        .position(|l| *l == "figure")
        .expect("the narrative's figure");
    let estimate = order.iter().position(|l| *l == "estimate").unwrap();
    assert!(figure < estimate, "{order:?}");
    let narrative = c.rows().iter().find(|r| r["layer"] == "figure").unwrap();
    assert!(
        c.rows()
            .iter()
            .any(|r| r["layer"] == "estimate" && r["share"] == narrative["share"]),
        "the case the rule is for: an estimate at the narrative's value"
    );
}

#[test]
fn eum_rounds_draw_each_distinct_path_once_naming_all_its_actors() {
    let r = report();
    let mut shared = 0;
    for f in r.forecasts.iter().filter(|f| f.eum.is_some()) {
        let eum = f.eum.as_ref().unwrap();
        let c = chart(&format!("eum_rounds_{}", f.issue));
        let mut series: std::collections::BTreeMap<&str, Vec<(u64, f64)>> = Default::default();
        let mut named: Vec<String> = Vec::new();
        for row in c.rows().iter().filter(|r| r["layer"] == "path") {
            let path = row["path"].as_str().unwrap();
            if !series.contains_key(path) {
                named.extend(
                    row["actors"]
                        .as_str()
                        .unwrap()
                        .split(", ")
                        .map(String::from),
                );
            }
            series.entry(path).or_default().push((
                row["round"].as_u64().unwrap(),
                row["position"].as_f64().unwrap(),
            ));
        }
        // Every actor on exactly one line.
        let mut actors = eum.actors.clone();
        actors.sort();
        named.sort();
        assert_eq!(named, actors, "{}", f.issue);
        // No two lines coincide, so none hides another.
        let lines: Vec<&Vec<(u64, f64)>> = series.values().collect();
        for (i, a) in lines.iter().enumerate() {
            for b in &lines[i + 1..] {
                assert!(
                    a.iter()
                        .zip(b.iter())
                        .any(|(x, y)| (x.1 - y.1).abs() > 1e-9),
                    "{}",
                    f.issue
                );
            }
        }
        // Actors with identical rounds share a line.
        for (i, a) in eum.actors.iter().enumerate() {
            for (j, b) in eum.actors.iter().enumerate().skip(i + 1) {
                let same = eum
                    .rounds
                    .iter()
                    .all(|r| (r.positions[i] - r.positions[j]).abs() < 1e-12);
                let line_of = |who: &str| {
                    c.rows()
                        .iter()
                        .find(|r| {
                            r["layer"] == "path"
                                && r["actors"].as_str().unwrap().split(", ").any(|x| x == who)
                        })
                        .map(|r| r["path"].clone())
                };
                assert_eq!(same, line_of(a) == line_of(b), "{}: {a} and {b}", f.issue);
                shared += usize::from(same);
            }
        }
    }
    assert!(
        shared > 0,
        "the built-in scenario has actors on identical paths"
    );
}

#[test]
fn monte_carlo_panels_share_bins_and_name_modes_instead_of_a_mean() {
    use orbit_report::vega_issue::{BINS, modes};
    let mut bimodal = 0;
    for f in &report().forecasts {
        let panels: Vec<&VegaChart> = charts()
            .iter()
            .filter(|c| {
                c.name.starts_with("monte_carlo_") && c.spec["usermeta"]["issue"] == *f.issue
            })
            .collect();
        assert_eq!(
            panels.len(),
            f.monte_carlo.as_ref().unwrap().models.len(),
            "{}",
            f.issue
        );
        let mut widths = Vec::new();
        for c in &panels {
            let bins: Vec<&Value> = c.rows().iter().filter(|r| r["layer"] == "bin").collect();
            let mut counts = vec![0; BINS];
            for b in &bins {
                widths.push(b["to"].as_f64().unwrap() - b["from"].as_f64().unwrap());
                let (lo, hi) = f.scale.unwrap();
                let i = ((b["from"].as_f64().unwrap() - lo) / ((hi - lo) / BINS as f64)).round()
                    as usize;
                counts[i] = b["draws"].as_u64().unwrap() as usize;
            }
            let draws: usize = counts.iter().sum();
            let model = c.spec["usermeta"]["model"].as_str().unwrap();
            let d = f
                .monte_carlo
                .as_ref()
                .unwrap()
                .models
                .iter()
                .find(|m| m.model.as_str() == model)
                .unwrap();
            assert_eq!(draws, d.draws, "{}: every draw in a bin", c.name);
            assert!(
                c.rows().iter().any(|r| r["layer"] == "median"),
                "{}",
                c.name
            );
            assert!(c.rows().iter().any(|r| r["layer"] == "band"), "{}", c.name);
            assert!(
                !c.title.replace("no mean", "").contains("mean"),
                "{}",
                c.title
            );
            if modes(&counts).len() >= 2 {
                bimodal += 1;
                assert!(
                    c.title.contains("modes:") && c.title.contains("% of draws"),
                    "{}",
                    c.title
                );
            }
        }
        let first = widths[0];
        assert!(
            widths.iter().all(|w| (w - first).abs() < 1e-9),
            "{}: {widths:?}",
            f.issue
        );
    }
    assert!(bimodal > 0, "the built-in scenario has bimodal forecasts");
}

#[test]
fn modes_are_separated_groups_of_draws() {
    use orbit_report::vega_issue::modes;
    assert!(modes(&[]).is_empty());
    assert_eq!(modes(&[0, 5, 20, 5, 0]).len(), 1);
    // Two clusters with an empty stretch between: two modes, shares as counted.
    let m = modes(&[10, 0, 0, 0, 90]);
    assert_eq!(m.len(), 2);
    assert!((m[0].share - 0.1).abs() < 1e-12 && (m[1].share - 0.9).abs() < 1e-12);
    // A stray 2% is not a mode.
    assert_eq!(modes(&[2, 0, 0, 98]).len(), 1);
}

#[test]
fn timeline_numbers_key_events_as_in_the_full_list_and_draws_nothing_for_nothing() {
    use orbit_report::vega_timeline::{event_timeline, key_numbers};
    let r = report();
    let later: Vec<_> = r
        .key_events
        .iter()
        .filter(|e| e.date.as_str() >= "2010")
        .cloned()
        .collect();
    let numbers = key_numbers(&r.key_events, &later);
    let first_later = r
        .key_events
        .iter()
        .position(|e| e.date.as_str() >= "2010")
        .unwrap();
    assert_eq!(numbers[0].0, first_later + 1, "numbering restarted");
    let c = event_timeline(&r.event_counts, &numbers, "union-state").unwrap();
    let drawn: Vec<&str> = c
        .rows()
        .iter()
        .filter(|r| r["layer"] == "key")
        .map(|r| r["number"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = numbers.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(drawn, expected);
    // Numbers of one year are stacked, never side by side.
    let mut cells = std::collections::BTreeSet::new();
    for row in c.rows().iter().filter(|r| r["layer"] == "key") {
        assert!(
            cells.insert((row["year"].as_i64(), row["stack"].as_i64())),
            "{row}"
        );
    }
    assert!(event_timeline(&[], &[], "union-state").is_none());
}

#[test]
fn transit_game_highlights_belarus_and_draws_networks_without_axes() {
    let c = chart("shapley_epochs");
    let labels: Vec<&str> = c
        .rows()
        .iter()
        .filter(|r| r["player"] == "BLR")
        .map(|r| r["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["4.4%", "3.4%", "3.0%", "0.0%"]);
    for year in [2005, 2012, 2020, 2022] {
        let n = chart(&format!("transit_network_{year}"));
        for layer in layers(n) {
            for channel in ["x", "y"] {
                let enc = &layer["encoding"][channel];
                if enc.get("field").is_some() {
                    assert!(enc["axis"].is_null() && enc.get("axis").is_some());
                }
            }
        }
        assert_eq!(layers(n)[0]["encoding"]["strokeWidth"]["field"], "capacity");
    }
    // 2022: Yamal-Europe through Belarus stopped, so no Russia -> Belarus line.
    assert!(
        !chart("transit_network_2022")
            .rows()
            .iter()
            .any(|r| r["route"] == "Russia → Belarus")
    );
}

#[test]
fn issue_dots_show_every_issue_with_intervals_and_known_outcomes() {
    let c = chart("issue_dots");
    let r = report();
    for f in &r.forecasts {
        let name = f.name.as_deref().unwrap();
        assert!(
            c.rows()
                .iter()
                .any(|x| x["issue"] == name && x["layer"] == "status quo")
        );
    }
    let outcomes: Vec<&Value> = c
        .rows()
        .iter()
        .filter(|x| x["layer"] == "outcome")
        .collect();
    assert!(!outcomes.is_empty(), "the backtests know outcomes");
    assert!(
        c.rows()
            .iter()
            .any(|x| x["layer"] == "forecast" && x["lo"].is_number() && x["hi"].is_number())
    );
    for x in c.rows() {
        if let Some(v) = x["x"].as_f64() {
            assert!((0.0..=1.0).contains(&v), "{x}");
        }
    }
}

#[test]
fn simulation_panels_have_titles_units_a_boundary_and_observations() {
    let panels = vega::simulation_panels(report());
    assert!(panels.len() >= 8);
    for p in &panels {
        assert!(
            !p.title.contains("trade_share.") && !p.title.contains("eum."),
            "{}",
            p.title
        );
        assert!(
            p.rows()
                .iter()
                .any(|r| r["layer"] == "boundary" && r["year"] == 2022),
            "{}",
            p.name
        );
    }
    let transit = chart("simulation_transit_share_blr");
    let y = &layers(transit)[0]["encoding"]["y"];
    assert_eq!(y["title"], "Shapley share (%)");
    let top = y["scale"]["domain"][1].as_f64().unwrap();
    assert!(top < 0.1, "a 3% share on a 0-{top} axis");
    let gas = chart("simulation_price_gas_blr");
    let y = &layers(gas)[0]["encoding"]["y"];
    assert_eq!(y["title"], "USD per 1000 m³");
    assert_eq!(y["scale"]["domain"][0], 0.0, "a price axis starts at 0");
    assert!(gas.rows().iter().any(|r| r["layer"] == "observed"));
    let issue = chart("simulation_eum_gas_price");
    assert_eq!(
        layers(issue)[0]["encoding"]["y"]["title"],
        "USD per 1000 m³"
    );
}

#[test]
fn backtest_skill_and_headline_agree_with_the_cli_counts() {
    let r = report();
    let c = chart("backtest_skill");
    let total: u64 = c
        .rows()
        .iter()
        .map(|x| x["questions"].as_u64().unwrap())
        .sum();
    let scores = r.backtest.iter().map(|b| b.scores.len()).sum::<usize>();
    assert_eq!(total as usize, scores);
    let better = r
        .backtest
        .iter()
        .flat_map(|b| &b.scores)
        .filter(|s| s.model_error + 1e-9 < s.status_quo_error)
        .count();
    let headline = vega::headline(r);
    let ids: Vec<&str> = headline.iter().map(|h| h.id).collect();
    assert_eq!(
        ids,
        [
            "exports_share",
            "energy_subsidy",
            "transit_share",
            "largest_forecast_move",
            "backtest_better"
        ]
    );
    let b = headline.iter().find(|h| h.id == "backtest_better").unwrap();
    assert_eq!(b.value, better as f64);
    let exports = headline.iter().find(|h| h.id == "exports_share").unwrap();
    assert_eq!(exports.value, 0.411);
    assert_eq!(exports.display, "41.1%");
    let transit = headline.iter().find(|h| h.id == "transit_share").unwrap();
    assert_eq!(transit.display, "4.4% → 0.0%");
    // The verdict table says the same.
    let table = orbit_report::tables::all(r)
        .into_iter()
        .find(|t| t.name == "backtest_summary")
        .unwrap();
    let last = table.rows.last().unwrap();
    assert_eq!(last[2].display(), better.to_string());
}

#[test]
fn a_report_without_data_leaves_charts_out_instead_of_drawing_zeros() {
    let mut r = report().clone();
    r.dependence.years.clear();
    r.transit_game = None;
    r.backtest.clear();
    let ids: Vec<&str> = vega::headline(&r).iter().map(|h| h.id).collect();
    assert_eq!(ids, ["largest_forecast_move"]);
    let trade = vega::trade_shares(&r.dependence, &r.figure_checks, "x", false);
    assert!(trade.rows().iter().all(|row| row["layer"] != "share"));
}

#[test]
fn issue_detail_gives_each_actor_a_row_the_unit_and_the_outcome() {
    let gas = chart("issue_gas_price");
    let actor_layer = |c: &'static VegaChart| {
        layers(c)
            .into_iter()
            .find(|l| l["transform"][0]["filter"]["equal"] == "actor")
            .unwrap()
    };
    let x = &actor_layer(gas)["encoding"]["x"];
    assert_eq!(
        x["title"], "USD per 1000 m³",
        "not a position on a 0-300 scale"
    );
    let actors: Vec<&str> = gas
        .rows()
        .iter()
        .filter(|r| r["layer"] == "actor")
        .map(|r| r["row"].as_str().unwrap())
        .collect();
    let mut unique = actors.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(
        actors.len(),
        unique.len(),
        "one row per actor, no joined labels"
    );
    let base = chart("issue_russian_air_base");
    let outcome = base
        .rows()
        .iter()
        .find(|r| r["layer"] == "outcome")
        .expect("the backtest's outcome is marked");
    assert_eq!(outcome["value"], 80.0);
    // Actors in grey, models in their own colours: no actor shares a model's colour.
    assert_eq!(actor_layer(base)["mark"]["color"], "#333");
}

// ---- KTAB SMP (issue 14) ------------------------------------------------------------------

#[test]
fn smp_charts_have_one_panel_per_dimension_units_and_labels_that_do_not_overlap() {
    let r = &report().smp[0];
    for dim in &r.dimensions {
        let c = chart(&orbit_report::vega_smp::chart_name(&r.issue, &dim.id));
        assert!(c.title.contains(&dim.name), "{}", c.title);
        let line_layers: Vec<&Value> = layers(c)
            .into_iter()
            .filter(|l| l["transform"][0]["filter"]["equal"] == "line")
            .collect();
        assert!(
            line_layers
                .iter()
                .all(|l| l["encoding"]["y"]["title"] == dim.unit.as_str())
        );
        assert!(
            line_layers
                .iter()
                .any(|l| l["encoding"]["tooltip"].is_array())
        );
        let lines = c.rows().iter().filter(|r| r["layer"] == "line").count();
        assert_eq!(lines, r.history.len() * r.actors.len());
        // Every actor is named once among the labels, and labels are far enough apart.
        let labels: Vec<&Value> = c.rows().iter().filter(|r| r["layer"] == "label").collect();
        let mut named: Vec<&str> = labels
            .iter()
            .flat_map(|l| l["codes"].as_str().unwrap().split(", "))
            .collect();
        named.sort_unstable();
        let mut actors: Vec<&str> = r.actors.iter().map(String::as_str).collect();
        actors.sort_unstable();
        assert_eq!(named, actors);
        for l in &labels {
            let text = l["text"].as_str().unwrap();
            assert!(
                text.chars().count() <= orbit_report::vega_smp::LABEL_CHARS + 12,
                "{text}"
            );
        }
        let mut ys: Vec<f64> = labels
            .iter()
            .map(|l| l["position"].as_f64().unwrap())
            .collect();
        ys.sort_by(f64::total_cmp);
        let range = dim.scale_max - dim.scale_min;
        for w in ys.windows(2) {
            assert!(
                w[1] - w[0] >= orbit_report::vega_smp::LABEL_GAP * range,
                "labels at {w:?} would overlap"
            );
        }
    }
}

#[test]
fn smp_label_groups_chain_close_values_and_keep_far_ones_apart() {
    let groups = orbit_report::vega_smp::label_groups(&[0.0, 50.0, 3.0, 9.0, 100.0, 95.0], 7.0);
    assert_eq!(groups, vec![vec![0, 2, 3], vec![1], vec![5, 4]]);
}

#[test]
fn smp_history_csv_has_exactly_the_ktab_columns() {
    let csv = orbit_report::smp_section::history_csv(&report().smp[0]);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("turn,actor,dimension,position"));
    assert_eq!(lines.next(), Some("0,RUS,scope,90"));
    let files = orbit_report::files(report());
    assert!(
        files
            .iter()
            .any(|f| f.path == "smp/russian_air_base_2d_history.csv" && f.contents == csv)
    );
    let html = &files
        .iter()
        .find(|f| f.path == "index.html")
        .unwrap()
        .contents;
    assert!(html.contains("<section id=\"smp\">"));
    assert!(html.contains("chart-smp_russian_air_base_2d_permanence"));
}
