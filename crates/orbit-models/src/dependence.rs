//! Interdependence indices: how much one economy leans on another.
//!
//! The index functions are pure arithmetic on plain numbers, each citing where it comes from;
//! [`profile`] assembles them per year from a [`World`], recording for every figure whether
//! it was stated by a source or derived here, and from what.

use std::collections::BTreeMap;

use orbit_scenario::{ActorId, Commodity, FlowVariants, TradeFlow, World, YearSpan};
use serde::Serialize;

/// Share of one partner in a total: `part / total`.
///
/// Hirschman (1945), *National Power and the Structure of Foreign Trade*, ch. II: the
/// dependence of a country on a partner grows with the partner's share of its trade.
/// Returns `None` when the total is not positive.
pub fn partner_share(part: f64, total: f64) -> Option<f64> {
    (total > 0.0).then(|| part / total)
}

/// Herfindahl–Hirschman concentration `HHI = Σ sᵢ²` of shares that sum to at most 1.
///
/// Hirschman (1945, pp. 157–162) introduced the measure for the concentration of a country's
/// trade by partner; Herfindahl (1950) used it for industries. 1 means one partner takes
/// everything; 1/n means n equal partners.
pub fn herfindahl_hirschman(shares: &[f64]) -> f64 {
    shares.iter().map(|s| s * s).sum()
}

/// Hirschman's own form of the concentration index, `100 · √(Σ sᵢ²)`, on a 0–100 scale.
///
/// Hirschman (1964), "The Paternity of an Index", *American Economic Review* 54(5): 761,
/// restating the 1945 index.
pub fn hirschman_concentration(shares: &[f64]) -> f64 {
    100.0 * herfindahl_hirschman(shares).sqrt()
}

/// Bounds on the HHI when only some partners' shares are known.
///
/// The unallocated remainder `r = 1 − Σ sᵢ` adds between 0 (spread over infinitely many
/// small partners) and `r²` (a single partner). Returns `None` when the known shares sum
/// to more than 1 (beyond a rounding tolerance of 0.005), which means they are inconsistent.
pub fn herfindahl_hirschman_bounds(known_shares: &[f64]) -> Option<(f64, f64)> {
    let covered: f64 = known_shares.iter().sum();
    if covered > 1.005 {
        return None;
    }
    let lower = herfindahl_hirschman(known_shares);
    let remainder = (1.0 - covered).max(0.0);
    Some((lower, lower + remainder * remainder))
}

/// Bilateral trade dependence `Dᵢⱼ = (Xᵢⱼ + Mᵢⱼ) / GDPᵢ`.
///
/// The standard dyadic measure of the liberal-peace literature: Oneal & Russett (1997),
/// "The Classical Liberals Were Right", *International Studies Quarterly* 41(2), eq. 1;
/// Barbieri (1996), *Journal of Peace Research* 33(1).
pub fn trade_dependence(
    exports_to_partner: f64,
    imports_from_partner: f64,
    gdp: f64,
) -> Option<f64> {
    (gdp > 0.0).then(|| (exports_to_partner + imports_from_partner) / gdp)
}

/// Asymmetry of a dyad, `|Dᵢⱼ − Dⱼᵢ|`: how much more one side depends on the other.
///
/// Barbieri (1996), "Economic Interdependence: A Path to Peace or a Source of Interstate
/// Conflict?", *Journal of Peace Research* 33(1), p. 34.
pub fn asymmetry(dependence_ij: f64, dependence_ji: f64) -> f64 {
    (dependence_ij - dependence_ji).abs()
}

/// The implicit energy subsidy in USD: `(p_ref − p) · V · 10⁶`.
///
/// The price-gap method used for Russian energy support to Belarus (e.g. RFE/RL 2006; the
/// IMF and Institute for Energy and Finance estimates cited in the scenario): the volume
/// bought times the difference between a reference price and the price paid. Units: gas in
/// USD per 1000 m³ and bcm, oil in USD per tonne and million tonnes; both give USD after
/// the factor 10⁶. A negative result means the importer paid above the reference.
pub fn energy_subsidy_usd(price: f64, reference_price: f64, volume: f64) -> f64 {
    (reference_price - price) * volume * 1.0e6
}

/// How a figure was obtained.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Provenance {
    /// Stated by a source.
    Sourced { source: String },
    /// Computed here from other sourced figures.
    Derived {
        formula: String,
        sources: Vec<String>,
    },
}

/// One partner's share of a flow in one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartnerShare {
    pub partner: String,
    pub share: f64,
    pub provenance: Provenance,
    /// Set when the value rests on a flow whose raw and smoothed variants disagree by more
    /// than a factor of two (COW), so the share is doubtful.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flag: Option<String>,
}

/// Concentration of one flow over the partners whose shares are known.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Concentration {
    /// Σ of the known shares; the rest of the world is not broken down.
    pub coverage: f64,
    /// HHI if the remainder is spread thinly (a lower bound).
    pub hhi_lower: f64,
    /// HHI if the remainder is one partner (an upper bound).
    pub hhi_upper: f64,
    /// Hirschman's index on the known shares, `100·√hhi_lower`.
    pub hirschman_lower: f64,
}

/// The dyad with the patron in one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DyadDependence {
    pub partner: String,
    /// (exports + imports with partner) / own GDP.
    pub dependence: f64,
    /// The same trade over the partner's GDP.
    pub partner_dependence: f64,
    pub asymmetry: f64,
    pub provenance: Provenance,
}

/// The implicit energy subsidy in one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubsidyShare {
    pub commodity: Commodity,
    pub exporter: String,
    pub subsidy_usd: f64,
    pub share_of_gdp: f64,
    pub provenance: Provenance,
}

/// A sourced estimate, possibly over several years.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    pub years: YearSpan,
    pub value: f64,
    pub note: Option<String>,
    pub source: String,
}

/// All dependence figures of one actor in one year that the data allow.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearDependence {
    pub year: i32,
    pub export_shares: Vec<PartnerShare>,
    pub import_shares: Vec<PartnerShare>,
    pub turnover_shares: Vec<PartnerShare>,
    pub export_concentration: Option<Concentration>,
    pub import_concentration: Option<Concentration>,
    pub patron_dyad: Option<DyadDependence>,
    pub energy_subsidy: Vec<SubsidyShare>,
}

impl YearDependence {
    fn is_empty(&self) -> bool {
        self.export_shares.is_empty()
            && self.import_shares.is_empty()
            && self.turnover_shares.is_empty()
            && self.patron_dyad.is_none()
            && self.energy_subsidy.is_empty()
    }

    /// The share of `partner` in the given flow, if known.
    pub fn share(&self, flow: TradeFlow, partner: &str) -> Option<&PartnerShare> {
        let list = match flow {
            TradeFlow::Exports => &self.export_shares,
            TradeFlow::Imports => &self.import_shares,
            TradeFlow::Turnover => &self.turnover_shares,
        };
        list.iter().find(|s| s.partner == partner)
    }
}

/// An actor's dependence over the years, plus the sourced multi-year estimates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DependenceProfile {
    pub actor: String,
    pub patron: String,
    pub years: Vec<YearDependence>,
    /// Sourced estimates of the energy subsidy as a share of GDP (indicator
    /// `energy_subsidy_share_gdp`), side by side with the derived ones.
    pub subsidy_estimates: Vec<Estimate>,
    /// What could not be computed or was left out, and why (missing is never 0).
    pub notes: Vec<String>,
}

/// Builds the dependence profile of `actor` on every partner, and on `patron` as a dyad.
///
/// Shares come from the trade records: a stated `share` is used as is; otherwise a stated
/// `value_usd` is divided by the actor's `exports_total_usd`/`imports_total_usd` indicator
/// of the same year, when there is one. Turnover shares are derived from export and import
/// values when both exist. Years with no figure at all are left out.
pub fn profile(world: &World, actor: ActorId, patron: ActorId) -> DependenceProfile {
    let mut notes = Vec::new();
    let mut years: BTreeMap<i32, ()> = BTreeMap::new();
    for t in world.trade.iter().filter(|t| t.reporter == actor) {
        years.insert(t.year, ());
    }
    for e in world.energy.iter().filter(|e| e.importer == actor) {
        years.insert(e.year, ());
    }
    let years = years
        .into_keys()
        .map(|year| year_dependence(world, actor, patron, year, &mut notes))
        .filter(|y| !y.is_empty())
        .collect();
    let subsidy_estimates = world
        .indicators
        .iter()
        .filter(|i| i.actor == actor && i.name == "energy_subsidy_share_gdp")
        .map(|i| Estimate {
            years: i.years,
            value: i.value,
            note: i.note.clone(),
            source: i.source.clone(),
        })
        .collect();
    DependenceProfile {
        actor: world.code(actor).to_string(),
        patron: world.code(patron).to_string(),
        years,
        subsidy_estimates,
        notes,
    }
}

fn year_dependence(
    world: &World,
    actor: ActorId,
    patron: ActorId,
    year: i32,
    notes: &mut Vec<String>,
) -> YearDependence {
    let export_shares = flow_shares(world, actor, year, TradeFlow::Exports, notes);
    let import_shares = flow_shares(world, actor, year, TradeFlow::Imports, notes);
    for (flow, shares) in [
        (TradeFlow::Exports, &export_shares),
        (TradeFlow::Imports, &import_shares),
    ] {
        let covered: f64 = shares.iter().map(|s| s.share).sum();
        if !shares.is_empty() && herfindahl_hirschman_bounds(&[covered]).is_none() {
            notes.push(format!(
                "{year}: no {flow} concentration: the known partner shares sum to {covered:.3} > 1 (sources or partner groups overlap)"
            ));
        }
    }
    let turnover_shares = turnover_shares(world, actor, year, notes);
    let patron_dyad = dyad(world, actor, patron, year);
    let has_patron_trade = world.trade.iter().any(|t| {
        t.reporter == actor && t.partner == patron && t.year == year && t.value_usd.is_some()
    });
    if patron_dyad.is_none() && has_patron_trade {
        notes.push(format!(
            "{year}: no trade dependence on {}: it needs USD values of both exports and imports and both sides' gdp_usd",
            world.code(patron)
        ));
    }
    YearDependence {
        year,
        export_concentration: concentration(&export_shares),
        import_concentration: concentration(&import_shares),
        export_shares,
        import_shares,
        turnover_shares,
        patron_dyad,
        energy_subsidy: subsidies(world, actor, year, notes),
    }
}

fn trade_record(
    world: &World,
    reporter: ActorId,
    partner: ActorId,
    year: i32,
    flow: TradeFlow,
) -> Option<&orbit_scenario::TradeRecord> {
    world.trade.iter().find(|t| {
        t.reporter == reporter && t.partner == partner && t.year == year && t.flow == flow
    })
}

fn flow_shares(
    world: &World,
    actor: ActorId,
    year: i32,
    flow: TradeFlow,
    notes: &mut Vec<String>,
) -> Vec<PartnerShare> {
    let total_name = match flow {
        TradeFlow::Exports => "exports_total_usd",
        TradeFlow::Imports => "imports_total_usd",
        TradeFlow::Turnover => "trade_total_usd",
    };
    let total = world.indicator(actor, total_name, year);
    let mut shares: Vec<PartnerShare> = Vec::new();
    for t in world
        .trade
        .iter()
        .filter(|t| t.reporter == actor && t.year == year && t.flow == flow)
    {
        let partner = world.code(t.partner).to_string();
        let share = if let Some(share) = t.share {
            Some(PartnerShare {
                partner: partner.clone(),
                share,
                provenance: Provenance::Sourced {
                    source: t.source.clone(),
                },
                flag: None,
            })
        } else {
            match (t.value_usd, total) {
                (Some(value), Some(total)) => {
                    partner_share(value, total.value).map(|share| PartnerShare {
                        partner: partner.clone(),
                        share,
                        provenance: Provenance::Derived {
                            formula: match t.variants {
                                Some(v) => {
                                    format!("{flow} to partner ({} flow) / {total_name}", v.uses)
                                }
                                None => format!("{flow} to partner / {total_name}"),
                            },
                            sources: vec![t.source.clone(), total.source.clone()],
                        },
                        flag: t.variants.filter(|v| v.disagree()).map(|v| {
                            format!(
                                "raw {} and smoothed {} differ by more than {}x",
                                or_missing(v.raw),
                                or_missing(v.smoothed),
                                FlowVariants::DISAGREEMENT_RATIO
                            )
                        }),
                    })
                }
                (Some(_), None) => {
                    notes.push(format!(
                        "{year}: {partner} {flow} has a USD value but no {total_name} for the year: no share"
                    ));
                    None
                }
                (None, _) if t.value_eur.is_some() => {
                    notes.push(format!(
                        "{year}: {partner} {flow} is given in EUR only: no USD share without a sourced exchange rate"
                    ));
                    None
                }
                (None, _) => None,
            }
        };
        let Some(share) = share else { continue };
        match shares.iter_mut().find(|s| s.partner == share.partner) {
            None => shares.push(share),
            Some(kept) => {
                // A share a source states wins over one derived here; otherwise the first
                // record listed wins. Either way the other is reported, not averaged.
                let stated = |s: &PartnerShare| matches!(s.provenance, Provenance::Sourced { .. });
                let replace = stated(&share) && !stated(kept);
                let (used, dropped) = if replace {
                    (&share, &*kept)
                } else {
                    (&*kept, &share)
                };
                notes.push(format!(
                    "{year}: {partner} {flow}: two records ({:.3} and {:.3}); used {:.3} ({}), left out {:.3}",
                    used.share,
                    dropped.share,
                    used.share,
                    provenance_kind(&used.provenance),
                    dropped.share
                ));
                if replace {
                    *kept = share;
                }
            }
        }
    }
    for s in shares.iter().filter(|s| s.flag.is_some()) {
        notes.push(format!(
            "{year}: {} {flow} share {:.3} is flagged: {}",
            s.partner,
            s.share,
            s.flag.as_deref().unwrap_or_default()
        ));
    }
    shares
}

fn or_missing(v: Option<f64>) -> String {
    v.map_or_else(
        || "missing".to_string(),
        |v| format!("{:.0}", v / 1e6) + "m",
    )
}

fn provenance_kind(p: &Provenance) -> &'static str {
    match p {
        Provenance::Sourced { .. } => "stated by its source",
        Provenance::Derived { .. } => "derived",
    }
}

fn turnover_shares(
    world: &World,
    actor: ActorId,
    year: i32,
    notes: &mut Vec<String>,
) -> Vec<PartnerShare> {
    let mut shares = flow_shares(world, actor, year, TradeFlow::Turnover, notes);
    let exports_total = world.indicator(actor, "exports_total_usd", year);
    let imports_total = world.indicator(actor, "imports_total_usd", year);
    let (Some(xt), Some(mt)) = (exports_total, imports_total) else {
        return shares;
    };
    for partner in (0..world.actors.len()).map(ActorId) {
        let code = world.code(partner);
        if shares.iter().any(|s| s.partner == code) {
            continue;
        }
        let x = trade_record(world, actor, partner, year, TradeFlow::Exports);
        let m = trade_record(world, actor, partner, year, TradeFlow::Imports);
        if let (Some(x), Some(m)) = (x, m)
            && let (Some(xv), Some(mv)) = (x.value_usd, m.value_usd)
            && let Some(share) = partner_share(xv + mv, xt.value + mt.value)
        {
            shares.push(PartnerShare {
                partner: code.to_string(),
                share,
                provenance: Provenance::Derived {
                    formula:
                        "(exports + imports with partner) / (exports_total_usd + imports_total_usd)"
                            .to_string(),
                    sources: vec![
                        x.source.clone(),
                        m.source.clone(),
                        xt.source.clone(),
                        mt.source.clone(),
                    ],
                },
                flag: None,
            });
        }
    }
    shares
}

fn concentration(shares: &[PartnerShare]) -> Option<Concentration> {
    if shares.is_empty() {
        return None;
    }
    let values: Vec<f64> = shares.iter().map(|s| s.share).collect();
    let (hhi_lower, hhi_upper) = herfindahl_hirschman_bounds(&values)?;
    Some(Concentration {
        coverage: values.iter().sum(),
        hhi_lower,
        hhi_upper,
        hirschman_lower: hirschman_concentration(&values),
    })
}

fn dyad(world: &World, actor: ActorId, patron: ActorId, year: i32) -> Option<DyadDependence> {
    let x = trade_record(world, actor, patron, year, TradeFlow::Exports)?;
    let m = trade_record(world, actor, patron, year, TradeFlow::Imports)?;
    let (xv, mv) = (x.value_usd?, m.value_usd?);
    let gdp = world.indicator(actor, "gdp_usd", year)?;
    let patron_gdp = world.indicator(patron, "gdp_usd", year)?;
    let dependence = trade_dependence(xv, mv, gdp.value)?;
    let partner_dependence = trade_dependence(xv, mv, patron_gdp.value)?;
    Some(DyadDependence {
        partner: world.code(patron).to_string(),
        dependence,
        partner_dependence,
        asymmetry: asymmetry(dependence, partner_dependence),
        provenance: Provenance::Derived {
            formula: "(X + M) / GDP, each side's own GDP; asymmetry = |D_ij - D_ji|".to_string(),
            sources: vec![
                x.source.clone(),
                m.source.clone(),
                gdp.source.clone(),
                patron_gdp.source.clone(),
            ],
        },
    })
}

fn subsidies(
    world: &World,
    actor: ActorId,
    year: i32,
    notes: &mut Vec<String>,
) -> Vec<SubsidyShare> {
    let records: Vec<_> = world
        .energy
        .iter()
        .filter(|e| e.importer == actor && e.year == year)
        .collect();
    let Some(gdp) = world.indicator(actor, "gdp_usd", year) else {
        if !records.is_empty() {
            notes.push(format!(
                "{year}: no energy subsidy share: no gdp_usd for {}",
                world.code(actor)
            ));
        }
        return Vec::new();
    };
    records
        .into_iter()
        .filter_map(|e| {
            let missing: Vec<&str> = [
                ("price", e.price.is_none()),
                ("reference_price", e.reference_price.is_none()),
                ("volume", e.volume.is_none()),
            ]
            .into_iter()
            .filter_map(|(name, absent)| absent.then_some(name))
            .collect();
            if !missing.is_empty() && missing.len() < 3 {
                notes.push(format!(
                    "{year}: no {} subsidy from the {} record{}: no {}",
                    e.commodity,
                    world.code(e.exporter),
                    e.period
                        .as_deref()
                        .map(|p| format!(" ({p})"))
                        .unwrap_or_default(),
                    missing.join(", ")
                ));
            }
            let (price, reference, volume) = (e.price?, e.reference_price?, e.volume?);
            let subsidy_usd = energy_subsidy_usd(price, reference, volume);
            let share_of_gdp = partner_share(subsidy_usd, gdp.value)?;
            let mut sources = vec![e.source.clone()];
            sources.extend(e.reference_source.clone());
            sources.push(gdp.source.clone());
            Some(SubsidyShare {
                commodity: e.commodity,
                exporter: world.code(e.exporter).to_string(),
                subsidy_usd,
                share_of_gdp,
                provenance: Provenance::Derived {
                    formula: format!(
                        "(reference {reference} - paid {price}) x {volume} x 1e6 / gdp_usd"
                    ),
                    sources,
                },
            })
        })
        .collect()
}

/// One value the data give for a measure a narrative quotes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Observation {
    pub years: YearSpan,
    pub value: f64,
    /// e.g. `gas price gap` for a derived subsidy, or the estimate's note.
    pub label: Option<String>,
    pub provenance: Provenance,
}

/// A narrative's figure set against what the scenario's data say.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FigureCheck {
    pub claim: String,
    pub paragraph: u32,
    pub text: String,
    pub verdict: orbit_scenario::Verdict,
    pub correction: Option<String>,
    /// The figure the narrative states.
    pub figure: f64,
    pub measure: String,
    pub observations: Vec<Observation>,
    /// The observation closest in value to the figure, as `figure - value`.
    pub closest_gap: Option<f64>,
}

/// Sets every claim that states a figure against the profile of the scenario's focus actor.
pub fn figure_checks(world: &World, profile: &DependenceProfile) -> Vec<FigureCheck> {
    world
        .claims
        .iter()
        .filter_map(|claim| {
            let figure = claim.figure?;
            let (measure, observations) = match figure.measure {
                orbit_scenario::Measure::PartnerShare { flow, partner } => {
                    let code = world.code(partner);
                    let observations = profile
                        .years
                        .iter()
                        .filter_map(|y| {
                            let share = y.share(flow, code)?;
                            Some(Observation {
                                years: YearSpan {
                                    first: y.year,
                                    last: y.year,
                                },
                                value: share.share,
                                label: None,
                                provenance: share.provenance.clone(),
                            })
                        })
                        .collect();
                    (
                        format!("{code}'s share of {} {flow}", profile.actor),
                        observations,
                    )
                }
                orbit_scenario::Measure::EnergySubsidyShareGdp => {
                    let mut observations: Vec<Observation> = profile
                        .subsidy_estimates
                        .iter()
                        .map(|e| Observation {
                            years: e.years,
                            value: e.value,
                            label: e.note.clone(),
                            provenance: Provenance::Sourced {
                                source: e.source.clone(),
                            },
                        })
                        .collect();
                    for y in &profile.years {
                        for s in &y.energy_subsidy {
                            observations.push(Observation {
                                years: YearSpan {
                                    first: y.year,
                                    last: y.year,
                                },
                                value: s.share_of_gdp,
                                label: Some(format!("{} price gap only", s.commodity)),
                                provenance: s.provenance.clone(),
                            });
                        }
                    }
                    observations.sort_by_key(|o| (o.years.first, o.years.last));
                    (
                        format!("energy subsidy as a share of {}'s GDP", profile.actor),
                        observations,
                    )
                }
            };
            let closest_gap = observations
                .iter()
                .map(|o| figure.value - o.value)
                .min_by(|a, b| a.abs().total_cmp(&b.abs()));
            Some(FigureCheck {
                claim: claim.id.clone(),
                paragraph: claim.paragraph,
                text: claim.text.clone(),
                verdict: claim.verdict,
                correction: claim.correction.clone(),
                figure: figure.value,
                measure,
                observations,
                closest_gap,
            })
        })
        .collect()
}
