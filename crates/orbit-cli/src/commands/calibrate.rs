//! `orbit calibrate`: fit the patron–client bargain on the record known at a cutoff year, or
//! (`--backtest`) score it from every cutoff 2000–2021 against persistence and drift.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use orbit_models::calibrate::{
    Calibration, CalibrationSpec, DEFAULT_BENCHMARK_SERIES, DEFAULT_REFERENCE_SERIES,
    ReferenceSeries, calibrate_world, parse_reference_csv,
};
use orbit_models::thesis_backtest::{
    FanSettings, PriceFan, THESIS_CUTOFFS, ThesisBacktest, price_fan, thesis_backtest,
};

use super::{InvalidInput, load_world};
use crate::output::{Format, Table, write_json};

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Last year whose data the fit may use
    #[arg(long, value_name = "YEAR", required_unless_present = "backtest")]
    cutoff: Option<i32>,
    /// The European reference gas price from a CSV with the columns
    /// `year,series,value,unit,source`, values in USD/mmbtu (the layout of
    /// `european_gas_price_yearly.csv`) instead of the scenario's `[[benchmarks]]`
    #[arg(long, value_name = "FILE")]
    reference: Option<PathBuf>,
    /// The series to use: a benchmark id of the scenario (default `ei_german_import_cif`), or
    /// with `--reference` a prefix of the CSV's `series` column (default: the EI German
    /// import price)
    #[arg(long, value_name = "NAME")]
    series: Option<String>,
    /// The lag in years of the reference price a year's price refers to (0: the same year's
    /// average, which already carries the contracts' 6-9 month indexation lag)
    #[arg(long, value_name = "YEARS", default_value_t = 0)]
    reference_lag: i32,
    /// Also project the gas price from the cutoff to this year: a fan over Monte Carlo draws
    /// of the calibrated parameters and a yearly shock, the covariates held at the cutoff
    #[arg(long, value_name = "YEAR", conflicts_with = "backtest")]
    to: Option<i32>,
    /// Score forecasts 1-5 years ahead from every cutoff 2000-2021 instead
    #[arg(long)]
    backtest: bool,
    /// Monte Carlo draws of each cutoff's fan (parameters from the calibration's covariance)
    #[arg(long, default_value_t = 500)]
    runs: usize,
    /// Seed of the fans (ChaCha8Rng, one stream per draw)
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

pub fn run(scenario: Option<&Path>, args: &CalibrateArgs) -> Result<()> {
    let world = load_world(scenario)?;
    let reference = match &args.reference {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| {
                format!("cannot read the reference series `{}`", path.display())
            })?;
            let series = args.series.as_deref().unwrap_or(DEFAULT_REFERENCE_SERIES);
            parse_reference_csv(&text, series)
                .map_err(|e| InvalidInput(format!("error: `{}`: {e}", path.display())))?
        }
        None => {
            let series = args.series.as_deref().unwrap_or(DEFAULT_BENCHMARK_SERIES);
            ReferenceSeries::from_world(&world, series).map_err(|e| {
                InvalidInput(format!(
                    "error: {e}\n  = hint: the scenario's `[[benchmarks]]` need the series, or give `--reference FILE`"
                ))
            })?
        }
    };
    if !(0..=5).contains(&args.reference_lag) {
        return Err(InvalidInput(format!(
            "error: `--reference-lag {}` must be between 0 and 5",
            args.reference_lag
        ))
        .into());
    }
    let spec = CalibrationSpec {
        reference_lag: args.reference_lag,
        ..CalibrationSpec::default()
    };
    let mut out = std::io::stdout().lock();
    if args.backtest {
        let cutoffs: Vec<i32> = THESIS_CUTOFFS.collect();
        let bt = thesis_backtest(
            &world,
            &reference,
            &cutoffs,
            &spec,
            &FanSettings {
                draws: args.runs,
                seed: args.seed,
            },
        );
        return match args.format {
            Format::Json => write_json(&mut out, &bt),
            Format::Csv => scores_table(&bt).write_csv(&mut out),
            Format::Table => {
                write!(out, "{}", render_backtest(&bt, &reference))?;
                Ok(())
            }
        };
    }
    let cutoff = args.cutoff.unwrap_or(world.meta.years.last);
    let (calibration, panel) = calibrate_world(&world, &reference, cutoff, &spec).map_err(|e| {
        InvalidInput(format!(
            "error: {e}\n  = hint: a later `--cutoff` gives the fit more recorded prices"
        ))
    })?;
    let fan = match args.to {
        None => None,
        Some(to) if to <= cutoff || to > cutoff + 50 => {
            return Err(InvalidInput(format!(
                "error: `--to {to}` must be after the cutoff {cutoff} and at most 50 years later"
            ))
            .into());
        }
        Some(to) => Some(
            price_fan(&calibration, &panel, &reference, to - cutoff, args.runs.max(1), args.seed)
                .ok_or_else(|| {
                    InvalidInput(format!(
                        "error: no projection from {cutoff}: no recorded price, covariates or reference price by then"
                    ))
                })?,
        ),
    };
    match args.format {
        Format::Json => write_json(
            &mut out,
            &serde_json::json!({ "calibration": calibration, "projection": fan }),
        ),
        Format::Csv => {
            let mut t = long_table(&calibration);
            if let Some(f) = &fan {
                for (i, y) in f.years.iter().enumerate() {
                    for (name, v) in [("q10", f.q10[i]), ("q50", f.q50[i]), ("q90", f.q90[i])] {
                        t.push(vec![
                            "projection".into(),
                            name.into(),
                            y.to_string(),
                            v.to_string(),
                            String::new(),
                        ]);
                    }
                }
            }
            t.write_csv(&mut out)
        }
        Format::Table => {
            write!(out, "{}", render(&calibration))?;
            if let Some(f) = &fan {
                write!(out, "{}", render_fan(f))?;
            }
            Ok(())
        }
    }
}

fn render_fan(f: &PriceFan) -> String {
    let mut s = format!(
        "\nProjection from the last recorded price ({}: {:.1}), {} draws, seed {} ({}); covariates and reference held at {}\n\n",
        f.start_year, f.start_price, f.draws, f.seed, f.rng, f.cutoff
    );
    let mut t = Table::new(&["year", "q10", "median", "q90"]).numeric(&[0, 1, 2, 3]);
    for (i, y) in f.years.iter().enumerate() {
        t.push(vec![
            y.to_string(),
            format!("{:.1}", f.q10[i]),
            format!("{:.1}", f.q50[i]),
            format!("{:.1}", f.q90[i]),
        ]);
    }
    s.push_str(&t.render(20));
    for n in &f.notes {
        s.push_str(&format!("note: {n}\n"));
    }
    s
}

fn opt(x: Option<f64>, digits: usize) -> String {
    x.map_or_else(|| "-".to_string(), |v| format!("{v:.digits$}"))
}

/// Parameters and residuals, one value per row.
fn long_table(c: &Calibration) -> Table {
    let mut t = Table::new(&["quantity", "name", "year", "value", "std_error"]);
    for p in &c.parameters {
        t.push(vec![
            if p.free { "parameter" } else { "held" }.into(),
            p.name.into(),
            String::new(),
            p.value.to_string(),
            p.std_error.map_or_else(String::new, |s| s.to_string()),
        ]);
    }
    for r in &c.residuals {
        for (name, v) in [
            ("recorded", r.recorded),
            ("fitted", r.fitted),
            ("residual", r.residual),
            ("target", r.target),
        ] {
            t.push(vec![
                "price".into(),
                name.into(),
                r.year.to_string(),
                v.to_string(),
                String::new(),
            ]);
        }
    }
    t
}

fn render(c: &Calibration) -> String {
    let mut s = format!(
        "Patron-client bargain calibrated on the record up to {} (Levenberg-Marquardt least squares on the \
         recorded gas price; reference: {} x {} mmbtu/1000 m3)\n\n",
        c.cutoff, c.reference_series, c.mmbtu_per_1000_m3
    );
    let mut t = Table::new(&["parameter", "value", "std error", ""]).numeric(&[1, 2]);
    for p in &c.parameters {
        t.push(vec![
            p.name.into(),
            format!("{:.4}", p.value),
            opt(p.std_error, 4),
            if p.free { "fitted" } else { "held" }.into(),
        ]);
    }
    s.push_str(&t.render(60));
    s.push('\n');
    let mut r = Table::new(&["year", "recorded", "fitted", "residual", "bargain target"])
        .numeric(&[0, 1, 2, 3, 4]);
    for e in &c.residuals {
        r.push(vec![
            e.year.to_string(),
            format!("{:.1}", e.recorded),
            format!("{:.1}", e.fitted),
            format!("{:+.1}", e.residual),
            format!("{:.1}", e.target),
        ]);
    }
    s.push_str(&r.render(60));
    s.push_str(&format!(
        "\nRMSE {:.1} USD/1000 m3 over {} years (persistence: {:.1}); {} iterations\n",
        c.rmse,
        c.residuals.len(),
        c.persistence_rmse,
        c.iterations
    ));
    for n in &c.notes {
        s.push_str(&format!("note: {n}\n"));
    }
    s
}

fn scores_table(bt: &ThesisBacktest) -> Table {
    let mut t = Table::new(&[
        "target",
        "horizon",
        "n",
        "MAE model",
        "MAE persistence",
        "MAE drift",
        "MAE model | ref known*",
        "skill model",
        "skill drift",
        "in 80% fan",
        "better",
        "ties",
        "worse",
    ])
    .numeric(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    for sc in &bt.scores {
        let digits = if sc.target == orbit_models::thesis_backtest::Target::GasPrice {
            1
        } else {
            3
        };
        t.push(vec![
            sc.target.label().into(),
            sc.horizon.to_string(),
            sc.n.to_string(),
            opt(sc.mae_model, digits),
            opt(sc.mae_persistence, digits),
            opt(sc.mae_drift, digits),
            opt(sc.mae_model_given_reference, digits),
            opt(sc.skill_model, 2),
            opt(sc.skill_drift, 2),
            opt(sc.coverage_80, 2),
            sc.better.to_string(),
            sc.ties.to_string(),
            sc.worse.to_string(),
        ]);
    }
    t
}

fn render_backtest(bt: &ThesisBacktest, reference: &ReferenceSeries) -> String {
    let mut s = format!(
        "Thesis backtest: the bargain calibrated at each cutoff {}-{}, forecasts 1-5 years ahead \
         (reference: {}); skill = 1 - MAE_model/MAE_persistence\n\n",
        THESIS_CUTOFFS.start(),
        THESIS_CUTOFFS.end(),
        reference.name
    );
    s.push_str(&scores_table(bt).render(30));
    s.push_str(
        "* diagnostic, not a forecast: the model given the European price recorded for the target year (known only after the cutoff)\n\n",
    );
    let mut f = Table::new(&["cutoff", "obs", "RMSE", "RMSE persistence", "mu", "fit"])
        .numeric(&[0, 1, 2, 3, 4]);
    for fit in &bt.fits {
        match (&fit.calibration, &fit.error) {
            (Some(c), _) => f.push(vec![
                fit.cutoff.to_string(),
                c.residuals.len().to_string(),
                format!("{:.1}", c.rmse),
                format!("{:.1}", c.persistence_rmse),
                format!("{:.2}", c.params.mu),
                "ok".into(),
            ]),
            (None, e) => f.push(vec![
                fit.cutoff.to_string(),
                "-".into(),
                "-".into(),
                "-".into(),
                "-".into(),
                e.clone().unwrap_or_default(),
            ]),
        }
    }
    s.push_str(&f.render(70));
    for n in &bt.notes {
        s.push_str(&format!("note: {n}\n"));
    }
    s
}
