//! Finite extensive-form games: players, chance nodes, information sets and payoffs, solved
//! by backward induction (perfect information) or through the reduced normal form.
//!
//! * [`GameSpec`] / [`TreeSpec`] is the nested, serialisable description a user writes (the
//!   JSON behind `orbit dispute --game FILE.json`); [`Game::new`] validates it into an arena
//!   of nodes in pre-order, with information sets resolved to indices. Every problem names
//!   the node by its path of actions from the root.
//! * [`backward_induction`]: the subgame-perfect equilibrium of a perfect-information game
//!   (Kuhn 1953; Zermelo 1913), chance nodes taken in expectation.
//! * [`normal::reduced_normal_form`] and [`normal::extreme_equilibria`]: Nash equilibria of
//!   the reduced strategic form of a two-player game by enumerating the vertices of the
//!   best-response polytopes (von Stengel 2002, "Computing equilibria for two-person games",
//!   *Handbook of Game Theory* vol. 3, ch. 45, §3, Algorithm 3.4 / the vertex enumeration of
//!   §3.5, as in Avis, Rosenberg, Savani & von Stengel 2010, *Economic Theory* 42), which is
//!   what Gambit's `enummixed` computes.
//! * [`gambit`]: Gambit's `.efg` (version 2, "EFG 2 R") and `.nfg` ("NFG 1 R", outcome
//!   version) formats, written and read back with located errors.
//!
//! Not checked: perfect recall beyond absent-mindedness (an information set met twice on one
//! path is refused). The normal-form solvers assume what Gambit assumes.

pub mod gambit;
pub mod lemke_howson;
pub mod normal;
mod solve;

use serde::{Deserialize, Serialize};
use thiserror::Error;

pub(crate) use solve::backward_induction_with;
pub use solve::{PathStep, SubgamePerfect, backward_induction};

/// The most nodes a game may have (a bound on memory and time for user files).
pub const MAX_NODES: usize = 1_000_000;

/// Errors of the extensive-form engine. `at` is the node's path of actions from the root,
/// e.g. `root / "demand" / "refuse"`.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum GameError {
    /// The game names no player.
    #[error("the game has no players")]
    NoPlayers,
    /// Two players have the same name.
    #[error("player `{0}` is listed twice")]
    DuplicatePlayer(String),
    /// A decision node names a player that is not in the list.
    #[error("at {at}: unknown player `{player}`")]
    UnknownPlayer {
        /// Node path.
        at: String,
        /// The name given.
        player: String,
    },
    /// A decision or chance node has no moves.
    #[error("at {at}: a decision or chance node needs at least one move")]
    NoMoves {
        /// Node path.
        at: String,
    },
    /// Two moves of one node carry the same label.
    #[error("at {at}: the action `{action}` is listed twice")]
    DuplicateAction {
        /// Node path.
        at: String,
        /// The label.
        action: String,
    },
    /// A terminal node has the wrong number of payoffs.
    #[error("at {at}: {got} payoffs given, the game has {expected} players")]
    PayoffCount {
        /// Node path.
        at: String,
        /// Players.
        expected: usize,
        /// Payoffs given.
        got: usize,
    },
    /// A payoff or probability is NaN or infinite.
    #[error("at {at}: {what} must be a finite number")]
    NotFinite {
        /// Node path.
        at: String,
        /// What was not finite.
        what: String,
    },
    /// A chance probability is negative or the probabilities do not sum to 1.
    #[error("at {at}: chance probabilities must be non-negative and sum to 1 (sum {sum})")]
    BadProbabilities {
        /// Node path.
        at: String,
        /// Their sum.
        sum: f64,
    },
    /// An information set is used by two players, or with different actions.
    #[error(
        "at {at}: information set `{infoset}` was declared for {first}, here it is used with {here}"
    )]
    InfosetMismatch {
        /// Node path.
        at: String,
        /// Information set label.
        infoset: String,
        /// Its first declaration (player and actions).
        first: String,
        /// This use.
        here: String,
    },
    /// An information set is met twice on one path (absent-mindedness).
    #[error("at {at}: information set `{infoset}` is met twice on one path")]
    AbsentMinded {
        /// Node path.
        at: String,
        /// Information set label.
        infoset: String,
    },
    /// The game is larger than [`MAX_NODES`].
    #[error("the game has more than {MAX_NODES} nodes")]
    TooManyNodes,
    /// Backward induction needs singleton information sets.
    #[error(
        "information set `{0}` holds more than one node: backward induction needs perfect information\n  hint: use the normal form (`extreme_equilibria`)"
    )]
    NotPerfectInformation(String),
    /// The normal form or the enumeration would be too large.
    #[error("{0}")]
    TooLarge(String),
    /// The solver needs a two-player game.
    #[error("the mixed-equilibrium solver needs exactly two players, the game has {0}")]
    NotTwoPlayer(usize),
}

/// A game as a user writes it: a title, the players, and a nested tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GameSpec {
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Player names, in order (player 1 first).
    pub players: Vec<String>,
    /// The root of the tree.
    pub root: TreeSpec,
}

/// A node of a [`GameSpec`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TreeSpec {
    /// A player moves.
    Decision {
        /// Node label.
        #[serde(default)]
        name: String,
        /// The mover (a name from [`GameSpec::players`]).
        player: String,
        /// Information set label; nodes sharing a label (for one player, with the same
        /// actions) form one information set. `None`: a singleton set of its own.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        infoset: Option<String>,
        /// The moves, in order.
        moves: Vec<MoveSpec>,
    },
    /// Nature moves with given probabilities.
    Chance {
        /// Node label.
        #[serde(default)]
        name: String,
        /// The moves and their probabilities.
        moves: Vec<ChanceMoveSpec>,
    },
    /// The game ends.
    Terminal {
        /// Outcome label.
        #[serde(default)]
        name: String,
        /// One payoff per player.
        payoffs: Vec<f64>,
    },
}

/// A player's move to a subtree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoveSpec {
    /// Action label.
    pub action: String,
    /// Where it leads.
    pub child: TreeSpec,
}

/// Nature's move to a subtree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChanceMoveSpec {
    /// Action label.
    pub action: String,
    /// Its probability.
    pub probability: f64,
    /// Where it leads.
    pub child: TreeSpec,
}

impl TreeSpec {
    /// A terminal node.
    pub fn terminal(name: impl Into<String>, payoffs: Vec<f64>) -> Self {
        TreeSpec::Terminal {
            name: name.into(),
            payoffs,
        }
    }

    /// A decision node with a singleton information set.
    pub fn decision(
        name: impl Into<String>,
        player: impl Into<String>,
        moves: Vec<(&str, TreeSpec)>,
    ) -> Self {
        TreeSpec::Decision {
            name: name.into(),
            player: player.into(),
            infoset: None,
            moves: moves
                .into_iter()
                .map(|(a, child)| MoveSpec {
                    action: a.to_string(),
                    child,
                })
                .collect(),
        }
    }

    /// A decision node in the named information set.
    pub fn decision_in(
        infoset: impl Into<String>,
        player: impl Into<String>,
        moves: Vec<(&str, TreeSpec)>,
    ) -> Self {
        let mut node = TreeSpec::decision("", player, moves);
        if let TreeSpec::Decision { infoset: i, .. } = &mut node {
            *i = Some(infoset.into());
        }
        node
    }

    /// A chance node.
    pub fn chance(name: impl Into<String>, moves: Vec<(&str, f64, TreeSpec)>) -> Self {
        TreeSpec::Chance {
            name: name.into(),
            moves: moves
                .into_iter()
                .map(|(a, probability, child)| ChanceMoveSpec {
                    action: a.to_string(),
                    probability,
                    child,
                })
                .collect(),
        }
    }
}

/// What happens at a node.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum NodeKind {
    /// A player moves; the actions are those of the information set.
    Decision {
        /// Index into [`Game::infosets`].
        infoset: usize,
        /// Child node per action.
        children: Vec<usize>,
    },
    /// Nature moves.
    Chance {
        /// Action labels.
        actions: Vec<String>,
        /// Probabilities, summing to 1.
        probabilities: Vec<f64>,
        /// Child node per action.
        children: Vec<usize>,
    },
    /// The game ends with these payoffs (one per player).
    Terminal {
        /// Payoffs.
        payoffs: Vec<f64>,
    },
}

/// A node of a validated [`Game`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Node {
    /// Label (the outcome's label at a terminal node).
    pub name: String,
    /// Its kind.
    pub kind: NodeKind,
    /// The path of actions from the root, for messages.
    pub path: String,
}

/// An information set of a player.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InfoSet {
    /// Index into [`Game::players`].
    pub player: usize,
    /// Label (empty if the user gave none).
    pub name: String,
    /// Action labels.
    pub actions: Vec<String>,
    /// Member nodes in pre-order.
    pub members: Vec<usize>,
}

/// A validated extensive-form game: nodes in pre-order (the root is node 0, every child has
/// a larger index than its parent).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Game {
    /// Title.
    pub title: String,
    /// Player names.
    pub players: Vec<String>,
    /// Nodes in pre-order.
    pub nodes: Vec<Node>,
    /// Information sets, in the order their first member appears.
    pub infosets: Vec<InfoSet>,
}

impl Game {
    /// Validates a [`GameSpec`] (see [`GameError`] for every refusal).
    pub fn new(spec: &GameSpec) -> Result<Game, GameError> {
        if spec.players.is_empty() {
            return Err(GameError::NoPlayers);
        }
        for (i, p) in spec.players.iter().enumerate() {
            if spec.players[..i].contains(p) {
                return Err(GameError::DuplicatePlayer(p.clone()));
            }
        }
        let mut builder = Builder {
            players: &spec.players,
            nodes: Vec::new(),
            infosets: Vec::new(),
            named: Vec::new(),
            on_path: Vec::new(),
        };
        builder.add(&spec.root, "root".to_string())?;
        Ok(Game {
            title: spec.title.clone(),
            players: spec.players.clone(),
            nodes: builder.nodes,
            infosets: builder.infosets,
        })
    }

    /// The game back as a nested [`GameSpec`] (information-set labels are kept, or made
    /// `"<player>:<index>"` for unlabelled sets with more than one member).
    pub fn to_spec(&self) -> GameSpec {
        GameSpec {
            title: self.title.clone(),
            players: self.players.clone(),
            root: self.node_spec(0),
        }
    }

    fn node_spec(&self, n: usize) -> TreeSpec {
        let node = &self.nodes[n];
        match &node.kind {
            NodeKind::Terminal { payoffs } => {
                TreeSpec::terminal(node.name.clone(), payoffs.clone())
            }
            NodeKind::Chance {
                actions,
                probabilities,
                children,
            } => TreeSpec::Chance {
                name: node.name.clone(),
                moves: actions
                    .iter()
                    .zip(probabilities)
                    .zip(children)
                    .map(|((a, &p), &c)| ChanceMoveSpec {
                        action: a.clone(),
                        probability: p,
                        child: self.node_spec(c),
                    })
                    .collect(),
            },
            NodeKind::Decision { infoset, children } => {
                let set = &self.infosets[*infoset];
                let label = if !set.name.is_empty() {
                    Some(set.name.clone())
                } else if set.members.len() > 1 {
                    Some(format!("{}:{}", self.players[set.player], infoset + 1))
                } else {
                    None
                };
                TreeSpec::Decision {
                    name: node.name.clone(),
                    player: self.players[set.player].clone(),
                    infoset: label,
                    moves: set
                        .actions
                        .iter()
                        .zip(children)
                        .map(|(a, &c)| MoveSpec {
                            action: a.clone(),
                            child: self.node_spec(c),
                        })
                        .collect(),
                }
            }
        }
    }

    /// Whether every information set is a single node.
    pub fn is_perfect_information(&self) -> bool {
        self.infosets.iter().all(|s| s.members.len() == 1)
    }

    /// The information sets of `player`, as indices into [`Game::infosets`].
    pub fn infosets_of(&self, player: usize) -> Vec<usize> {
        (0..self.infosets.len())
            .filter(|&h| self.infosets[h].player == player)
            .collect()
    }

    /// The number of terminal nodes.
    pub fn terminal_count(&self) -> usize {
        self.nodes
            .iter()
            .filter(|n| matches!(n.kind, NodeKind::Terminal { .. }))
            .count()
    }
}

struct Builder<'a> {
    players: &'a [String],
    nodes: Vec<Node>,
    infosets: Vec<InfoSet>,
    /// (player, label) → infoset index, for labelled sets.
    named: Vec<((usize, String), usize)>,
    /// Infosets on the path from the root to the node being added.
    on_path: Vec<usize>,
}

fn child_path(at: &str, action: &str) -> String {
    format!("{at} / {action:?}")
}

fn check_actions<'s>(
    at: &str,
    labels: impl Iterator<Item = &'s String>,
) -> Result<Vec<String>, GameError> {
    let mut seen: Vec<String> = Vec::new();
    for a in labels {
        if seen.contains(a) {
            return Err(GameError::DuplicateAction {
                at: at.to_string(),
                action: a.clone(),
            });
        }
        seen.push(a.clone());
    }
    if seen.is_empty() {
        return Err(GameError::NoMoves { at: at.to_string() });
    }
    Ok(seen)
}

impl Builder<'_> {
    fn add(&mut self, spec: &TreeSpec, at: String) -> Result<usize, GameError> {
        if self.nodes.len() >= MAX_NODES {
            return Err(GameError::TooManyNodes);
        }
        let index = self.nodes.len();
        match spec {
            TreeSpec::Terminal { name, payoffs } => {
                if payoffs.len() != self.players.len() {
                    return Err(GameError::PayoffCount {
                        at,
                        expected: self.players.len(),
                        got: payoffs.len(),
                    });
                }
                if payoffs.iter().any(|p| !p.is_finite()) {
                    return Err(GameError::NotFinite {
                        at,
                        what: "a payoff".into(),
                    });
                }
                self.nodes.push(Node {
                    name: name.clone(),
                    kind: NodeKind::Terminal {
                        payoffs: payoffs.clone(),
                    },
                    path: at,
                });
            }
            TreeSpec::Chance { name, moves } => {
                let actions = check_actions(&at, moves.iter().map(|m| &m.action))?;
                let probabilities: Vec<f64> = moves.iter().map(|m| m.probability).collect();
                if probabilities.iter().any(|p| !p.is_finite()) {
                    return Err(GameError::NotFinite {
                        at,
                        what: "a probability".into(),
                    });
                }
                let sum: f64 = probabilities.iter().sum();
                if probabilities.iter().any(|&p| p < 0.0) || (sum - 1.0).abs() > 1e-9 {
                    return Err(GameError::BadProbabilities { at, sum });
                }
                self.nodes.push(Node {
                    name: name.clone(),
                    kind: NodeKind::Chance {
                        actions,
                        probabilities,
                        children: Vec::new(),
                    },
                    path: at.clone(),
                });
                let mut children = Vec::with_capacity(moves.len());
                for m in moves {
                    children.push(self.add(&m.child, child_path(&at, &m.action))?);
                }
                if let NodeKind::Chance { children: c, .. } = &mut self.nodes[index].kind {
                    *c = children;
                }
            }
            TreeSpec::Decision {
                name,
                player,
                infoset,
                moves,
            } => {
                let p = self
                    .players
                    .iter()
                    .position(|q| q == player)
                    .ok_or_else(|| GameError::UnknownPlayer {
                        at: at.clone(),
                        player: player.clone(),
                    })?;
                let actions = check_actions(&at, moves.iter().map(|m| &m.action))?;
                let existing = infoset.as_ref().and_then(|label| {
                    self.named
                        .iter()
                        .find(|((q, l), _)| *q == p && l == label)
                        .map(|(_, h)| *h)
                });
                let h = match existing {
                    Some(h) => {
                        let set = &self.infosets[h];
                        if set.player != p || set.actions != actions {
                            return Err(GameError::InfosetMismatch {
                                at,
                                infoset: infoset.clone().unwrap_or_default(),
                                first: format!(
                                    "{} with actions {:?}",
                                    self.players[set.player], set.actions
                                ),
                                here: format!("{} with actions {:?}", player, actions),
                            });
                        }
                        if self.on_path.contains(&h) {
                            return Err(GameError::AbsentMinded {
                                at,
                                infoset: infoset.clone().unwrap_or_default(),
                            });
                        }
                        self.infosets[h].members.push(index);
                        h
                    }
                    None => {
                        let h = self.infosets.len();
                        self.infosets.push(InfoSet {
                            player: p,
                            name: infoset.clone().unwrap_or_default(),
                            actions,
                            members: vec![index],
                        });
                        if let Some(label) = infoset {
                            self.named.push(((p, label.clone()), h));
                        }
                        h
                    }
                };
                self.nodes.push(Node {
                    name: name.clone(),
                    kind: NodeKind::Decision {
                        infoset: h,
                        children: Vec::new(),
                    },
                    path: at.clone(),
                });
                self.on_path.push(h);
                let mut children = Vec::with_capacity(moves.len());
                for m in moves {
                    children.push(self.add(&m.child, child_path(&at, &m.action))?);
                }
                self.on_path.pop();
                if let NodeKind::Decision { children: c, .. } = &mut self.nodes[index].kind {
                    *c = children;
                }
            }
        }
        Ok(index)
    }
}
