//! Gambit's text formats (The Gambit Project, "Game representation formats",
//! gambit.sourceforge.net/gambit14/formats.html): the extensive form `.efg` ("EFG 2 R",
//! nodes in pre-order as `p`/`c`/`t` lines) and the strategic form `.nfg` ("NFG 1 R", the
//! outcome version with strategy labels; the payoff version is also read).
//!
//! Numbers are written with Rust's shortest round-trip decimal form (never an exponent, so
//! Gambit reads them exactly as decimals); integers, decimals, exponents and rationals `a/b`
//! are read. Every read error names the line and column.

use std::fmt::Write as _;

use thiserror::Error;

use super::normal::NormalForm;
use super::{ChanceMoveSpec, Game, GameError, GameSpec, MoveSpec, NodeKind, TreeSpec};

/// The deepest tree [`read_efg`] builds (the nested spec is validated recursively).
pub const MAX_EFG_DEPTH: usize = 1_000;

/// A problem in a Gambit file.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum GambitError {
    /// The text does not follow the format.
    #[error("{line}:{column}: {message}")]
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column (in characters).
        column: usize,
        /// What was expected.
        message: String,
    },
    /// The file parsed but does not describe a valid game.
    #[error("the game in the file is not valid: {0}")]
    Game(#[from] GameError),
}

fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// A number as Gambit reads it: Rust's shortest round-trip form (`0.1`, `-3`, `1250.5`).
fn number(x: f64) -> String {
    if x == 0.0 {
        // Avoid "-0".
        return "0".into();
    }
    format!("{x}")
}

/// Writes a game as a Gambit `.efg` file (version 2, rational payoffs). Each terminal node
/// gets its own outcome; chance nodes get their own chance information sets.
pub fn write_efg(game: &Game) -> String {
    let mut out = String::new();
    let players: Vec<String> = game.players.iter().map(|p| quote(p)).collect();
    let _ = writeln!(
        out,
        "EFG 2 R {} {{ {} }}\n\"\"\n",
        quote(&game.title),
        players.join(" ")
    );
    // Per-player information-set numbers (1-based, in order of first appearance).
    let mut number_of = vec![0usize; game.infosets.len()];
    let mut count = vec![0usize; game.players.len()];
    for (h, set) in game.infosets.iter().enumerate() {
        count[set.player] += 1;
        number_of[h] = count[set.player];
    }
    // Gambit (16.7) refuses a file whose non-empty node labels repeat: a repeated label gets
    // ` #k` for its k-th use.
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let labels: Vec<String> = game
        .nodes
        .iter()
        .map(|n| {
            if n.name.is_empty() {
                return String::new();
            }
            let k = seen.entry(n.name.as_str()).or_insert(0);
            *k += 1;
            if *k == 1 {
                n.name.clone()
            } else {
                format!("{} #{k}", n.name)
            }
        })
        .collect();
    let mut outcome = 0;
    let mut chance_sets = 0;
    for (node, label) in game.nodes.iter().zip(&labels) {
        match &node.kind {
            NodeKind::Terminal { payoffs } => {
                outcome += 1;
                let p: Vec<String> = payoffs.iter().map(|&x| number(x)).collect();
                let _ = writeln!(
                    out,
                    "t {} {} {} {{ {} }}",
                    quote(label),
                    outcome,
                    quote(label),
                    p.join(", ")
                );
            }
            NodeKind::Chance {
                actions,
                probabilities,
                ..
            } => {
                chance_sets += 1;
                let moves: Vec<String> = actions
                    .iter()
                    .zip(probabilities)
                    .map(|(a, &p)| format!("{} {}", quote(a), number(p)))
                    .collect();
                let _ = writeln!(
                    out,
                    "c {} {} \"\" {{ {} }} 0",
                    quote(label),
                    chance_sets,
                    moves.join(" ")
                );
            }
            NodeKind::Decision { infoset, .. } => {
                let set = &game.infosets[*infoset];
                let actions: Vec<String> = set.actions.iter().map(|a| quote(a)).collect();
                let _ = writeln!(
                    out,
                    "p {} {} {} {} {{ {} }} 0",
                    quote(label),
                    set.player + 1,
                    number_of[*infoset],
                    quote(&set.name),
                    actions.join(" ")
                );
            }
        }
    }
    out
}

/// Writes a strategic form as a Gambit `.nfg` file (outcome version: one outcome per
/// profile, player 1's strategy varying fastest).
pub fn write_nfg(form: &NormalForm) -> String {
    let mut out = String::new();
    let players: Vec<String> = form.players.iter().map(|p| quote(p)).collect();
    let _ = writeln!(
        out,
        "NFG 1 R {} {{ {} }}\n",
        quote(&form.title),
        players.join(" ")
    );
    out.push('{');
    for s in &form.strategies {
        let labels: Vec<String> = s.iter().map(|l| quote(l)).collect();
        let _ = writeln!(out, " {{ {} }}", labels.join(" "));
    }
    out.push_str("}\n\"\"\n\n{\n");
    let n = form.players.len();
    let profiles = form.profiles();
    for k in 0..profiles {
        let p: Vec<String> = form.payoffs[k * n..(k + 1) * n]
            .iter()
            .map(|&x| number(x))
            .collect();
        let _ = writeln!(out, "{{ \"\" {} }}", p.join(", "));
    }
    out.push_str("}\n");
    let indices: Vec<String> = (1..=profiles).map(|k| k.to_string()).collect();
    out.push_str(&indices.join(" "));
    out.push('\n');
    out
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Num(f64),
    Open,
    Close,
    Comma,
}

#[derive(Debug)]
struct Lexer<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    line: usize,
    column: usize,
    peeked: Option<(Tok, usize, usize)>,
}

impl<'a> Lexer<'a> {
    fn new(text: &'a str) -> Self {
        Lexer {
            chars: text.chars().peekable(),
            line: 1,
            column: 1,
            peeked: None,
        }
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.chars.next()?;
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(c)
    }

    fn error<T>(line: usize, column: usize, message: impl Into<String>) -> Result<T, GambitError> {
        Err(GambitError::Syntax {
            line,
            column,
            message: message.into(),
        })
    }

    fn read(&mut self) -> Result<Option<(Tok, usize, usize)>, GambitError> {
        if let Some(t) = self.peeked.take() {
            return Ok(Some(t));
        }
        while self.chars.peek().is_some_and(|c| c.is_whitespace()) {
            self.bump();
        }
        let (line, column) = (self.line, self.column);
        let Some(&c) = self.chars.peek() else {
            return Ok(None);
        };
        let tok = match c {
            '{' => {
                self.bump();
                Tok::Open
            }
            '}' => {
                self.bump();
                Tok::Close
            }
            ',' => {
                self.bump();
                Tok::Comma
            }
            '"' => {
                self.bump();
                let mut s = String::new();
                loop {
                    match self.bump() {
                        None => return Self::error(line, column, "unterminated string"),
                        Some('\\') => match self.bump() {
                            Some(e) => s.push(e),
                            None => return Self::error(line, column, "unterminated string"),
                        },
                        Some('"') => break,
                        Some(ch) => s.push(ch),
                    }
                }
                Tok::Str(s)
            }
            c if c.is_ascii_digit() || c == '-' || c == '+' || c == '.' => {
                let mut s = String::new();
                while let Some(&d) = self.chars.peek() {
                    if d.is_ascii_alphanumeric() || matches!(d, '.' | '-' | '+' | '/') {
                        s.push(d);
                        self.bump();
                    } else {
                        break;
                    }
                }
                Tok::Num(parse_number(&s).ok_or_else(|| GambitError::Syntax {
                    line,
                    column,
                    message: format!("`{s}` is not a number"),
                })?)
            }
            c if c.is_ascii_alphabetic() => {
                let mut s = String::new();
                while let Some(&d) = self.chars.peek() {
                    if d.is_ascii_alphanumeric() {
                        s.push(d);
                        self.bump();
                    } else {
                        break;
                    }
                }
                Tok::Word(s)
            }
            other => return Self::error(line, column, format!("unexpected character `{other}`")),
        };
        Ok(Some((tok, line, column)))
    }

    fn peek(&mut self) -> Result<Option<&Tok>, GambitError> {
        if self.peeked.is_none() {
            self.peeked = self.read()?;
        }
        Ok(self.peeked.as_ref().map(|t| &t.0))
    }

    /// Where the next token starts.
    fn position(&mut self) -> (usize, usize) {
        if let Some((_, l, c)) = &self.peeked {
            return (*l, *c);
        }
        while self.chars.peek().is_some_and(|c| c.is_whitespace()) {
            self.bump();
        }
        (self.line, self.column)
    }

    fn next(&mut self, what: &str) -> Result<(Tok, usize, usize), GambitError> {
        let (l, c) = self.position();
        self.read()?.map_or_else(
            || Self::error(l, c, format!("expected {what}, found the end of the file")),
            Ok,
        )
    }

    fn string(&mut self, what: &str) -> Result<String, GambitError> {
        match self.next(what)? {
            (Tok::Str(s), _, _) => Ok(s),
            (t, l, c) => Self::error(
                l,
                c,
                format!("expected {what} (a quoted string), found {}", show(&t)),
            ),
        }
    }

    fn number(&mut self, what: &str) -> Result<f64, GambitError> {
        match self.next(what)? {
            (Tok::Num(x), _, _) => Ok(x),
            (t, l, c) => Self::error(
                l,
                c,
                format!("expected {what} (a number), found {}", show(&t)),
            ),
        }
    }

    fn count(&mut self, what: &str) -> Result<(usize, usize, usize), GambitError> {
        match self.next(what)? {
            (Tok::Num(x), l, c) if x >= 0.0 && x.fract() == 0.0 && x < 1e9 => {
                Ok((x as usize, l, c))
            }
            (t, l, c) => Self::error(
                l,
                c,
                format!(
                    "expected {what} (a non-negative integer), found {}",
                    show(&t)
                ),
            ),
        }
    }

    fn expect(&mut self, want: Tok, what: &str) -> Result<(), GambitError> {
        let (t, l, c) = self.next(what)?;
        if t == want {
            Ok(())
        } else {
            Self::error(l, c, format!("expected {what}, found {}", show(&t)))
        }
    }

    fn strings_in_braces(&mut self, what: &str) -> Result<Vec<String>, GambitError> {
        self.expect(Tok::Open, &format!("`{{` opening the {what}"))?;
        let mut out = Vec::new();
        loop {
            match self.next(what)? {
                (Tok::Close, _, _) => return Ok(out),
                (Tok::Str(s), _, _) => out.push(s),
                (t, l, c) => {
                    return Self::error(
                        l,
                        c,
                        format!("expected a quoted {what} or `}}`, found {}", show(&t)),
                    );
                }
            }
        }
    }

    fn numbers_in_braces(&mut self, what: &str) -> Result<Vec<f64>, GambitError> {
        self.expect(Tok::Open, &format!("`{{` opening the {what}"))?;
        let mut out = Vec::new();
        loop {
            match self.next(what)? {
                (Tok::Close, _, _) => return Ok(out),
                (Tok::Comma, _, _) => {}
                (Tok::Num(x), _, _) => out.push(x),
                (t, l, c) => {
                    return Self::error(
                        l,
                        c,
                        format!(
                            "expected a number or `}}` in the {what}, found {}",
                            show(&t)
                        ),
                    );
                }
            }
        }
    }
}

fn show(t: &Tok) -> String {
    match t {
        Tok::Word(w) => format!("`{w}`"),
        Tok::Str(s) => format!("the string {s:?}"),
        Tok::Num(x) => format!("the number {x}"),
        Tok::Open => "`{`".into(),
        Tok::Close => "`}`".into(),
        Tok::Comma => "`,`".into(),
    }
}

fn parse_number(s: &str) -> Option<f64> {
    let x = match s.split_once('/') {
        Some((a, b)) => {
            let a: f64 = a.parse().ok()?;
            let b: f64 = b.parse().ok()?;
            if b == 0.0 {
                return None;
            }
            a / b
        }
        None => s.parse().ok()?,
    };
    x.is_finite().then_some(x)
}

fn header(
    lex: &mut Lexer,
    magic: &str,
    version: f64,
) -> Result<(String, Vec<String>), GambitError> {
    match lex.next(&format!("`{magic}`"))? {
        (Tok::Word(w), _, _) if w == magic => {}
        (t, l, c) => {
            return Lexer::error(
                l,
                c,
                format!("expected `{magic}` at the start, found {}", show(&t)),
            );
        }
    }
    let (l, c) = lex.position();
    let v = lex.number("the format version")?;
    if v != version {
        return Lexer::error(l, c, format!("only version {version} is read, found {v}"));
    }
    match lex.next("`R` or `D`")? {
        (Tok::Word(w), _, _) if w == "R" || w == "D" => {}
        (t, l, c) => return Lexer::error(l, c, format!("expected `R` or `D`, found {}", show(&t))),
    }
    let title = lex.string("the title")?;
    let players = lex.strings_in_braces("player names")?;
    Ok((title, players))
}

/// One `.efg` node line, before the tree is assembled.
#[derive(Debug)]
enum Line {
    Personal {
        name: String,
        player: usize,
        infoset: usize,
        actions: Option<Vec<String>>,
        infoset_name: String,
        outcome: Vec<f64>,
        at: (usize, usize),
    },
    Chance {
        name: String,
        moves: Option<Vec<(String, f64)>>,
        infoset: usize,
        outcome: Vec<f64>,
        at: (usize, usize),
    },
    Terminal {
        name: String,
        outcome: Vec<f64>,
        at: (usize, usize),
    },
}

/// Reads `outcome [ "name" { payoffs } ]`; an outcome number seen before may come without
/// its payoffs.
fn outcome(
    lex: &mut Lexer,
    outcomes: &mut Vec<Option<Vec<f64>>>,
    players: usize,
) -> Result<Vec<f64>, GambitError> {
    let (k, l, c) = lex.count("an outcome number")?;
    if k == 0 {
        return Ok(vec![0.0; players]);
    }
    if matches!(lex.peek()?, Some(Tok::Str(_))) {
        lex.string("the outcome name")?;
        let (pl, pc) = lex.position();
        let payoffs = lex.numbers_in_braces("outcome payoffs")?;
        if payoffs.len() != players {
            return Lexer::error(
                pl,
                pc,
                format!(
                    "{} payoffs given, the game has {players} players",
                    payoffs.len()
                ),
            );
        }
        if outcomes.len() < k {
            outcomes.resize(k, None);
        }
        outcomes[k - 1] = Some(payoffs.clone());
        Ok(payoffs)
    } else {
        match outcomes.get(k - 1).cloned().flatten() {
            Some(p) => Ok(p),
            None => Lexer::error(
                l,
                c,
                format!("outcome {k} is used before its payoffs are given"),
            ),
        }
    }
}

/// Reads a Gambit `.efg` file (version 2). Outcomes at non-terminal nodes are added to the
/// payoffs of every terminal node below them, as Gambit does.
pub fn read_efg(text: &str) -> Result<Game, GambitError> {
    let mut lex = Lexer::new(text);
    let (title, players) = header(&mut lex, "EFG", 2.0)?;
    if matches!(lex.peek()?, Some(Tok::Str(_))) {
        lex.string("the comment")?;
    }
    let n = players.len();
    let mut lines = Vec::new();
    let mut outcomes: Vec<Option<Vec<f64>>> = Vec::new();
    while let Some((tok, l, c)) = lex.read()? {
        let kind = match tok {
            Tok::Word(w) if w == "p" || w == "c" || w == "t" => w,
            t => {
                return Lexer::error(
                    l,
                    c,
                    format!("expected a node line (`p`, `c` or `t`), found {}", show(&t)),
                );
            }
        };
        let name = lex.string("the node name")?;
        match kind.as_str() {
            "t" => {
                let outcome = outcome(&mut lex, &mut outcomes, n)?;
                lines.push(Line::Terminal {
                    name,
                    outcome,
                    at: (l, c),
                });
            }
            "c" => {
                let (infoset, _, _) = lex.count("the chance information set")?;
                let mut moves = None;
                if matches!(lex.peek()?, Some(Tok::Str(_))) {
                    lex.string("the information set name")?;
                    if matches!(lex.peek()?, Some(Tok::Open)) {
                        lex.expect(Tok::Open, "`{`")?;
                        let mut m = Vec::new();
                        loop {
                            match lex.next("a chance move")? {
                                (Tok::Close, _, _) => break,
                                (Tok::Str(a), _, _) => m.push((a, lex.number("a probability")?)),
                                (t, l, c) => {
                                    return Lexer::error(
                                        l,
                                        c,
                                        format!(
                                            "expected a quoted action or `}}`, found {}",
                                            show(&t)
                                        ),
                                    );
                                }
                            }
                        }
                        moves = Some(m);
                    }
                }
                let outcome = outcome(&mut lex, &mut outcomes, n)?;
                lines.push(Line::Chance {
                    name,
                    moves,
                    infoset,
                    outcome,
                    at: (l, c),
                });
            }
            _ => {
                let (player, pl, pc) = lex.count("the player number")?;
                if player == 0 || player > n {
                    return Lexer::error(
                        pl,
                        pc,
                        format!("player {player} is not one of the {n} players"),
                    );
                }
                let (infoset, _, _) = lex.count("the information set number")?;
                let mut actions = None;
                let mut infoset_name = String::new();
                if matches!(lex.peek()?, Some(Tok::Str(_))) {
                    infoset_name = lex.string("the information set name")?;
                    if matches!(lex.peek()?, Some(Tok::Open)) {
                        actions = Some(lex.strings_in_braces("action labels")?);
                    }
                }
                let outcome = outcome(&mut lex, &mut outcomes, n)?;
                lines.push(Line::Personal {
                    name,
                    player: player - 1,
                    infoset,
                    actions,
                    infoset_name,
                    outcome,
                    at: (l, c),
                });
            }
        }
    }
    if lines.is_empty() {
        let (l, c) = lex.position();
        return Lexer::error(l, c, "the file has no nodes");
    }
    let mut assembler = Assembler {
        lines,
        next: 0,
        players: &players,
        actions_of: Vec::new(),
        chance_moves: Vec::new(),
        end: (lex.line, lex.column),
    };
    let root = assembler.node(&vec![0.0; n], 0)?;
    if assembler.next < assembler.lines.len() {
        let at = match &assembler.lines[assembler.next] {
            Line::Personal { at, .. } | Line::Chance { at, .. } | Line::Terminal { at, .. } => *at,
        };
        return Lexer::error(
            at.0,
            at.1,
            "node lines left over after the tree is complete",
        );
    }
    let names = std::mem::take(&mut assembler.actions_of);
    let mut game = Game::new(&GameSpec {
        title,
        players: players.clone(),
        root,
    })?;
    // Sets were told apart by made-up labels; give them back the names the file had.
    for set in &mut game.infosets {
        if let Some((_, (_, _, original))) =
            names.iter().find(|(_, (_, label, _))| *label == set.name)
        {
            set.name = original.clone();
        }
    }
    Ok(game)
}

/// A personal information set seen in the file: actions, unique label, name in the file.
type KnownSet = (Vec<String>, String, String);

struct Assembler<'a> {
    lines: Vec<Line>,
    next: usize,
    players: &'a [String],
    /// ((player, infoset number), (actions, unique label, name in the file)).
    actions_of: Vec<((usize, usize), KnownSet)>,
    chance_moves: Vec<(usize, Vec<(String, f64)>)>,
    /// The end of the file, for "ends too early".
    end: (usize, usize),
}

impl Assembler<'_> {
    fn node(&mut self, carried: &[f64], depth: usize) -> Result<TreeSpec, GambitError> {
        let index = self.next;
        let Some(line) = self.lines.get(index) else {
            return Lexer::error(
                self.end.0,
                self.end.1,
                "the file ends before the tree is complete",
            );
        };
        if depth > MAX_EFG_DEPTH {
            let (Line::Personal { at, .. } | Line::Chance { at, .. } | Line::Terminal { at, .. }) =
                line;
            return Lexer::error(
                at.0,
                at.1,
                format!("the tree is deeper than {MAX_EFG_DEPTH} levels"),
            );
        }
        self.next += 1;
        let add = |outcome: &[f64]| -> Vec<f64> {
            carried.iter().zip(outcome).map(|(a, b)| a + b).collect()
        };
        match line {
            Line::Terminal { name, outcome, .. } => Ok(TreeSpec::Terminal {
                name: name.clone(),
                payoffs: add(outcome),
            }),
            Line::Personal {
                name,
                player,
                infoset,
                actions,
                infoset_name,
                outcome,
                at,
            } => {
                let (name, player, infoset, at) = (name.clone(), *player, *infoset, *at);
                let carried = add(outcome);
                let known = self
                    .actions_of
                    .iter()
                    .find(|(k, _)| *k == (player, infoset))
                    .map(|(_, (a, l, _))| (a.clone(), l.clone()));
                let (actions, label) = match (actions.clone(), known) {
                    (Some(a), Some((b, _))) if a != b => {
                        return Lexer::error(
                            at.0,
                            at.1,
                            format!(
                                "information set {infoset} of player {} was given other actions before",
                                player + 1
                            ),
                        );
                    }
                    (_, Some(k)) => k,
                    (Some(a), None) => {
                        // Gambit does not require distinct set names; a label is used
                        // only if no other set has it, so sets never merge by accident.
                        let taken = self
                            .actions_of
                            .iter()
                            .any(|(_, (_, l, _))| l == infoset_name);
                        let label = if infoset_name.is_empty() || taken {
                            format!("{}:{infoset}", self.players[player])
                        } else {
                            infoset_name.clone()
                        };
                        self.actions_of.push((
                            (player, infoset),
                            (a.clone(), label.clone(), infoset_name.clone()),
                        ));
                        (a, label)
                    }
                    (None, None) => {
                        return Lexer::error(
                            at.0,
                            at.1,
                            format!(
                                "information set {infoset} of player {} is used before its actions are given",
                                player + 1
                            ),
                        );
                    }
                };
                let mut moves = Vec::with_capacity(actions.len());
                for a in &actions {
                    moves.push(MoveSpec {
                        action: a.clone(),
                        child: self.node(&carried, depth + 1)?,
                    });
                }
                Ok(TreeSpec::Decision {
                    name,
                    player: self.players[player].clone(),
                    infoset: Some(label),
                    moves,
                })
            }
            Line::Chance {
                name,
                moves,
                infoset,
                outcome,
                at,
            } => {
                let (name, infoset, at) = (name.clone(), *infoset, *at);
                let carried = add(outcome);
                let known = self
                    .chance_moves
                    .iter()
                    .find(|(k, _)| *k == infoset)
                    .map(|(_, v)| v.clone());
                let moves = match (moves.clone(), known) {
                    (Some(m), _) => {
                        self.chance_moves.push((infoset, m.clone()));
                        m
                    }
                    (None, Some(m)) => m,
                    (None, None) => {
                        return Lexer::error(
                            at.0,
                            at.1,
                            format!(
                                "chance information set {infoset} is used before its moves are given"
                            ),
                        );
                    }
                };
                let mut out = Vec::with_capacity(moves.len());
                for (a, p) in &moves {
                    out.push(ChanceMoveSpec {
                        action: a.clone(),
                        probability: *p,
                        child: self.node(&carried, depth + 1)?,
                    });
                }
                Ok(TreeSpec::Chance { name, moves: out })
            }
        }
    }
}

/// Reads a Gambit `.nfg` file (version 1), outcome or payoff version.
pub fn read_nfg(text: &str) -> Result<NormalForm, GambitError> {
    let mut lex = Lexer::new(text);
    let (title, players) = header(&mut lex, "NFG", 1.0)?;
    let n = players.len();
    let (l, c) = lex.position();
    lex.expect(Tok::Open, "`{` opening the strategies")?;
    let mut strategies: Vec<Vec<String>> = Vec::new();
    let mut counts: Vec<usize> = Vec::new();
    let outcome_version = matches!(lex.peek()?, Some(Tok::Open));
    if outcome_version {
        while matches!(lex.peek()?, Some(Tok::Open)) {
            strategies.push(lex.strings_in_braces("strategy labels")?);
        }
        lex.expect(Tok::Close, "`}` closing the strategies")?;
    } else {
        loop {
            match lex.next("a strategy count")? {
                (Tok::Close, _, _) => break,
                (Tok::Num(x), _, _) if x >= 1.0 && x.fract() == 0.0 && x < 1e7 => {
                    counts.push(x as usize)
                }
                (t, l, c) => {
                    return Lexer::error(
                        l,
                        c,
                        format!("expected a strategy count or `}}`, found {}", show(&t)),
                    );
                }
            }
        }
        strategies = counts
            .iter()
            .map(|&k| (1..=k).map(|s| s.to_string()).collect())
            .collect();
    }
    if strategies.len() != n {
        return Lexer::error(
            l,
            c,
            format!("{} strategy lists for {n} players", strategies.len()),
        );
    }
    if matches!(lex.peek()?, Some(Tok::Str(_))) {
        lex.string("the comment")?;
    }
    let profiles: usize = strategies
        .iter()
        .try_fold(1usize, |a, s| a.checked_mul(s.len()))
        .filter(|&k| k <= super::normal::MAX_PROFILES)
        .ok_or_else(|| {
            GambitError::Game(GameError::TooLarge("too many strategy profiles".into()))
        })?;
    let mut payoffs = Vec::with_capacity(profiles * n);
    if outcome_version {
        lex.expect(Tok::Open, "`{` opening the outcomes")?;
        let mut outcomes: Vec<Vec<f64>> = Vec::new();
        loop {
            let (pl, pc) = lex.position();
            match lex.next("an outcome or `}`")? {
                (Tok::Close, _, _) => break,
                (Tok::Open, _, _) => {
                    lex.string("the outcome name")?;
                    let mut p = Vec::new();
                    loop {
                        match lex.next("a payoff")? {
                            (Tok::Close, _, _) => break,
                            (Tok::Comma, _, _) => {}
                            (Tok::Num(x), _, _) => p.push(x),
                            (t, l, c) => {
                                return Lexer::error(
                                    l,
                                    c,
                                    format!("expected a payoff or `}}`, found {}", show(&t)),
                                );
                            }
                        }
                    }
                    if p.len() != n {
                        return Lexer::error(
                            pl,
                            pc,
                            format!("{} payoffs given, the game has {n} players", p.len()),
                        );
                    }
                    outcomes.push(p);
                }
                (t, l, c) => {
                    return Lexer::error(
                        l,
                        c,
                        format!(
                            "expected an outcome `{{ \"name\" payoffs }}` or `}}`, found {}",
                            show(&t)
                        ),
                    );
                }
            }
        }
        for _ in 0..profiles {
            let (k, l, c) = lex.count("an outcome number for the next profile")?;
            match k {
                0 => payoffs.extend(std::iter::repeat_n(0.0, n)),
                k if k <= outcomes.len() => payoffs.extend(&outcomes[k - 1]),
                k => {
                    return Lexer::error(
                        l,
                        c,
                        format!("outcome {k} does not exist ({} outcomes)", outcomes.len()),
                    );
                }
            }
        }
    } else {
        for _ in 0..profiles * n {
            payoffs.push(lex.number("a payoff")?);
        }
    }
    if let Some(t) = lex.peek()?.cloned() {
        let (l, c) = lex.position();
        return Lexer::error(
            l,
            c,
            format!("unexpected {} after the last profile", show(&t)),
        );
    }
    Ok(NormalForm::new(title, players, strategies, payoffs)?)
}
