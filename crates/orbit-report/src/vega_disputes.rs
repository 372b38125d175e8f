//! The gas disputes' part of the report and the dashboard: each episode's game tree as a
//! Vega-Lite chart (nodes as points laid out by depth, edges as rules, the equilibrium and
//! recorded paths in colour, move labels, payoffs in tooltips), its Monte Carlo path shares,
//! the tables (paths, counterfactuals, shares, figures, ranges), the files `orbit run` writes
//! (`disputes.json`, `disputes_<episode>.efg`) and the HTML section. The numbers are
//! [`orbit_models::disputes`]'s, laid out by [`orbit_pipeline::disputes`].
//!
//! The tree is an outline (one row per node, in the game's pre-order), so each label has a row
//! of its own: labels cannot overlap at any width, and a label too long for a narrow screen is
//! cut with an ellipsis (the tooltip keeps it whole).

use std::fmt::Write as _;

use orbit_models::disputes::EpisodeResult;
use orbit_pipeline::disputes::{DisputeSection, DisputeTree, OnPath};
use serde_json::{Value, json};

use crate::ReportFile;
use crate::html::{escape, push_table_body};
use crate::tables::{Cell, DataTable, NumberStyle};
use crate::vega::{BLUE, GREY, LIGHT_GREY, VERMILLION, VegaChart, only, spec};

/// Pixels per row of the tree: 12 px text with room above and below.
pub const TREE_ROW_PX: u32 = 20;
/// The share of the width the tree's columns take; the labels have the rest.
const TREE_COLUMNS_SHARE: f64 = 0.35;
/// The longest label, as a share of the width: it fits beside the deepest node.
const TREE_LABEL_SHARE: f64 = 0.6;

const PATHS: [OnPath; 4] = [
    OnPath::Both,
    OnPath::Equilibrium,
    OnPath::Recorded,
    OnPath::Off,
];
/// Both paths in black, the equilibrium in vermillion, the record in blue, the rest grey.
const PATH_COLOURS: [&str; 4] = ["#000000", VERMILLION, BLUE, LIGHT_GREY];

fn path_scale() -> Value {
    json!({"domain": PATHS.iter().map(|p| p.label()).collect::<Vec<_>>(), "range": PATH_COLOURS})
}

/// The file stem of an episode's charts (`2006-07` → `2006_07`).
pub fn episode_key(episode: &str) -> String {
    episode.replace('-', "_")
}

fn money(x: f64) -> String {
    // −0.0 reads as 0.
    let x = if x == 0.0 { 0.0 } else { x };
    format!("{x:.1}")
}

/// The label of a node on its row: the move that leads to it, and the payoffs at the end
/// (the outcome's name is in the tooltip).
fn node_label(n: &orbit_pipeline::disputes::TreeNode, players: &[String]) -> String {
    let mut label = if n.via.is_empty() {
        format!("{} moves first", n.player)
    } else {
        n.via.clone()
    };
    if let Some(p) = &n.payoffs {
        let pays: Vec<String> = players
            .iter()
            .zip(p)
            .map(|(who, v)| format!("{who} {}", money(*v)))
            .collect();
        let _ = write!(label, " ⇒ {}", pays.join(" / "));
    }
    label
}

/// One episode's game tree.
pub fn tree_chart(tree: &DisputeTree, scenario: &str) -> VegaChart {
    let mut rows = Vec::new();
    let max_depth = tree.nodes.iter().map(|n| n.depth).max().unwrap_or(0);
    // Edges first: an elbow from the parent's column down to the child's row, then across.
    // Edges off both paths come first so the coloured ones are drawn over them.
    let mut edges: Vec<Value> = Vec::new();
    for n in &tree.nodes {
        let Some(p) = n.parent else { continue };
        let parent = &tree.nodes[p];
        for (x, y, x2, y2) in [
            (parent.depth, parent.id, parent.depth, n.id),
            (parent.depth, n.id, n.depth, n.id),
        ] {
            edges.push(json!({"layer": "edge", "x": x, "y": y, "x2": x2, "y2": y2,
                "path": n.on_path.label(), "order": usize::from(n.on_path != OnPath::Off),
                "move": n.via}));
        }
    }
    edges.sort_by_key(|e| e["order"].as_u64());
    rows.extend(edges);
    // The node rows start from the middle of the tree (the drawing does not depend on their
    // order): the first point drawn is then in the middle of a chart taller than the screen,
    // where scrolling the chart into view puts it, not under a page's sticky navigation.
    let middle = tree.nodes.len() / 2;
    for n in tree.nodes[middle..].iter().chain(&tree.nodes[..middle]) {
        let mut row = json!({"layer": if n.kind == "terminal" { "outcome" } else { "node" },
            "x": n.depth, "y": n.id, "label": node_label(n, &tree.players),
            "node": n.name, "move": if n.via.is_empty() { "(start)".to_string() } else { n.via.clone() },
            "mover": if n.kind == "terminal" { "-".to_string() } else { n.player.clone() },
            "path": n.on_path.label(), "on_path": n.on_path != OnPath::Off});
        if let Some(p) = &n.payoffs {
            for (who, v) in tree.players.iter().zip(p) {
                row[format!("payoff_{who}")] = json!(v);
            }
        }
        rows.push(row);
    }
    // The columns take a fixed share of the width; the labels have the rest.
    let x = |field: &str| {
        json!({"field": field, "type": "quantitative", "axis": null,
               "scale": {"domain": [-0.5, (max_depth as f64 + 0.5) / TREE_COLUMNS_SHARE], "nice": false, "zero": false}})
    };
    let n = tree.nodes.len();
    let y = |field: &str| {
        json!({"field": field, "type": "quantitative", "axis": null,
               "scale": {"domain": [n as f64 - 0.5, -0.5], "nice": false, "zero": false}})
    };
    let colour =
        json!({"field": "path", "type": "nominal", "title": "path", "scale": path_scale()});
    let payoff_tips: Vec<Value> = tree
        .players
        .iter()
        .map(|p| json!({"field": format!("payoff_{p}"), "title": format!("payoff {p} (USD m vs status quo)"), "format": ",.1f"}))
        .collect();
    let mut outcome_tips = vec![
        json!({"field": "move"}),
        json!({"field": "node", "title": "outcome"}),
    ];
    outcome_tips.extend(payoff_tips);
    outcome_tips.push(json!({"field": "path"}));
    let node_tips = json!([{"field": "move", "title": "move that leads here"}, {"field": "node"},
                           {"field": "mover", "title": "moves next"}, {"field": "path"}]);
    let edge_layer = |on: bool| {
        let mut transform = only("edge");
        if let Some(t) = transform.as_array_mut() {
            t.push(json!({"filter": if on { "datum.order == 1" } else { "datum.order == 0" }}));
        }
        json!({"transform": transform,
            "mark": {"type": "rule", "strokeCap": "round", "strokeWidth": if on { 3.5 } else { 1.5 }},
            "encoding": {"x": x("x"), "y": y("y"), "x2": {"field": "x2"}, "y2": {"field": "y2"},
                "color": colour.clone(), "tooltip": [{"field": "move"}, {"field": "path"}]}})
    };
    let point_layer = |layer: &str, shape: &str, tips: Value| {
        json!({"transform": only(layer), "mark": {"type": "point", "shape": shape, "filled": true, "size": 90, "opacity": 1},
            "encoding": {"x": x("x"), "y": y("y"), "color": colour.clone(), "tooltip": tips}})
    };
    // Labels on a path are bold and dark, the others grey; each is its own layer because
    // the font weight is a mark property.
    let text_layer = |layer: &str, on: bool, tips: Value| {
        let mut transform = only(layer);
        if let Some(t) = transform.as_array_mut() {
            t.push(json!({"filter": if on { "datum.on_path" } else { "!datum.on_path" }}));
        }
        json!({"transform": transform,
            "mark": {"type": "text", "align": "left", "baseline": "middle", "dx": 9, "fontSize": 12,
                     "fontWeight": if on { "bold" } else { "normal" }, "color": if on { "#000000" } else { GREY },
                     "limit": {"expr": format!("max(60, width * {TREE_LABEL_SHARE})")}},
            "encoding": {"x": x("x"), "y": y("y"), "text": {"field": "label"}, "tooltip": tips}})
    };
    let layers = json!([
        edge_layer(false),
        edge_layer(true),
        point_layer("node", "circle", node_tips.clone()),
        point_layer("outcome", "square", json!(outcome_tips.clone())),
        text_layer("node", false, node_tips.clone()),
        text_layer("node", true, node_tips),
        text_layer("outcome", false, json!(outcome_tips.clone())),
        text_layer("outcome", true, json!(outcome_tips)),
    ]);
    let height = TREE_ROW_PX * u32::try_from(n).unwrap_or(u32::MAX / TREE_ROW_PX).max(1);
    VegaChart::new(
        format!("dispute_tree_{}", episode_key(&tree.episode)),
        format!("The {} dispute as a game: the central tree", tree.episode),
        format!(
            "Source: scenario {scenario}; orbit_models::disputes (docs/models/disputes.md), central parameter values; circles are moves, squares outcomes (payoffs in USD m against the status quo in the tooltips); the same game is in disputes_{}.efg",
            episode_key(&tree.episode)
        ),
        spec(height, rows, json!({"layer": layers})),
    )
}

/// The network an episode's Monte Carlo row belongs to.
const AS_RECORDED: &str = "as recorded";

/// A counterfactual's name without its parenthesis, for a legend.
fn short_network(name: &str) -> &str {
    name.split(" (").next().unwrap_or(name)
}

/// One episode's Monte Carlo path shares under the recorded network and each counterfactual.
pub fn shares_chart(e: &EpisodeResult, scenario: &str, draws: usize, seed: u64) -> VegaChart {
    let mut rows = Vec::new();
    let mut push = |network: &str, shares: &[orbit_models::disputes::PathShare]| {
        for s in shares {
            rows.push(
                json!({"network": network, "outcome": s.outcome, "share": s.share,
                "draws": s.draws, "path": s.path}),
            );
        }
    };
    push(AS_RECORDED, &e.monte_carlo);
    for c in &e.counterfactuals {
        push(short_network(&c.name), &c.monte_carlo);
    }
    let networks: Vec<String> = std::iter::once(AS_RECORDED.to_string())
        .chain(
            e.counterfactuals
                .iter()
                .map(|c| short_network(&c.name).to_string()),
        )
        .collect();
    let outcomes = {
        let mut o: Vec<String> = Vec::new();
        for r in &rows {
            let s = r["outcome"].as_str().unwrap_or_default().to_string();
            if !o.contains(&s) {
                o.push(s);
            }
        }
        o
    };
    // Each outcome's name stands in the gap above its bars, as wide as the chart, so a long
    // name needs no axis room beside the bars on a narrow screen.
    let bar_px = 13;
    let gap_px = 20;
    let step = bar_px * networks.len() as u32 + gap_px;
    let height = (step * outcomes.len() as u32).max(60);
    let padding = f64::from(gap_px) / f64::from(step);
    let y = json!({"field": "outcome", "type": "nominal", "title": null, "sort": outcomes, "axis": null,
                   "scale": {"paddingInner": padding, "paddingOuter": padding / 2.0}});
    let mut label_y = y.clone();
    label_y["bandPosition"] = json!(0);
    let tooltip = json!([{"field": "network"}, {"field": "outcome"},
                         {"field": "share", "format": ".1%"}, {"field": "draws"},
                         {"field": "path", "title": "equilibrium path"}]);
    VegaChart::new(
        format!("dispute_shares_{}", episode_key(&e.episode)),
        format!(
            "The {} dispute: how often each outcome is the equilibrium",
            e.episode
        ),
        format!(
            "Source: scenario {scenario}; orbit_models::disputes::monte_carlo, {draws} draws (seed {seed}) of the uncertain parameters, uniform over their ranges, per network"
        ),
        spec(
            height,
            rows,
            json!({"layer": [
                {"mark": {"type": "bar"},
                 "encoding": {
                    "y": y,
                    "yOffset": {"field": "network", "type": "nominal", "sort": networks},
                    "x": {"field": "share", "type": "quantitative", "title": "share of draws",
                          "axis": {"format": ".0%", "values": [0, 0.25, 0.5, 0.75, 1]}, "scale": {"domain": [0, 1]}},
                    "color": {"field": "network", "type": "nominal", "title": "network",
                              "legend": {"direction": "vertical", "columns": 1, "labelLimit": 240},
                              "scale": {"domain": networks, "range": [VERMILLION, BLUE, "#009E73"]}},
                    "tooltip": tooltip.clone()}},
                {"transform": [{"filter": {"field": "network", "equal": AS_RECORDED}}],
                 "mark": {"type": "text", "align": "left", "baseline": "bottom", "dy": -3, "fontSize": 12,
                          "limit": {"expr": "max(60, width)"}},
                 "encoding": {"y": label_y, "x": {"datum": 0, "type": "quantitative"},
                              "text": {"field": "outcome"}, "tooltip": tooltip}}
            ]}),
        ),
    )
}

/// Every dispute chart: per episode its tree, then its Monte Carlo shares (when drawn).
pub fn charts(d: &DisputeSection, scenario: &str) -> Vec<VegaChart> {
    let mut out = Vec::new();
    for (e, t) in d.report.episodes.iter().zip(&d.trees) {
        out.push(tree_chart(t, scenario));
        if !e.monte_carlo.is_empty() {
            out.push(shares_chart(
                e,
                scenario,
                d.report.settings.draws,
                d.report.settings.seed,
            ));
        }
    }
    out
}

fn path_text(path: &[orbit_models::extensive::PathStep]) -> String {
    path.iter()
        .map(|s| format!("{}: {}", s.player, s.action))
        .collect::<Vec<_>>()
        .join(" → ")
}

/// The equilibrium next to the record, per episode and network.
pub fn paths_table(d: &DisputeSection) -> DataTable {
    let mut t = DataTable::new(
        "dispute_paths",
        "Gas disputes: the equilibrium path next to the recorded one",
        &[
            "episode",
            "network",
            "kind",
            "moves",
            "path",
            "outcome or terms",
            "payoff RUS (USD m)",
            "payoff BLR (USD m)",
        ],
    );
    for e in &d.report.episodes {
        let mut push = |network: &str, s: &orbit_models::disputes::Solution| {
            t.push(vec![
                Cell::text(&e.episode),
                Cell::text(network),
                Cell::text("equilibrium"),
                Cell::Number(s.length as f64, NumberStyle::Decimals(0)),
                Cell::text(path_text(&s.path)),
                Cell::text(&s.outcome),
                Cell::Number(s.payoffs[0], NumberStyle::Decimals(1)),
                Cell::Number(s.payoffs[1], NumberStyle::Decimals(1)),
            ]);
        };
        push(AS_RECORDED, &e.solution);
        for c in &e.counterfactuals {
            push(&c.name, &c.solution);
        }
        t.push(vec![
            Cell::text(&e.episode),
            Cell::text(AS_RECORDED),
            Cell::text("recorded"),
            Cell::Number(e.recorded.length as f64, NumberStyle::Decimals(0)),
            Cell::text(e.recorded.path.join(" → ")),
            Cell::text(&e.recorded.terms),
            Cell::Empty,
            Cell::Empty,
        ]);
    }
    t
}

/// The Monte Carlo path shares.
pub fn shares_table(d: &DisputeSection) -> DataTable {
    let mut t = DataTable::new(
        "dispute_monte_carlo",
        "Gas disputes: Monte Carlo shares of each equilibrium path",
        &["episode", "network", "outcome", "draws", "share", "path"],
    );
    for e in &d.report.episodes {
        let mut push = |network: &str, shares: &[orbit_models::disputes::PathShare]| {
            for s in shares {
                t.push(vec![
                    Cell::text(&e.episode),
                    Cell::text(network),
                    Cell::text(&s.outcome),
                    Cell::Number(s.draws as f64, NumberStyle::Decimals(0)),
                    Cell::Number(s.share, NumberStyle::Percent),
                    Cell::text(&s.path),
                ]);
            }
        };
        push(AS_RECORDED, &e.monte_carlo);
        for c in &e.counterfactuals {
            push(&c.name, &c.monte_carlo);
        }
    }
    t
}

/// Every figure a game is built from, with its derivation.
pub fn figures_table(d: &DisputeSection) -> DataTable {
    let mut t = DataTable::new(
        "dispute_figures",
        "Gas disputes: every figure of the games and where it comes from",
        &[
            "episode",
            "symbol",
            "figure",
            "value",
            "unit",
            "kind",
            "borrowed from (years)",
            "derivation",
        ],
    );
    for e in &d.report.episodes {
        for f in &e.inputs.figures {
            t.push(vec![
                Cell::text(&e.episode),
                Cell::text(&f.symbol),
                Cell::text(&f.name),
                Cell::Number(f.value, NumberStyle::Scale),
                Cell::text(&f.unit),
                Cell::text(&f.kind),
                if f.borrowed_from.is_empty() {
                    Cell::Empty
                } else {
                    Cell::text(
                        f.borrowed_from
                            .iter()
                            .map(i32::to_string)
                            .collect::<Vec<_>>()
                            .join(" "),
                    )
                },
                Cell::text(&f.derivation),
            ]);
        }
    }
    t
}

/// The uncertain parameters' ranges.
pub fn ranges_table(d: &DisputeSection) -> DataTable {
    let mut t = DataTable::new(
        "dispute_ranges",
        "Gas disputes: uncertain parameters (central game: midpoints; Monte Carlo: uniform)",
        &["parameter", "what", "low", "high", "unit", "basis"],
    );
    for r in &d.report.ranges {
        t.push(vec![
            Cell::text(&r.symbol),
            Cell::text(&r.name),
            Cell::Number(r.low, NumberStyle::Scale),
            Cell::Number(r.high, NumberStyle::Scale),
            Cell::text(&r.unit),
            Cell::text(&r.basis),
        ]);
    }
    t
}

/// Every dispute table.
pub fn tables(d: &DisputeSection) -> Vec<DataTable> {
    vec![
        paths_table(d),
        shares_table(d),
        figures_table(d),
        ranges_table(d),
    ]
}

/// The dispute section as JSON with a final newline.
pub fn to_json(d: &DisputeSection) -> String {
    let mut s = serde_json::to_string_pretty(d).unwrap_or_default();
    s.push('\n');
    s
}

/// The files `orbit run` writes for the disputes: `disputes.json` and each episode's central
/// game as `disputes_<episode>.efg` (open it in Gambit). The CSVs are the tables'.
pub fn files(d: &DisputeSection) -> Vec<ReportFile> {
    let mut out = vec![ReportFile {
        path: "disputes.json".into(),
        contents: to_json(d),
    }];
    for t in &d.trees {
        out.push(ReportFile {
            path: format!("disputes_{}.efg", episode_key(&t.episode)),
            contents: t.efg.clone(),
        });
    }
    out
}

fn moves(n: usize) -> String {
    orbit_scenario::counted(n, "move", "moves")
}

/// The rows of `t` whose first column is `episode`.
fn rows_of(t: &DataTable, episode: &str) -> DataTable {
    let mut out = t.clone();
    out.rows
        .retain(|r| matches!(r.first(), Some(Cell::Text(e)) if e == episode));
    out
}

/// One episode: the paths side by side, the tree, the shares and the figures; charts are
/// taken from `vcharts` by name, downloads under `href_prefix`.
pub fn episode_html(
    d: &DisputeSection,
    episode: &str,
    vcharts: &[VegaChart],
    href_prefix: &str,
) -> String {
    let mut out = String::new();
    let Some(e) = d.report.episodes.iter().find(|e| e.episode == episode) else {
        return out;
    };
    let key = episode_key(episode);
    let _ = writeln!(
        out,
        "<h3 id=\"dispute-{key}\">{} ({})</h3>",
        escape(episode),
        escape(&e.inputs.network)
    );
    let _ = writeln!(
        out,
        "<p class=\"dispute-verdict\">Equilibrium: {}, <b>{}</b>. Recorded: {}, {}. The two share their first {}.</p>",
        moves(e.solution.length),
        escape(&e.solution.outcome),
        moves(e.recorded.length),
        escape(&e.recorded.terms),
        moves(e.common_prefix)
    );
    let _ = writeln!(
        out,
        "<p class=\"dispute-note\">Where the record departs from the game: {}</p>",
        escape(&e.recorded.note)
    );
    let table = rows_of(&paths_table(d), episode);
    push_table_body(&mut out, &table);
    let chart = |name: String| vcharts.iter().find(|c| c.name == name);
    if let Some(c) = chart(format!("dispute_tree_{key}")) {
        out.push_str(&crate::vega::figure_html(c, href_prefix, "h4"));
    }
    if let Some(c) = chart(format!("dispute_shares_{key}")) {
        out.push_str(&crate::vega::figure_html(c, href_prefix, "h4"));
    }
    let figures = rows_of(&figures_table(d), episode);
    let _ = writeln!(
        out,
        "<details><summary>The figures of the {} game ({})</summary>",
        escape(episode),
        orbit_scenario::counted(figures.rows.len(), "row", "rows")
    );
    push_table_body(&mut out, &figures);
    out.push_str("</details>\n");
    out
}

/// The report's section on the gas disputes.
pub fn section_html(
    d: &DisputeSection,
    vcharts: &[VegaChart],
    tables: &[DataTable],
    href_prefix: &str,
) -> String {
    let mut out = String::from(
        "<section id=\"disputes\">\n<h2>Gas disputes</h2>\n<p>The disputes of 2004, 2006-07 and 2010 as escalation games between Russia (RUS) and Belarus (BLR), built from the scenario's data of each year and solved by backward induction (subgame-perfect equilibrium, central parameter values); the counterfactuals change the pipeline network, and the Monte Carlo draws the uncertain parameters from their ranges. With complete information an escalation that ends in concession is not an equilibrium: where the model says Russia keeps its terms and the record shows a cut, the game says the cut did not pay. See <code>docs/models/disputes.md</code>.</p>\n",
    );
    for e in &d.report.episodes {
        out.push_str(&episode_html(d, &e.episode, vcharts, href_prefix));
    }
    for t in tables.iter().filter(|t| t.name.starts_with("dispute_")) {
        let _ = writeln!(
            out,
            "<p class=\"csv\">CSV: <a href=\"{0}\">{0}</a> ({1})</p>",
            escape(&t.file_name()),
            escape(&t.title)
        );
    }
    out.push_str("<p class=\"csv\">Every number: <a href=\"disputes.json\">disputes.json</a>; the central games for Gambit: ");
    let links: Vec<String> = d
        .trees
        .iter()
        .map(|t| {
            let f = format!("disputes_{}.efg", episode_key(&t.episode));
            format!("<a href=\"{f}\">{f}</a>")
        })
        .collect();
    out.push_str(&links.join(", "));
    out.push_str("</p>\n</section>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use orbit_models::disputes::DisputeSettings;

    fn section() -> DisputeSection {
        let world = orbit_scenario::builtin().unwrap();
        let mut notes = Vec::new();
        let settings = DisputeSettings { draws: 30, seed: 5 };
        orbit_pipeline::disputes::section(&world, &settings, &mut notes).unwrap()
    }

    #[test]
    fn the_tree_has_a_row_per_node_and_payoffs_in_tooltips() {
        let d = section();
        for t in &d.trees {
            let c = tree_chart(t, "s");
            let rows = c.rows();
            let nodes: Vec<&Value> = rows
                .iter()
                .filter(|r| r["layer"] == "node" || r["layer"] == "outcome")
                .collect();
            assert_eq!(nodes.len(), t.nodes.len());
            // One label per row: no two labels share a row.
            let mut ys: Vec<i64> = nodes.iter().map(|r| r["y"].as_i64().unwrap()).collect();
            ys.sort_unstable();
            ys.dedup();
            assert_eq!(ys.len(), nodes.len());
            // Two segments per edge.
            let edges = rows.iter().filter(|r| r["layer"] == "edge").count();
            assert_eq!(edges, 2 * (t.nodes.len() - 1));
            for r in nodes.iter().filter(|r| r["layer"] == "outcome") {
                assert!(
                    r["payoff_RUS"].is_number() && r["payoff_BLR"].is_number(),
                    "{r}"
                );
            }
            for r in nodes.iter().filter(|r| r["layer"] == "node") {
                assert!(r.get("payoff_RUS").is_none(), "a move has no payoff: {r}");
            }
            // The equilibrium's last node is an outcome on the equilibrium path.
            let on_eq = nodes
                .iter()
                .filter(|r| {
                    r["path"] == OnPath::Equilibrium.label() || r["path"] == OnPath::Both.label()
                })
                .count();
            let e = d
                .report
                .episodes
                .iter()
                .find(|e| e.episode == t.episode)
                .unwrap();
            assert_eq!(on_eq, e.solution.length + 1);
            let spec = c.spec_json();
            for layer in ["\"tooltip\"", "payoff RUS (USD m vs status quo)"] {
                assert!(spec.contains(layer), "{layer}");
            }
        }
    }

    #[test]
    fn the_section_shows_every_episode_and_links_its_files() {
        let d = section();
        let charts = charts(&d, "s");
        assert_eq!(charts.len(), 6, "a tree and a share chart per episode");
        let html = section_html(&d, &charts, &tables(&d), "charts/");
        for e in ["2004", "2006_07", "2010"] {
            for want in [
                format!("id=\"chart-dispute_tree_{e}\""),
                format!("id=\"chart-dispute_shares_{e}\""),
                format!("href=\"disputes_{e}.efg\""),
            ] {
                assert!(html.contains(&want), "{want}");
            }
        }
        assert!(html.contains("data-table=\"dispute_paths\""));
        let files = files(&d);
        let names: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            names,
            [
                "disputes.json",
                "disputes_2004.efg",
                "disputes_2006_07.efg",
                "disputes_2010.efg"
            ]
        );
        let json: Value = serde_json::from_str(&files[0].contents).unwrap();
        assert_eq!(json["report"]["episodes"].as_array().unwrap().len(), 3);
        assert!(files[1].contents.starts_with("EFG 2 R"));
        // The Monte Carlo table covers every draw of every network.
        let shares = shares_table(&d);
        let total: f64 = shares
            .rows
            .iter()
            .map(|r| match r[3] {
                Cell::Number(v, _) => v,
                _ => 0.0,
            })
            .sum();
        assert_eq!(total, 30.0 * 3.0 * 3.0);
    }
}
