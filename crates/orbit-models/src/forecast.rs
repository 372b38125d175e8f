//! Forecasts of one contested issue by every selected bargaining model, with optional Monte
//! Carlo sensitivity: the engine behind `orbit forecast` and the forecasts of `orbit run`.

use orbit_scenario::{Issue, World};
use serde::Serialize;

use crate::bargaining::{
    Actor, BargainingError, BargainingInput, EumOptions, EumResult, compromise, eum_forecast,
    nash_bargaining, run_eum, validate, weighted_median,
};
use crate::sensitivity::{MonteCarloResult, MonteCarloSettings, monte_carlo};

/// A bargaining model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Model {
    /// Bueno de Mesquita's expected utility model (Scholz et al. 2011).
    Eum,
    /// Capability × salience weighted mean (Thomson et al. 2006).
    Compromise,
    /// Capability × salience weighted median (Thomson et al. 2006).
    Median,
    /// Asymmetric Nash bargaining solution with the status quo as disagreement point.
    Nbs,
}

impl Model {
    pub const ALL: [Model; 4] = [Model::Eum, Model::Compromise, Model::Median, Model::Nbs];

    pub fn as_str(self) -> &'static str {
        match self {
            Model::Eum => "eum",
            Model::Compromise => "compromise",
            Model::Median => "median",
            Model::Nbs => "nbs",
        }
    }

    /// The model's name for people (tables, chart legends, page headings): the one place
    /// it is written.
    pub fn label(self) -> &'static str {
        match self {
            Model::Eum => "expected utility",
            Model::Compromise => "compromise",
            Model::Median => "weighted median",
            Model::Nbs => "Nash bargaining",
        }
    }
}

/// What to run on an issue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForecastOptions {
    pub models: Vec<Model>,
    pub eum: EumOptions,
    pub monte_carlo: Option<MonteCarloSettings>,
}

/// Every selected model's forecast of one issue.
#[derive(Debug, Clone, Serialize)]
pub struct IssueForecast {
    pub issue: String,
    pub name: Option<String>,
    pub scale: Option<(f64, f64)>,
    pub status_quo: Option<f64>,
    pub actors: Vec<Actor>,
    pub eum: Option<EumResult>,
    pub compromise: Option<f64>,
    pub median: Option<f64>,
    /// `None` also when the issue has no status quo to bargain from.
    pub nbs: Option<f64>,
    pub monte_carlo: Option<MonteCarloResult>,
}

impl IssueForecast {
    /// `(model, forecast)` for each model that gave one, in [`Model::ALL`] order.
    pub fn forecasts(&self) -> Vec<(Model, f64)> {
        [
            (Model::Eum, self.eum.as_ref().map(|e| e.forecast)),
            (Model::Compromise, self.compromise),
            (Model::Median, self.median),
            (Model::Nbs, self.nbs),
        ]
        .into_iter()
        .filter_map(|(m, f)| Some((m, f?)))
        .collect()
    }
}

/// The bargaining input of a scenario issue: actors named by their codes.
pub fn input_from_issue(world: &World, issue: &Issue) -> BargainingInput {
    BargainingInput {
        actors: issue
            .positions
            .iter()
            .map(|p| Actor::new(world.code(p.actor), p.capability, p.position, p.salience))
            .collect(),
        status_quo: Some(issue.status_quo),
        scale: Some((issue.scale_min, issue.scale_max)),
    }
}

/// Runs the selected models on `input`, then the Monte Carlo draws if asked; `on_draw` is
/// called after each draw.
pub fn forecast_issue(
    issue: &str,
    name: Option<&str>,
    input: &BargainingInput,
    options: &ForecastOptions,
    on_draw: &(dyn Fn() + Sync),
) -> Result<IssueForecast, BargainingError> {
    validate(input)?;
    let wants = |m| options.models.contains(&m);
    let eum = if wants(Model::Eum) {
        Some(run_eum(input, &options.eum)?)
    } else {
        None
    };
    let nbs = match (wants(Model::Nbs), input.status_quo) {
        (true, Some(_)) => Some(nash_bargaining(input)?),
        _ => None,
    };
    let selected: Vec<Model> = Model::ALL
        .into_iter()
        .filter(|&m| wants(m) && (m != Model::Nbs || input.status_quo.is_some()))
        .collect();
    let monte_carlo = match &options.monte_carlo {
        Some(settings) => {
            let quiet_eum = EumOptions {
                record_offers: false,
                ..options.eum
            };
            let evaluate = |drawn: &BargainingInput| -> Result<Vec<f64>, BargainingError> {
                selected
                    .iter()
                    .map(|m| match m {
                        Model::Eum => eum_forecast(drawn, &quiet_eum),
                        Model::Compromise => compromise(drawn),
                        Model::Median => weighted_median(drawn),
                        Model::Nbs => nash_bargaining(drawn),
                    })
                    .collect()
            };
            Some(monte_carlo(input, &selected, settings, evaluate, on_draw)?)
        }
        None => None,
    };
    Ok(IssueForecast {
        issue: issue.to_string(),
        name: name.map(str::to_string),
        scale: input.scale,
        status_quo: input.status_quo,
        actors: input.actors.clone(),
        compromise: wants(Model::Compromise)
            .then(|| compromise(input))
            .transpose()?,
        median: wants(Model::Median)
            .then(|| weighted_median(input))
            .transpose()?,
        nbs,
        eum,
        monte_carlo,
    })
}
