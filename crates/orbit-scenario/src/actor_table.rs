//! Actor tables in the KTAB / BDM convention: `Actor,Capability,Position,Salience`.
//!
//! The format of the published bargaining data sets (Bueno de Mesquita 1994; Scholz et al.
//! 2011's `ExampleActors.csv`; KTAB's example inputs): a header naming the four columns in any
//! order (case-insensitive; extra columns are ignored), one actor per row, lines starting with
//! `#` ignored, positions on any numeric scale. Every problem names its row and column.

use std::collections::HashMap;

use serde::Serialize;

/// One actor row of a table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActorRow {
    pub name: String,
    pub capability: f64,
    pub position: f64,
    pub salience: f64,
    /// Line of the row in the file, counted from 1.
    pub line: usize,
}

/// A problem with one cell, row or the header of an actor table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct TableProblem {
    pub file: String,
    pub line: usize,
    /// The column concerned, as named in the header, if any.
    pub column: Option<String>,
    pub message: String,
}

/// All problems found in an actor table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{}", render(.problems))]
pub struct TableErrors {
    pub problems: Vec<TableProblem>,
}

fn render(problems: &[TableProblem]) -> String {
    let mut out: Vec<String> = problems.iter().map(|p| format!("error: {p}")).collect();
    out.push(format!(
        "{} problem{} in the actor table",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    ));
    out.join("\n")
}

struct Problems<'a> {
    file: &'a str,
    list: Vec<TableProblem>,
}

impl Problems<'_> {
    fn add(&mut self, line: usize, column: Option<&str>, message: String) {
        self.list.push(TableProblem {
            file: self.file.to_string(),
            line,
            column: column.map(str::to_string),
            message,
        });
    }

    fn into_errors(self) -> TableErrors {
        TableErrors {
            problems: self.list,
        }
    }
}

const COLUMNS: [&str; 4] = ["actor", "capability", "position", "salience"];

/// Parses an actor table; `file` names it in messages. Checks every cell: numbers finite,
/// capability ≥ 0, salience in [0, 1] (in [0, 100] with `salience_in_percent`, KTAB's
/// convention, and then divided by 100), names unique and non-empty, at least two actors,
/// and not all positions equal. The name column may be headed `Actor` or `Name`.
pub fn parse_actor_table(
    file: &str,
    text: &str,
    salience_in_percent: bool,
) -> Result<Vec<ActorRow>, TableErrors> {
    let mut problems = Problems {
        file,
        list: Vec::new(),
    };
    // Comment lines are dropped before CSV parsing, keeping the original line numbers.
    let kept: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .collect();
    let Some(&(header_line, header)) = kept.first() else {
        problems.add(
            1,
            None,
            "the table is empty: expected a header `Actor,Capability,Position,Salience`".into(),
        );
        return Err(problems.into_errors());
    };
    let body: String = kept.iter().map(|(_, l)| format!("{l}\n")).collect();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(body.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            problems.add(header_line, None, format!("cannot read the header: {e}"));
            return Err(problems.into_errors());
        }
    };
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        let mut lower = h.to_ascii_lowercase();
        if lower == "name" {
            lower = "actor".to_string();
        }
        if let Some(&known) = COLUMNS.iter().find(|c| **c == lower)
            && index.insert(known, i).is_some()
        {
            problems.add(
                header_line,
                Some(h),
                format!("column `{h}` appears twice in the header"),
            );
        }
    }
    let missing: Vec<&str> = COLUMNS
        .iter()
        .copied()
        .filter(|c| !index.contains_key(c))
        .collect();
    if !missing.is_empty() {
        problems.add(
            header_line,
            None,
            format!(
                "the header `{header}` lacks column{} {}; expected `Actor,Capability,Position,Salience`",
                if missing.len() == 1 { "" } else { "s" },
                missing
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
        return Err(problems.into_errors());
    }
    let header_name = |c: &str| headers.get(index[c]).unwrap_or(c).to_string();
    let mut rows = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (record_index, record) in reader.records().enumerate() {
        let line = kept.get(record_index + 1).map_or(0, |(l, _)| *l);
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.add(line, None, format!("cannot read the row: {e}"));
                continue;
            }
        };
        let cell = |c: &str| record.get(index[c]).unwrap_or("");
        let name = cell("actor").to_string();
        if name.is_empty() {
            problems.add(
                line,
                Some(&header_name("actor")),
                "the actor name is empty".into(),
            );
        } else if let Some(&first) = seen.get(&name) {
            problems.add(
                line,
                Some(&header_name("actor")),
                format!("actor `{name}` appears twice (first on line {first})"),
            );
        } else {
            seen.insert(name.clone(), line);
        }
        let mut number = |c: &str| -> Option<f64> {
            let column = header_name(c);
            let raw = cell(c);
            match raw.parse::<f64>() {
                Ok(v) if v.is_finite() => Some(v),
                Ok(v) => {
                    problems.add(
                        line,
                        Some(&column),
                        format!("column `{column}` is {v}, not a finite number"),
                    );
                    None
                }
                Err(_) if raw.is_empty() => {
                    problems.add(line, Some(&column), format!("column `{column}` is empty"));
                    None
                }
                Err(_) => {
                    problems.add(
                        line,
                        Some(&column),
                        format!("column `{column}` is `{raw}`, not a number"),
                    );
                    None
                }
            }
        };
        let capability = number("capability");
        let position = number("position");
        let salience = number("salience").map(|s| if salience_in_percent { s / 100.0 } else { s });
        if let Some(c) = capability
            && c < 0.0
        {
            problems.add(
                line,
                Some(&header_name("capability")),
                format!("capability {c} is negative"),
            );
        }
        if let Some(s) = salience
            && !(0.0..=1.0).contains(&s)
        {
            let message = if salience_in_percent {
                format!(
                    "salience {} is outside [0, 100]",
                    crate::diagnostic::readable_number(s * 100.0)
                )
            } else {
                format!(
                    "salience {s} is outside [0, 1] (write 80% as 0.8, or pass `--salience-percent` for a 0-100 scale)"
                )
            };
            problems.add(line, Some(&header_name("salience")), message);
        }
        if let (Some(capability), Some(position), Some(salience)) = (capability, position, salience)
        {
            rows.push(ActorRow {
                name,
                capability,
                position,
                salience,
                line,
            });
        }
    }
    if problems.list.is_empty() {
        if rows.len() < 2 {
            problems.add(
                kept.last().map_or(1, |(l, _)| *l),
                None,
                format!(
                    "bargaining needs at least two actors, the table has {}",
                    rows.len()
                ),
            );
        } else if rows.iter().all(|r| r.position == rows[0].position) {
            problems.add(
                rows[0].line,
                Some(&header_name("position")),
                format!(
                    "every actor holds position {}: there is nothing to bargain over",
                    rows[0].position
                ),
            );
        }
    }
    if problems.list.is_empty() {
        Ok(rows)
    } else {
        Err(problems.into_errors())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<TableProblem> {
        parse_actor_table("t.csv", text, false)
            .unwrap_err()
            .problems
    }

    #[test]
    fn reads_the_ktab_convention_with_comments() {
        let rows = parse_actor_table(
            "t.csv",
            "# source: somewhere\nActor,Capability,Position,Salience\nA,1,4,0.8\n# mid comment\n\"B, Inc\",2.5,7,0.4\n",
            false,
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].name, "B, Inc");
        assert_eq!(rows[1].line, 5);
        assert_eq!(rows[1].capability, 2.5);
    }

    #[test]
    fn columns_in_any_order_and_case() {
        let rows = parse_actor_table(
            "t.csv",
            "salience,POSITION,actor,capability,extra\n0.5,1,A,3,x\n0.5,2,B,3,y\n",
            false,
        )
        .unwrap();
        assert_eq!(rows[0].name, "A");
        assert_eq!(rows[1].position, 2.0);
    }

    #[test]
    fn name_column_and_percent_saliences() {
        let text = "name,capability,position,salience\nA,1,4,80\nB,2,7,100\n";
        assert!(errors(text)[0].message.contains("--salience-percent"));
        let rows = parse_actor_table("t.csv", text, true).unwrap();
        assert_eq!((rows[0].salience, rows[1].salience), (0.8, 1.0));
        let bad = parse_actor_table(
            "t.csv",
            "name,capability,position,salience\nA,1,4,180\nB,2,7,1\n",
            true,
        );
        assert!(
            bad.unwrap_err().problems[0]
                .message
                .contains("180 is outside [0, 100]")
        );
    }

    #[test]
    fn every_bad_cell_is_named_by_line_and_column() {
        let found = errors(
            "Actor,Capability,Position,Salience\nA,-1,4,0.8\nB,x,7,1.4\nA,1,NaN,0.5\nC,1,,0.5\n",
        );
        let msgs: Vec<String> = found
            .iter()
            .map(|p| format!("{}:{:?}:{}", p.line, p.column, p.message))
            .collect();
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("2:Some(\"Capability\"):capability -1 is negative")),
            "{msgs:#?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("3:Some(\"Capability\"):column `Capability` is `x`")),
            "{msgs:#?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("3:Some(\"Salience\"):salience 1.4")),
            "{msgs:#?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m
                    .starts_with("4:Some(\"Actor\"):actor `A` appears twice (first on line 2)")),
            "{msgs:#?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("4:Some(\"Position\"):column `Position` is NaN")),
            "{msgs:#?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("5:Some(\"Position\"):column `Position` is empty")),
            "{msgs:#?}"
        );
    }

    #[test]
    fn header_empty_few_and_equal() {
        assert!(errors("")[0].message.contains("empty"));
        assert!(errors("# only\n")[0].message.contains("empty"));
        assert!(
            errors("Actor,Capability,Salience\nA,1,1\n")[0]
                .message
                .contains("lacks column `position`")
        );
        assert!(
            errors("Actor,Capability,Position,Salience\nA,1,4,0.8\n")[0]
                .message
                .contains("at least two")
        );
        assert!(
            errors("Actor,Capability,Position,Salience\nA,1,4,0.8\nB,1,4,0.2\n")[0]
                .message
                .contains("nothing to bargain")
        );
    }
}
