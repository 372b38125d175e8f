//! The `[[pipelines]]` (with their segments), `[[alliances]]` and `[[sanctions]]` sections.

use super::*;

impl Checker {
    pub(super) fn pipeline(&mut self, p: RawPipeline) -> Option<Pipeline> {
        let ctx = format!("pipeline `{}`", p.id.get_ref());
        let id = self.text(&p.id, "id", &ctx);
        let name = self.text(&p.name, "name", &ctx);
        let commodity = self.vocab::<Commodity>(&p.commodity, "commodity", &ctx);
        let status = self.vocab::<PipelineStatus>(&p.status, "pipeline status", &ctx);
        let opened = match &p.opened {
            Some(y) => self.year(y, "opened", &ctx).map(Some),
            None => Some(None),
        };
        let closed = match &p.closed {
            Some(y) => self.year(y, "closed", &ctx).map(Some),
            None => Some(None),
        };
        if let (Some(Some(o)), Some(Some(c)), Some(span)) =
            (opened, closed, p.closed.as_ref().map(|c| c.span()))
            && c < o
        {
            self.error(
                format!(
                    "the years in service {o}-{c} are an empty range: `closed` is before `opened`"
                ),
                span,
                &ctx,
            );
            return None;
        }
        if p.segments.is_empty()
            && self.set_aside_count("pipelines", p.id.get_ref(), "segments") == 0
        {
            self.error_hint(
                "the pipeline has no segments",
                p.id.span(),
                &ctx,
                "add `[[pipelines.segments]]` with from, to, owner and source",
            );
        }
        let segments: Vec<Option<Segment>> = p
            .segments
            .into_iter()
            .map(|s| self.segment(s.into_inner(), &ctx))
            .collect();
        let note = self.opt_text(&p.note, "note", &ctx);
        let source = self.source(&p.source, &ctx);
        Some(Pipeline {
            id: id?,
            name: name?,
            commodity: commodity?,
            opened: opened?,
            closed: closed?,
            status: status?,
            segments: segments.into_iter().collect::<Option<_>>()?,
            note: note?,
            source: source?,
        })
    }

    pub(super) fn segment(&mut self, s: RawSegment, pipeline_ctx: &str) -> Option<Segment> {
        let ctx = format!(
            "{pipeline_ctx}, segment `{}` → `{}`",
            s.from.get_ref(),
            s.to.get_ref()
        );
        let from = self.actor_ref(&s.from, "from", &ctx);
        let to = self.actor_ref(&s.to, "to", &ctx);
        let owner = self.actor_ref(&s.owner, "owner", &ctx);
        let capacity = self.opt(&s.capacity, |c, v| c.non_negative(v, "capacity", &ctx));
        let note = self.opt_text(&s.note, "note", &ctx);
        let source = self.source(&s.source, &ctx);
        Some(Segment {
            from: from?,
            to: to?,
            owner: owner?,
            capacity: capacity?,
            note: note?,
            source: source?,
        })
    }

    pub(super) fn alliance(&mut self, a: RawAlliance) -> Option<Alliance> {
        let ctx = format!("alliance `{}`", a.id.get_ref());
        let id = self.text(&a.id, "id", &ctx);
        let name = self.text(&a.name, "name", &ctx);
        let kind = self.vocab::<AllianceKind>(&a.kind, "alliance kind", &ctx);
        let organisation = self.opt_actor_ref(&a.organisation, "organisation", &ctx);
        let members = self.actor_refs(&a.members, "members", &ctx);
        let signed = self.date(&a.signed, "signed", &ctx);
        let in_force = self.opt_date(&a.in_force, "in_force", &ctx);
        let ended = self.opt_date(&a.ended, "ended", &ctx);
        if let (Some(s), Some(Some(e)), Some(span)) =
            (signed, ended, a.ended.as_ref().map(|e| e.span()))
            && e < s
        {
            self.error(format!("`ended` {e} is before `signed` {s}"), span, &ctx);
            return None;
        }
        let note = self.opt_text(&a.note, "note", &ctx);
        let source = self.source(&a.source, &ctx);
        Some(Alliance {
            id: id?,
            name: name?,
            kind: kind?,
            organisation: organisation?,
            members: members?,
            signed: signed?,
            in_force: in_force?,
            ended: ended?,
            note: note?,
            source: source?,
        })
    }

    pub(super) fn sanction(
        &mut self,
        s: RawSanction,
        events: &HashMap<String, usize>,
    ) -> Option<Sanction> {
        let ctx = format!("sanction `{}`", s.id.get_ref());
        let id = self.text(&s.id, "id", &ctx);
        let imposer = self.actor_ref(&s.imposer, "imposer", &ctx);
        let target = self.actor_ref(&s.target, "target", &ctx);
        let kind = self.vocab::<SanctionKind>(&s.kind, "sanction kind", &ctx);
        let start = self.date(&s.start, "start", &ctx);
        let end = self.opt_date(&s.end, "end", &ctx);
        if let (Some(st), Some(Some(en)), Some(span)) =
            (start, end, s.end.as_ref().map(|e| e.span()))
            && en < st
        {
            self.error(format!("`end` {en} is before `start` {st}"), span, &ctx);
            return None;
        }
        let individuals = self.opt(&s.individuals, |c, v| {
            c.non_negative(v, "individuals", &ctx)
        });
        let entities = self.opt(&s.entities, |c, v| c.non_negative(v, "entities", &ctx));
        let description = self.text(&s.description, "description", &ctx);
        let event = match &s.event {
            Some(e) => self.event_ref(e, events, &ctx).map(Some),
            None => Some(None),
        };
        let note = self.opt_text(&s.note, "note", &ctx);
        let source = self.source(&s.source, &ctx);
        Some(Sanction {
            id: id?,
            imposer: imposer?,
            target: target?,
            kind: kind?,
            start: start?,
            end: end?,
            individuals: individuals?,
            entities: entities?,
            description: description?,
            event: event?,
            note: note?,
            source: source?,
        })
    }
}
