//! A batched, branch-free `exp` for the `bdm` lean round, written so that the compiler can
//! vectorise the loops over a round's pairs (glibc's `exp` is a call per element, and was about
//! a fifth of the run time of the EC draws and of the simulation).
//!
//! Construction (the classical one of Cody & Waite, *Software Manual for the Elementary
//! Functions*, 1980, ch. 6, as in Cephes `exp.c` and fdlibm `e_exp.c`):
//!
//! 1. `k = round(x / ln 2)` (by adding and subtracting `1.5 · 2^52`, which rounds to nearest
//!    without a conversion instruction), and `t = x − k ln 2` with `ln 2` split into a high part
//!    of 32 significant bits (so `k · LN2_HI` is exact for `|k| < 2^21`) and a low part (the
//!    fdlibm constants), so `|t| ≤ ln 2 / 2 · (1 + 2^-50)`;
//! 2. `e^t` by its Taylor polynomial of degree 13 (Horner): the remainder is below
//!    `e^0.35 · 0.35^14 / 14! < 6e-18`, well under half an ulp of the result;
//! 3. `2^k` built from the exponent bits, in two factors `2^⌊k/2⌋ · 2^(k − ⌊k/2⌋)` so that a
//!    result in the subnormal range is rounded once, correctly, instead of being flushed.
//!
//! Measured maximum error against the correctly rounded value (the unit test below, 2·10^6
//! arguments in `[−745, 0]` plus the edge cases): below 2 ulp, i.e. a relative error below
//! `4.5e-16` (the test's bound). No fused multiply–add is used, so the result is the same bits
//! whether the compiler runs a loop in scalar or vector instructions (the workspace forbids
//! `unsafe`, so there is no run-time AVX2 dispatch: the loops use the target's baseline, SSE2
//! on x86-64).
//!
//! Only the arguments the round produces are supported: `x = r · ln b` with `r > 0` and
//! `b ∈ [0, 1]`, i.e. `x ∈ [−∞, 0]`; arguments below `−1400` (including `−∞`) give exactly 0,
//! as `exp` does (`e^−1400` is far below the smallest subnormal).

/// `1.5 · 2^52`: adding it to `|y| < 2^51` leaves `round(y)` in the low bits of the mantissa.
const SHIFTER: f64 = 6_755_399_441_055_744.0;
const LOG2_E: f64 = std::f64::consts::LOG2_E;
/// fdlibm `e_exp.c`: `ln2HI[0]` (32 significant bits) and `ln2LO[0]`, as fdlibm's bit patterns
/// (6.93147180369123816490e-01 and 1.90821492927058770002e-10).
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
/// Below this the result underflows to 0 (and `⌊k/2⌋ + 1023` stays positive).
const LOWEST: f64 = -1400.0;

/// `1/k!` for `k = 13, 12, …, 2` (Horner order).
const TAYLOR: [f64; 12] = [
    1.0 / 6_227_020_800.0,
    1.0 / 479_001_600.0,
    1.0 / 39_916_800.0,
    1.0 / 3_628_800.0,
    1.0 / 362_880.0,
    1.0 / 40_320.0,
    1.0 / 5_040.0,
    1.0 / 720.0,
    1.0 / 120.0,
    1.0 / 24.0,
    1.0 / 6.0,
    0.5,
];

/// `2^m` for an integer-valued `m ∈ [−1022, 1023]` given as a float, from its bits.
#[inline(always)]
fn two_to(m: f64) -> f64 {
    // (m + SHIFTER)'s low mantissa bits are m in two's complement.
    let bits = (m + SHIFTER)
        .to_bits()
        .wrapping_sub(SHIFTER.to_bits())
        .wrapping_add(1023);
    f64::from_bits(bits << 52)
}

/// `e^x` for `x ≤ 0` (see the module documentation; also correct for `0 < x < 709`).
#[inline(always)]
pub(super) fn exp_nonpositive(x: f64) -> f64 {
    let x = if x < LOWEST { LOWEST } else { x };
    let k = (x * LOG2_E + SHIFTER) - SHIFTER;
    let t = (x - k * LN2_HI) - k * LN2_LO;
    let mut p = TAYLOR[0];
    for c in &TAYLOR[1..] {
        p = p * t + c;
    }
    let p = (p * t + 1.0) * t + 1.0;
    let half = (k * 0.5 + SHIFTER) - SHIFTER;
    p * two_to(half) * two_to(k - half)
}

/// fdlibm `e_log.c`: the minimax coefficients `Lg1`–`Lg7` of
/// `(log(1+f) − f + f²/2) / s ≈ 2 s² / 3 + …` in `z = s²`, `s = f / (2 + f)`, as fdlibm's bit
/// patterns (6.666666666666735130e-01, …, 1.479819860511658591e-01).
const LG: [f64; 7] = [
    f64::from_bits(0x3fe5_5555_5555_5593),
    f64::from_bits(0x3fd9_9999_9997_fa04),
    f64::from_bits(0x3fd2_4924_9422_9359),
    f64::from_bits(0x3fcc_71c5_1d8e_78af),
    f64::from_bits(0x3fc7_4664_96cb_03de),
    f64::from_bits(0x3fc3_9a09_d078_c69f),
    f64::from_bits(0x3fc2_f112_df3e_5244),
];
const TWO_54: f64 = 18_014_398_509_481_984.0;

/// `ln x` for `x ∈ [0, 1]` (`ln 0 = −∞`), branch-free: fdlibm's `e_log.c` (Sun, 1993)
/// without its branches: `x = 2^k (1 + f)` with `1 + f ∈ [√2/2, √2)`, then
/// `ln x = k ln2_hi − ((f²/2 − (s (f²/2 + R(s²)) + k ln2_lo)) − f)` with the minimax
/// polynomial `R` of degree 7 in `s²` (fdlibm states an error below 1 ulp; the unit test
/// measures ours against glibc). Subnormal `x` are scaled by `2^54` first.
#[inline(always)]
pub(super) fn ln_unit(x: f64) -> f64 {
    let tiny = x < f64::MIN_POSITIVE;
    let y = if tiny { x * TWO_54 } else { x };
    let bits = y.to_bits();
    let high = (bits >> 32) & 0x000f_ffff;
    // 0x100000 when the mantissa is at least √2 (then 1 + f is halved and k is one more).
    let i = (high + 0x95f64) & 0x0010_0000;
    let k_biased = (bits >> 52) + (i >> 20) + if tiny { 0 } else { 54 };
    // k = k_biased − 1023 − 54, converted without an integer-to-float instruction.
    let dk = f64::from_bits(SHIFTER.to_bits() + k_biased) - (SHIFTER + 1077.0);
    let m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | ((i ^ 0x3ff0_0000) << 32));
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG[1] + w * (LG[3] + w * LG[5]));
    let t2 = z * (LG[0] + w * (LG[2] + w * (LG[4] + w * LG[6])));
    let r = t2 + t1;
    let hfsq = 0.5 * f * f;
    let result = dk * LN2_HI - ((hfsq - (s * (hfsq + r) + dk * LN2_LO)) - f);
    if x == 0.0 { f64::NEG_INFINITY } else { result }
}

/// `v[j] ← ln v[j]` for `v[j] ∈ [0, 1]` ([`ln_unit`]): the logarithms of a round's bases.
#[inline]
pub(super) fn logarithms_in_place(v: &mut [f64]) {
    for x in v.iter_mut() {
        *x = ln_unit(*x);
    }
}

/// `out[j] = scale[j] · e^(r[j] · ln_base[j])` over equally long slices: the vote table's row
/// (`scale` the voters' weights, `r` their exponents) in the `bdm` round.
#[inline]
pub(super) fn scaled_powers(out: &mut [f64], ln_base: &[f64], r: &[f64], scale: &[f64]) {
    let n = out.len();
    let (ln_base, r, scale) = (&ln_base[..n], &r[..n], &scale[..n]);
    for j in 0..n {
        out[j] = scale[j] * exp_nonpositive(r[j] * ln_base[j]);
    }
}

/// `out[j] = 2 − 4 e^(r · ln_base[j])`: the utilities of success or failure (E5–E6) of one
/// receiver with exponent `r` against every other actor, in the `bdm` round.
#[inline]
pub(super) fn utilities(out: &mut [f64], ln_base: &[f64], r: f64) {
    let n = out.len();
    let ln_base = &ln_base[..n];
    for j in 0..n {
        out[j] = 2.0 - 4.0 * exp_nonpositive(r * ln_base[j]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Distance in ulps between `a` and the reference `b` (both finite, non-negative).
    fn ulps(a: f64, b: f64) -> u64 {
        a.to_bits().abs_diff(b.to_bits())
    }

    #[test]
    fn exp_is_within_two_ulp_of_glibc_and_exact_at_the_edges() {
        assert_eq!(exp_nonpositive(0.0), 1.0);
        assert_eq!(exp_nonpositive(-0.0), 1.0);
        assert_eq!(exp_nonpositive(f64::NEG_INFINITY), 0.0);
        assert_eq!(exp_nonpositive(-1400.0), 0.0);
        assert_eq!(exp_nonpositive(-800.0), 0.0);
        let mut worst_rel: f64 = 0.0;
        let mut worst_ulps = 0;
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..2_000_000u64 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let u = (state >> 11) as f64 / (1u64 << 53) as f64;
            // Half the arguments where the round's lie (|x| < 3), half over the whole range.
            let x = if i % 2 == 0 { -3.0 * u } else { -745.0 * u };
            let (ours, libm) = (exp_nonpositive(x), x.exp());
            if libm >= f64::MIN_POSITIVE {
                worst_rel = worst_rel.max(((ours - libm) / libm).abs());
                worst_ulps = worst_ulps.max(ulps(ours, libm));
            } else {
                // Subnormal results: absolute error within one subnormal step.
                assert!(
                    ulps(ours, libm) <= 1,
                    "x = {x:e}: {ours:e} against {libm:e}"
                );
            }
        }
        // glibc's exp is within 1 ulp of the true value, ours (measured) within 1 ulp of
        // glibc's for normal results.
        assert!(worst_ulps <= 2, "{worst_ulps} ulp");
        assert!(worst_rel <= 4.5e-16, "relative error {worst_rel:e}");
    }

    #[test]
    fn ln_is_within_one_ulp_of_glibc_on_the_unit_interval() {
        assert_eq!(ln_unit(0.0), f64::NEG_INFINITY);
        assert_eq!(ln_unit(1.0), 0.0);
        assert_eq!(ln_unit(0.5), -std::f64::consts::LN_2);
        let mut worst_ulps = 0;
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        for i in 0..2_000_000u64 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let u = (state >> 11) as f64 / (1u64 << 53) as f64;
            // Uniform on [0, 1], near 1 (f close to 0) and spread over the exponents down to
            // the subnormals.
            let x = match i % 3 {
                0 => u,
                1 => 1.0 - u * 1e-6,
                _ => (u * 1070.0 * -std::f64::consts::LN_2).exp().max(5e-324),
            };
            if x == 0.0 {
                continue;
            }
            let (ours, libm) = (ln_unit(x), x.ln());
            let d = ulps(-ours, -libm);
            assert!(d <= 1, "x = {x:e}: {ours:e} against {libm:e}");
            worst_ulps = worst_ulps.max(d);
        }
        for x in [
            f64::MIN_POSITIVE,
            5e-324,
            1e-310,
            f64::EPSILON,
            1.0 - f64::EPSILON / 2.0,
        ] {
            assert!(ulps(-ln_unit(x), -x.ln()) <= 1, "x = {x:e}");
        }
        assert!(worst_ulps <= 1);
    }

    #[test]
    fn the_batched_loops_give_the_bits_of_the_scalar_function() {
        let ln: Vec<f64> = (0..37)
            .map(|i| {
                if i == 5 {
                    f64::NEG_INFINITY
                } else {
                    -(i as f64) * 0.173
                }
            })
            .collect();
        let r: Vec<f64> = (0..37).map(|i| 0.5 + (i as f64) * 0.04).collect();
        let w: Vec<f64> = (0..37).map(|i| 0.1 + (i as f64) * 0.01).collect();
        let mut out = vec![0.0; 37];
        scaled_powers(&mut out, &ln, &r, &w);
        for j in 0..37 {
            assert_eq!(out[j], w[j] * exp_nonpositive(r[j] * ln[j]));
        }
        let mut logs: Vec<f64> = w.iter().map(|x| x / 0.5).chain([0.0, 1.0]).collect();
        let expected: Vec<f64> = logs.iter().map(|&x| ln_unit(x)).collect();
        logarithms_in_place(&mut logs);
        assert_eq!(logs, expected);
        utilities(&mut out, &ln, 1.7);
        for j in 0..37 {
            assert_eq!(out[j], 2.0 - 4.0 * exp_nonpositive(1.7 * ln[j]));
        }
        assert_eq!(out[5], 2.0);
    }
}
