//! `sweep --faults random`: adds seeded random network faults to a scenario — partitions
//! and heals, one-way blocks, holds and releases, drop-all spells, loss bursts, NAT
//! rebinds — so many seeds explore many failure timings. The invariants must hold whatever happens.

use crate::scenario::{Fault, LinkOverride, LinkSpec, Scenario, Step, StepWhat};
use crate::time::SimDuration;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::time::Duration;

/// Adds 1–4 fault episodes at random times within the scenario's duration. Each episode
/// that starts something (a partition, a one-way block, a hold, a loss burst) also ends
/// it, at most 45 s later, so the run can settle. Deterministic in `seed`.
pub fn add_random_faults(sc: &mut Scenario, seed: u64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5EED_FA17_0000_0000);
    let hosts: Vec<String> = sc
        .users
        .iter()
        .map(|u| u.name.clone())
        .chain(
            sc.peers
                .iter()
                .filter(|p| p.address.is_some())
                .map(|p| p.name.clone()),
        )
        .collect();
    let natted: Vec<String> = sc
        .users
        .iter()
        .filter(|u| u.nat.is_some())
        .map(|u| u.name.clone())
        .collect();
    if hosts.len() < 2 {
        return;
    }
    let span = sc.duration.0.as_millis().max(1) as u64;
    for _ in 0..rng.gen_range(1..=4) {
        let start = Duration::from_millis(rng.gen_range(0..span));
        let length = Duration::from_millis(rng.gen_range(1_000..45_000));
        let end = (start + length).min(sc.duration.0);
        let a = hosts[rng.gen_range(0..hosts.len())].clone();
        let mut b = hosts[rng.gen_range(0..hosts.len())].clone();
        if a == b {
            b = hosts.iter().find(|h| **h != a).cloned().unwrap_or_default();
        }
        let between = [a.clone(), b.clone()];
        let (begin, finish) = match rng.gen_range(0..5) {
            0 => (
                Fault::Partition {
                    between: between.clone(),
                },
                Some(Fault::Heal { between }),
            ),
            1 => (
                Fault::Hold {
                    between: between.clone(),
                },
                Some(Fault::Release { between }),
            ),
            2 => (
                Fault::DropAll {
                    host: a,
                    duration: SimDuration(length),
                },
                None,
            ),
            3 if !natted.is_empty() => (
                Fault::NatRebind {
                    host: natted[rng.gen_range(0..natted.len())].clone(),
                },
                None,
            ),
            _ => {
                let normal = sc.network.link(&between[0], &between[1]);
                let burst = LinkSpec {
                    loss: Some(rng.gen_range(0.3..0.9)),
                    ..normal.clone()
                };
                (
                    Fault::SetLink(LinkOverride {
                        between: between.clone(),
                        link: burst,
                    }),
                    Some(Fault::SetLink(LinkOverride {
                        between,
                        link: normal,
                    })),
                )
            }
        };
        push(sc, start, begin);
        if let Some(f) = finish {
            push(sc, end, f);
        }
    }
    add_one_way_block(sc, &hosts, seed);
    sc.steps.sort_by_key(|s| s.at);
}

/// Half the runs also get a one-way block (`from` can no longer reach `to`) of 1–45 s.
/// Drawn from a stream of its own, so the episodes above stay what they were for every
/// seed (the pinned sweep failures replay the faults that found them).
fn add_one_way_block(sc: &mut Scenario, hosts: &[String], seed: u64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xB10C_0E1A_0000_0000);
    if hosts.len() < 2 || !rng.gen_bool(0.5) {
        return;
    }
    let span = sc.duration.0.as_millis().max(1) as u64;
    let start = Duration::from_millis(rng.gen_range(0..span));
    let length = Duration::from_millis(rng.gen_range(1_000..45_000));
    let end = (start + length).min(sc.duration.0);
    let from = rng.gen_range(0..hosts.len());
    let to = (from + rng.gen_range(1..hosts.len())) % hosts.len();
    let (from, to) = (hosts[from].clone(), hosts[to].clone());
    push(
        sc,
        start,
        Fault::Block {
            from: from.clone(),
            to: to.clone(),
        },
    );
    push(sc, end, Fault::Unblock { from, to });
}

fn push(sc: &mut Scenario, at: Duration, fault: Fault) {
    sc.steps.push(Step {
        at: SimDuration(at),
        line: 0,
        what: StepWhat::Fault(fault),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(seed: u64) -> Vec<(SimDuration, Fault)> {
        let mut sc = crate::scenario::parse(
            "name = \"x\"\nduration = \"60s\"\n\n[[user]]\nname = \"alice\"\naddress = \"10.0.0.1\"\n\n[[user]]\nname = \"bob\"\naddress = \"10.0.0.2\"\n",
            "x.toml",
        )
        .unwrap();
        add_random_faults(&mut sc, seed);
        sc.steps
            .into_iter()
            .filter_map(|s| match s.what {
                StepWhat::Fault(f @ (Fault::Block { .. } | Fault::Unblock { .. })) => {
                    Some((s.at, f))
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn some_runs_get_a_one_way_block_that_ends() {
        let mut with = 0;
        for seed in 1..=40 {
            let got = blocks(seed);
            if got.is_empty() {
                continue;
            }
            with += 1;
            let [(start, Fault::Block { from, to }), (end, Fault::Unblock { from: f2, to: t2 })] =
                &got[..]
            else {
                panic!("seed {seed}: {got:?}");
            };
            assert!(from != to && from == f2 && to == t2, "seed {seed}: {got:?}");
            assert!(start <= end && end.0 <= Duration::from_secs(60));
        }
        assert!((10..=30).contains(&with), "{with} of 40 runs have a block");
        assert_eq!(blocks(7), blocks(7), "deterministic in the seed");
    }
}
