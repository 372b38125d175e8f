//! The `[[links]]` section and the variables links read and move.

use super::*;

impl Checker {
    /// `declared` holds every issue id in the file, so a link to an issue that failed its own
    /// checks is left out quietly rather than reported as unknown.
    pub(super) fn link(
        &mut self,
        l: RawLink,
        issues: &[Issue],
        declared: &[String],
    ) -> Option<Link> {
        let ctx = format!("link `{}`", l.id.get_ref());
        let id = self.text(&l.id, "id", &ctx);
        let from = self.variable(&l.from, "from", &ctx, issues, declared);
        let to = self.variable(&l.to, "to", &ctx, issues, declared);
        if let Some(to) = to
            && !to.settable()
        {
            self.error_hint(
                format!("`to` names `{}`, which links cannot drive", l.to.get_ref()),
                l.to.span(),
                &ctx,
                "links drive `trade_share.*`, `price.*`, `position.*` and `salience.*`; the others are computed from the timeline or the state",
            );
        }
        let form = self.vocab::<LinkForm>(&l.form, "link form", &ctx);
        let input = match &l.input {
            Some(i) => self.vocab::<LinkInput>(i, "link input", &ctx),
            None => Some(LinkInput::Level),
        };
        let parameter = self.finite(&l.parameter, "parameter", &ctx);
        let threshold = self.opt(&l.threshold, |c, v| c.finite(v, "threshold", &ctx));
        let midpoint = self.opt(&l.midpoint, |c, v| c.finite(v, "midpoint", &ctx));
        let steepness = match &l.steepness {
            Some(v) => match self.finite(v, "steepness", &ctx) {
                Some(k) if k > 0.0 => Some(k),
                Some(k) => {
                    self.error(
                        format!("`steepness` is {k}, but it must be positive"),
                        v.span(),
                        &ctx,
                    );
                    None
                }
                None => None,
            },
            None => Some(1.0),
        };
        if let Some(form) = form {
            let needs = |c: &mut Self, field: &str, given: bool, wanted: bool| {
                if wanted && !given {
                    c.error_hint(
                        format!("a `{form}` link needs `{field}`"),
                        l.form.span(),
                        &ctx,
                        format!("add `{field} = ...` on the driver's scale"),
                    );
                } else if given && !wanted {
                    c.error(
                        format!("`{field}` does not apply to a `{form}` link"),
                        l.form.span(),
                        &ctx,
                    );
                }
            };
            needs(
                self,
                "threshold",
                l.threshold.is_some(),
                form == LinkForm::Threshold,
            );
            needs(
                self,
                "midpoint",
                l.midpoint.is_some(),
                form == LinkForm::Logistic,
            );
            if l.steepness.is_some() && form != LinkForm::Logistic {
                self.error(
                    format!("`steepness` does not apply to a `{form}` link"),
                    l.form.span(),
                    &ctx,
                );
            }
        }
        let range = self.link_range(&l.range, parameter, l.parameter.span(), &ctx);
        let toward = match (&l.toward, to) {
            (None, _) => Some(None),
            (Some(t), Some(Variable::Position { issue, .. })) => {
                match self.actor_ref(t, "toward", &ctx) {
                    Some(a) if issues[issue].positions.iter().any(|p| p.actor == a) => {
                        Some(Some(a))
                    }
                    Some(_) if self.position_set_aside(&issues[issue].id, t.get_ref()) => None,
                    Some(_) => {
                        self.error(
                            format!(
                                "`toward` actor `{}` holds no position on issue `{}`",
                                t.get_ref(),
                                issues[issue].id
                            ),
                            t.span(),
                            &ctx,
                        );
                        None
                    }
                    None => None,
                }
            }
            (Some(t), Some(_)) => {
                self.error(
                    "`toward` applies only to a `position.*` target",
                    t.span(),
                    &ctx,
                );
                None
            }
            (Some(_), None) => None,
        };
        let rationale = self.opt_text(&l.rationale, "rationale", &ctx);
        let source = self.opt_text(&l.source, "source", &ctx);
        if l.rationale.is_none() && l.source.is_none() {
            self.error_hint(
                "the link has neither `source` nor `rationale`",
                l.id.span(),
                &ctx,
                "say where the effect's size comes from, or the judgement behind it",
            );
            return None;
        }
        let (from, to) = (from?, to?);
        if !to.settable() {
            return None;
        }
        Some(Link {
            id: id?,
            from,
            to,
            from_name: l.from.get_ref().clone(),
            to_name: l.to.get_ref().clone(),
            form: form?,
            input: input?,
            parameter: parameter?,
            threshold: threshold?,
            midpoint: midpoint?,
            steepness: steepness?,
            toward: toward?,
            range: range?,
            rationale: rationale?,
            source: source?,
        })
    }

    pub(super) fn link_range(
        &mut self,
        range: &Spanned<Vec<f64>>,
        parameter: Option<f64>,
        parameter_span: std::ops::Range<usize>,
        ctx: &str,
    ) -> Option<(f64, f64)> {
        let span = range.span();
        let [low, high] = range.get_ref().as_slice() else {
            self.error("`range` must be two numbers `[low, high]`", span, ctx);
            return None;
        };
        let (low, high) = (*low, *high);
        if !low.is_finite() || !high.is_finite() {
            self.error("`range` must hold finite numbers", span, ctx);
            return None;
        }
        if high < low {
            self.error_hint(
                format!("the range [{low}, {high}] is empty"),
                span,
                ctx,
                "write the lower bound first",
            );
            return None;
        }
        if let Some(p) = parameter
            && !(low..=high).contains(&p)
        {
            self.error_hint(
                // At the parameter: it is the value the rule is about (and what a `--set`
                // or an overlay usually changes).
                format!("`parameter` {p} is outside its range [{low}, {high}]"),
                parameter_span,
                ctx,
                "the range is the parameter's uncertainty and must contain it",
            );
            return None;
        }
        Some((low, high))
    }

    /// Parses a state-variable name (grammar in `docs/scenario.md`, "State variables").
    pub(super) fn variable(
        &mut self,
        value: &SStr,
        field: &str,
        ctx: &str,
        issues: &[Issue],
        declared: &[String],
    ) -> Option<Variable> {
        let text = value.get_ref();
        let parts: Vec<&str> = text.split('.').collect();
        let span = value.span();
        let actor = |c: &mut Self, code: &str| {
            c.actor_ref(&Spanned::new(span.clone(), code.to_string()), field, ctx)
        };
        let issue = |c: &mut Self, id: &str| {
            let found = issues.iter().position(|i| i.id == id);
            if found.is_none() && !declared.iter().any(|d| d == id) {
                c.error_hint(
                    format!("`{field}` refers to unknown issue `{id}`"),
                    span.clone(),
                    ctx,
                    format!(
                        "the issues are {}",
                        issues
                            .iter()
                            .map(|i| format!("`{}`", i.id))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
            }
            found
        };
        match parts.as_slice() {
            ["trade_share", flow, reporter, partner] => {
                let flow = match *flow {
                    "exports" => Some(TradeFlow::Exports),
                    "imports" => Some(TradeFlow::Imports),
                    _ => {
                        self.error_hint(
                            format!("unknown trade flow `{flow}` in `{text}`"),
                            span.clone(),
                            ctx,
                            "trade shares are `exports` or `imports`",
                        );
                        None
                    }
                };
                let reporter = actor(self, reporter);
                let partner = actor(self, partner);
                Some(Variable::TradeShare {
                    flow: flow?,
                    reporter: reporter?,
                    partner: partner?,
                })
            }
            ["dependence", a, p] => {
                let (a, p) = (actor(self, a), actor(self, p));
                Some(Variable::Dependence {
                    actor: a?,
                    patron: p?,
                })
            }
            ["sanctions", i, t] => {
                let (i, t) = (actor(self, i), actor(self, t));
                Some(Variable::Sanctions {
                    imposer: i?,
                    target: t?,
                })
            }
            ["events", kind, a] => {
                let kind = self.vocab::<EventKind>(
                    &Spanned::new(span.clone(), kind.to_string()),
                    "event kind",
                    ctx,
                );
                let a = actor(self, a);
                Some(Variable::Events {
                    kind: kind?,
                    actor: a?,
                })
            }
            ["transit_share", a] => Some(Variable::TransitShare {
                actor: actor(self, a)?,
            }),
            ["alignment", a] => Some(Variable::Alignment {
                actor: actor(self, a)?,
            }),
            ["price", commodity, importer] => {
                let commodity = self.vocab::<Commodity>(
                    &Spanned::new(span.clone(), commodity.to_string()),
                    "commodity",
                    ctx,
                );
                let importer = actor(self, importer);
                Some(Variable::Price {
                    commodity: commodity?,
                    importer: importer?,
                })
            }
            [kind @ ("position" | "salience"), id, a] => {
                let i = issue(self, id);
                let a = actor(self, a);
                let (i, a) = (i?, a?);
                if !issues[i].positions.iter().any(|p| p.actor == a) {
                    if self.position_set_aside(id, parts[2]) {
                        // Its entry was malformed and is reported where it stands.
                        return None;
                    }
                    self.error_hint(
                        format!("actor `{}` holds no position on issue `{id}`", parts[2]),
                        span.clone(),
                        ctx,
                        "add its `[[issues.positions]]` entry or name another actor",
                    );
                    return None;
                }
                Some(if *kind == "position" {
                    Variable::Position { issue: i, actor: a }
                } else {
                    Variable::Salience { issue: i, actor: a }
                })
            }
            _ => {
                self.error_hint(
                    format!("`{field}` `{text}` is not a state variable"),
                    span.clone(),
                    ctx,
                    "use `trade_share.<exports|imports>.<reporter>.<partner>`, `dependence.<actor>.<patron>`, `sanctions.<imposer>.<target>`, `events.<kind>.<actor>`, `transit_share.<actor>`, `alignment.<actor>`, `price.<gas|oil>.<importer>`, `position.<issue>.<actor>` or `salience.<issue>.<actor>`",
                );
                None
            }
        }
    }
}
