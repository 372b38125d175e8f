//! Stepping a compiled [`Simulator`] through its years: shocks, links, then bargaining.

use orbit_scenario::{LinkForm, LinkInput};
use serde::Serialize;

use super::compile::{CompiledLink, Place, SlotKind};
use super::{BargainDraw, SimulationError, Simulator};
use crate::bargaining::{BargainingError, BargainingInput, compromise, eum_forecast};

/// One run: per year, the tracked indicators and each issue's forecasts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trajectory {
    pub years: Vec<i32>,
    /// `[year][indicator]`, indicators as in [`Simulator::indicator_names`].
    pub indicators: Vec<Vec<f64>>,
    /// `[year][issue]`: the EUM forecast.
    pub eum: Vec<Vec<f64>>,
    /// `[year][issue]`: the compromise model's forecast.
    pub compromise: Vec<Vec<f64>>,
}

impl Simulator {
    /// Runs the central case: the links' stated parameters and the scenario's issue inputs.
    pub fn run_central(&self) -> Result<Trajectory, SimulationError> {
        self.run(&self.link_parameters, &self.issue_inputs)
    }

    /// Runs one trajectory with the given link parameters (one per link, declared order) and
    /// issue inputs (one per issue, actors in the scenario's order: their capabilities are
    /// used as given, their positions and saliences start the state).
    ///
    /// The bargain stage, if the scenario has one, runs with the calibration's fitted
    /// parameters, no price shocks and the reference held (the central bargain).
    pub fn run(
        &self,
        parameters: &[f64],
        issues: &[BargainingInput],
    ) -> Result<Trajectory, SimulationError> {
        self.run_with(parameters, issues, self.central_bargain.as_ref())
    }

    /// [`Simulator::run`] with the bargain stage's inputs given (a Monte Carlo draw, or a sweep
    /// point); `None` runs without the stage even if the scenario has one.
    pub fn run_with(
        &self,
        parameters: &[f64],
        issues: &[BargainingInput],
        bargain: Option<&BargainDraw>,
    ) -> Result<Trajectory, SimulationError> {
        let stage = self.bargain.as_ref().zip(bargain);
        if let Some((_, draw)) = stage {
            let years = (self.to - self.from + 1) as usize;
            if draw.price_shocks.len() != years || draw.reference.len() != years {
                return Err(SimulationError::BargainDraw {
                    expected: years,
                    got: draw.price_shocks.len().min(draw.reference.len()),
                });
            }
            draw.params
                .bargain
                .check()
                .map_err(SimulationError::BargainParameters)?;
            if !(draw.params.mu.is_finite() && (0.0..=1.0).contains(&draw.params.mu)) {
                return Err(SimulationError::BargainParameters(
                    crate::alliance_bargain::BargainError::BadParameter {
                        name: "mu",
                        value: draw.params.mu,
                        range: "[0, 1]",
                    },
                ));
            }
        }
        if parameters.len() != self.links.len() {
            return Err(SimulationError::Parameters {
                expected: self.links.len(),
                got: parameters.len(),
            });
        }
        if issues.len() != self.issue_slots.len()
            || issues
                .iter()
                .zip(&self.issue_slots)
                .any(|(i, s)| i.actors.len() != s.len())
        {
            return Err(SimulationError::Issues {
                expected: self.issue_slots.len(),
                got: issues.len(),
            });
        }
        let mut state = self.initial.clone();
        for (input, slots) in issues.iter().zip(&self.issue_slots) {
            for (actor, &(ps, ss)) in input.actors.iter().zip(slots) {
                state[ps] = actor.position;
                state[ss] = actor.salience;
            }
        }
        // The year before `from` sets the baseline that `change` links compare against.
        for &(s, v) in &self.shocks[0] {
            state[s] = v;
        }
        if let Some((stage, draw)) = stage {
            stage.step(self.from - 1, None, &mut state, draw);
        }
        let mut previous = state.clone();
        let mut out = Trajectory {
            years: Vec::new(),
            indicators: Vec::new(),
            eum: Vec::new(),
            compromise: Vec::new(),
        };
        let mut input_buf: Vec<BargainingInput> = issues.to_vec();
        // An issue whose positions and saliences did not move since last year (same bits)
        // gets last year's forecasts again (the models are deterministic; nothing else in its
        // input changes within a run). The key is kept in place: no allocation per year.
        let mut last_key: Vec<Vec<u64>> = self
            .issue_slots
            .iter()
            .map(|slots| Vec::with_capacity(2 * slots.len()))
            .collect();
        let mut last: Vec<Option<(f64, f64)>> = vec![None; issues.len()];
        for (k, year) in (self.from..=self.to).enumerate() {
            for &(s, v) in &self.shocks[k + 1] {
                state[s] = v;
            }
            if let Some((stage, draw)) = stage {
                stage.step(year, Some(k), &mut state, draw);
            }
            for (link, &parameter) in self.links.iter().zip(parameters) {
                self.apply(link, parameter, &mut state, &previous);
            }
            let mut eum = Vec::with_capacity(issues.len());
            let mut comp = Vec::with_capacity(issues.len());
            for (i, input) in input_buf.iter_mut().enumerate() {
                for (actor, &(ps, ss)) in input.actors.iter_mut().zip(&self.issue_slots[i]) {
                    actor.position = state[ps];
                    actor.salience = state[ss];
                }
                // An issue that is the bargaining view of a state variable reports it: one
                // quantity, not two.
                if let Some(slot) = self.indicator_slots[i] {
                    eum.push(state[slot]);
                    comp.push(state[slot]);
                    continue;
                }
                let key = self.issue_slots[i]
                    .iter()
                    .flat_map(|&(ps, ss)| [state[ps].to_bits(), state[ss].to_bits()]);
                let (e, c) = match last[i] {
                    Some(result) if key.clone().eq(last_key[i].iter().copied()) => result,
                    _ => {
                        let result =
                            self.bargain(input)
                                .map_err(|source| SimulationError::Bargaining {
                                    issue: self.issue_ids[i].clone(),
                                    year,
                                    source,
                                })?;
                        last_key[i].clear();
                        last_key[i].extend(key);
                        last[i] = Some(result);
                        result
                    }
                };
                eum.push(e);
                comp.push(c);
            }
            let mut indicators = Vec::with_capacity(state.len() + self.derived.len());
            indicators.extend_from_slice(&state);
            indicators.extend((0..self.derived.len()).map(|d| self.dependence(&state, d)));
            out.years.push(year);
            out.indicators.push(indicators);
            out.eum.push(eum);
            out.compromise.push(comp);
            previous.copy_from_slice(&state);
        }
        Ok(out)
    }

    fn bargain(&self, input: &BargainingInput) -> Result<(f64, f64), BargainingError> {
        let first = input.actors.first().map_or(0.0, |a| a.position);
        if input.actors.iter().all(|a| a.position == first) {
            return Ok((first, first));
        }
        let e = eum_forecast(input, &self.eum)?;
        let c = compromise(input)?;
        Ok((e, c))
    }

    /// `dependence.A.P`: the mean of A's export and import shares with P (those on record).
    fn dependence(&self, state: &[f64], d: usize) -> f64 {
        let slots = &self.derived[d].2;
        if slots.is_empty() {
            return 0.0;
        }
        slots.iter().map(|&s| state[s]).sum::<f64>() / slots.len() as f64
    }

    fn read(&self, place: Place, state: &[f64]) -> f64 {
        match place {
            Place::Slot(s) => state[s],
            Place::Dependence(d) => self.dependence(state, d),
        }
    }

    fn apply(&self, link: &CompiledLink, parameter: f64, state: &mut [f64], previous: &[f64]) {
        let level = self.read(link.from, state);
        let x = match link.input {
            LinkInput::Level => level,
            LinkInput::Change => level - self.read(link.from, previous),
        };
        let effect = match link.form {
            LinkForm::Linear => parameter * x,
            LinkForm::Logistic => parameter / (1.0 + (-link.steepness * (x - link.midpoint)).exp()),
            LinkForm::Threshold => {
                if x >= link.threshold {
                    parameter
                } else {
                    0.0
                }
            }
        };
        match link.toward {
            Some((issue, mover, toward)) => {
                let (ps, ss) = self.issue_slots[issue][mover];
                let target = state[self.issue_slots[issue][toward].0];
                let fraction = (effect * (1.0 - state[ss])).clamp(0.0, 1.0);
                state[ps] += fraction * (target - state[ps]);
            }
            None => state[link.to] += effect,
        }
        self.fix(link.to, state);
    }

    /// Restores the invariants of the slot a link just moved.
    fn fix(&self, slot: usize, state: &mut [f64]) {
        match self.slot_kinds[slot] {
            SlotKind::Share { group } => renormalise(&self.groups[group], state),
            SlotKind::Price => state[slot] = state[slot].max(0.0),
            SlotKind::Position { issue } => {
                let (lo, hi) = self.scales[issue];
                state[slot] = state[slot].clamp(lo, hi);
            }
            SlotKind::Salience => state[slot] = state[slot].clamp(0.0, 1.0),
            SlotKind::Shock => {}
        }
    }
}

/// Clamps each share of a partner group to [0, 1] and, if they sum above 1, scales them all
/// down in proportion, so the rest of the world's share `1 − Σ` stays non-negative.
pub fn renormalise_shares(shares: &mut [f64]) {
    for s in shares.iter_mut() {
        *s = if s.is_finite() {
            s.clamp(0.0, 1.0)
        } else {
            0.0
        };
    }
    let sum: f64 = shares.iter().sum();
    if sum > 1.0 {
        for s in shares.iter_mut() {
            *s /= sum;
        }
    }
}

/// [`renormalise_shares`] on the group's slots in place (the same operations in the same
/// order, so the same bits), without a buffer per link and year.
fn renormalise(group: &[usize], state: &mut [f64]) {
    for &s in group {
        let v = state[s];
        state[s] = if v.is_finite() {
            v.clamp(0.0, 1.0)
        } else {
            0.0
        };
    }
    let sum: f64 = group.iter().map(|&s| state[s]).sum();
    if sum > 1.0 {
        for &s in group {
            state[s] /= sum;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{renormalise, renormalise_shares};

    /// The in-place renormalisation of a group's slots gives `renormalise_shares`'s bits.
    #[test]
    fn renormalising_in_place_matches_the_buffered_rule_bit_for_bit() {
        let cases: [&[f64]; 5] = [
            &[0.3, 0.4, 0.2],
            &[0.7, 0.6, 0.1],
            &[-0.2, 1.4, f64::NAN],
            &[f64::INFINITY, 0.5],
            &[0.1 + 0.2, 0.7, 1e-300],
        ];
        for case in cases {
            // The group's slots sit among others, out of order.
            let mut state = vec![9.0; 2 * case.len() + 1];
            let group: Vec<usize> = (0..case.len()).rev().map(|k| 2 * k + 1).collect();
            for (&s, &v) in group.iter().zip(case) {
                state[s] = v;
            }
            renormalise(&group, &mut state);
            let mut expected = case.to_vec();
            renormalise_shares(&mut expected);
            let got: Vec<u64> = group.iter().map(|&s| state[s].to_bits()).collect();
            let want: Vec<u64> = expected.iter().map(|x| x.to_bits()).collect();
            assert_eq!(got, want, "{case:?}");
            assert!(
                state.iter().step_by(2).all(|&x| x == 9.0),
                "other slots untouched"
            );
        }
    }
}
