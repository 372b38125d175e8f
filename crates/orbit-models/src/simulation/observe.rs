//! What the timeline says about a year: recorded shares and prices, sanctions in force, and the
//! transit game's Shapley shares (the simulation's shocks).

use std::collections::BTreeMap;

use orbit_scenario::{ActorId, Commodity, SanctionKind, Variable, World};

/// The latest share record of `(reporter, flow, partner)` dated on or before `year`, else the
/// earliest after it.
pub(super) fn initial_share(world: &World, var: &Variable, year: i32) -> Option<(i32, f64)> {
    let Variable::TradeShare {
        flow,
        reporter,
        partner,
    } = *var
    else {
        return None;
    };
    let mut records: Vec<(i32, f64)> = world
        .trade
        .iter()
        .filter(|t| t.reporter == reporter && t.partner == partner && t.flow == flow)
        .filter_map(|t| Some((t.year, t.share?)))
        .collect();
    records.sort_by_key(|r| r.0);
    records
        .iter()
        .rev()
        .find(|r| r.0 <= year)
        .or(records.first())
        .copied()
}

/// The price observed for `year`: the `annual` record if there is one, else the last listed.
pub fn observed_price(
    world: &World,
    commodity: Commodity,
    importer: ActorId,
    year: i32,
) -> Option<f64> {
    let records: Vec<_> = world
        .energy
        .iter()
        .filter(|e| e.commodity == commodity && e.importer == importer && e.year == year)
        .filter(|e| e.price.is_some())
        .collect();
    records
        .iter()
        .find(|e| e.period.as_deref().is_some_and(|p| p.contains("annual")))
        .or(records.last())
        .and_then(|e| e.price)
}

/// Sanctions measures of `imposer` on `target` in force during `year` (liftings not counted).
pub fn sanctions_in_force(world: &World, imposer: ActorId, target: ActorId, year: i32) -> usize {
    world
        .sanctions
        .iter()
        .filter(|s| s.imposer == imposer && s.target == target)
        .filter(|s| s.kind != SanctionKind::Suspension)
        .filter(|s| s.start.year <= year && s.end.is_none_or(|e| e.year > year))
        .count()
}

/// Each player's Shapley share (`φ_i / v(N)`) of the gas transit game of `year`: the game of
/// [`crate::transit::epoch`] (the pipelines standing at the end of the year, transit states
/// holding the pipes on their soil, segments without a sourced capacity left out), so the
/// simulation and `orbit transit` always agree. Players without a state actor id are skipped;
/// a year without a gas network gives an empty map and a note.
pub fn transit_shares(world: &World, year: i32, notes: &mut Vec<String>) -> BTreeMap<ActorId, f64> {
    // Only the Shapley shares: `transit::shapley_shares` builds `epoch`'s game and gives the
    // same numbers without its least core and nucleolus LPs.
    match crate::transit::shapley_shares(world, year, &crate::transit::TransitOptions::default()) {
        Ok(crate::transit::ShapleyShares { shares, left_out }) => {
            for left in left_out
                .iter()
                .filter(|l| l.reason == crate::transit::LeftOutReason::NoCapacity)
            {
                notes.push(format!(
                    "transit game {year}: segment {} -> {} of `{}` is left out (no sourced capacity)",
                    left.from, left.to, left.pipeline
                ));
            }
            shares
                .iter()
                .filter_map(|(player, share)| Some((world.actor_id(player)?, *share)))
                .collect()
        }
        Err(e) => {
            notes.push(format!(
                "no transit game for {year}: {e}; every `transit_share` is 0 while the network stays so (no network, no share)"
            ));
            BTreeMap::new()
        }
    }
}
