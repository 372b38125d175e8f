//! The `[[issues]]` section and its positions.

use super::*;

impl Checker {
    pub(super) fn issue(&mut self, i: RawIssue) -> Option<Issue> {
        let ctx = format!("issue `{}`", i.id.get_ref());
        let id = self.text(&i.id, "id", &ctx);
        let name = self.text(&i.name, "name", &ctx);
        let description = self.text(&i.description, "description", &ctx);
        let scale = self.scale(&i.scale_min, &i.scale_max, &ctx);
        let min_label = self.text(&i.min_label, "min_label", &ctx);
        let max_label = self.text(&i.max_label, "max_label", &ctx);
        let status_quo = self.on_scale(&i.status_quo, "status_quo", scale, &ctx);
        let as_of = self.date(&i.as_of, "as_of", &ctx);
        let status_quo_source_date = self.coding_date(
            &i.status_quo_source_date,
            "status_quo_source_date",
            "status quo",
            as_of,
            i.status_quo.span(),
            &ctx,
        );
        let snapshot_of = self.opt_text(&i.snapshot_of, "snapshot_of", &ctx);
        let indicator = match &i.indicator {
            None => Some(None),
            Some(text) => match self.variable(text, "indicator", &ctx, &[], &[]) {
                Some(v @ Variable::Price { .. }) => Some(Some(v)),
                Some(_) => {
                    self.error_hint(
                        format!(
                            "`indicator` `{}` is not a price: only `price.<gas|oil>.<importer>` can be an issue's indicator",
                            text.get_ref()
                        ),
                        text.span(),
                        &ctx,
                        "name the price the issue bargains over, or drop `indicator`",
                    );
                    None
                }
                None => None,
            },
        };
        let mut seen: HashMap<ActorId, ()> = HashMap::new();
        let positions: Vec<Option<Position>> = i
            .positions
            .into_iter()
            .map(|p| {
                let p = p.into_inner();
                let pos = self.position(&p, scale, as_of, &ctx)?;
                self.first_position_of(&mut seen, pos.actor, &p.actor, &ctx)
                    .then_some(pos)
            })
            .collect();
        let set_aside = self.set_aside_count("issues", i.id.get_ref(), "positions");
        // A position entry set aside as malformed was reported already: the count is only
        // wrong when the entries written, readable or not, are too few.
        if positions.len() + set_aside < 2 {
            self.error_hint(
                format!(
                    "the issue has {}{}; bargaining needs at least two actors",
                    crate::diagnostic::counted(positions.len(), "position", "positions"),
                    Self::set_aside_clause(set_aside, "position", "positions"),
                ),
                i.id.span(),
                &ctx,
                "add `[[issues.positions]]` entries",
            );
        }
        let outcomes: Vec<Option<Outcome>> = i
            .outcomes
            .into_iter()
            .map(|o| {
                let o = o.into_inner();
                let octx = format!("{ctx}, outcome of {}", o.date.get_ref());
                let date = self.date(&o.date, "date", &octx);
                if let (Some(d), Some(as_of)) = (date, as_of)
                    && d.last_day() < as_of.first_day()
                {
                    self.error_hint(
                        format!("the outcome is dated {d}, before the issue's as_of {as_of}: it is history, not something to forecast"),
                        o.date.span(),
                        &octx,
                        "drop it (the status quo should already contain it) or move as_of before it",
                    );
                }
                let value = self.on_scale(&o.value, "value", scale, &octx);
                let description = self.text(&o.description, "description", &octx);
                let source = self.source(&o.source, &octx);
                Some(Outcome {
                    date: date?,
                    value: value?,
                    description: description?,
                    source: source?,
                })
            })
            .collect();
        let note = self.opt_text(&i.note, "note", &ctx);
        let source = self.source(&i.source, &ctx);
        let (scale_min, scale_max) = scale?;
        Some(Issue {
            id: id?,
            name: name?,
            description: description?,
            scale_min,
            scale_max,
            min_label: min_label?,
            max_label: max_label?,
            status_quo: status_quo?,
            as_of: as_of?,
            status_quo_source_date: status_quo_source_date?,
            snapshot_of: snapshot_of?,
            indicator: indicator?,
            positions: positions.into_iter().collect::<Option<_>>()?,
            outcomes: outcomes.into_iter().collect::<Option<_>>()?,
            note: note?,
            source: source?,
        })
    }

    /// `[scale_min, scale_max]` of an issue or a dimension: both finite, and not empty.
    pub(super) fn scale(&mut self, min: &SNum, max: &SNum, ctx: &str) -> Option<(f64, f64)> {
        let lo = self.finite(min, "scale_min", ctx);
        let hi = self.finite(max, "scale_max", ctx);
        match (lo, hi) {
            (Some(lo), Some(hi)) if lo < hi => Some((lo, hi)),
            (Some(lo), Some(hi)) => {
                self.error(
                    format!("the scale [{lo}, {hi}] is empty: `scale_max` must exceed `scale_min`"),
                    max.span(),
                    ctx,
                );
                None
            }
            _ => None,
        }
    }

    /// Whether `actor` (written `written`) holds no earlier position on the issue; a
    /// problem at `written` when it does.
    pub(super) fn first_position_of(
        &mut self,
        seen: &mut HashMap<ActorId, ()>,
        actor: ActorId,
        written: &SStr,
        ctx: &str,
    ) -> bool {
        if seen.insert(actor, ()).is_some() {
            self.error(
                format!(
                    "actor `{}` has two positions on this issue",
                    written.get_ref()
                ),
                written.span(),
                ctx,
            );
            return false;
        }
        true
    }

    /// A value on an issue's scale.
    pub(super) fn on_scale(
        &mut self,
        value: &SNum,
        field: &str,
        scale: Option<(f64, f64)>,
        ctx: &str,
    ) -> Option<f64> {
        self.within_scale(value, field, scale, "issue", ctx)
    }

    /// A finite `value` inside `scale` (of an issue or a dimension: `whose`); `None`, and a
    /// problem, otherwise. `scale` is `None` when the scale itself was bad (reported).
    pub(super) fn within_scale(
        &mut self,
        value: &SNum,
        field: &str,
        scale: Option<(f64, f64)>,
        whose: &str,
        ctx: &str,
    ) -> Option<f64> {
        let v = self.finite(value, field, ctx)?;
        let (lo, hi) = scale?;
        if !(lo..=hi).contains(&v) {
            self.error(
                format!("`{field}` {v} is outside the {whose}'s scale [{lo}, {hi}]"),
                value.span(),
                ctx,
            );
            return None;
        }
        Some(v)
    }

    pub(super) fn position(
        &mut self,
        p: &RawPosition,
        scale: Option<(f64, f64)>,
        as_of: Option<PartialDate>,
        issue_ctx: &str,
    ) -> Option<Position> {
        let ctx = format!("{issue_ctx}, position of `{}`", p.actor.get_ref());
        let actor = self.actor_ref(&p.actor, "actor", &ctx);
        let position = self.on_scale(&p.position, "position", scale, &ctx);
        let salience = self.unit_interval(&p.salience, "salience", &ctx);
        let capability = self.non_negative(&p.capability, "capability", &ctx);
        let source = self.opt_text(&p.source, "source", &ctx);
        let rationale = self.opt_text(&p.rationale, "rationale", &ctx);
        let source_date = self.coding_date(
            &p.source_date,
            "source_date",
            "position",
            as_of,
            p.actor.span(),
            &ctx,
        );
        let salience_rationale = self.coding_rationale(
            &p.salience_rationale,
            "salience_rationale",
            p.salience.span(),
            &ctx,
        );
        let salience_source_date = self.coding_date(
            &p.salience_source_date,
            "salience_source_date",
            "salience",
            as_of,
            p.salience.span(),
            &ctx,
        );
        let capability_rationale = self.coding_rationale(
            &p.capability_rationale,
            "capability_rationale",
            p.capability.span(),
            &ctx,
        );
        let capability_source_date = self.coding_date(
            &p.capability_source_date,
            "capability_source_date",
            "capability",
            as_of,
            p.capability.span(),
            &ctx,
        );
        if p.source.is_none() && p.rationale.is_none() {
            self.error_hint(
                "the position has neither `source` nor `rationale`",
                p.actor.span(),
                &ctx,
                "cite where the numbers come from, or explain the judgement behind them",
            );
            return None;
        }
        Some(Position {
            actor: actor?,
            position: position?,
            salience: salience?,
            capability: capability?,
            source: source?,
            rationale: rationale?,
            source_date: source_date?,
            salience_rationale: salience_rationale?,
            salience_source_date: salience_source_date?,
            capability_rationale: capability_rationale?,
            capability_source_date: capability_source_date?,
        })
    }

    /// The optional date of a coding's source (`what`: position, salience, capability or
    /// status quo). Hindsight: a coding "as of" a date may only rest on what was known by
    /// then (a date inside the as_of month counts as known). Under `dated_codings` a missing
    /// date is an error located at the coded value (`value_span`).
    fn coding_date(
        &mut self,
        value: &Option<SStr>,
        field: &str,
        what: &str,
        as_of: Option<PartialDate>,
        value_span: Range<usize>,
        ctx: &str,
    ) -> Option<Option<PartialDate>> {
        let date = self.opt_date(value, field, ctx)?;
        match (date, as_of, value) {
            (Some(d), Some(as_of), Some(raw)) if d.first_day() > as_of.last_day() => {
                self.error_hint(
                    format!("the {what}'s source is dated {d}, after the issue's as_of {as_of} (hindsight)"),
                    raw.span(),
                    ctx,
                    format!("code the {what} from facts known by as_of, or move the issue's as_of"),
                );
            }
            (None, _, _) if self.dated_codings => {
                self.error_hint(
                    format!("the {what} has no `{field}` (the scenario declares `dated_codings = true`)"),
                    value_span,
                    ctx,
                    format!("add `{field} = \"YYYY-MM-DD\"`: the date of the latest fact the {what} rests on, not after as_of"),
                );
            }
            _ => {}
        }
        Some(date)
    }

    /// The optional rationale of a salience or capability; required under `dated_codings`.
    fn coding_rationale(
        &mut self,
        value: &Option<SStr>,
        field: &str,
        value_span: Range<usize>,
        ctx: &str,
    ) -> Option<Option<String>> {
        if value.is_none() && self.dated_codings {
            self.error_hint(
                format!(
                    "the coding has no `{field}` (the scenario declares `dated_codings = true`)"
                ),
                value_span,
                ctx,
                "say why the number has its value and cite the dated source it rests on",
            );
        }
        self.opt_text(value, field, ctx)
    }
}
