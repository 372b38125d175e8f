//! The thesis backtest's table as `orbit run` prints it: per target and horizon the number
//! of scored cutoffs, the mean absolute errors of the model and its baselines, the skill
//! against persistence, the fan's coverage, the Brier scores of the issue outcomes and the
//! count of cutoffs where the model was better, tied or worse.

use orbit_pipeline::thesis::{ISSUE_TARGET, ThesisSection, scores_table, verdict};

use crate::output::Table;

/// The table and its heading, with the generated verdict first.
pub fn render(section: &ThesisSection) -> String {
    let mut out = format!(
        "\nThesis backtest: {} (the bargain calibrated at each cutoff {}-{}, reference {}; skill = 1 - MAE/MAE persistence; details: `orbit calibrate --backtest`, docs/backtest.md)\n\n",
        verdict(section),
        section.plan.cutoffs.first().copied().unwrap_or_default(),
        section.plan.cutoffs.last().copied().unwrap_or_default(),
        section.reference,
    );
    let export = scores_table(section);
    let column = |name: &str| export.columns.iter().position(|c| c == name);
    let mut table = Table::new(&[
        "target",
        "h",
        "n",
        "MAE model",
        "MAE persistence",
        "MAE drift",
        "MAE compromise",
        "skill",
        "in 80% fan",
        "Brier m/p/c",
        "better/ties/worse",
    ])
    .numeric(&[1, 2, 3, 4, 5, 6, 7, 8]);
    for row in &export.rows {
        let target = row[0].raw();
        let digits = if target.ends_with("_share") { 3 } else { 1 };
        let cell = |name: &str, digits: usize| {
            column(name).map_or_else(
                || "-".to_string(),
                |i| row[i].text(|x| format!("{x:.digits$}"), "-"),
            )
        };
        let brier = if target == ISSUE_TARGET {
            format!(
                "{} / {} / {}",
                cell("brier_model", 2),
                cell("brier_persistence", 2),
                cell("brier_compromise", 2)
            )
        } else {
            "-".to_string()
        };
        table.push(vec![
            target,
            cell("horizon", 0),
            cell("n", 0),
            cell("mae_model", digits),
            cell("mae_persistence", digits),
            cell("mae_drift", digits),
            cell("mae_compromise", digits),
            cell("skill_model", 2),
            cell("coverage_80", 2),
            brier,
            format!(
                "{}/{}/{}",
                cell("better", 0),
                cell("ties", 0),
                cell("worse", 0)
            ),
        ]);
    }
    out.push_str(&table.render(30));
    out
}
