//! The CLI's JSON documents and CSV tables, rebuilt from the same library results (the CLI's
//! formatting lives in its binary crate, which a library cannot call). CSV numbers are given at
//! full precision: where the CLI's CSV rounds (`orbit simulate` to 3 decimals), the frame keeps
//! the unrounded value.

use orbit_models::forecast::{ForecastOptions, IssueForecast};
use orbit_models::sensitivity::{Perturbation, PerturbationSpec};
use orbit_scenario::World;
use pyo3::PyResult;
use serde::Serialize;
use serde_json::{Value, json};

use crate::orbit_error;

/// Columns and rows of one long-format table, for `pandas.DataFrame(rows, columns=columns)`.
#[derive(Debug, Serialize)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

impl Table {
    fn new(columns: &[&str]) -> Self {
        Table {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: Vec::new(),
        }
    }
}

fn opt(x: Option<f64>) -> Value {
    x.map_or(Value::Null, |x| json!(x))
}
/// `orbit validate --format json` for a scenario that checks, and its CSV.
pub fn validate(file: &str, world: &World) -> (Value, Table) {
    let counts = json!({
        "actors": world.actors.len(),
        "events": world.events.len(),
        "indicators": world.indicators.len(),
        "trade": world.trade.len(),
        "energy": world.energy.len(),
        "pipelines": world.pipelines.len(),
        "alliances": world.alliances.len(),
        "sanctions": world.sanctions.len(),
        "issues": world.issues.len(),
        "claims": world.claims.len(),
        "links": world.links.len(),
    });
    let mut table = Table::new(&["section", "entries"]);
    for (k, v) in counts.as_object().into_iter().flatten() {
        table.rows.push(vec![json!(k), v.clone()]);
    }
    (
        json!({"file": file, "valid": true, "counts": counts}),
        table,
    )
}

/// The CLI's `orbit forecast` options from its flags' values, resolved as the CLI resolves
/// them ([`orbit_pipeline::resolve_forecast`] with the command line's limits; no draws unless
/// asked).
pub fn forecast_options(
    model: &str,
    variant: &str,
    rounds: Option<usize>,
    stop: Option<&str>,
    runs: usize,
    seed: u64,
    perturb: [&str; 3],
) -> PyResult<ForecastOptions> {
    let unknown = |e: orbit_pipeline::UnknownName, argument: &str| {
        orbit_error(format!(
            "error: `{argument}`: {e}\n  = hint: allowed are {}",
            e.allowed_list()
        ))
    };
    let parse = |text: &str, what: &str| {
        Perturbation::parse(text).map_err(|e| orbit_error(format!("error: `{what}`: {e}")))
    };
    // Parsed whether or not there are draws, as the CLI's flags are.
    let perturbation = PerturbationSpec {
        capability: parse(perturb[0], "perturb_capability")?,
        position: parse(perturb[1], "perturb_position")?,
        salience: parse(perturb[2], "perturb_salience")?,
    };
    let raw = orbit_pipeline::RawForecastOptions {
        model: Some(
            model
                .parse::<orbit_pipeline::ModelChoice>()
                .map_err(|e| unknown(e, "model"))?,
        ),
        variant: Some(orbit_pipeline::parse_variant(variant).map_err(|e| unknown(e, "variant"))?),
        rounds,
        stop: stop
            .map(|s| {
                s.parse::<orbit_pipeline::StopChoice>()
                    .map_err(|e| unknown(e, "stop"))
            })
            .transpose()?,
        runs: Some(runs),
        seed: Some(seed),
        perturbation: Some(perturbation),
    };
    orbit_pipeline::resolve_forecast(&raw, &orbit_pipeline::Limits::COMMAND_LINE, 0)
        .map_err(|e| crate::plan::plan_error(&e))
}

/// One JSON object per (issue, model), as `orbit forecast --format json` prints.
pub fn forecast_json(results: &[IssueForecast]) -> Result<Value, serde_json::Error> {
    orbit_pipeline::export::forecast_json(results)
}

/// The CLI's long format (`orbit forecast --format csv`), from the same rows
/// ([`orbit_pipeline::export::forecast_rows`]).
pub fn forecast_table(results: &[IssueForecast]) -> Table {
    use orbit_pipeline::export::{FORECAST_COLUMNS, forecast_rows};
    let mut table = Table::new(&FORECAST_COLUMNS);
    for row in forecast_rows(results) {
        table.rows.push(vec![
            json!(row.issue),
            json!(row.model),
            json!(row.quantity),
            row.round.map_or(Value::Null, |r| json!(r)),
            row.actor.map_or(Value::Null, |a| json!(a)),
            json!(row.value),
        ]);
    }
    table
}

/// An exported table ([`orbit_pipeline::export`]) with typed cells: numbers stay numbers at
/// full precision, missing cells are null.
pub fn export_table(t: &orbit_pipeline::export::ExportTable) -> Table {
    use orbit_pipeline::export::Cell;
    Table {
        columns: t.columns.clone(),
        rows: t
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| match c {
                        Cell::Text(s) => json!(s),
                        Cell::Int(i) => json!(i),
                        Cell::Number(x) => json!(x),
                        Cell::Bool(b) => json!(b),
                        Cell::Missing => Value::Null,
                    })
                    .collect()
            })
            .collect(),
    }
}

/// `orbit dependence`: the profile of `actor` (default: the focus) against `partner`
/// (default: the patron), optionally one year ([`orbit_pipeline::export::dependence`]).
pub fn dependence(
    world: &World,
    actor: Option<&str>,
    partner: Option<&str>,
    year: Option<i32>,
) -> PyResult<orbit_models::dependence::DependenceProfile> {
    use orbit_pipeline::export::DependenceError;
    use orbit_scenario::Hint;
    orbit_pipeline::export::dependence(world, actor, partner, year).map_err(|e| {
        let (message, hints) = match &e {
            DependenceError::SameActor => (
                "`actor` and `partner` are the same actor".to_string(),
                Vec::new(),
            ),
            DependenceError::NoFiguresInYear { .. } => (
                e.to_string(),
                vec!["call without `year` to see the years with data".to_string()],
            ),
            _ => (e.to_string(), e.hints()),
        };
        let mut text = format!("error: {message}");
        for hint in hints {
            text.push_str(&format!("\n  = hint: {hint}"));
        }
        orbit_error(text)
    })
}

/// A report table with typed cells: numbers stay numbers, empty cells are null.
pub fn data_table(t: &orbit_report::tables::DataTable) -> Table {
    use orbit_report::tables::Cell;
    Table {
        columns: t.headers.clone(),
        rows: t
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| match c {
                        Cell::Text(s) => json!(s),
                        Cell::Number(x, _) => json!(x),
                        Cell::Empty => Value::Null,
                    })
                    .collect()
            })
            .collect(),
    }
}

pub fn timeline_table(rows: &[orbit_store::TimelineRow]) -> Table {
    let mut table = Table::new(&[
        "id",
        "date",
        "end_date",
        "kind",
        "actors",
        "description",
        "quantity",
        "unit",
        "key",
        "note",
        "source",
    ]);
    for r in rows {
        table.rows.push(vec![
            json!(r.id),
            json!(r.date),
            json!(r.end_date),
            json!(r.kind),
            json!(r.actors.join(";")),
            json!(r.description),
            opt(r.quantity),
            json!(r.unit),
            json!(r.key),
            json!(r.note),
            json!(r.source),
        ]);
    }
    table
}

/// `orbit game <solution> --network FILE --format json` for a pipeline network given as the
/// CLI's network JSON ([`orbit_models::games::parse_network_json`]).
pub fn network_game(
    text: &str,
    solution: &str,
    method: &str,
    permutations: usize,
    seed: u64,
) -> Result<(Value, f64), String> {
    use orbit_models::games::TuGame;
    let (players, game) = orbit_models::games::parse_network_json(text).map_err(|e| {
        let mut m = format!("error: network: {}", e.message);
        if !e.hint.is_empty() {
            m.push_str(&format!("\n  = hint: {}", e.hint));
        }
        m
    })?;
    let doc = solve(&players, &game, solution, method, permutations, seed)?;
    Ok((doc, game.grand_value()))
}

/// Most permutations a sampled Shapley value may draw, as in the CLI.
const MAX_PERMUTATIONS: usize = 100_000_000;

/// `orbit game <solution> --format json` for a game given by mask-indexed values.
pub fn game(
    players: &[String],
    values: Vec<f64>,
    solution: &str,
    method: &str,
    permutations: usize,
    seed: u64,
) -> Result<Value, String> {
    use orbit_models::games::DenseGame;
    const MAX_PLAYERS: usize = 20;
    let n = players.len();
    if n == 0 || n > MAX_PLAYERS {
        return Err(format!(
            "error: a game needs 1 to {MAX_PLAYERS} players, not {n}"
        ));
    }
    if values.len() != 1 << n {
        return Err(format!(
            "error: {n} players need {} coalition values (mask-indexed, the empty one first), not {}",
            1u64 << n,
            values.len()
        ));
    }
    if values.iter().any(|v| !v.is_finite()) {
        return Err("error: every coalition value must be a finite number".into());
    }
    let game = DenseGame::from_masks(n, values).map_err(|e| format!("error: {e}"))?;
    solve(players, &game, solution, method, permutations, seed)
}

/// One solution of `game` as the CLI's JSON document.
fn solve<G: orbit_models::games::TuGame>(
    players: &[String],
    game: &G,
    solution: &str,
    method: &str,
    permutations: usize,
    seed: u64,
) -> Result<Value, String> {
    use orbit_models::games::{
        ShapleyMethod, ShapleyOptions, banzhaf, least_core, nucleolus, shapley,
    };
    if permutations > MAX_PERMUTATIONS {
        return Err(format!(
            "error: `permutations` is limited to {MAX_PERMUTATIONS}"
        ));
    }
    let engine = |e: orbit_models::games::GameError| format!("error: {e}");
    let mut doc = json!({ "players": players });
    match solution {
        "shapley" => {
            let method = match method {
                "auto" => ShapleyMethod::Auto,
                "exact" => ShapleyMethod::Exact,
                "sampled" => ShapleyMethod::Sampled,
                other => {
                    return Err(format!(
                        "error: unknown method `{other}`\n  = hint: use auto, exact or sampled"
                    ));
                }
            };
            let phi = shapley(
                game,
                &ShapleyOptions {
                    method,
                    permutations,
                    seed,
                },
            )
            .map_err(engine)?;
            doc["shapley"] = json!(phi.values);
            if phi.method == ShapleyMethod::Sampled {
                doc["std_errors"] = json!(phi.std_errors);
                doc["method"] = json!("sampled");
                doc["permutations"] = json!(phi.permutations);
                doc["seed"] = json!(seed);
            }
        }
        "banzhaf" => {
            let b = banzhaf(game).map_err(engine)?;
            doc["banzhaf"] = json!(b.raw);
            doc["banzhaf_index"] = json!(b.index);
        }
        "core" => {
            let lc = least_core(game).map_err(engine)?;
            doc["point"] = json!(lc.allocation);
            doc["core_empty"] = json!(lc.core_empty);
            doc["least_core_epsilon"] = json!(lc.epsilon);
        }
        "nucleolus" => {
            let nu = nucleolus(game).map_err(engine)?;
            doc["nucleolus"] = json!(nu.allocation);
        }
        other => {
            return Err(format!(
                "error: unknown solution `{other}`\n  = hint: use shapley, banzhaf, core or nucleolus"
            ));
        }
    }
    Ok(doc)
}

/// One row per dyad-year, columns in the struct's field order (as the CLI's CSV writer has them).
pub fn panel_table(panel: &orbit_models::panel::Panel) -> PyResult<Table> {
    let mut table = Table {
        columns: Vec::new(),
        rows: Vec::new(),
    };
    for row in &panel.rows {
        let Value::Object(map) = serde_json::to_value(row).map_err(orbit_error)? else {
            continue;
        };
        if table.columns.is_empty() {
            table.columns = map.keys().cloned().collect();
        }
        table.rows.push(map.into_iter().map(|(_, v)| v).collect());
    }
    Ok(table)
}
