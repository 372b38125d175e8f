//! `orbit transit`: the scenario's gas pipelines as a network game per epoch, and the focus
//! actor's transit power.

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

use anyhow::Result;
use clap::Args;
use orbit_models::transit::{DEFAULT_EPOCHS, LeftOutReason, TransitOptions, TransitReport, epochs};
use orbit_scenario::World;

use super::{UserError, load_world};
use crate::output::{Format, Table, or_dash, percent, write_json};

#[derive(Debug, Args)]
pub struct TransitArgs {
    /// Epoch: the network standing at the end of this year (repeatable; default 2005, 2012,
    /// 2020, 2022)
    #[arg(long = "epoch", value_name = "YEAR")]
    epochs: Vec<i32>,
    /// The supplier's export capacity in bcm/yr (default: the sum of its pipelines'
    /// capacities, which never binds)
    #[arg(long, value_name = "BCM", allow_hyphen_values = true)]
    supply: Option<f64>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

pub fn run(scenario: Option<&Path>, args: &TransitArgs) -> Result<()> {
    let world = load_world(scenario)?;
    let span = world.meta.years;
    let years = if args.epochs.is_empty() {
        DEFAULT_EPOCHS.to_vec()
    } else {
        args.epochs.clone()
    };
    if let Some(&y) = years.iter().find(|&&y| !span.contains(y)) {
        let mut error = UserError::new(format!(
            "the epoch {y} is outside the scenario's years {}-{}",
            span.first, span.last
        ))
        .hint(format!("an epoch must lie in {}-{}", span.first, span.last));
        if args.epochs.is_empty() {
            error = error.hint("the default epochs are 2005, 2012, 2020 and 2022; name the epochs of this scenario with `--epoch YEAR`");
        }
        return Err(error.into());
    }
    let report = compute(
        &world,
        &years,
        &TransitOptions {
            supply: args.supply,
        },
    )?;
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => write_json(&mut out, &report),
        Format::Csv => long_table(&report).write_csv(&mut out),
        Format::Table => {
            write!(
                out,
                "{}{}",
                render_summary(&report),
                render_details(&report)
            )?;
            Ok(())
        }
    }
}

/// The report, with the model's errors on this input as invalid input (exit 1).
pub fn compute(world: &World, years: &[i32], options: &TransitOptions) -> Result<TransitReport> {
    epochs(world, years, options).map_err(super::invalid)
}

/// Shapley shares by epoch, v(N), core emptiness, and the focus actor's trend in one line.
pub fn render_summary(report: &TransitReport) -> String {
    let mut out = format!(
        "Transit power: {}'s gas pipelines as a network game (Hubert & Ikonnikova 2011): v(S) = \
         the most gas (bcm/yr) coalition S can move through the pipes its members hold\n\n",
        report.supplier
    );
    let mut players: Vec<&str> = Vec::new();
    for e in &report.epochs {
        for p in &e.players {
            if !players.contains(&p.as_str()) {
                players.push(p);
            }
        }
    }
    let years: Vec<String> = report.epochs.iter().map(|e| e.year.to_string()).collect();
    let mut headers = vec!["Shapley share"];
    headers.extend(years.iter().map(String::as_str));
    let mut table = Table::new(&headers).numeric(&(1..headers.len()).collect::<Vec<_>>());
    for p in &players {
        let mut row = vec![p.to_string()];
        row.extend(report.epochs.iter().map(|e| {
            or_dash(e.results.iter().find(|r| r.player == *p), |r| {
                percent(r.shapley_share)
            })
        }));
        table.push(row);
    }
    let mut row = vec!["v(N), bcm/yr".to_string()];
    row.extend(
        report
            .epochs
            .iter()
            .map(|e| format!("{:.1}", e.grand_value)),
    );
    table.push(row);
    let mut row = vec!["core empty".to_string()];
    row.extend(
        report
            .epochs
            .iter()
            .map(|e| or_dash(e.core_empty, |c| if c { "yes" } else { "no" }.to_string())),
    );
    table.push(row);
    out.push_str(&table.render(40));
    let trend: Vec<String> = report
        .trend
        .iter()
        .map(|t| format!("{} ({}, {:.2} bcm/yr)", percent(t.share), t.year, t.value))
        .collect();
    let _ = writeln!(
        out,
        "\n{}'s transit power (Shapley share of v(N)): {}",
        report.focus,
        trend.join(" -> ")
    );
    out
}

/// Per epoch: every solution per player, the segments used and those left out.
pub fn render_details(report: &TransitReport) -> String {
    let mut out = String::new();
    for e in &report.epochs {
        let _ = writeln!(
            out,
            "\n{}: v(N) = {:.1} bcm/yr, supply {:.1}; core {}; least-core epsilon {}\n",
            e.year,
            e.grand_value,
            e.supply,
            or_dash(e.core_empty, |c| if c { "empty" } else { "not empty" }
                .to_string()),
            or_dash(e.least_core_epsilon, |x| format!("{x:.3}"))
        );
        let mut table = Table::new(&["player", "Shapley", "share", "Banzhaf index", "nucleolus"])
            .numeric(&[1, 2, 3, 4]);
        for r in &e.results {
            table.push(vec![
                r.player.clone(),
                format!("{:.2}", r.shapley),
                percent(r.shapley_share),
                or_dash(r.banzhaf_index, percent),
                or_dash(r.nucleolus, |x| format!("{x:.2}")),
            ]);
        }
        out.push_str(&table.render(40));
        let used: Vec<String> = e
            .segments
            .iter()
            .map(|s| {
                format!(
                    "{} {}->{} {} ({})",
                    s.pipeline, s.from, s.to, s.capacity, s.player
                )
            })
            .collect();
        let _ = writeln!(out, "  segments (held by): {}", used.join("; "));
        let no_capacity: Vec<String> = e
            .left_out
            .iter()
            .filter(|s| s.reason == LeftOutReason::NoCapacity)
            .map(|s| format!("{} {}->{}", s.pipeline, s.from, s.to))
            .collect();
        if !no_capacity.is_empty() {
            let _ = writeln!(
                out,
                "  left out, capacity unknown: {}",
                no_capacity.join("; ")
            );
        }
        let mut not_standing: Vec<&str> = e
            .left_out
            .iter()
            .filter(|s| s.reason == LeftOutReason::NotInService)
            .map(|s| s.pipeline.as_str())
            .collect();
        not_standing.dedup();
        if !not_standing.is_empty() {
            let _ = writeln!(
                out,
                "  not in service at the end of {}: {}",
                e.year,
                not_standing.join(", ")
            );
        }
    }
    out
}

/// Long format: one row per (epoch, player) ([`orbit_pipeline::export::transit_table`]).
pub fn long_table(report: &TransitReport) -> Table {
    from_export(&orbit_pipeline::export::transit_table(report))
}

/// An exported table as CSV text: full precision, empty cells for missing.
pub fn from_export(table: &orbit_pipeline::export::ExportTable) -> Table {
    let columns: Vec<&str> = table.columns.iter().map(String::as_str).collect();
    let mut out = Table::new(&columns);
    for row in &table.rows {
        out.push(row.iter().map(|c| c.raw()).collect());
    }
    out
}
