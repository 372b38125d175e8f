//! `orbit compare BASE OVERLAY`: the same simulation with and without a counterfactual
//! overlay, and where they differ.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::simulate::{RunArgs, key_series_names, load, simulate};
use crate::output::{Format, Table, write_json};

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Base scenario file, or `builtin` for the built-in scenario
    pub base: String,
    /// Counterfactual overlay merged over the base
    pub overlay: PathBuf,
    /// First simulated year, a year of the scenario [default: its last year minus 7]
    #[arg(long, allow_hyphen_values = true, value_name = "YEAR")]
    pub from: Option<i32>,
    /// Last simulated year [default: the scenario's last year plus 8]
    #[arg(long, allow_hyphen_values = true, value_name = "YEAR")]
    pub to: Option<i32>,
    #[command(flatten)]
    pub run: RunArgs,
}

pub fn run(scenario: Option<&std::path::Path>, args: &CompareArgs) -> Result<()> {
    if let Some(scenario) = scenario {
        return Err(super::UserError::new(format!(
            "`--scenario {}` is not used by `orbit compare`",
            scenario.display()
        ))
        .hint("name the base scenario as the first argument: `orbit compare FILE OVERLAY` (or `builtin`)")
        .into());
    }
    let base_path = (args.base != "builtin").then(|| PathBuf::from(&args.base));
    let base_world = load(base_path.as_deref(), &[], &[])?;
    let over_world = load(
        base_path.as_deref(),
        std::slice::from_ref(&args.overlay),
        &[],
    )?;
    let base = simulate(&base_world, args.from, args.to, &args.run)?;
    let over = simulate(&over_world, args.from, args.to, &args.run)?;
    // Per series and year: base and overlay, median run and central run.
    let mut rows: Vec<(String, i32, [f64; 4])> = Vec::new();
    for (k, fan) in base.fans.iter().enumerate() {
        let Some((m, other)) = over
            .fans
            .iter()
            .enumerate()
            .find(|(_, f)| f.name == fan.name)
        else {
            continue;
        };
        for (y, year) in base.years.iter().enumerate() {
            let (Some(b), Some(o)) = (base.central_value(k, y), over.central_value(m, y)) else {
                continue;
            };
            let (bp, op) = if base.runs == 0 {
                (b, o)
            } else {
                (fan.p50[y], other.p50[y])
            };
            if (bp - op).abs() < 1e-9 && (b - o).abs() < 1e-9 {
                continue;
            }
            rows.push((fan.name.clone(), *year, [bp, op, b, o]));
        }
    }
    // Both changes are shown: the median run's and the central run's can differ in sign.
    let table = |show: &dyn Fn(f64) -> String, headers: &[&str]| {
        let mut table = Table::new(headers).numeric(&[1, 2, 3, 4, 5, 6, 7]);
        for (name, year, [bp, op, b, o]) in &rows {
            table.push(vec![
                name.clone(),
                year.to_string(),
                show(*bp),
                show(*op),
                show(op - bp),
                show(*b),
                show(*o),
                show(o - b),
            ]);
        }
        table
    };
    let mut table = match args.run.format {
        Format::Csv => table(
            &|x| x.to_string(),
            &[
                "series",
                "year",
                "base_p50",
                "overlay_p50",
                "p50_difference",
                "base_central",
                "overlay_central",
                "central_difference",
            ],
        ),
        _ => table(
            &|x| format!("{x:.3}"),
            &[
                "series",
                "year",
                "base p50",
                "overlay p50",
                "p50 change",
                "base central",
                "overlay central",
                "central change",
            ],
        ),
    };
    let mut out = std::io::stdout().lock();
    match args.run.format {
        Format::Json => write_json(
            &mut out,
            &serde_json::json!({ "base": base, "overlay": over }),
        ),
        Format::Csv => table.write_csv(&mut out),
        Format::Table => {
            use std::io::Write;
            let key = key_series_names(&base);
            table.rows.retain(|r| key.contains(r[0].as_str()));
            writeln!(
                out,
                "{} vs {} + {}: series that differ ({} runs, seed {})",
                args.base,
                args.base,
                args.overlay.display(),
                base.runs,
                base.seed
            )?;
            if table.rows.is_empty() {
                writeln!(out, "no key series differs")?;
                return Ok(());
            }
            write!(out, "{}", table.render(48))?;
            Ok(())
        }
    }
}
