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
pub fn parse_game_json(text: &str) -> Result<(Vec<String>, DenseGame), GameFileError> {
    let file: GameFile = serde_json::from_str(text)
        .map_err(|e| invalid(format_args!("not a valid game file: {e}"), GAME_SHAPE))?;
    dense_game(file)
}

/// Reads a network file's text into its players and network game.
pub fn parse_network_json(text: &str) -> Result<(Vec<String>, NetworkGame), GameFileError> {
    let file: NetworkFile = serde_json::from_str(text)
        .map_err(|e| invalid(format_args!("not a valid network file: {e}"), NETWORK_SHAPE))?;
    network_game(file)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GameFile {
    players: Vec<String>,
    values: Vec<CoalitionValue>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CoalitionValue {
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
