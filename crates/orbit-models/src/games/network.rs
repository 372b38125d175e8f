//! Network (pipeline) games: players own nodes and links, and a coalition is worth the maximum
//! flow it can route from supply to demand nodes alone (Hubert & Ikonnikova 2011, with linear
//! rather than concave demand: the flow version of their characteristic function).

use petgraph::algo::dinics;
use petgraph::graph::{DiGraph, NodeIndex};
use serde::{Deserialize, Serialize};

use super::{GameError, TuGame};

/// A node of a [`Network`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// Unique id, named by links.
    pub id: String,
    /// Owning player (index into [`Network::players`]); `None` = usable by every coalition.
    #[serde(default)]
    pub owner: Option<usize>,
    /// Supply available at this node (≥ 0).
    #[serde(default)]
    pub supply: f64,
    /// Demand that can be served at this node (≥ 0).
    #[serde(default)]
    pub demand: f64,
}

/// A directed link of a [`Network`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Link {
    /// Id of the tail node.
    pub from: String,
    /// Id of the head node.
    pub to: String,
    /// Capacity (≥ 0).
    pub capacity: f64,
    /// Owning player; `None` = usable by every coalition.
    #[serde(default)]
    pub owner: Option<usize>,
    /// Cost per unit of flow (reserved for the surplus version; ignored by max-flow values).
    #[serde(default)]
    pub cost: f64,
}

/// A network whose nodes and links are owned by players.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Network {
    /// Player names; owners are indices into this list.
    pub players: Vec<String>,
    /// Nodes.
    pub nodes: Vec<Node>,
    /// Directed links.
    pub links: Vec<Link>,
}

#[derive(Debug, Clone)]
struct FlatLink {
    from: usize,
    to: usize,
    capacity: f64,
    owner: Option<usize>,
}

/// The max-flow game of a validated [`Network`].
///
/// `v(S)` is the maximum flow from a super-source (an arc to each supply node, capacity =
/// supply) to a super-sink (an arc from each demand node, capacity = demand) through the nodes
/// owned by members of `S` or by nobody and the links owned by members of `S` or by nobody; a
/// link is usable only if both its end nodes are. Max flow by petgraph's Dinic.
#[derive(Debug, Clone)]
pub struct NetworkGame {
    n: usize,
    node_owner: Vec<Option<usize>>,
    supply: Vec<f64>,
    demand: Vec<f64>,
    links: Vec<FlatLink>,
}

fn check_amount(what: impl Fn() -> String, value: f64) -> Result<(), GameError> {
    if !value.is_finite() {
        return Err(GameError::NonFiniteParameter {
            what: what(),
            value,
        });
    }
    if value < 0.0 {
        return Err(GameError::Negative {
            what: what(),
            value,
        });
    }
    Ok(())
}

fn check_owner(what: impl Fn() -> String, owner: Option<usize>, n: usize) -> Result<(), GameError> {
    match owner {
        Some(o) if o >= n => Err(GameError::UnknownOwner {
            what: what(),
            owner: o,
            n,
        }),
        _ => Ok(()),
    }
}

impl NetworkGame {
    /// Validates `network`: at least one player, unique node ids, known link ends and owners,
    /// finite non-negative capacities, supplies and demands, finite costs.
    pub fn new(network: &Network) -> Result<Self, GameError> {
        let n = network.players.len();
        if n == 0 {
            return Err(GameError::NoPlayers);
        }
        let mut index = std::collections::HashMap::new();
        for (j, node) in network.nodes.iter().enumerate() {
            if index.insert(node.id.as_str(), j).is_some() {
                return Err(GameError::DuplicateNode(node.id.clone()));
            }
            check_owner(|| format!("node `{}`", node.id), node.owner, n)?;
            check_amount(|| format!("supply of node `{}`", node.id), node.supply)?;
            check_amount(|| format!("demand of node `{}`", node.id), node.demand)?;
        }
        let mut links = Vec::with_capacity(network.links.len());
        for (l, link) in network.links.iter().enumerate() {
            let end = |id: &str| {
                index
                    .get(id)
                    .copied()
                    .ok_or_else(|| GameError::UnknownNode {
                        link: l,
                        node: id.to_string(),
                    })
            };
            let (from, to) = (end(&link.from)?, end(&link.to)?);
            check_owner(|| format!("link {l}"), link.owner, n)?;
            check_amount(|| format!("capacity of link {l}"), link.capacity)?;
            if !link.cost.is_finite() {
                return Err(GameError::NonFiniteParameter {
                    what: format!("cost of link {l}"),
                    value: link.cost,
                });
            }
            links.push(FlatLink {
                from,
                to,
                capacity: link.capacity,
                owner: link.owner,
            });
        }
        Ok(Self {
            n,
            node_owner: network.nodes.iter().map(|x| x.owner).collect(),
            supply: network.nodes.iter().map(|x| x.supply).collect(),
            demand: network.nodes.iter().map(|x| x.demand).collect(),
            links,
        })
    }
}

#[inline]
fn member(set: &[u64], owner: Option<usize>) -> bool {
    match owner {
        None => true,
        Some(p) => set[p / 64] >> (p % 64) & 1 == 1,
    }
}

impl TuGame for NetworkGame {
    fn n(&self) -> usize {
        self.n
    }

    fn value_of(&self, coalition: &[u64]) -> f64 {
        let m = self.node_owner.len();
        let usable: Vec<bool> = self
            .node_owner
            .iter()
            .map(|&o| member(coalition, o))
            .collect();
        let mut g: DiGraph<(), f64> = DiGraph::with_capacity(m + 2, self.links.len() + 2 * m);
        for _ in 0..m + 2 {
            g.add_node(());
        }
        let (source, sink) = (NodeIndex::new(m), NodeIndex::new(m + 1));
        let mut any_supply = false;
        let mut any_demand = false;
        for j in 0..m {
            if !usable[j] {
                continue;
            }
            if self.supply[j] > 0.0 {
                g.add_edge(source, NodeIndex::new(j), self.supply[j]);
                any_supply = true;
            }
            if self.demand[j] > 0.0 {
                g.add_edge(NodeIndex::new(j), sink, self.demand[j]);
                any_demand = true;
            }
        }
        if !(any_supply && any_demand) {
            return 0.0;
        }
        for l in &self.links {
            if l.capacity > 0.0 && usable[l.from] && usable[l.to] && member(coalition, l.owner) {
                g.add_edge(NodeIndex::new(l.from), NodeIndex::new(l.to), l.capacity);
            }
        }
        dinics(&g, source, sink).0
    }
}
