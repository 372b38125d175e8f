//! The gas disputes of 2004, 2006–07 and 2010 as sequential escalation games between the
//! supplier (the scenario's patron, Russia/Gazprom) and the transit state (the focus actor,
//! Belarus), built from the scenario's data of the dispute year and solved by backward
//! induction ([`crate::extensive`]). Equations and every modelling choice:
//! `docs/models/disputes.md`.
//!
//! # The game
//!
//! Two players, perfect information, money in USD m relative to the status quo:
//!
//! 1. Russia: *keep terms* (status quo, `(0, 0)`) or make its demand (a price rise, or
//!    calling in a debt) worth the **stake** `S` to it and `−S` to Belarus.
//! 2. Belarus: *concede* (`(S, −S)`) or *refuse*.
//! 3. An escalation ladder, one rung per recorded (or threatened) supply cut `s_i`, ending
//!    with a demand for the transit asset where the episode has one. At rung `i` Russia either
//!    *backs down* (no transfer; where Belarus retaliated with a claim `C` of its own, Russia
//!    pays it) or *cuts supply by `s_i`* (or *demands the asset sale*). A round of `t` days
//!    then passes, whose costs are discounted by `δ^(i+1)`, and Belarus *concedes* (pays
//!    `δ^(i+1)·S`; at the asset rung *sells the asset*, handing over the stake plus the control
//!    premium `π·A`), *holds out*, or — once — *retaliates* (siphons transit gas, raises the
//!    transit fee, halts transit: the levers its episode records). Holding out at the last
//!    rung is a *stalemate*: the last cut (and any retaliation) persists for `H` days, then
//!    the old terms return and nobody gets the stake.
//!
//! Costs of a round with cut `s` (`V` Belarus's imports, bcm/yr; `p0` its price before the
//! dispute; `p_ref` the European reference price; `W` the transit with no alternative route,
//! `v(N)` Russia's deliverable exports, both from the network game of [`crate::transit`];
//! `w = W / v(N)`):
//!
//! * Belarus draws its stocks first (`D` days of full consumption); the shortfall beyond them
//!   is `V·max(0, s·t − D_left)/365` bcm, costing Belarus `κ·p_ref − p0` per 1000 m3 (value
//!   of the gas lost less the price not paid) and Russia the sale `p0`.
//! * Russia pays a reputational cost `ρ·s·w` per round of a cut (a cut of supply to Belarus
//!   also hits the European flows through it, as Poland's in 2004).
//! * *Siphoning*: Belarus takes its shortfall from transit, at most `W·t/365`; Russia loses
//!   that gas at `p_ref` and `ρ·w`; Belarus gains it at `p0` and draws no stock.
//! * *Halting transit*: Russia loses `W·t/365·p_ref` and `ρ·w`; Belarus loses its transit
//!   revenue `F·t/365` (`F` = fee × transit volume × distance / 100).
//! * *Raising the fee*: Russia pays Belarus `C·t/365`, `C` the annual value of the fee rise.
//!
//! Uncertain parameters (`δ`, `ρ`, `t`, `D`, `κ`, `π`, `H`) are declared as ranges
//! ([`uncertain_ranges`]); the central game uses their midpoints and [`monte_carlo`] draws them
//! uniformly, one `ChaCha8Rng` stream per draw.

use std::borrow::Cow;
use std::collections::BTreeMap;

use orbit_scenario::{Commodity, World};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;
use thiserror::Error;

use crate::extensive::{
    Game, GameError, GameSpec, NodeKind, PathStep, TreeSpec, backward_induction,
    backward_induction_with,
};
use crate::games::{NetworkGame, TuGame};
use crate::gas_price::{GasPriceOptions, predict};
use crate::transit::{TransitError, TransitOptions, focus_share_and_network};

/// The random-number generator of [`monte_carlo`].
pub const RNG_NAME: &str =
    "ChaCha8Rng (rand_chacha 0.10), seed_from_u64(seed), stream = draw index";

/// The episodes modelled, by id.
pub const EPISODES: [&str; 3] = ["2004", "2006-07", "2010"];

/// Errors of the dispute model.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum DisputeError {
    /// The episode id is not one of [`EPISODES`].
    #[error("unknown episode `{0}`\n  hint: one of 2004, 2006-07, 2010")]
    UnknownEpisode(String),
    /// A figure the game needs is not in the scenario.
    #[error("episode {episode}: the scenario has no {what}")]
    Missing {
        /// Episode id.
        episode: String,
        /// What is missing.
        what: String,
    },
    /// An event the episode cites is not in the scenario.
    #[error("episode {episode}: the scenario has no event `{id}`")]
    MissingEvent {
        /// Episode id.
        episode: String,
        /// Event id.
        id: String,
    },
    /// The transit game failed.
    #[error(transparent)]
    Transit(#[from] TransitError),
    /// The game engine refused the tree (a bug if it happens).
    #[error(transparent)]
    Game(#[from] GameError),
}

/// One input of a dispute game and where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    /// Symbol, as in the docs (`S`, `V`, `p0`...).
    pub symbol: String,
    /// What it is.
    pub name: String,
    /// Its value.
    pub value: f64,
    /// Unit.
    pub unit: String,
    /// `sourced`, `derived` or `assumption`.
    pub kind: String,
    /// The formula (derived), the source (sourced), or why it is assumed.
    pub derivation: String,
    /// Years other than the dispute's whose data this figure borrows (the scenario has none
    /// for the dispute's year); empty when every input is of the right year.
    pub borrowed_from: Vec<i32>,
}

impl Figure {
    fn borrowing(mut self, years: impl IntoIterator<Item = i32>, wanted: i32) -> Self {
        self.borrowed_from = years.into_iter().filter(|&y| y != wanted).collect();
        self.borrowed_from.sort_unstable();
        self.borrowed_from.dedup();
        self
    }
}

/// A parameter declared as a range (no source pins it down).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Range {
    /// Symbol.
    pub symbol: String,
    /// What it is.
    pub name: String,
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
    /// Unit.
    pub unit: String,
    /// Where the bounds come from.
    pub basis: String,
}

/// Values of the uncertain parameters for one game.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Params {
    /// `δ`: discount factor per round of the stand-off.
    pub discount: f64,
    /// `ρ`: reputational cost to Russia of a round in which all its non-reroutable exports
    /// through Belarus fall short (USD m; scaled by `s·w`).
    pub reputation: f64,
    /// `t`: days per round.
    pub round_days: f64,
    /// `D`: days of full consumption Belarus's stocks cover.
    pub storage_days: f64,
    /// `κ`: the value of gas Belarus goes without, as a multiple of `p_ref`.
    pub shortfall_value: f64,
    /// `π`: control premium of the transit asset, as a share of its sale price.
    pub control_premium: f64,
    /// `H`: how long a stalemate lasts (days) before the old terms return.
    pub stalemate_days: f64,
    /// `λ`: the share of the value of gas not delivered that Russia loses for good (the rest
    /// is delivered later).
    pub lost_sales_share: f64,
}

/// A lever Belarus can pull once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Retaliation {
    /// Take transit gas meant for Europe.
    SiphonTransitGas,
    /// Charge a higher transit fee.
    RaiseTransitFee,
    /// Stop transit to Europe.
    HaltTransit,
}

impl Retaliation {
    /// The move's label in the tree.
    pub fn label(self) -> &'static str {
        match self {
            Retaliation::SiphonTransitGas => "siphon transit gas",
            Retaliation::RaiseTransitFee => "raise transit fee",
            Retaliation::HaltTransit => "halt transit",
        }
    }
}

/// A rung of the escalation ladder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rung {
    /// Russia's move label.
    pub label: String,
    /// Cut share in force during the round.
    pub cut: f64,
    /// Whether Russia demands the asset here.
    pub asset: bool,
    /// The event the rung is taken from (or `None` if assumed).
    pub event: Option<String>,
}

/// Everything the game of one episode is built from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DisputeInputs {
    /// Episode id.
    pub episode: String,
    /// The year whose data is used.
    pub year: i32,
    /// The network the transit figures come from (a year, or a counterfactual).
    pub network: String,
    /// Russia's opening move.
    pub demand_label: String,
    /// `S`, USD m.
    pub stake: f64,
    /// `C`, Belarus's own claim (USD m), 0 if none.
    pub counterclaim: f64,
    /// `A`, sale price of the asset demanded (USD m), if any.
    pub asset_price: Option<f64>,
    /// `V`, bcm/yr.
    pub volume: f64,
    /// `p0`, USD per 1000 m3.
    pub price_before: f64,
    /// `p_ref`, USD per 1000 m3.
    pub reference_price: f64,
    /// `W`, bcm/yr.
    pub transit_at_risk: f64,
    /// `v(N)`, bcm/yr.
    pub deliverable: f64,
    /// Belarus's Shapley share of `v(N)` in the network game.
    pub focus_shapley_share: f64,
    /// `F`, Belarus's annual transit revenue (USD m).
    pub transit_revenue: f64,
    /// Belarus's levers.
    pub retaliations: Vec<Retaliation>,
    /// The ladder.
    pub rungs: Vec<Rung>,
    /// Every figure with its derivation.
    pub figures: Vec<Figure>,
}

/// The terms an outcome settles on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Terms {
    /// Who gave way: `"none"` (status quo), `"BLR"`, `"RUS"` or `"nobody"` (stalemate).
    pub yielded: String,
    /// The stake Belarus pays (USD m, undiscounted).
    pub stake_paid: f64,
    /// The counterclaim Russia pays (USD m).
    pub counterclaim_paid: f64,
    /// Whether the asset changes hands.
    pub asset_sold: bool,
    /// The supply cut in force when it ended.
    pub cut_at_end: f64,
}

/// A solved game: the subgame-perfect path and its terms.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Solution {
    /// Moves on the path.
    pub path: Vec<PathStep>,
    /// Number of moves.
    pub length: usize,
    /// The outcome's label.
    pub outcome: String,
    /// Payoffs (USD m): Russia, Belarus.
    pub payoffs: Vec<f64>,
    /// Terms.
    pub terms: Terms,
    /// Nodes where a mover was indifferent.
    pub ties: Vec<String>,
}

/// A built game with the terms of each outcome.
#[derive(Debug, Clone)]
pub struct DisputeGame {
    /// The validated game.
    pub game: Game,
    /// The nested spec (for JSON export).
    pub spec: GameSpec,
    /// Terms per outcome label.
    pub terms: BTreeMap<String, Terms>,
}

/// What happened in an episode, as moves of the game where the record allows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recorded {
    /// The moves, in the game's labels.
    pub path: Vec<String>,
    /// Number of moves.
    pub length: usize,
    /// The final terms in words.
    pub terms: String,
    /// Where the record departs from the game.
    pub note: String,
    /// The scenario events it rests on.
    pub events: Vec<String>,
}

/// One path and how often it was the equilibrium path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathShare {
    /// Moves joined by ` → `.
    pub path: String,
    /// The outcome.
    pub outcome: String,
    /// Draws.
    pub draws: usize,
    /// Share of draws.
    pub share: f64,
}

/// A counterfactual network.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Counterfactual {
    /// What changes.
    pub name: String,
    /// `W` under it, bcm/yr.
    pub transit_at_risk: f64,
    /// `v(N)` under it.
    pub deliverable: f64,
    /// The central game's solution.
    pub solution: Solution,
    /// Monte Carlo path shares.
    pub monte_carlo: Vec<PathShare>,
}

/// One episode: inputs, the central solution, the record, counterfactuals, Monte Carlo.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EpisodeResult {
    /// Episode id.
    pub episode: String,
    /// Inputs.
    pub inputs: DisputeInputs,
    /// The central parameter values.
    pub central: Params,
    /// The subgame-perfect equilibrium of the central game.
    pub solution: Solution,
    /// What happened.
    pub recorded: Recorded,
    /// Moves shared by the equilibrium and recorded paths from the start.
    pub common_prefix: usize,
    /// Monte Carlo path shares (most frequent first).
    pub monte_carlo: Vec<PathShare>,
    /// Nord Stream 1 in service; Yamal–Europe stopped.
    pub counterfactuals: Vec<Counterfactual>,
}

/// Monte Carlo settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DisputeSettings {
    /// Draws.
    pub draws: usize,
    /// Master seed.
    pub seed: u64,
}

impl Default for DisputeSettings {
    fn default() -> Self {
        DisputeSettings {
            draws: 1000,
            seed: 13,
        }
    }
}

/// Every episode asked for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DisputeReport {
    /// The uncertain parameters' ranges.
    pub ranges: Vec<Range>,
    /// Settings.
    pub settings: DisputeSettings,
    /// The RNG.
    pub rng: &'static str,
    /// Per episode.
    pub episodes: Vec<EpisodeResult>,
}

const RUS: &str = "RUS";
const BLR: &str = "BLR";

fn indicator(world: &World, name: &str, year: i32) -> Option<(f64, String)> {
    let focus = world.meta.focus;
    world
        .indicators
        .iter()
        .find(|i| i.actor == focus && i.name == name && i.years.contains(year))
        .map(|i| (i.value, i.source.clone()))
}

/// The latest indicator of the focus actor dated on or before `year`.
fn indicator_latest(world: &World, name: &str, year: i32) -> Option<(i32, f64, String)> {
    let focus = world.meta.focus;
    world
        .indicators
        .iter()
        .filter(|i| i.actor == focus && i.name == name && i.years.first <= year)
        .max_by_key(|i| i.years.first)
        .map(|i| (i.years.first, i.value, i.source.clone()))
}

/// The focus actor's indicator on or before `year` (latest), else the earliest after it.
fn nearest_indicator(world: &World, name: &str, year: i32) -> Option<(i32, f64, String)> {
    indicator_latest(world, name, year).or_else(|| {
        let focus = world.meta.focus;
        world
            .indicators
            .iter()
            .filter(|i| i.actor == focus && i.name == name)
            .min_by_key(|i| i.years.first)
            .map(|i| (i.years.first, i.value, i.source.clone()))
    })
}

fn event<'w>(
    world: &'w World,
    episode: &str,
    id: &str,
) -> Result<&'w orbit_scenario::Event, DisputeError> {
    world
        .events
        .iter()
        .find(|e| e.id == id)
        .ok_or_else(|| DisputeError::MissingEvent {
            episode: episode.into(),
            id: id.into(),
        })
}

fn gas_records(world: &World) -> impl Iterator<Item = &orbit_scenario::EnergyRecord> {
    world
        .energy
        .iter()
        .filter(|e| e.commodity == Commodity::Gas && e.importer == world.meta.focus)
}

fn sourced(symbol: &str, name: &str, value: f64, unit: &str, source: &str) -> Figure {
    Figure {
        symbol: symbol.into(),
        name: name.into(),
        value,
        unit: unit.into(),
        kind: "sourced".into(),
        derivation: source.into(),
        borrowed_from: Vec::new(),
    }
}

fn derived(symbol: &str, name: &str, value: f64, unit: &str, formula: String) -> Figure {
    Figure {
        symbol: symbol.into(),
        name: name.into(),
        value,
        unit: unit.into(),
        kind: "derived".into(),
        derivation: formula,
        borrowed_from: Vec::new(),
    }
}

/// The uncertain parameters and their ranges (see `docs/models/disputes.md`). The storage
/// bounds are the 10–20 days Belarus gave in Feb 2004 (scenario indicators
/// `gas_storage_days_low/high`); the others are declared assumptions.
pub fn uncertain_ranges(world: &World) -> Vec<Range> {
    let storage = indicator(world, "gas_storage_days_low", 2004).zip(indicator(
        world,
        "gas_storage_days_high",
        2004,
    ));
    let (d_low, d_high, d_basis) = match storage {
        Some(((lo, src), (hi, _))) => (
            lo,
            hi,
            format!("sourced for Feb 2004 ({src}); assumed the same in the other episodes"),
        ),
        None => (
            10.0,
            20.0,
            "assumption: the scenario has no storage figure (the 2004 figure would be 10-20 days)"
                .into(),
        ),
    };
    vec![
        Range {
            symbol: "δ".into(),
            name: "discount factor per round".into(),
            low: 0.8,
            high: 1.0,
            unit: "".into(),
            basis: "assumption: from impatient (a fifth lost per round) to patient".into(),
        },
        Range {
            symbol: "ρ".into(),
            name: "reputational cost of a cut to Russia's European reputation, per round at w = 1".into(),
            low: 0.0,
            high: 1000.0,
            unit: "USD m".into(),
            basis: "assumption: no source prices it; up to about one year's stake of 2006-07".into(),
        },
        Range {
            symbol: "t".into(),
            name: "length of one round of the stand-off".into(),
            low: 1.0,
            high: 14.0,
            unit: "days".into(),
            basis: "assumption: from a day to two weeks".into(),
        },
        Range {
            symbol: "D".into(),
            name: "days of full consumption Belarus's stocks cover".into(),
            low: d_low,
            high: d_high,
            unit: "days".into(),
            basis: d_basis,
        },
        Range {
            symbol: "κ".into(),
            name: "value of gas Belarus goes without, as a multiple of p_ref".into(),
            low: 1.0,
            high: 10.0,
            unit: "× p_ref".into(),
            basis: "assumption: from the European price to ten times it (what a gas shortfall costs an economy that heats and makes power with gas is not in the scenario)".into(),
        },
        Range {
            symbol: "π".into(),
            name: "control premium of the transit asset, share of its sale price".into(),
            low: 0.0,
            high: 0.5,
            unit: "× A".into(),
            basis: "assumption: what control (ending the transit hold-up) is worth beyond the price paid".into(),
        },
        Range {
            symbol: "H".into(),
            name: "length of a stalemate (the last cut and any retaliation persist)".into(),
            low: 30.0,
            high: 180.0,
            unit: "days".into(),
            basis: "assumption: from a month to a heating season".into(),
        },
        Range {
            symbol: "λ".into(),
            name: "share of the value of undelivered gas Russia loses for good".into(),
            low: 0.0,
            high: 1.0,
            unit: "".into(),
            basis: "assumption: from all of it delivered later to all of it lost".into(),
        },
    ]
}

/// The midpoints of the ranges.
pub fn central_params(ranges: &[Range]) -> Params {
    let mid = |k: usize| (ranges[k].low + ranges[k].high) / 2.0;
    Params {
        discount: mid(0),
        reputation: mid(1),
        round_days: mid(2),
        storage_days: mid(3),
        shortfall_value: mid(4),
        control_premium: mid(5),
        stalemate_days: mid(6),
        lost_sales_share: mid(7),
    }
}

fn draw_params(ranges: &[Range], rng: &mut ChaCha8Rng) -> Params {
    let mut u = |k: usize| {
        let r = &ranges[k];
        r.low + (r.high - r.low) * rng.random::<f64>()
    };
    Params {
        discount: u(0),
        reputation: u(1),
        round_days: u(2),
        storage_days: u(3),
        shortfall_value: u(4),
        control_premium: u(5),
        stalemate_days: u(6),
        lost_sales_share: u(7),
    }
}

/// Which network the transit figures come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetworkChoice {
    /// The pipelines standing at the end of the episode year.
    AsRecorded,
    /// Nord Stream 1 in service: the network standing at the end of 2012.
    WithNordStream,
    /// Yamal–Europe stopped: the episode year's network without it.
    WithoutYamal,
}

/// `(W, v(N), Belarus's Shapley share, label)` of a network.
fn transit_figures(
    world: &World,
    year: i32,
    choice: NetworkChoice,
) -> Result<(f64, f64, f64, String), DisputeError> {
    // Only the counterfactual without Yamal-Europe edits the world; the others read it.
    let (w, y, label) = match choice {
        NetworkChoice::AsRecorded => (
            Cow::Borrowed(world),
            year,
            format!("pipelines standing at the end of {year}"),
        ),
        NetworkChoice::WithNordStream => (
            Cow::Borrowed(world),
            year.max(2012),
            format!(
                "counterfactual: the network of {} (Nord Stream 1 in service)",
                year.max(2012)
            ),
        ),
        NetworkChoice::WithoutYamal => {
            let mut w = world.clone();
            w.pipelines.retain(|p| !p.id.starts_with("yamal-europe"));
            (
                Cow::Owned(w),
                year,
                format!("counterfactual: the {year} network without Yamal-Europe"),
            )
        }
    };
    // The epoch's Shapley share and network only (its LPs would go unused).
    let (focus_share, network, players) =
        focus_share_and_network(&w, y, &TransitOptions::default())?;
    let game = NetworkGame::new(&network).map_err(TransitError::from)?;
    let n = players.len();
    let all = (1u64 << n) - 1;
    let blr = players.iter().position(|p| p == BLR);
    let without = blr.map_or(all, |b| all & !(1u64 << b));
    let deliverable = game.value(all);
    let at_risk = deliverable - game.value(without);
    Ok((at_risk.max(0.0), deliverable, focus_share, label))
}

/// The inputs of one episode from the scenario, with the transit figures of `network`.
pub fn inputs(
    world: &World,
    episode: &str,
    network: NetworkChoice,
) -> Result<DisputeInputs, DisputeError> {
    let missing = |what: &str| DisputeError::Missing {
        episode: episode.into(),
        what: what.into(),
    };
    let mut figures = Vec::new();
    let year = match episode {
        "2004" => 2004,
        "2006-07" => 2007,
        "2010" => 2010,
        other => return Err(DisputeError::UnknownEpisode(other.into())),
    };
    // V: the volume of the year, else the nearest recorded year (flagged).
    let (vol_year, volume, vol_source) = gas_records(world)
        .filter_map(|e| Some((e.year, e.volume?, e.source.clone())))
        .filter(|(_, v, _)| *v > 0.0)
        .min_by_key(|(y, _, _)| ((y - year).abs(), *y > year))
        .ok_or_else(|| missing("gas volume of the focus actor"))?;
    figures.push(if vol_year == year {
        sourced("V", "Belarus's gas imports", volume, "bcm/yr", &vol_source)
    } else {
        derived(
            "V",
            "Belarus's gas imports",
            volume,
            "bcm/yr",
            format!(
                "assumption: the {vol_year} volume, the recorded year nearest {year} ({vol_source})"
            ),
        )
        .borrowing([vol_year], year)
    });
    // p0: the price paid before the dispute.
    let before: Vec<_> = gas_records(world)
        .filter_map(|e| Some((e.year, e.price?, e.period.clone(), e.source.clone())))
        .collect();
    let (p0_year, price_before, p0_source) = match episode {
        // The independent suppliers' price of Jan-Feb 2004 is the recorded 2004 price.
        "2004" => before
            .iter()
            .find(|r| r.0 == 2004)
            .map(|r| (r.0, r.1, r.3.clone()))
            .ok_or_else(|| missing("2004 gas price"))?,
        _ => before
            .iter()
            .filter(|r| r.0 < year && r.2.as_deref().is_none_or(|p| p.contains("annual")))
            .max_by_key(|r| r.0)
            .map(|r| (r.0, r.1, r.3.clone()))
            .ok_or_else(|| missing("gas price before the dispute"))?,
    };
    figures.push(if episode == "2004" {
        derived(
            "p0",
            "price Belarus paid before the dispute",
            price_before,
            "USD/1000 m3",
            format!("the {p0_year} price ({p0_source}); in Jan-Feb 2004 the independent suppliers (Itera, TransNafta) delivered at this price, so it is the pre-dispute price, not an outcome"),
        )
    } else {
        sourced("p0", "price Belarus paid before the dispute", price_before, "USD/1000 m3", &format!("{p0_year} record: {p0_source}"))
    });
    // p_ref: latest reference on or before the year, else the first recorded (flagged).
    let refs: Vec<_> = gas_records(world)
        .filter_map(|e| {
            Some((
                e.year,
                e.reference_price?,
                e.reference_source
                    .clone()
                    .unwrap_or_else(|| e.source.clone()),
            ))
        })
        .collect();
    let (ref_year, reference_price, ref_source) = refs
        .iter()
        .filter(|r| r.0 <= year)
        .max_by_key(|r| r.0)
        .or_else(|| refs.iter().min_by_key(|r| r.0))
        .cloned()
        .ok_or_else(|| missing("European reference gas price"))?;
    figures.push(derived(
        "p_ref",
        "European reference price",
        reference_price,
        "USD/1000 m3",
        if ref_year <= year {
            format!("the reference recorded for {ref_year} ({ref_source}), carried to {year}")
        } else {
            format!("assumption: the first reference on record ({ref_year}, {ref_source}); none is recorded on or before {year}")
        },
    ).borrowing([ref_year], year));
    // S, C, A, levers and the ladder per episode.
    let (demand_label, stake, counterclaim, asset_price, retaliations, rungs) = match episode {
        "2004" => {
            let (s, src) = indicator(world, "gas_dispute_stake_usd", 2004)
                .ok_or_else(|| missing("indicator gas_dispute_stake_usd 2004"))?;
            figures.push(sourced(
                "S",
                "the stake: what the higher price adds to Belarus's 2004 gas bill",
                s / 1e6,
                "USD m",
                &src,
            ));
            let cut30 = event(world, episode, "2004-02-13-gas-supply-cut-30")?;
            let full = event(world, episode, "2004-02-18-gas-cutoff")?;
            let offer = full.quantity.filter(|_| {
                full.unit
                    .as_deref()
                    .is_some_and(|u| u.contains("Beltransgaz"))
            });
            let a = offer.map(|bn| bn * 1000.0);
            if let Some(a) = a {
                figures.push(sourced(
                    "A",
                    "Gazprom's offer for Beltransgaz",
                    a,
                    "USD m",
                    &full.source,
                ));
            }
            let share30 = cut30
                .quantity
                .ok_or_else(|| missing("cut share of 2004-02-13"))?
                / 100.0;
            let mut rungs = vec![
                Rung {
                    label: format!("cut supply {:.0}%", share30 * 100.0),
                    cut: share30,
                    asset: false,
                    event: Some(cut30.id.clone()),
                },
                Rung {
                    label: "cut supply 100%".into(),
                    cut: 1.0,
                    asset: false,
                    event: Some(full.id.clone()),
                },
            ];
            if a.is_some() {
                rungs.push(Rung {
                    label: "demand asset sale".into(),
                    cut: 1.0,
                    asset: true,
                    event: Some(full.id.clone()),
                });
            }
            (
                "demand price rise".to_string(),
                s / 1e6,
                0.0,
                a,
                vec![Retaliation::SiphonTransitGas],
                rungs,
            )
        }
        "2006-07" => {
            let prediction = predict(world, year, &GasPriceOptions::default())
                .map_err(|e| missing(&format!("gas-price model prediction for 2007 ({e})")))?;
            let demand = prediction.price;
            let stake = (demand - price_before) * volume;
            figures.push(derived("p1", "Russia's demand: the asymmetric Nash bargaining price of the gas-price model", demand, "USD/1000 m3", format!("gas_price::predict({year}): (w_R·p_ref + w_B·p_low)/(w_R + w_B) with Shapley weights w_R = {:.3}, w_B = {:.3}, p_ref = {}, p_low = {} (no outcome of {year} used)", prediction.supplier_weight, prediction.focus_weight, prediction.reference, prediction.floor)));
            figures.push(derived(
                "S",
                "the stake",
                stake,
                "USD m/yr",
                format!("(p1 − p0)·V = ({demand:.2} − {price_before}) × {volume}"),
            ));
            let option = event(world, episode, "2006-12-31-beltransgaz-option")?;
            let a = option
                .quantity
                .ok_or_else(|| missing("Beltransgaz price"))?
                * 1000.0;
            figures.push(sourced(
                "A",
                "price of 50% of Beltransgaz",
                a,
                "USD m",
                &option.source,
            ));
            let (f0, src0) = indicator(world, "gas_transit_fee_usd_per_1000m3_100km", 2006)
                .ok_or_else(|| missing("transit fee 2006"))?;
            let (f1, src1) = indicator(world, "gas_transit_fee_usd_per_1000m3_100km", 2007)
                .ok_or_else(|| missing("transit fee 2007"))?;
            let (tv, srct) = indicator(world, "gas_transit_via_blr", 2007)
                .ok_or_else(|| missing("gas transit via Belarus 2007"))?;
            let (km, srck) = indicator(world, "gas_transit_distance_km", 2007)
                .ok_or_else(|| missing("gas transit distance"))?;
            let c = (f1 - f0) * tv * km / 100.0;
            figures.push(derived("C", "Belarus's claim: the transit-fee rise for a year", c, "USD m/yr", format!("(f1 − f0)·T·km/100 = ({f1} − {f0}) × {tv} × {km}/100; f0: {src0}; f1 (look-ahead: the fee agreed on 31 Dec 2006 stands for Belarus's demand): {src1}; T: {srct}; km: {srck}")));
            let rungs = vec![Rung {
                label: "demand asset sale".into(),
                cut: 1.0,
                asset: true,
                event: None,
            }];
            (
                "demand price rise".to_string(),
                stake,
                c,
                Some(a),
                vec![Retaliation::RaiseTransitFee],
                rungs,
            )
        }
        _ => {
            let (debt, src) = indicator(world, "gas_debt_claimed_by_supplier_usd", 2010)
                .ok_or_else(|| missing("indicator gas_debt_claimed_by_supplier_usd 2010"))?;
            figures.push(sourced(
                "S",
                "the stake: the debt Gazprom called in",
                debt / 1e6,
                "USD m",
                &src,
            ));
            let (arrears, srca) = indicator(world, "gas_transit_arrears_claimed_usd", 2010)
                .ok_or_else(|| missing("indicator gas_transit_arrears_claimed_usd 2010"))?;
            figures.push(sourced(
                "C",
                "Belarus's claim: transit fees owed by Gazprom",
                arrears / 1e6,
                "USD m",
                &srca,
            ));
            let cut = event(world, episode, "2010-06-21-gas-supply-cut")?;
            let threat = event(world, episode, "2010-06-17-gas-cut-85-threat")?;
            let share_threat = threat.quantity.ok_or_else(|| missing("85% threat"))? / 100.0;
            // The 21 Jun event records 15% then 30% (its quantity is the 30).
            let rungs = vec![
                Rung {
                    label: "cut supply 15%".into(),
                    cut: 0.15,
                    asset: false,
                    event: Some(cut.id.clone()),
                },
                Rung {
                    label: format!("cut supply {:.0}%", cut.quantity.unwrap_or(30.0)),
                    cut: cut.quantity.unwrap_or(30.0) / 100.0,
                    asset: false,
                    event: Some(cut.id.clone()),
                },
                Rung {
                    label: format!("cut supply {:.0}%", share_threat * 100.0),
                    cut: share_threat,
                    asset: false,
                    event: Some(threat.id.clone()),
                },
            ];
            event(
                world,
                episode,
                "2010-06-22-belarus-threatens-to-take-transit-gas",
            )?;
            (
                "call in debt".to_string(),
                debt / 1e6,
                arrears / 1e6,
                None,
                vec![Retaliation::HaltTransit, Retaliation::SiphonTransitGas],
                rungs,
            )
        }
    };
    // F: Belarus's transit revenue: fee before the year and volume of the year, else the
    // nearest on record (flagged).
    let fee = nearest_indicator(world, "gas_transit_fee_usd_per_1000m3_100km", year - 1)
        .ok_or_else(|| missing("gas transit fee"))?;
    let transit = nearest_indicator(world, "gas_transit_via_blr", year)
        .ok_or_else(|| missing("gas transit volume via the focus actor"))?;
    let km = nearest_indicator(world, "gas_transit_distance_km", year)
        .ok_or_else(|| missing("gas transit distance"))?;
    let transit_revenue = fee.1 * transit.1 * km.1 / 100.0;
    let flag = |(y, _, _): &(i32, f64, String), want: i32| {
        if y <= &want {
            format!("{y}")
        } else {
            format!("{y}, look-ahead: none on record on or before {want}")
        }
    };
    figures.push(
        derived(
            "F",
            "Belarus's annual gas transit revenue",
            transit_revenue,
            "USD m/yr",
            format!(
                "fee × T × km/100 = {} ({}; {}) × {} bcm ({}; {}) × {}/100 ({})",
                fee.1,
                flag(&fee, year - 1),
                fee.2,
                transit.1,
                flag(&transit, year),
                transit.2,
                km.1,
                km.2
            ),
        )
        // The fee is wanted for the year before the dispute (the terms in force), the volume
        // and distance for the dispute's year.
        .borrowing(
            [
                if fee.0 == year - 1 { year } else { fee.0 },
                transit.0,
                km.0,
            ],
            year,
        ),
    );
    let (at_risk, deliverable, shapley_share, network_label) =
        transit_figures(world, year, network)?;
    figures.push(derived(
        "W",
        "transit with no alternative route: v(N) − v(N∖{BLR})",
        at_risk,
        "bcm/yr",
        format!("max-flow network game of {network_label} (orbit_models::transit)"),
    ));
    figures.push(derived(
        "v(N)",
        "Russia's deliverable exports in the network",
        deliverable,
        "bcm/yr",
        format!("max-flow of the grand coalition, {network_label}"),
    ));
    if let Some((share, src)) = indicator(
        world,
        "gas_transit_share_of_russian_exports_to_europe",
        year,
    ) {
        figures.push(sourced(
            "—",
            "recorded share of Russia's exports to Europe via Belarus (for comparison with w)",
            share,
            "share",
            &src,
        ));
    }
    Ok(DisputeInputs {
        episode: episode.into(),
        year,
        network: network_label,
        demand_label,
        stake,
        counterclaim,
        asset_price,
        volume,
        price_before,
        reference_price,
        transit_at_risk: at_risk,
        deliverable,
        focus_shapley_share: shapley_share,
        transit_revenue,
        retaliations,
        rungs,
        figures,
    })
}

/// Accumulated, discounted costs along a branch.
#[derive(Debug, Clone, Copy)]
struct State {
    cost_r: f64,
    cost_b: f64,
    storage_left: f64,
    retaliation: Option<Retaliation>,
}

/// What a [`TreeBuilder`] makes of the nodes it walks: the whole game with its labels
/// ([`SpecSink`], for [`build_game`]) or only the terminal payoffs in the order the builder
/// meets them ([`PayoffSink`], for the Monte Carlo draws, whose trees differ only in payoffs).
trait Sink {
    type Tree;
    /// A terminal node; `label` and `terms` are only used by a sink that keeps them.
    fn terminal(
        &mut self,
        inputs: &DisputeInputs,
        label: impl FnOnce() -> String,
        payoffs: [f64; 2],
        terms: TermsOf,
    ) -> Self::Tree;
    /// A decision node of `player` with its moves in order.
    fn decision(
        &mut self,
        name: impl FnOnce() -> String,
        player: &str,
        moves: Vec<(&str, Self::Tree)>,
    ) -> Self::Tree;
}

/// The arguments of [`Terms`] at a terminal node, turned into [`Terms`] only when kept.
#[derive(Debug, Clone, Copy)]
struct TermsOf {
    yielded: &'static str,
    stake: bool,
    counter: bool,
    asset: bool,
    cut: f64,
}

impl TermsOf {
    fn terms(self, inputs: &DisputeInputs) -> Terms {
        Terms {
            yielded: self.yielded.into(),
            stake_paid: if self.stake { inputs.stake } else { 0.0 },
            counterclaim_paid: if self.counter {
                inputs.counterclaim
            } else {
                0.0
            },
            asset_sold: self.asset,
            cut_at_end: self.cut,
        }
    }
}

/// Builds the [`TreeSpec`]: terminal names carry a counter (` [k]`, in the order the builder
/// meets them) so that each is unique, and their terms are kept by name.
#[derive(Default)]
struct SpecSink {
    terms: BTreeMap<String, Terms>,
    counter: usize,
}

impl Sink for SpecSink {
    type Tree = TreeSpec;

    fn terminal(
        &mut self,
        inputs: &DisputeInputs,
        label: impl FnOnce() -> String,
        payoffs: [f64; 2],
        terms: TermsOf,
    ) -> TreeSpec {
        self.counter += 1;
        let name = format!("{} [{}]", label(), self.counter);
        self.terms.insert(name.clone(), terms.terms(inputs));
        TreeSpec::terminal(name, payoffs.to_vec())
    }

    fn decision(
        &mut self,
        name: impl FnOnce() -> String,
        player: &str,
        moves: Vec<(&str, TreeSpec)>,
    ) -> TreeSpec {
        TreeSpec::decision(name(), player, moves)
    }
}

/// Keeps only the terminal payoffs, in the order [`SpecSink`] numbers the terminals (its
/// counter `k` is entry `k − 1`): no labels, no terms, no tree.
#[derive(Default)]
struct PayoffSink {
    payoffs: Vec<[f64; 2]>,
}

impl Sink for PayoffSink {
    type Tree = ();

    fn terminal(
        &mut self,
        _: &DisputeInputs,
        _: impl FnOnce() -> String,
        payoffs: [f64; 2],
        _: TermsOf,
    ) {
        self.payoffs.push(payoffs);
    }

    fn decision(&mut self, _: impl FnOnce() -> String, _: &str, _: Vec<(&str, ())>) {}
}

struct TreeBuilder<'a, S: Sink> {
    inputs: &'a DisputeInputs,
    params: Params,
    sink: S,
}

impl<S: Sink> TreeBuilder<'_, S> {
    fn w(&self) -> f64 {
        if self.inputs.deliverable > 0.0 {
            self.inputs.transit_at_risk / self.inputs.deliverable
        } else {
            0.0
        }
    }

    /// The undiscounted costs `(Russia, Belarus)` of a round with cut `s`, and the storage left.
    fn round(
        &self,
        s: f64,
        retaliation: Option<Retaliation>,
        storage_left: f64,
    ) -> (f64, f64, f64) {
        self.period(s, retaliation, storage_left, self.params.round_days)
    }

    /// The undiscounted costs of `t` days with cut `s` (see the module docs).
    fn period(
        &self,
        s: f64,
        retaliation: Option<Retaliation>,
        storage_left: f64,
        t: f64,
    ) -> (f64, f64, f64) {
        let i = self.inputs;
        let p = self.params;
        let w = self.w();
        // Siphoning is answered by stopping the flows through Belarus: its own supply falls
        // to nothing and the transit stops; a halt by Belarus stops the transit only.
        let (cut, transit_stopped) = match retaliation {
            Some(Retaliation::SiphonTransitGas) => (1.0, true),
            Some(Retaliation::HaltTransit) => (s, true),
            _ => (s, false),
        };
        let mut cost_r = p.reputation * cut * w;
        let mut cost_b = 0.0;
        let mut storage = storage_left;
        let need = cut * t;
        let used = need.min(storage);
        storage -= used;
        let short = i.volume * (need - used) / 365.0;
        cost_b += short * (p.shortfall_value * i.reference_price - i.price_before);
        cost_r += p.lost_sales_share * short * i.price_before;
        if transit_stopped {
            cost_r += p.lost_sales_share * i.transit_at_risk * t / 365.0 * i.reference_price
                + p.reputation * w;
            cost_b += i.transit_revenue * t / 365.0;
        }
        if retaliation == Some(Retaliation::RaiseTransitFee) {
            cost_r += i.counterclaim * t / 365.0;
            cost_b -= i.counterclaim * t / 365.0;
        }
        (cost_r, cost_b, storage)
    }

    fn terminal(
        &mut self,
        label: impl FnOnce() -> String,
        payoffs: [f64; 2],
        terms: TermsOf,
    ) -> S::Tree {
        self.sink.terminal(self.inputs, label, payoffs, terms)
    }

    fn terms(yielded: &'static str, stake: bool, counter: bool, asset: bool, cut: f64) -> TermsOf {
        TermsOf {
            yielded,
            stake,
            counter,
            asset,
            cut,
        }
    }

    /// Russia's node at rung `k` (0-based); `cut` is the share in force before it.
    fn rung(&mut self, k: usize, state: State, cut: f64) -> S::Tree {
        let delta = self.params.discount;
        let inputs = self.inputs;
        let rung = &inputs.rungs[k];
        let last = k + 1 == inputs.rungs.len();
        // Back down: no stake; a retaliation with a claim gets the claim.
        let claim = state
            .retaliation
            .is_some_and(|r| r != Retaliation::SiphonTransitGas)
            && inputs.counterclaim > 0.0;
        let c = if claim {
            delta.powi(k as i32 + 1) * inputs.counterclaim
        } else {
            0.0
        };
        let back_terms = Self::terms("RUS", false, claim, false, cut);
        let back = self.terminal(
            || format!("RUS backs down before {}", rung.label),
            [-state.cost_r - c, -state.cost_b + c],
            back_terms,
        );
        // Escalate: a round with the rung's cut.
        let (r, b, storage) = self.round(rung.cut, state.retaliation, state.storage_left);
        let d = delta.powi(k as i32 + 1);
        let after = State {
            cost_r: state.cost_r + d * r,
            cost_b: state.cost_b + d * b,
            storage_left: storage,
            retaliation: state.retaliation,
        };
        let mut moves: Vec<(&str, S::Tree)> = Vec::new();
        let (settle_label, extra, asset) = if rung.asset {
            (
                "sell asset",
                self.params.control_premium * inputs.asset_price.unwrap_or(0.0),
                true,
            )
        } else {
            ("concede", 0.0, false)
        };
        let settle_value = d * (inputs.stake + extra);
        let settle_terms = Self::terms("BLR", true, false, asset, rung.cut);
        let settle = self.terminal(
            || {
                format!(
                    "BLR {} after {}",
                    if asset { "sells asset" } else { "concedes" },
                    rung.label
                )
            },
            [settle_value - after.cost_r, -settle_value - after.cost_b],
            settle_terms,
        );
        moves.push((settle_label, settle));
        let hold = if last {
            let (r, b, _) = self.period(
                rung.cut,
                after.retaliation,
                after.storage_left,
                self.params.stalemate_days,
            );
            let d = delta.powi(k as i32 + 2);
            let t = Self::terms("nobody", false, false, false, rung.cut);
            self.terminal(
                || format!("stalemate after {}", rung.label),
                [-after.cost_r - d * r, -after.cost_b - d * b],
                t,
            )
        } else {
            self.rung(k + 1, after, rung.cut)
        };
        moves.push(("hold out", hold));
        if state.retaliation.is_none() {
            for &lever in &inputs.retaliations {
                let next = State {
                    retaliation: Some(lever),
                    ..after
                };
                let node = if last {
                    self.last_response(k + 1, next, rung.cut, rung.asset)
                } else {
                    self.rung(k + 1, next, rung.cut)
                };
                moves.push((lever.label(), node));
            }
        }
        // The subtrees move into the node (cloning them at every rung copied each subtree once
        // per rung above it).
        let b_node = self
            .sink
            .decision(|| format!("BLR after {}", rung.label), BLR, moves);
        self.sink.decision(
            || format!("RUS at rung {}", k + 1),
            RUS,
            vec![("back down", back), (rung.label.as_str(), b_node)],
        )
    }

    /// Russia's answer to a retaliation at the last rung: back down, or hold on for one more
    /// round after which Belarus settles (concedes, or sells the asset at the asset rung) or
    /// holds out into a stalemate of `H` days.
    fn last_response(&mut self, k: usize, state: State, cut: f64, asset: bool) -> S::Tree {
        let delta = self.params.discount;
        let inputs = self.inputs;
        let claim = state
            .retaliation
            .is_some_and(|r| r != Retaliation::SiphonTransitGas)
            && inputs.counterclaim > 0.0;
        let c = if claim {
            delta.powi(k as i32 + 1) * inputs.counterclaim
        } else {
            0.0
        };
        let back_terms = Self::terms("RUS", false, claim, false, cut);
        let back = self.terminal(
            || "RUS backs down after retaliation".into(),
            [-state.cost_r - c, -state.cost_b + c],
            back_terms,
        );
        let (r, b, storage) = self.round(cut, state.retaliation, state.storage_left);
        let d = delta.powi(k as i32 + 1);
        let after = State {
            cost_r: state.cost_r + d * r,
            cost_b: state.cost_b + d * b,
            storage_left: storage,
            retaliation: state.retaliation,
        };
        let extra = if asset {
            self.params.control_premium * inputs.asset_price.unwrap_or(0.0)
        } else {
            0.0
        };
        let settle_value = d * (inputs.stake + extra);
        let settle_terms = Self::terms("BLR", true, false, asset, cut);
        let settle = self.terminal(
            || {
                format!(
                    "BLR {} after retaliation",
                    if asset { "sells asset" } else { "concedes" }
                )
            },
            [settle_value - after.cost_r, -settle_value - after.cost_b],
            settle_terms,
        );
        let (r, b, _) = self.period(
            cut,
            after.retaliation,
            after.storage_left,
            self.params.stalemate_days,
        );
        let d2 = delta.powi(k as i32 + 2);
        let t = Self::terms("nobody", false, false, false, cut);
        let stalemate = self.terminal(
            || "stalemate after retaliation".into(),
            [-after.cost_r - d2 * r, -after.cost_b - d2 * b],
            t,
        );
        let settle_label = if asset { "sell asset" } else { "concede" };
        let b_node = self.sink.decision(
            || "BLR after RUS holds on".into(),
            BLR,
            vec![(settle_label, settle), ("hold out", stalemate)],
        );
        self.sink.decision(
            || "RUS after retaliation".into(),
            RUS,
            vec![("back down", back), ("hold on", b_node)],
        )
    }
}

/// Builds the dispute game of `inputs` with parameter values `params`.
pub fn build_game(inputs: &DisputeInputs, params: Params) -> Result<DisputeGame, DisputeError> {
    let (root, sink) = walk(inputs, params, SpecSink::default());
    let spec = GameSpec {
        title: format!(
            "orbit: the {} gas dispute ({})",
            inputs.episode, inputs.network
        ),
        players: vec![RUS.into(), BLR.into()],
        root,
    };
    let game = Game::new(&spec)?;
    Ok(DisputeGame {
        game,
        spec,
        terms: sink.terms,
    })
}

/// The game's tree as `sink` makes it, and the sink: the opening, Belarus's answer and the
/// ladder of rungs (the one walk behind both [`build_game`] and the Monte Carlo's payoffs).
fn walk<S: Sink>(inputs: &DisputeInputs, params: Params, sink: S) -> (S::Tree, S) {
    let mut b = TreeBuilder {
        inputs,
        params,
        sink,
    };
    let quo_terms = TreeBuilder::<S>::terms("none", false, false, false, 0.0);
    let quo = b.terminal(|| "status quo".into(), [0.0, 0.0], quo_terms);
    let concede_terms = TreeBuilder::<S>::terms("BLR", true, false, false, 0.0);
    let concede = b.terminal(
        || "BLR concedes at once".into(),
        [inputs.stake, -inputs.stake],
        concede_terms,
    );
    let start = State {
        cost_r: 0.0,
        cost_b: 0.0,
        storage_left: params.storage_days,
        retaliation: None,
    };
    let ladder = b.rung(0, start, 0.0);
    let respond = b.sink.decision(
        || "BLR on the demand".into(),
        BLR,
        vec![("concede", concede), ("refuse", ladder)],
    );
    let root = b.sink.decision(
        || "RUS opens".into(),
        RUS,
        vec![("keep terms", quo), (inputs.demand_label.as_str(), respond)],
    );
    (root, b.sink)
}

fn solve(game: &DisputeGame) -> Result<Solution, DisputeError> {
    let spe = backward_induction(&game.game)?;
    let outcome = spe.outcome.clone().unwrap_or_default();
    let terms = game.terms.get(&outcome).cloned().unwrap_or(Terms {
        yielded: "unknown".into(),
        stake_paid: 0.0,
        counterclaim_paid: 0.0,
        asset_sold: false,
        cut_at_end: 0.0,
    });
    Ok(Solution {
        length: spe.path.len(),
        path: spe.path,
        outcome: strip_counter(&outcome),
        payoffs: spe.payoffs,
        terms,
        ties: spe.ties,
    })
}

fn strip_counter(label: &str) -> String {
    match label.rfind(" [") {
        Some(k) => label[..k].to_string(),
        None => label.to_string(),
    }
}

fn path_text(path: &[PathStep]) -> String {
    path.iter()
        .map(|s| format!("{}: {}", s.player, s.action))
        .collect::<Vec<_>>()
        .join(" → ")
}

/// Monte Carlo over the uncertain parameters: draw `k` uses `ChaCha8Rng::seed_from_u64(seed)`
/// on stream `k`, so the shares do not depend on the thread count.
pub fn monte_carlo(
    inputs: &DisputeInputs,
    ranges: &[Range],
    settings: &DisputeSettings,
) -> Result<Vec<PathShare>, DisputeError> {
    // Every draw's tree has the same shape and labels (they come from the inputs; the
    // parameters only move payoffs), so the game is built once and each draw only walks the
    // ladder for its payoffs ([`PayoffSink`]) and solves the template with them: the same
    // numbers through the same backward induction as building each draw's game, without its
    // labels and allocations. A draw whose payoffs the template cannot take (not finite) is
    // built in full, so it fails as before.
    let template = build_game(inputs, central_params(ranges))
        .ok()
        .and_then(|game| {
            // Terminal node → its entry in the payoff sink's order (the counter in its name);
            // `None` for the other nodes.
            let mut entry = Vec::with_capacity(game.game.nodes.len());
            for node in &game.game.nodes {
                entry.push(match node.kind {
                    NodeKind::Terminal { .. } => {
                        Some(terminal_counter(&node.name)?.checked_sub(1)?)
                    }
                    _ => None,
                });
            }
            Some((game, entry))
        });
    let results: Vec<Result<(String, String), DisputeError>> = (0..settings.draws)
        .into_par_iter()
        .map(|k| {
            let mut rng = ChaCha8Rng::seed_from_u64(settings.seed);
            rng.set_stream(k as u64);
            let params = draw_params(ranges, &mut rng);
            if let Some((game, entry)) = &template {
                let ((), sink) = walk(inputs, params, PayoffSink::default());
                let payoffs = sink.payoffs;
                let fits = payoffs.iter().flatten().all(|p| p.is_finite())
                    && entry.iter().flatten().all(|&e| e < payoffs.len());
                if fits {
                    let spe = backward_induction_with(&game.game, &|node, _| {
                        entry[node].map_or_else(Vec::new, |e| payoffs[e].to_vec())
                    })?;
                    let outcome = spe.outcome.as_deref().unwrap_or_default();
                    return Ok((path_text(&spe.path), strip_counter(outcome)));
                }
            }
            let game = build_game(inputs, params)?;
            let s = solve(&game)?;
            Ok((path_text(&s.path), s.outcome))
        })
        .collect();
    let mut counts: BTreeMap<(String, String), usize> = BTreeMap::new();
    for r in results {
        *counts.entry(r?).or_default() += 1;
    }
    let mut out: Vec<PathShare> = counts
        .into_iter()
        .map(|((path, outcome), draws)| PathShare {
            path,
            outcome,
            draws,
            share: draws as f64 / settings.draws.max(1) as f64,
        })
        .collect();
    out.sort_by(|a, b| b.draws.cmp(&a.draws).then(a.path.cmp(&b.path)));
    Ok(out)
}

/// The counter `k` of a terminal name `"label [k]"` ([`SpecSink`]).
fn terminal_counter(name: &str) -> Option<usize> {
    let (_, tail) = name.rsplit_once(" [")?;
    tail.strip_suffix(']')?.parse().ok()
}

/// What happened, as moves of the game (see the docs for each mapping).
pub fn recorded(world: &World, episode: &str) -> Result<Recorded, DisputeError> {
    let (path, terms, note, events): (Vec<&str>, &str, &str, Vec<&str>) = match episode {
        "2004" => (
            vec![
                "RUS: demand price rise",
                "BLR: refuse",
                "RUS: cut supply 30%",
                "BLR: siphon transit gas",
                "RUS: cut supply 100%",
                "BLR: concede",
            ],
            "Belarus buys on Moscow's terms (about USD 200m more for 2004; 46.68 USD/1000 m3 from mid-2004); Beltransgaz not sold (the USD 1bn offer rejected)",
            "Gazprom alleged the siphoning, which Belarus denied; the full cut lasted about a day (18-19 Feb); supplies to Belarus resumed on Moscow's terms",
            vec![
                "2004-02-13-gas-supply-cut-30",
                "2004-02-18-gas-cutoff",
                "2004-02-19-gas-restored-on-moscow-terms",
                "2004-03-05-gas-deliveries-resume",
                "2004-07-gas-price-set",
            ],
        ),
        "2006-07" => (
            vec![
                "RUS: demand price rise",
                "BLR: refuse",
                "RUS: demand asset sale",
                "BLR: sell asset",
            ],
            "price 100 USD/1000 m3 for 2007, then 67/80/90/100% of the European netback; transit fee 0.75 → 1.45; 50% of Beltransgaz for USD 2.5bn",
            "the deal came on 31 Dec 2006 before any gas cut; the threatened cut is the game's round of the asset rung. Belarus's oil transit levy (3 Jan 2007) and the Druzhba halt came after the gas deal and are not in this game",
            vec![
                "2006-12-31-gas-price-deal",
                "2006-12-31-beltransgaz-option",
                "2007-05-18-beltransgaz-stake-purchase",
                "2007-01-03-oil-transit-levy",
                "2007-01-08-druzhba-halt",
            ],
        ),
        "2010" => (
            vec![
                "RUS: call in debt",
                "BLR: refuse",
                "RUS: cut supply 15%",
                "BLR: hold out",
                "RUS: cut supply 30%",
                "BLR: halt transit",
                "RUS: back down",
            ],
            "Belarus paid its debt within days and Gazprom acknowledged the transit arrears; transit fee 1.45 → 1.88",
            "both sides paid: the record ends with Belarus paying and Gazprom paying its transit debt, which the game cannot show at once; the game's `RUS: back down` after `halt transit` pays Belarus's claim. The 60% cut Gazprom announced from 23 June (AP via ynetnews.com/articles/0,7340,L-3909435,00.html; 'Gazprom drosselte am 22. Juni 2010 ... 60 Prozent weniger Gas', vol.at) is sourced but not a rung of this game, whose ladder is the scenario's events: 15%, 30%, then the 85% that was only threatened",
            vec![
                "2010-06-17-gas-cut-85-threat",
                "2010-06-21-gas-supply-cut",
                "2010-06-22-gas-transit-halt",
                "2010-06-22-belarus-threatens-to-take-transit-gas",
                "2010-07-gas-transit-fee-1-88",
            ],
        ),
        other => return Err(DisputeError::UnknownEpisode(other.into())),
    };
    for id in &events {
        event(world, episode, id)?;
    }
    Ok(Recorded {
        length: path.len(),
        path: path.into_iter().map(String::from).collect(),
        terms: terms.into(),
        note: note.into(),
        events: events.into_iter().map(String::from).collect(),
    })
}

/// The whole analysis of one episode.
pub fn episode(
    world: &World,
    episode: &str,
    settings: &DisputeSettings,
) -> Result<EpisodeResult, DisputeError> {
    let ranges = uncertain_ranges(world);
    let central = central_params(&ranges);
    let base = inputs(world, episode, NetworkChoice::AsRecorded)?;
    let game = build_game(&base, central)?;
    let solution = solve(&game)?;
    let recorded = recorded(world, episode)?;
    let model_path: Vec<String> = solution
        .path
        .iter()
        .map(|s| format!("{}: {}", s.player, s.action))
        .collect();
    let common_prefix = model_path
        .iter()
        .zip(&recorded.path)
        .take_while(|(a, b)| a == b)
        .count();
    let monte = monte_carlo(&base, &ranges, settings)?;
    let mut counterfactuals = Vec::new();
    for (choice, name) in [
        (
            NetworkChoice::WithNordStream,
            "Nord Stream 1 in service (the 2012 network)",
        ),
        (NetworkChoice::WithoutYamal, "Yamal-Europe stopped"),
    ] {
        let cf = inputs(world, episode, choice)?;
        let g = build_game(&cf, central)?;
        counterfactuals.push(Counterfactual {
            name: name.into(),
            transit_at_risk: cf.transit_at_risk,
            deliverable: cf.deliverable,
            solution: solve(&g)?,
            monte_carlo: monte_carlo(&cf, &ranges, settings)?,
        });
    }
    Ok(EpisodeResult {
        episode: episode.into(),
        inputs: base,
        central,
        solution,
        recorded,
        common_prefix,
        monte_carlo: monte,
        counterfactuals,
    })
}

/// Every episode in `episodes` (all of [`EPISODES`] if empty).
pub fn disputes(
    world: &World,
    episodes: &[String],
    settings: &DisputeSettings,
) -> Result<DisputeReport, DisputeError> {
    let list: Vec<String> = if episodes.is_empty() {
        EPISODES.iter().map(|s| s.to_string()).collect()
    } else {
        episodes.to_vec()
    };
    let results = list
        .iter()
        .map(|e| episode(world, e, settings))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(DisputeReport {
        ranges: uncertain_ranges(world),
        settings: *settings,
        rng: RNG_NAME,
        episodes: results,
    })
}

/// The central game of an episode (for export).
pub fn central_game(world: &World, episode: &str) -> Result<DisputeGame, DisputeError> {
    let ranges = uncertain_ranges(world);
    let base = inputs(world, episode, NetworkChoice::AsRecorded)?;
    build_game(&base, central_params(&ranges))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Monte Carlo's shortcut (one template game, each draw's payoffs only) against
    /// building and solving every draw's game in full, draw by draw, on every episode and
    /// network: the same path and outcome in every draw.
    #[test]
    fn the_payoff_only_draws_solve_as_the_full_games() {
        let world = orbit_scenario::builtin().expect("built-in scenario");
        let ranges = uncertain_ranges(&world);
        let settings = DisputeSettings {
            draws: 150,
            seed: 11,
        };
        let mut paths = std::collections::BTreeSet::new();
        for episode in EPISODES {
            for network in [NetworkChoice::AsRecorded, NetworkChoice::WithNordStream] {
                let inputs = inputs(&world, episode, network).expect("episode inputs");
                let mut expected: BTreeMap<(String, String), usize> = BTreeMap::new();
                for k in 0..settings.draws {
                    let mut rng = ChaCha8Rng::seed_from_u64(settings.seed);
                    rng.set_stream(k as u64);
                    let game = build_game(&inputs, draw_params(&ranges, &mut rng)).unwrap();
                    let s = solve(&game).unwrap();
                    paths.insert(s.path.len());
                    *expected.entry((path_text(&s.path), s.outcome)).or_default() += 1;
                }
                let got: BTreeMap<(String, String), usize> =
                    monte_carlo(&inputs, &ranges, &settings)
                        .unwrap()
                        .into_iter()
                        .map(|p| ((p.path, p.outcome), p.draws))
                        .collect();
                assert_eq!(got, expected, "{episode}, {network:?}");
            }
        }
        // The draws reach different depths of the ladders, so the check is not of one path.
        assert!(paths.len() >= 3, "path lengths seen: {paths:?}");
    }

    #[test]
    fn terminal_counters_are_read_from_the_names() {
        assert_eq!(
            terminal_counter("BLR concedes after cut 30% [12]"),
            Some(12)
        );
        assert_eq!(terminal_counter("status quo [1]"), Some(1));
        assert_eq!(terminal_counter("no counter"), None);
        assert_eq!(terminal_counter("bad [x]"), None);
    }
}
