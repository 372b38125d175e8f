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
    /// Value per unit delivered to this node's demand (surplus games only; finite).
    #[serde(default)]
    pub value: f64,
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
    /// Cost per unit of flow (≥ 0; surplus games only, ignored by max-flow games).
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
    cost: f64,
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
    unit_value: Vec<f64>,
    links: Vec<FlatLink>,
    surplus: bool,
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
    /// The max-flow game of `network`, after validation: at least one player, unique node ids,
    /// known link ends and owners, finite non-negative capacities, supplies, demands and costs,
    /// finite node values.
    pub fn new(network: &Network) -> Result<Self, GameError> {
        Self::build(network, false)
    }

    /// The surplus game of `network` (Hubert & Ikonnikova 2011, with constant unit values):
    /// `v(S) = max_f Σ_j value_j · f(j→sink) − Σ_links cost_l · f_l` over the flows `S` can route
    /// (same usability rules as [`Self::new`]), i.e. a maximum-profit flow, computed by
    /// successive shortest paths (Bellman–Ford) stopped when no path has positive profit.
    pub fn surplus(network: &Network) -> Result<Self, GameError> {
        Self::build(network, true)
    }

    fn build(network: &Network, surplus: bool) -> Result<Self, GameError> {
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
            if !node.value.is_finite() {
                return Err(GameError::NonFiniteParameter {
                    what: format!("value of node `{}`", node.id),
                    value: node.value,
                });
            }
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
            check_amount(|| format!("cost of link {l}"), link.cost)?;
            links.push(FlatLink {
                from,
                to,
                capacity: link.capacity,
                owner: link.owner,
                cost: link.cost,
            });
        }
        Ok(Self {
            n,
            node_owner: network.nodes.iter().map(|x| x.owner).collect(),
            supply: network.nodes.iter().map(|x| x.supply).collect(),
            demand: network.nodes.iter().map(|x| x.demand).collect(),
            unit_value: network.nodes.iter().map(|x| x.value).collect(),
            links,
            surplus,
        })
    }
}

#[inline]
fn member(set: &[u64], owner: Option<usize>) -> bool {
    match owner {
        None => true,
        // A player beyond the words given is not a member (a `u64` mask of a game with more
        // than 64 players holds only the first 64).
        Some(p) => set.get(p / 64).is_some_and(|w| w >> (p % 64) & 1 == 1),
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
        if self.surplus {
            return self.max_profit(coalition, &usable);
        }
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

/// Residual graph for successive shortest paths.
struct Residual {
    head: Vec<usize>,
    cap: Vec<f64>,
    cost: Vec<f64>,
    adj: Vec<Vec<usize>>,
}

impl Residual {
    fn add(&mut self, a: usize, b: usize, cap: f64, cost: f64) {
        for (from, to, c, k) in [(a, b, cap, cost), (b, a, 0.0, -cost)] {
            self.adj[from].push(self.head.len());
            self.head.push(to);
            self.cap.push(c);
            self.cost.push(k);
        }
    }
}

impl NetworkGame {
    /// Maximum-profit flow by successive shortest paths. Arc costs: links `cost ≥ 0`, demand
    /// arcs `−value`; the only negative arcs enter the sink, which has no outgoing arcs, so the
    /// initial residual graph has no negative cycle, and shortest-path augmentation keeps it so.
    fn max_profit(&self, coalition: &[u64], usable: &[bool]) -> f64 {
        let m = self.node_owner.len();
        let (source, sink) = (m, m + 1);
        let mut r = Residual {
            head: Vec::new(),
            cap: Vec::new(),
            cost: Vec::new(),
            adj: vec![Vec::new(); m + 2],
        };
        for j in 0..m {
            if usable[j] && self.supply[j] > 0.0 {
                r.add(source, j, self.supply[j], 0.0);
            }
            if usable[j] && self.demand[j] > 0.0 {
                r.add(j, sink, self.demand[j], -self.unit_value[j]);
            }
        }
        for l in &self.links {
            if l.capacity > 0.0 && usable[l.from] && usable[l.to] && member(coalition, l.owner) {
                r.add(l.from, l.to, l.capacity, l.cost);
            }
        }
        let scale = self
            .unit_value
            .iter()
            .chain(self.links.iter().map(|l| &l.cost))
            .fold(1.0f64, |a, b| a.max(b.abs()));
        let eps = 1e-12 * scale;
        let mut profit = 0.0;
        loop {
            // Bellman–Ford (queue-based) from the source.
            let mut dist = vec![f64::INFINITY; m + 2];
            let mut via = vec![usize::MAX; m + 2];
            let mut queued = vec![false; m + 2];
            let mut queue = std::collections::VecDeque::from([source]);
            dist[source] = 0.0;
            while let Some(u) = queue.pop_front() {
                queued[u] = false;
                for &e in &r.adj[u] {
                    let v = r.head[e];
                    if r.cap[e] > 1e-12 && dist[u] + r.cost[e] < dist[v] - eps {
                        dist[v] = dist[u] + r.cost[e];
                        via[v] = e;
                        if !queued[v] {
                            queued[v] = true;
                            queue.push_back(v);
                        }
                    }
                }
            }
            if dist[sink] >= -eps {
                return profit;
            }
            let mut push = f64::INFINITY;
            let mut v = sink;
            while v != source {
                let e = via[v];
                push = push.min(r.cap[e]);
                v = r.head[e ^ 1];
            }
            let mut v = sink;
            while v != source {
                let e = via[v];
                r.cap[e] -= push;
                r.cap[e ^ 1] += push;
                v = r.head[e ^ 1];
            }
            profit -= push * dist[sink];
        }
    }
}
