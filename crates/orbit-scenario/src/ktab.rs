//! KTAB's input formats for its Spatial Model of Politics (SMP): the SMP CSV, the XML scenario,
//! and the one-dimensional KTAB-style actor tables that `orbit forecast --actors` reads.
//!
//! Follows KTAB (KAPSARC, mirror `lsyaseen/KTAB` at commit 3b5b063) `examples/smp/libsrc/smpread.cpp`:
//! `SMPModel::csvRead` (lines 67-258) and `SMPModel::xmlRead` (lines 261-587), with the limits of
//! `KTAB/kmodel/libsrc/kmodel.h:300-306` and `examples/smp/libsrc/smp.h:359`. Every rule KTAB checks is
//! checked here, and so are the ones it does not check but whose violation makes its model throw
//! or silently misread later (positions outside [0, 100] in XML, a zero capability or a zero total
//! salience, duplicate actor names, more rows than the scenario line declares, accommodation rows
//! summing above 1). Every problem is located as `file:line:column`.
//!
//! Positions and saliences are kept on the input's 0–100 scale; the model divides them by 100.

use std::fmt;

use serde::Serialize;

use crate::actor_table;
use crate::diagnostic::counted;

/// KTAB's `Model::minNumActor` (`kmodel.h:300`).
pub const MIN_ACTORS: usize = 3;
/// KTAB's `Model::maxNumActor` (`kmodel.h:301`).
pub const MAX_ACTORS: usize = 250;
/// KTAB's sanity limit on a capability (`smpread.cpp`, csvRead).
pub const MAX_CAPABILITY: f64 = 1e8;
const MAX_SCENARIO_NAME: usize = 512;
const MAX_SCENARIO_DESC: usize = 512;
const MAX_ACTOR_NAME: usize = 25;
const MAX_ACTOR_DESC: usize = 256;
const MAX_DIM_NAME: usize = 256;
/// KTAB's default seed `KBase::dSeed` (`kutils/kutils.h:70`), used for CSV input without `--seed`.
pub const KTAB_DEFAULT_SEED: u64 = 0xD67C_C16F_E69C_185C;

macro_rules! ktab_enum {
    ($(#[$doc:meta])* $name:ident, $param:literal, [$($variant:ident = $text:literal),+ $(,)?], default $default:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        pub enum $name { $($variant),+ }
        impl $name {
            /// The parameter's name in KTAB's XML `ModelParameters`.
            pub const PARAMETER: &'static str = $param;
            /// Every value, in KTAB's enum order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// KTAB's spelling of the value (its `…Names` vector).
            pub fn name(self) -> &'static str { match self { $($name::$variant => $text),+ } }
            /// Parses KTAB's spelling, exactly (KTAB's `enumFromName` is case-sensitive).
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }
        impl Default for $name { fn default() -> Self { $name::$default } }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.name()) }
        }
    };
}

ktab_enum!(
    /// How coalition strengths become victory odds (`kmodel.h:169`, `VPModel`).
    VictoryProbModel, "VictoryProbModel",
    [Linear = "Linear", Square = "Square", Quartic = "Quartic", Octic = "Octic", Binary = "Binary"],
    default Linear
);
ktab_enum!(
    /// The probabilistic Condorcet election (`kmodel.h:142`, `PCEModel`).
    PceModel, "PCEModel",
    [Conditional = "Conditional", MarkovIncentive = "MarkovIncentive", MarkovUniform = "MarkovUniform"],
    default Conditional
);
ktab_enum!(
    /// Deterministic (argmax) or stochastic (one draw per actor) choice of bargains (`kmodel.h:130`).
    StateTransitions, "StateTransitions",
    [Deterministic = "Deterministic", Stochastic = "Stochastic"],
    default Deterministic
);
ktab_enum!(
    /// The voting rule of coalitions (`kmodel.h:121`, `VotingRule`; the model-level `vrCltn`).
    VotingRule, "VotingRule",
    [Binary = "Binary", PropBin = "PropBin", Prop = "Prop", PropCbc = "PropCbc", Cubic = "Cubic", ASymProsp = "ASymProsp"],
    default Prop
);
ktab_enum!(
    /// How far h's estimate of i's risk attitude moves from h's own (`kmodel.h:191`).
    BigRAdjust, "BigRAdjust",
    [None = "None", OneThird = "OneThird", Half = "Half", TwoThirds = "TwoThirds", Full = "Full"],
    default OneThird
);
ktab_enum!(
    /// The range of risk attitudes inferred from a risk-neutral election (`kmodel.h:185`).
    BigRRange, "BigRRange",
    [Min = "Min", Mid = "Mid", Max = "Max"],
    default Mid
);
ktab_enum!(
    /// How committed a third party is to the side it joins (`kmodel.h:177`).
    ThirdPartyCommit, "ThirdPartyCommit",
    [NoCommit = "NoCommit", SemiCommit = "SemiCommit", FullCommit = "FullCommit"],
    default SemiCommit
);
ktab_enum!(
    /// How a bargain interpolates between two vector positions (`smp.h:90`).
    InterVecBrgn, "InterVecBrgn",
    [S1P1 = "S1P1", S2P2 = "S2P2", S2PMax = "S2PMax"],
    default S2P2
);
ktab_enum!(
    /// Which bargains are proposed (`smp.h:79`, `SMPBargnModel`).
    BargnModel, "BargnModel",
    [InitOnlyInterp = "InitOnlyInterp", InitRcvrInterp = "InitRcvrInterp", PWCompInterp = "PWCompInterp"],
    default InitOnlyInterp
);

/// KTAB's nine SMP model parameters; the defaults are KTAB's (`kmodel.h:312-318`, `smp.h:456-470`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SmpParameters {
    pub victory_prob_model: VictoryProbModel,
    pub pce_model: PceModel,
    pub state_transitions: StateTransitions,
    pub voting_rule: VotingRule,
    pub big_r_adjust: BigRAdjust,
    pub big_r_range: BigRRange,
    pub third_party_commit: ThirdPartyCommit,
    pub inter_vec_brgn: InterVecBrgn,
    pub bargn_model: BargnModel,
}

/// The nine parameter names, in the order KTAB's XML reader requires them.
pub const PARAMETER_NAMES: [&str; 9] = [
    "VictoryProbModel",
    "VotingRule",
    "PCEModel",
    "StateTransitions",
    "BigRRange",
    "BigRAdjust",
    "ThirdPartyCommit",
    "InterVecBrgn",
    "BargnModel",
];

impl SmpParameters {
    /// Sets one parameter by KTAB's names, e.g. `set("BigRAdjust", "Half")`. The error says what
    /// names and values exist.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), String> {
        fn one<T: Copy>(
            slot: &mut T,
            value: &str,
            parse: fn(&str) -> Option<T>,
            all: &[T],
            show: fn(T) -> &'static str,
            param: &str,
        ) -> Result<(), String> {
            match parse(value) {
                Some(v) => {
                    *slot = v;
                    Ok(())
                }
                None => Err(format!(
                    "`{value}` is not a value of {param}; expected one of {}",
                    all.iter().map(|v| show(*v)).collect::<Vec<_>>().join(", ")
                )),
            }
        }
        match name {
            "VictoryProbModel" => one(
                &mut self.victory_prob_model,
                value,
                VictoryProbModel::parse,
                VictoryProbModel::ALL,
                VictoryProbModel::name,
                name,
            ),
            "PCEModel" => one(
                &mut self.pce_model,
                value,
                PceModel::parse,
                PceModel::ALL,
                PceModel::name,
                name,
            ),
            "StateTransitions" => one(
                &mut self.state_transitions,
                value,
                StateTransitions::parse,
                StateTransitions::ALL,
                StateTransitions::name,
                name,
            ),
            "VotingRule" => one(
                &mut self.voting_rule,
                value,
                VotingRule::parse,
                VotingRule::ALL,
                VotingRule::name,
                name,
            ),
            "BigRAdjust" => one(
                &mut self.big_r_adjust,
                value,
                BigRAdjust::parse,
                BigRAdjust::ALL,
                BigRAdjust::name,
                name,
            ),
            "BigRRange" => one(
                &mut self.big_r_range,
                value,
                BigRRange::parse,
                BigRRange::ALL,
                BigRRange::name,
                name,
            ),
            "ThirdPartyCommit" => one(
                &mut self.third_party_commit,
                value,
                ThirdPartyCommit::parse,
                ThirdPartyCommit::ALL,
                ThirdPartyCommit::name,
                name,
            ),
            "InterVecBrgn" => one(
                &mut self.inter_vec_brgn,
                value,
                InterVecBrgn::parse,
                InterVecBrgn::ALL,
                InterVecBrgn::name,
                name,
            ),
            "BargnModel" => one(
                &mut self.bargn_model,
                value,
                BargnModel::parse,
                BargnModel::ALL,
                BargnModel::name,
                name,
            ),
            _ => Err(format!(
                "`{name}` is not a KTAB model parameter; expected one of {}",
                PARAMETER_NAMES.join(", ")
            )),
        }
    }

    /// The nine parameters as (name, value) pairs, in [`PARAMETER_NAMES`] order.
    pub fn pairs(&self) -> [(&'static str, &'static str); 9] {
        [
            ("VictoryProbModel", self.victory_prob_model.name()),
            ("VotingRule", self.voting_rule.name()),
            ("PCEModel", self.pce_model.name()),
            ("StateTransitions", self.state_transitions.name()),
            ("BigRRange", self.big_r_range.name()),
            ("BigRAdjust", self.big_r_adjust.name()),
            ("ThirdPartyCommit", self.third_party_commit.name()),
            ("InterVecBrgn", self.inter_vec_brgn.name()),
            ("BargnModel", self.bargn_model.name()),
        ]
    }
}

/// Which format a scenario was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KtabFormat {
    /// KTAB's SMP CSV (`name,desc,nActors,nDims` line, then `Actor,Description,Power,…`).
    SmpCsv,
    /// KTAB's XML scenario.
    Xml,
    /// A one-dimensional `Actor,Capability,Position,Salience` table.
    ActorTable,
}

/// One actor of a KTAB scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KtabActor {
    pub name: String,
    pub description: String,
    /// KTAB's `sCap` ("Power", "Influence", "capability"); finite, in (0, 1e8].
    pub capability: f64,
    /// One coordinate per dimension, on 0–100.
    pub position: Vec<f64>,
    /// One salience per dimension, on 0–100, summing to at most 100 and to more than 0.
    pub salience: Vec<f64>,
    /// Line of the actor in the file, counted from 1.
    pub line: usize,
}

/// A KTAB scenario, read and checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KtabScenario {
    pub name: String,
    pub description: String,
    pub dimensions: Vec<String>,
    pub actors: Vec<KtabActor>,
    /// The XML's `prngSeed`; CSV input has none (KTAB then uses [`KTAB_DEFAULT_SEED`]).
    pub seed: Option<u64>,
    /// The XML's `ModelParameters`, when given; otherwise KTAB's defaults apply.
    pub parameters: Option<SmpParameters>,
    /// The XML's `IdealAdjustment` as a dense matrix `A[adjusting][reference]`, starting from the
    /// identity; `None` means the identity.
    pub accommodation: Option<Vec<Vec<f64>>>,
    pub format: KtabFormat,
    /// What the reader decided on the user's behalf (a detected scale, a missing element).
    pub notes: Vec<String>,
}

/// A located problem in a KTAB file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KtabProblem {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for KtabProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// All problems found in a KTAB file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{}", render(.problems))]
pub struct KtabErrors {
    pub problems: Vec<KtabProblem>,
}

fn render(problems: &[KtabProblem]) -> String {
    let mut out: Vec<String> = problems.iter().map(|p| format!("error: {p}")).collect();
    out.push(format!(
        "{} problem{} in the KTAB file",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    ));
    out.join("\n")
}

struct Problems<'a> {
    file: &'a str,
    list: Vec<KtabProblem>,
}

impl Problems<'_> {
    fn add(&mut self, line: usize, column: usize, message: impl Into<String>) {
        self.list.push(KtabProblem {
            file: self.file.to_string(),
            line,
            column,
            message: message.into(),
        });
    }
}

/// Reads a KTAB scenario from text: XML when the first non-blank character is `<`, otherwise
/// KTAB's SMP CSV or a one-dimensional actor table. `file` names it in messages.
pub fn read_ktab(file: &str, text: &str) -> Result<KtabScenario, KtabErrors> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim_start().starts_with('<') {
        read_xml(file, text)
    } else {
        read_csv(file, text)
    }
}

/// One cell of a CSV line: trimmed text (outer double quotes removed) and its 1-based column.
#[derive(Debug)]
struct Cell {
    text: String,
    column: usize,
}

/// Splits one CSV line at commas outside double quotes, as KTAB's `csv::ifstream` with
/// `enable_trim_quote_on_str` does; cells are trimmed of spaces.
fn split_line(line: &str) -> Vec<Cell> {
    let mut cells = Vec::new();
    let mut current = String::new();
    let mut start = 1;
    let mut in_quotes = false;
    for (i, ch) in line.chars().enumerate() {
        match ch {
            '"' => {
                in_quotes = !in_quotes;
                current.push(ch);
            }
            ',' if !in_quotes => {
                cells.push(finish_cell(&current, start));
                current.clear();
                start = i + 2;
            }
            _ => current.push(ch),
        }
    }
    cells.push(finish_cell(&current, start));
    cells
}

fn finish_cell(raw: &str, start: usize) -> Cell {
    let leading = raw.chars().take_while(|c| c.is_whitespace()).count();
    let trimmed = raw.trim();
    let unquoted = if trimmed.len() >= 2 && trimmed.starts_with('"') && trimmed.ends_with('"') {
        trimmed[1..trimmed.len() - 1].to_string()
    } else {
        trimmed.to_string()
    };
    Cell {
        text: unquoted,
        column: start + leading,
    }
}

/// Drops trailing empty cells (KTAB's files end lines with `,` or `,,,,`).
fn without_trailing_empty(mut cells: Vec<Cell>) -> Vec<Cell> {
    while cells.len() > 1 && cells.last().is_some_and(|c| c.text.is_empty()) {
        cells.pop();
    }
    cells
}

fn parse_number(cell: &Cell, what: &str) -> Result<f64, String> {
    match cell.text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(v) => Err(format!("{what} is {v}, not a finite number")),
        Err(_) if cell.text.is_empty() => Err(format!("{what} is empty")),
        Err(_) => Err(format!("{what} is `{}`, not a number", cell.text)),
    }
}

fn read_csv(file: &str, text: &str) -> Result<KtabScenario, KtabErrors> {
    let mut problems = Problems {
        file,
        list: Vec::new(),
    };
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .collect();
    let Some(&(first_line, first)) = lines.first() else {
        problems.add(
            1,
            1,
            "the file is empty: expected KTAB's scenario line `name,description,actors,dimensions` or a header `Actor,…`",
        );
        return Err(KtabErrors {
            problems: problems.list,
        });
    };
    let first_cells = without_trailing_empty(split_line(first));
    let first_is_header = first_cells[0].text.eq_ignore_ascii_case("actor")
        || first_cells[0].text.eq_ignore_ascii_case("name");
    let (scenario_line, header_index) = if first_is_header {
        (None, 0)
    } else {
        (Some((first_line, first_cells)), 1)
    };
    let Some(&(header_line, header)) = lines.get(header_index) else {
        problems.add(
            first_line,
            1,
            "the scenario line is not followed by a header `Actor,Description,Power,<dim>,<sal>,…`",
        );
        return Err(KtabErrors {
            problems: problems.list,
        });
    };
    let header_cells = without_trailing_empty(split_line(header));
    let is_smp =
        header_cells.len() >= 2 && header_cells[1].text.eq_ignore_ascii_case("description");
    if !is_smp {
        return read_actor_table(file, text, scenario_line, problems);
    }
    let mut notes = Vec::new();
    let mut name = String::new();
    let mut description = String::new();
    let mut declared_actors: Option<(usize, usize)> = None;
    let mut declared_dims: Option<(usize, usize)> = None;
    match &scenario_line {
        Some((line, cells)) => {
            name = cells[0].text.clone();
            if name.chars().count() > MAX_SCENARIO_NAME {
                problems.add(
                    *line,
                    cells[0].column,
                    format!("the scenario name has more than {MAX_SCENARIO_NAME} characters"),
                );
            }
            match cells.get(1) {
                Some(c) => {
                    description = c.text.clone();
                    if description.chars().count() > MAX_SCENARIO_DESC {
                        problems.add(
                            *line,
                            c.column,
                            format!(
                                "the scenario description has more than {MAX_SCENARIO_DESC} characters"
                            ),
                        );
                    }
                }
                None => problems.add(
                    *line,
                    first.len() + 1,
                    "the scenario line lacks the description, number of actors and number of dimensions (`name,description,actors,dimensions`)",
                ),
            }
            for (index, what, slot) in [
                (2, "number of actors", &mut declared_actors),
                (3, "number of dimensions", &mut declared_dims),
            ] {
                match cells.get(index) {
                    Some(c) => match c.text.parse::<usize>() {
                        Ok(v) => *slot = Some((v, c.column)),
                        Err(_) => problems.add(
                            *line,
                            c.column,
                            format!(
                                "the {what} is `{}`, not a non-negative whole number",
                                c.text
                            ),
                        ),
                    },
                    None if cells.len() >= 2 => problems.add(
                        *line,
                        first.len() + 1,
                        format!("the scenario line lacks the {what}"),
                    ),
                    None => {}
                }
            }
            if cells.len() > 4 {
                notes.push(format!(
                    "line {line}: {} after the number of dimensions ignored, as KTAB does",
                    counted(cells.len() - 4, "extra cell", "extra cells")
                ));
            }
        }
        None => notes.push(
            "no KTAB scenario line (`name,description,actors,dimensions`): counts taken from the header and rows".into(),
        ),
    }
    // Header: Actor, Description, Power/Influence/Capability, then (position, salience) pairs.
    if header_cells.len() < 5 {
        problems.add(
            header_line,
            1,
            format!(
                "the header has {}; KTAB's SMP CSV needs `Actor,Description,Power` and one position and one salience column per dimension",
                counted(header_cells.len(), "column", "columns")
            ),
        );
        return Err(KtabErrors {
            problems: problems.list,
        });
    }
    let pair_cells = &header_cells[3..];
    if !pair_cells.len().is_multiple_of(2) {
        problems.add(
            header_line,
            pair_cells.last().map_or(1, |c| c.column),
            format!(
                "the header has {} after `{}`: positions and saliences must come in pairs",
                counted(pair_cells.len(), "column", "columns"),
                header_cells[2].text
            ),
        );
    }
    let header_dims = pair_cells.len() / 2;
    let dims = match declared_dims {
        Some((d, column)) => {
            if d < 1 {
                problems.add(
                    scenario_line.as_ref().map_or(1, |(l, _)| *l),
                    column,
                    "the number of dimensions must be at least 1",
                );
            } else if d > header_dims {
                problems.add(
                    header_line,
                    1,
                    format!(
                        "the scenario line declares {} but the header names {header_dims}",
                        counted(d, "dimension", "dimensions")
                    ),
                );
            } else if d < header_dims {
                problems.add(
                    header_line,
                    pair_cells[2 * d].column,
                    format!(
                        "the scenario line declares {} but the header names {header_dims} (KTAB would silently ignore the extra columns)",
                        counted(d, "dimension", "dimensions")
                    ),
                );
            }
            d.min(header_dims)
        }
        None => header_dims,
    };
    let dimensions: Vec<String> = (0..dims).map(|d| pair_cells[2 * d].text.clone()).collect();
    for d in 0..dims {
        let cell = &pair_cells[2 * d];
        if cell.text.chars().count() > MAX_DIM_NAME {
            problems.add(
                header_line,
                cell.column,
                format!("the dimension name has more than {MAX_DIM_NAME} characters"),
            );
        }
    }
    // Actor rows.
    let rows = &lines[header_index + 1..];
    let mut actors = Vec::new();
    let mut names: Vec<(String, usize)> = Vec::new();
    for &(line, raw) in rows {
        let cells = without_trailing_empty(split_line(raw));
        let needed = 3 + 2 * dims;
        if cells.len() < needed {
            problems.add(
                line,
                raw.len() + 1,
                format!(
                    "the row has {}; expected {needed} (name, description, capability and a position and salience for each of {})",
                    counted(cells.len(), "cell", "cells"),
                    counted(dims, "dimension", "dimensions")
                ),
            );
            continue;
        }
        if cells.len() > needed {
            problems.add(
                line,
                cells[needed].column,
                format!(
                    "the row has {}; expected {needed} (KTAB would silently ignore the rest)",
                    counted(cells.len(), "cell", "cells")
                ),
            );
        }
        let actor_name = cells[0].text.clone();
        check_actor_name(
            &mut problems,
            &mut names,
            &actor_name,
            line,
            cells[0].column,
        );
        let actor_desc = cells[1].text.clone();
        if actor_desc.chars().count() > MAX_ACTOR_DESC {
            problems.add(
                line,
                cells[1].column,
                format!("the actor's description has more than {MAX_ACTOR_DESC} characters"),
            );
        }
        let capability = match parse_number(&cells[2], &format!("`{}`", header_cells[2].text)) {
            Ok(c) => {
                check_capability(&mut problems, c, line, cells[2].column);
                c
            }
            Err(m) => {
                problems.add(line, cells[2].column, m);
                f64::NAN
            }
        };
        let mut position = Vec::with_capacity(dims);
        let mut salience = Vec::with_capacity(dims);
        let mut ok = capability.is_finite();
        for d in 0..dims {
            let pc = &cells[3 + 2 * d];
            let sc = &cells[4 + 2 * d];
            match parse_number(pc, &format!("position `{}`", pair_cells[2 * d].text)) {
                Ok(p) => position.push(p),
                Err(m) => {
                    problems.add(line, pc.column, m);
                    ok = false;
                }
            }
            match parse_number(sc, &format!("salience `{}`", pair_cells[2 * d + 1].text)) {
                Ok(s) => salience.push(s),
                Err(m) => {
                    problems.add(line, sc.column, m);
                    ok = false;
                }
            }
        }
        if !ok {
            continue;
        }
        let position_places: Vec<(usize, usize)> =
            (0..dims).map(|d| (line, cells[3 + 2 * d].column)).collect();
        let salience_places: Vec<(usize, usize)> =
            (0..dims).map(|d| (line, cells[4 + 2 * d].column)).collect();
        check_vectors(
            &mut problems,
            &dimensions,
            &position,
            &salience,
            &position_places,
            &salience_places,
        );
        actors.push(KtabActor {
            name: actor_name,
            description: actor_desc,
            capability,
            position,
            salience,
            line,
        });
    }
    let last_line = lines.last().map_or(1, |(l, _)| *l);
    let row_count = rows.len();
    if let Some((n, column)) = declared_actors
        && row_count != n
        && row_count > 0
    {
        problems.add(
            scenario_line.as_ref().map_or(1, |(l, _)| *l),
            column,
            format!(
                "the scenario line declares {} but the file has {}{}",
                counted(n, "actor", "actors"),
                counted(row_count, "actor row", "actor rows"),
                if row_count > n {
                    " (KTAB would silently ignore the rest)"
                } else {
                    ""
                }
            ),
        );
    }
    check_actor_count(&mut problems, row_count, last_line);
    if problems.list.is_empty() {
        if actors
            .iter()
            .flat_map(|a| a.salience.iter())
            .all(|&s| s <= 1.0)
        {
            notes.push(
                "every salience is at most 1: KTAB's CSV saliences are percentages (0-100), so these are read as at most 1%; multiply by 100 if they were fractions".into(),
            );
        }
        Ok(KtabScenario {
            name,
            description,
            dimensions,
            actors,
            seed: None,
            parameters: None,
            accommodation: None,
            format: KtabFormat::SmpCsv,
            notes,
        })
    } else {
        Err(KtabErrors {
            problems: problems.list,
        })
    }
}

/// Values with the (line, column) of each.
type Located = (Vec<f64>, Vec<(usize, usize)>);

fn check_actor_name(
    problems: &mut Problems<'_>,
    names: &mut Vec<(String, usize)>,
    name: &str,
    line: usize,
    column: usize,
) {
    let len = name.chars().count();
    if len == 0 {
        problems.add(line, column, "the actor's name is empty");
    } else if len > MAX_ACTOR_NAME {
        problems.add(
            line,
            column,
            format!("the actor's name `{name}` has {len} characters; KTAB allows at most {MAX_ACTOR_NAME}"),
        );
    }
    if let Some((_, first)) = names.iter().find(|(n, _)| n == name) {
        problems.add(
            line,
            column,
            format!("actor `{name}` appears twice (first on line {first})"),
        );
    } else {
        names.push((name.to_string(), line));
    }
}

fn check_capability(problems: &mut Problems<'_>, capability: f64, line: usize, column: usize) {
    if capability <= 0.0 {
        problems.add(
            line,
            column,
            format!(
                "capability {capability} must be positive (KTAB's votes throw on a non-positive weight)"
            ),
        );
    } else if capability > MAX_CAPABILITY {
        problems.add(
            line,
            column,
            format!("capability {capability} exceeds KTAB's sanity limit of 1e8"),
        );
    }
}

/// Range checks on one actor's positions and saliences (0–100 each, saliences summing to at most
/// 100 and to more than 0: KTAB's `bvDiff` throws on an actor with no salience).
fn check_vectors(
    problems: &mut Problems<'_>,
    dimensions: &[String],
    position: &[f64],
    salience: &[f64],
    position_places: &[(usize, usize)],
    salience_places: &[(usize, usize)],
) {
    let mut total = 0.0;
    for (d, (&p, &s)) in position.iter().zip(salience).enumerate() {
        let (pl, pc) = position_places.get(d).copied().unwrap_or((1, 1));
        let (sl, sc) = salience_places.get(d).copied().unwrap_or((1, 1));
        let dim = dimensions.get(d).map_or("?", String::as_str);
        if !(0.0..=100.0).contains(&p) {
            problems.add(
                pl,
                pc,
                format!("position {p} on dimension `{dim}` is outside [0, 100]"),
            );
        }
        if !(0.0..=100.0).contains(&s) {
            problems.add(
                sl,
                sc,
                format!("salience {s} on dimension `{dim}` is outside [0, 100]"),
            );
        }
        total += s;
    }
    let (fl, fc) = salience_places.first().copied().unwrap_or((1, 1));
    if total > 100.0 {
        problems.add(
            fl,
            fc,
            format!(
                "the saliences sum to {}; KTAB allows at most 100 per actor",
                crate::diagnostic::readable_number(total)
            ),
        );
    } else if total <= 0.0 {
        problems.add(
            fl,
            fc,
            "every salience of this actor is 0: its distances are undefined (KTAB's bvDiff throws)",
        );
    }
}

fn check_actor_count(problems: &mut Problems<'_>, count: usize, line: usize) {
    if !(MIN_ACTORS..=MAX_ACTORS).contains(&count) {
        problems.add(
            line,
            1,
            format!("KTAB's SMP needs {MIN_ACTORS} to {MAX_ACTORS} actors; the file has {count}"),
        );
    }
}

/// The one-dimensional `Actor,Capability,Position,Salience` table of `orbit forecast --actors`,
/// read by [`actor_table::parse_actor_table`] and turned into a one-dimension KTAB scenario.
/// Saliences are detected: any above 1 means 0–100 (KTAB's convention); otherwise they are read
/// as fractions and multiplied by 100. Either way a note says which.
fn read_actor_table(
    file: &str,
    text: &str,
    scenario_line: Option<(usize, Vec<Cell>)>,
    mut problems: Problems<'_>,
) -> Result<KtabScenario, KtabErrors> {
    // The shared table reader does not know KTAB's scenario line: blank it out, keeping line numbers.
    let body: String = match &scenario_line {
        Some((line, _)) => text
            .lines()
            .enumerate()
            .map(|(i, l)| {
                if i + 1 == *line {
                    "#\n".to_string()
                } else {
                    format!("{l}\n")
                }
            })
            .collect(),
        None => text.to_string(),
    };
    let mut notes = Vec::new();
    let (rows, percent) = match actor_table::parse_actor_table(file, &body, false) {
        Ok(rows) => (rows, false),
        Err(first) => match actor_table::parse_actor_table(file, &body, true) {
            Ok(rows) => (rows, true),
            Err(_) => {
                for p in first.problems {
                    problems.add(
                        p.line,
                        column_of(&body, p.line, p.column.as_deref()),
                        p.message,
                    );
                }
                return Err(KtabErrors {
                    problems: problems.list,
                });
            }
        },
    };
    notes.push(if percent {
        "saliences above 1 found: read as percentages (0-100), KTAB's convention".to_string()
    } else {
        "saliences are all at most 1: read as fractions and multiplied by 100 for KTAB's 0-100 scale"
            .to_string()
    });
    let mut names = Vec::new();
    let mut actors = Vec::new();
    for row in rows {
        let name_column = column_of(&body, row.line, Some("actor"));
        check_actor_name(&mut problems, &mut names, &row.name, row.line, name_column);
        check_capability(
            &mut problems,
            row.capability,
            row.line,
            column_of(&body, row.line, Some("capability")),
        );
        // parse_actor_table divides percentages by 100; KTAB keeps 0-100.
        let salience = row.salience * 100.0;
        check_vectors(
            &mut problems,
            &["position".to_string()],
            &[row.position],
            &[salience],
            &[(row.line, column_of(&body, row.line, Some("position")))],
            &[(row.line, column_of(&body, row.line, Some("salience")))],
        );
        actors.push(KtabActor {
            name: row.name,
            description: String::new(),
            capability: row.capability,
            position: vec![row.position],
            salience: vec![salience],
            line: row.line,
        });
    }
    let last = actors.last().map_or(1, |a| a.line);
    check_actor_count(&mut problems, actors.len(), last);
    let (name, description) = match &scenario_line {
        Some((_, cells)) => (
            cells[0].text.clone(),
            cells.get(1).map(|c| c.text.clone()).unwrap_or_default(),
        ),
        None => (String::new(), String::new()),
    };
    if problems.list.is_empty() {
        Ok(KtabScenario {
            name,
            description,
            dimensions: vec!["Position".to_string()],
            actors,
            seed: None,
            parameters: None,
            accommodation: None,
            format: KtabFormat::ActorTable,
            notes,
        })
    } else {
        Err(KtabErrors {
            problems: problems.list,
        })
    }
}

/// The 1-based column of the cell under header `column` (case-insensitive; `actor` also matches
/// `name`) on `line` of `text`; 1 when unknown.
fn column_of(text: &str, line: usize, column: Option<&str>) -> usize {
    let Some(wanted) = column else { return 1 };
    let wanted = wanted.to_ascii_lowercase();
    let mut header = None;
    for l in text.lines() {
        let t = l.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        header = Some(split_line(l));
        break;
    }
    let Some(header) = header else { return 1 };
    let index = header.iter().position(|c| {
        let h = c.text.to_ascii_lowercase();
        h == wanted || (wanted == "actor" && h == "name") || (wanted == "name" && h == "actor")
    });
    match (index, text.lines().nth(line.wrapping_sub(1))) {
        (Some(i), Some(l)) => split_line(l).get(i).map_or(1, |c| c.column),
        _ => 1,
    }
}

fn child<'a, 'input>(
    parent: roxmltree::Node<'a, 'input>,
    name: &str,
) -> Option<roxmltree::Node<'a, 'input>> {
    parent
        .children()
        .find(|n| n.is_element() && n.tag_name().name() == name)
}

fn children<'a, 'input>(
    parent: roxmltree::Node<'a, 'input>,
    name: &'static str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'input>> {
    parent
        .children()
        .filter(move |n| n.is_element() && n.tag_name().name() == name)
}

fn text_of<'a>(node: roxmltree::Node<'a, '_>) -> &'a str {
    node.text().map(str::trim).unwrap_or("")
}

fn read_xml(file: &str, text: &str) -> Result<KtabScenario, KtabErrors> {
    let mut problems = Problems {
        file,
        list: Vec::new(),
    };
    let doc = match roxmltree::Document::parse(text) {
        Ok(d) => d,
        Err(e) => {
            let pos = e.pos();
            problems.add(
                pos.row as usize,
                pos.col as usize,
                format!("not well-formed XML: {e}"),
            );
            return Err(KtabErrors {
                problems: problems.list,
            });
        }
    };
    let at = |node: roxmltree::Node<'_, '_>| {
        let p = doc.text_pos_at(node.range().start);
        (p.row as usize, p.col as usize)
    };
    let root = doc.root_element();
    if root.tag_name().name() != "Scenario" {
        let (l, c) = at(root);
        problems.add(
            l,
            c,
            format!(
                "the root element is `{}`; KTAB's XML scenario has root `Scenario`",
                root.tag_name().name()
            ),
        );
        return Err(KtabErrors {
            problems: problems.list,
        });
    }
    let mut notes = Vec::new();
    let name = child(root, "name")
        .map(|n| text_of(n).to_string())
        .unwrap_or_default();
    let description = child(root, "desc")
        .map(|n| text_of(n).to_string())
        .unwrap_or_default();
    for (value, limit, what) in [
        (&name, MAX_SCENARIO_NAME, "scenario name"),
        (&description, MAX_SCENARIO_DESC, "scenario description"),
    ] {
        if value.chars().count() > limit {
            let (l, c) = at(root);
            problems.add(l, c, format!("the {what} has more than {limit} characters"));
        }
    }
    let (root_line, root_column) = at(root);
    let seed = match child(root, "prngSeed") {
        None => {
            problems.add(
                root_line,
                root_column,
                "`prngSeed` is missing (KTAB requires it)",
            );
            None
        }
        Some(node) => match text_of(node).parse::<u64>() {
            Ok(s) => Some(s),
            Err(_) => {
                let (l, c) = at(node);
                problems.add(
                    l,
                    c,
                    format!(
                        "`prngSeed` is `{}`, not a whole number from 0 to 2^64-1",
                        text_of(node)
                    ),
                );
                None
            }
        },
    };
    let parameters = child(root, "ModelParameters").map(|params| {
        let mut set = SmpParameters::default();
        for name in PARAMETER_NAMES {
            match child(params, name) {
                None => {
                    let (l, c) = at(params);
                    problems.add(
                        l,
                        c,
                        format!(
                            "`ModelParameters` lacks `{name}`: KTAB requires all nine parameters when the element is present"
                        ),
                    );
                }
                Some(node) => {
                    if let Err(m) = set.set(name, text_of(node)) {
                        let (l, c) = at(node);
                        problems.add(l, c, m);
                    }
                }
            }
        }
        set
    });
    let mut dimensions = Vec::new();
    match child(root, "Dimensions") {
        None => problems.add(root_line, root_column, "`Dimensions` is missing"),
        Some(dims) => {
            for d in children(dims, "dName") {
                let t = text_of(d);
                let (l, c) = at(d);
                if t.is_empty() {
                    problems.add(l, c, "a `dName` is empty");
                } else if t.chars().count() > MAX_DIM_NAME {
                    problems.add(
                        l,
                        c,
                        format!("the dimension name has more than {MAX_DIM_NAME} characters"),
                    );
                }
                dimensions.push(t.to_string());
            }
            if dimensions.is_empty() {
                let (l, c) = at(dims);
                problems.add(l, c, "`Dimensions` has no `dName`: at least one is needed");
            }
        }
    }
    let dims = dimensions.len();
    let mut actors = Vec::new();
    let mut names = Vec::new();
    let mut actor_count = 0;
    match child(root, "Actors") {
        None => problems.add(root_line, root_column, "`Actors` is missing"),
        Some(list) => {
            for actor in children(list, "Actor") {
                actor_count += 1;
                let (al, ac) = at(actor);
                let name_text = match child(actor, "name") {
                    Some(n) => text_of(n).to_string(),
                    None => {
                        problems.add(al, ac, "the actor lacks `name`");
                        continue;
                    }
                };
                let name_node = child(actor, "name").unwrap_or(actor);
                let (nl, nc) = at(name_node);
                check_actor_name(&mut problems, &mut names, &name_text, nl, nc);
                let desc = match child(actor, "description") {
                    Some(n) if !text_of(n).is_empty() => text_of(n).to_string(),
                    Some(n) => {
                        let (l, c) = at(n);
                        problems.add(
                            l,
                            c,
                            "the actor's `description` is empty (KTAB requires text)",
                        );
                        String::new()
                    }
                    None => {
                        problems.add(al, ac, "the actor lacks `description`");
                        String::new()
                    }
                };
                if desc.chars().count() > MAX_ACTOR_DESC {
                    problems.add(
                        al,
                        ac,
                        format!(
                            "the actor's description has more than {MAX_ACTOR_DESC} characters"
                        ),
                    );
                }
                let capability = match child(actor, "capability") {
                    None => {
                        problems.add(al, ac, "the actor lacks `capability`");
                        None
                    }
                    Some(n) => {
                        let (l, c) = at(n);
                        match parse_number(
                            &Cell {
                                text: text_of(n).to_string(),
                                column: c,
                            },
                            "`capability`",
                        ) {
                            Ok(v) => {
                                check_capability(&mut problems, v, l, c);
                                Some(v)
                            }
                            Err(m) => {
                                problems.add(l, c, m);
                                None
                            }
                        }
                    }
                };
                let mut vector = |container: &str, item: &'static str| -> Option<Located> {
                    let Some(node) = child(actor, container) else {
                        problems.add(al, ac, format!("the actor lacks `{container}`"));
                        return None;
                    };
                    let mut values = Vec::new();
                    let mut places = Vec::new();
                    let mut ok = true;
                    for v in children(node, item) {
                        let (l, c) = at(v);
                        match parse_number(
                            &Cell {
                                text: text_of(v).to_string(),
                                column: c,
                            },
                            &format!("`{item}`"),
                        ) {
                            Ok(x) => values.push(x),
                            Err(m) => {
                                problems.add(l, c, m);
                                ok = false;
                            }
                        }
                        places.push((l, c));
                    }
                    if places.len() != dims {
                        let (l, c) = at(node);
                        problems.add(
                            l,
                            c,
                            format!(
                                "`{container}` has {} but the scenario has {}",
                                counted(
                                    places.len(),
                                    &format!("`{item}` element"),
                                    &format!("`{item}` elements")
                                ),
                                counted(dims, "dimension", "dimensions")
                            ),
                        );
                        ok = false;
                    }
                    ok.then_some((values, places))
                };
                let position = vector("Position", "dCoord");
                let salience = vector("Salience", "dSal");
                if let (Some(capability), Some((position, pplaces)), Some((salience, splaces))) =
                    (capability, position, salience)
                {
                    check_vectors(
                        &mut problems,
                        &dimensions,
                        &position,
                        &salience,
                        &pplaces,
                        &splaces,
                    );
                    actors.push(KtabActor {
                        name: name_text,
                        description: desc,
                        capability,
                        position,
                        salience,
                        line: al,
                    });
                }
            }
            if !(MIN_ACTORS..=MAX_ACTORS).contains(&actor_count) {
                let (l, c) = at(list);
                problems.add(
                    l,
                    c,
                    format!(
                        "KTAB's SMP needs {MIN_ACTORS} to {MAX_ACTORS} actors; `Actors` has {actor_count}"
                    ),
                );
            }
        }
    }
    let accommodation = match child(root, "IdealAdjustment") {
        None => {
            notes.push(
                "no `IdealAdjustment`: ideals follow positions (the identity); note that KTAB itself refuses such a file".into(),
            );
            None
        }
        Some(ia) => {
            let n = actors.len();
            let mut a: Vec<Vec<f64>> = (0..n)
                .map(|i| (0..n).map(|j| if i == j { 1.0 } else { 0.0 }).collect())
                .collect();
            let mut seen: Vec<(usize, usize, usize)> = Vec::new();
            for pair in children(ia, "iaPair") {
                let (pl, pc) = at(pair);
                let mut index = |field: &str| -> Option<usize> {
                    let Some(node) = child(pair, field) else {
                        problems.add(pl, pc, format!("`iaPair` lacks `{field}`"));
                        return None;
                    };
                    let t = text_of(node);
                    let found = actors.iter().position(|x| x.name == t);
                    if found.is_none() {
                        let (l, c) = at(node);
                        problems.add(
                            l,
                            c,
                            format!("`{field}` names `{t}`, which is not an actor"),
                        );
                    }
                    found
                };
                let i = index("adjustingIdeal");
                let j = index("referencePos");
                let adjust = match child(pair, "adjust") {
                    None => {
                        problems.add(pl, pc, "`iaPair` lacks `adjust`");
                        None
                    }
                    Some(node) => {
                        let (l, c) = at(node);
                        match parse_number(
                            &Cell {
                                text: text_of(node).to_string(),
                                column: c,
                            },
                            "`adjust`",
                        ) {
                            Ok(v) if (0.0..=1.0).contains(&v) => Some(v),
                            Ok(v) => {
                                problems.add(
                                    l,
                                    c,
                                    format!(
                                        "`adjust` {v} is outside [0, 1] (KTAB's newIdeals throws)"
                                    ),
                                );
                                None
                            }
                            Err(m) => {
                                problems.add(l, c, m);
                                None
                            }
                        }
                    }
                };
                if let (Some(i), Some(j), Some(v)) = (i, j, adjust) {
                    if let Some(&(_, _, first)) = seen.iter().find(|(a, b, _)| *a == i && *b == j) {
                        problems.add(
                            pl,
                            pc,
                            format!("the pair ({}, {}) is given twice (first on line {first}); KTAB would keep the last silently", actors[i].name, actors[j].name),
                        );
                    }
                    seen.push((i, j, pl));
                    a[i][j] = v;
                }
            }
            for (i, row) in a.iter().enumerate() {
                let sum: f64 = row.iter().sum();
                if sum > 1.0 + 1e-10 {
                    let (l, c) = at(ia);
                    problems.add(
                        l,
                        c,
                        format!(
                            "the adjustments of `{}`'s ideal sum to {}, more than 1 (KTAB's newIdeals throws)",
                            actors[i].name,
                            crate::diagnostic::readable_number(sum)
                        ),
                    );
                }
            }
            let identity = a.iter().enumerate().all(|(i, r)| {
                r.iter()
                    .enumerate()
                    .all(|(j, &v)| v == if i == j { 1.0 } else { 0.0 })
            });
            if identity { None } else { Some(a) }
        }
    };
    if problems.list.is_empty() {
        Ok(KtabScenario {
            name,
            description,
            dimensions,
            actors,
            seed,
            parameters,
            accommodation,
            format: KtabFormat::Xml,
            notes,
        })
    } else {
        Err(KtabErrors {
            problems: problems.list,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        read_ktab("t.csv", text)
            .expect_err("the input should be refused")
            .problems
            .iter()
            .map(|p| p.to_string())
            .collect()
    }

    fn has(found: &[String], prefix: &str, needle: &str) {
        assert!(
            found
                .iter()
                .any(|p| p.starts_with(prefix) && p.contains(needle)),
            "no `{prefix}…{needle}` in {found:#?}"
        );
    }

    const D3: &str = "DummyData_3Dim ,\"Dummy scenario\",3,2,\nActor,Description,Power,P1,S1,P2,S2,\nA, x, 10, 75.79, 49.53, 6.37, 5.91,\nB, y, 20, 82.72, 30.33, 73.50, 21.22,\nC, z, 30, 82.45, 48.47, 90.89, 13.55,\n";

    #[test]
    fn reads_every_shared_ktab_table() {
        for (text, actors, dims) in [
            (
                include_str!("../../../tests/data/bargaining/ktab_dummy_3dim.csv"),
                7,
                3,
            ),
            (
                include_str!("../../../tests/data/bargaining/ktab_dummy_6dim.csv"),
                27,
                6,
            ),
            (
                include_str!("../../../tests/data/bargaining/ktab_dummy_a040.csv"),
                40,
                1,
            ),
            (
                include_str!("../../../tests/data/bargaining/ktab_soe_competitive.csv"),
                34,
                1,
            ),
            (
                include_str!("../../../tests/data/bargaining/ktab_soe_pol_comp.csv"),
                13,
                2,
            ),
            (
                include_str!("../../../tests/data/bargaining/ktab_soe_policy.csv"),
                26,
                1,
            ),
        ] {
            let s = read_ktab("k.csv", text).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!((s.actors.len(), s.dimensions.len()), (actors, dims));
            assert_eq!(s.format, KtabFormat::SmpCsv);
        }
        let s = read_ktab(
            "k.csv",
            include_str!("../../../tests/data/bargaining/ktab_soe_pol_comp.csv"),
        )
        .unwrap();
        assert_eq!(s.name, "China Policy/Competitive; scen 2");
        assert_eq!(s.dimensions, ["Policy Position", "Competitive Position"]);
        assert_eq!(s.actors[0].position, [30.0, 20.0]);
        assert_eq!(s.actors[0].salience, [24.0, 48.0]);
        assert_eq!(s.actors[0].capability, 100.0);
        assert_eq!(s.actors[0].line, 4);
    }

    #[test]
    fn reads_ktabs_xml_with_parameters_and_ideal_adjustment() {
        let s = read_ktab(
            "x.xml",
            include_str!("../tests/data/ktab/smpExample_06542ee.xml"),
        )
        .unwrap();
        assert_eq!(s.format, KtabFormat::Xml);
        assert_eq!(s.seed, Some(3_507_583_219_545_544_127));
        let p = s.parameters.unwrap();
        assert_eq!(p.state_transitions, StateTransitions::Stochastic);
        assert_eq!(p.pce_model, PceModel::MarkovIncentive);
        let a = s.accommodation.unwrap();
        assert_eq!(a.len(), s.actors.len());
        assert!(
            a.iter()
                .any(|r| r.iter().filter(|v| **v != 0.0).count() > 1)
        );
    }

    #[test]
    fn one_dimensional_tables_with_either_salience_scale() {
        let s = read_ktab(
            "e.csv",
            include_str!("../../../tests/data/bargaining/bdm1994_ec_emissions_actors.csv"),
        )
        .unwrap();
        assert_eq!(s.format, KtabFormat::ActorTable);
        assert_eq!(s.dimensions.len(), 1);
        assert_eq!(s.actors[0].salience, [80.0]);
        assert!(s.notes[0].contains("multiplied by 100"), "{:?}", s.notes);
        let pct = read_ktab(
            "p.csv",
            "Actor,Capability,Position,Salience\nA,1,40,80\nB,2,70,100\nC,1,10,50\n",
        )
        .unwrap();
        assert_eq!(pct.actors[1].salience, [100.0]);
        assert!(pct.notes[0].contains("percentages"), "{:?}", pct.notes);
        // A leading KTAB scenario line is accepted in front of the table too.
        let lead = read_ktab(
            "l.csv",
            "Case,desc,3,1\nActor,Capability,Position,Salience\nA,1,40,0.8\nB,2,70,1\nC,1,10,0.5\n",
        )
        .unwrap();
        assert_eq!(lead.name, "Case");
        assert_eq!(lead.actors[2].line, 5);
        // Positions outside KTAB's 0-100 are located.
        has(
            &problems("Actor,Capability,Position,Salience\nA,1,400,0.8\nB,2,70,1\nC,1,10,0.5\n"),
            "t.csv:2:5:",
            "outside [0, 100]",
        );
    }

    #[test]
    fn every_rule_ktab_checks_is_located() {
        // Actor count (3 to 250).
        has(
            &problems("S,d,2,1\nActor,Description,Power,P,S\nA,x,1,10,10\nB,y,1,20,10\n"),
            "t.csv:4:1:",
            "3 to 250 actors",
        );
        // Position and salience ranges, salience sum.
        let found = problems(
            "S,d,3,2\nActor,Description,Power,P1,S1,P2,S2\nA,x,1,101,10,5,5\nB,y,1,20,-1,5,5\nC,z,1,20,60,5,50\n",
        );
        has(&found, "t.csv:3:7:", "position 101");
        has(&found, "t.csv:4:10:", "salience -1");
        has(&found, "t.csv:5:10:", "sum to 110");
        // Capability: negative, zero (KTAB's CSV reader lets 0 through, its votes then throw), too large.
        let found = problems(
            "S,d,3,1\nActor,Description,Power,P,S\nA,x,-1,10,10\nB,y,0,20,10\nC,z,2e8,30,10\n",
        );
        has(&found, "t.csv:3:5:", "must be positive");
        has(&found, "t.csv:4:5:", "must be positive");
        has(&found, "t.csv:5:5:", "1e8");
        // Name length, empty names, dimension count.
        let found = problems(
            "S,d,3,0\nActor,Description,Power,P,S\n,x,1,10,10\nBBBBBBBBBBBBBBBBBBBBBBBBBB,y,1,20,10\nC,z,1,30,10\n",
        );
        has(&found, "t.csv:1:7:", "at least 1");
        has(&found, "t.csv:3:1:", "empty");
        has(&found, "t.csv:4:1:", "at most 25");
    }

    #[test]
    fn rules_ktab_fails_to_check_are_checked_too() {
        // More rows than declared (KTAB silently ignores them), duplicate names, zero salience,
        // non-numbers and non-finite numbers, extra cells.
        let found = problems(
            "S,d,3,1\nActor,Description,Power,P,S\nA,x,1,10,10\nA,y,1,20,0\nC,z,1,nan,10\nD,w,1,40,10,7\n",
        );
        has(&found, "t.csv:1:5:", "declares 3 actors but the file has 4");
        has(&found, "t.csv:4:1:", "appears twice");
        has(&found, "t.csv:4:10:", "every salience of this actor is 0");
        has(&found, "t.csv:5:7:", "not a finite number");
        has(&found, "t.csv:6:13:", "silently ignore");
        // Too few cells in a row, header dimensions disagreeing with the scenario line.
        let found =
            problems("S,d,3,2\nActor,Description,Power,P,S\nA,x,1,10\nB,y,1,20,10\nC,z,1,30,10\n");
        has(
            &found,
            "t.csv:2:1:",
            "declares 2 dimensions but the header names 1",
        );
        // Counts read as English, singular included (not "1 cell(s)").
        let found =
            problems("S,d,1,1\nActor,Description,Power,P,S\nA,x\nB,y,1,20,10\nC,z,1,30,10\n");
        has(
            &found,
            "t.csv:1:5:",
            "declares 1 actor but the file has 3 actor rows",
        );
        has(&found, "t.csv:3:", "the row has 2 cells; expected 5");
        has(&found, "t.csv:3:", "for each of 1 dimension)");
        assert!(found.iter().all(|p| !p.contains("(s)")), "{found:?}");
    }

    #[test]
    fn xml_problems_are_located_at_their_elements() {
        let xml = |body: &str| {
            format!(
                "<?xml version=\"1.0\"?>\n<Scenario>\n<name>x</name><desc>d</desc>\n{body}\n</Scenario>\n"
            )
        };
        let actor = |name: &str, cap: &str, pos: &str, sal: &str| {
            format!(
                "<Actor><name>{name}</name><description>d</description><capability>{cap}</capability><Position><dCoord>{pos}</dCoord></Position><Salience><dSal>{sal}</dSal></Salience></Actor>"
            )
        };
        let text = xml(&format!(
            "<prngSeed>12</prngSeed>\n<Dimensions><dName>D</dName></Dimensions>\n<Actors>\n{}\n{}\n{}\n</Actors>\n<IdealAdjustment><iaPair><adjustingIdeal>A</adjustingIdeal><referencePos>Z</referencePos><adjust>0.5</adjust></iaPair></IdealAdjustment>",
            actor("A", "1", "150", "10"),
            actor("B", "0", "20", "10"),
            actor("C", "1", "30", "abc"),
        ));
        let found: Vec<String> = read_ktab("s.xml", &text)
            .unwrap_err()
            .problems
            .iter()
            .map(|p| p.to_string())
            .collect();
        has(&found, "s.xml:7:", "position 150");
        has(&found, "s.xml:8:", "must be positive");
        has(&found, "s.xml:9:", "`abc`, not a number");
        has(&found, "s.xml:11:", "`Z`, which is not an actor");
        // Missing seed, incomplete parameters, a bad parameter value, malformed XML.
        let found: Vec<String> = read_ktab(
            "s.xml",
            &xml("<ModelParameters><VictoryProbModel>Lin</VictoryProbModel></ModelParameters>"),
        )
        .unwrap_err()
        .problems
        .iter()
        .map(|p| p.to_string())
        .collect();
        has(&found, "s.xml:2:1:", "`prngSeed` is missing");
        has(
            &found,
            "s.xml:4:18:",
            "`Lin` is not a value of VictoryProbModel",
        );
        has(&found, "s.xml:4:1:", "lacks `BargnModel`");
        has(
            &read_ktab("s.xml", "<Scenario><name>")
                .unwrap_err()
                .problems
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>(),
            "s.xml:1:",
            "not well-formed",
        );
    }

    #[test]
    fn parameters_set_by_name() {
        let mut p = SmpParameters::default();
        p.set("BigRAdjust", "Half").unwrap();
        assert_eq!(p.big_r_adjust, BigRAdjust::Half);
        assert!(
            p.set("BigRAdjust", "half")
                .unwrap_err()
                .contains("expected one of None, OneThird")
        );
        assert!(
            p.set("Nope", "x")
                .unwrap_err()
                .contains("not a KTAB model parameter")
        );
        assert_eq!(p.pairs().len(), 9);
    }

    #[test]
    fn the_canonical_example_parses() {
        let s = read_ktab("d3.csv", D3).unwrap();
        assert_eq!(s.name, "DummyData_3Dim");
        assert_eq!(s.description, "Dummy scenario");
        assert_eq!(s.actors[2].position, [82.45, 90.89]);
    }

    mod never_panics {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]
            #[test]
            fn on_any_text(text in "\\PC{0,400}") {
                let _ = read_ktab("f", &text);
            }

            #[test]
            fn on_csv_like_text(lines in proptest::collection::vec("[A-Za-z0-9 ,.\"#eE+-]{0,40}", 0..8)) {
                let _ = read_ktab("f", &lines.join("\n"));
            }

            #[test]
            fn on_a_damaged_ktab_file(cut in 0usize..D3.len(), insert in "[,\"0-9a-z.\n-]{0,6}") {
                let mut text = D3.to_string();
                let at = (0..=cut).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
                text.insert_str(at, &insert);
                let _ = read_ktab("f", &text);
                let _ = read_ktab("f", &text[..at]);
            }

            #[test]
            fn on_damaged_xml(cut in 0usize..2000, insert in "[<>/a-zA-Z0-9 .\n-]{0,8}") {
                let mut text = include_str!("../tests/data/ktab/smpExample_06542ee.xml").to_string();
                let at = cut.min(text.len());
                let at = (0..=at).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
                text.insert_str(at, &insert);
                let _ = read_ktab("f", &text);
            }
        }
    }
}
