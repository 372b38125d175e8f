//! The scenario as it was known at the end of a year: what a backtest's models may see.
//!
//! Built here, beside the validation, because only this crate may change a [`World`]: a cut
//! only removes what was not yet known (records dated later, ends and openings dated later,
//! issue codings as of a later date, with their links and outcomes), so every documented
//! invariant of a `World` (shares in [0, 1], positions on their scale, events sorted, indices
//! valid) still holds for the cut world.

use crate::diagnostic::counted;
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
    /// skipped (with their links), benchmark years and spatial issues dated after it dropped.
    /// Returns the world and notes on what was dropped.
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
        let mut keep = Vec::with_capacity(w.issues.len());
        for issue in &w.issues {
            let known = known_by(issue.as_of, cutoff);
            let kept = known && known_codings.contains(&issue.id);
            if known && !kept {
                notes.push(format!(
                    "issue `{}` (as of {}) is skipped: a later coding of `{}` was known at the cutoff",
                    issue.id,
                    issue.as_of,
                    question_of(issue)
                ));
            } else if kept {
                let codings = world
                    .issues
                    .iter()
                    .filter(|i| question_of(i) == question_of(issue))
                    .count();
                if codings > 1 {
                    notes.push(format!(
                        "issue `{}` is scored with the coding `{}` as of {}, the latest known at the cutoff",
                        question_of(issue),
                        issue.id,
                        issue.as_of
                    ));
                }
            } else {
                notes.push(format!(
                    "issue `{}` is skipped: its positions are as of {}, after the cutoff",
                    issue.id, issue.as_of
                ));
            }
            keep.push(kept);
        }
        notes.extend(retain_issues(&mut w, &keep));
        for issue in &mut w.issues {
            issue.outcomes.retain(|o| known_by(o.date, cutoff));
        }
        // The reference prices (`[[benchmarks]]`) are yearly: a later year was not yet published.
        let benchmarks = w.benchmarks.len();
        w.benchmarks.retain(|b| b.year <= cutoff);
        if w.benchmarks.len() < benchmarks {
            let dropped = benchmarks - w.benchmarks.len();
            notes.push(format!(
                "{} dated after {cutoff} {} dropped",
                counted(dropped, "benchmark value", "benchmark values"),
                if dropped == 1 { "is" } else { "are" }
            ));
        }
        // A spatial issue is one coding: coded as of a later date, or resting on an actor's
        // coding dated later, it was not known. Dropping only that actor could leave fewer
        // actors than the SMP needs, so the issue goes whole.
        w.spatial_issues.retain(|issue| {
            if !known_by(issue.as_of, cutoff) {
                notes.push(format!(
                    "spatial issue `{}` is skipped: it is coded as of {}, after the cutoff",
                    issue.id, issue.as_of
                ));
                return false;
            }
            if let Some(late) = issue
                .positions
                .iter()
                .find(|p| p.source_date.is_some_and(|d| !known_by(d, cutoff)))
            {
                notes.push(format!(
                    "spatial issue `{}` is skipped: the coding of actor {} rests on a source dated {}, after the cutoff",
                    issue.id,
                    w.actors.get(late.actor.0).map_or("?", |a| a.code.as_str()),
                    late.source_date.map(|d| d.to_string()).unwrap_or_default()
                ));
                return false;
            }
            true
        });
        (w, notes)
    }
}

impl World {
    /// The scenario a forecast or simulation of the present uses: of each question (an issue
    /// and its dated snapshots, `snapshot_of`), only the latest coding
    /// ([`World::issue_snapshot_at`] with no date bound), with its links. This is the one rule
    /// every entry point shares (`orbit run`, `simulate`, `sweep`, `forecast` without
    /// `--issue`, `serve`, Python's `World.simulate`, `factors` and `Sweep`); the backtest's
    /// counterpart is [`World::as_of`], which keeps the coding known at a cutoff. Returns the
    /// world and a note naming every superseded coding and the one used instead.
    pub fn latest_codings(&self) -> (World, Vec<String>) {
        let mut w = self.clone();
        let mut notes = Vec::new();
        let keep: Vec<bool> = self
            .issues
            .iter()
            .map(|issue| {
                let latest = self
                    .issues
                    .iter()
                    .filter(|i| question_of(i) == question_of(issue))
                    .max_by_key(|i| i.as_of);
                let keep = latest.is_none_or(|l| l.id == issue.id);
                if let Some(latest) = latest.filter(|_| !keep) {
                    notes.push(format!(
                        "issue `{}` (as of {}) is not forecast or simulated: it is superseded by the later coding `{}` (as of {}) of the same question; the backtest uses `{}` at cutoffs where it was the latest known",
                        issue.id, issue.as_of, latest.id, latest.as_of, issue.id
                    ));
                }
                keep
            })
            .collect();
        notes.extend(retain_issues(&mut w, &keep));
        (w, notes)
    }
}

/// Keeps the issues whose `keep` flag is set, remapping the links' issue indices; returns a
/// note for every link dropped with its issue.
fn retain_issues(w: &mut World, keep: &[bool]) -> Vec<String> {
    let mut notes = Vec::new();
    let mut remap: Vec<Option<usize>> = Vec::with_capacity(keep.len());
    let mut kept = 0;
    for &k in keep {
        remap.push(k.then_some(kept));
        kept += usize::from(k);
    }
    let mut flags = keep.iter();
    w.issues.retain(|_| *flags.next().unwrap_or(&false));
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
    notes
}
