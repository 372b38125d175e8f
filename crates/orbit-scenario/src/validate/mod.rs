//! Raw structs → [`World`]: resolves references and checks every rule in `docs/scenario.md`.
//!
//! The checker keeps going after a problem so the user sees all of them at once. A value
//! that fails its check is left out of the world (which is then discarded), never
//! replaced by a guess.

use std::collections::HashMap;
use std::ops::Range;

use toml::Spanned;

use crate::diagnostic::Diagnostic;
use crate::parse::{RawScenario, SetAside};
use crate::raw::*;
use crate::world::*;

mod actors;
mod economy;
mod events;
mod infrastructure;
mod issues;
mod links;
mod references;
mod scalars;
mod spatial;

/// Years a scenario may talk about; outside this, a typo is likelier than history.
const YEAR_BOUNDS: (i64, i64) = (1000, 9999);

/// Checks `raw` and builds the world, or returns every problem found.
pub fn validate(raw: RawScenario) -> Result<World, Vec<Diagnostic>> {
    let mut c = Checker::default();
    let world = c.world(raw);
    match world {
        Some(world) if c.problems.is_empty() => Ok(world),
        _ => Err(c.problems),
    }
}

#[derive(Default)]
struct Checker {
    problems: Vec<Diagnostic>,
    actor_index: HashMap<String, ActorId>,
    /// Actors whose entries were malformed (already reported): no second report per reference.
    malformed_actors: Vec<String>,
    years: Option<YearSpan>,
    /// `[scenario] dated_codings = true`: every issue coding must carry its dates.
    dated_codings: bool,
    /// Nested entries that did not parse (already reported): no count or reference check
    /// reports them again as missing.
    set_aside: Vec<SetAside>,
}

impl Checker {
    fn error(&mut self, message: impl Into<String>, span: Range<usize>, context: &str) {
        self.problems
            .push(Diagnostic::new(message, Some(span)).with_context(context));
    }

    fn error_hint(
        &mut self,
        message: impl Into<String>,
        span: Range<usize>,
        context: &str,
        hint: impl Into<String>,
    ) {
        self.problems.push(
            Diagnostic::new(message, Some(span))
                .with_context(context)
                .with_hint(hint),
        );
    }

    fn world(&mut self, raw: RawScenario) -> Option<World> {
        let Some(meta) = raw.meta else {
            self.problems.push(
                Diagnostic::new("missing the `[scenario]` table", None)
                    .with_hint("start the file with `[scenario]` giving id, name, start_year, end_year, focus and patron"),
            );
            return None;
        };
        if raw.actors.is_empty() {
            self.problems.push(
                Diagnostic::new("the scenario has no `[[actors]]`", None).with_hint(
                    "every reference in a scenario names an actor; declare them with `[[actors]]`",
                ),
            );
        }
        self.malformed_actors = raw.malformed_actor_ids.clone();
        self.set_aside = raw.set_aside.clone();
        let years = self.year_span(&meta);
        self.years = years;
        self.dated_codings = meta
            .get_ref()
            .dated_codings
            .as_ref()
            .is_some_and(|d| *d.get_ref());
        self.index_actors(&raw.actors);
        let actors = self.collect(raw.actors, Self::actor);
        let meta = self.meta(meta.into_inner(), years);
        let indicators = self.collect(raw.indicators, Self::indicator);
        let trade = self.collect(raw.trade, Self::trade);
        self.unique_ids(
            "energy",
            raw.energy.iter().filter_map(|e| e.get_ref().id.as_ref()),
        );
        let energy = self.collect(raw.energy, Self::energy);
        self.benchmark_consistency(&raw.benchmarks);
        let mut benchmarks = self.collect(raw.benchmarks, Self::benchmark);
        benchmarks.sort_by(|a, b| (&a.series, a.year).cmp(&(&b.series, b.year)));
        self.unique_ids("pipeline", raw.pipelines.iter().map(|p| &p.get_ref().id));
        let pipelines = self.collect(raw.pipelines, Self::pipeline);
        self.unique_ids("alliance", raw.alliances.iter().map(|a| &a.get_ref().id));
        let alliances = self.collect(raw.alliances, Self::alliance);
        self.unique_ids("issue", raw.issues.iter().map(|i| &i.get_ref().id));
        let declared_issues: Vec<String> = raw
            .issues
            .iter()
            .map(|i| i.get_ref().id.get_ref().clone())
            .collect();
        let issues = self.collect(raw.issues, Self::issue);

        self.unique_ids("event", raw.events.iter().map(|e| &e.get_ref().id));
        let mut events = self.collect(raw.events, Self::event);
        events.sort_by_key(|e| e.date);
        let event_index: HashMap<String, usize> = events
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i))
            .collect();

        self.unique_ids("sanction", raw.sanctions.iter().map(|s| &s.get_ref().id));
        let sanctions = raw
            .sanctions
            .into_iter()
            .filter_map(|s| self.sanction(s.into_inner(), &event_index))
            .collect();
        self.unique_ids("claim", raw.claims.iter().map(|c| &c.get_ref().id));
        let claims = raw
            .claims
            .into_iter()
            .filter_map(|c| self.claim(c.into_inner(), &event_index))
            .collect();
        self.unique_ids("link", raw.links.iter().map(|l| &l.get_ref().id));
        let links = raw
            .links
            .into_iter()
            .filter_map(|l| self.link(l.into_inner(), &issues, &declared_issues))
            .collect();
        self.unique_ids(
            "spatial issue",
            raw.spatial_issues.iter().map(|i| &i.get_ref().id),
        );
        let spatial_issues = self.collect(raw.spatial_issues, Self::spatial_issue);
        Some(World {
            meta: meta?,
            actors,
            indicators,
            trade,
            energy,
            benchmarks,
            pipelines,
            alliances,
            sanctions,
            issues,
            events,
            claims,
            links,
            spatial_issues,
        })
    }

    /// How many `key` entries of the `section` entry `entry_id` were set aside as malformed.
    fn set_aside_count(&self, section: &str, entry_id: &str, key: &str) -> usize {
        self.set_aside
            .iter()
            .filter(|s| {
                s.section == section && s.entry_id.as_deref() == Some(entry_id) && s.key == key
            })
            .count()
    }

    /// Whether a malformed (already reported) `[[issues.positions]]` entry of `issue` names
    /// `actor`: a reference to that position is then not reported again.
    fn position_set_aside(&self, issue: &str, actor: &str) -> bool {
        self.set_aside.iter().any(|s| {
            s.section == "issues"
                && s.entry_id.as_deref() == Some(issue)
                && s.key == "positions"
                && s.actor.as_deref().is_none_or(|a| a == actor)
        })
    }

    /// The clause that says how many nested entries were set aside, or nothing.
    fn set_aside_clause(count: usize, noun: &str, nouns: &str) -> String {
        match count {
            0 => String::new(),
            n => format!(
                " ({} more could not be read, see {})",
                crate::diagnostic::counted(n, noun, nouns),
                if n == 1 { "its error" } else { "their errors" }
            ),
        }
    }

    fn collect<R, T>(
        &mut self,
        raws: Vec<Spanned<R>>,
        check: impl Fn(&mut Self, R) -> Option<T>,
    ) -> Vec<T> {
        raws.into_iter()
            .filter_map(|r| check(self, r.into_inner()))
            .collect()
    }
}
