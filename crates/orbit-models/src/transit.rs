//! Transit power: the scenario's gas pipelines as a network game per epoch (Hubert &
//! Ikonnikova 2011; Hubert & Cobanli 2015), solved by the Shapley value, Banzhaf value, least
//! core and nucleolus of [`crate::games`].
//!
//! # The network of an epoch
//!
//! * **Which pipelines.** Gas pipelines standing at the *end* of the epoch year: in service
//!   during the year ([`Pipeline::in_service`]) and not closed in it. So the 2022 network has
//!   neither Yamal–Europe (flows through Poland stopped in May 2022) nor Nord Stream 1 (stopped
//!   and damaged in Sep 2022). Only segments with a known capacity count; the others are
//!   listed in [`TransitEpoch::left_out`] with the reason.
//! * **Nodes** are the actors at the ends of the counted segments (`RUS`, `BLR`, `POL`, …).
//! * **Players** are states. A node is held by its state (a region such as `RUS_KALININGRAD`
//!   by its parent state). A segment is held by the state on whose soil it runs, as in Hubert
//!   & Ikonnikova, where transit countries hold the pipes on their territory: a segment whose
//!   recorded owner is a state (or a region of one) is that state's; a segment owned by a
//!   firm goes to the firm's home state if that state is at one of the segment's ends and is
//!   not the supplier (Beltransgaz's `BLR → LTU` stretch is Belarus's), otherwise to the end
//!   that is not the supplier (Gazprom's Yamal `RUS → BLR` section, the 575 km in Belarus, is
//!   Belarus's). In a max-flow game every flow through a node needs that node's holder anyway,
//!   so with this data the link rule changes no number; it matters only for a segment held by
//!   a third state.
//! * **Supply** sits at the supplier (the scenario's patron, `RUS`): by default the sum of
//!   the capacities of the counted segments leaving it, i.e. not binding (a caller may set a
//!   documented export figure instead: [`TransitOptions::supply`]).
//! * **Demand**: no sourced demand per consumer is in the scenario, so demand is "unbounded"
//!   in the sense of matching the capacities: a node's demand is its counted inflow minus its
//!   counted outflow, where positive. That puts the consumers at the ends of the routes
//!   (Germany, Turkey, Bulgaria, Kaliningrad) and keeps what a transit country passes on from
//!   being counted as its own demand. Ukraine is an end in this data because the capacity of
//!   its exit to Slovakia is not known: gas entering Ukraine is counted as delivered there.
//!
//! The characteristic function is the max-flow game of [`NetworkGame::new`]: `v(S)` is the
//! most gas (bcm/yr) coalition `S` can move from the supply to the demand through the nodes
//! and links its members hold.

use std::collections::{BTreeMap, HashMap};
use std::sync::{LazyLock, Mutex};

use orbit_scenario::{ActorId, ActorKind, Commodity, Pipeline, World};
use serde::Serialize;
use thiserror::Error;

use crate::dependence::Provenance;
use crate::games::{
    DenseGame, GameError, Link, MAX_LP_PLAYERS, Network, NetworkGame, Node, TuGame, banzhaf,
    least_core, nucleolus, shapley_exact,
};

/// The epochs of the issue: before Nord Stream, after Nord Stream 1, after TurkStream, after
/// the Yamal–Europe flows stopped.
pub const DEFAULT_EPOCHS: [i32; 4] = [2005, 2012, 2020, 2022];

/// Errors of the transit model.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum TransitError {
    /// No gas pipeline with a known capacity stood at the end of the year.
    #[error("no gas pipeline with a known capacity was in service at the end of {0}")]
    NoNetwork(i32),
    /// The supplier is not at the start of any counted segment.
    #[error("no counted gas pipeline leaves {supplier} at the end of {year}")]
    NoSupply {
        /// The supplier's code.
        supplier: String,
        /// The epoch.
        year: i32,
    },
    /// The supply given is not a positive finite number: with no gas to ship there is no
    /// value to share, so no Shapley or Banzhaf share exists.
    #[error("the supply must be a positive finite number, got {0}")]
    BadSupply(f64),
    /// The game engine refused the network.
    #[error(transparent)]
    Game(#[from] GameError),
}

impl orbit_scenario::Hint for TransitError {
    fn hints(&self) -> Vec<String> {
        match self {
            TransitError::NoNetwork(_) | TransitError::NoSupply { .. } => vec![
                "the scenario's gas pipelines need `opened` years and segment capacities".into(),
            ],
            TransitError::BadSupply(_) => vec![
                "give `--supply` in bcm per year, more than 0: with no supply there is nothing to share, so no shares".into(),
            ],
            TransitError::Game(_) => Vec::new(),
        }
    }
}

/// Options of [`epoch`] and [`epochs`].
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct TransitOptions {
    /// The supplier's export capacity in bcm/yr; `None`: the sum of its outgoing segments'
    /// capacities (never binding).
    pub supply: Option<f64>,
}

/// A segment that entered an epoch's network.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UsedSegment {
    /// Pipeline id.
    pub pipeline: String,
    /// Tail actor code.
    pub from: String,
    /// Head actor code.
    pub to: String,
    /// Recorded owner (actor code).
    pub owner: String,
    /// The player that holds it in the game.
    pub player: String,
    /// Capacity, bcm/yr.
    pub capacity: f64,
    /// Source of the capacity.
    pub source: String,
}

/// Why a segment is not in an epoch's network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LeftOutReason {
    /// The pipeline stood at the end of the year, but this segment's capacity is unknown.
    NoCapacity,
    /// The pipeline was not in service at the end of the year (not yet opened, closed during or
    /// before the year, never operated, or no opening year in the data).
    NotInService,
}

/// A gas segment left out of an epoch's network.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeftOutSegment {
    /// Pipeline id.
    pub pipeline: String,
    /// Tail actor code.
    pub from: String,
    /// Head actor code.
    pub to: String,
    /// Why.
    pub reason: LeftOutReason,
}

/// One player's results in one epoch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlayerResult {
    /// Actor code.
    pub player: String,
    /// Shapley value, bcm/yr.
    pub shapley: f64,
    /// Shapley value as a share of `v(N)`.
    pub shapley_share: f64,
    /// Raw Banzhaf value, bcm/yr.
    pub banzhaf: f64,
    /// Normalised Banzhaf index (sums to 1), when defined.
    pub banzhaf_index: Option<f64>,
    /// Nucleolus allocation, bcm/yr (when the game is small enough for the LPs).
    pub nucleolus: Option<f64>,
    /// The least-core point found (bcm/yr).
    pub least_core: Option<f64>,
}

/// The network game of one epoch and its solutions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TransitEpoch {
    /// The epoch: the network standing at the end of this year.
    pub year: i32,
    /// Players (actor codes), the supplier first.
    pub players: Vec<String>,
    /// The network the game was built on (node ids are actor codes, owners index `players`).
    pub network: Network,
    /// Supply at the supplier, bcm/yr.
    pub supply: f64,
    /// `v(N)`: the most gas the grand coalition can move, bcm/yr.
    pub grand_value: f64,
    /// Per player: Shapley, Banzhaf, nucleolus.
    pub results: Vec<PlayerResult>,
    /// Whether the core is empty (least-core ε* > 0); `None` above the LP limit.
    pub core_empty: Option<bool>,
    /// The least-core ε*; `None` above the LP limit.
    pub least_core_epsilon: Option<f64>,
    /// The focus actor's (Belarus's) Shapley share of `v(N)`; 0 if it holds nothing.
    pub focus_share: f64,
    /// The segments the game used, with their sources.
    pub segments: Vec<UsedSegment>,
    /// Gas segments left out, and why.
    pub left_out: Vec<LeftOutSegment>,
    /// Where every number of this epoch comes from.
    pub provenance: Provenance,
}

/// The focus actor's Shapley share in one epoch.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TrendPoint {
    /// Epoch.
    pub year: i32,
    /// Shapley share of `v(N)`.
    pub share: f64,
    /// Shapley value, bcm/yr.
    pub value: f64,
}

/// Every epoch, and the focus actor's transit-power trend.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TransitReport {
    /// The supplier (the scenario's patron).
    pub supplier: String,
    /// The actor whose transit power is traced (the scenario's focus).
    pub focus: String,
    /// Options used.
    pub options: TransitOptions,
    /// One game per epoch, in the order asked.
    pub epochs: Vec<TransitEpoch>,
    /// The focus actor's Shapley share per epoch.
    pub trend: Vec<TrendPoint>,
}

/// Whether a pipeline stood at the end of `year`: in service during the year and not closed
/// in it.
pub fn standing_at_end_of(pipeline: &Pipeline, year: i32) -> bool {
    pipeline.in_service(year) && pipeline.closed != Some(year)
}

/// The state an actor belongs to: itself if a state, else its parent's state.
fn state_of(world: &World, id: ActorId) -> ActorId {
    let mut current = id;
    for _ in 0..world.actors.len() {
        let actor = world.actor(current);
        if actor.kind == ActorKind::State {
            return current;
        }
        match actor.parent {
            Some(parent) => current = parent,
            None => return current,
        }
    }
    current
}

/// The player holding a segment (see the module docs).
fn segment_player(
    world: &World,
    supplier: ActorId,
    from: ActorId,
    to: ActorId,
    owner: ActorId,
) -> ActorId {
    let (from, to) = (state_of(world, from), state_of(world, to));
    let owner_actor = world.actor(owner);
    if owner_actor.kind != ActorKind::Firm {
        return state_of(world, owner);
    }
    let home = state_of(world, owner);
    if home != supplier && (home == from || home == to) {
        home
    } else if to != supplier {
        to
    } else {
        from
    }
}

/// The network game of the gas pipelines standing at the end of `year` (see the module docs
/// for every modelling choice), solved.
/// The game of one epoch before it is solved: the network game's value table and the
/// players, network and segments it came from.
struct BuiltEpoch {
    players: Vec<String>,
    index: BTreeMap<ActorId, usize>,
    network: Network,
    supply: f64,
    segments: Vec<UsedSegment>,
    left_out: Vec<LeftOutSegment>,
}

/// Builds the network game of the gas pipelines standing at the end of `year` (the modelling
/// choices of the module docs); [`epoch`] solves it with every concept, [`shapley_shares`]
/// with the Shapley value only.
fn build_epoch(
    world: &World,
    year: i32,
    options: &TransitOptions,
) -> Result<BuiltEpoch, TransitError> {
    let supplier = world.meta.patron;
    if let Some(s) = options.supply
        && !(s.is_finite() && s > 0.0)
    {
        return Err(TransitError::BadSupply(s));
    }
    let mut segments = Vec::new();
    let mut left_out = Vec::new();
    // (from, to, player, capacity) in actor ids.
    let mut arcs: Vec<(ActorId, ActorId, ActorId, f64)> = Vec::new();
    for p in world
        .pipelines
        .iter()
        .filter(|p| p.commodity == Commodity::Gas)
    {
        let standing = standing_at_end_of(p, year);
        for s in &p.segments {
            let reason = match (standing, s.capacity) {
                (false, _) => Some(LeftOutReason::NotInService),
                (true, None) => Some(LeftOutReason::NoCapacity),
                (true, Some(_)) => None,
            };
            if let Some(reason) = reason {
                left_out.push(LeftOutSegment {
                    pipeline: p.id.clone(),
                    from: world.code(s.from).to_string(),
                    to: world.code(s.to).to_string(),
                    reason,
                });
                continue;
            }
            let capacity = s.capacity.unwrap_or(0.0);
            let player = segment_player(world, supplier, s.from, s.to, s.owner);
            arcs.push((s.from, s.to, player, capacity));
            segments.push(UsedSegment {
                pipeline: p.id.clone(),
                from: world.code(s.from).to_string(),
                to: world.code(s.to).to_string(),
                owner: world.code(s.owner).to_string(),
                player: world.code(player).to_string(),
                capacity,
                source: s.source.clone(),
            });
        }
    }
    if arcs.is_empty() {
        return Err(TransitError::NoNetwork(year));
    }
    // Nodes and players in scenario actor order (ids are indices), the supplier first.
    let mut node_ids: Vec<ActorId> = arcs.iter().flat_map(|a| [a.0, a.1]).collect();
    node_ids.sort();
    node_ids.dedup();
    let mut player_ids: Vec<ActorId> = node_ids
        .iter()
        .map(|&a| state_of(world, a))
        .chain(arcs.iter().map(|a| a.2))
        .collect();
    player_ids.sort_by_key(|&p| (p != supplier, p));
    player_ids.dedup();
    let index: BTreeMap<ActorId, usize> = player_ids
        .iter()
        .enumerate()
        .map(|(i, &p)| (p, i))
        .collect();
    let mut inflow: BTreeMap<ActorId, f64> = BTreeMap::new();
    let mut outflow: BTreeMap<ActorId, f64> = BTreeMap::new();
    for &(from, to, _, c) in &arcs {
        *outflow.entry(from).or_default() += c;
        *inflow.entry(to).or_default() += c;
    }
    let exports = outflow.get(&supplier).copied().unwrap_or(0.0);
    if exports == 0.0 {
        return Err(TransitError::NoSupply {
            supplier: world.code(supplier).to_string(),
            year,
        });
    }
    let supply = options.supply.unwrap_or(exports);
    let nodes: Vec<Node> = node_ids
        .iter()
        .map(|&a| {
            let net =
                inflow.get(&a).copied().unwrap_or(0.0) - outflow.get(&a).copied().unwrap_or(0.0);
            Node {
                id: world.code(a).to_string(),
                owner: Some(index[&state_of(world, a)]),
                supply: if a == supplier { supply } else { 0.0 },
                demand: if a != supplier && net > 0.0 { net } else { 0.0 },
                value: 0.0,
            }
        })
        .collect();
    let links: Vec<Link> = arcs
        .iter()
        .map(|&(from, to, player, capacity)| Link {
            from: world.code(from).to_string(),
            to: world.code(to).to_string(),
            capacity,
            owner: Some(index[&player]),
            cost: 0.0,
        })
        .collect();
    let players: Vec<String> = player_ids
        .iter()
        .map(|&p| world.code(p).to_string())
        .collect();
    let network = Network {
        players: players.clone(),
        nodes,
        links,
    };
    Ok(BuiltEpoch {
        players,
        index,
        network,
        supply,
        segments,
        left_out,
    })
}

/// The result of [`shapley_shares`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShapleyShares {
    /// Per player (actor code, the supplier first, as [`TransitEpoch::players`]): `φ_i / v(N)`.
    pub shares: Vec<(String, f64)>,
    /// Gas segments left out, and why (as [`TransitEpoch::left_out`]).
    pub left_out: Vec<LeftOutSegment>,
}

/// Each player's Shapley share (`φ_i / v(N)`, 0 if `v(N) = 0`) of the epoch's game, and the
/// gas segments left out: the same numbers, bit for bit, as [`epoch`]'s `results` and
/// `left_out`, without the least core and nucleolus LPs that [`epoch`] also solves (the
/// simulation's shocks and the calibration's covariate need the Shapley shares only).
pub fn shapley_shares(
    world: &World,
    year: i32,
    options: &TransitOptions,
) -> Result<ShapleyShares, TransitError> {
    let built = build_epoch(world, year, options)?;
    let (grand_value, phi) = shapley_of_network(&built.network)?;
    let shares = built
        .players
        .into_iter()
        .zip(phi)
        .map(|(p, x)| (p, shapley_share_of(x, grand_value)))
        .collect();
    Ok(ShapleyShares {
        shares,
        left_out: built.left_out,
    })
}

/// The focus actor's Shapley share of the epoch's game, the network it is played on and the
/// players: [`epoch`]'s `focus_share`, `network` and `players`, bit for bit, without its
/// other solution concepts (Banzhaf and the least core and nucleolus LPs), for the dispute
/// games, which need only these.
pub(crate) fn focus_share_and_network(
    world: &World,
    year: i32,
    options: &TransitOptions,
) -> Result<(f64, Network, Vec<String>), TransitError> {
    let built = build_epoch(world, year, options)?;
    let (grand_value, phi) = shapley_of_network(&built.network)?;
    let focus_share = built
        .index
        .get(&world.meta.focus)
        .map_or(0.0, |&i| shapley_share_of(phi[i], grand_value));
    Ok((focus_share, built.network, built.players))
}

/// The value table of the network game of `network` (`2^n` max-flows).
fn tabulate(network: &Network) -> Result<DenseGame, TransitError> {
    Ok(DenseGame::tabulate(&NetworkGame::new(network)?)?)
}

/// `v(N)` and the Shapley value of the network game of `network`, remembered per network for
/// the life of the process: the calibrations of one `orbit run` (one per backtest cutoff, each
/// over its panel years) ask for the same few networks hundreds of times, and each value table
/// costs `2^n` max-flows. A pure function of the network (the key is its full `Debug` text,
/// every number in shortest round-trip form), so remembering changes no number; errors are
/// not remembered.
fn shapley_of_network(network: &Network) -> Result<(f64, Vec<f64>), TransitError> {
    /// More distinct networks than any scenario has; past it, nothing more is kept.
    const KEPT_MAX: usize = 1024;
    /// `v(N)` and `φ` of a network game, by the network's `Debug` text.
    type Seen = HashMap<String, (f64, Vec<f64>)>;
    static SEEN: LazyLock<Mutex<Seen>> = LazyLock::new(|| Mutex::new(HashMap::new()));
    let key = format!("{network:?}");
    if let Some(hit) = SEEN.lock().ok().and_then(|seen| seen.get(&key).cloned()) {
        return Ok(hit);
    }
    let game = tabulate(network)?;
    let grand_value = game.value((1u64 << game.n()) - 1);
    let phi = shapley_exact(&game)?;
    if let Ok(mut seen) = SEEN.lock()
        && seen.len() < KEPT_MAX
    {
        seen.insert(key, (grand_value, phi.clone()));
    }
    Ok((grand_value, phi))
}

/// `x / v(N)`, 0 for a game worth nothing.
fn shapley_share_of(x: f64, grand_value: f64) -> f64 {
    if grand_value > 0.0 {
        x / grand_value
    } else {
        0.0
    }
}

/// The network game of the gas pipelines standing at the end of `year` (see the module docs
/// for every modelling choice), solved with every concept: Shapley, Banzhaf, the least core
/// and the nucleolus.
pub fn epoch(
    world: &World,
    year: i32,
    options: &TransitOptions,
) -> Result<TransitEpoch, TransitError> {
    let built = build_epoch(world, year, options)?;
    let game = tabulate(&built.network)?;
    let BuiltEpoch {
        players,
        index,
        network,
        supply,
        segments,
        left_out,
    } = built;
    let focus = world.meta.focus;
    let n = game.n();
    let grand_value = game.value((1u64 << n) - 1);
    let phi = shapley_exact(&game)?;
    let beta = banzhaf(&game)?;
    let (lc, nuc) = if n <= MAX_LP_PLAYERS {
        (Some(least_core(&game)?), Some(nucleolus(&game)?))
    } else {
        (None, None)
    };
    let share = |x: f64| shapley_share_of(x, grand_value);
    let results: Vec<PlayerResult> = (0..n)
        .map(|i| PlayerResult {
            player: players[i].clone(),
            shapley: phi[i],
            shapley_share: share(phi[i]),
            banzhaf: beta.raw[i],
            banzhaf_index: beta.index.as_ref().map(|b| b[i]),
            nucleolus: nuc.as_ref().map(|x| x.allocation[i]),
            least_core: lc.as_ref().map(|x| x.allocation[i]),
        })
        .collect();
    let focus_share = index.get(&focus).map_or(0.0, |&i| results[i].shapley_share);
    let mut sources: Vec<String> = segments
        .iter()
        .map(|s| {
            format!(
                "{} {}->{} ({} bcm/yr): {}",
                s.pipeline, s.from, s.to, s.capacity, s.source
            )
        })
        .collect();
    sources.dedup();
    let provenance = Provenance::Derived {
        formula: format!(
            "max-flow network game (Hubert & Ikonnikova 2011) on the gas segments standing at the end of {year}; \
             supply {} = {supply} bcm/yr; demand = inflow - outflow per node; Shapley, Banzhaf, least core and nucleolus of v",
            if options.supply.is_some() {
                "given"
            } else {
                "sum of the supplier's outgoing capacities"
            }
        ),
        sources,
    };
    Ok(TransitEpoch {
        year,
        players,
        network,
        supply,
        grand_value,
        results,
        core_empty: lc.as_ref().map(|l| l.core_empty),
        least_core_epsilon: lc.as_ref().map(|l| l.epsilon),
        focus_share,
        segments,
        left_out,
        provenance,
    })
}

/// [`epoch`] for every year, and the focus actor's Shapley share across them.
pub fn epochs(
    world: &World,
    years: &[i32],
    options: &TransitOptions,
) -> Result<TransitReport, TransitError> {
    let epochs = years
        .iter()
        .map(|&y| epoch(world, y, options))
        .collect::<Result<Vec<_>, _>>()?;
    let focus = world.code(world.meta.focus).to_string();
    let trend = epochs
        .iter()
        .map(|e| TrendPoint {
            year: e.year,
            share: e.focus_share,
            value: e
                .results
                .iter()
                .find(|r| r.player == focus)
                .map_or(0.0, |r| r.shapley),
        })
        .collect();
    Ok(TransitReport {
        supplier: world.code(world.meta.patron).to_string(),
        focus,
        options: *options,
        epochs,
        trend,
    })
}
