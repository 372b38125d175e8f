//! KTAB's pseudo-random numbers: C++11 `std::mt19937_64` followed by KTAB's `qTrans` bijection.
//!
//! Follows KTAB `KTAB/kutils/libsrc/prng.h:35-78` and `prng.cpp:91-197` (commit 3b5b063). The engine
//! is written here from the C++ standard's definition (\[rand.eng.mers\], with the parameters of
//! \[rand.predef\] `mt19937_64`) rather than taken from a crate, so that nothing between the seed and
//! KTAB's draws depends on another library's choices; the test below checks the standard's required
//! value (the 10000th output for the default seed 5489 is 9981545732273789042).

const N: usize = 312;
const M: usize = 156;
const MATRIX_A: u64 = 0xB502_6F5A_A966_19E9;
const UPPER_MASK: u64 = 0xFFFF_FFFF_8000_0000;
const LOWER_MASK: u64 = 0x7FFF_FFFF;

/// `std::mt19937_64`, bit for bit.
#[derive(Clone)]
pub struct Mt19937_64 {
    state: [u64; N],
    index: usize,
}

impl std::fmt::Debug for Mt19937_64 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mt19937_64")
            .field("index", &self.index)
            .finish_non_exhaustive()
    }
}

impl Mt19937_64 {
    /// `std::mt19937_64(seed)`, i.e. `seed(seed)`: `x[0] = seed`,
    /// `x[i] = 6364136223846793005 · (x[i−1] ⊕ (x[i−1] ≫ 62)) + i`.
    pub fn new(seed: u64) -> Self {
        let mut state = [0u64; N];
        state[0] = seed;
        for i in 1..N {
            let previous = state[i - 1];
            state[i] = 6_364_136_223_846_793_005u64
                .wrapping_mul(previous ^ (previous >> 62))
                .wrapping_add(i as u64);
        }
        Self { state, index: N }
    }

    fn twist(&mut self) {
        for i in 0..N {
            let x = (self.state[i] & UPPER_MASK) | (self.state[(i + 1) % N] & LOWER_MASK);
            let mut x_a = x >> 1;
            if x & 1 != 0 {
                x_a ^= MATRIX_A;
            }
            self.state[i] = self.state[(i + M) % N] ^ x_a;
        }
        self.index = 0;
    }

    /// The next 64-bit output (`operator()`).
    pub fn next_u64(&mut self) -> u64 {
        if self.index >= N {
            self.twist();
        }
        let mut y = self.state[self.index];
        self.index += 1;
        y ^= (y >> 29) & 0x5555_5555_5555_5555;
        y ^= (y << 17) & 0x71D6_7FFF_EDA6_0000;
        y ^= (y << 37) & 0xFFF7_EEE0_0000_0000;
        y ^= y >> 43;
        y
    }
}

/// KTAB's `Q64C` constant of `qTrans` (`prng.cpp`).
const Q64C: u64 = 0xE08C_1D66_8B75_6F83;

/// KTAB's `qTrans`: `(i + Q64C) · (2i + 3) mod 2^64`, a bijection without fixed points
/// (`prng.cpp:91-97`).
pub fn q_trans(i: u64) -> u64 {
    i.wrapping_add(Q64C)
        .wrapping_mul(i.wrapping_mul(2).wrapping_add(3))
}

/// KTAB's `KBase::PRNG`.
#[derive(Debug, Clone)]
pub struct KtabRng {
    engine: Mt19937_64,
}

/// Why `probSel` refused a distribution.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProbSelError {
    /// KTAB requires |Σp − 1| < 1e-8 (`prng.cpp:171-174`).
    #[error("PRNG::probSel: sum total of probabilities can not exceed 1.0 (sum {0})")]
    NotNormalised(f64),
    /// An empty distribution.
    #[error("PRNG::probSel: cv matrix has got no records")]
    Empty,
}

impl KtabRng {
    /// A generator seeded as KTAB's `PRNG::setSeed(seed)` does for a non-zero seed
    /// (KTAB draws a truly random seed for 0; callers decide what 0 means).
    pub fn new(seed: u64) -> Self {
        Self {
            engine: Mt19937_64::new(seed),
        }
    }

    /// `PRNG::uniform()`: one engine output through `qTrans`. For the full range
    /// `uniform_int_distribution<uint64_t>(0, 2^64−1)` in libstdc++ returns the raw engine output.
    pub fn uniform_u64(&mut self) -> u64 {
        q_trans(self.engine.next_u64())
    }

    /// `PRNG::uniform(a, b)`: `a + (b − a) · (double(n) / double(2^64 − 1))`; both conversions
    /// round to nearest, so the denominator is exactly 2^64 and 1.0 is possible.
    pub fn uniform(&mut self, a: f64, b: f64) -> f64 {
        let x = self.uniform_u64() as f64 / u64::MAX as f64;
        a + ((b - a) * x)
    }

    /// `PRNG::probSel(p)`: the first index whose running sum reaches a uniform draw, or the last
    /// index on round-off (`prng.cpp:162-189`).
    pub fn prob_sel(&mut self, p: &[f64]) -> Result<usize, ProbSelError> {
        if p.is_empty() {
            return Err(ProbSelError::Empty);
        }
        let total = p.iter().fold(0.0, |s, &x| s + x);
        if (total - 1.0).abs() >= 1e-8 || total.is_nan() {
            return Err(ProbSelError::NotNormalised(total));
        }
        let u = self.uniform(0.0, 1.0);
        let mut sum = 0.0;
        for (i, &pi) in p.iter().enumerate() {
            sum += pi;
            if u <= sum {
                return Ok(i);
            }
        }
        Ok(p.len() - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_requires_this_10000th_value() {
        let mut mt = Mt19937_64::new(5489);
        for _ in 0..9999 {
            mt.next_u64();
        }
        assert_eq!(mt.next_u64(), 9_981_545_732_273_789_042);
    }

    #[test]
    fn ktab_uniform_for_the_smp_example_seed() {
        // KTAB's own log of smpExample.xml (examples/smp/doc/20170530_ref-smpExample.txt, KTAB
        // commit 3b5b063), as docs/models/ktab-smp.md records.
        let mut rng = KtabRng::new(3_507_583_219_545_544_127);
        let expected = [0.19660, 0.87513, 0.43386, 0.08474, 0.29723];
        for e in expected {
            let u = rng.uniform(0.0, 1.0);
            assert!((u - e).abs() < 5e-6, "{u} vs {e}");
        }
    }

    #[test]
    fn prob_sel_refuses_unnormalised_and_picks_by_running_sum() {
        let mut rng = KtabRng::new(1);
        assert!(rng.prob_sel(&[0.5, 0.4]).is_err());
        assert!(rng.prob_sel(&[]).is_err());
        assert_eq!(rng.prob_sel(&[1.0]).unwrap(), 0);
        assert_eq!(rng.prob_sel(&[0.0, 1.0]).unwrap(), 1);
    }
}
