//! `bench similar`: pgvector HNSW at N vectors: index build time, p50/p95 query latency and recall@10 against exact search, per ef_search.

use super::percentiles;
use crate::server::config::Settings;
use crate::server::db;
use crate::server::startup::Database;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::time::Instant;

/// Settings of one run.
pub struct SimilarBench {
    pub vectors: usize,
    pub dims: usize,
    pub queries: usize,
    pub m: u32,
    pub ef_construction: u32,
    pub ef_search: Vec<u32>,
    /// Latent dimensions of the generated data (sentence embeddings have a low intrinsic dimension).
    pub latent: usize,
    pub clusters: usize,
    /// Share of each vector's variance that is isotropic noise in all `dims`.
    pub noise: f32,
}

/// Unit vectors with the structure of sentence embeddings: a mixture of `clusters` Gaussians in a
/// `latent`-dimensional space, mapped to `dims` by a fixed random matrix, plus isotropic noise.
struct Generator {
    centres: Vec<Vec<f32>>,
    map: Vec<Vec<f32>>,
    /// Standard deviation of the isotropic noise.
    sigma: f32,
    rng: ChaCha8Rng,
}

/// A standard normal sample (Box-Muller).
fn gauss(rng: &mut ChaCha8Rng) -> f32 {
    let u: f32 = rng.gen_range(f32::EPSILON..1.0);
    let v: f32 = rng.gen();
    (-2.0 * u.ln()).sqrt() * (std::f32::consts::TAU * v).cos()
}

impl Generator {
    fn new(b: &SimilarBench) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(2026);
        let centres = (0..b.clusters)
            .map(|_| (0..b.latent).map(|_| 2.0 * gauss(&mut rng)).collect())
            .collect();
        let map = (0..b.dims)
            .map(|_| (0..b.latent).map(|_| gauss(&mut rng)).collect())
            .collect();
        // Each output coordinate has variance latent · (4 + 1) before noise.
        let signal = b.latent as f32 * 5.0;
        let sigma = (b.noise / (1.0 - b.noise).max(1e-3) * signal).sqrt();
        Generator {
            centres,
            map,
            sigma,
            rng,
        }
    }

    fn next(&mut self) -> Vec<f32> {
        let c = self.rng.gen_range(0..self.centres.len());
        let z: Vec<f32> = self.centres[c]
            .iter()
            .map(|m| m + gauss(&mut self.rng))
            .collect();
        let mut v: Vec<f32> = self
            .map
            .iter()
            .map(|row| {
                row.iter().zip(&z).map(|(a, b)| a * b).sum::<f32>()
                    + self.sigma * gauss(&mut self.rng)
            })
            .collect();
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.iter_mut().for_each(|x| *x /= n);
        v
    }
}

/// One row of PostgreSQL's binary COPY format: (id bigint, embedding vector).
fn copy_row(out: &mut Vec<u8>, id: i64, v: &[f32]) {
    out.extend_from_slice(&2i16.to_be_bytes());
    out.extend_from_slice(&8i32.to_be_bytes());
    out.extend_from_slice(&id.to_be_bytes());
    out.extend_from_slice(&((4 + 4 * v.len()) as i32).to_be_bytes());
    out.extend_from_slice(&(v.len() as i16).to_be_bytes());
    out.extend_from_slice(&0i16.to_be_bytes());
    for x in v {
        out.extend_from_slice(&x.to_be_bytes());
    }
}

pub async fn run(b: SimilarBench, settings: &Settings) -> anyhow::Result<()> {
    let database = Database::open(settings).await?;
    let result = async {
        let url = super::scratch_database(&database, "tl_bench_similar").await?;
        let pool = db::connect(&url, 2).await?;
        sqlx::query("CREATE EXTENSION IF NOT EXISTS vector").execute(&pool).await?;
        sqlx::query(&format!(
            "CREATE TABLE items (id bigint PRIMARY KEY, embedding vector({})) WITH (autovacuum_enabled = off)",
            b.dims
        ))
        .execute(&pool)
        .await?;

        let started = Instant::now();
        let mut generator = Generator::new(&b);
        let mut all: Vec<Vec<f32>> = Vec::with_capacity(b.vectors);
        let mut conn = pool.acquire().await?;
        let mut copy = conn
            .copy_in_raw("COPY items (id, embedding) FROM STDIN (FORMAT binary)")
            .await?;
        let mut buf = b"PGCOPY\n\xff\r\n\0".to_vec();
        buf.extend_from_slice(&0i32.to_be_bytes());
        buf.extend_from_slice(&0i32.to_be_bytes());
        for id in 0..b.vectors {
            let v = generator.next();
            copy_row(&mut buf, id as i64, &v);
            all.push(v);
            if buf.len() > 8 << 20 {
                copy.send(std::mem::take(&mut buf)).await?;
            }
        }
        buf.extend_from_slice(&(-1i16).to_be_bytes());
        copy.send(buf).await?;
        copy.finish().await?;
        drop(conn);
        eprintln!("loaded {} vectors in {:.0} s", b.vectors, started.elapsed().as_secs_f64());

        let started = Instant::now();
        let mut conn = pool.acquire().await?;
        sqlx::query("SET maintenance_work_mem = '6GB'").execute(&mut *conn).await?;
        sqlx::query("SET max_parallel_maintenance_workers = 1").execute(&mut *conn).await?;
        sqlx::query(&format!(
            "CREATE INDEX ON items USING hnsw (embedding vector_cosine_ops) WITH (m = {}, ef_construction = {})",
            b.m, b.ef_construction
        ))
        .execute(&mut *conn)
        .await?;
        let build = started.elapsed().as_secs_f64();
        sqlx::query("VACUUM ANALYZE items").execute(&mut *conn).await?;
        eprintln!("built the index in {build:.0} s");

        // Queries are new vectors from the same distribution; the truth is an exact scan in memory.
        let queries: Vec<Vec<f32>> = (0..b.queries).map(|_| generator.next()).collect();
        let truth: Vec<Vec<i64>> = queries
            .iter()
            .map(|q| {
                let mut scored: Vec<(f32, i64)> = all
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (-v.iter().zip(q).map(|(a, b)| a * b).sum::<f32>(), i as i64))
                    .collect();
                scored.select_nth_unstable_by(9, |a, b| a.0.total_cmp(&b.0));
                scored[..10].iter().map(|s| s.1).collect()
            })
            .collect();
        drop(all);

        println!(
            "| vectors | dims | m | ef_construction | build | ef_search | queries | p50 | p95 | recall@10 |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        );
        for &ef in &b.ef_search {
            sqlx::query(&format!("SET hnsw.ef_search = {ef}")).execute(&mut *conn).await?;
            let mut times = Vec::new();
            let mut found = 0usize;
            for round in 0..2 {
                for (q, want) in queries.iter().zip(&truth) {
                    let start = Instant::now();
                    let ids: Vec<i64> = sqlx::query_scalar(
                        "SELECT id FROM items ORDER BY embedding <=> $1 LIMIT 10",
                    )
                    .bind(pgvector::Vector::from(q.clone()))
                    .fetch_all(&mut *conn)
                    .await?;
                    // The first round warms the cache; the second is measured.
                    if round == 1 {
                        times.push(start.elapsed().as_secs_f64() * 1000.0);
                        found += ids.iter().filter(|id| want.contains(id)).count();
                    }
                }
            }
            let (p50, p95, _) = percentiles(&mut times);
            println!(
                "| {} | {} | {} | {} | {:.0} s | {ef} | {} | {p50:.2} ms | {p95:.2} ms | {:.3} |",
                b.vectors,
                b.dims,
                b.m,
                b.ef_construction,
                build,
                b.queries,
                found as f64 / (10 * b.queries) as f64
            );
        }
        drop(conn);
        pool.close().await;
        db::recreate_database(&url).await?;
        anyhow::Ok(())
    }
    .await;
    database.close().await;
    result
}
