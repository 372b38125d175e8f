//! Query strings and form fields: every name checked, every value parsed with an error that
//! names the parameter.

use orbit_models::bargaining::{Actor, BargainingInput, StopRule};
use orbit_models::forecast::{ForecastOptions, Model};
use orbit_pipeline::{
    ModelChoice, PlanError, RawForecastOptions, StopChoice, UnknownName, resolve_forecast,
};
use orbit_scenario::PartialDate;
use orbit_store::TimelineQuery;

use crate::{ApiError, Limits};

/// `name=value` pairs in the order given; empty values count as absent (an HTML form sends
/// every field, filled or not).
#[derive(Debug, Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn new(pairs: Vec<(String, String)>) -> Self {
        Params(
            pairs
                .into_iter()
                .filter(|(_, v)| !v.trim().is_empty())
                .collect(),
        )
    }

    /// Fails on the first name not in `known`.
    pub fn only(&self, known: &[&str]) -> Result<(), ApiError> {
        match self.0.iter().find(|(k, _)| !known.contains(&k.as_str())) {
            Some((k, _)) => Err(ApiError::bad_request(format!("unknown parameter `{k}`"))
                .hint(format!("the parameters are {}", backticked(known)))),
            None => Ok(()),
        }
    }

    /// Every value of `name`, comma-separated values split.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.split(','))
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// The value of `name`; given twice is an error.
    pub fn one(&self, name: &str) -> Result<Option<&str>, ApiError> {
        let mut values = self.0.iter().filter(|(k, _)| k == name);
        let first = values.next().map(|(_, v)| v.trim());
        if values.next().is_some() {
            return Err(ApiError::bad_request(format!(
                "parameter `{name}` is given more than once"
            )));
        }
        Ok(first)
    }

    pub fn parsed<T: std::str::FromStr>(
        &self,
        name: &str,
        what: &str,
    ) -> Result<Option<T>, ApiError> {
        match self.one(name)? {
            None => Ok(None),
            Some(v) => v.parse().map(Some).map_err(|_| {
                ApiError::bad_request(format!("parameter `{name}`: `{v}` is not {what}"))
            }),
        }
    }

    /// The value of `name`, one of a set of names (`parse` lists them when it fails).
    pub fn named<T>(
        &self,
        name: &str,
        parse: impl Fn(&str) -> Result<T, UnknownName>,
    ) -> Result<Option<T>, ApiError> {
        match self.one(name)? {
            None => Ok(None),
            Some(v) => parse(v).map(Some).map_err(|e| {
                ApiError::bad_request(format!("parameter `{name}`: {e}")).hint(format!(
                    "{}s are {}",
                    e.what,
                    e.allowed_list()
                ))
            }),
        }
    }

    pub fn flag(&self, name: &str) -> Result<bool, ApiError> {
        match self.one(name)? {
            None => Ok(false),
            Some(v) => match v.to_ascii_lowercase().as_str() {
                "true" | "1" | "on" | "yes" => Ok(true),
                "false" | "0" | "off" | "no" => Ok(false),
                _ => Err(ApiError::bad_request(format!(
                    "parameter `{name}`: `{v}` is not true or false"
                ))),
            },
        }
    }

    fn date(&self, name: &str) -> Result<Option<PartialDate>, ApiError> {
        match self.one(name)? {
            None => Ok(None),
            Some(v) => PartialDate::parse(v).map(Some).map_err(|e| {
                ApiError::bad_request(format!("parameter `{name}`: invalid date `{v}`: {e}"))
                    .hint("dates are `YYYY`, `YYYY-MM` or `YYYY-MM-DD`")
            }),
        }
    }
}

fn backticked(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub const TIMELINE_PARAMS: &[&str] = &["actor", "kind", "from", "to", "search", "key", "limit"];

/// The timeline query of `/timeline` and `/api/timeline`. Actor codes and kinds are checked
/// by the store.
pub fn timeline_query(params: &Params) -> Result<TimelineQuery, ApiError> {
    params.only(TIMELINE_PARAMS)?;
    let search = params.one("search")?.map(str::to_string);
    if search.as_ref().is_some_and(|s| s.chars().count() > 200) {
        return Err(ApiError::bad_request(
            "parameter `search`: longer than 200 characters",
        ));
    }
    Ok(TimelineQuery {
        actors: params.all("actor"),
        kinds: params.all("kind"),
        from: params.date("from")?,
        to: params.date("to")?,
        search,
        key_only: params.flag("key")?,
        limit: params.parsed("limit", "a whole number")?,
    })
}

pub const FORECAST_PARAMS: &[&str] = &[
    "name",
    "salience_percent",
    "status_quo",
    "model",
    "variant",
    "rounds",
    "stop",
    "runs",
    "seed",
];

/// A model run on a posted actor table, checked against the [`Limits`].
#[derive(Debug)]
pub struct ForecastRequest {
    pub name: String,
    pub input: BargainingInput,
    pub options: ForecastOptions,
}

/// Parses the options (`params`) and the KTAB table `csv` (`Actor,Capability,Position,
/// Salience`); `source` names the table in problems (`body`, `form`).
pub fn forecast_request(
    params: &Params,
    csv: &str,
    source: &str,
    limits: &Limits,
) -> Result<ForecastRequest, ApiError> {
    let name = params.one("name")?.unwrap_or("actors").to_string();
    if name.chars().count() > 80 {
        return Err(ApiError::bad_request(
            "parameter `name`: longer than 80 characters",
        ));
    }
    let salience_percent = params.flag("salience_percent")?;
    let status_quo: Option<f64> = params.parsed("status_quo", "a number")?;
    if status_quo.is_some_and(|q| !q.is_finite()) {
        return Err(ApiError::bad_request(
            "parameter `status_quo`: must be a finite number",
        ));
    }
    let raw = RawForecastOptions {
        model: params.named("model", str::parse::<ModelChoice>)?,
        variant: params.named("variant", orbit_pipeline::parse_variant)?,
        rounds: params.parsed("rounds", "a whole number")?,
        stop: params.named("stop", str::parse::<StopChoice>)?,
        runs: params.parsed("runs", "a whole number")?,
        seed: params.parsed("seed", "a whole number")?,
        perturbation: None,
    };
    let options = resolve_forecast(&raw, limits, 0).map_err(|e| plan_error(&e))?;
    let runs = options.monte_carlo.map_or(0, |mc| mc.draws);
    let rounds = match options.eum.stop {
        StopRule::FixedRounds(n) => n,
        StopRule::RelativeChange { max_rounds, .. } | StopRule::RepeatedState { max_rounds } => {
            max_rounds
        }
    };
    let models = options.models.clone();
    let rows = orbit_scenario::actor_table::parse_actor_table(source, csv, salience_percent)
        .map_err(|e| {
            let first = e.problems.first().map_or_else(String::new, describe);
            let more = e.problems.len().saturating_sub(1);
            let mut error = ApiError::bad_request(format!(
                "invalid actor table: {first}{}",
                if more > 0 {
                    format!(" (and {more} more problem{})", if more == 1 { "" } else { "s" })
                } else {
                    String::new()
                }
            ))
            .hint("the table is CSV with the header `Actor,Capability,Position,Salience`, one actor per row");
            error.problems = e.problems;
            error
        })?;
    if rows.len() > limits.actors {
        return Err(ApiError::bad_request(format!(
            "the actor table has {} actors, more than the {} allowed per request",
            rows.len(),
            limits.actors
        ))
        .hint("run larger tables with `orbit forecast --actors FILE`"));
    }
    let n = rows.len();
    let work = Limits::work_of(runs, rounds, n);
    if models.contains(&Model::Eum) && work > limits.work {
        return Err(ApiError::bad_request(format!(
            "the request asks for too much work: {runs} draws × {rounds} rounds × {n}² actors is more than {} per request",
            limits.work
        ))
        .hint("ask for fewer `runs` or `rounds`, or run it with `orbit forecast --actors FILE`"));
    }
    let input = BargainingInput {
        actors: rows
            .into_iter()
            .map(|r| Actor::new(r.name, r.capability, r.position, r.salience))
            .collect(),
        status_quo,
        scale: None,
    };
    Ok(ForecastRequest {
        name,
        input,
        options,
    })
}

/// A plan error as a 400 naming the HTTP parameter.
pub fn plan_error(e: &PlanError) -> ApiError {
    let mut error =
        ApiError::bad_request(format!("parameter `{}`: {}", e.setting.param(), e.problem));
    if !e.hints.is_empty() {
        error = error.hint(e.hints.join("; "));
    }
    error
}

/// `line 3, column `Salience`: message`.
fn describe(p: &orbit_scenario::actor_table::TableProblem) -> String {
    match &p.column {
        Some(c) => format!("line {}, column `{c}`: {}", p.line, p.message),
        None => format!("line {}: {}", p.line, p.message),
    }
}
