//! The shapes programs read (`--format json|csv`), defined once so that the CLI and the
//! Python bindings cannot drift apart: each formats these rows in its own cell type.

use orbit_models::forecast::{IssueForecast, Model};
use serde_json::{Value, json};

/// The columns of the forecasts' long format (`orbit forecast --format csv`).
pub const FORECAST_COLUMNS: [&str; 6] = ["issue", "model", "quantity", "round", "actor", "value"];

/// One number of the forecasts' long format; `round` and `actor` are `None` where they do
/// not apply.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastRow<'a> {
    pub issue: &'a str,
    pub model: &'a str,
    pub quantity: &'static str,
    pub round: Option<usize>,
    pub actor: Option<&'a str>,
    pub value: f64,
}

/// Every result in long format, one number per row: each model's `forecast`, the EUM's
/// `position` of each actor in each round, and the Monte Carlo summary of each model
/// (`mc_mean`, `mc_sd`, `mc_p5`, `mc_p50`, `mc_p95`, `mc_draws`, `mc_failed`).
pub fn forecast_rows(results: &[IssueForecast]) -> Vec<ForecastRow<'_>> {
    let mut rows = Vec::new();
    for r in results {
        let row = |model, quantity, round, actor, value| ForecastRow {
            issue: &r.issue,
            model,
            quantity,
            round,
            actor,
            value,
        };
        for (model, forecast) in r.forecasts() {
            rows.push(row(model.as_str(), "forecast", None, None, forecast));
        }
        if let Some(eum) = &r.eum {
            for round in &eum.rounds {
                for (actor, position) in eum.actors.iter().zip(&round.positions) {
                    rows.push(row(
                        "eum",
                        "position",
                        Some(round.round),
                        Some(actor),
                        *position,
                    ));
                }
            }
        }
        if let Some(mc) = &r.monte_carlo {
            for d in &mc.models {
                for (quantity, value) in [
                    ("mc_mean", d.mean),
                    ("mc_sd", d.sd),
                    ("mc_p5", d.p5),
                    ("mc_p50", d.p50),
                    ("mc_p95", d.p95),
                    ("mc_draws", d.draws as f64),
                    ("mc_failed", d.failed as f64),
                ] {
                    rows.push(row(&d.model, quantity, None, None, value));
                }
            }
        }
    }
    rows
}

/// One JSON object per (issue, model), each in the shape `{"issue", "model", "forecast",
/// ...}`; the EUM's has `variant`, `rounds`, `offers`, and a model with Monte Carlo draws its
/// `monte_carlo` summary (`orbit forecast --format json`).
pub fn forecast_json(results: &[IssueForecast]) -> Result<Value, serde_json::Error> {
    let mut objects = Vec::new();
    for r in results {
        for (model, forecast) in r.forecasts() {
            let mut object = match (model, &r.eum) {
                (Model::Eum, Some(eum)) => serde_json::to_value(eum)?,
                _ => json!({ "model": model.as_str(), "forecast": forecast }),
            };
            if let Some(map) = object.as_object_mut() {
                map.insert("issue".into(), json!(r.issue));
                if let Some(name) = &r.name {
                    map.insert("issue_name".into(), json!(name));
                }
                if let Some(mc) = &r.monte_carlo
                    && let Some(dist) = mc.models.iter().find(|d| d.model == model.as_str())
                {
                    let mut summary = serde_json::to_value(dist)?;
                    if let Some(s) = summary.as_object_mut() {
                        s.insert("runs".into(), json!(mc.draws));
                        s.insert("seed".into(), json!(mc.seed));
                        s.insert("rng".into(), json!(mc.rng));
                        s.insert(
                            "perturbation".into(),
                            serde_json::to_value(mc.perturbation)?,
                        );
                    }
                    map.insert("monte_carlo".into(), summary);
                }
            }
            objects.push(object);
        }
    }
    Ok(Value::Array(objects))
}
