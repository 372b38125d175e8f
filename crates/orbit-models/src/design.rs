//! Experiment designs over a scenario's declared uncertain inputs, and the sweep that runs the
//! simulation at each point of a design.
//!
//! Four designs, each defined row by row so that any chunk of rows can be computed on its own
//! (by a thread, a worker process or a Ray task) and the same seed gives the same rows
//! wherever they are computed:
//!
//! - **Monte Carlo**: row `i` is uniform on the unit cube from `ChaCha8Rng::seed_from_u64(seed)`
//!   on stream `i`.
//! - **Latin hypercube** (McKay, Beckman & Conover 1979): per factor `d` a random permutation
//!   `π_d` of the `N` strata (Fisher–Yates from stream `2^63 + d`), and row `i` is
//!   `(π_d(i) + u_{i,d}) / N` with `u` uniform from stream `i`.
//! - **Saltelli** (Saltelli 2002; Saltelli et al. 2010, "Variance based sensitivity analysis of
//!   model output", Computer Physics Communications 181, scheme of Table 2 without the
//!   second-order block): base matrices `A` and `B` are the first and last `D` columns of a
//!   Sobol sequence in `2D` dimensions (Joe & Kuo 2008 direction numbers, Gray-code order as in
//!   Bratley & Fox 1988 and SciPy, first point skipped), optionally with a random digital
//!   shift per dimension. Rows come in blocks of `D + 2`: `A_j`, `AB_j^1 .. AB_j^D` (`A_j` with
//!   column `k` from `B_j`), `B_j`: the layout SALib's `sobol.analyze(...,
//!   calc_second_order=False)` reads.
//! - **Morris** (Morris 1991, "Factorial sampling plans for preliminary computational
//!   experiments", Technometrics 33(2); trajectories as in Campolongo et al. 2007): `r`
//!   trajectories of `D + 1` rows on a `p`-level grid with step `Δ = p / (2(p − 1))`, each
//!   factor moved once in a random order: SALib's `morris.analyze` layout.
//!
//! Factors are the scenario's uncertain inputs: each `[[links]]` parameter's declared `range`,
//! and each issue position's capability, position and salience within the Monte Carlo's
//! perturbation half-widths (the same widths `orbit simulate` perturbs with).

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::bargaining::BargainingInput;
use crate::series::{self, Column, SeriesId, SeriesIdError, SimulatedSeries};
use crate::simulation::{SimulationError, Simulator, Trajectory};
use orbit_scenario::Variable;

/// The RNG behind every design, recorded in sweep outputs.
pub const DESIGN_RNG: &str = "ChaCha8Rng (rand_chacha 0.10), seed_from_u64(seed), stream = row (LHS permutations: 2^63 + factor)";

/// Most factors a Saltelli design supports (twice this many Sobol dimensions are tabulated).
pub const MAX_SOBOL_FACTORS: usize = 512;

/// Which design, and its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Design {
    MonteCarlo,
    LatinHypercube,
    /// `scramble`: apply a random digital shift (from the seed) to the Sobol points.
    Saltelli {
        scramble: bool,
    },
    /// `levels`: the grid's number of levels `p` (even, at least 2).
    Morris {
        levels: usize,
    },
}

/// A design of `samples` base points (Monte Carlo and LHS: rows; Saltelli: base rows `N`;
/// Morris: trajectories `r`) over `factors` unit-cube dimensions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesignSpec {
    pub design: Design,
    pub samples: usize,
    pub seed: u64,
}

/// A design that cannot be drawn.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DesignError {
    #[error("a design needs at least one sample")]
    NoSamples,
    #[error("a design needs at least one factor")]
    NoFactors,
    #[error("a Saltelli design supports at most {MAX_SOBOL_FACTORS} factors, not {0}")]
    TooManyFactors(usize),
    #[error("a Morris design needs an even number of levels of at least 2, not {0}")]
    Levels(usize),
    #[error("a Saltelli design of {samples} base rows needs a row index below 2^32")]
    TooManySamples { samples: usize },
    #[error("rows {start}..{end} are outside the design's {rows} rows")]
    Rows {
        start: usize,
        end: usize,
        rows: usize,
    },
}

/// A design ready to give any row: the LHS permutations and Sobol directions precomputed.
#[derive(Debug, Clone)]
pub struct Plan {
    spec: DesignSpec,
    factors: usize,
    /// LHS: per factor, the permutation of strata.
    permutations: Vec<Vec<u32>>,
    /// Saltelli: per Sobol dimension, 32 direction numbers, and the digital shift.
    directions: Vec<[u32; 32]>,
    shifts: Vec<u32>,
}

impl Plan {
    pub fn new(spec: &DesignSpec, factors: usize) -> Result<Self, DesignError> {
        if spec.samples == 0 {
            return Err(DesignError::NoSamples);
        }
        if factors == 0 {
            return Err(DesignError::NoFactors);
        }
        let mut plan = Plan {
            spec: spec.clone(),
            factors,
            permutations: Vec::new(),
            directions: Vec::new(),
            shifts: Vec::new(),
        };
        match spec.design {
            Design::MonteCarlo => {}
            Design::LatinHypercube => {
                if spec.samples > u32::MAX as usize {
                    return Err(DesignError::TooManySamples {
                        samples: spec.samples,
                    });
                }
                plan.permutations = (0..factors)
                    .map(|d| {
                        let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
                        rng.set_stream((1u64 << 63) + d as u64);
                        let mut p: Vec<u32> = (0..spec.samples as u32).collect();
                        for i in (1..p.len()).rev() {
                            let j = rng.random_range(0..=i);
                            p.swap(i, j);
                        }
                        p
                    })
                    .collect();
            }
            Design::Saltelli { scramble } => {
                if factors > MAX_SOBOL_FACTORS {
                    return Err(DesignError::TooManyFactors(factors));
                }
                if spec.samples >= u32::MAX as usize {
                    return Err(DesignError::TooManySamples {
                        samples: spec.samples,
                    });
                }
                plan.directions = sobol_directions(2 * factors);
                plan.shifts = if scramble {
                    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
                    rng.set_stream(1u64 << 62);
                    (0..2 * factors).map(|_| rng.random::<u32>()).collect()
                } else {
                    vec![0; 2 * factors]
                };
            }
            Design::Morris { levels } => {
                if levels < 2 || !levels.is_multiple_of(2) {
                    return Err(DesignError::Levels(levels));
                }
            }
        }
        Ok(plan)
    }

    pub fn spec(&self) -> &DesignSpec {
        &self.spec
    }

    pub fn factors(&self) -> usize {
        self.factors
    }

    /// The number of rows (model runs) of the design.
    pub fn rows(&self) -> usize {
        let n = self.spec.samples;
        match self.spec.design {
            Design::MonteCarlo | Design::LatinHypercube => n,
            Design::Saltelli { .. } => n * (self.factors + 2),
            Design::Morris { .. } => n * (self.factors + 1),
        }
    }

    /// Row `row` of the design on the unit cube, written into `out` (length `factors`).
    pub fn unit_row(&self, row: usize, out: &mut [f64]) {
        let d = self.factors;
        match self.spec.design {
            Design::MonteCarlo => {
                let mut rng = row_rng(self.spec.seed, row);
                for x in out.iter_mut() {
                    *x = rng.random::<f64>();
                }
            }
            Design::LatinHypercube => {
                let mut rng = row_rng(self.spec.seed, row);
                let n = self.spec.samples as f64;
                for (k, x) in out.iter_mut().enumerate() {
                    let u: f64 = rng.random();
                    *x = (self.permutations[k][row] as f64 + u) / n;
                }
            }
            Design::Saltelli { .. } => {
                let (base, k) = (row / (d + 2), row % (d + 2));
                // Skip the first Sobol point (the origin), as SALib does.
                let index = base as u32 + 1;
                for (j, x) in out.iter_mut().enumerate() {
                    // Column j comes from B (dimension d + j) in row AB^j and in row B.
                    let from_b = k == d + 1 || (k >= 1 && k - 1 == j);
                    let dim = if from_b { d + j } else { j };
                    *x = self.sobol(index, dim);
                }
            }
            Design::Morris { levels } => {
                let (trajectory, step) = (row / (d + 1), row % (d + 1));
                morris_row(self.spec.seed, trajectory, step, levels, out);
            }
        }
    }

    /// Point `index` of the (shifted) Sobol sequence in dimension `dim`, in Gray-code order.
    fn sobol(&self, index: u32, dim: usize) -> f64 {
        let gray = index ^ (index >> 1);
        let v = &self.directions[dim];
        let mut x = 0u32;
        for (bit, vk) in v.iter().enumerate() {
            if gray >> bit & 1 == 1 {
                x ^= vk;
            }
        }
        (x ^ self.shifts[dim]) as f64 / 4_294_967_296.0
    }
}

fn row_rng(seed: u64, row: usize) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(row as u64);
    rng
}

/// Row `step` of Morris trajectory `trajectory`: a start on the grid from which every factor
/// can move by `Δ` in its drawn direction, then factors moved one at a time in a random order.
fn morris_row(seed: u64, trajectory: usize, step: usize, levels: usize, out: &mut [f64]) {
    let d = out.len();
    let mut rng = row_rng(seed, trajectory);
    let delta = levels as f64 / (2.0 * (levels as f64 - 1.0));
    let grid = (levels - 1) as f64;
    // Base levels 0 .. p/2 − 1 leave room for +Δ = p/2 grid steps.
    let mut low = vec![0.0; d];
    let mut up = vec![false; d];
    for k in 0..d {
        low[k] = rng.random_range(0..levels / 2) as f64 / grid;
        up[k] = rng.random::<bool>();
    }
    let mut order: Vec<usize> = (0..d).collect();
    for i in (1..d).rev() {
        let j = rng.random_range(0..=i);
        order.swap(i, j);
    }
    for k in 0..d {
        out[k] = if up[k] { low[k] } else { low[k] + delta };
    }
    for &k in &order[..step] {
        out[k] = if up[k] { low[k] + delta } else { low[k] };
    }
}

/// Direction numbers `V_1 .. V_32` (scaled to 32 bits) of the first `dims` Sobol dimensions
/// (Joe & Kuo 2008, "Constructing Sobol sequences with better two-dimensional projections",
/// SIAM J. Sci. Comput. 30(5), and their note's recurrence).
fn sobol_directions(dims: usize) -> Vec<[u32; 32]> {
    const TABLE: &str = include_str!("../data/sobol-directions.txt");
    let mut out = Vec::with_capacity(dims);
    let mut first = [0u32; 32];
    for (k, v) in first.iter_mut().enumerate() {
        *v = 1 << (31 - k);
    }
    out.push(first);
    let lines = TABLE.lines().filter(|l| !l.starts_with('#'));
    for line in lines.take(dims.saturating_sub(1)) {
        let numbers: Vec<u32> = line
            .split_whitespace()
            .map(|t| {
                t.parse()
                    .expect("the tabulated direction numbers are integers")
            })
            .collect();
        let (s, a, m) = (numbers[0] as usize, numbers[1], &numbers[2..]);
        let mut v = [0u32; 32];
        for k in 0..32 {
            v[k] = if k < s {
                m[k] << (31 - k)
            } else {
                let mut x = v[k - s] ^ (v[k - s] >> s);
                for i in 1..s {
                    if (a >> (s - 1 - i)) & 1 == 1 {
                        x ^= v[k - i];
                    }
                }
                x
            };
        }
        out.push(v);
    }
    out
}

/// Which input of the simulation a factor sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Target {
    /// The parameter of link `link` (declared order).
    Link {
        link: usize,
    },
    /// An issue actor's capability, position or salience (`issue`, `actor` in the
    /// simulator's order).
    Capability {
        issue: usize,
        actor: usize,
    },
    Position {
        issue: usize,
        actor: usize,
    },
    Salience {
        issue: usize,
        actor: usize,
    },
    /// A calibrated parameter of the patron–client bargain stage.
    Bargain {
        parameter: crate::calibrate::Parameter,
    },
}

/// One uncertain input with its range.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Factor {
    /// `link.<id>`, `bargain.<parameter>`, or `<issue>.<actor>.capability|position|salience`.
    pub name: String,
    pub low: f64,
    pub high: f64,
    pub target: Target,
    /// Where the range comes from.
    pub source: String,
}

/// Half-widths of the issue factors' ranges: capability relative, position as a fraction of
/// the issue's scale, salience absolute.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct IssueWidths {
    pub capability: f64,
    pub position: f64,
    pub salience: f64,
}

impl Default for IssueWidths {
    /// The half-widths of the Monte Carlo's default perturbations
    /// ([`crate::sensitivity::PerturbationSpec::default`]).
    fn default() -> Self {
        IssueWidths {
            capability: 0.2,
            position: 0.05,
            salience: 0.1,
        }
    }
}

/// The simulator's uncertain inputs: every link with a non-empty declared range, then per issue
/// and actor the capability, position and salience (clamped as the Monte Carlo clamps them:
/// `c ≥ 0`, the issue's scale, `[0, 1]`), then, when the simulator has the bargain stage, each
/// parameter the calibration fitted with a standard error, over `θ̂ ± 2·s.e.` truncated to the
/// parameter's bounds (`bargain.<parameter>`; the held parameters are not factors: the data
/// say nothing about them and the calibration holds them by declaration). Inputs whose range
/// is a point are left out.
pub fn factors(sim: &Simulator, widths: &IssueWidths) -> Vec<Factor> {
    let mut out = issue_and_link_factors(sim, widths);
    out.extend(bargain_factors(sim));
    out
}

/// The bargain stage's factors (see [`factors`]).
pub fn bargain_factors(sim: &Simulator) -> Vec<Factor> {
    let Some(stage) = &sim.bargain else {
        return Vec::new();
    };
    let c = &stage.calibration;
    c.free
        .iter()
        .filter_map(|&p| {
            let fitted = c.parameters.iter().find(|f| f.name == p.name())?;
            let se = fitted.std_error?;
            let (lo, hi) = p.bounds();
            let low = (fitted.value - 2.0 * se).max(lo);
            let high = (fitted.value + 2.0 * se).min(hi);
            (low < high).then(|| Factor {
                name: format!("bargain.{}", p.name()),
                low,
                high,
                target: Target::Bargain { parameter: p },
                source: format!(
                    "the calibration up to {}: {:.4} ± 2 × {:.4} (s.e.), truncated to [{lo}, {hi}]",
                    c.cutoff, fitted.value, se
                ),
            })
        })
        .collect()
}

fn issue_and_link_factors(sim: &Simulator, widths: &IssueWidths) -> Vec<Factor> {
    let mut out = Vec::new();
    for (k, id) in sim.link_ids.iter().enumerate() {
        let (lo, hi) = sim.link_ranges[k];
        if lo < hi {
            out.push(Factor {
                name: format!("link.{id}"),
                low: lo,
                high: hi,
                target: Target::Link { link: k },
                source: format!("the `range` of link `{id}`"),
            });
        }
    }
    for (i, input) in sim.issue_inputs().iter().enumerate() {
        let issue = &sim.issue_ids[i];
        let (lo, hi) = input.scale.unwrap_or_else(|| input.position_range());
        for (a, actor) in input.actors.iter().enumerate() {
            let c = actor.capability;
            let candidates = [
                (
                    "capability",
                    (c * (1.0 - widths.capability)).max(0.0),
                    c * (1.0 + widths.capability),
                    Target::Capability { issue: i, actor: a },
                    format!("±{} relative", widths.capability),
                ),
                (
                    "position",
                    (actor.position - widths.position * (hi - lo)).clamp(lo, hi),
                    (actor.position + widths.position * (hi - lo)).clamp(lo, hi),
                    Target::Position { issue: i, actor: a },
                    format!("±{} of the scale", widths.position),
                ),
                (
                    "salience",
                    (actor.salience - widths.salience).clamp(0.0, 1.0),
                    (actor.salience + widths.salience).clamp(0.0, 1.0),
                    Target::Salience { issue: i, actor: a },
                    format!("±{} absolute", widths.salience),
                ),
            ];
            for (what, low, high, target, width) in candidates {
                if low < high {
                    out.push(Factor {
                        name: format!("{issue}.{}.{what}", actor.name),
                        low,
                        high,
                        target,
                        source: format!("the stated value {width}"),
                    });
                }
            }
        }
    }
    out
}

/// The simulation's inputs at one point of the factors' space (actual values, not unit).
pub fn inputs_at(
    sim: &Simulator,
    factors: &[Factor],
    values: &[f64],
) -> (Vec<f64>, Vec<BargainingInput>) {
    let mut parameters = sim.link_parameters.clone();
    let mut issues = sim.issue_inputs().to_vec();
    for (f, &x) in factors.iter().zip(values) {
        match f.target {
            Target::Link { link } => parameters[link] = x,
            Target::Capability { issue, actor } => issues[issue].actors[actor].capability = x,
            Target::Position { issue, actor } => issues[issue].actors[actor].position = x,
            Target::Salience { issue, actor } => issues[issue].actors[actor].salience = x,
            Target::Bargain { .. } => {}
        }
    }
    (parameters, issues)
}

/// The bargain stage's inputs at one point of the factors' space: the central bargain (no
/// price shocks, the reference held) with the `bargain.*` factors' values; `None` without the
/// stage.
pub fn bargain_at(
    sim: &Simulator,
    factors: &[Factor],
    values: &[f64],
) -> Option<crate::simulation::BargainDraw> {
    let stage = sim.bargain.as_ref()?;
    let mut draw = stage.central(sim.from, sim.to);
    for (f, &x) in factors.iter().zip(values) {
        if let Target::Bargain { parameter } = f.target {
            draw.params.set(parameter, x);
        }
    }
    Some(draw)
}

/// The outcomes a sweep records: each series at each of `years`, named `<series>@<year>`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcomes {
    pub names: Vec<String>,
    /// Per outcome: where the series is in a trajectory, and the year index.
    #[serde(skip)]
    picks: Vec<(Column, usize)>,
}

/// A series or year a sweep cannot record.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OutcomeError {
    #[error(transparent)]
    Series(#[from] SeriesIdError),
    #[error("year {year} is outside the simulated years {from}-{to}")]
    Year { year: i32, from: i32, to: i32 },
}

impl orbit_scenario::Hint for OutcomeError {
    fn hints(&self) -> Vec<String> {
        match self {
            OutcomeError::Series(e) => e.hints(),
            OutcomeError::Year { from, to, .. } => {
                vec![format!(
                    "give a year from {from} to {to} (`--from`, `--to` set the range)"
                )]
            }
        }
    }
}

impl Outcomes {
    /// `series` names as in `orbit simulate` (an indicator, `eum.<issue>`,
    /// `compromise.<issue>`); empty means every EUM and compromise forecast and every
    /// indicator that is not an issue position or salience.
    pub fn new(sim: &Simulator, series: &[String], years: &[i32]) -> Result<Self, OutcomeError> {
        let chosen: Vec<SimulatedSeries> = if series.is_empty() {
            series::simulated(sim)
                .into_iter()
                .filter(|s| {
                    !matches!(
                        s.id,
                        SeriesId::Indicator(Variable::Position { .. } | Variable::Salience { .. })
                    )
                })
                .collect()
        } else {
            series
                .iter()
                .map(|s| series::parse(s, sim))
                .collect::<Result<_, _>>()?
        };
        let years = if years.is_empty() {
            vec![sim.to]
        } else {
            years.to_vec()
        };
        let mut names = Vec::new();
        let mut picks = Vec::new();
        for &year in &years {
            if year < sim.from || year > sim.to {
                return Err(OutcomeError::Year {
                    year,
                    from: sim.from,
                    to: sim.to,
                });
            }
            for s in &chosen {
                names.push(format!("{}@{year}", s.name));
                picks.push((s.column, (year - sim.from) as usize));
            }
        }
        Ok(Outcomes { names, picks })
    }

    /// The outcomes of one trajectory, written into `out` (length `names.len()`).
    pub fn read(&self, t: &Trajectory, out: &mut [f64]) {
        for (o, &(column, y)) in out.iter_mut().zip(&self.picks) {
            *o = column.value(t, y);
        }
    }
}

/// A run the model could not complete: its row and why.
pub type Failure = (usize, String);

/// Rows `start..end` of a sweep: per row the factor values then the outcomes, flat
/// (`end - start` rows of `factors.len() + outcomes.names.len()` numbers). A run the model
/// cannot complete has NaN outcomes (missing, never zero) and is listed in the returned
/// failures as `(row, message)`. Rows are computed in parallel on the current rayon pool; each
/// depends on `(seed, row)` only.
pub fn sweep_rows(
    sim: &Simulator,
    plan: &Plan,
    factors: &[Factor],
    outcomes: &Outcomes,
    start: usize,
    end: usize,
) -> Result<(Vec<f64>, Vec<Failure>), DesignError> {
    use rayon::prelude::*;
    if start > end || end > plan.rows() {
        return Err(DesignError::Rows {
            start,
            end,
            rows: plan.rows(),
        });
    }
    let d = factors.len();
    let width = d + outcomes.names.len();
    let mut data = vec![0.0; (end - start) * width];
    let failures: Vec<Failure> = data
        .par_chunks_mut(width)
        .enumerate()
        .filter_map(|(k, row)| {
            let r = start + k;
            let (x, y) = row.split_at_mut(d);
            plan.unit_row(r, x);
            for (v, f) in x.iter_mut().zip(factors) {
                *v = f.low + *v * (f.high - f.low);
            }
            let (parameters, issues) = inputs_at(sim, factors, x);
            let bargain = bargain_at(sim, factors, x);
            match sim.run_with(&parameters, &issues, bargain.as_ref()) {
                Ok(t) => {
                    outcomes.read(&t, y);
                    None
                }
                Err(e) => {
                    y.fill(f64::NAN);
                    Some((r, e.to_string()))
                }
            }
        })
        .collect();
    Ok((data, failures))
}

/// Runs the simulation at given factor values (for adapters such as the EMA Workbench's).
pub fn evaluate(
    sim: &Simulator,
    factors: &[Factor],
    outcomes: &Outcomes,
    values: &[f64],
) -> Result<Vec<f64>, SimulationError> {
    let (parameters, issues) = inputs_at(sim, factors, values);
    let bargain = bargain_at(sim, factors, values);
    let t = sim.run_with(&parameters, &issues, bargain.as_ref())?;
    let mut out = vec![0.0; outcomes.names.len()];
    outcomes.read(&t, &mut out);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(spec: &DesignSpec, d: usize) -> Vec<Vec<f64>> {
        let plan = Plan::new(spec, d).unwrap();
        (0..plan.rows())
            .map(|r| {
                let mut x = vec![0.0; d];
                plan.unit_row(r, &mut x);
                x
            })
            .collect()
    }

    #[test]
    fn latin_hypercube_has_one_point_per_stratum() {
        let spec = DesignSpec {
            design: Design::LatinHypercube,
            samples: 50,
            seed: 7,
        };
        let x = rows(&spec, 3);
        for k in 0..3 {
            let mut strata: Vec<usize> = x.iter().map(|r| (r[k] * 50.0) as usize).collect();
            strata.sort();
            assert_eq!(strata, (0..50).collect::<Vec<_>>());
        }
    }

    #[test]
    fn sobol_matches_published_first_points() {
        // Unscrambled Sobol points 1..4 in 3 dimensions (Gray-code order; SciPy's
        // qmc.Sobol(3, scramble=False) gives the same).
        let spec = DesignSpec {
            design: Design::Saltelli { scramble: false },
            samples: 4,
            seed: 0,
        };
        let plan = Plan::new(&spec, 2).unwrap();
        let expected = [
            [0.5, 0.5, 0.5],
            [0.75, 0.25, 0.25],
            [0.25, 0.75, 0.75],
            [0.375, 0.375, 0.625],
        ];
        for (i, e) in expected.iter().enumerate() {
            for (dim, &v) in e.iter().enumerate() {
                assert_eq!(
                    plan.sobol(i as u32 + 1, dim),
                    v,
                    "point {} dim {dim}",
                    i + 1
                );
            }
        }
    }

    #[test]
    fn saltelli_rows_mix_a_and_b() {
        let spec = DesignSpec {
            design: Design::Saltelli { scramble: true },
            samples: 8,
            seed: 3,
        };
        let x = rows(&spec, 3);
        assert_eq!(x.len(), 8 * 5);
        let (a, b) = (&x[0], &x[4]);
        assert_eq!(x[1], vec![b[0], a[1], a[2]]);
        assert_eq!(x[3], vec![a[0], a[1], b[2]]);
    }

    #[test]
    fn morris_moves_one_factor_per_step_by_delta() {
        let spec = DesignSpec {
            design: Design::Morris { levels: 4 },
            samples: 5,
            seed: 11,
        };
        let d = 4;
        let x = rows(&spec, d);
        let delta = 4.0 / 6.0;
        for t in 0..5 {
            let mut moved = vec![false; d];
            for s in 1..=d {
                let (p, q) = (&x[t * (d + 1) + s - 1], &x[t * (d + 1) + s]);
                let changed: Vec<usize> = (0..d).filter(|&k| p[k] != q[k]).collect();
                assert_eq!(changed.len(), 1);
                let k = changed[0];
                assert!(((p[k] - q[k]).abs() - delta).abs() < 1e-12);
                assert!(!moved[k]);
                moved[k] = true;
            }
            assert!(
                x[t * (d + 1)..(t + 1) * (d + 1)]
                    .iter()
                    .flatten()
                    .all(|v| (0.0..=1.0).contains(v))
            );
        }
    }

    #[test]
    fn bad_designs_are_errors() {
        let spec = |design| DesignSpec {
            design,
            samples: 4,
            seed: 0,
        };
        assert_eq!(
            Plan::new(&spec(Design::Morris { levels: 3 }), 2).unwrap_err(),
            DesignError::Levels(3)
        );
        assert_eq!(
            Plan::new(&spec(Design::Saltelli { scramble: false }), 600).unwrap_err(),
            DesignError::TooManyFactors(600)
        );
        assert_eq!(
            Plan::new(&spec(Design::MonteCarlo), 0).unwrap_err(),
            DesignError::NoFactors
        );
    }
}
