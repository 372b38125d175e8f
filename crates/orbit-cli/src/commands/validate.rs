//! `orbit validate`: check a scenario and list every problem.

use std::io::Write;
use std::path::Path;

use anyhow::Result;
use orbit_scenario::{ScenarioError, World};
use serde::Serialize;

use orbit_scenario::Hint;

use super::{InvalidInput, UserError, invalid};
use crate::output::{Format, Table, counted, write_json};

#[derive(Debug, Serialize)]
struct Counts {
    actors: usize,
    events: usize,
    indicators: usize,
    trade: usize,
    energy: usize,
    pipelines: usize,
    alliances: usize,
    sanctions: usize,
    issues: usize,
    claims: usize,
    links: usize,
}

impl Counts {
    fn of(world: &World) -> Self {
        Counts {
            actors: world.actors.len(),
            events: world.events.len(),
            indicators: world.indicators.len(),
            trade: world.trade.len(),
            energy: world.energy.len(),
            pipelines: world.pipelines.len(),
            alliances: world.alliances.len(),
            sanctions: world.sanctions.len(),
            issues: world.issues.len(),
            claims: world.claims.len(),
            links: world.links.len(),
        }
    }
}

#[derive(Debug, Serialize)]
struct Verdict<'a> {
    file: &'a str,
    valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    counts: Option<Counts>,
    #[serde(skip_serializing_if = "Option::is_none")]
    problems: Option<&'a [orbit_scenario::Diagnostic]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

pub fn run(path: Option<&Path>, format: Format) -> Result<()> {
    let shown = path.map_or(orbit_scenario::BUILTIN_NAME.to_string(), |p| {
        p.display().to_string()
    });
    let loaded = match path {
        Some(p) => orbit_scenario::load_file(p),
        None => orbit_scenario::builtin(),
    };
    let mut out = std::io::stdout().lock();
    match (loaded, format) {
        (Ok(world), Format::Json) => write_json(
            &mut out,
            &Verdict {
                file: &shown,
                valid: true,
                counts: Some(Counts::of(&world)),
                problems: None,
                error: None,
            },
        ),
        (Ok(world), _) => {
            let counts = Counts::of(&world);
            if format == Format::Csv {
                let mut table = Table::new(&["section", "entries"]);
                let value = serde_json::to_value(&counts)?;
                for (k, v) in value.as_object().into_iter().flatten() {
                    table.push(vec![k.clone(), v.to_string()]);
                }
                return table.write_csv(&mut out);
            }
            writeln!(
                out,
                "ok: {shown} is valid: {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}",
                counted(counts.actors, "actor", "actors"),
                counted(counts.events, "event", "events"),
                counted(counts.indicators, "indicator", "indicators"),
                counted(counts.trade, "trade record", "trade records"),
                counted(counts.energy, "energy record", "energy records"),
                counted(counts.pipelines, "pipeline", "pipelines"),
                counted(counts.alliances, "alliance", "alliances"),
                counted(counts.sanctions, "sanction", "sanctions"),
                counted(counts.issues, "issue", "issues"),
                counted(counts.claims, "claim", "claims"),
                counted(counts.links, "link", "links")
            )?;
            Ok(())
        }
        (Err(ScenarioError::Invalid(diagnostics)), Format::Json) => {
            write_json(
                &mut out,
                &Verdict {
                    file: &shown,
                    valid: false,
                    counts: None,
                    problems: Some(&diagnostics.problems),
                    error: None,
                },
            )?;
            Err(problems_found(diagnostics.len(), &shown))
        }
        (Err(ScenarioError::Invalid(diagnostics)), Format::Csv) => {
            let mut table = problem_table();
            for problem in &diagnostics.problems {
                table.push(problem_row(&shown, problem));
            }
            table.write_csv(&mut out)?;
            Err(problems_found(diagnostics.len(), &shown))
        }
        (Err(ScenarioError::Io { path, source }), _) => {
            Err(anyhow::Error::new(source).context(format!("cannot read `{path}`")))
        }
        (Err(other), Format::Json) => {
            write_json(
                &mut out,
                &Verdict {
                    file: &shown,
                    valid: false,
                    counts: None,
                    problems: None,
                    error: Some(other.to_string()),
                },
            )?;
            Err(invalid(other))
        }
        (Err(other), Format::Csv) => {
            let mut table = problem_table();
            let problem = orbit_scenario::Diagnostic::new(other.to_string(), None);
            let hints = other.hints();
            let problem = match hints.first() {
                Some(hint) => problem.with_hint(hint.clone()),
                None => problem,
            };
            table.push(problem_row(&shown, &problem));
            table.write_csv(&mut out)?;
            Err(invalid(other))
        }
        (Err(ScenarioError::Invalid(diagnostics)), Format::Table) => {
            Err(InvalidInput(diagnostics.to_string()).into())
        }
        (Err(other), Format::Table) => Err(invalid(other)),
    }
}

/// The columns of `validate --format csv` when the scenario has problems: one row per problem,
/// empty cells where a problem has no place, context or hint.
fn problem_table() -> Table {
    Table::new(&["file", "line", "column", "context", "message", "hint"])
}

fn problem_row(file: &str, problem: &orbit_scenario::Diagnostic) -> Vec<String> {
    let location = problem.location;
    vec![
        file.to_string(),
        location.map_or(String::new(), |l| l.line.to_string()),
        location.map_or(String::new(), |l| l.column.to_string()),
        problem.context.clone().unwrap_or_default(),
        problem.message.clone(),
        problem.hint.clone().unwrap_or_default(),
    ]
}

/// The summary on stderr when the problems themselves went to stdout (JSON or CSV).
fn problems_found(count: usize, file: &str) -> anyhow::Error {
    let noun = if count == 1 { "problem" } else { "problems" };
    UserError::new(format!("{count} {noun} in {file}")).into()
}
