//! The scenario as it was known at the end of a year: what a backtest's models may see.
//!
//! Built here, beside the validation, because only this crate may change a [`World`]: a cut
//! only removes what was not yet known (records dated later, ends and openings dated later,
//! issue codings as of a later date, with their links and outcomes), so every documented
//! invariant of a `World` (shares in [0, 1], positions on their scale, events sorted, indices
//! valid) still holds for the cut world.

use crate::{PartialDate, Variable, World};

fn known_by(date: PartialDate, cutoff: i32) -> bool {
    date.year <= cutoff
}

/// The question an issue codes: the issue it is a dated snapshot of, or itself.
fn question_of(issue: &crate::Issue) -> &str {
    issue.snapshot_of.as_deref().unwrap_or(&issue.id)
}

impl World {
    /// The scenario as it was known at the end of `cutoff`: every record dated after it dropped,
    /// every end or opening dated after it unknown, issues whose positions are dated after it
    /// skipped (with their links). Returns the world and notes on what was dropped.
    pub fn as_of(&self, cutoff: i32) -> (World, Vec<String>) {
        let world = self;
        let mut notes = Vec::new();
        let mut w = world.clone();
        w.meta.years.last = w.meta.years.last.min(cutoff).max(w.meta.years.first);
        for actor in &mut w.actors {
            actor
                .attributes
                .retain(|a| a.year.is_none_or(|y| y <= cutoff));
        }
        w.indicators.retain(|i| i.years.last <= cutoff);
        w.trade.retain(|t| t.year <= cutoff);
        w.energy.retain(|e| e.year <= cutoff);
        // A pipeline's status is as of today; at the cutoff it follows from the dates known then.
        for p in &mut w.pipelines {
            if p.opened.is_some_and(|o| o > cutoff) {
                p.opened = None;
            }
            if p.closed.is_some_and(|c| c > cutoff) || p.opened.is_none() {
                p.closed = None;
            }
            p.status = match (p.opened, p.closed) {
                (None, _) => crate::PipelineStatus::Proposed,
                (Some(_), None) => crate::PipelineStatus::Operating,
                (Some(_), Some(_)) => crate::PipelineStatus::Stopped,
            };
        }
        w.alliances.retain(|a| known_by(a.signed, cutoff));
        for a in &mut w.alliances {
            if a.in_force.is_some_and(|d| !known_by(d, cutoff)) {
                a.in_force = None;
            }
            if a.ended.is_some_and(|d| !known_by(d, cutoff)) {
                a.ended = None;
            }
        }
        // Events are sorted by date, so the kept ones are a prefix and indices stay valid.
        w.events.retain(|e| known_by(e.date, cutoff));
        for e in &mut w.events {
            if e.end_date.is_some_and(|d| !known_by(d, cutoff)) {
                e.end_date = None;
            }
        }
        let kept_events = w.events.len();
        w.sanctions.retain(|s| known_by(s.start, cutoff));
        for s in &mut w.sanctions {
            if s.end.is_some_and(|d| !known_by(d, cutoff)) {
                s.end = None;
            }
            if s.event.is_some_and(|e| e >= kept_events) {
                s.event = None;
            }
        }
        if !w.claims.is_empty() {
            notes.push(
                "the narrative's claims are dropped: they carry no date, so no cutoff can be said to have known them"
                    .into(),
            );
            w.claims.clear();
        }
        // Issues: keep, of each question, the coding known at the cutoff (the latest snapshot
        // whose as_of is not after it, `World::issue_snapshot_at`), never a later one and never
        // two codings of one question; remap the links' issue indices.
        let at_cutoff = PartialDate {
            year: cutoff,
            month: None,
            day: None,
        };
        let known_codings: Vec<String> = w
            .issues
            .iter()
            .filter_map(|i| w.issue_snapshot_at(question_of(i), at_cutoff))
            .map(|i| i.id.clone())
            .collect();
        let mut remap: Vec<Option<usize>> = Vec::new();
        let mut issues = Vec::new();
        for issue in w.issues.drain(..) {
            if known_by(issue.as_of, cutoff) && !known_codings.contains(&issue.id) {
                notes.push(format!(
                    "issue `{}` (as of {}) is skipped: a later coding of `{}` was known at the cutoff",
                    issue.id,
                    issue.as_of,
                    question_of(&issue)
                ));
                remap.push(None);
            } else if known_by(issue.as_of, cutoff) {
                let codings = world
                    .issues
                    .iter()
                    .filter(|i| question_of(i) == question_of(&issue))
                    .count();
                if codings > 1 {
                    notes.push(format!(
                        "issue `{}` is scored with the coding `{}` as of {}, the latest known at the cutoff",
                        question_of(&issue),
                        issue.id,
                        issue.as_of
                    ));
                }
                remap.push(Some(issues.len()));
                let mut issue = issue;
                issue.outcomes.retain(|o| known_by(o.date, cutoff));
                issues.push(issue);
            } else {
                notes.push(format!(
                    "issue `{}` is skipped: its positions are as of {}, after the cutoff",
                    issue.id, issue.as_of
                ));
                remap.push(None);
            }
        }
        w.issues = issues;
        let map = |v: Variable| -> Option<Variable> {
            match v {
                Variable::Position { issue, actor } => {
                    remap[issue].map(|issue| Variable::Position { issue, actor })
                }
                Variable::Salience { issue, actor } => {
                    remap[issue].map(|issue| Variable::Salience { issue, actor })
                }
                other => Some(other),
            }
        };
        let mut links = Vec::new();
        for mut link in w.links.drain(..) {
            match (map(link.from), map(link.to)) {
                (Some(from), Some(to)) => {
                    link.from = from;
                    link.to = to;
                    links.push(link);
                }
                _ => notes.push(format!("link `{}` is skipped with its issue", link.id)),
            }
        }
        w.links = links;
        (w, notes)
    }
}
