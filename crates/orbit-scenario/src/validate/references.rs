//! References between entries: actor and event ids resolved to indices.

use super::*;

impl Checker {
    pub(super) fn index_actors(&mut self, actors: &[Spanned<RawActor>]) {
        self.unique_ids("actor", actors.iter().map(|a| &a.get_ref().id));
        for (i, actor) in actors.iter().enumerate() {
            self.actor_index
                .entry(actor.get_ref().id.get_ref().clone())
                .or_insert(ActorId(i));
        }
    }

    pub(super) fn actor_ref(
        &mut self,
        value: &SStr,
        field: &str,
        context: &str,
    ) -> Option<ActorId> {
        let code = value.get_ref();
        if let Some(&id) = self.actor_index.get(code) {
            return Some(id);
        }
        if self.malformed_actors.iter().any(|m| m == code) {
            return None;
        }
        let suggestion = self
            .actor_index
            .keys()
            .find(|k| k.eq_ignore_ascii_case(code))
            .map(|k| format!("did you mean `{k}`? Actor ids are case-sensitive"))
            .unwrap_or_else(|| "declare it under `[[actors]]` or correct the id".to_string());
        self.error_hint(
            format!("`{field}` refers to unknown actor `{code}`"),
            value.span(),
            context,
            suggestion,
        );
        None
    }

    pub(super) fn actor_refs(
        &mut self,
        values: &[SStr],
        field: &str,
        context: &str,
    ) -> Option<Vec<ActorId>> {
        let resolved: Vec<Option<ActorId>> = values
            .iter()
            .map(|v| self.actor_ref(v, field, context))
            .collect();
        resolved.into_iter().collect()
    }

    pub(super) fn opt_actor_ref(
        &mut self,
        value: &Option<SStr>,
        field: &str,
        context: &str,
    ) -> Option<Option<ActorId>> {
        match value {
            Some(v) => self.actor_ref(v, field, context).map(Some),
            None => Some(None),
        }
    }

    pub(super) fn event_ref(
        &mut self,
        value: &SStr,
        events: &HashMap<String, usize>,
        context: &str,
    ) -> Option<usize> {
        let found = events.get(value.get_ref()).copied();
        if found.is_none() {
            self.error(
                format!("refers to unknown event `{}`", value.get_ref()),
                value.span(),
                context,
            );
        }
        found
    }
}
