//! `orbit dependence`: interdependence indices per year.

use std::io::Write;
use std::path::Path;

use anyhow::Result;
use clap::Args;
use orbit_models::dependence::DependenceProfile;
use orbit_scenario::{TradeFlow, World};

use super::{UserError, load_world};
use crate::output::{Format, Table, or_dash, percent, write_json};

#[derive(Debug, Args)]
pub struct DependenceArgs {
    /// Actor whose dependence to show (default: the scenario's focus, e.g. BLR)
    #[arg(long, value_name = "CODE")]
    actor: Option<String>,
    /// Partner for the dyadic measures (default: the scenario's patron, e.g. RUS)
    #[arg(long, value_name = "CODE")]
    partner: Option<String>,
    /// Only this year
    #[arg(long)]
    year: Option<i32>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

pub fn run(scenario: Option<&Path>, args: &DependenceArgs) -> Result<()> {
    let world = load_world(scenario)?;
    let profile = compute(
        &world,
        args.actor.as_deref(),
        args.partner.as_deref(),
        args.year,
    )?;
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => write_json(&mut out, &profile),
        Format::Csv => {
            // The CSV stays one table for pandas; what was left out goes to stderr.
            for note in &profile.notes {
                eprintln!("note: {note}");
            }
            long_table(&profile).write_csv(&mut out)
        }
        Format::Table => {
            write!(out, "{}", render(&profile))?;
            Ok(())
        }
    }
}

/// Resolves the actor codes and computes the profile, optionally cut to one year
/// ([`orbit_pipeline::export::dependence`]).
pub fn compute(
    world: &World,
    actor: Option<&str>,
    partner: Option<&str>,
    year: Option<i32>,
) -> Result<DependenceProfile> {
    use orbit_pipeline::export::DependenceError;
    use orbit_scenario::Hint;
    orbit_pipeline::export::dependence(world, actor, partner, year).map_err(|e| {
        let error = match &e {
            DependenceError::SameActor => {
                UserError::new("`--actor` and `--partner` are the same actor")
            }
            DependenceError::NoFiguresInYear { .. } => {
                UserError::new(e.to_string()).hint(years_with_data(world, actor, partner))
            }
            _ => e
                .hints()
                .into_iter()
                .fold(UserError::new(e.to_string()), UserError::hint),
        };
        error.into()
    })
}

/// The hint of a `--year` without figures: the first and last years that have some.
fn years_with_data(world: &World, actor: Option<&str>, partner: Option<&str>) -> String {
    let all = orbit_pipeline::export::dependence(world, actor, partner, None);
    let years: Vec<i32> = all
        .iter()
        .flat_map(|p| p.years.iter().map(|y| y.year))
        .collect();
    match (years.iter().min(), years.iter().max()) {
        (Some(only), Some(last)) if only == last => {
            format!("the only year with dependence figures is {only}")
        }
        (Some(first), Some(last)) => format!(
            "the years with dependence figures are {first}-{last}; run without `--year` to see them all"
        ),
        _ => "run without `--year` to see the years with data".to_string(),
    }
}

/// The per-year table: the patron's shares, concentration, the dyad and the subsidy.
pub fn render(profile: &DependenceProfile) -> String {
    let p = profile.patron.as_str();
    let mut table = Table::new(&[
        "year",
        &format!("exports to {p}"),
        &format!("imports from {p}"),
        &format!("turnover {p}"),
        "export HHI (bounds)",
        &format!("(X+M)/GDP {}", profile.actor),
        &format!("(X+M)/GDP {p}"),
        "asymmetry",
        "energy subsidy/GDP",
    ])
    .numeric(&[0, 1, 2, 3, 5, 6, 7, 8]);
    for y in &profile.years {
        let share = |flow| or_dash(y.share(flow, p), |s| percent(s.share));
        let dyad = y.patron_dyad.as_ref();
        let subsidy: f64 = y.energy_subsidy.iter().map(|s| s.share_of_gdp).sum();
        table.push(vec![
            y.year.to_string(),
            share(TradeFlow::Exports),
            share(TradeFlow::Imports),
            share(TradeFlow::Turnover),
            or_dash(y.export_concentration.as_ref(), |c| {
                format!("{:.3}-{:.3}", c.hhi_lower, c.hhi_upper)
            }),
            or_dash(dyad, |d| percent(d.dependence)),
            or_dash(dyad, |d| percent(d.partner_dependence)),
            or_dash(dyad, |d| percent(d.asymmetry)),
            if y.energy_subsidy.is_empty() {
                "-".into()
            } else {
                percent(subsidy)
            },
        ]);
    }
    let mut out = format!(
        "Dependence of {} on {p} (shares of goods trade; subsidy = reference minus paid price times volume)\n\n",
        profile.actor
    );
    out.push_str(&table.render(40));
    if !profile.subsidy_estimates.is_empty() {
        out.push_str("\nSourced estimates of the energy subsidy as a share of GDP\n\n");
        let mut est = Table::new(&["years", "share", "source"]).numeric(&[1]);
        for e in &profile.subsidy_estimates {
            est.push(vec![
                e.years.to_string(),
                percent(e.value),
                e.source.clone(),
            ]);
        }
        out.push_str(&est.render(90));
    }
    if !profile.notes.is_empty() {
        out.push_str("\nNotes (left out or not computable; '-' above is missing, never 0):\n");
        for note in &profile.notes {
            out.push_str(&format!("  - {note}\n"));
        }
    }
    out
}

/// Long format for pandas: one row per (year, measure, partner); the same table as the
/// report's `dependence.csv`.
pub fn long_table(profile: &DependenceProfile) -> Table {
    Table::from_data(&orbit_report::tables::dependence_long(profile))
}
