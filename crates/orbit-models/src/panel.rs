//! A dyad-year panel of a scenario's states, in the conventions of peacesciencer's dyad-year
//! output (Miller 2022, "peacesciencer: An R Package for Quantitative Peace Science
//! Research", *Conflict Management and Peace Science* 39(6)): Correlates of War state codes
//! (`ccode1`, `ccode2`) are the master system, `flow1` is what state 1 imports from state 2
//! and `flow2` what state 2 imports from state 1, in million current USD (COW Dyadic Trade
//! v4.0, Barbieri, Keshk & Pollins 2009), `smoothflow1/2` the smoothed flows. Directed output
//! has both orders of each pair; non-directed output keeps `ccode1 < ccode2`.
//!
//! Organisations, firms and regions have no COW code: they are not rows, and the panel's
//! notes name them. A value the scenario does not have is `None` (an empty CSV cell), never 0.

use std::collections::BTreeMap;

use orbit_scenario::{
    ActorId, ActorKind, AllianceKind, Commodity, SanctionKind, TradeFlow, TradeRecord, World,
};
use serde::Serialize;

use crate::dependence::{DependenceProfile, profile};

/// COW state codes (Correlates of War Project, State System Membership List v2016) for the
/// ISO 3166-1 alpha-3 codes the scenarios use as actor ids.
pub const COW_CODES: &[(&str, u16)] = &[
    ("USA", 2),
    ("GBR", 200),
    ("IRL", 205),
    ("NLD", 210),
    ("BEL", 211),
    ("LUX", 212),
    ("FRA", 220),
    ("ESP", 230),
    ("PRT", 235),
    ("DEU", 255),
    ("POL", 290),
    ("AUT", 305),
    ("HUN", 310),
    ("CZE", 316),
    ("SVK", 317),
    ("ITA", 325),
    ("MLT", 338),
    ("HRV", 344),
    ("SVN", 349),
    ("GRC", 350),
    ("CYP", 352),
    ("BGR", 355),
    ("ROU", 360),
    ("RUS", 365),
    ("EST", 366),
    ("LVA", 367),
    ("LTU", 368),
    ("UKR", 369),
    ("BLR", 370),
    ("ARM", 371),
    ("GEO", 372),
    ("AZE", 373),
    ("FIN", 375),
    ("SWE", 380),
    ("NOR", 385),
    ("DNK", 390),
    ("TUR", 640),
    ("CHN", 710),
    ("TJK", 702),
    ("KGZ", 703),
    ("UZB", 704),
    ("KAZ", 705),
];

/// The COW code of an ISO3 actor id, if it has one.
pub fn cow_code(iso3: &str) -> Option<u16> {
    COW_CODES
        .iter()
        .find(|(code, _)| *code == iso3)
        .map(|&(_, c)| c)
}

/// One dyad-year. Shares are fractions of the named side's own total flow.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DyadYear {
    pub ccode1: u16,
    pub ccode2: u16,
    pub year: i32,
    pub iso3_1: String,
    pub iso3_2: String,
    /// Imports of state 1 from state 2, million current USD (raw where a dataset gives raw
    /// and smoothed; else the record's value).
    pub flow1: Option<f64>,
    /// Imports of state 2 from state 1, million current USD.
    pub flow2: Option<f64>,
    /// Smoothed `flow1` (COW `smoothflow1`), where the data give one.
    pub smoothflow1: Option<f64>,
    pub smoothflow2: Option<f64>,
    /// State 2's share of state 1's exports / imports, and the reverse.
    pub exports_share_1: Option<f64>,
    pub imports_share_1: Option<f64>,
    pub exports_share_2: Option<f64>,
    pub imports_share_2: Option<f64>,
    /// 1 when both states belong to an alliance of that kind in force in the year, else 0.
    pub military_alliance: u8,
    pub union_state: u8,
    pub customs_union: u8,
    pub economic_union: u8,
    pub commonwealth: u8,
    /// Sanctions in force in the year imposed by state 1 (or an organisation it belongs to)
    /// on state 2, and the reverse; liftings (`suspension`) are not counted.
    pub sanctions_1_on_2: u32,
    pub sanctions_2_on_1: u32,
    /// Gas price state 1 paid state 2 (or a firm of state 2), USD per 1000 m3, from an
    /// annual record only.
    pub gas_price_1: Option<f64>,
    /// Gas volume state 1 bought from state 2 (or its firm), bcm, annual record only.
    pub gas_volume_1: Option<f64>,
    pub gas_price_2: Option<f64>,
    pub gas_volume_2: Option<f64>,
}

/// The panel and what it left out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Panel {
    pub directed: bool,
    pub rows: Vec<DyadYear>,
    pub notes: Vec<String>,
}

/// Builds the dyad-year panel over the scenario's years for every pair of its states with a
/// COW code.
pub fn dyad_years(world: &World, directed: bool) -> Panel {
    let mut notes = Vec::new();
    let mut states: Vec<(ActorId, u16)> = Vec::new();
    for (i, a) in world.actors.iter().enumerate() {
        match (a.kind, cow_code(&a.code)) {
            (ActorKind::State, Some(c)) => states.push((ActorId(i), c)),
            (ActorKind::State, None) => notes.push(format!(
                "state `{}` has no COW code in the crosswalk: left out",
                a.code
            )),
            (kind, _) => notes.push(format!(
                "`{}` (kind `{kind}`) is not a COW state: left out as a row (EU sanctions count for its member states)",
                a.code
            )),
        }
    }
    states.sort_by_key(|s| s.1);
    let profiles: BTreeMap<ActorId, DependenceProfile> = states
        .iter()
        .filter(|(a, _)| world.trade.iter().any(|t| t.reporter == *a))
        .map(|&(a, _)| (a, profile(world, a, world.meta.patron)))
        .collect();
    let mut rows = Vec::new();
    for year in world.meta.years.first..=world.meta.years.last {
        for &(a, ca) in &states {
            for &(b, cb) in &states {
                if a == b || (!directed && ca > cb) {
                    continue;
                }
                rows.push(row(world, &profiles, year, (a, ca), (b, cb)));
            }
        }
    }
    let dropped_price = world
        .energy
        .iter()
        .filter(|e| e.commodity == Commodity::Gas && !is_annual(e.period.as_deref()))
        .count();
    if dropped_price > 0 {
        notes.push(format!(
            "{dropped_price} gas records for part of a year (quarters, half-years) are not in the yearly gas columns"
        ));
    }
    Panel {
        directed,
        rows,
        notes,
    }
}

fn is_annual(period: Option<&str>) -> bool {
    period.is_none_or(|p| p.starts_with("annual"))
}

fn row(
    world: &World,
    profiles: &BTreeMap<ActorId, DependenceProfile>,
    year: i32,
    (a, ca): (ActorId, u16),
    (b, cb): (ActorId, u16),
) -> DyadYear {
    let (flow1, smoothflow1) = imports(world, year, a, b);
    let (flow2, smoothflow2) = imports(world, year, b, a);
    let share = |who: ActorId, partner: ActorId, flow: TradeFlow| {
        let p = profiles.get(&who)?;
        let y = p.years.iter().find(|y| y.year == year)?;
        y.share(flow, world.code(partner)).map(|s| s.share)
    };
    let (gas_price_1, gas_volume_1) = gas(world, year, a, b);
    let (gas_price_2, gas_volume_2) = gas(world, year, b, a);
    let allied = |kind: AllianceKind| allied(world, year, a, b, kind) as u8;
    DyadYear {
        ccode1: ca,
        ccode2: cb,
        year,
        iso3_1: world.code(a).to_string(),
        iso3_2: world.code(b).to_string(),
        flow1,
        flow2,
        smoothflow1,
        smoothflow2,
        exports_share_1: share(a, b, TradeFlow::Exports),
        imports_share_1: share(a, b, TradeFlow::Imports),
        exports_share_2: share(b, a, TradeFlow::Exports),
        imports_share_2: share(b, a, TradeFlow::Imports),
        military_alliance: allied(AllianceKind::MilitaryAlliance),
        union_state: allied(AllianceKind::UnionState),
        customs_union: allied(AllianceKind::CustomsUnion),
        economic_union: allied(AllianceKind::EconomicUnion),
        commonwealth: allied(AllianceKind::Commonwealth),
        sanctions_1_on_2: sanctions(world, year, a, b),
        sanctions_2_on_1: sanctions(world, year, b, a),
        gas_price_1,
        gas_volume_1,
        gas_price_2,
        gas_volume_2,
    }
}

/// What `importer` bought from `exporter` in `year`, raw (or the value) and smoothed, in
/// million USD: the importer's own report, else the exporter's report of its exports (mirror).
fn imports(
    world: &World,
    year: i32,
    importer: ActorId,
    exporter: ActorId,
) -> (Option<f64>, Option<f64>) {
    let find = |reporter: ActorId, partner: ActorId, flow: TradeFlow| -> Option<&TradeRecord> {
        world.trade.iter().find(|t| {
            t.reporter == reporter
                && t.partner == partner
                && t.year == year
                && t.flow == flow
                && (t.value_usd.is_some() || t.variants.is_some())
        })
    };
    let Some(t) = find(importer, exporter, TradeFlow::Imports)
        .or_else(|| find(exporter, importer, TradeFlow::Exports))
    else {
        return (None, None);
    };
    let million = |v: f64| v / 1e6;
    match t.variants {
        Some(v) => (v.raw.map(million), v.smoothed.map(million)),
        None => (t.value_usd.map(million), None),
    }
}

fn in_force(start: (i32, u8, u8), end: Option<(i32, u8, u8)>, year: i32) -> bool {
    start <= (year, 12, 31) && end.is_none_or(|e| e >= (year, 1, 1))
}

fn allied(world: &World, year: i32, a: ActorId, b: ActorId, kind: AllianceKind) -> bool {
    world.alliances.iter().any(|al| {
        al.kind == kind
            && al.members.contains(&a)
            && al.members.contains(&b)
            && in_force(
                al.in_force.unwrap_or(al.signed).first_day(),
                al.ended.map(|e| e.last_day()),
                year,
            )
    })
}

fn sanctions(world: &World, year: i32, imposer: ActorId, target: ActorId) -> u32 {
    world
        .sanctions
        .iter()
        .filter(|s| s.kind != SanctionKind::Suspension && s.target == target)
        .filter(|s| s.imposer == imposer || world.actor(s.imposer).members.contains(&imposer))
        .filter(|s| in_force(s.start.first_day(), s.end.map(|e| e.last_day()), year))
        .count() as u32
}

fn gas(world: &World, year: i32, importer: ActorId, seller: ActorId) -> (Option<f64>, Option<f64>) {
    let records: Vec<_> = world
        .energy
        .iter()
        .filter(|e| {
            e.commodity == Commodity::Gas
                && e.year == year
                && e.importer == importer
                && (e.exporter == seller || world.actor(e.exporter).parent == Some(seller))
                && is_annual(e.period.as_deref())
        })
        .collect();
    (
        records.iter().find_map(|e| e.price),
        records.iter().find_map(|e| e.volume),
    )
}
