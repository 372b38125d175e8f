//! KTAB's random SMP scenario (`smpc --euSMP`), drawn from KTAB's PRNG exactly as
//! `SMPModel::randomSMP` (`examples/smp/libsrc/smp.cpp:2090-2187`) and `SMPActor::randomize`
//! (`smp.cpp:248-265`) draw it (§8 of the specification).

use orbit_scenario::ktab::VotingRule;
use serde::Serialize;

use super::prng::KtabRng;
use super::smp::SmpInput;

/// A scenario drawn by `randomSMP`, with the per-actor voting rules KTAB also draws (they only
/// enter KTAB's SQL logging, never the dynamics).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RandomScenario {
    pub input: SmpInput,
    pub actor_voting_rules: Vec<VotingRule>,
}

/// Draws KTAB's random scenario for `seed` (no accommodation, i.e. without `--ra`).
pub fn random_scenario(seed: u64) -> RandomScenario {
    let mut rng = KtabRng::new(seed);
    let na = rng.uniform(4f64.ln(), 25f64.ln()).exp();
    let n = (na + 0.5) as usize;
    let dims = 1 + (rng.uniform_u64() % 3) as usize;
    let mut input = SmpInput {
        actors: (0..n).map(|i| format!("SActor-{i:02}")).collect(),
        dimensions: (0..dims).map(|d| format!("SDim-{d:02}")).collect(),
        capability: Vec::with_capacity(n),
        position: Vec::with_capacity(n),
        salience: Vec::with_capacity(n),
        accommodation: None,
    };
    let mut rules = Vec::with_capacity(n);
    for _ in 0..n {
        input.capability.push(rng.uniform(10.0, 200.0));
        let sigma = rng.uniform(0.75, 0.99);
        let v: Vec<f64> = (0..dims).map(|_| rng.uniform(0.1, 1.0)).collect();
        let total = v.iter().fold(0.0, |s, &x| s + x);
        input
            .salience
            .push(v.iter().map(|&x| (sigma * x) / total).collect());
        let number_of_rules = VotingRule::ALL.len() as f64;
        let vr = rng.uniform(0.0, number_of_rules - 0.01) as usize;
        rules.push(VotingRule::ALL[vr.min(VotingRule::ALL.len() - 1)]);
        input
            .position
            .push((0..dims).map(|_| rng.uniform(0.0, 1.0)).collect());
    }
    RandomScenario {
        input,
        actor_voting_rules: rules,
    }
}
