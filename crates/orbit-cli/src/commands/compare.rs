//! `orbit compare BASE OVERLAY`: the same simulation with and without a counterfactual
//! overlay, and where they differ.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::simulate::{RunArgs, is_key_series, load, simulate};
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
    let mut table = Table::new(&[
        "series",
        "year",
        "base p50",
        "overlay p50",
        "difference",
        "base central",
        "overlay central",
    ])
    .numeric(&[1, 2, 3, 4, 5, 6]);
    let central = |r: &orbit_models::simulation::SimulationResult, name: &str, y: usize| {
        if let Some(i) = r.indicator_names.iter().position(|n| n == name) {
            return r.central.indicators[y][i];
        }
        let id = name.split_once('.').map_or("", |x| x.1);
        let i = r.issue_ids.iter().position(|n| n == id).unwrap_or(0);
        if name.starts_with("eum.") {
            r.central.eum[y][i]
        } else {
            r.central.compromise[y][i]
        }
    };
    for fan in &base.fans {
        let Some(other) = over.fans.iter().find(|f| f.name == fan.name) else {
            continue;
        };
        for (y, year) in base.years.iter().enumerate() {
            let (b, o) = (central(&base, &fan.name, y), central(&over, &fan.name, y));
            let (bp, op) = if base.runs == 0 {
                (b, o)
            } else {
                (fan.p50[y], other.p50[y])
            };
            if (bp - op).abs() < 1e-9 && (b - o).abs() < 1e-9 {
                continue;
            }
            let show = |x: f64| format!("{x:.3}");
            table.push(vec![
                fan.name.clone(),
                year.to_string(),
                show(bp),
                show(op),
                show(op - bp),
                show(b),
                show(o),
            ]);
        }
    }
    let mut out = std::io::stdout().lock();
    match args.run.format {
        Format::Json => write_json(
            &mut out,
            &serde_json::json!({ "base": base, "overlay": over }),
        ),
        Format::Csv => table.write_csv(&mut out),
        Format::Table => {
            use std::io::Write;
            table.rows.retain(|r| is_key_series(&r[0]));
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
