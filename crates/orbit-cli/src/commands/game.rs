//! `orbit game`: Shapley, Banzhaf, core and nucleolus of any TU game or pipeline network given
//! as a JSON file.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::{Args, Subcommand, ValueEnum};
use orbit_models::games::{
    DenseGame, GameError, GameFileError, MAX_FILE_PLAYERS, NetworkGame, ShapleyMethod,
    ShapleyOptions, TuGame, banzhaf, least_core, lex_masks, members, nucleolus, parse_game_json,
    parse_network_json, shapley,
};
use serde_json::{Value, json};

use super::UserError;
use crate::output::{Format, Table, write_json};

/// Most permutations `--permutations` accepts.
pub const MAX_PERMUTATIONS: usize = 100_000_000;

#[derive(Debug, Subcommand)]
pub enum GameCommand {
    /// Shapley value (exact up to 20 players with `--method auto`, else permutation sampling)
    Shapley {
        #[command(flatten)]
        input: GameInput,
        #[arg(long, value_enum, default_value_t = MethodArg::Auto)]
        method: MethodArg,
        /// Permutations to sample (`--method sampled`, or auto above 20 players)
        #[arg(long, default_value_t = 10_000, value_name = "N")]
        permutations: usize,
        /// Seed of the sampler; the same seed gives the same numbers on any thread count
        #[arg(long, default_value_t = 0, value_name = "S")]
        seed: u64,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Banzhaf value, raw and normalised
    Banzhaf {
        #[command(flatten)]
        input: GameInput,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Whether the core is empty, the least-core epsilon and a least-core point
    Core {
        #[command(flatten)]
        input: GameInput,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Nucleolus (sequence of LPs; at most 16 players)
    Nucleolus {
        #[command(flatten)]
        input: GameInput,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Every coalition's value (for a network: the most it can route alone)
    Values {
        #[command(flatten)]
        input: GameInput,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MethodArg {
    /// Exact up to 20 players, sampled above
    Auto,
    /// Exact subset enumeration (at most 26 players)
    Exact,
    /// Permutation sampling (Castro, Gómez & Tejada 2009)
    Sampled,
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct GameInput {
    /// TU game: {"players": [..], "values": [{"coalition": [..], "value": x}, ..]}, every
    /// non-empty coalition exactly once
    #[arg(long, value_name = "FILE.json")]
    game: Option<PathBuf>,
    /// Pipeline network: {"players": [..], "nodes": [{"id", "owner", "supply", "demand"}, ..],
    /// "links": [{"from", "to", "capacity", "owner"}, ..]}; v(S) = the most S can route alone
    #[arg(long, value_name = "FILE.json")]
    network: Option<PathBuf>,
}

/// A game read from a file: a dense TU game or a network game.
#[derive(Debug)]
enum Loaded {
    Dense(DenseGame),
    Network(NetworkGame),
}

impl TuGame for Loaded {
    fn n(&self) -> usize {
        match self {
            Loaded::Dense(g) => g.n(),
            Loaded::Network(g) => g.n(),
        }
    }

    fn value_of(&self, coalition: &[u64]) -> f64 {
        match self {
            Loaded::Dense(g) => g.value_of(coalition),
            Loaded::Network(g) => g.value_of(coalition),
        }
    }

    fn value(&self, mask: u64) -> f64 {
        match self {
            Loaded::Dense(g) => g.value(mask),
            Loaded::Network(g) => g.value(mask),
        }
    }
}

fn invalid(path: &Path, message: impl std::fmt::Display, hint: &str) -> anyhow::Error {
    let error = UserError::new(format!("`{}`: {message}", path.display()));
    if hint.is_empty() {
        error.into()
    } else {
        error.hint(hint).into()
    }
}

fn read_file(path: &Path) -> Result<String> {
    super::read_input(path, orbit_pipeline::Limits::COMMAND_LINE.game_file_bytes)
}

fn located(path: &Path) -> impl Fn(GameFileError) -> anyhow::Error + '_ {
    move |e| invalid(path, &e.message, &e.hint)
}

fn load(input: &GameInput) -> Result<(Vec<String>, Loaded)> {
    match (&input.game, &input.network) {
        (Some(path), _) => parse_game_json(&read_file(path)?)
            .map(|(players, game)| (players, Loaded::Dense(game)))
            .map_err(located(path)),
        (None, Some(path)) => parse_network_json(&read_file(path)?)
            .map(|(players, game)| (players, Loaded::Network(game)))
            .map_err(located(path)),
        (None, None) => Err(UserError::new(
            "give a game with `--game FILE.json` or `--network FILE.json`",
        )
        .into()),
    }
}

/// Engine errors on user input: exit 1 with a hint where one helps.
fn engine_error(e: GameError) -> anyhow::Error {
    let hint = match &e {
        GameError::TooManyPlayers { method, .. } if method.contains("core") => Some(
            "the core and nucleolus need 2^n - 2 LP rows; `orbit game shapley --method sampled` works for any size",
        ),
        GameError::TooManyPlayers { .. } => {
            Some("use `--method sampled --permutations N` for large games")
        }
        GameError::EmptyImputationSet { .. } => {
            Some("`orbit game core` still gives the least core")
        }
        _ => None,
    };
    let error = UserError::new(e.to_string());
    match hint {
        Some(hint) => error.hint(hint).into(),
        None => error.into(),
    }
}

fn grand(game: &Loaded) -> f64 {
    game.grand_value()
}

/// A game's number in text: four decimals, or in scientific notation beyond 1e15 (where
/// four decimals would print hundreds of digits no one reads).
fn fmt(x: f64) -> String {
    if x.abs() >= 1e15 {
        format!("{x:.6e}")
    } else {
        format!("{x:.4}")
    }
}

/// Prints one vector per player as a table, JSON (`{"players", key: [...]}` plus `extra`) or
/// CSV.
fn print_vector(
    format: Format,
    title: &str,
    players: &[String],
    columns: &[(&str, Vec<f64>)],
    extra: Value,
) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => {
            let mut doc = json!({ "players": players });
            for (key, v) in columns {
                doc[*key] = json!(v);
            }
            if let Value::Object(map) = extra {
                for (k, v) in map {
                    doc[k] = v;
                }
            }
            write_json(&mut out, &doc)
        }
        Format::Csv | Format::Table => {
            let mut headers = vec!["player"];
            headers.extend(columns.iter().map(|c| c.0));
            let mut table = Table::new(&headers).numeric(&(1..headers.len()).collect::<Vec<_>>());
            for (i, p) in players.iter().enumerate() {
                let mut row = vec![p.clone()];
                row.extend(columns.iter().map(|c| match format {
                    Format::Csv => format!("{}", c.1[i]),
                    _ => fmt(c.1[i]),
                }));
                table.push(row);
            }
            if format == Format::Csv {
                table.write_csv(&mut out)
            } else {
                write!(out, "{title}\n\n{}", table.render(40))?;
                Ok(())
            }
        }
    }
}

pub fn run(command: &GameCommand) -> Result<()> {
    match command {
        GameCommand::Shapley {
            input,
            method,
            permutations,
            seed,
            format,
        } => {
            if *permutations > MAX_PERMUTATIONS {
                return Err(UserError::new(format!(
                    "`--permutations` is limited to {MAX_PERMUTATIONS}"
                ))
                .into());
            }
            let (players, game) = load(input)?;
            let options = ShapleyOptions {
                method: match method {
                    MethodArg::Auto => ShapleyMethod::Auto,
                    MethodArg::Exact => ShapleyMethod::Exact,
                    MethodArg::Sampled => ShapleyMethod::Sampled,
                },
                permutations: *permutations,
                seed: *seed,
            };
            let phi = shapley(&game, &options).map_err(engine_error)?;
            let v = grand(&game);
            let shares: Vec<f64> = phi
                .values
                .iter()
                .map(|x| if v != 0.0 { x / v } else { 0.0 })
                .collect();
            let sampled = phi.method == ShapleyMethod::Sampled;
            let title = if sampled {
                format!(
                    "Shapley value, sampled ({} permutations, seed {seed}); v(N) = {}",
                    phi.permutations,
                    fmt(v)
                )
            } else {
                format!("Shapley value (exact); v(N) = {}", fmt(v))
            };
            let mut columns = vec![("shapley", phi.values.clone())];
            if format != &Format::Json {
                columns.push(("share", shares));
            }
            let extra = if sampled {
                columns.push(("std_errors", phi.std_errors.clone()));
                json!({"method": "sampled", "permutations": phi.permutations, "seed": seed})
            } else {
                json!({})
            };
            print_vector(*format, &title, &players, &columns, extra)
        }
        GameCommand::Banzhaf { input, format } => {
            let (players, game) = load(input)?;
            let b = banzhaf(&game).map_err(engine_error)?;
            let index = b
                .index
                .clone()
                .unwrap_or_else(|| vec![f64::NAN; players.len()]);
            let extra = json!({ "banzhaf_index": b.index });
            let columns = if format == &Format::Json {
                vec![("banzhaf", b.raw)]
            } else {
                vec![("banzhaf", b.raw), ("index", index)]
            };
            print_vector(
                *format,
                "Banzhaf value (raw) and normalised index",
                &players,
                &columns,
                extra,
            )
        }
        GameCommand::Core { input, format } => {
            let (players, game) = load(input)?;
            let lc = least_core(&game).map_err(engine_error)?;
            let title = format!(
                "Core {}; least-core epsilon = {}; a least-core point:",
                if lc.core_empty { "empty" } else { "not empty" },
                fmt(lc.epsilon)
            );
            let extra = json!({"core_empty": lc.core_empty, "least_core_epsilon": lc.epsilon});
            print_vector(
                *format,
                &title,
                &players,
                &[("point", lc.allocation)],
                extra,
            )
        }
        GameCommand::Nucleolus { input, format } => {
            let (players, game) = load(input)?;
            let nu = nucleolus(&game).map_err(engine_error)?;
            print_vector(
                *format,
                "Nucleolus",
                &players,
                &[("nucleolus", nu.allocation)],
                json!({}),
            )
        }
        GameCommand::Values { input, format } => {
            let (players, game) = load(input)?;
            let n = players.len();
            if n > MAX_FILE_PLAYERS {
                return Err(UserError::new(format!(
                    "{n} players have too many coalitions to print (at most {MAX_FILE_PLAYERS} players)"
                ))
                .into());
            }
            let rows: Vec<(Vec<&str>, f64)> = lex_masks(n)
                .into_iter()
                .map(|m| {
                    let names = members(m)
                        .into_iter()
                        .map(|i| players[i].as_str())
                        .collect();
                    (names, game.value(m))
                })
                .collect();
            // The same refusal as `shapley` and the other solutions (defect 14: `values` printed
            // `inf` for a file they reject).
            if let Some((m, (_, v))) = lex_masks(n)
                .into_iter()
                .zip(&rows)
                .find(|(_, (_, v))| !v.is_finite())
            {
                return Err(engine_error(GameError::NonFiniteValue {
                    coalition: members(m),
                    value: *v,
                }));
            }
            let mut out = std::io::stdout().lock();
            match format {
                Format::Json => {
                    let values: Vec<Value> = rows
                        .iter()
                        .map(|(c, v)| json!({"coalition": c, "value": v}))
                        .collect();
                    write_json(&mut out, &json!({"players": players, "values": values}))
                }
                Format::Csv | Format::Table => {
                    let mut table = Table::new(&["coalition", "value"]).numeric(&[1]);
                    for (c, v) in &rows {
                        table.push(vec![
                            c.join("+"),
                            if *format == Format::Csv {
                                format!("{v}")
                            } else {
                                fmt(*v)
                            },
                        ]);
                    }
                    if *format == Format::Csv {
                        table.write_csv(&mut out)
                    } else {
                        write!(out, "Coalition values\n\n{}", table.render(80))?;
                        Ok(())
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn network_file(name: &str, text: &str) -> PathBuf {
        let path =
            std::env::temp_dir().join(format!("orbit-game-{}-{name}.json", std::process::id()));
        std::fs::write(&path, text).unwrap();
        path
    }

    /// Defect 14: `game values` printed `inf` for a network whose value overflows, where `game
    /// shapley` rejects the same file; both now refuse it, naming the coalition.
    #[test]
    fn values_refuses_what_shapley_refuses() {
        let path = network_file(
            "overflow",
            r#"{"players": ["A", "B"], "kind": "surplus",
                "nodes": [{"id": "S", "supply": 10}, {"id": "M", "demand": 10, "value": 1e308}],
                "links": [{"from": "S", "to": "M", "capacity": 10, "owner": "A"},
                          {"from": "S", "to": "M", "capacity": 10, "owner": "B"}]}"#,
        );
        let input = || GameInput {
            game: None,
            network: Some(path.clone()),
        };
        let values = run(&GameCommand::Values {
            input: input(),
            format: Format::Json,
        });
        let shapley = run(&GameCommand::Shapley {
            input: input(),
            method: MethodArg::Exact,
            permutations: 1000,
            seed: 1,
            format: Format::Json,
        });
        std::fs::remove_file(&path).ok();
        let message = values.expect_err("values must refuse").to_string();
        assert!(message.contains("not finite"), "{message}");
        assert!(shapley.is_err());
    }
}
