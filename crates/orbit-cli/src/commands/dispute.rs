//! `orbit dispute`: the 2004, 2006–07 and 2010 gas disputes as escalation games built from
//! the scenario (subgame-perfect path, record, counterfactuals, Monte Carlo), Gambit exports,
//! and `--game FILE.json` to solve a user's own tree.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use orbit_models::disputes::{self, DisputeReport, DisputeSettings, EPISODES};
use orbit_models::extensive::gambit::{write_efg, write_nfg};
use orbit_models::extensive::lemke_howson::lemke_howson;
use orbit_models::extensive::normal::{
    MAX_VERTEX_LABELS, MixedEquilibrium, NormalForm, extreme_equilibria, pure_equilibria,
    reduced_normal_form,
};
use orbit_models::extensive::{Game, GameSpec, NodeKind, backward_induction};
use serde::Serialize;

use super::{InvalidInput, load_world};
use crate::output::{Format, Table, percent, write_json};

#[derive(Debug, Args)]
pub struct DisputeArgs {
    /// Episode: 2004, 2006-07 or 2010 (repeatable; default all three)
    #[arg(long = "episode", value_name = "EPISODE")]
    episodes: Vec<String>,
    /// Solve this game instead (JSON: {"title", "players", "root": {"type": "decision" |
    /// "chance" | "terminal", ...}})
    #[arg(long, value_name = "FILE.json", conflicts_with = "episodes")]
    game: Option<PathBuf>,
    /// Write the game (one episode's central game, or --game) as a Gambit .efg file
    #[arg(long, value_name = "FILE")]
    efg: Option<PathBuf>,
    /// Write its reduced normal form as a Gambit .nfg file
    #[arg(long, value_name = "FILE")]
    nfg: Option<PathBuf>,
    /// Overwrite existing export files
    #[arg(long)]
    force: bool,
    /// Also solve each episode's central game in normal form (pure and, when small enough,
    /// all extreme mixed equilibria)
    #[arg(long)]
    equilibria: bool,
    /// Monte Carlo draws over the uncertain parameters
    #[arg(long, default_value_t = 1000, value_name = "N")]
    draws: usize,
    /// Master seed (draw k uses ChaCha8 stream k)
    #[arg(long, default_value_t = 13, value_name = "SEED")]
    seed: u64,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// A game solved every way that applies.
#[derive(Debug, Serialize)]
pub struct GameAnalysis {
    pub title: String,
    pub players: Vec<String>,
    pub nodes: usize,
    pub perfect_information: bool,
    /// Subgame-perfect equilibrium (perfect information only).
    pub subgame_perfect: Option<SubgamePerfectSummary>,
    pub normal_form: NormalFormSummary,
}

#[derive(Debug, Serialize)]
pub struct SubgamePerfectSummary {
    pub path: Vec<String>,
    pub outcome: Option<String>,
    pub payoffs: Vec<f64>,
    /// The action index taken at each decision node, in pre-order.
    pub choices: Vec<usize>,
    pub ties: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct NormalFormSummary {
    pub strategies: Vec<Vec<String>>,
    /// Pure Nash equilibria as strategy indices.
    pub pure_equilibria: Vec<Vec<usize>>,
    /// Every extreme mixed equilibrium (two players, at most the vertex-enumeration limit).
    pub mixed_equilibria: Option<Vec<MixedEquilibrium>>,
    /// Why the mixed equilibria are absent.
    pub mixed_note: Option<String>,
    /// One equilibrium by Lemke–Howson from missing label 0 (player 1's first strategy), for
    /// every two-player game, also those over the vertex-enumeration limit.
    pub lemke_howson: Option<MixedEquilibrium>,
    /// Why Lemke–Howson gave no equilibrium.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lemke_howson_note: Option<String>,
}

pub fn analyse(game: &Game) -> Result<GameAnalysis> {
    let subgame_perfect = if game.is_perfect_information() {
        let spe = backward_induction(game)?;
        let choices = game
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| matches!(n.kind, NodeKind::Decision { .. }))
            .map(|(v, _)| spe.choice[v].unwrap_or(0))
            .collect();
        Some(SubgamePerfectSummary {
            path: spe
                .path
                .iter()
                .map(|s| format!("{}: {}", s.player, s.action))
                .collect(),
            outcome: spe.outcome,
            payoffs: spe.payoffs,
            choices,
            ties: spe.ties,
        })
    } else {
        None
    };
    let form = reduced_normal_form(game).map_err(|e| InvalidInput(format!("error: {e}")))?;
    Ok(GameAnalysis {
        title: game.title.clone(),
        players: game.players.clone(),
        nodes: game.nodes.len(),
        perfect_information: game.is_perfect_information(),
        subgame_perfect,
        normal_form: summarise(&form),
    })
}

fn summarise(form: &NormalForm) -> NormalFormSummary {
    let (mixed, note) = if form.players.len() != 2 {
        (
            None,
            Some("mixed equilibria are computed for two players only".into()),
        )
    } else if form.strategies[0].len() + form.strategies[1].len() > MAX_VERTEX_LABELS {
        (
            None,
            Some(format!(
                "{} + {} strategies exceed the vertex-enumeration limit of {MAX_VERTEX_LABELS}",
                form.strategies[0].len(),
                form.strategies[1].len()
            )),
        )
    } else {
        match extreme_equilibria(form) {
            Ok(e) => (Some(e), None),
            Err(e) => (None, Some(e.to_string())),
        }
    };
    let (lemke_howson, lemke_howson_note) = if form.players.len() == 2 {
        match lemke_howson(form, 0) {
            Ok(e) => (Some(e), None),
            Err(e) => (None, Some(e.to_string())),
        }
    } else {
        (None, Some("Lemke-Howson needs two players".into()))
    };
    NormalFormSummary {
        strategies: form.strategies.clone(),
        pure_equilibria: pure_equilibria(form),
        mixed_equilibria: mixed,
        mixed_note: note,
        lemke_howson,
        lemke_howson_note,
    }
}

#[derive(Debug, Serialize)]
struct DisputeOutput<'a> {
    #[serde(flatten)]
    report: &'a DisputeReport,
    /// Normal-form solutions of the central games (with `--equilibria`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    games: Vec<GameAnalysis>,
}

pub fn run(scenario: Option<&Path>, args: &DisputeArgs) -> Result<()> {
    if let Some(path) = &args.game {
        let game = read_game(path)?;
        export(&game, args)?;
        let analysis = analyse(&game)?;
        let mut out = std::io::stdout().lock();
        return match args.format {
            Format::Json => write_json(&mut out, &analysis),
            Format::Csv => analysis_table(&analysis).write_csv(&mut out),
            Format::Table => {
                write!(out, "{}", render_analysis(&analysis))?;
                Ok(())
            }
        };
    }
    for e in &args.episodes {
        if !EPISODES.contains(&e.as_str()) {
            return Err(InvalidInput(format!(
                "error: unknown episode `{e}`\n  = hint: one of {}",
                EPISODES.join(", ")
            ))
            .into());
        }
    }
    if args.draws == 0 {
        return Err(InvalidInput("error: `--draws` must be at least 1".into()).into());
    }
    let world = load_world(scenario)?;
    if args.efg.is_some() || args.nfg.is_some() {
        if args.episodes.len() != 1 {
            return Err(InvalidInput(
                "error: `--efg` and `--nfg` export one game\n  = hint: name one `--episode`, or pass `--game FILE.json`".into(),
            )
            .into());
        }
        let game = disputes::central_game(&world, &args.episodes[0])
            .map_err(|e| InvalidInput(format!("error: {e}")))?;
        export(&game.game, args)?;
    }
    let settings = DisputeSettings {
        draws: args.draws,
        seed: args.seed,
    };
    let report = disputes::disputes(&world, &args.episodes, &settings)
        .map_err(|e| InvalidInput(format!("error: {e}")))?;
    let games = if args.equilibria {
        report
            .episodes
            .iter()
            .map(|e| {
                let g = disputes::central_game(&world, &e.episode)
                    .map_err(|err| InvalidInput(format!("error: {err}")))?;
                analyse(&g.game)
            })
            .collect::<Result<Vec<_>>>()?
    } else {
        Vec::new()
    };
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => write_json(
            &mut out,
            &DisputeOutput {
                report: &report,
                games,
            },
        ),
        Format::Csv => long_table(&report).write_csv(&mut out),
        Format::Table => {
            write!(out, "{}", render(&report))?;
            for g in &games {
                write!(out, "\n{}", render_analysis(g))?;
            }
            Ok(())
        }
    }
}

/// Reads a user's game; JSON errors carry line and column, tree errors the node's path.
fn read_game(path: &Path) -> Result<Game> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read `{}`", path.display()))?;
    let spec: GameSpec = serde_json::from_str(&text).map_err(|e| {
        InvalidInput(format!(
            "error: {}:{}:{}: not a valid game file: {e}\n  = hint: expected {{\"players\": [\"A\", \"B\"], \"root\": {{\"type\": \"decision\", \"player\": \"A\", \"moves\": [{{\"action\": \"x\", \"child\": {{\"type\": \"terminal\", \"payoffs\": [1, 0]}}}}]}}}}",
            path.display(),
            e.line(),
            e.column()
        ))
    })?;
    Game::new(&spec).map_err(|e| InvalidInput(format!("error: {}: {e}", path.display())).into())
}

/// Writes the `--efg` / `--nfg` files, never over an existing file without `--force`.
fn export(game: &Game, args: &DisputeArgs) -> Result<()> {
    let mut files: Vec<(&PathBuf, String)> = Vec::new();
    if let Some(path) = &args.efg {
        files.push((path, write_efg(game)));
    }
    if let Some(path) = &args.nfg {
        let form = reduced_normal_form(game).map_err(|e| InvalidInput(format!("error: {e}")))?;
        files.push((path, write_nfg(&form)));
    }
    // Check every target before writing any, so a refusal leaves nothing half done.
    for (path, _) in &files {
        if path.exists() && !args.force {
            return Err(InvalidInput(format!(
                "error: `{}` already exists\n  = hint: pass `--force` to overwrite it",
                path.display()
            ))
            .into());
        }
    }
    for (path, text) in files {
        std::fs::write(path, text).with_context(|| format!("cannot write `{}`", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

fn money(x: f64) -> String {
    format!("{x:.1}")
}

fn render(report: &DisputeReport) -> String {
    let mut out = String::from(
        "Gas disputes as escalation games: Russia (RUS) against Belarus (BLR), payoffs in USD m \
         against the status quo, solved by backward induction (docs/models/disputes.md)\n",
    );
    let mut ranges =
        Table::new(&["parameter", "what", "low", "high", "unit", "basis"]).numeric(&[2, 3]);
    for r in &report.ranges {
        ranges.push(vec![
            r.symbol.clone(),
            r.name.clone(),
            format!("{}", r.low),
            format!("{}", r.high),
            r.unit.clone(),
            r.basis.clone(),
        ]);
    }
    let _ = write!(
        out,
        "\nUncertain parameters (central game: midpoints; Monte Carlo: uniform)\n{}",
        ranges.render(70)
    );
    for e in &report.episodes {
        let _ = write!(out, "\n== {} ({}) ==\n", e.episode, e.inputs.network);
        let mut figures =
            Table::new(&["symbol", "figure", "value", "unit", "kind", "derivation"]).numeric(&[2]);
        for f in &e.inputs.figures {
            figures.push(vec![
                f.symbol.clone(),
                f.name.clone(),
                format!("{:.4}", f.value)
                    .trim_end_matches('0')
                    .trim_end_matches('.')
                    .to_string(),
                f.unit.clone(),
                if f.borrowed_from.is_empty() {
                    f.kind.clone()
                } else {
                    let years: Vec<String> = f.borrowed_from.iter().map(i32::to_string).collect();
                    format!("{}, borrowed from {}", f.kind, years.join(", "))
                },
                f.derivation.clone(),
            ]);
        }
        out.push_str(&figures.render(90));
        let s = &e.solution;
        let path: Vec<String> = s
            .path
            .iter()
            .map(|p| format!("{}: {}", p.player, p.action))
            .collect();
        let _ = writeln!(
            out,
            "\nequilibrium ({} moves): {}\n  outcome: {}; payoffs RUS {} / BLR {}; stake paid {}, claim paid {}, asset sold: {}",
            s.length,
            path.join(" → "),
            s.outcome,
            money(s.payoffs[0]),
            money(s.payoffs[1]),
            money(s.terms.stake_paid),
            money(s.terms.counterclaim_paid),
            if s.terms.asset_sold { "yes" } else { "no" }
        );
        let _ = writeln!(
            out,
            "recorded ({} moves): {}\n  terms: {}\n  note: {}\n  same first {} moves",
            e.recorded.length,
            e.recorded.path.join(" → "),
            e.recorded.terms,
            e.recorded.note,
            e.common_prefix
        );
        let mut mc =
            Table::new(&["share", "draws", "outcome", "equilibrium path"]).numeric(&[0, 1]);
        for p in &e.monte_carlo {
            mc.push(vec![
                percent(p.share),
                p.draws.to_string(),
                p.outcome.clone(),
                p.path.clone(),
            ]);
        }
        let _ = write!(
            out,
            "\nMonte Carlo ({} draws, seed {}):\n{}",
            report.settings.draws,
            report.settings.seed,
            mc.render(120)
        );
        let mut cf = Table::new(&[
            "counterfactual",
            "W bcm/yr",
            "v(N)",
            "equilibrium outcome",
            "moves",
            "top Monte Carlo path",
        ])
        .numeric(&[1, 2, 4]);
        for c in &e.counterfactuals {
            let top = c.monte_carlo.first().map_or("-".to_string(), |p| {
                format!("{} ({})", p.outcome, percent(p.share))
            });
            cf.push(vec![
                c.name.clone(),
                format!("{:.1}", c.transit_at_risk),
                format!("{:.1}", c.deliverable),
                c.solution.outcome.clone(),
                c.solution.length.to_string(),
                top,
            ]);
        }
        let _ = write!(
            out,
            "\nCounterfactuals (W as recorded: {:.1} of {:.1} bcm/yr):\n{}",
            e.inputs.transit_at_risk,
            e.inputs.deliverable,
            cf.render(70)
        );
    }
    out
}

fn long_table(report: &DisputeReport) -> Table {
    let mut t = Table::new(&[
        "episode", "network", "kind", "outcome", "moves", "share", "path",
    ]);
    for e in &report.episodes {
        let path = |p: &[orbit_models::extensive::PathStep]| {
            p.iter()
                .map(|s| format!("{}: {}", s.player, s.action))
                .collect::<Vec<_>>()
                .join(" → ")
        };
        t.push(vec![
            e.episode.clone(),
            "as recorded".into(),
            "equilibrium".into(),
            e.solution.outcome.clone(),
            e.solution.length.to_string(),
            String::new(),
            path(&e.solution.path),
        ]);
        t.push(vec![
            e.episode.clone(),
            "as recorded".into(),
            "recorded".into(),
            e.recorded.terms.clone(),
            e.recorded.length.to_string(),
            String::new(),
            e.recorded.path.join(" → "),
        ]);
        for p in &e.monte_carlo {
            t.push(vec![
                e.episode.clone(),
                "as recorded".into(),
                "monte_carlo".into(),
                p.outcome.clone(),
                p.path.matches(" → ").count().saturating_add(1).to_string(),
                p.share.to_string(),
                p.path.clone(),
            ]);
        }
        for c in &e.counterfactuals {
            t.push(vec![
                e.episode.clone(),
                c.name.clone(),
                "equilibrium".into(),
                c.solution.outcome.clone(),
                c.solution.length.to_string(),
                String::new(),
                path(&c.solution.path),
            ]);
            for p in &c.monte_carlo {
                t.push(vec![
                    e.episode.clone(),
                    c.name.clone(),
                    "monte_carlo".into(),
                    p.outcome.clone(),
                    p.path.matches(" → ").count().saturating_add(1).to_string(),
                    p.share.to_string(),
                    p.path.clone(),
                ]);
            }
        }
    }
    t
}

fn render_analysis(a: &GameAnalysis) -> String {
    let mut out = format!(
        "Game: {} ({} players, {} nodes, {} information)\n",
        a.title,
        a.players.len(),
        a.nodes,
        if a.perfect_information {
            "perfect"
        } else {
            "imperfect"
        }
    );
    if let Some(s) = &a.subgame_perfect {
        let _ = writeln!(
            out,
            "subgame-perfect path: {}\n  outcome: {}; payoffs: {}",
            s.path.join(" → "),
            s.outcome.as_deref().unwrap_or("(ends at a chance node)"),
            s.payoffs
                .iter()
                .map(|p| format!("{p}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        if !s.ties.is_empty() {
            let _ = writeln!(out, "  ties (first action taken): {}", s.ties.join("; "));
        }
    }
    let nf = &a.normal_form;
    let _ = writeln!(
        out,
        "reduced normal form: {} strategies",
        nf.strategies
            .iter()
            .map(|s| s.len().to_string())
            .collect::<Vec<_>>()
            .join(" × ")
    );
    for p in &nf.pure_equilibria {
        let labels: Vec<String> = p
            .iter()
            .enumerate()
            .map(|(i, &s)| format!("{}={}", a.players[i], nf.strategies[i][s]))
            .collect();
        let _ = writeln!(out, "  pure equilibrium: {}", labels.join(", "));
    }
    match (&nf.mixed_equilibria, &nf.mixed_note) {
        (Some(eqs), _) => {
            for e in eqs {
                let probs: Vec<String> = e
                    .strategies
                    .iter()
                    .map(|s| {
                        format!(
                            "({})",
                            s.iter()
                                .map(|p| format!("{p:.6}"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    })
                    .collect();
                let _ = writeln!(
                    out,
                    "  extreme equilibrium: {} payoffs {}",
                    probs.join(" "),
                    e.payoffs
                        .iter()
                        .map(|p| format!("{p:.6}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
        }
        (None, Some(note)) => {
            let _ = writeln!(out, "  mixed equilibria not computed: {note}");
        }
        _ => {}
    }
    if let Some(e) = &nf.lemke_howson {
        // Only the support: the dispute games have hundreds of strategies.
        let support: Vec<String> = e
            .strategies
            .iter()
            .enumerate()
            .map(|(i, probs)| {
                let played: Vec<String> = probs
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| **p > 1e-12)
                    .map(|(s, p)| format!("{} {p:.6}", nf.strategies[i][s]))
                    .collect();
                format!("{}: {}", a.players[i], played.join(", "))
            })
            .collect();
        let _ = writeln!(
            out,
            "  Lemke-Howson (missing label 1): {}; payoffs {}",
            support.join("; "),
            e.payoffs
                .iter()
                .map(|p| format!("{p:.6}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    out
}

fn analysis_table(a: &GameAnalysis) -> Table {
    let mut t = Table::new(&["kind", "strategies", "payoffs"]);
    if let Some(s) = &a.subgame_perfect {
        t.push(vec![
            "subgame_perfect".into(),
            s.path.join(" → "),
            s.payoffs
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join(" "),
        ]);
    }
    let extreme = a
        .normal_form
        .mixed_equilibria
        .iter()
        .flatten()
        .map(|e| ("extreme_equilibrium", e));
    let lemke = a
        .normal_form
        .lemke_howson
        .iter()
        .map(|e| ("lemke_howson", e));
    for (kind, e) in extreme.chain(lemke) {
        t.push(vec![
            kind.into(),
            e.strategies
                .iter()
                .map(|s| {
                    s.iter()
                        .map(|p| p.to_string())
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect::<Vec<_>>()
                .join(" | "),
            e.payoffs
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join(" "),
        ]);
    }
    t
}
