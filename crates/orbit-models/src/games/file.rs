//! The JSON files of `orbit game`: a dense TU game (`--game`) or a pipeline network
//! (`--network`), read into a [`DenseGame`] or a [`NetworkGame`] with messages that name the
//! entry at fault. Kept in the library (not the CLI) so that the fuzz targets under `fuzz/` call
//! the very code the CLI runs.
//!
//! Formats:
//! * game: `{"players": ["A", "B"], "values": [{"coalition": ["A"], "value": 1.0}, …]}` with
//!   every non-empty coalition exactly once;
//! * network: `{"players": [..], "kind": "max_flow" | "surplus", "nodes": [{"id", "owner",
//!   "supply", "demand", "value"}, ..], "links": [{"from", "to", "capacity", "owner", "cost"},
//!   ..]}`.

use std::collections::HashMap;

use serde::Deserialize;

use super::{DenseGame, Link, Network, NetworkGame, Node, lex_masks, members};

/// Most players a game file may list (2^20 − 1 coalitions), and most players whose coalitions
/// `orbit game values` prints.
pub const MAX_FILE_PLAYERS: usize = 20;

/// What is wrong with a game or network file, and how to fix it (empty hint: nothing to add).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct GameFileError {
    /// The problem, naming the entry.
    pub message: String,
    /// A hint, or empty.
    pub hint: String,
}

fn invalid(message: impl std::fmt::Display, hint: &str) -> GameFileError {
    GameFileError {
        message: message.to_string(),
        hint: hint.to_string(),
    }
}

const GAME_SHAPE: &str =
    r#"expected {"players": ["A", "B"], "values": [{"coalition": ["A"], "value": 1.0}, ...]}"#;
const NETWORK_SHAPE: &str = r#"expected {"players": [..], "nodes": [{"id": "n1", "owner": "A", "supply": 1.0}, ..], "links": [{"from": "n1", "to": "n2", "capacity": 1.0, "owner": "A"}, ..]}"#;

/// Reads a game file's text into its players and dense game.
///
/// The entries are streamed into the value table as the parser meets them (see [`stream`]):
/// no vector of entries, no string per player name, so the memory is the text plus the
/// table (`2^n` values). A file that lists `values` before `players` is read the slow way
/// (its entries kept until the players are known), with the same checks and messages.
pub fn parse_game_json(text: &str) -> Result<(Vec<String>, DenseGame), GameFileError> {
    stream::parse(text)
}

/// Reads a network file's text into its players and network game.
pub fn parse_network_json(text: &str) -> Result<(Vec<String>, NetworkGame), GameFileError> {
    let file: NetworkFile = serde_json::from_str(text)
        .map_err(|e| invalid(format_args!("not a valid network file: {e}"), NETWORK_SHAPE))?;
    network_game(file)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct GameFile {
    players: Vec<String>,
    values: Vec<CoalitionValue>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CoalitionValue {
    coalition: Vec<String>,
    value: f64,
}

#[derive(Debug, Deserialize, Default, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum NetworkKind {
    /// v(S) = maximum flow.
    #[default]
    MaxFlow,
    /// v(S) = maximum of Σ value·delivered − Σ cost·flow.
    Surplus,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NetworkFile {
    players: Vec<String>,
    #[serde(default)]
    kind: NetworkKind,
    nodes: Vec<NodeFile>,
    links: Vec<LinkFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NodeFile {
    id: String,
    #[serde(default)]
    owner: Option<String>,
    #[serde(default)]
    supply: f64,
    #[serde(default)]
    demand: f64,
    #[serde(default)]
    value: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkFile {
    from: String,
    to: String,
    capacity: f64,
    #[serde(default)]
    owner: Option<String>,
    #[serde(default)]
    cost: f64,
}

fn player_index(players: &[String]) -> Result<HashMap<String, usize>, GameFileError> {
    if players.is_empty() {
        return Err(invalid("the game has no players", ""));
    }
    let mut index = HashMap::new();
    for (i, p) in players.iter().enumerate() {
        if index.insert(p.clone(), i).is_some() {
            return Err(invalid(format_args!("player `{p}` is listed twice"), ""));
        }
    }
    Ok(index)
}

fn show(coalition: &[&str]) -> String {
    format!("[{}]", coalition.join(", "))
}

/// The slow path of [`parse_game_json`] (also the reference the streaming reader is tested
/// against): the whole file as entries first, then the checks.
fn dense_game(file: GameFile) -> Result<(Vec<String>, DenseGame), GameFileError> {
    let n = file.players.len();
    let index = player_index(&file.players)?;
    if n > MAX_FILE_PLAYERS {
        return Err(invalid(
            format_args!("too many players: {n} (a game file may list at most {MAX_FILE_PLAYERS})"),
            "describe larger games as a `--network`, whose coalitions are evaluated lazily",
        ));
    }
    let mut values = vec![0.0; 1 << n];
    let mut seen: Vec<Option<usize>> = vec![None; 1 << n];
    for (entry, cv) in file.values.iter().enumerate() {
        let names: Vec<&str> = cv.coalition.iter().map(String::as_str).collect();
        if names.is_empty() {
            return Err(invalid(
                format_args!("entry {entry} has an empty coalition"),
                "the empty coalition is worth 0 and is not listed",
            ));
        }
        let mut mask = 0u64;
        for name in &names {
            let Some(&i) = index.get(*name) else {
                return Err(invalid(
                    format_args!(
                        "coalition {} (entry {entry}) names unknown player `{name}`",
                        show(&names)
                    ),
                    &format!("the players are {}", file.players.join(", ")),
                ));
            };
            if mask >> i & 1 == 1 {
                return Err(invalid(
                    format_args!(
                        "coalition {} (entry {entry}) lists `{name}` twice",
                        show(&names)
                    ),
                    "",
                ));
            }
            mask |= 1 << i;
        }
        if let Some(first) = seen[mask as usize] {
            return Err(invalid(
                format_args!(
                    "coalition {} is given twice (entries {first} and {entry})",
                    show(&names)
                ),
                "",
            ));
        }
        seen[mask as usize] = Some(entry);
        values[mask as usize] = cv.value;
    }
    let missing: Vec<u64> = lex_masks(n)
        .into_iter()
        .filter(|&m| seen[m as usize].is_none())
        .collect();
    if let Some(&first) = missing.first() {
        let names: Vec<&str> = members(first)
            .into_iter()
            .map(|i| file.players[i].as_str())
            .collect();
        let more = if missing.len() > 1 {
            format!(" (and {} more)", missing.len() - 1)
        } else {
            String::new()
        };
        return Err(invalid(
            format_args!("coalition {} is missing{more}", show(&names)),
            &format!(
                "give every non-empty coalition of the {n} players exactly once ({} entries)",
                (1u64 << n) - 1
            ),
        ));
    }
    let game = DenseGame::from_masks(n, values).map_err(|e| invalid(e, ""))?;
    Ok((file.players, game))
}

fn network_game(file: NetworkFile) -> Result<(Vec<String>, NetworkGame), GameFileError> {
    let index = player_index(&file.players)?;
    let owner = |what: String, name: &Option<String>| -> Result<Option<usize>, GameFileError> {
        match name {
            None => Ok(None),
            Some(name) => index.get(name).copied().map(Some).ok_or_else(|| {
                invalid(
                    format_args!("{what} is owned by unknown player `{name}`"),
                    &format!("the players are {}", file.players.join(", ")),
                )
            }),
        }
    };
    let mut nodes = Vec::with_capacity(file.nodes.len());
    for n in &file.nodes {
        nodes.push(Node {
            id: n.id.clone(),
            owner: owner(format!("node `{}`", n.id), &n.owner)?,
            supply: n.supply,
            demand: n.demand,
            value: n.value,
        });
    }
    let mut links = Vec::with_capacity(file.links.len());
    for (l, link) in file.links.iter().enumerate() {
        links.push(Link {
            from: link.from.clone(),
            to: link.to.clone(),
            capacity: link.capacity,
            owner: owner(
                format!("link {l} ({} -> {})", link.from, link.to),
                &link.owner,
            )?,
            cost: link.cost,
        });
    }
    let network = Network {
        players: file.players.clone(),
        nodes,
        links,
    };
    let game = match file.kind {
        NetworkKind::MaxFlow => NetworkGame::new(&network),
        NetworkKind::Surplus => NetworkGame::surplus(&network),
    }
    .map_err(|e| invalid(e, "links are numbered from 0 in file order"))?;
    Ok((file.players, game))
}

/// The streaming reader of [`parse_game_json`].
mod stream {
    use std::collections::HashMap;
    use std::fmt;

    use serde::de::{
        self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
    };

    use super::{
        CoalitionValue, DenseGame, GAME_SHAPE, GameFile, GameFileError, MAX_FILE_PLAYERS,
        dense_game, invalid, lex_masks, members, player_index, show,
    };

    /// The reader's state: the players once known, the table being filled, and the first
    /// problem met (kept here so that its message is the slow path's, not serde's).
    struct Table {
        players: Vec<String>,
        index: HashMap<String, usize>,
        values: Vec<f64>,
        /// `seen[mask]` = 1 + the entry that gave `mask`, 0 while none has.
        seen: Vec<u32>,
        entries: usize,
        /// The current coalition: a player index, or an unknown name.
        members: Vec<Result<usize, String>>,
        problem: Option<GameFileError>,
    }

    impl Table {
        fn new(players: Vec<String>) -> Result<Self, GameFileError> {
            let n = players.len();
            let index = player_index(&players)?;
            if n > MAX_FILE_PLAYERS {
                return Err(invalid(
                    format_args!(
                        "too many players: {n} (a game file may list at most {MAX_FILE_PLAYERS})"
                    ),
                    "describe larger games as a `--network`, whose coalitions are evaluated lazily",
                ));
            }
            Ok(Self {
                players,
                index,
                values: vec![0.0; 1 << n],
                seen: vec![0; 1 << n],
                entries: 0,
                members: Vec::new(),
                problem: None,
            })
        }

        /// The checks of the slow path, in its order, on the entry just read.
        fn add(&mut self, value: f64) -> Result<(), GameFileError> {
            let entry = self.entries;
            self.entries += 1;
            let names = || -> Vec<&str> {
                self.members
                    .iter()
                    .map(|m| match m {
                        Ok(i) => self.players[*i].as_str(),
                        Err(name) => name.as_str(),
                    })
                    .collect()
            };
            if self.members.is_empty() {
                return Err(invalid(
                    format_args!("entry {entry} has an empty coalition"),
                    "the empty coalition is worth 0 and is not listed",
                ));
            }
            let mut mask = 0u64;
            for m in &self.members {
                match m {
                    Err(name) => {
                        return Err(invalid(
                            format_args!(
                                "coalition {} (entry {entry}) names unknown player `{name}`",
                                show(&names())
                            ),
                            &format!("the players are {}", self.players.join(", ")),
                        ));
                    }
                    Ok(i) if mask >> i & 1 == 1 => {
                        return Err(invalid(
                            format_args!(
                                "coalition {} (entry {entry}) lists `{}` twice",
                                show(&names()),
                                self.players[*i]
                            ),
                            "",
                        ));
                    }
                    Ok(i) => mask |= 1 << i,
                }
            }
            let first = self.seen[mask as usize];
            if first != 0 {
                return Err(invalid(
                    format_args!(
                        "coalition {} is given twice (entries {} and {entry})",
                        show(&names()),
                        first - 1
                    ),
                    "",
                ));
            }
            // Entries are fewer than 2^20 + 1 here (each new one fills an empty slot).
            self.seen[mask as usize] = entry as u32 + 1;
            self.values[mask as usize] = value;
            Ok(())
        }

        fn finish(self) -> Result<(Vec<String>, DenseGame), GameFileError> {
            let n = self.players.len();
            let missing: Vec<u64> = lex_masks(n)
                .into_iter()
                .filter(|&m| self.seen[m as usize] == 0)
                .collect();
            if let Some(&first) = missing.first() {
                let names: Vec<&str> = members(first)
                    .into_iter()
                    .map(|i| self.players[i].as_str())
                    .collect();
                let more = if missing.len() > 1 {
                    format!(" (and {} more)", missing.len() - 1)
                } else {
                    String::new()
                };
                return Err(invalid(
                    format_args!("coalition {} is missing{more}", show(&names)),
                    &format!(
                        "give every non-empty coalition of the {n} players exactly once ({} entries)",
                        (1u64 << n) - 1
                    ),
                ));
            }
            let game = DenseGame::from_masks(n, self.values).map_err(|e| invalid(e, ""))?;
            Ok((self.players, game))
        }
    }

    /// A string of the file, borrowed from the text when it holds no escapes (serde's own
    /// `Cow<str>` always copies).
    struct Name<'de>(std::borrow::Cow<'de, str>);

    impl AsRef<str> for Name<'_> {
        fn as_ref(&self) -> &str {
            &self.0
        }
    }

    impl<'de> de::Deserialize<'de> for Name<'de> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct NameVisitor;
            impl<'de> Visitor<'de> for NameVisitor {
                type Value = Name<'de>;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("a string")
                }
                fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Name<'de>, E> {
                    Ok(Name(std::borrow::Cow::Borrowed(v)))
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<Name<'de>, E> {
                    Ok(Name(std::borrow::Cow::Owned(v.to_owned())))
                }
                fn visit_string<E: de::Error>(self, v: String) -> Result<Name<'de>, E> {
                    Ok(Name(std::borrow::Cow::Owned(v)))
                }
            }
            d.deserialize_str(NameVisitor)
        }
    }

    /// A problem of the table, already stored in [`Table::problem`]: stop parsing.
    const STOP: &str = "orbit: game file problem";

    pub(super) fn parse(text: &str) -> Result<(Vec<String>, DenseGame), GameFileError> {
        let mut outcome = Outcome::default();
        let mut de = serde_json::Deserializer::from_str(text);
        let parsed = FileSeed(&mut outcome)
            .deserialize(&mut de)
            .and_then(|()| de.end());
        if let Some(problem) = outcome.problem.take() {
            return Err(problem);
        }
        if let Err(e) = parsed {
            return Err(invalid(
                format_args!("not a valid game file: {e}"),
                GAME_SHAPE,
            ));
        }
        match outcome.result.take() {
            Some(result) => result,
            None => Err(invalid("not a valid game file", GAME_SHAPE)),
        }
    }

    #[derive(Default)]
    struct Outcome {
        problem: Option<GameFileError>,
        result: Option<Result<(Vec<String>, DenseGame), GameFileError>>,
    }

    /// Each seed below is read by visiting itself (as a map or as a sequence): the one
    /// `DeserializeSeed` every streaming reader of serde writes, written once.
    macro_rules! visits_itself {
        ($seed:ident, $how:ident) => {
            impl<'de> DeserializeSeed<'de> for $seed<'_> {
                type Value = ();
                fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
                    d.$how(self)
                }
            }
        };
    }

    /// The top-level object.
    struct FileSeed<'o>(&'o mut Outcome);

    visits_itself!(FileSeed, deserialize_map);

    impl<'de> Visitor<'de> for FileSeed<'_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a game object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            let mut table: Option<Table> = None;
            // `values` met before `players`: kept as entries (the slow path).
            let mut early: Option<Vec<CoalitionValue>> = None;
            let mut streamed = false;
            while let Some(key) = map.next_key::<Name<'de>>()? {
                match key.as_ref() {
                    "players" => {
                        if table.is_some() {
                            return Err(de::Error::duplicate_field("players"));
                        }
                        let players: Vec<String> = map.next_value()?;
                        if let Some(values) = early.take() {
                            self.0.result = Some(dense_game(GameFile { players, values }));
                            // Anything after must still be valid JSON of the shape.
                            if let Some(key) = map.next_key::<Name<'de>>()? {
                                return Err(match key.as_ref() {
                                    "players" => de::Error::duplicate_field("players"),
                                    "values" => de::Error::duplicate_field("values"),
                                    other => {
                                        de::Error::unknown_field(other, &["players", "values"])
                                    }
                                });
                            }
                            return Ok(());
                        }
                        match Table::new(players) {
                            Ok(t) => table = Some(t),
                            Err(problem) => {
                                self.0.problem = Some(problem);
                                return Err(de::Error::custom(STOP));
                            }
                        }
                    }
                    "values" => {
                        if streamed || early.is_some() {
                            return Err(de::Error::duplicate_field("values"));
                        }
                        match table.as_mut() {
                            Some(t) => {
                                let read = map.next_value_seed(EntriesSeed(t));
                                if let Some(problem) = t.problem.take() {
                                    self.0.problem = Some(problem);
                                    return Err(de::Error::custom(STOP));
                                }
                                read?;
                                streamed = true;
                            }
                            None => early = Some(map.next_value()?),
                        }
                    }
                    other => {
                        let _: IgnoredAny = map.next_value()?;
                        return Err(de::Error::unknown_field(other, &["players", "values"]));
                    }
                }
            }
            match (table, early) {
                (None, _) => Err(de::Error::missing_field("players")),
                (Some(_), _) if !streamed => Err(de::Error::missing_field("values")),
                (Some(t), _) => {
                    self.0.result = Some(t.finish());
                    Ok(())
                }
            }
        }
    }

    /// The `values` array, entry by entry into the table.
    struct EntriesSeed<'t>(&'t mut Table);

    visits_itself!(EntriesSeed, deserialize_seq);

    impl<'de> Visitor<'de> for EntriesSeed<'_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an array of {\"coalition\": [..], \"value\": number} entries")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while seq.next_element_seed(EntrySeed(self.0))?.is_some() {
                if self.0.problem.is_some() {
                    return Err(de::Error::custom(STOP));
                }
            }
            Ok(())
        }
    }

    /// One `{"coalition": [..], "value": x}` entry.
    struct EntrySeed<'t>(&'t mut Table);

    visits_itself!(EntrySeed, deserialize_map);

    impl<'de> Visitor<'de> for EntrySeed<'_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a {\"coalition\": [..], \"value\": number} entry")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            let table = self.0;
            let (mut coalition, mut value) = (false, None);
            while let Some(key) = map.next_key::<Name<'de>>()? {
                match key.as_ref() {
                    "coalition" => {
                        if coalition {
                            return Err(de::Error::duplicate_field("coalition"));
                        }
                        table.members.clear();
                        map.next_value_seed(CoalitionSeed(table))?;
                        coalition = true;
                    }
                    "value" => {
                        if value.is_some() {
                            return Err(de::Error::duplicate_field("value"));
                        }
                        value = Some(map.next_value::<f64>()?);
                    }
                    other => return Err(de::Error::unknown_field(other, &["coalition", "value"])),
                }
            }
            if !coalition {
                return Err(de::Error::missing_field("coalition"));
            }
            let value = value.ok_or_else(|| de::Error::missing_field("value"))?;
            if let Err(problem) = table.add(value) {
                table.problem = Some(problem);
            }
            Ok(())
        }
    }

    /// A coalition's names, looked up as they are read (borrowed from the text when they
    /// hold no escapes).
    struct CoalitionSeed<'t>(&'t mut Table);

    visits_itself!(CoalitionSeed, deserialize_seq);

    impl<'de> Visitor<'de> for CoalitionSeed<'_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an array of player names")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while let Some(name) = seq.next_element::<Name<'de>>()? {
                let member = match self.0.index.get(name.as_ref()) {
                    Some(&i) => Ok(i),
                    None => Err(name.0.into_owned()),
                };
                self.0.members.push(member);
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    //! The streaming reader against the slow path (`serde_json` into entries, then the checks):
    //! the same game, or the same message, on every kind of file.

    use super::*;
    use crate::games::TuGame;

    fn slow(text: &str) -> Result<(Vec<String>, DenseGame), GameFileError> {
        let file: GameFile = serde_json::from_str(text)
            .map_err(|e| invalid(format_args!("not a valid game file: {e}"), GAME_SHAPE))?;
        dense_game(file)
    }

    const GOOD: &str = r#"{"players": ["A", "B", "C"], "values": [
        {"coalition": ["A"], "value": 1}, {"coalition": ["B"], "value": 2.5},
        {"coalition": ["C"], "value": 0}, {"value": 4, "coalition": ["B", "A"]},
        {"coalition": ["A", "C"], "value": 3}, {"coalition": ["B", "C"], "value": -1},
        {"coalition": ["A", "B", "C"], "value": 7.25}]}"#;

    #[test]
    fn streamed_game_is_the_slow_paths_game() {
        let streamed = parse_game_json(GOOD).unwrap();
        assert_eq!(streamed, slow(GOOD).unwrap());
        assert_eq!(streamed.1.value(0b011), 4.0);
        assert_eq!(streamed.1.value(0b111), 7.25);
        // `values` before `players`, and names with escapes (not borrowable from the text).
        let late = r#"{"values": [{"coalition": ["\u0041"], "value": 1},
            {"coalition": ["B\"q"], "value": 2}, {"coalition": ["A", "B\"q"], "value": 5}],
            "players": ["A", "B\"q"]}"#;
        assert_eq!(parse_game_json(late).unwrap(), slow(late).unwrap());
        let escaped = r#"{"players": ["A", "B\"q"], "values": [{"coalition": ["\u0041"],
            "value": 1}, {"coalition": ["B\"q"], "value": 2}, {"coalition": ["A", "B\"q"],
            "value": 5}]}"#;
        assert_eq!(parse_game_json(escaped).unwrap(), slow(late).unwrap());
    }

    #[test]
    fn streamed_problems_are_the_slow_paths_messages() {
        let bad = [
            r#"{"players": ["A", "B"], "values": [{"coalition": ["A", "X"], "value": 1}]}"#,
            r#"{"players": ["A", "B"], "values": [{"coalition": ["A", "A"], "value": 1}]}"#,
            r#"{"players": ["A", "B"], "values": [{"coalition": [], "value": 1}]}"#,
            r#"{"players": ["A", "B"], "values": [{"coalition": ["A"], "value": 1},
                {"coalition": ["A"], "value": 2}]}"#,
            r#"{"players": ["A", "B"], "values": [{"coalition": ["A"], "value": 1}]}"#,
            r#"{"players": ["A", "A"], "values": []}"#,
            r#"{"players": [], "values": []}"#,
            r#"{"values": [{"coalition": ["A", "X"], "value": 1}], "players": ["A"]}"#,
        ];
        for text in bad {
            assert_eq!(
                parse_game_json(text).unwrap_err(),
                slow(text).unwrap_err(),
                "{text}"
            );
        }
        // Shape errors: both refuse, with serde's own wording (which may differ in detail).
        let shapes = [
            r#"{"players": ["A"], "values": [{"coalition": ["A"], "value": 1}], "extra": 1}"#,
            r#"{"players": ["A"], "values": [{"coalition": ["A"], "value": 1, "x": 2}]}"#,
            r#"{"players": ["A"], "values": [{"coalition": ["A"]}]}"#,
            r#"{"players": ["A"]}"#,
            r#"{"values": []}"#,
            r#"{"players": ["A"], "values": [{"coalition": ["A"], "value": "1"}]}"#,
            r#"{"players": ["A"], "values": [{"coalition": ["A"], "value": 1}]} trailing"#,
            r#"[1, 2]"#,
            r#"{"players": ["A"], "values": [{"coalition": ["A"], "value": 1}]"#,
        ];
        for text in shapes {
            let e = parse_game_json(text).unwrap_err();
            assert!(slow(text).is_err(), "{text}");
            assert!(
                e.message.starts_with("not a valid game file"),
                "{text}: {e}"
            );
            assert_eq!(e.hint, GAME_SHAPE);
        }
        let too_many: Vec<String> = (0..21).map(|i| format!("\"p{i}\"")).collect();
        let text = format!(r#"{{"players": [{}], "values": []}}"#, too_many.join(","));
        assert_eq!(
            parse_game_json(&text).unwrap_err(),
            slow(&text).unwrap_err()
        );
    }
}
