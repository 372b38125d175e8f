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

/// The scores ([`orbit_pipeline::export::backtest_table`]); for programs (`for_csv`) with
/// snake_case headers, full precision and empty cells for missing numbers, for people
/// rounded with `-` for missing.
pub fn scores_table(results: &[Backtest], for_csv: bool) -> Table {
    let export = orbit_pipeline::export::backtest_table(results);
    let csv_headers: Vec<&str> = export.columns.iter().map(String::as_str).collect();
    let headers: &[&str] = if for_csv {
        &csv_headers
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
    let mut table = Table::new(headers).numeric(&[0, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    for row in &export.rows {
        table.push(
            row.iter()
                .map(|c| if for_csv { c.raw() } else { c.text(show, "-") })
                .collect(),
        );
    }
    table
}

/// The gas-price backtest ([`orbit_pipeline::export::gas_price_table`]): per year, the
/// recorded price, the bargaining model's and the baselines' prices, and their absolute
/// errors; rounded to three decimals with `-` for missing, in every format.
pub fn gas_price_table(bt: &GasPriceBacktest, focus: &str) -> Table {
    let export = orbit_pipeline::export::gas_price_table(bt, focus);
    let columns: Vec<&str> = export.columns.iter().map(String::as_str).collect();
    let mut table = Table::new(&columns).numeric(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for row in &export.rows {
        table.push(row.iter().map(|c| c.text(show, "-")).collect());
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
    let cutoffs = orbit_pipeline::export::backtest_cutoffs(years, args.cutoff, args.rolling)
        .map_err(super::invalid)?;
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
