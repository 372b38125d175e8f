//! Backward induction (Zermelo 1913; Kuhn 1953, "Extensive games and the problem of
//! information", *Contributions to the Theory of Games* II): in a finite game of perfect
//! information, solving every node from the leaves up, each mover taking an action that
//! maximises its own continuation payoff, gives a subgame-perfect equilibrium (Selten 1965).
//! Chance nodes are valued at their expectation.

use serde::Serialize;

use super::{Game, GameError, NodeKind};

/// Two continuation payoffs closer than this (relative to their size) are a tie.
const TIE_TOLERANCE: f64 = 1e-9;

/// One move on the equilibrium path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathStep {
    /// The mover's name, or `"chance"`.
    pub player: String,
    /// The action label.
    pub action: String,
    /// The node's label.
    pub node: String,
}

/// A subgame-perfect equilibrium in pure strategies.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubgamePerfect {
    /// Per node: the action index chosen there (decision nodes), else `None`.
    pub choice: Vec<Option<usize>>,
    /// Per node: the continuation payoffs (one per player).
    pub values: Vec<Vec<f64>>,
    /// The equilibrium path from the root: decision moves until a terminal node, or until
    /// the first chance node (whose branches are all in the equilibrium).
    pub path: Vec<PathStep>,
    /// Whether the path stops at a chance node rather than a terminal node.
    pub path_ends_at_chance: bool,
    /// The label of the terminal node the path reaches (`None` if it stops at chance).
    pub outcome: Option<String>,
    /// Expected payoffs at the root.
    pub payoffs: Vec<f64>,
    /// Paths of the nodes where the mover was indifferent between two best actions; the first
    /// listed action was taken (the equilibrium is then not unique).
    pub ties: Vec<String>,
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= TIE_TOLERANCE * (1.0 + a.abs().max(b.abs()))
}

/// The subgame-perfect equilibrium of a perfect-information game by backward induction.
/// Among equally good actions the first listed is taken, and the node is listed in
/// [`SubgamePerfect::ties`].
pub fn backward_induction(game: &Game) -> Result<SubgamePerfect, GameError> {
    backward_induction_with(game, &|_, own| own.to_vec())
}

/// [`backward_induction`] with each terminal node's payoffs given by `payoffs(node, own)`
/// (`own`: the game's), for a Monte Carlo over a tree whose draws differ only in payoffs
/// (the disputes): one validated game, the payoffs of each draw. The caller gives finite
/// payoffs, one per player, as [`Game::new`] checks for its own.
pub(crate) fn backward_induction_with(
    game: &Game,
    payoffs: &dyn Fn(usize, &[f64]) -> Vec<f64>,
) -> Result<SubgamePerfect, GameError> {
    if let Some(set) = game.infosets.iter().find(|s| s.members.len() > 1) {
        let label = if set.name.is_empty() {
            game.nodes[set.members[0]].path.clone()
        } else {
            set.name.clone()
        };
        return Err(GameError::NotPerfectInformation(label));
    }
    let n = game.nodes.len();
    let mut values: Vec<Vec<f64>> = vec![Vec::new(); n];
    let mut choice = vec![None; n];
    let mut tie_nodes = Vec::new();
    // Pre-order: every child has a larger index than its parent, so a reverse sweep sees
    // children first (no recursion, so deep trees cannot overflow the stack).
    for v in (0..n).rev() {
        match &game.nodes[v].kind {
            NodeKind::Terminal { payoffs: own } => values[v] = payoffs(v, own),
            NodeKind::Chance {
                probabilities,
                children,
                ..
            } => {
                let mut expected = vec![0.0; game.players.len()];
                for (&p, &c) in probabilities.iter().zip(children) {
                    for (e, x) in expected.iter_mut().zip(&values[c]) {
                        *e += p * x;
                    }
                }
                values[v] = expected;
            }
            NodeKind::Decision { infoset, children } => {
                let mover = game.infosets[*infoset].player;
                let mut best = 0;
                for (a, &c) in children.iter().enumerate().skip(1) {
                    if values[c][mover] > values[children[best]][mover]
                        && !close(values[c][mover], values[children[best]][mover])
                    {
                        best = a;
                    }
                }
                let best_value = values[children[best]][mover];
                if children
                    .iter()
                    .enumerate()
                    .any(|(a, &c)| a != best && close(values[c][mover], best_value))
                {
                    tie_nodes.push(v);
                }
                choice[v] = Some(best);
                values[v] = values[children[best]].clone();
            }
        }
    }
    let mut path = Vec::new();
    let mut at = 0;
    let mut path_ends_at_chance = false;
    let outcome = loop {
        let node = &game.nodes[at];
        match &node.kind {
            NodeKind::Terminal { .. } => break Some(node.name.clone()),
            NodeKind::Chance { .. } => {
                path_ends_at_chance = true;
                break None;
            }
            NodeKind::Decision { infoset, children } => {
                let set = &game.infosets[*infoset];
                let a = choice[at].unwrap_or(0);
                path.push(PathStep {
                    player: game.players[set.player].clone(),
                    action: set.actions[a].clone(),
                    node: node.name.clone(),
                });
                at = children[a];
            }
        }
    };
    let ties = tie_nodes
        .into_iter()
        .rev()
        .map(|v| game.nodes[v].path.clone())
        .collect();
    Ok(SubgamePerfect {
        payoffs: values[0].clone(),
        choice,
        values,
        path,
        path_ends_at_chance,
        outcome,
        ties,
    })
}
