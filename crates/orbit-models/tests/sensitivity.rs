//! Monte Carlo sensitivity: statistics by hand, reproducibility across thread counts.

use approx::assert_relative_eq;
use orbit_models::bargaining::{Actor, BargainingInput, baselines};
use orbit_models::forecast::Model;
use orbit_models::sensitivity::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn ec_like() -> BargainingInput {
    BargainingInput {
        actors: vec![
            Actor::new("A", 0.08, 4.0, 0.8),
            Actor::new("B", 0.16, 10.0, 0.8),
            Actor::new("C", 0.10, 7.0, 0.4),
            Actor::new("D", 0.03, 4.0, 0.2),
        ],
        status_quo: Some(4.0),
        scale: Some((0.0, 10.0)),
    }
}

fn models(input: &BargainingInput) -> Result<Vec<f64>, orbit_models::bargaining::BargainingError> {
    let b = baselines(input)?;
    Ok(vec![b.compromise, b.weighted_median])
}

#[test]
fn quantiles_ranks_and_correlation_by_hand() {
    let sorted = [1.0, 2.0, 3.0, 4.0, 5.0];
    assert_eq!(quantile(&sorted, 0.5), 3.0);
    // type 7: h = 4·0.05 = 0.2 → 1 + 0.2·(2−1)
    assert_relative_eq!(quantile(&sorted, 0.05), 1.2);
    assert_relative_eq!(quantile(&sorted, 0.95), 4.8);
    assert!(quantile(&[], 0.5).is_nan());
    assert_eq!(ranks(&[10.0, 30.0, 20.0, 20.0]), vec![1.0, 4.0, 2.5, 2.5]);
    assert_relative_eq!(pearson(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]).unwrap(), 1.0);
    assert_relative_eq!(pearson(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]).unwrap(), -1.0);
    assert_eq!(pearson(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]), None);
}

#[test]
fn perturbation_parsing() {
    assert_eq!(Perturbation::parse("none"), Ok(Perturbation::None));
    assert_eq!(
        Perturbation::parse("normal:0.1"),
        Ok(Perturbation::Normal { sd: 0.1 })
    );
    assert_eq!(
        Perturbation::parse("pert:0.2"),
        Ok(Perturbation::Pert { half_width: 0.2 })
    );
    assert_eq!(
        Perturbation::parse("uniform:1"),
        Ok(Perturbation::Uniform { half_width: 1.0 })
    );
    assert!(Perturbation::parse("pert").is_err());
    assert!(Perturbation::parse("pert:-1").is_err());
    assert!(Perturbation::parse("pert:nan").is_err());
    assert!(Perturbation::parse("cauchy:1").is_err());
}

#[test]
fn perturbed_inputs_stay_in_their_domains() {
    let input = ec_like();
    let spec = PerturbationSpec {
        capability: Perturbation::Normal { sd: 5.0 },
        position: Perturbation::Uniform { half_width: 3.0 },
        salience: Perturbation::Normal { sd: 2.0 },
    };
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for _ in 0..500 {
        let p = perturb(&input, &spec, &mut rng);
        for a in &p.actors {
            assert!(a.capability >= 0.0);
            assert!((0.0..=10.0).contains(&a.position));
            assert!((0.0..=1.0).contains(&a.salience));
        }
    }
    let none = PerturbationSpec {
        capability: Perturbation::None,
        position: Perturbation::None,
        salience: Perturbation::None,
    };
    assert_eq!(perturb(&input, &none, &mut rng), input);
}

fn run_on(threads: usize, seed: u64) -> MonteCarloResult {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let settings = MonteCarloSettings {
        draws: 2000,
        seed,
        ..MonteCarloSettings::default()
    };
    pool.install(|| {
        monte_carlo(
            &ec_like(),
            &[Model::Compromise, Model::Median],
            &settings,
            models,
            &|| (),
        )
        .unwrap()
    })
}

#[test]
fn same_seed_same_numbers_on_one_and_two_threads() {
    let one = run_on(1, 42);
    let two = run_on(2, 42);
    assert_eq!(one, two);
    let other = run_on(2, 43);
    assert_ne!(one.models[0].mean, other.models[0].mean);
}

#[test]
fn summary_is_consistent() {
    let result = run_on(2, 1);
    let compromise = &result.models[0];
    assert_eq!(compromise.draws + compromise.failed, 2000);
    assert!(compromise.p5 <= compromise.p50 && compromise.p50 <= compromise.p95);
    assert_eq!(
        compromise.histogram.counts.iter().sum::<usize>(),
        compromise.draws
    );
    // The unperturbed compromise: Σcsx/Σcs = (0.256 + 1.28 + 0.28 + 0.024)/(0.064+0.128+0.04+0.006)
    let exact = (0.08 * 0.8 * 4.0 + 0.16 * 0.8 * 10.0 + 0.10 * 0.4 * 7.0 + 0.03 * 0.2 * 4.0)
        / (0.08 * 0.8 + 0.16 * 0.8 + 0.10 * 0.4 + 0.03 * 0.2);
    assert!(
        (compromise.mean - exact).abs() < 0.3,
        "{} vs {exact}",
        compromise.mean
    );
    // B holds the extreme position with the largest weight: its position must matter most
    // among the positions, and positively.
    let b_position = compromise
        .influence
        .iter()
        .find(|i| i.actor == "B" && i.input == "position")
        .unwrap();
    assert!(b_position.spearman.unwrap() > 0.2, "{b_position:?}");
    // Influence is sorted by |rho|.
    let rhos: Vec<f64> = compromise
        .influence
        .iter()
        .map(|i| i.spearman.map_or(-1.0, f64::abs))
        .collect();
    assert!(rhos.windows(2).all(|w| w[0] >= w[1]));
}
