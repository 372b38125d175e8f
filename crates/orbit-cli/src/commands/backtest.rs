//! `orbit backtest`: simulate from what was known at a cutoff and score the forecasts against
//! what happened, next to the status-quo and compromise baselines.

use std::io::Write;
use std::path::Path;

use anyhow::Result;
use clap::Args;
use orbit_models::backtest::{Backtest, backtest};
use orbit_models::gas_price::{GasPriceBacktest, GasPriceOptions, backtest_prices};

use super::UserError;
use super::simulate::RunArgs;
use crate::output::{Format, Table, write_json};

#[derive(Debug, Args)]
pub struct BacktestArgs {
    /// Last year whose data the simulation may use [default: 2019, or the year before the
    /// scenario's last when 2019 is not inside it]
    #[arg(long, conflicts_with = "rolling", allow_hyphen_values = true)]
    pub cutoff: Option<i32>,
    /// Run the rolling cutoffs of `orbit run`: 2005, 2010, 2015, 2019 and 2021, those inside
    /// the scenario's years
    #[arg(long)]
    pub rolling: bool,
    /// Print only the gas-price backtest (every year with a recorded price, each predicted
    /// from the scenario cut at that year), in the chosen format
    #[arg(long, conflicts_with_all = ["rolling", "cutoff"])]
    pub gas_price: bool,
    #[command(flatten)]
    pub run: RunArgs,
}

fn show(x: f64) -> String {
    format!("{x:.3}")
}

fn opt(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_string(), show)
}

/// The scores; for programs (`for_csv`) with snake_case headers, full precision and empty
/// cells for missing numbers, for people rounded with `-` for missing.
pub fn scores_table(results: &[Backtest], for_csv: bool) -> Table {
    let headers: &[&str] = if for_csv {
        &[
            "cutoff",
            "question",
            "date",
            "observed",
            "model",
            "status_quo",
            "compromise",
            "model_error",
            "status_quo_error",
            "compromise_error",
            "model_brier",
            "status_quo_brier",
            "compromise_brier",
        ]
    } else {
        &[
            "cutoff",
            "question",
            "date",
            "observed",
            "model",
            "status quo",
            "compromise",
            "err model",
            "err sq",
            "err comp",
            "brier model",
            "brier sq",
            "brier comp",
        ]
    };
    let show = |x: f64| if for_csv { x.to_string() } else { show(x) };
    let opt = |x: Option<f64>| match x {
        Some(x) => show(x),
        None if for_csv => String::new(),
        None => "-".to_string(),
    };
    let mut table = Table::new(headers).numeric(&[0, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    for bt in results {
        for s in &bt.scores {
            table.push(vec![
                s.cutoff.to_string(),
                s.question.clone(),
                s.date.clone(),
                show(s.observed),
                show(s.model),
                show(s.status_quo),
                opt(s.compromise),
                show(s.model_error),
                show(s.status_quo_error),
                opt(s.compromise_error),
                opt(s.model_brier),
                opt(s.status_quo_brier),
                opt(s.compromise_brier),
            ]);
        }
    }
    table
}

/// The gas-price backtest: per year, the recorded price, the bargaining model's and the
/// baselines' prices, and their absolute errors.
pub fn gas_price_table(bt: &GasPriceBacktest, focus: &str) -> Table {
    let focus_share = format!("{focus} share");
    let mut table = Table::new(&[
        "year",
        "recorded",
        "model",
        "persistence",
        "ratio",
        "err model",
        "err persistence",
        "err ratio",
        focus_share.as_str(),
        "p_low",
        "p_ref",
    ])
    .numeric(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for r in &bt.rows {
        let p = r.prediction.as_ref();
        table.push(vec![
            r.year.to_string(),
            show(r.recorded),
            opt(r.model),
            opt(r.persistence),
            opt(r.ratio),
            opt(r.model_error),
            opt(r.persistence_error),
            opt(r.ratio_error),
            opt(p.map(|p| p.focus_share)),
            opt(p.map(|p| p.floor)),
            opt(p.map(|p| p.reference)),
        ]);
    }
    table
}

/// Per cutoff: how many questions, and how often the model beat, tied or lost to the status quo.
pub fn summary_table(results: &[Backtest]) -> Table {
    let mut table = Table::new(&[
        "cutoff",
        "questions",
        "model better",
        "tie",
        "status quo better",
        "mean Brier model",
        "mean Brier sq",
    ])
    .numeric(&[0, 1, 2, 3, 4, 5, 6]);
    for bt in results {
        let n = bt.scores.len();
        let better = bt
            .scores
            .iter()
            .filter(|s| s.model_error + 1e-9 < s.status_quo_error)
            .count();
        let worse = bt
            .scores
            .iter()
            .filter(|s| s.status_quo_error + 1e-9 < s.model_error)
            .count();
        let briers: Vec<(f64, f64)> = bt
            .scores
            .iter()
            .filter_map(|s| Some((s.model_brier?, s.status_quo_brier?)))
            .collect();
        let mean = |f: &dyn Fn(&(f64, f64)) -> f64| {
            if briers.is_empty() {
                "-".to_string()
            } else {
                show(briers.iter().map(f).sum::<f64>() / briers.len() as f64)
            }
        };
        table.push(vec![
            bt.cutoff.to_string(),
            n.to_string(),
            better.to_string(),
            (n - better - worse).to_string(),
            worse.to_string(),
            mean(&|b| b.0),
            mean(&|b| b.1),
        ]);
    }
    table
}

pub fn run(scenario: Option<&Path>, args: &BacktestArgs) -> Result<()> {
    let world = super::load_world(scenario)?;
    let gas = backtest_prices(&world, &GasPriceOptions::default());
    let focus = world.code(world.meta.focus);
    let patron = world.code(world.meta.patron);
    if args.gas_price {
        let mut out = std::io::stdout().lock();
        return match args.run.format {
            Format::Json => write_json(&mut out, &gas),
            Format::Csv => gas_price_table(&gas, focus).write_csv(&mut out),
            Format::Table => {
                write!(out, "{}", gas_price_table(&gas, focus).render(40))?;
                for note in &gas.notes {
                    writeln!(out, "note (gas_price): {note}")?;
                }
                Ok(())
            }
        };
    }
    let settings = args.run.settings()?;
    let years = world.meta.years;
    let cutoffs: Vec<i32> = if args.rolling {
        orbit_pipeline::default_cutoffs(years)
    } else {
        let cutoff = args
            .cutoff
            .unwrap_or(if years.contains(2019) && years.last > 2019 {
                2019
            } else {
                years.last - 1
            });
        orbit_pipeline::check_cutoff(years, cutoff).map_err(super::invalid)?;
        vec![cutoff]
    };
    let results = cutoffs
        .iter()
        .map(|&c| {
            backtest(&world, c, &settings)
                .map_err(|e| UserError::new(format!("cutoff {c}: {e}")).into())
        })
        .collect::<Result<Vec<_>>>()?;
    let mut out = std::io::stdout().lock();
    match args.run.format {
        Format::Json => write_json(&mut out, &results),
        Format::Csv => scores_table(&results, true).write_csv(&mut out),
        Format::Table => {
            writeln!(
                out,
                "backtest of {}: {} runs, seed {}; errors are absolute, on each question's scale",
                world.meta.id, settings.runs, settings.seed
            )?;
            write!(out, "{}", scores_table(&results, false).render(40))?;
            writeln!(out)?;
            write!(out, "{}", summary_table(&results).render(40))?;
            for bt in &results {
                for note in &bt.notes {
                    writeln!(out, "note ({}): {note}", bt.cutoff)?;
                }
            }
            writeln!(out)?;
            writeln!(
                out,
                "gas_price: asymmetric Nash bargaining price, weights the {patron} and {focus} Shapley values of each year's transit game; USD per 1000 m3"
            )?;
            write!(out, "{}", gas_price_table(&gas, focus).render(40))?;
            for note in &gas.notes {
                writeln!(out, "note (gas_price): {note}")?;
            }
            Ok(())
        }
    }
}
