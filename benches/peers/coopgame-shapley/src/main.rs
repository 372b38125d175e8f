//! The straightforward program over `coopgame` 0.3.1: read an orbit game file
//! (`{"players": [..], "values": [{"coalition": [..], "value": x}, ..]}`) with `serde_json`
//! into structs, map the names to bits, build `coopgame::ExplicitGame::from_binary` and print
//! `coopgame::values::shapley`, one `player,value` line each (17 significant digits).
//! Usage: `coopgame-shapley-peer FILE.json`.

use std::collections::HashMap;

use serde::Deserialize;

#[derive(Deserialize)]
struct GameFile {
    players: Vec<String>,
    values: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    coalition: Vec<String>,
    value: f64,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: coopgame-shapley-peer FILE.json")?;
    let text = std::fs::read_to_string(&path)?;
    let file: GameFile = serde_json::from_str(&text)?;
    let n = file.players.len();
    let index: HashMap<&str, usize> = file
        .players
        .iter()
        .enumerate()
        .map(|(i, p)| (p.as_str(), i))
        .collect();
    // from_binary takes v(S) for S = 1 .. 2^n - 1 in bit order.
    let mut values = vec![f64::NAN; (1usize << n) - 1];
    for entry in &file.values {
        let mut mask = 0usize;
        for name in &entry.coalition {
            mask |= 1 << index.get(name.as_str()).ok_or("unknown player")?;
        }
        values[mask - 1] = entry.value;
    }
    let game = coopgame::ExplicitGame::from_binary(&values).map_err(|e| e.to_string())?;
    let phi = coopgame::values::shapley(&game);
    for (player, value) in file.players.iter().zip(phi) {
        println!("{player},{value:.17e}");
    }
    Ok(())
}
