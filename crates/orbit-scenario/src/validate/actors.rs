//! The `[scenario]` table and the `[[actors]]` section (with their attributes).

use super::*;

impl Checker {
    pub(super) fn year_span(&mut self, meta: &Spanned<RawMeta>) -> Option<YearSpan> {
        let m = meta.get_ref();
        let ctx = "the `[scenario]` table";
        let first = self.year(&m.start_year, "start_year", ctx);
        let last = self.year(&m.end_year, "end_year", ctx);
        let (first, last) = (first?, last?);
        if last < first {
            self.error(
                format!(
                    "the year range {first}-{last} is empty: `end_year` is before `start_year`"
                ),
                m.end_year.span(),
                ctx,
            );
            return None;
        }
        Some(YearSpan { first, last })
    }

    pub(super) fn meta(&mut self, m: RawMeta, years: Option<YearSpan>) -> Option<Meta> {
        let ctx = "the `[scenario]` table";
        let id = self.text(&m.id, "id", ctx);
        let name = self.text(&m.name, "name", ctx);
        let focus = self.actor_ref(&m.focus, "focus", ctx);
        let patron = self.actor_ref(&m.patron, "patron", ctx);
        let description = self.opt_text(&m.description, "description", ctx);
        let narrative = self.opt_text(&m.narrative, "narrative", ctx);
        let source = self.opt_text(&m.source, "source", ctx);
        Some(Meta {
            id: id?,
            name: name?,
            description: description?,
            years: years?,
            focus: focus?,
            patron: patron?,
            narrative: narrative?,
            source: source?,
        })
    }

    pub(super) fn actor(&mut self, a: RawActor) -> Option<Actor> {
        let ctx = format!("actor `{}`", a.id.get_ref());
        let code = self.text(&a.id, "id", &ctx);
        let name = self.text(&a.name, "name", &ctx);
        let kind = self.vocab::<ActorKind>(&a.kind, "actor kind", &ctx);
        let members = self.actor_refs(&a.members, "members", &ctx);
        let parent = self.opt_actor_ref(&a.parent, "parent", &ctx);
        let attributes: Vec<Option<Attribute>> = a
            .attributes
            .into_iter()
            .map(|attr| self.attribute(attr.into_inner(), &ctx))
            .collect();
        let note = self.opt_text(&a.note, "note", &ctx);
        let source = self.source(&a.source, &ctx);
        Some(Actor {
            code: code?,
            name: name?,
            kind: kind?,
            members: members?,
            parent: parent?,
            attributes: attributes.into_iter().collect::<Option<_>>()?,
            note: note?,
            source: source?,
        })
    }

    pub(super) fn attribute(&mut self, a: RawAttribute, actor_ctx: &str) -> Option<Attribute> {
        let ctx = format!("{actor_ctx}, attribute `{}`", a.name.get_ref());
        let name = self.text(&a.name, "name", &ctx);
        let value = self.finite(&a.value, "value", &ctx);
        let unit = self.text(&a.unit, "unit", &ctx);
        let year = match &a.year {
            Some(y) => self.year(y, "year", &ctx).map(Some),
            None => Some(None),
        };
        let source = self.source(&a.source, &ctx);
        Some(Attribute {
            name: name?,
            value: value?,
            unit: unit?,
            year: year?,
            source: source?,
        })
    }
}
