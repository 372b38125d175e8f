//! Tables for people, JSON and CSV for programs.

use std::io::Write;

use anyhow::Result;
use clap::ValueEnum;
use serde::Serialize;

/// How a command prints its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned text for reading.
    Table,
    /// Pretty-printed JSON, one document.
    Json,
    /// Comma-separated values with a header row.
    Csv,
}

/// A rectangular result with a header; rendered as text or CSV.
#[derive(Debug, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Columns aligned right (numbers).
    pub right: Vec<bool>,
}

impl Table {
    pub fn new(headers: &[&str]) -> Self {
        Table {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
            right: vec![false; headers.len()],
        }
    }

    /// Marks columns (by index) as numeric, aligned right.
    pub fn numeric(mut self, columns: &[usize]) -> Self {
        for &c in columns {
            self.right[c] = true;
        }
        self
    }

    /// A report table with its cells as CSV has them (numbers at full precision).
    pub fn from_data(data: &orbit_report::DataTable) -> Self {
        Table {
            headers: data.headers.clone(),
            rows: data
                .rows
                .iter()
                .map(|r| r.iter().map(orbit_report::Cell::raw).collect())
                .collect(),
            right: vec![false; data.headers.len()],
        }
    }

    pub fn push(&mut self, row: Vec<String>) {
        debug_assert_eq!(row.len(), self.headers.len());
        self.rows.push(row);
    }

    /// Renders aligned columns; cells longer than `max_width` characters are cut with `…`.
    pub fn render(&self, max_width: usize) -> String {
        let cut = |s: &str| -> String {
            if s.chars().count() > max_width {
                let mut t: String = s.chars().take(max_width - 1).collect();
                t.push('…');
                t
            } else {
                s.to_string()
            }
        };
        let cells: Vec<Vec<String>> = std::iter::once(&self.headers)
            .chain(&self.rows)
            .map(|r| r.iter().map(|c| cut(c)).collect())
            .collect();
        let widths: Vec<usize> = (0..self.headers.len())
            .map(|c| {
                cells
                    .iter()
                    .map(|r| r[c].chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = String::new();
        for (i, row) in cells.iter().enumerate() {
            let line: Vec<String> = row
                .iter()
                .enumerate()
                .map(|(c, cell)| {
                    let pad = widths[c] - cell.chars().count();
                    if self.right[c] {
                        format!("{}{cell}", " ".repeat(pad))
                    } else if c + 1 == row.len() {
                        cell.clone()
                    } else {
                        format!("{cell}{}", " ".repeat(pad))
                    }
                })
                .collect();
            out.push_str(line.join("  ").trim_end());
            out.push('\n');
            if i == 0 {
                let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
                out.push_str(&rule.join("  "));
                out.push('\n');
            }
        }
        out
    }

    pub fn write_csv(&self, out: &mut dyn Write) -> Result<()> {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(&self.headers)?;
        for row in &self.rows {
            writer.write_record(row)?;
        }
        writer.flush()?;
        Ok(())
    }
}

pub fn write_json<T: Serialize>(out: &mut dyn Write, value: &T) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

/// A fraction as a percentage with one decimal, e.g. `41.1%`.
pub fn percent(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

/// An optional value, or `-`.
pub fn or_dash<T>(value: Option<T>, show: impl Fn(T) -> String) -> String {
    value.map_or_else(|| "-".to_string(), show)
}

/// `n` and the noun in the number it needs: `1 claim`, `2 claims`, `0 claims` (one helper
/// for the CLI, the report, the server and the scenario's own problems).
pub use orbit_scenario::counted;
