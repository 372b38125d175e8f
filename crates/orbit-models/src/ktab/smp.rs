//! KTAB's Spatial Model of Politics (SMP), as implemented in KTAB commit 3b5b063, quirks included.
//!
//! Section numbers (§) refer to the written specification of KTAB's algorithm kept with the
//! project's shared models (`ktab-smp.md`); each function names the KTAB file and function it
//! follows. Everything is on [0, 1] internally, as in KTAB. The order of floating-point operations
//! follows KTAB's, so that histories match KTAB's to the last bit where its output is reproducible
//! (one worker thread: actors in index order, §9).

use orbit_scenario::ktab::{
    BargnModel, BigRAdjust, BigRRange, InterVecBrgn, KtabScenario, PceModel, SmpParameters,
    StateTransitions, ThirdPartyCommit, VictoryProbModel, VotingRule,
};
use serde::Serialize;

use super::prng::KtabRng;

/// `SMPModel::posTol` (`smp/smp.h:405`): positions closer than this are equivalent (§2.1).
pub const POS_TOL: f64 = 1e-3;
/// Stopping constants of `SMPModel::configExec` (`smp/smp.cpp:1657-1663`, §5).
pub const MIN_ITER: usize = 2;
pub const MAX_ITER: usize = 100;
pub const MIN_DELTA_RATIO: f64 = 0.02;
pub const MIN_SIG_DELTA: f64 = 1e-4;

/// The inputs of an SMP run on KTAB's internal [0, 1] scale.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SmpInput {
    pub actors: Vec<String>,
    pub dimensions: Vec<String>,
    /// `sCap` per actor.
    pub capability: Vec<f64>,
    /// `position[i][d]` on [0, 1].
    pub position: Vec<Vec<f64>>,
    /// `salience[i][d]` on [0, 1], Σ_d ≤ 1.
    pub salience: Vec<Vec<f64>>,
    /// `A[i][j]`, the weight of j's position in i's new ideal; `None` is the identity.
    pub accommodation: Option<Vec<Vec<f64>>>,
}

impl SmpInput {
    /// The input for a scenario's `[[spatial_issues]]` entry: capabilities as given, positions
    /// mapped to [0, 1] per dimension, saliences as given (already shares in [0, 1]).
    pub fn from_spatial_issue(
        world: &orbit_scenario::World,
        issue: &orbit_scenario::spatial::SpatialIssue,
    ) -> Self {
        Self {
            actors: issue
                .positions
                .iter()
                .map(|p| world.code(p.actor).to_string())
                .collect(),
            dimensions: issue.dimensions.iter().map(|d| d.id.clone()).collect(),
            capability: issue.positions.iter().map(|p| p.capability).collect(),
            position: issue
                .positions
                .iter()
                .map(|p| {
                    p.position
                        .iter()
                        .zip(&issue.dimensions)
                        .map(|(x, d)| d.to_unit(*x))
                        .collect()
                })
                .collect(),
            salience: issue.positions.iter().map(|p| p.salience.clone()).collect(),
            accommodation: None,
        }
    }

    /// The input KTAB builds from a file: positions and saliences divided by 100
    /// (`smp/smpread.cpp:249-250`, `:564-565`).
    pub fn from_scenario(scenario: &KtabScenario) -> Self {
        Self {
            actors: scenario.actors.iter().map(|a| a.name.clone()).collect(),
            dimensions: scenario.dimensions.clone(),
            capability: scenario.actors.iter().map(|a| a.capability).collect(),
            position: scenario
                .actors
                .iter()
                .map(|a| a.position.iter().map(|p| p / 100.0).collect())
                .collect(),
            salience: scenario
                .actors
                .iter()
                .map(|a| a.salience.iter().map(|s| s / 100.0).collect())
                .collect(),
            accommodation: scenario.accommodation.clone(),
        }
    }
}

/// Why a run stopped (§5).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StopReason {
    /// `t ≥ 2` and the fractional change fell below 0.02.
    Converged { iteration: usize, ratio: f64 },
    /// `t` reached 100.
    MaxIterations,
}

impl std::fmt::Display for StopReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StopReason::Converged { iteration, ratio } => write!(
                f,
                "converged: fractional change {ratio:.4} < {MIN_DELTA_RATIO} at iteration {iteration} (min {MIN_ITER} iterations)"
            ),
            StopReason::MaxIterations => write!(f, "max iterations ({MAX_ITER}) reached"),
        }
    }
}

/// A finished run: every state from the input (turn 0) to the last.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SmpRun {
    /// `positions[t][i][d]` on [0, 1].
    pub positions: Vec<Vec<Vec<f64>>>,
    /// `ideals[t][i][d]` on [0, 1] (equal to the positions unless an accommodation matrix is given).
    pub ideals: Vec<Vec<Vec<f64>>>,
    /// The stop statistic r_t for t = 1..T (§5).
    pub fractional_change: Vec<f64>,
    pub stop: StopReason,
    pub parameters: SmpParameters,
    pub seed: u64,
}

impl SmpRun {
    /// The number of turns T (states − 1).
    pub fn turns(&self) -> usize {
        self.positions.len() - 1
    }
}

/// A refusal by KTAB's model, with KTAB's own message (`Class::function: text`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SmpError {
    /// The input cannot be run (sizes, ranges, non-finite values).
    #[error("invalid SMP input: {0}")]
    Input(String),
    /// KTAB throws here; the message is KTAB's.
    #[error("{ktab}{}", hint.map(|h| format!("\nhint: {h}")).unwrap_or_default())]
    Ktab {
        ktab: String,
        hint: Option<&'static str>,
    },
}

fn ktab(message: impl Into<String>) -> SmpError {
    SmpError::Ktab {
        ktab: message.into(),
        hint: None,
    }
}

// ---------------------------------------------------------------------------------------------
// Scalar building blocks (kmodel/kmodel.cpp, smp/smp.cpp)

/// `SMPModel::bsUtil` (`smp/smp.cpp:988-1000`, §2.3).
#[inline]
pub fn bs_util(sd: f64, r: f64) -> f64 {
    if sd <= 1.0 {
        (1.0 - sd) * (1.0 + sd * r)
    } else {
        (1.0 - sd) * (1.0 + r)
    }
}

/// `SMPModel::bvDiff(a − b, s)` (`smp/smp.cpp:1002-1026`, §2.2): the salience-weighted distance.
#[inline]
fn bv_diff(a: &[f64], b: &[f64], s: &[f64]) -> f64 {
    let mut ds_sqr = 0.0;
    let mut ss_sqr = 0.0;
    for d in 0..a.len() {
        let ds = (a[d] - b[d]) * s[d];
        ds_sqr += ds * ds;
        ss_sqr += s[d] * s[d];
    }
    (ds_sqr / ss_sqr).sqrt()
}

/// `Model::vote` (`kmodel/kmodel.cpp:358-415`, §3.1). The weight is positive (checked on input).
#[inline]
pub fn vote(vr: VotingRule, w: f64, u_a: f64, u_b: f64) -> f64 {
    let du = u_a - u_b;
    let mut r_bin = du / 1e-8;
    r_bin = if r_bin > 1.0 { 1.0 } else { r_bin };
    r_bin = if r_bin < -1.0 { -1.0 } else { r_bin };
    match vr {
        VotingRule::Binary => w * r_bin,
        VotingRule::PropBin => {
            let rbp = 0.2;
            w * ((1.0 - rbp) * du + rbp * r_bin)
        }
        VotingRule::Prop => w * du,
        VotingRule::PropCbc => {
            let rpc = 0.5;
            w * ((1.0 - rpc) * du + rpc * (du * du * du))
        }
        VotingRule::Cubic => w * (du * du * du),
        VotingRule::ASymProsp => {
            if du < 0.0 {
                w * du
            } else if du > 0.0 {
                (2.0 * w * du) / 3.0
            } else {
                0.0
            }
        }
    }
}

/// `Model::vProb(vpm, s1, s2)` (`kmodel/kmodel.cpp:417-483`, §3.3).
fn v_prob(vpm: VictoryProbModel, s1: f64, s2: f64) -> Result<(f64, f64), SmpError> {
    let qrtc = |x: f64| x * x * x * x;
    let (x1, x2) = match vpm {
        VictoryProbModel::Linear => (s1, s2),
        VictoryProbModel::Square => (s1 * s1, s2 * s2),
        VictoryProbModel::Quartic => (qrtc(s1), qrtc(s2)),
        VictoryProbModel::Octic => {
            let (a, b) = (qrtc(s1), qrtc(s2));
            (a * a, b * b)
        }
        VictoryProbModel::Binary => {
            let thresh = 1.10;
            if s1 >= thresh * s2 {
                (1.0, 1e-6)
            } else if s2 >= thresh * s1 {
                (1e-6, 1.0)
            } else {
                let r12 = s1 / (s1 + s2);
                let p12 = (r12 * (thresh + 1.0) - 1.0) / (thresh - 1.0);
                (p12, 1.0 - p12)
            }
        }
    };
    let p1 = x1 / (x1 + x2);
    let p2 = x2 / (x1 + x2);
    if p1.is_nan() || p2.is_nan() || p1 < 0.0 || p2 < 0.0 {
        return Err(ktab("Model::vProb: p1 must be non-negative"));
    }
    if (p1 + p2 - 1.0).abs() >= 1e-8 {
        return Err(ktab(
            "Model::vProb: Sum total of all probabilities must be less than 1.0",
        ));
    }
    Ok((p1, p2))
}

/// A square matrix, row-major like KTAB's `KMatrix`.
#[derive(Debug, Clone)]
struct Square {
    m: usize,
    v: Vec<f64>,
}

impl Square {
    fn new(m: usize) -> Self {
        Self {
            m,
            v: vec![0.0; m * m],
        }
    }
    #[inline]
    fn at(&self, i: usize, j: usize) -> f64 {
        self.v[i * self.m + j]
    }
    #[inline]
    fn set(&mut self, i: usize, j: usize, x: f64) {
        self.v[i * self.m + j] = x;
    }
}

/// `Model::coalitions` (`kmodel/kmodel.cpp:516-543`, §3.2) with votes
/// `vote(vr, w_k, u(k, i), u(k, j))`; `u(k, o)` is actor k's utility of option o.
fn coalitions(vr: VotingRule, w: &[f64], m: usize, u: impl Fn(usize, usize) -> f64) -> Square {
    let mut c = Square::new(m);
    for i in 0..m {
        for j in 0..i {
            let mut cij = 1e-8;
            let mut cji = 1e-8;
            for (k, &wk) in w.iter().enumerate() {
                let v = vote(vr, wk, u(k, i), u(k, j));
                if v > 0.0 {
                    cij += v;
                }
                if v < 0.0 {
                    cji -= v;
                }
            }
            c.set(i, j, cij);
            c.set(j, i, cji);
        }
        c.set(i, i, 1e-8);
    }
    c
}

/// `Model::vProb(vpm, C)` (`kmodel/kmodel.cpp:488-514`).
fn v_prob_matrix(vpm: VictoryProbModel, c: &Square) -> Result<Square, SmpError> {
    let m = c.m;
    let mut p = Square::new(m);
    for i in 0..m {
        for j in 0..i {
            let (p1, p2) = v_prob(vpm, c.at(i, j), c.at(j, i))?;
            p.set(i, j, p1);
            p.set(j, i, p2);
        }
        p.set(i, i, 0.5);
    }
    Ok(p)
}

fn ksum(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |s, &x| s + x)
}

/// `Model::condPCE` (`kmodel/kmodel.cpp:794-812`).
fn cond_pce(pv: &Square) -> Result<Vec<f64>, SmpError> {
    let m = pv.m;
    let mut p = Vec::with_capacity(m);
    for i in 0..m {
        let mut pi = 1.0;
        for j in 0..m {
            pi *= pv.at(i, j);
        }
        if !(0.0..=1.0).contains(&pi) {
            return Err(ktab(
                "Model::condPCE: value of probability pi must be within [0,1]",
            ));
        }
        p.push(pi);
    }
    let prob_one = ksum(&p);
    Ok(p.into_iter().map(|x| x / prob_one).collect())
}

/// The iteration cap of KTAB's Markov PCEs; KTAB loops without bound and throws afterwards when
/// 1000 sweeps were needed, so stopping at 1000 gives the same error without the hang.
const PCE_MAX_SWEEPS: usize = 1000;

/// `Model::markovUniformPCE` (`kmodel/kmodel.cpp:756-789`).
fn markov_uniform_pce(pv: &Square) -> Result<Vec<f64>, SmpError> {
    let m = pv.m;
    let mut p = vec![1.0 / m as f64; m];
    let mut q = p.clone();
    let mut change = 1.0;
    let mut iter = 0;
    while 1e-6 < change {
        if iter >= PCE_MAX_SWEEPS {
            return Err(ktab(
                "Model::markovUniformPCE: Iteration exceeded the upper limit",
            ));
        }
        change = 0.0;
        for i in 0..m {
            let mut pi = 0.0;
            for j in 0..m {
                pi += pv.at(i, j) * (p[i] + p[j]);
            }
            if pi < 0.0 || pi.is_nan() {
                return Err(ktab(
                    "Model::markovUniformPCE: Probability pi must be non-negative",
                ));
            }
            q[i] = pi / m as f64;
            let c = (q[i] - p[i]).abs();
            change = if c > change { c } else { change };
        }
        for i in 0..m {
            p[i] = (p[i] + q[i]) / 2.0;
        }
        iter += 1;
        if (ksum(&p) - 1.0).abs() >= 1e-6 {
            return Err(ktab(
                "Model::markovUniformPCE: Sum total of probabilities must be less than 1.0",
            ));
        }
    }
    if iter >= PCE_MAX_SWEEPS {
        return Err(ktab(
            "Model::markovUniformPCE: Iteration exceeded the upper limit",
        ));
    }
    Ok(p)
}

/// `Model::markovIncentivePCE` (`kmodel/kmodel.cpp:637-732`).
fn markov_incentive_pce(c: &Square, pv: &Square) -> Result<Vec<f64>, SmpError> {
    let m = c.m;
    let mut inctv = Square::new(m);
    for i in 0..m {
        for j in 0..m {
            let mut x = c.at(i, j) * pv.at(i, j);
            if i == j {
                x += 1e-10;
            }
            inctv.set(i, j, x);
        }
    }
    let mut column_sum = vec![0.0; m];
    for j in 0..m {
        let mut s = 0.0;
        for k in 0..m {
            s += inctv.at(k, j);
        }
        column_sum[j] = s;
    }
    let mut chlg = Square::new(m);
    for i in 0..m {
        for j in 0..m {
            chlg.set(i, j, inctv.at(i, j) / column_sum[j]);
        }
    }
    let mut p = vec![1.0 / m as f64; m];
    let mut q = p.clone();
    let mut ct = Square::new(m);
    let mut change = 1.0;
    let mut iter = 0;
    while 1e-8 < change {
        if iter >= PCE_MAX_SWEEPS {
            return Err(ktab(
                "Model::markovIncentivePCE: Iteration exceeded upper limit",
            ));
        }
        for i in 0..m {
            for j in 0..m {
                ct.set(i, j, p[i] * chlg.at(j, i));
            }
        }
        change = 0.0;
        for i in 0..m {
            let mut qi = 0.0;
            for j in 0..m {
                qi += pv.at(i, j) * (ct.at(i, j) + ct.at(j, i));
            }
            if qi < 0.0 || qi.is_nan() {
                return Err(ktab(
                    "Model::markovIncentivePCE: Probability qi must be non-negative",
                ));
            }
            q[i] = qi;
            let d = (q[i] - p[i]).abs();
            change = if d > change { d } else { change };
        }
        for i in 0..m {
            p[i] = (p[i] + q[i]) / 2.0;
        }
        iter += 1;
        if (ksum(&p) - 1.0).abs() >= 1e-8 {
            return Err(ktab(
                "Model::markovIncentivePCE: Sum total of prob p must be less than 1.0",
            ));
        }
    }
    if iter >= PCE_MAX_SWEEPS {
        return Err(ktab(
            "Model::markovIncentivePCE: Iteration exceeded upper limit",
        ));
    }
    Ok(p)
}

/// `Model::probCE2` (`kmodel/kmodel.cpp:570-599`, §3.4): the probability of each option.
fn prob_ce2(pcem: PceModel, vpm: VictoryProbModel, c: &Square) -> Result<Vec<f64>, SmpError> {
    let pv = v_prob_matrix(vpm, c)?;
    let p = match pcem {
        PceModel::Conditional => cond_pce(&pv)?,
        PceModel::MarkovIncentive => markov_incentive_pce(c, &pv)?,
        PceModel::MarkovUniform => markov_uniform_pce(&pv)?,
    };
    let total = ksum(&p);
    if (total - 1.0).abs() >= 1e-8 || total.is_nan() {
        return Err(ktab(
            "Model::probCE2: Sum total of probs must be less than 1.0",
        ));
    }
    Ok(p)
}

/// `Model::bigRfromProb` (`kmodel/kmodel.cpp:234-270`, §2.4).
fn big_r_from_prob(p: &[f64], rr: BigRRange) -> Result<Vec<f64>, SmpError> {
    let mut p_min = 1.0;
    let mut p_max = 0.0;
    for &pi in p {
        if pi < 0.0 {
            return Err(ktab("Model::bigRfromProb: pi must be non-negative"));
        }
        p_min = if pi < p_min { pi } else { p_min };
        p_max = if pi > p_max { pi } else { p_max };
    }
    if (1.0 - ksum(p)).abs() >= 1e-8 {
        return Err(ktab(
            "Model::bigRfromProb: sum of probabilities can't be greater than 1",
        ));
    }
    if p_max <= p_min {
        // KTAB divides by zero here and carries NaN into every utility; orbit refuses instead.
        return Err(SmpError::Ktab {
            ktab:
                "Model::bigRfromProb: every position is equally likely, so risk attitudes are 0/0"
                    .into(),
            hint: Some(
                "KTAB would continue with NaN utilities; give the actors distinct positions or capabilities",
            ),
        });
    }
    Ok(p.iter()
        .map(|&pi| match rr {
            BigRRange::Min => (pi - p_min) / (p_max - p_min),
            BigRRange::Mid => (3.0 * pi - (p_max + 2.0 * p_min)) / (2.0 * (p_max - p_min)),
            BigRRange::Max => (2.0 * pi - (p_max + p_min)) / (p_max - p_min),
        })
        .collect())
}

/// `Model::estNRA` (`kmodel/kmodel.cpp:274-294`, §2.5), literally.
#[inline]
fn est_nra(rh: f64, ri: f64, ra: BigRAdjust) -> f64 {
    match ra {
        BigRAdjust::Full => ri,
        BigRAdjust::TwoThirds => (rh + (2.0 * ri)) / 3.0,
        BigRAdjust::Half => (rh + ri) / 2.0,
        BigRAdjust::OneThird => ((2.0 * rh) + ri) / 3.0,
        BigRAdjust::None => rh,
    }
}

// ---------------------------------------------------------------------------------------------
// States

/// One SMP state with its set-up (§2): distances, risk attitudes and perspective estimates.
#[derive(Debug, Clone)]
struct State {
    /// `x[i*D + d]`.
    x: Vec<f64>,
    /// `ξ[i*D + d]`.
    ideal: Vec<f64>,
    /// `δ(i, j)`: distance from i's ideal to j's position.
    delta: Square,
    /// ρ_i, the objective risk attitudes.
    rho: Vec<f64>,
    /// `r(h, i)`, h's estimate of i's risk attitude; `U^h(i, j) = u(δ(i, j), r(h, i))`.
    r_est: Square,
}

/// The model's constant data.
#[derive(Debug)]
struct Model<'a> {
    n: usize,
    dims: usize,
    cap: &'a [f64],
    /// `s[i*D + d]`.
    sal: Vec<f64>,
    /// `S_i = Σ_d s_id` (`KBase::sum(vSal)`).
    total_sal: Vec<f64>,
    accommodation: Option<&'a Vec<Vec<f64>>>,
    params: SmpParameters,
}

impl Model<'_> {
    #[inline]
    fn sal(&self, i: usize) -> &[f64] {
        &self.sal[i * self.dims..(i + 1) * self.dims]
    }

    /// `aUtil[h](i, j)`.
    #[inline]
    fn u(&self, st: &State, h: usize, i: usize, j: usize) -> f64 {
        bs_util(st.delta.at(i, j), st.r_est.at(h, i))
    }

    /// `SMPState::setAllAUtil` after `setVDiff` (`smp/smp.cpp:383-415`, `:435-546`, §2).
    fn set_up(&self, x: Vec<f64>, ideal: Vec<f64>) -> Result<State, SmpError> {
        let (n, dims) = (self.n, self.dims);
        let mut delta = Square::new(n);
        for i in 0..n {
            let xi = &ideal[i * dims..(i + 1) * dims];
            for j in 0..n {
                delta.set(i, j, bv_diff(xi, &x[j * dims..(j + 1) * dims], self.sal(i)));
            }
        }
        let params = &self.params;
        let rn_util = |i: usize, j: usize| bs_util(delta.at(i, j), 0.0);
        let c = coalitions(params.voting_rule, self.cap, n, rn_util);
        let p = prob_ce2(params.pce_model, params.victory_prob_model, &c)?;
        let rho = big_r_from_prob(&p, params.big_r_range)?;
        let mut du = 0.0;
        for i in 0..n {
            for j in 0..n {
                let d = rn_util(i, j) - bs_util(delta.at(i, j), rho[i]);
                du += d * d;
            }
        }
        if 1e-6 >= du.sqrt() {
            return Err(ktab(
                "SMPState::setAllAUtil: utility values not in valid range",
            ));
        }
        let mut r_est = Square::new(n);
        for h in 0..n {
            let mut norm = 0.0;
            for i in 0..n {
                let rhi = est_nra(rho[h], rho[i], params.big_r_adjust);
                r_est.set(h, i, rhi);
                for j in 0..n {
                    let dij = delta.at(i, j);
                    let d = bs_util(dij, rhi) - bs_util(dij, rho[i]);
                    norm += d * d;
                }
            }
            if 1e-6 >= norm.sqrt() {
                return Err(SmpError::Ktab {
                    ktab: "SMPState::setAllAUtil: Estimate of change in utility by h out of valid range".into(),
                    hint: (params.big_r_adjust == BigRAdjust::Full).then_some(
                        "with BigRAdjust = Full every actor's estimate equals the objective utilities, which KTAB always refuses; choose None, OneThird, Half or TwoThirds",
                    ),
                });
            }
        }
        Ok(State {
            x,
            ideal,
            delta,
            rho,
            r_est,
        })
    }

    /// `SMPState::probEduChlg(h, k, i, j)` (`smp/smpbcn.cpp:808-1012`, §4.1): h's estimate of the
    /// probability that i beats j, and of the change in utility to k of i challenging j.
    fn prob_edu_chlg(
        &self,
        st: &State,
        h: usize,
        k: usize,
        i: usize,
        j: usize,
    ) -> Result<(f64, f64), SmpError> {
        let vr = self.params.voting_rule;
        let u = |a: usize, b: usize| self.u(st, h, a, b);
        let (uii, uij, uji, ujj) = (u(i, i), u(i, j), u(j, i), u(j, j));
        let eu_sq = u(k, i) + u(k, j);
        if !(0.0..=2.0).contains(&eu_sq) {
            return Err(ktab(
                "SMPState::probEduChlg: euSQ must be in the range [0.0, 2.0]",
            ));
        }
        let uhkij = u(k, i) + u(k, i);
        if !(0.0..=2.0).contains(&uhkij) {
            return Err(ktab(
                "SMPState::probEduChlg: uhkij must be in the range [0.0, 2.0]",
            ));
        }
        let uhkji = u(k, j) + u(k, j);
        if !(0.0..=2.0).contains(&uhkji) {
            return Err(ktab(
                "SMPState::probEduChlg: uhkji must be in the range [0.0, 2.0]",
            ));
        }
        let si = self.total_sal[i];
        let ci = self.cap[i];
        let sj = self.total_sal[j];
        if sj <= 0.0 || sj > 1.0 {
            return Err(ktab(
                "SMPState::probEduChlg: sj must be in the range (0, 1]",
            ));
        }
        let cj = self.cap[j];
        let identity = self.accommodation.is_none();
        let contrib_i = vote(vr, si * ci, uii, uij);
        if identity && contrib_i < 0.0 {
            return Err(ktab(
                "SMPState::probEduChlg: h's estimate of i's contribution to (i:j) must be positive",
            ));
        }
        let contrib_j = vote(vr, sj * cj, uji, ujj);
        if identity && contrib_j > 0.0 {
            return Err(ktab(
                "SMPState::probEduChlg: h's estimate of j's contribution to (i:j) must be positive",
            ));
        }
        let mut chij = 1e-10;
        let mut chji = 1e-10;
        if contrib_i > 0.0 {
            chij += contrib_i;
        }
        if contrib_i < 0.0 {
            chji -= contrib_i;
        }
        if contrib_j > 0.0 {
            chij += contrib_j;
        }
        if contrib_j < 0.0 {
            chji -= contrib_j;
        }
        let (a_i, a_j) = (chij, chji);
        let tpc = self.params.third_party_commit;
        for nn in 0..self.n {
            if nn == i || nn == j {
                continue;
            }
            let wn = self.total_sal[nn] * self.cap[nn];
            let (uni, unj, unn) = (u(nn, i), u(nn, j), u(nn, nn));
            // Actor::vProbLittle (kmodel/kmodel.cpp:939-964)
            let v0 = vote(vr, wn, uni, unj);
            let cni = if v0 > 0.0 { a_i + v0 } else { a_i };
            let cnj = if v0 < 0.0 { a_j - v0 } else { a_j };
            let pin = cni / (cni + cnj);
            let pjn = 1.0 - pin;
            // Actor::thirdPartyVoteSU (kmodel/kmodel.cpp:879-934)
            if pin < 0.0 || pjn < 0.0 || (pin + pjn - 1.0).abs() >= 1e-8 {
                return Err(ktab(
                    "Actor::thirdPartyVoteSU: sum of probabilities greater than permissible value",
                ));
            }
            let (ik_j, j_ik, i_jk, jk_i) = match tpc {
                ThirdPartyCommit::FullCommit => (
                    uni + uni + uni,
                    unj + unj + unj,
                    uni + uni + uni,
                    unj + unj + unj,
                ),
                ThirdPartyCommit::SemiCommit => (
                    uni + uni + unn,
                    unj + unj + unj,
                    uni + uni + uni,
                    unj + unj + unn,
                ),
                ThirdPartyCommit::NoCommit => (
                    uni + uni + unn,
                    unj + unj + unn,
                    uni + uni + unn,
                    unj + unj + unn,
                ),
            };
            let u_ik_j = (pin * ik_j) + (pjn * j_ik);
            let u_i_jk = (pin * i_jk) + (pjn * jk_i);
            let vn = vote(vr, wn, u_ik_j, u_i_jk);
            if vn > 0.0 {
                chij += vn;
            }
            if vn < 0.0 {
                chji -= vn;
            }
        }
        let phij = chij / (chij + chji);
        let phji = chji / (chij + chji);
        let eu_vict = uhkij;
        let eu_cntst = phij * uhkij + phji * uhkji;
        let eu_chlg = (1.0 - sj) * eu_vict + sj * eu_cntst;
        Ok((phij, eu_chlg - eu_sq))
    }

    /// `SMPActor::interpolateBrgn` (`smp/smp.cpp:269-369`, §4.3): the positions i and j would take.
    fn interpolate(
        &self,
        st: &State,
        i: usize,
        j: usize,
        prb_i: f64,
        prb_j: f64,
    ) -> (Vec<f64>, Vec<f64>) {
        let dims = self.dims;
        let mut bi = vec![0.0; dims];
        let mut bj = vec![0.0; dims];
        let round4 = |x: f64| ((0.5 + x * 10000.0) as i32) as f64 / 10000.0;
        for d in 0..dims {
            let tik = st.x[i * dims + d];
            let sik = self.sal[i * dims + d];
            let tjk = st.x[j * dims + d];
            let sjk = self.sal[j * dims + d];
            match self.params.inter_vec_brgn {
                InterVecBrgn::S1P1 | InterVecBrgn::S2P2 => {
                    // black_box keeps LLVM from rewriting pow(x, 2.0) as x*x.
                    let n =
                        std::hint::black_box(if self.params.inter_vec_brgn == InterVecBrgn::S1P1 {
                            1.0
                        } else {
                            2.0
                        });
                    // glibc pow, as KTAB's std::pow(x, (double)n); not x*x (§4.3).
                    let wik = sik.powf(n) * prb_i.powf(n);
                    let wjk = sjk.powf(n) * prb_j.powf(n);
                    let min_w = 1e-6;
                    bi[d] = round4(((wik + min_w) * tik + wjk * tjk) / (wik + min_w + wjk));
                    bj[d] = round4((wik * tik + (min_w + wjk) * tjk) / (wik + min_w + wjk));
                }
                InterVecBrgn::S2PMax => {
                    let di = if prb_j > prb_i { prb_j - prb_i } else { 0.0 };
                    let dj = if prb_i > prb_j { prb_i - prb_j } else { 0.0 };
                    let sik2 = sik * sik;
                    let sjk2 = sjk * sjk;
                    let min_w = 1e-6;
                    let dik = (di * sjk2) / ((di * sjk2) + min_w + ((1.0 - di) * sik2));
                    let djk = (dj * sik2) / ((dj * sik2) + min_w + ((1.0 - dj) * sjk2));
                    bi[d] = tik + dik * (tjk - tik);
                    bj[d] = tjk + djk * (tik - tjk);
                }
            }
        }
        (bi, bj)
    }

    /// One turn: `SMPState::doBCN` (`smp/smpbcn.cpp:197-800`, §4), in KTAB's canonical serial order.
    fn step(&self, st: &State, rng: &mut KtabRng) -> Result<(Vec<f64>, Vec<f64>), SmpError> {
        let (n, dims) = (self.n, self.dims);
        let mut brgns: Vec<Vec<Bargain>> = vec![Vec::new(); n];
        for i in 0..n {
            let xi = st.x[i * dims..(i + 1) * dims].to_vec();
            brgns[i].push(Bargain {
                init: i,
                rcvr: i,
                pos_init: xi.clone(),
                pos_rcvr: xi,
            });
            // bestChallengeUtils + bestChallenge (smpbcn.cpp:1015-1040, 161-172)
            let mut best: Option<(usize, f64)> = None;
            let mut best_eu = -1.0;
            for j in 0..n {
                if j == i {
                    continue;
                }
                let (p, edu) = self.prob_edu_chlg(st, i, i, i, j)?;
                if 1e-5 < edu && best_eu < edu {
                    best = Some((j, p));
                    best_eu = edu;
                }
            }
            let Some((jb, pii_j)) = best else { continue };
            // KTAB takes get<1> of J's estimate, i.e. J's estimate of the *utility change* to i,
            // where its comment says "probability" (smpbcn.cpp:408); reproduced as implemented.
            let pji_j = self.prob_edu_chlg(st, jb, i, i, jb)?.1;
            let (ii_i, ii_j) = self.interpolate(st, i, jb, pii_j, 1.0 - pii_j);
            match self.params.bargn_model {
                BargnModel::InitOnlyInterp => {
                    let b = Bargain {
                        init: i,
                        rcvr: jb,
                        pos_init: ii_i,
                        pos_rcvr: ii_j,
                    };
                    brgns[i].push(b.clone());
                    brgns[jb].push(b);
                }
                BargnModel::InitRcvrInterp => {
                    let (ji_i, ji_j) = self.interpolate(st, i, jb, pji_j, 1.0 - pji_j);
                    let b1 = Bargain {
                        init: i,
                        rcvr: jb,
                        pos_init: ii_i,
                        pos_rcvr: ii_j,
                    };
                    let b2 = Bargain {
                        init: i,
                        rcvr: jb,
                        pos_init: ji_i,
                        pos_rcvr: ji_j,
                    };
                    brgns[i].push(b1.clone());
                    brgns[i].push(b2.clone());
                    brgns[jb].push(b1);
                    brgns[jb].push(b2);
                }
                BargnModel::PWCompInterp => {
                    let (ji_i, ji_j) = self.interpolate(st, i, jb, pji_j, 1.0 - pji_j);
                    // Quirk (smpbcn.cpp:430): the receiver-view weight uses the initiator's capability.
                    let wi = self.cap[i] * self.total_sal[i];
                    let wj = self.cap[i] * self.total_sal[jb];
                    let mix = |a: &[f64], b: &[f64]| -> Vec<f64> {
                        a.iter()
                            .zip(b)
                            .map(|(&x, &y)| (wi * x + wj * y) / (wi + wj))
                            .collect()
                    };
                    let b = Bargain {
                        init: i,
                        rcvr: jb,
                        pos_init: mix(&ii_i, &ji_i),
                        pos_rcvr: mix(&ii_j, &ji_j),
                    };
                    brgns[i].push(b.clone());
                    brgns[jb].push(b);
                }
            }
        }
        // updateBestBrgnPositions(k) for k = 0..n-1 (smpbcn.cpp:613-800, §4.4)
        let sq_sum: Vec<f64> = (0..n)
            .map(|a| {
                let mut s = 0.0;
                for q in 0..n {
                    s += self.u(st, a, a, q);
                }
                s
            })
            .collect();
        let mut new_x = st.x.clone();
        let mut u_im: Vec<f64> = Vec::new();
        for k in 0..n {
            let list = &brgns[k];
            let nb = list.len();
            u_im.clear();
            u_im.resize(n * nb, 0.0);
            for a in 0..n {
                let ideal_a = &st.ideal[a * dims..(a + 1) * dims];
                let sal_a = self.sal(a);
                for (m, b) in list.iter().enumerate() {
                    let mut avg = if b.init == b.rcvr {
                        sq_sum[a]
                    } else {
                        let mut s = 0.0;
                        s += bs_util(bv_diff(ideal_a, &b.pos_init, sal_a), st.rho[a]);
                        s += bs_util(bv_diff(ideal_a, &b.pos_rcvr, sal_a), st.rho[a]);
                        for q in 0..n {
                            if q != b.init && q != b.rcvr {
                                s += self.u(st, a, a, q);
                            }
                        }
                        s
                    };
                    avg /= n as f64;
                    if avg <= 0.0 || avg.is_nan() {
                        return Err(ktab(
                            "SMPState::updateBestBrgnPositions: uAvrg should be non-negative",
                        ));
                    }
                    if avg > 1.0 {
                        return Err(ktab(
                            "SMPState::updateBestBrgnPositions: uAvrg can't be over 1.0",
                        ));
                    }
                    u_im[a * nb + m] = avg;
                }
            }
            let c = coalitions(self.params.voting_rule, self.cap, nb, |a, m| {
                u_im[a * nb + m]
            });
            let p = prob_ce2(self.params.pce_model, self.params.victory_prob_model, &c)?;
            let chosen = match self.params.state_transitions {
                StateTransitions::Deterministic => {
                    if (ksum(&p) - 1.0).abs() >= 1e-8 {
                        return Err(ktab(
                            "SMPState::updateBestBrgnPositions: Sum of cv is greater than 1",
                        ));
                    }
                    // ndxMaxAbs (kutils/kmatrix.cpp:141-170): first index of the largest |p|.
                    let mut best = 0;
                    let mut ma = -1.0;
                    for (m, &pm) in p.iter().enumerate() {
                        if ma < pm.abs() {
                            ma = pm.abs();
                            best = m;
                        }
                    }
                    best
                }
                StateTransitions::Stochastic => {
                    rng.prob_sel(&p).map_err(|e| ktab(e.to_string()))?
                }
            };
            let b = &list[chosen];
            if b.init != b.rcvr {
                let source = if b.init == k {
                    &b.pos_init
                } else {
                    &b.pos_rcvr
                };
                new_x[k * dims..(k + 1) * dims].copy_from_slice(source);
            }
        }
        // newIdeals (smp/smp.cpp:705-800, §4.5)
        let new_ideal = match self.accommodation {
            None => new_x.clone(),
            Some(a) => {
                let mut out = vec![0.0; n * dims];
                for i in 0..n {
                    let mut si = 0.0;
                    let mut ip = vec![0.0; dims];
                    for j in 0..n {
                        let aij = a[i][j];
                        si += aij;
                        for d in 0..dims {
                            ip[d] += aij * new_x[j * dims + d];
                        }
                    }
                    let si = if 1.0 < si { 1.0 } else { si };
                    let lag = 1.0 - si;
                    for d in 0..dims {
                        out[i * dims + d] = ip[d] + lag * st.ideal[i * dims + d];
                    }
                }
                out
            }
        };
        Ok((new_x, new_ideal))
    }
}

#[derive(Debug, Clone)]
struct Bargain {
    init: usize,
    rcvr: usize,
    pos_init: Vec<f64>,
    pos_rcvr: Vec<f64>,
}

/// `SMPModel::stateDist` (`smp/smp.cpp:971-983`): Σ_i ‖x_i − y_i‖₂.
fn state_dist(a: &[f64], b: &[f64], dims: usize) -> f64 {
    let mut sum = 0.0;
    for (pa, pb) in a.chunks(dims).zip(b.chunks(dims)) {
        let mut s = 0.0;
        for d in 0..dims {
            let x = pa[d] - pb[d];
            s += x * x;
        }
        sum += s.sqrt();
    }
    sum
}

/// Checks the input the way KTAB's readers and model do, so that nothing below can panic or
/// produce NaN on the way to KTAB's own refusals.
fn check_input(input: &SmpInput) -> Result<(), SmpError> {
    let n = input.actors.len();
    let dims = input.dimensions.len();
    let bad = |m: String| Err(SmpError::Input(m));
    if !(3..=250).contains(&n) {
        return bad(format!("KTAB's SMP needs 3 to 250 actors, got {n}"));
    }
    if dims == 0 {
        return bad("at least one dimension is needed".into());
    }
    if input.capability.len() != n || input.position.len() != n || input.salience.len() != n {
        return bad("capability, position and salience need one entry per actor".into());
    }
    for i in 0..n {
        let name = &input.actors[i];
        let c = input.capability[i];
        if !(c.is_finite() && c > 0.0) {
            return bad(format!(
                "actor `{name}`: capability {c} must be positive and finite"
            ));
        }
        if input.position[i].len() != dims || input.salience[i].len() != dims {
            return bad(format!(
                "actor `{name}`: needs {dims} coordinates and saliences"
            ));
        }
        if let Some(p) = input.position[i]
            .iter()
            .find(|p| !(p.is_finite() && (0.0..=1.0).contains(*p)))
        {
            return bad(format!("actor `{name}`: position {p} is outside [0, 1]"));
        }
        if let Some(s) = input.salience[i]
            .iter()
            .find(|s| !(s.is_finite() && (0.0..=1.0).contains(*s)))
        {
            return bad(format!("actor `{name}`: salience {s} is outside [0, 1]"));
        }
        let total = ksum(&input.salience[i]);
        if !(total > 0.0 && total <= 1.0 + 1e-12) {
            return bad(format!(
                "actor `{name}`: total salience {total} must lie in (0, 1]"
            ));
        }
    }
    if let Some(a) = &input.accommodation {
        if a.len() != n || a.iter().any(|r| r.len() != n) {
            return bad("the accommodation matrix must be n by n".into());
        }
        for (i, row) in a.iter().enumerate() {
            if row
                .iter()
                .any(|v| !(v.is_finite() && (0.0..=1.0).contains(v)))
            {
                return bad(format!(
                    "accommodation row of `{}` has a value outside [0, 1]",
                    input.actors[i]
                ));
            }
            if ksum(row) > 1.0 + 1e-10 {
                return bad(format!(
                    "accommodation row of `{}` sums to more than 1",
                    input.actors[i]
                ));
            }
        }
    }
    Ok(())
}

/// KTAB's logged "History of actors' winning probabilities" (`SMPModel::showVPHistory`,
/// `smp/smp.cpp:1385-1424`; `SMPState::pDist(-1)`, `:893-945`; §7): for every state, the
/// probabilistic Condorcet election among the unique positions (equivalent within
/// [`POS_TOL`], first come first served, `kutils.h:116-159`) with each actor's own utilities, and
/// for each actor the probability of its position's class. `win[t][i]`.
pub fn win_probabilities(input: &SmpInput, run: &SmpRun) -> Result<Vec<Vec<f64>>, SmpError> {
    check_input(input)?;
    let n = input.actors.len();
    let dims = input.dimensions.len();
    let model = Model {
        n,
        dims,
        cap: &input.capability,
        sal: input.salience.iter().flatten().copied().collect(),
        total_sal: input.salience.iter().map(|s| ksum(s)).collect(),
        accommodation: input.accommodation.as_ref(),
        params: run.parameters,
    };
    let mut out = Vec::with_capacity(run.positions.len());
    for (positions, ideals) in run.positions.iter().zip(&run.ideals) {
        let x: Vec<f64> = positions.iter().flatten().copied().collect();
        let ideal: Vec<f64> = ideals.iter().flatten().copied().collect();
        let st = model.set_up(x, ideal)?;
        // SMPState::equivNdx: ‖x_i − x_j‖₂ < posTol.
        let equivalent = |i: usize, j: usize| {
            let mut s = 0.0;
            for d in 0..dims {
                let v = st.x[i * dims + d] - st.x[j * dims + d];
                s += v * v;
            }
            s.sqrt() < POS_TOL
        };
        let mut unique: Vec<usize> = Vec::new();
        for i in 0..n {
            if !unique.iter().any(|&k| equivalent(i, k)) {
                unique.push(i);
            }
        }
        // State::posProb (kmodel/kstate.cpp:87-111) keeps the *last* equivalent unique position.
        let class: Vec<usize> = (0..n)
            .map(|i| unique.iter().rposition(|&k| equivalent(i, k)).unwrap_or(0))
            .collect();
        let c = coalitions(
            run.parameters.voting_rule,
            model.cap,
            unique.len(),
            |a, m| model.u(&st, a, a, unique[m]),
        );
        let p = prob_ce2(
            run.parameters.pce_model,
            run.parameters.victory_prob_model,
            &c,
        )?;
        out.push(class.iter().map(|&k| p[k]).collect());
    }
    Ok(out)
}

/// Options that reproduce KTAB's entry points beyond reading a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct SmpOptions {
    /// `smpc --euSMP` zeroes the initial state's risk attitudes after its utilities were set
    /// (`setNRA`, `smp/smp.cpp:2187-2188`), so in turn 0 only the bargain utilities use ρ = 0.
    pub zero_risk_in_first_turn: bool,
}

/// Runs KTAB's SMP from `input` with `params`, seeding KTAB's PRNG with `seed` (used only by
/// Stochastic transitions, §6). Follows `Model::run` (`kmodel/kmodel.cpp:185-208`) with
/// `smpStopFn` (`smp/smp.cpp:166-193`).
pub fn run_smp(input: &SmpInput, params: &SmpParameters, seed: u64) -> Result<SmpRun, SmpError> {
    run_smp_with(input, params, seed, SmpOptions::default())
}

/// [`run_smp`] with [`SmpOptions`].
pub fn run_smp_with(
    input: &SmpInput,
    params: &SmpParameters,
    seed: u64,
    options: SmpOptions,
) -> Result<SmpRun, SmpError> {
    check_input(input)?;
    let n = input.actors.len();
    let dims = input.dimensions.len();
    let sal: Vec<f64> = input.salience.iter().flatten().copied().collect();
    let total_sal = input.salience.iter().map(|s| ksum(s)).collect();
    let model = Model {
        n,
        dims,
        cap: &input.capability,
        sal,
        total_sal,
        accommodation: input.accommodation.as_ref(),
        params: *params,
    };
    let x0: Vec<f64> = input.position.iter().flatten().copied().collect();
    let mut rng = KtabRng::new(seed);
    let mut state = model.set_up(x0.clone(), x0)?;
    if options.zero_risk_in_first_turn {
        state.rho.iter_mut().for_each(|r| *r = 0.0);
    }
    let mut xs = vec![state.x.clone()];
    let mut ideals = vec![state.ideal.clone()];
    let mut ratios = Vec::new();
    let stop = loop {
        let (x, ideal) = model.step(&state, &mut rng)?;
        state = model.set_up(x, ideal)?;
        xs.push(state.x.clone());
        ideals.push(state.ideal.clone());
        let t = xs.len() - 1;
        let d01 = state_dist(&xs[0], &xs[1], dims) + MIN_SIG_DELTA;
        let dxy = state_dist(&xs[t], &xs[t - 1], dims);
        let ratio = dxy / d01;
        ratios.push(ratio);
        if MAX_ITER <= t {
            break StopReason::MaxIterations;
        }
        if MIN_ITER <= t && ratio < MIN_DELTA_RATIO {
            break StopReason::Converged {
                iteration: t,
                ratio,
            };
        }
    };
    let unflatten = |v: &Vec<f64>| v.chunks(dims).map(<[f64]>::to_vec).collect::<Vec<_>>();
    Ok(SmpRun {
        positions: xs.iter().map(unflatten).collect(),
        ideals: ideals.iter().map(unflatten).collect(),
        fractional_change: ratios,
        stop,
        parameters: *params,
        seed,
    })
}
