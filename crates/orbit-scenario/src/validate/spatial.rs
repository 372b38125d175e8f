//! Checks of `[[spatial_issues]]` (see [`crate::spatial`]): every rule KTAB's SMP reader
//! applies (`smp/smpread.cpp`: 3 to 250 actors, positive capability up to 1e8, saliences in
//! [0, 1] summing to at most 1 per actor) plus the scenario's own (sources, no hindsight, every
//! dimension given for every actor, no unknown dimension).

use std::collections::{BTreeMap, HashMap};

use crate::ktab::{MAX_ACTORS, MAX_CAPABILITY, MIN_ACTORS};
use crate::raw::SNum;
use crate::spatial::*;
use crate::world::{ActorId, PartialDate};

use super::Checker;

/// Rounding slack on an actor's salience total, so `0.3 + 0.7` is not refused.
const SALIENCE_SUM_SLACK: f64 = 1e-9;

impl Checker {
    pub(super) fn spatial_issue(&mut self, i: RawSpatialIssue) -> Option<SpatialIssue> {
        let ctx = format!("spatial issue `{}`", i.id.get_ref());
        let id = self.text(&i.id, "id", &ctx);
        let name = self.text(&i.name, "name", &ctx);
        let description = self.text(&i.description, "description", &ctx);
        let as_of = self.date(&i.as_of, "as_of", &ctx);
        let dimensions_set_aside =
            self.set_aside_count("spatial_issues", i.id.get_ref(), "dimensions");
        if i.dimensions.is_empty() && dimensions_set_aside == 0 {
            self.error_hint(
                "the issue has no dimensions",
                i.id.span(),
                &ctx,
                "add `[[spatial_issues.dimensions]]` entries, each with id, name, unit, scale and status quo",
            );
        }
        self.unique_ids("dimension", i.dimensions.iter().map(|d| &d.get_ref().id));
        let dimensions: Vec<Option<Dimension>> = i
            .dimensions
            .into_iter()
            .map(|d| self.dimension(d.into_inner(), &ctx))
            .collect();
        let dimension_ids: Vec<String> =
            dimensions.iter().flatten().map(|d| d.id.clone()).collect();
        let all_dimensions_ok = dimensions.iter().all(Option::is_some);
        let count = i.positions.len();
        let set_aside = self.set_aside_count("spatial_issues", i.id.get_ref(), "positions");
        // Entries set aside as malformed were reported already: too few only counts them in.
        if count + set_aside < MIN_ACTORS || count > MAX_ACTORS {
            self.error_hint(
                format!(
                    "the issue has {}{}; KTAB's SMP needs {MIN_ACTORS} to {MAX_ACTORS} actors",
                    crate::diagnostic::counted(count, "position", "positions"),
                    Self::set_aside_clause(set_aside, "position", "positions"),
                ),
                i.id.span(),
                &ctx,
                "add `[[spatial_issues.positions]]` entries",
            );
        }
        let mut seen: HashMap<ActorId, ()> = HashMap::new();
        let positions: Vec<Option<SpatialPosition>> = i
            .positions
            .into_iter()
            .map(|p| {
                let p = p.into_inner();
                let pos = self.spatial_position(
                    &p,
                    &dimensions,
                    &dimension_ids,
                    all_dimensions_ok,
                    as_of,
                    &ctx,
                )?;
                self.first_position_of(&mut seen, pos.actor, &p.actor, &ctx)
                    .then_some(pos)
            })
            .collect();
        let note = self.opt_text(&i.note, "note", &ctx);
        let source = self.source(&i.source, &ctx);
        Some(SpatialIssue {
            id: id?,
            name: name?,
            description: description?,
            as_of: as_of?,
            dimensions: dimensions.into_iter().collect::<Option<_>>()?,
            positions: positions.into_iter().collect::<Option<_>>()?,
            note: note?,
            source: source?,
        })
    }

    fn dimension(&mut self, d: RawDimension, issue_ctx: &str) -> Option<Dimension> {
        let ctx = format!("{issue_ctx}, dimension `{}`", d.id.get_ref());
        let id = self.text(&d.id, "id", &ctx);
        let name = self.text(&d.name, "name", &ctx);
        let unit = self.text(&d.unit, "unit", &ctx);
        let scale = self.scale(&d.scale_min, &d.scale_max, &ctx);
        let min_label = self.text(&d.min_label, "min_label", &ctx);
        let max_label = self.text(&d.max_label, "max_label", &ctx);
        let status_quo = self.on_dimension(&d.status_quo, "status_quo", scale, &ctx);
        let source = self.source(&d.source, &ctx);
        let (scale_min, scale_max) = scale?;
        Some(Dimension {
            id: id?,
            name: name?,
            unit: unit?,
            scale_min,
            scale_max,
            min_label: min_label?,
            max_label: max_label?,
            status_quo: status_quo?,
            source: source?,
        })
    }

    fn on_dimension(
        &mut self,
        value: &SNum,
        field: &str,
        scale: Option<(f64, f64)>,
        ctx: &str,
    ) -> Option<f64> {
        self.within_scale(value, field, scale, "dimension", ctx)
    }

    /// `values` keyed by dimension id, in dimension order: every dimension present, no other key.
    fn per_dimension<'v>(
        &mut self,
        values: &'v toml::Spanned<BTreeMap<String, SNum>>,
        field: &str,
        dimension_ids: &[String],
        ctx: &str,
    ) -> Option<Vec<&'v SNum>> {
        let mut ok = true;
        for key in values.get_ref().keys() {
            if !dimension_ids.contains(key) {
                let span = values.get_ref()[key].span();
                self.error_hint(
                    format!("`{field}` names unknown dimension `{key}`"),
                    span,
                    ctx,
                    format!(
                        "the issue's dimensions are {}",
                        dimension_ids
                            .iter()
                            .map(|d| format!("`{d}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
                ok = false;
            }
        }
        let mut out = Vec::with_capacity(dimension_ids.len());
        for d in dimension_ids {
            match values.get_ref().get(d) {
                Some(v) => out.push(v),
                None => {
                    self.error_hint(
                        format!("`{field}` lacks dimension `{d}`"),
                        values.span(),
                        ctx,
                        "give a value for every dimension: a missing stance is not zero",
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    fn spatial_position(
        &mut self,
        p: &RawSpatialPosition,
        dimensions: &[Option<Dimension>],
        dimension_ids: &[String],
        all_dimensions_ok: bool,
        as_of: Option<PartialDate>,
        issue_ctx: &str,
    ) -> Option<SpatialPosition> {
        let ctx = format!("{issue_ctx}, position of `{}`", p.actor.get_ref());
        let actor = self.actor_ref(&p.actor, "actor", &ctx);
        let capability = self
            .finite(&p.capability, "capability", &ctx)
            .and_then(|c| {
                if c <= 0.0 || c > MAX_CAPABILITY {
                    self.error_hint(
                    format!("`capability` is {c}; KTAB's SMP needs it in (0, 1e8]"),
                    p.capability.span(),
                    &ctx,
                    "a capability is a positive weight (KTAB's votes throw on a non-positive one)",
                );
                    None
                } else {
                    Some(c)
                }
            });
        let source = self.opt_text(&p.source, "source", &ctx);
        let rationale = self.opt_text(&p.rationale, "rationale", &ctx);
        let source_date = self.opt_date(&p.source_date, "source_date", &ctx);
        if let (Some(Some(d)), Some(as_of), Some(raw)) = (source_date, as_of, &p.source_date)
            && d.first_day() > as_of.last_day()
        {
            self.error_hint(
                format!("the position's source is dated {d}, after the issue's as_of {as_of} (hindsight)"),
                raw.span(),
                &ctx,
                "code the position from facts known by as_of, or move the issue's as_of",
            );
        }
        if p.source.is_none() && p.rationale.is_none() {
            self.error_hint(
                "the position has neither `source` nor `rationale`",
                p.actor.span(),
                &ctx,
                "cite where the numbers come from, or explain the judgement behind them",
            );
        }
        let raw_positions = self.per_dimension(&p.position, "position", dimension_ids, &ctx);
        let raw_saliences = self.per_dimension(&p.salience, "salience", dimension_ids, &ctx);
        let mut position = None;
        if let Some(values) = raw_positions
            && all_dimensions_ok
        {
            let checked: Vec<Option<f64>> = values
                .iter()
                .zip(dimensions.iter().flatten())
                .map(|(v, d)| {
                    self.on_dimension(
                        v,
                        &format!("position.{}", d.id),
                        Some((d.scale_min, d.scale_max)),
                        &ctx,
                    )
                })
                .collect();
            position = checked.into_iter().collect::<Option<Vec<f64>>>();
        }
        let mut salience = None;
        if let Some(values) = raw_saliences {
            let checked: Vec<Option<f64>> = values
                .iter()
                .zip(dimension_ids)
                .map(|(v, d)| self.unit_interval(v, &format!("salience.{d}"), &ctx))
                .collect();
            if let Some(s) = checked.into_iter().collect::<Option<Vec<f64>>>() {
                let total: f64 = s.iter().sum();
                if total > 1.0 + SALIENCE_SUM_SLACK {
                    self.error_hint(
                        format!(
                            "the saliences sum to {}, more than 1",
                            crate::diagnostic::readable_number(total)
                        ),
                        p.salience.span(),
                        &ctx,
                        "an actor's saliences are shares of its attention: scale them down so they sum to at most 1",
                    );
                } else {
                    salience = Some(s);
                }
            }
        }
        if p.source.is_none() && p.rationale.is_none() {
            return None;
        }
        Some(SpatialPosition {
            actor: actor?,
            capability: capability?,
            position: position?,
            salience: salience?,
            source: source?,
            rationale: rationale?,
            source_date: source_date?,
        })
    }
}
