//! KTAB's SQLite output for SMP runs, so that scripts and D3 dashboards written against KTAB's
//! databases keep working: `ScenarioDesc`, `ActorDescription`, `SpatialCapability`,
//! `SpatialSalience`, `VectorPosition`, plus `DimensionDescription` and `Accommodation`.
//!
//! The schemas are KTAB's, column for column (commit 3b5b063: `KTAB/kmodel/libsrc/kmodelsql.cpp:450-540`
//! for `ActorDescription` and `ScenarioDesc`, `examples/smp/libsrc/smpsql.cpp:68-125` for the spatial
//! tables); values are written as KTAB's `LogInfoTables`/`showVPHistory` write them: saliences on
//! [0, 1], positions and ideals on 0–100, parameters as KTAB's enum indices.
//!
//! Differences, on purpose: `ScenarioId` is a deterministic 32-hex-digit FNV-1a hash of the scenario
//! name, seed and parameters (KTAB hashes the name with the wall-clock time), and
//! `VectorPosition.Mover_BargnId` is NULL (orbit does not number bargains; the column allows NULL).

use std::path::Path;

use orbit_scenario::ktab::SmpParameters;
use rusqlite::{Connection, params};

/// What is written: one SMP run with its inputs. Capabilities are raw, saliences on [0, 1],
/// positions and ideals on [0, 1] (`[turn][actor][dimension]`), as in KTAB's memory.
#[derive(Debug, Clone, Copy)]
pub struct KtabDbRun<'a> {
    pub scenario: &'a str,
    pub description: &'a str,
    pub seed: u64,
    pub parameters: &'a SmpParameters,
    pub actors: &'a [String],
    pub actor_descriptions: &'a [String],
    pub dimensions: &'a [String],
    pub capability: &'a [f64],
    pub salience: &'a [Vec<f64>],
    pub accommodation: Option<&'a [Vec<f64>]>,
    pub positions: &'a [Vec<Vec<f64>>],
    pub ideals: &'a [Vec<Vec<f64>>],
}

/// Why the database could not be written.
#[derive(Debug, thiserror::Error)]
pub enum KtabDbError {
    /// The file exists and `force` was not given: nothing the user has is overwritten unasked.
    #[error("`{0}` already exists; pass `--force` to replace it")]
    Exists(String),
    /// The old file could not be removed.
    #[error("cannot replace `{path}`: {source}")]
    Remove {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// SQLite failed.
    #[error("cannot write the KTAB database `{path}`: {source}")]
    Sqlite {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
}

/// KTAB's `create table` statements, verbatim in columns, types and defaults.
pub const KTAB_SCHEMA: &str = "
create table if not exists ScenarioDesc (Scenario VARCHAR(512) NOT NULL DEFAULT 'NoName', \"Desc\" VARCHAR(512) NOT NULL DEFAULT 'No Description', ScenarioId VARCHAR(32) NOT NULL UNIQUE DEFAULT 'None',RNGSeed VARCHAR(20) NOT NULL DEFAULT '0',VictoryProbModel INTEGER NULL DEFAULT NULL,ProbCondorcetElection INTEGER NULL DEFAULT NULL,StateTransition INTEGER NULL DEFAULT NULL,VotingRule INTEGER NULL DEFAULT NULL,BigRAdjust INTEGER NULL DEFAULT NULL,BigRRange INTEGER NULL DEFAULT NULL,ThirdPartyCommit INTEGER NULL DEFAULT NULL,InterVecBrgn INTEGER NULL DEFAULT NULL,BargnModel INTEGER NULL DEFAULT NULL);
create table if not exists ActorDescription (ScenarioId VARCHAR(32) NOT NULL DEFAULT 'None', Act_i      INTEGER NOT NULL DEFAULT 0, Name       VARCHAR(25) NOT NULL DEFAULT 'NoName', \"Desc\"   VARCHAR(256) NOT NULL DEFAULT 'NoName' );
create table if not exists SpatialCapability (ScenarioId VARCHAR(32) NOT NULL DEFAULT 'None', Turn_t  INTEGER NOT NULL DEFAULT 0, Act_i  INTEGER NOT NULL DEFAULT 0, Cap  FLOAT NOT NULL DEFAULT 0.0);
create table if not exists SpatialSalience (ScenarioId VARCHAR(32) NOT NULL DEFAULT 'None', Turn_t  INTEGER NOT NULL DEFAULT 0, Act_i  INTEGER NOT NULL DEFAULT 0, Dim_k  INTEGER NOT NULL DEFAULT 0, Sal  FLOAT NOT NULL DEFAULT 0.0);
create table if not exists VectorPosition (ScenarioId VARCHAR(32) NOT NULL DEFAULT 'None', Turn_t  INTEGER NOT NULL DEFAULT 0, Act_i  INTEGER NOT NULL DEFAULT 0, Dim_k  INTEGER NOT NULL DEFAULT 0, Pos_Coord  FLOAT NOT NULL DEFAULT 0,Idl_Coord  FLOAT NOT NULL DEFAULT 0, Mover_BargnId INTEGER NULL DEFAULT 0);
create table if not exists DimensionDescription (ScenarioId VARCHAR(32) NOT NULL DEFAULT 'None', Dim_k INTEGER NOT NULL DEFAULT 0, \"Desc\" VARCHAR(256) NOT NULL DEFAULT 'NoDesc' );
create table if not exists Accommodation (ScenarioId VARCHAR(32) NOT NULL DEFAULT 'None', Act_i      INTEGER NOT NULL DEFAULT 0, Act_j      INTEGER NOT NULL DEFAULT 0, Affinity  FLOAT NOT NULL DEFAULT 0.0);
";

/// The deterministic `ScenarioId`: FNV-1a (64 bit) of name, seed and parameters, as `%032X`.
pub fn scenario_id(run: &KtabDbRun<'_>) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    eat(run.scenario.as_bytes());
    eat(&run.seed.to_le_bytes());
    for (name, value) in run.parameters.pairs() {
        eat(name.as_bytes());
        eat(value.as_bytes());
    }
    format!("{hash:032X}")
}

fn index_of<T: PartialEq + Copy>(all: &[T], v: T) -> i64 {
    all.iter().position(|x| *x == v).map_or(-1, |i| i as i64)
}

/// Writes `run` to a new SQLite file at `path`. An existing file is replaced only with `force`.
pub fn write_ktab_db(path: &Path, run: &KtabDbRun<'_>, force: bool) -> Result<(), KtabDbError> {
    use orbit_scenario::ktab::{
        BargnModel, BigRAdjust, BigRRange, InterVecBrgn, PceModel, StateTransitions,
        ThirdPartyCommit, VictoryProbModel, VotingRule,
    };
    let shown = path.display().to_string();
    if path.exists() {
        if !force {
            return Err(KtabDbError::Exists(shown));
        }
        std::fs::remove_file(path).map_err(|source| KtabDbError::Remove {
            path: shown.clone(),
            source,
        })?;
    }
    let sql = |source| KtabDbError::Sqlite {
        path: shown.clone(),
        source,
    };
    let mut db = Connection::open(path).map_err(sql)?;
    db.execute_batch(KTAB_SCHEMA).map_err(sql)?;
    let tx = db.transaction().map_err(sql)?;
    let id = scenario_id(run);
    let p = run.parameters;
    tx.execute(
        "INSERT INTO ScenarioDesc (Scenario,\"Desc\",ScenarioId,RNGSeed,VictoryProbModel,ProbCondorcetElection,StateTransition,VotingRule,BigRAdjust,BigRRange,ThirdPartyCommit,InterVecBrgn,BargnModel) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)",
        params![
            run.scenario,
            run.description,
            id,
            format!("{:20}", run.seed),
            index_of(VictoryProbModel::ALL, p.victory_prob_model),
            index_of(PceModel::ALL, p.pce_model),
            index_of(StateTransitions::ALL, p.state_transitions),
            index_of(VotingRule::ALL, p.voting_rule),
            index_of(BigRAdjust::ALL, p.big_r_adjust),
            index_of(BigRRange::ALL, p.big_r_range),
            index_of(ThirdPartyCommit::ALL, p.third_party_commit),
            index_of(InterVecBrgn::ALL, p.inter_vec_brgn),
            index_of(BargnModel::ALL, p.bargn_model),
        ],
    )
    .map_err(sql)?;
    {
        let mut actor = tx
            .prepare("INSERT INTO ActorDescription (ScenarioId,Act_i,Name,\"Desc\") VALUES (?1,?2,?3,?4)")
            .map_err(sql)?;
        for (i, name) in run.actors.iter().enumerate() {
            let desc = run.actor_descriptions.get(i).map_or("", String::as_str);
            actor
                .execute(params![id, i as i64, name, desc])
                .map_err(sql)?;
        }
        let mut dim = tx
            .prepare(
                "INSERT INTO DimensionDescription (ScenarioId,Dim_k,\"Desc\") VALUES (?1,?2,?3)",
            )
            .map_err(sql)?;
        for (k, name) in run.dimensions.iter().enumerate() {
            dim.execute(params![id, k as i64, name]).map_err(sql)?;
        }
        let mut acc = tx
            .prepare("INSERT INTO Accommodation (ScenarioId, Act_i, Act_j, Affinity) VALUES (?1,?2,?3,?4)")
            .map_err(sql)?;
        let n = run.actors.len();
        for i in 0..n {
            for j in 0..n {
                let a = match run.accommodation {
                    Some(m) => m[i][j],
                    None => f64::from(u8::from(i == j)),
                };
                acc.execute(params![id, i as i64, j as i64, a])
                    .map_err(sql)?;
            }
        }
        let mut cap = tx
            .prepare("INSERT INTO SpatialCapability (ScenarioId, Turn_t, Act_i, Cap) VALUES (?1,?2,?3,?4)")
            .map_err(sql)?;
        let mut sal = tx
            .prepare("INSERT INTO SpatialSalience (ScenarioId, Turn_t, Act_i, Dim_k,Sal) VALUES (?1,?2,?3,?4,?5)")
            .map_err(sql)?;
        let mut pos = tx
            .prepare("INSERT INTO VectorPosition (ScenarioId, Turn_t, Act_i, Dim_k, Pos_Coord, Idl_Coord, Mover_BargnId) VALUES (?1,?2,?3,?4,?5,?6,NULL)")
            .map_err(sql)?;
        for (t, state) in run.positions.iter().enumerate() {
            for i in 0..n {
                cap.execute(params![id, t as i64, i as i64, run.capability[i]])
                    .map_err(sql)?;
                for k in 0..run.dimensions.len() {
                    sal.execute(params![
                        id,
                        t as i64,
                        i as i64,
                        k as i64,
                        run.salience[i][k]
                    ])
                    .map_err(sql)?;
                    let ideal = run.ideals.get(t).map_or(state[i][k], |s| s[i][k]);
                    pos.execute(params![
                        id,
                        t as i64,
                        i as i64,
                        k as i64,
                        state[i][k] * 100.0,
                        ideal * 100.0
                    ])
                    .map_err(sql)?;
                }
            }
        }
    }
    tx.commit().map_err(sql)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_ktabs_tables_and_refuses_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.db");
        let actors = vec!["A".to_string(), "B".to_string(), "C".to_string()];
        let descs = vec![String::new(); 3];
        let dims = vec!["X".to_string(), "Y".to_string()];
        let params = SmpParameters::default();
        let positions = vec![vec![vec![0.1, 0.2], vec![0.3, 0.4], vec![0.5, 0.6]]; 2];
        let run = KtabDbRun {
            scenario: "S",
            description: "d",
            seed: 7,
            parameters: &params,
            actors: &actors,
            actor_descriptions: &descs,
            dimensions: &dims,
            capability: &[1.0, 2.0, 3.0],
            salience: &[vec![0.5, 0.5], vec![0.2, 0.2], vec![0.1, 0.9]],
            accommodation: None,
            positions: &positions,
            ideals: &positions,
        };
        write_ktab_db(&path, &run, false).unwrap();
        let db = Connection::open(&path).unwrap();
        let count = |t: &str| -> i64 {
            db.query_row(&format!("select count(*) from {t}"), [], |r| r.get(0))
                .unwrap()
        };
        assert_eq!(count("ScenarioDesc"), 1);
        assert_eq!(count("ActorDescription"), 3);
        assert_eq!(count("SpatialCapability"), 6);
        assert_eq!(count("SpatialSalience"), 12);
        assert_eq!(count("VectorPosition"), 12);
        let x: f64 = db
            .query_row(
                "select Pos_Coord from VectorPosition where Turn_t=1 and Act_i=2 and Dim_k=1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(x, 0.6 * 100.0);
        let (seed, bigr): (String, i64) = db
            .query_row("select RNGSeed, BigRAdjust from ScenarioDesc", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!((seed.trim(), bigr), ("7", 1));
        drop(db);
        assert!(matches!(
            write_ktab_db(&path, &run, false),
            Err(KtabDbError::Exists(_))
        ));
        write_ktab_db(&path, &run, true).unwrap();
    }
}
