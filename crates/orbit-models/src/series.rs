//! Typed identities of the simulated series (issue 15): a state variable of the yearly
//! stepper, or a model's forecast of an issue. Every consumer (the CLI's tables, the sweep's
//! outcomes, the backtest, the report's panels) matches on [`SeriesId`] instead of parsing
//! the series' name; [`SeriesId::name`] is the one place the canonical string is written
//! (the same strings as the CSV columns, the JSON `name` fields and the sweep's outcome
//! names), and [`SeriesId::parse`] the one place a user-given name is read back.

use orbit_scenario::{Commodity, Hint, Variable, World};

use crate::forecast::Model;
use crate::simulation::{Simulator, Trajectory};

/// A simulated series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SeriesId {
    /// A state variable (trade share, price, transit share, dependence, position, ...),
    /// named by the grammar of `docs/scenario.md` ("State variables").
    Indicator(Variable),
    /// A model's forecast of issue `issue` (an index into [`World::issues`]), on the issue's
    /// scale: `eum.<issue>`, `compromise.<issue>`.
    IssueForecast { issue: usize, model: Model },
}

/// What a series' numbers are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A share in [0, 1] (trade shares, dependence, Shapley shares, saliences).
    Share,
    /// What an importer pays: USD per 1000 m³ of gas, USD per tonne of oil.
    Price(Commodity),
    /// A count in a year (sanctions measures in force, events of a kind).
    Count,
    /// A position on issue `issue`'s own scale.
    IssueScale { issue: usize },
}

impl Unit {
    /// Whether people read it as a percentage.
    pub fn is_share(self) -> bool {
        self == Unit::Share
    }

    /// The unit for an axis or a column, e.g. `USD per 1000 m³`.
    pub fn text(self, world: &World) -> String {
        match self {
            Unit::Share => "share (%)".into(),
            Unit::Price(Commodity::Gas) => "USD per 1000 m³".into(),
            Unit::Price(Commodity::Oil) => "USD per tonne".into(),
            Unit::Count => "count".into(),
            Unit::IssueScale { issue } => {
                let i = &world.issues[issue];
                format!(
                    "position on the issue's {}–{} scale",
                    i.scale_min, i.scale_max
                )
            }
        }
    }
}

impl SeriesId {
    /// The canonical name, e.g. `trade_share.exports.BLR.RUS` or `eum.deeper_integration`.
    pub fn name(&self, world: &World) -> String {
        match *self {
            SeriesId::Indicator(variable) => variable.name(world),
            SeriesId::IssueForecast { issue, model } => {
                forecast_name(model, &world.issues[issue].id)
            }
        }
    }

    /// What the numbers are.
    pub fn unit(&self) -> Unit {
        match *self {
            SeriesId::Indicator(variable) => match variable {
                Variable::TradeShare { .. }
                | Variable::Dependence { .. }
                | Variable::TransitShare { .. }
                | Variable::Salience { .. }
                | Variable::Alignment { .. } => Unit::Share,
                Variable::Price { commodity, .. } => Unit::Price(commodity),
                Variable::Sanctions { .. } | Variable::Events { .. } => Unit::Count,
                Variable::Position { issue, .. } => Unit::IssueScale { issue },
            },
            SeriesId::IssueForecast { issue, .. } => Unit::IssueScale { issue },
        }
    }

    /// A title for people, e.g. `BLR's exports to RUS` or `Forecast (expected utility): …`.
    pub fn label(&self, world: &World) -> String {
        let name = |a| world.actor(a).name.clone();
        match *self {
            SeriesId::Indicator(variable) => match variable {
                Variable::TradeShare {
                    flow,
                    reporter,
                    partner,
                } => format!(
                    "{}'s {flow} {} {}",
                    name(reporter),
                    if flow == orbit_scenario::TradeFlow::Exports {
                        "to"
                    } else {
                        "from"
                    },
                    name(partner)
                ),
                Variable::Dependence { actor, patron } => {
                    format!("Dependence of {} on {}", name(actor), name(patron))
                }
                Variable::Sanctions { imposer, target } => format!(
                    "Sanctions measures of {} against {}",
                    name(imposer),
                    name(target)
                ),
                Variable::Events { kind, actor } => {
                    format!("Events of kind {kind} naming {}", name(actor))
                }
                Variable::TransitShare { actor } => {
                    format!("{}'s share of the gas transit game", name(actor))
                }
                Variable::Price {
                    commodity,
                    importer,
                } => format!("Price of {commodity} paid by {}", name(importer)),
                Variable::Position { issue, actor } => format!(
                    "Position of {} on {}",
                    name(actor),
                    world.issues[issue].name
                ),
                Variable::Salience { issue, actor } => format!(
                    "Salience of {} for {}",
                    world.issues[issue].name,
                    name(actor)
                ),
                Variable::Alignment { actor } => {
                    format!("Alignment conceded by {}", name(actor))
                }
            },
            SeriesId::IssueForecast { issue, model } => {
                format!("Forecast ({}): {}", model.label(), world.issues[issue].name)
            }
        }
    }
}

/// Reads a user-given series name (`--outcome`, `compare`'s series) among the series `sim`
/// records, with an error that names the part that does not match and hints at what does.
pub fn parse(text: &str, sim: &Simulator) -> Result<SimulatedSeries, SeriesIdError> {
    let available = simulated(sim);
    if let Some(found) = available.iter().find(|s| s.name == text) {
        return Ok(found.clone());
    }
    let (kind, rest) = text.split_once('.').unwrap_or((text, ""));
    if let Some(model) = Model::ALL.into_iter().find(|m| m.as_str() == kind) {
        let simulated_models = dedup(available.iter().filter_map(|s| match s.id {
            SeriesId::IssueForecast { model, .. } => Some(model.as_str().to_string()),
            SeriesId::Indicator(_) => None,
        }));
        if !simulated_models.iter().any(|m| m == model.as_str()) {
            return Err(SeriesIdError::ModelNotSimulated {
                series: text.into(),
                model,
                simulated: simulated_models,
            });
        }
        return Err(SeriesIdError::UnknownIssue {
            series: text.into(),
            issue: rest.into(),
            known: sim.issue_ids.clone(),
        });
    }
    let kind_of = |name: &str| name.split('.').next().unwrap_or_default().to_string();
    let kinds = dedup(available.iter().map(|s| kind_of(&s.name)));
    if !kinds.iter().any(|k| k == kind) {
        return Err(SeriesIdError::UnknownKind {
            series: text.into(),
            kind: kind.into(),
            known: kinds,
        });
    }
    Err(SeriesIdError::NotSimulated {
        series: text.into(),
        same_kind: available
            .iter()
            .filter(|s| kind_of(&s.name) == kind)
            .map(|s| s.name.clone())
            .collect(),
    })
}

fn dedup(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// A series name that is not a series of the simulation.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SeriesIdError {
    /// The part before the first `.` is no kind of series the simulation records.
    #[error("unknown series `{series}`: `{kind}` is not a kind of series")]
    UnknownKind {
        series: String,
        kind: String,
        known: Vec<String>,
    },
    /// A model forecast of an issue the scenario does not have.
    #[error("unknown series `{series}`: the scenario has no issue `{issue}`")]
    UnknownIssue {
        series: String,
        issue: String,
        known: Vec<String>,
    },
    /// A forecast by a model the simulation does not run.
    #[error("unknown series `{series}`: the simulation does not forecast with the {} model", .model.label())]
    ModelNotSimulated {
        series: String,
        model: Model,
        simulated: Vec<String>,
    },
    /// A series of a known kind the simulation has no value for.
    #[error("unknown series `{series}`: the simulation has no such series")]
    NotSimulated {
        series: String,
        same_kind: Vec<String>,
    },
}

/// At most this many names in a hint.
const HINT_NAMES: usize = 8;

fn listing(names: &[String]) -> String {
    let shown: Vec<String> = names
        .iter()
        .take(HINT_NAMES)
        .map(|n| format!("`{n}`"))
        .collect();
    let more = names.len().saturating_sub(HINT_NAMES);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

impl Hint for SeriesIdError {
    fn hints(&self) -> Vec<String> {
        let list = "`orbit simulate --format csv` lists every series".to_string();
        match self {
            SeriesIdError::UnknownKind { known, .. } => {
                vec![format!("kinds of series: {}", listing(known)), list]
            }
            SeriesIdError::UnknownIssue { known, .. } if known.is_empty() => {
                vec!["the scenario has no issues".into()]
            }
            SeriesIdError::UnknownIssue { known, .. } => {
                vec![format!("issues: {}", listing(known))]
            }
            SeriesIdError::ModelNotSimulated { simulated, .. } => {
                vec![format!("forecast series: {}", listing(simulated)), list]
            }
            SeriesIdError::NotSimulated { same_kind, .. } => {
                vec![format!("series of that kind: {}", listing(same_kind)), list]
            }
        }
    }
}

/// Where a series' values are in a [`Trajectory`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// `Trajectory::indicators[year][k]`.
    Indicator(usize),
    /// `Trajectory::eum[year][k]`, issue `k`.
    Eum(usize),
    /// `Trajectory::compromise[year][k]`, issue `k`.
    Compromise(usize),
}

impl Column {
    /// The value in year index `y` (the year must be of the trajectory).
    pub fn value(self, t: &Trajectory, y: usize) -> f64 {
        match self {
            Column::Indicator(k) => t.indicators[y][k],
            Column::Eum(k) => t.eum[y][k],
            Column::Compromise(k) => t.compromise[y][k],
        }
    }
}

/// A series a simulation records: its id, its canonical name and where its values are.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulatedSeries {
    pub id: SeriesId,
    pub name: String,
    pub column: Column,
}

/// The series `sim` records, in the order of [`SimulationResult::fans`]: the indicators,
/// then each issue's EUM forecast, then each issue's compromise forecast.
///
/// [`SimulationResult::fans`]: crate::simulation::SimulationResult::fans
pub fn simulated(sim: &Simulator) -> Vec<SimulatedSeries> {
    let mut out: Vec<SimulatedSeries> = sim
        .indicator_variables
        .iter()
        .zip(&sim.indicator_names)
        .enumerate()
        .map(|(k, (&variable, name))| SimulatedSeries {
            id: SeriesId::Indicator(variable),
            name: name.clone(),
            column: Column::Indicator(k),
        })
        .collect();
    for (model, column) in [
        (Model::Eum, Column::Eum as fn(usize) -> Column),
        (Model::Compromise, Column::Compromise),
    ] {
        for (issue, id) in sim.issue_ids.iter().enumerate() {
            out.push(SimulatedSeries {
                id: SeriesId::IssueForecast { issue, model },
                name: forecast_name(model, id),
                column: column(issue),
            });
        }
    }
    out
}

/// `<model>.<issue>`, e.g. `eum.deeper_integration`.
fn forecast_name(model: Model, issue_id: &str) -> String {
    format!("{}.{issue_id}", model.as_str())
}
