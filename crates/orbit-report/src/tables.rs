//! The report's tables, each written once and rendered twice: as CSV for programs (numbers
//! at full precision) and as HTML for people (percentages and rounded values).

use orbit_models::dependence::{DependenceProfile, Provenance};
use orbit_scenario::TradeFlow;

use crate::charts::provenance_sources;
use crate::charts::{percent, scale_value};
use crate::data::RunReport;

/// How a number is shown to people; CSV always gets the full value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberStyle {
    /// A fraction shown as a percentage with one decimal.
    Percent,
    /// No decimals when whole, else one.
    Scale,
    /// A fixed number of decimals.
    Decimals(usize),
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64, NumberStyle),
    Empty,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Self {
        Cell::Text(s.into())
    }

    pub fn opt_text(s: Option<&str>) -> Self {
        s.map_or(Cell::Empty, Cell::text)
    }

    /// The cell as CSV has it. A non-finite number is no number: written empty, like a
    /// missing value, never as `NaN` or `inf`.
    pub fn raw(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(v, _) if !v.is_finite() => String::new(),
            Cell::Number(v, _) => format!("{v}"),
            Cell::Empty => String::new(),
        }
    }

    /// The cell as people read it (`-` for a missing or non-finite value).
    pub fn display(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(v, _) if !v.is_finite() => "-".to_string(),
            Cell::Number(v, NumberStyle::Percent) => percent(*v),
            Cell::Number(v, NumberStyle::Scale) => scale_value(*v),
            Cell::Number(v, NumberStyle::Decimals(d)) => format!("{v:.d$}"),
            Cell::Empty => "-".to_string(),
        }
    }

    pub fn is_number(&self) -> bool {
        matches!(self, Cell::Number(..))
    }
}

/// A named table with a header row.
#[derive(Debug, Clone, PartialEq)]
pub struct DataTable {
    /// File stem of its CSV (`<name>.csv`) and its HTML id.
    pub name: &'static str,
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl DataTable {
    pub(crate) fn new(name: &'static str, title: impl Into<String>, headers: &[&str]) -> Self {
        DataTable {
            name,
            title: title.into(),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.headers.len(), "{}", self.name);
        self.rows.push(row);
    }

    /// The table as CSV (the `csv` crate's quoting, `\n` line ends), numbers at full
    /// precision.
    pub fn to_csv(&self) -> String {
        let mut writer = csv::Writer::from_writer(Vec::new());
        // Writing into a Vec cannot fail, and every field is valid UTF-8.
        let _ = writer.write_record(&self.headers);
        for row in &self.rows {
            let _ = writer.write_record(row.iter().map(Cell::raw));
        }
        let bytes = writer.into_inner().unwrap_or_default();
        String::from_utf8(bytes).unwrap_or_default()
    }

    pub fn file_name(&self) -> String {
        format!("{}.csv", self.name)
    }
}

fn provenance(p: &Provenance) -> (Cell, Cell) {
    let kind = match p {
        Provenance::Sourced { .. } => "sourced",
        Provenance::Derived { .. } => "derived",
    };
    (
        Cell::text(kind),
        Cell::text(provenance_sources(p).join(" | ")),
    )
}

/// Every table of the report, in the order the HTML shows them.
pub fn all(report: &RunReport) -> Vec<DataTable> {
    let mut tables = vec![
        key_events(report),
        event_counts(report),
        dependence_by_year(&report.dependence),
        dependence_long(&report.dependence),
        subsidy_estimates(&report.dependence),
        figure_checks(report),
        claims(report),
        issues(report),
        forecasts(report),
        eum_rounds(report),
        monte_carlo(report),
    ];
    if report.simulation.is_some() {
        tables.push(simulation_fans(report));
    }
    if !report.backtest.is_empty() {
        tables.push(backtest_summary(report));
        tables.push(backtest(report));
    }
    if let Some(d) = &report.disputes {
        tables.extend(crate::vega_disputes::tables(d));
    }
    tables.extend(crate::thesis_section::tables(report));
    tables.push(notes(report));
    tables
}

/// Everything the run, the dependence profile and the backtests left out or could not
/// compute, one row per note: the reason behind every empty cell of the other tables.
pub fn notes(report: &RunReport) -> DataTable {
    let mut t = DataTable::new(
        "notes",
        "What was left out or could not be computed, and why",
        &["part", "note"],
    );
    for n in &report.notes {
        t.push(vec![Cell::text("run"), Cell::text(n)]);
    }
    for n in &report.dependence.notes {
        t.push(vec![Cell::text("dependence"), Cell::text(n)]);
    }
    // The yearly subsidy total sums the commodities computed that year; where some of the
    // commodities computed in other years are missing, say so (they are not counted as 0).
    let mut every: Vec<String> = Vec::new();
    for y in &report.dependence.years {
        for s in &y.energy_subsidy {
            let c = s.commodity.to_string();
            if !every.contains(&c) {
                every.push(c);
            }
        }
    }
    for y in &report.dependence.years {
        let have: Vec<String> = y
            .energy_subsidy
            .iter()
            .map(|s| s.commodity.to_string())
            .collect();
        let missing: Vec<&str> = every
            .iter()
            .filter(|c| !have.contains(c))
            .map(String::as_str)
            .collect();
        if !have.is_empty() && !missing.is_empty() {
            t.push(vec![
                Cell::text("dependence"),
                Cell::text(format!(
                    "{}: `energy subsidy/GDP` in dependence_by_year sums {} only; the {} subsidy could not be computed that year and is not counted as 0",
                    y.year,
                    have.join(" and "),
                    missing.join(" and ")
                )),
            ]);
        }
    }
    for bt in &report.backtest {
        for n in &bt.notes {
            t.push(vec![
                Cell::text(format!("backtest {}", bt.cutoff)),
                Cell::text(n),
            ]);
        }
    }
    t
}

/// The simulation's yearly fans, long format: one row per series and year.
pub fn simulation_fans(report: &RunReport) -> DataTable {
    let mut t = DataTable::new(
        "simulation_fans",
        "Yearly simulation: 5/50/95% of the Monte Carlo runs and the central run",
        &["series", "year", "p5", "p50", "p95", "central"],
    );
    let Some(sim) = &report.simulation else {
        return t;
    };
    let central = |name: &str, y: usize| -> Option<f64> {
        if let Some(i) = sim.indicator_names.iter().position(|n| n == name) {
            return sim.central.indicators.get(y).map(|row| row[i]);
        }
        let (model, id) = name.split_once('.')?;
        let i = sim.issue_ids.iter().position(|x| x == id)?;
        let rows = if model == "eum" {
            &sim.central.eum
        } else {
            &sim.central.compromise
        };
        rows.get(y).map(|row| row[i])
    };
    for fan in &sim.fans {
        for (y, year) in sim.years.iter().enumerate() {
            t.push(vec![
                Cell::text(&fan.name),
                Cell::text(year.to_string()),
                Cell::Number(fan.p5[y], NumberStyle::Decimals(3)),
                Cell::Number(fan.p50[y], NumberStyle::Decimals(3)),
                Cell::Number(fan.p95[y], NumberStyle::Decimals(3)),
                central(&fan.name, y)
                    .map_or(Cell::Empty, |v| Cell::Number(v, NumberStyle::Decimals(3))),
            ]);
        }
    }
    t
}

/// The backtest's verdict per cutoff, as `orbit backtest` prints it: how often the model
/// beat, tied or lost to the status quo (a difference under 1e-9 is a tie).
pub fn backtest_summary(report: &RunReport) -> DataTable {
    let mut t = DataTable::new(
        "backtest_summary",
        "Backtest verdict: the model against the status quo, per cutoff",
        &[
            "cutoff",
            "questions",
            "model better",
            "tie",
            "status quo better",
        ],
    );
    let count = |v: usize| Cell::Number(v as f64, NumberStyle::Decimals(0));
    let mut total = (0, 0, 0);
    for bt in &report.backtest {
        let (better, tie, worse) = crate::vega::verdict_counts(&bt.scores);
        total = (total.0 + better, total.1 + tie, total.2 + worse);
        t.push(vec![
            Cell::text(bt.cutoff.to_string()),
            count(bt.scores.len()),
            count(better),
            count(tie),
            count(worse),
        ]);
    }
    t.push(vec![
        Cell::text("all cutoffs"),
        count(total.0 + total.1 + total.2),
        count(total.0),
        count(total.1),
        count(total.2),
    ]);
    t
}

/// Every scored question of the rolling backtests.
pub fn backtest(report: &RunReport) -> DataTable {
    let mut t = DataTable::new(
        "backtest",
        "Backtest: forecasts from data up to each cutoff, scored against what happened",
        &[
            "cutoff",
            "question",
            "observed on",
            "observed",
            "model",
            "status quo",
            "compromise",
            "model error",
            "status quo error",
            "compromise error",
        ],
    );
    let n = |v: f64| Cell::Number(v, NumberStyle::Decimals(3));
    for bt in &report.backtest {
        for sc in &bt.scores {
            t.push(vec![
                Cell::text(bt.cutoff.to_string()),
                Cell::text(&sc.question),
                Cell::text(&sc.date),
                n(sc.observed),
                n(sc.model),
                n(sc.status_quo),
                sc.compromise.map_or(Cell::Empty, n),
                n(sc.model_error),
                n(sc.status_quo_error),
                sc.compromise_error.map_or(Cell::Empty, n),
            ]);
        }
    }
    t
}

pub fn key_events(report: &RunReport) -> DataTable {
    let mut t = DataTable::new(
        "key_events",
        "Key dates",
        &["date", "kind", "event", "actors", "note", "source"],
    );
    for e in &report.key_events {
        t.push(vec![
            Cell::text(&e.date),
            Cell::text(&e.kind),
            Cell::text(&e.description),
            Cell::text(e.actors.join(" ")),
            Cell::opt_text(e.note.as_deref()),
            Cell::text(&e.source),
        ]);
    }
    t
}

pub fn event_counts(report: &RunReport) -> DataTable {
    let mut t = DataTable::new(
        "events_by_kind_year",
        "Events by kind and year",
        &["year", "kind", "events", "key_events"],
    );
    for c in &report.event_counts {
        t.push(vec![
            Cell::text(c.year.to_string()),
            Cell::text(&c.kind),
            Cell::Number(c.count as f64, NumberStyle::Decimals(0)),
            Cell::Number(c.key as f64, NumberStyle::Decimals(0)),
        ]);
    }
    t
}

/// The dependence figures per year, one column per measure (as `orbit dependence` prints).
pub fn dependence_by_year(profile: &DependenceProfile) -> DataTable {
    let p = profile.patron.as_str();
    let a = profile.actor.as_str();
    let headers = [
        "year".to_string(),
        format!("exports to {p}"),
        format!("imports from {p}"),
        format!("turnover {p}"),
        "export HHI lower".to_string(),
        "export HHI upper".to_string(),
        format!("(X+M)/GDP {a}"),
        format!("(X+M)/GDP {p}"),
        "asymmetry".to_string(),
        "energy subsidy/GDP".to_string(),
    ];
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut t = DataTable::new(
        "dependence_by_year",
        format!("Dependence of {a} on {p} by year"),
        &headers,
    );
    let pct = |v: Option<f64>| v.map_or(Cell::Empty, |v| Cell::Number(v, NumberStyle::Percent));
    for y in &profile.years {
        let share = |flow| pct(y.share(flow, p).map(|s| s.share));
        let dyad = y.patron_dyad.as_ref();
        let conc = y.export_concentration.as_ref();
        let subsidy = (!y.energy_subsidy.is_empty())
            .then(|| y.energy_subsidy.iter().map(|s| s.share_of_gdp).sum());
        t.push(vec![
            Cell::text(y.year.to_string()),
            share(TradeFlow::Exports),
            share(TradeFlow::Imports),
            share(TradeFlow::Turnover),
            conc.map_or(Cell::Empty, |c| {
                Cell::Number(c.hhi_lower, NumberStyle::Decimals(3))
            }),
            conc.map_or(Cell::Empty, |c| {
                Cell::Number(c.hhi_upper, NumberStyle::Decimals(3))
            }),
            pct(dyad.map(|d| d.dependence)),
            pct(dyad.map(|d| d.partner_dependence)),
            pct(dyad.map(|d| d.asymmetry)),
            pct(subsidy),
        ]);
    }
    t
}

/// Long format for pandas: one row per (years, measure, partner), with provenance; the
/// CSV of `orbit dependence --format csv`.
pub fn dependence_long(profile: &DependenceProfile) -> DataTable {
    let mut t = DataTable::new(
        "dependence",
        format!(
            "Dependence of {} on {} (long format)",
            profile.actor, profile.patron
        ),
        &[
            "actor",
            "year_first",
            "year_last",
            "measure",
            "partner",
            "value",
            "provenance",
            "sources",
        ],
    );
    let mut push =
        |first: i32, last: i32, measure: &str, partner: &str, value: f64, p: &Provenance| {
            let (kind, sources) = provenance(p);
            let style = if measure.contains("share") || measure.contains("dependence") {
                NumberStyle::Percent
            } else {
                NumberStyle::Decimals(3)
            };
            t.push(vec![
                Cell::text(&profile.actor),
                Cell::text(first.to_string()),
                Cell::text(last.to_string()),
                Cell::text(measure),
                Cell::text(partner),
                Cell::Number(value, style),
                kind,
                sources,
            ]);
        };
    for y in &profile.years {
        for (measure, list) in [
            ("exports_share", &y.export_shares),
            ("imports_share", &y.import_shares),
            ("turnover_share", &y.turnover_shares),
        ] {
            for s in list {
                push(y.year, y.year, measure, &s.partner, s.share, &s.provenance);
            }
        }
        // Concentration of each flow over the known partners, from the shares above.
        for (flow, concentration, shares) in [
            ("exports", &y.export_concentration, &y.export_shares),
            ("imports", &y.import_concentration, &y.import_shares),
        ] {
            let Some(c) = concentration else { continue };
            let mut sources: Vec<String> = shares
                .iter()
                .flat_map(|s| provenance_sources(&s.provenance))
                .map(str::to_string)
                .collect();
            sources.sort();
            sources.dedup();
            let derived = Provenance::Derived {
                formula: format!("Herfindahl-Hirschman index of the known {flow} shares"),
                sources,
            };
            for (measure, value) in [
                ("hhi_lower", c.hhi_lower),
                ("hhi_upper", c.hhi_upper),
                ("share_coverage", c.coverage),
            ] {
                push(
                    y.year,
                    y.year,
                    &format!("{flow}_{measure}"),
                    "",
                    value,
                    &derived,
                );
            }
        }
        if let Some(d) = &y.patron_dyad {
            for (measure, value) in [
                ("trade_dependence", d.dependence),
                ("partner_trade_dependence", d.partner_dependence),
                ("asymmetry", d.asymmetry),
            ] {
                push(y.year, y.year, measure, &d.partner, value, &d.provenance);
            }
        }
        for s in &y.energy_subsidy {
            let measure = format!("energy_subsidy_share_gdp_{}", s.commodity);
            push(
                y.year,
                y.year,
                &measure,
                &s.exporter,
                s.share_of_gdp,
                &s.provenance,
            );
        }
    }
    for e in &profile.subsidy_estimates {
        push(
            e.years.first,
            e.years.last,
            "energy_subsidy_share_gdp_estimate",
            "",
            e.value,
            &Provenance::Sourced {
                source: e.source.clone(),
            },
        );
    }
    t
}

pub fn subsidy_estimates(profile: &DependenceProfile) -> DataTable {
    let mut t = DataTable::new(
        "subsidy_estimates",
        "Sourced estimates of the energy subsidy as a share of GDP",
        &["years", "share", "note", "source"],
    );
    for e in &profile.subsidy_estimates {
        t.push(vec![
            Cell::text(e.years.to_string()),
            Cell::Number(e.value, NumberStyle::Percent),
            Cell::opt_text(e.note.as_deref()),
            Cell::text(&e.source),
        ]);
    }
    t
}

/// One row per observation the data give for each figure the narrative states.
pub fn figure_checks(report: &RunReport) -> DataTable {
    let mut t = DataTable::new(
        "figure_checks",
        "The narrative's figures against the data",
        &[
            "claim",
            "paragraph",
            "verdict",
            "measure",
            "figure",
            "years",
            "value",
            "difference",
            "label",
            "provenance",
            "sources",
        ],
    );
    for c in &report.figure_checks {
        for o in &c.observations {
            let (kind, sources) = provenance(&o.provenance);
            t.push(vec![
                Cell::text(&c.claim),
                Cell::text(c.paragraph.to_string()),
                Cell::text(c.verdict.to_string()),
                Cell::text(&c.measure),
                Cell::Number(c.figure, NumberStyle::Percent),
                Cell::text(o.years.to_string()),
                Cell::Number(o.value, NumberStyle::Percent),
                Cell::Number(c.figure - o.value, NumberStyle::Percent),
                Cell::opt_text(o.label.as_deref()),
                kind,
                sources,
            ]);
        }
    }
    t
}

pub fn claims(report: &RunReport) -> DataTable {
    let mut t = DataTable::new(
        "claims",
        "Claims the data correct",
        &["claim", "paragraph", "text", "correction"],
    );
    for c in &report.claims.corrected {
        t.push(vec![
            Cell::text(&c.id),
            Cell::text(c.paragraph.to_string()),
            Cell::text(&c.text),
            Cell::text(&c.correction),
        ]);
    }
    t
}

pub fn issues(report: &RunReport) -> DataTable {
    let mut t = DataTable::new(
        "issues",
        "Contested issues",
        &[
            "issue",
            "name",
            "as_of",
            "scale_min",
            "scale_max",
            "min_label",
            "max_label",
            "status_quo",
            "actors",
        ],
    );
    for i in &report.issues {
        t.push(vec![
            Cell::text(&i.id),
            Cell::text(&i.name),
            Cell::text(&i.as_of),
            Cell::Number(i.scale[0], NumberStyle::Scale),
            Cell::Number(i.scale[1], NumberStyle::Scale),
            Cell::text(&i.scale_labels[0]),
            Cell::text(&i.scale_labels[1]),
            Cell::Number(i.status_quo, NumberStyle::Scale),
            Cell::Number(i.actors as f64, NumberStyle::Decimals(0)),
        ]);
    }
    t
}

/// Every model's forecast per issue, with its Monte Carlo summary when there is one.
pub fn forecasts(report: &RunReport) -> DataTable {
    let mut t = DataTable::new(
        "forecasts",
        "Forecasts of every model, with Monte Carlo 90% intervals",
        &[
            "issue",
            "model",
            "forecast",
            "mc_mean",
            "mc_sd",
            "mc_p5",
            "mc_p50",
            "mc_p95",
            "mc_draws",
            "mc_failed",
        ],
    );
    let num = |v: f64| Cell::Number(v, NumberStyle::Scale);
    for f in &report.forecasts {
        for (model, value) in f.forecasts() {
            let d = f
                .monte_carlo
                .as_ref()
                .and_then(|mc| mc.models.iter().find(|d| d.model == model))
                .filter(|d| d.draws > 0);
            let mut row = vec![Cell::text(&f.issue), Cell::text(model.as_str()), num(value)];
            match d {
                Some(d) => row.extend([
                    num(d.mean),
                    Cell::Number(d.sd, NumberStyle::Decimals(1)),
                    num(d.p5),
                    num(d.p50),
                    num(d.p95),
                    Cell::Number(d.draws as f64, NumberStyle::Decimals(0)),
                    Cell::Number(d.failed as f64, NumberStyle::Decimals(0)),
                ]),
                None => row.extend(std::iter::repeat_n(Cell::Empty, 7)),
            }
            t.push(row);
        }
    }
    t
}

/// The EUM's positions per round, long format.
pub fn eum_rounds(report: &RunReport) -> DataTable {
    let mut t = DataTable::new(
        "eum_rounds",
        "Expected utility model: positions by round",
        &["issue", "round", "actor", "position"],
    );
    for f in &report.forecasts {
        let Some(eum) = &f.eum else { continue };
        for r in &eum.rounds {
            for (actor, position) in eum.actors.iter().zip(&r.positions) {
                t.push(vec![
                    Cell::text(&f.issue),
                    Cell::text(r.round.to_string()),
                    Cell::text(actor),
                    Cell::Number(*position, NumberStyle::Scale),
                ]);
            }
        }
    }
    t
}

/// The Monte Carlo histograms, one row per (issue, model, bin).
pub fn monte_carlo(report: &RunReport) -> DataTable {
    let mut t = DataTable::new(
        "monte_carlo",
        "Monte Carlo distributions of the forecasts (histograms)",
        &["issue", "model", "bin", "lower", "upper", "count", "share"],
    );
    for f in &report.forecasts {
        let Some(mc) = &f.monte_carlo else { continue };
        for d in &mc.models {
            let h = &d.histogram;
            for (b, &count) in h.counts.iter().enumerate() {
                let edge = |i: usize| {
                    h.edges
                        .get(i)
                        .map_or(Cell::Empty, |&e| Cell::Number(e, NumberStyle::Scale))
                };
                // With no successful draw there is no distribution: the share is missing, not 0.
                let share = if d.draws == 0 {
                    Cell::Empty
                } else {
                    Cell::Number(count as f64 / d.draws as f64, NumberStyle::Percent)
                };
                t.push(vec![
                    Cell::text(&f.issue),
                    Cell::text(d.model.as_str()),
                    Cell::text(b.to_string()),
                    edge(b),
                    edge(b + 1),
                    Cell::Number(count as f64, NumberStyle::Decimals(0)),
                    share,
                ]);
            }
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_only_when_needed() {
        let mut t = DataTable::new("t", "t", &["a", "b"]);
        t.push(vec![
            Cell::text("x, y"),
            Cell::Number(0.5, NumberStyle::Percent),
        ]);
        assert_eq!(t.to_csv(), "a,b\n\"x, y\",0.5\n");
        assert_eq!(t.rows[0][1].display(), "50.0%");
    }
}
