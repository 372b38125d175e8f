//! The gas disputes of a run: [`orbit_models::disputes`] for every episode, with each
//! episode's central game laid out as a tree for drawing (the report's and the dashboard's
//! chart) and written as Gambit `.efg` text (`orbit run` writes it beside the report).
//!
//! The layout is an outline: node `k` of the game (pre-order) sits on row `k`, at the column
//! of its depth, so every node's label has a row of its own and no two labels can overlap at
//! any width. Both the equilibrium path and the recorded one are marked on the nodes and edges
//! they pass through.

use orbit_models::disputes::{self, DisputeReport, DisputeSettings, EPISODES};
use orbit_models::extensive::gambit::write_efg;
use orbit_models::extensive::{Game, NodeKind};
use orbit_scenario::World;
use serde::Serialize;

use crate::RunPlan;

/// Which paths pass through a node or an edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OnPath {
    /// Neither path.
    Off,
    /// The subgame-perfect equilibrium path only.
    Equilibrium,
    /// The recorded path only.
    Recorded,
    /// Both.
    Both,
}

impl OnPath {
    fn from_flags(equilibrium: bool, recorded: bool) -> Self {
        match (equilibrium, recorded) {
            (true, true) => OnPath::Both,
            (true, false) => OnPath::Equilibrium,
            (false, true) => OnPath::Recorded,
            (false, false) => OnPath::Off,
        }
    }

    /// The label the charts use.
    pub fn label(self) -> &'static str {
        match self {
            OnPath::Off => "off both paths",
            OnPath::Equilibrium => "equilibrium path",
            OnPath::Recorded => "recorded path",
            OnPath::Both => "both paths",
        }
    }
}

/// One node of a drawn game tree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TreeNode {
    /// Index of the node in the game (pre-order), also its row.
    pub id: usize,
    /// Its parent (`None` for the root).
    pub parent: Option<usize>,
    /// Moves from the root.
    pub depth: usize,
    /// `decision`, `chance` or `terminal`.
    pub kind: &'static str,
    /// The mover at a decision node, else empty.
    pub player: String,
    /// The move that leads here, as `PLAYER: action` (empty at the root).
    pub via: String,
    /// The node's label (the outcome at a terminal node).
    pub name: String,
    /// Payoffs at a terminal node, in the game's player order (USD m for the disputes).
    pub payoffs: Option<Vec<f64>>,
    /// Which paths reach this node.
    pub on_path: OnPath,
}

/// One episode's central game, drawn and exported.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DisputeTree {
    /// Episode id.
    pub episode: String,
    /// The game's title.
    pub title: String,
    /// Player names.
    pub players: Vec<String>,
    /// Every node, in pre-order.
    pub nodes: Vec<TreeNode>,
    /// Moves of the recorded path that the game has no branch for (then the recorded path
    /// is drawn up to the first of them).
    pub unmatched_recorded: Vec<String>,
    /// The game in Gambit's `.efg` format (written to `disputes_<episode>.efg`).
    #[serde(skip)]
    pub efg: String,
}

/// The dispute section of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DisputeSection {
    /// Every episode: inputs with their derivations, the equilibrium next to the record,
    /// the counterfactuals and the Monte Carlo path shares.
    pub report: DisputeReport,
    /// The central game of each episode, laid out for drawing.
    pub trees: Vec<DisputeTree>,
}

/// The nodes a path of `PLAYER: action` moves passes through, from the root; the moves the
/// tree has no branch for are returned second (the walk stops at the first).
fn walk(game: &Game, moves: &[String]) -> (Vec<usize>, Vec<String>) {
    let mut visited = vec![0];
    let mut at = 0;
    for (k, m) in moves.iter().enumerate() {
        let next = match &game.nodes[at].kind {
            NodeKind::Decision { infoset, children } => {
                let set = &game.infosets[*infoset];
                let player = &game.players[set.player];
                set.actions
                    .iter()
                    .position(|a| format!("{player}: {a}") == *m)
                    .map(|i| children[i])
            }
            NodeKind::Chance {
                actions, children, ..
            } => actions
                .iter()
                .position(|a| format!("chance: {a}") == *m)
                .map(|i| children[i]),
            NodeKind::Terminal { .. } => None,
        };
        match next {
            Some(child) => {
                visited.push(child);
                at = child;
            }
            None => return (visited, moves[k..].to_vec()),
        }
    }
    (visited, Vec::new())
}

/// Lays out `game` with the equilibrium and recorded paths (each as `PLAYER: action` moves).
pub fn tree(
    episode: &str,
    game: &Game,
    equilibrium: &[String],
    recorded: &[String],
) -> DisputeTree {
    let n = game.nodes.len();
    let mut parent = vec![None; n];
    let mut via = vec![String::new(); n];
    for (v, node) in game.nodes.iter().enumerate() {
        let (labels, children): (Vec<String>, &[usize]) = match &node.kind {
            NodeKind::Decision { infoset, children } => {
                let set = &game.infosets[*infoset];
                let player = &game.players[set.player];
                (
                    set.actions
                        .iter()
                        .map(|a| format!("{player}: {a}"))
                        .collect(),
                    children,
                )
            }
            NodeKind::Chance {
                actions, children, ..
            } => (
                actions.iter().map(|a| format!("chance: {a}")).collect(),
                children,
            ),
            NodeKind::Terminal { .. } => (Vec::new(), &[]),
        };
        for (label, &c) in labels.into_iter().zip(children) {
            parent[c] = Some(v);
            via[c] = label;
        }
    }
    // Pre-order: a parent comes before its children, so depths fill in one pass.
    let mut depth = vec![0usize; n];
    for v in 1..n {
        if let Some(p) = parent[v] {
            depth[v] = depth[p] + 1;
        }
    }
    let (eq_nodes, _) = walk(game, equilibrium);
    let (rec_nodes, unmatched) = walk(game, recorded);
    let nodes = game
        .nodes
        .iter()
        .enumerate()
        .map(|(v, node)| {
            let (kind, player, payoffs) = match &node.kind {
                NodeKind::Decision { infoset, .. } => (
                    "decision",
                    game.players[game.infosets[*infoset].player].clone(),
                    None,
                ),
                NodeKind::Chance { .. } => ("chance", "chance".to_string(), None),
                NodeKind::Terminal { payoffs } => {
                    ("terminal", String::new(), Some(payoffs.clone()))
                }
            };
            TreeNode {
                id: v,
                parent: parent[v],
                depth: depth[v],
                kind,
                player,
                via: std::mem::take(&mut via[v]),
                name: strip_counter(&node.name),
                payoffs,
                on_path: OnPath::from_flags(eq_nodes.contains(&v), rec_nodes.contains(&v)),
            }
        })
        .collect();
    DisputeTree {
        episode: episode.to_string(),
        title: game.title.clone(),
        players: game.players.clone(),
        nodes,
        unmatched_recorded: unmatched,
        efg: write_efg(game),
    }
}

/// The dispute model's terminal labels carry a ` [k]` counter that keeps them unique in the
/// `.efg` file; people read the label without it.
fn strip_counter(label: &str) -> String {
    match label.rfind(" [") {
        Some(k) if label.ends_with(']') => label[..k].to_string(),
        _ => label.to_string(),
    }
}

/// The dispute Monte Carlo of a run: as many draws as the forecasts' (`--runs`; none when
/// they have none) under the run's seed.
pub fn settings(plan: &RunPlan) -> DisputeSettings {
    let mc = plan.forecast.monte_carlo.as_ref();
    DisputeSettings {
        draws: mc.map_or(0, |m| m.draws),
        seed: mc.map_or(crate::DEFAULT_SEED, |m| m.seed),
    }
}

/// Every episode of [`EPISODES`] on `world` with `settings`; `None` with a note when the
/// scenario lacks what the games need (a scenario other than the Union State).
pub fn section(
    world: &World,
    settings: &DisputeSettings,
    notes: &mut Vec<String>,
) -> Option<DisputeSection> {
    if settings.draws == 0 {
        notes.push(
            "the gas disputes' Monte Carlo is left out: the run has no draws (`--runs 0`)".into(),
        );
    }
    let report = match disputes::disputes(world, &[], settings) {
        Ok(r) => r,
        Err(e) => {
            notes.push(format!("the gas-dispute games are left out: {e}"));
            return None;
        }
    };
    let mut trees = Vec::with_capacity(EPISODES.len());
    for e in &report.episodes {
        let game = match disputes::central_game(world, &e.episode) {
            Ok(g) => g,
            Err(err) => {
                notes.push(format!(
                    "the tree of the {} dispute is left out: {err}",
                    e.episode
                ));
                continue;
            }
        };
        let equilibrium: Vec<String> = e
            .solution
            .path
            .iter()
            .map(|s| format!("{}: {}", s.player, s.action))
            .collect();
        let t = tree(&e.episode, &game.game, &equilibrium, &e.recorded.path);
        if !t.unmatched_recorded.is_empty() {
            notes.push(format!(
                "the {} dispute's recorded path leaves the game at `{}`; it is drawn up to there",
                e.episode, t.unmatched_recorded[0]
            ));
        }
        trees.push(t);
    }
    Some(DisputeSection { report, trees })
}

#[cfg(test)]
mod tests {
    use super::*;
    use orbit_models::extensive::{GameSpec, TreeSpec};

    fn entry() -> Game {
        Game::new(&GameSpec {
            title: "entry".into(),
            players: vec!["E".into(), "I".into()],
            root: TreeSpec::decision(
                "entry",
                "E",
                vec![
                    ("out", TreeSpec::terminal("out [1]", vec![0.0, 2.0])),
                    (
                        "in",
                        TreeSpec::decision(
                            "response",
                            "I",
                            vec![
                                ("fight", TreeSpec::terminal("war", vec![-1.0, -1.0])),
                                ("accommodate", TreeSpec::terminal("share", vec![1.0, 1.0])),
                            ],
                        ),
                    ),
                ],
            ),
        })
        .unwrap()
    }

    #[test]
    fn tree_rows_depths_and_paths() {
        let g = entry();
        let eq = vec!["E: in".to_string(), "I: accommodate".to_string()];
        let rec = vec!["E: in".to_string(), "I: fight".to_string()];
        let t = tree("x", &g, &eq, &rec);
        let depth: Vec<usize> = t.nodes.iter().map(|n| n.depth).collect();
        assert_eq!(depth, [0, 1, 1, 2, 2]);
        let on: Vec<OnPath> = t.nodes.iter().map(|n| n.on_path).collect();
        assert_eq!(
            on,
            [
                OnPath::Both,
                OnPath::Off,
                OnPath::Both,
                OnPath::Recorded,
                OnPath::Equilibrium
            ]
        );
        assert_eq!(t.nodes[1].name, "out");
        assert_eq!(t.nodes[1].via, "E: out");
        assert_eq!(t.nodes[4].payoffs, Some(vec![1.0, 1.0]));
        assert_eq!(t.nodes[3].parent, Some(2));
        assert!(t.unmatched_recorded.is_empty());
        assert!(t.efg.starts_with("EFG 2 R \"entry\""));
    }

    #[test]
    fn a_recorded_move_the_tree_lacks_is_reported_not_dropped() {
        let g = entry();
        let rec = vec!["E: in".to_string(), "I: merge".to_string()];
        let t = tree("x", &g, &[], &rec);
        assert_eq!(t.unmatched_recorded, ["I: merge"]);
        assert_eq!(t.nodes[2].on_path, OnPath::Recorded);
        assert!(t.nodes[3..].iter().all(|n| n.on_path == OnPath::Off));
    }

    #[test]
    fn builtin_scenario_draws_every_episode_with_both_paths() {
        let world = orbit_scenario::builtin().unwrap();
        let mut notes = Vec::new();
        let settings = DisputeSettings { draws: 20, seed: 3 };
        let s = section(&world, &settings, &mut notes).unwrap();
        assert_eq!(s.trees.len(), EPISODES.len());
        for (t, e) in s.trees.iter().zip(&s.report.episodes) {
            assert_eq!(t.episode, e.episode);
            let count =
                |want: &[OnPath]| t.nodes.iter().filter(|n| want.contains(&n.on_path)).count();
            // The root plus one node per move, for each path.
            assert_eq!(
                count(&[OnPath::Equilibrium, OnPath::Both]),
                e.solution.length + 1
            );
            assert_eq!(
                count(&[OnPath::Recorded, OnPath::Both]),
                e.recorded.length + 1,
                "{}",
                e.episode
            );
            assert!(
                t.unmatched_recorded.is_empty(),
                "{:?}",
                t.unmatched_recorded
            );
            assert!(t.efg.contains("\"RUS\" \"BLR\""));
        }
        assert!(notes.is_empty(), "{notes:?}");

        let mut notes = Vec::new();
        let none = DisputeSettings { draws: 0, seed: 3 };
        let s = section(&world, &none, &mut notes).unwrap();
        assert!(s.report.episodes.iter().all(|e| e.monte_carlo.is_empty()));
        assert!(notes[0].contains("`--runs 0`"), "{notes:?}");
    }
}
