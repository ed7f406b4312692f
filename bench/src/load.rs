//! Closed-loop load: `concurrency` workers send requests back to back for a
//! fixed time after a warm-up; latencies go into a histogram.

use hdrhistogram::Histogram;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct LoadResult {
    /// successful requests in the measured window
    pub requests: u64,
    /// every request sent, warm-up included
    pub sent: u64,
    pub errors: u64,
    pub seconds: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl LoadResult {
    pub fn per_second(&self) -> f64 {
        self.requests as f64 / self.seconds
    }
}

/// Runs `op(worker, n)` from `concurrency` workers; `op` returns whether it succeeded.
pub async fn run<F, Fut>(concurrency: usize, warmup: Duration, measure: Duration, op: F) -> LoadResult
where
    F: Fn(usize, u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send,
{
    let op = Arc::new(op);
    let counter = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let measure_from = start + warmup;
    let end = measure_from + measure;
    let mut workers = Vec::new();
    for w in 0..concurrency {
        let op = op.clone();
        let counter = counter.clone();
        workers.push(tokio::spawn(async move {
            let mut hist = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("histogram");
            let (mut ok, mut errors) = (0u64, 0u64);
            loop {
                let now = Instant::now();
                if now >= end {
                    break;
                }
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let succeeded = op(w, n).await;
                let done = Instant::now();
                if now >= measure_from && done <= end {
                    if succeeded {
                        ok += 1;
                        hist.saturating_record(done.duration_since(now).as_micros() as u64);
                    } else {
                        errors += 1;
                    }
                }
            }
            (hist, ok, errors)
        }));
    }
    let mut hist = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("histogram");
    let (mut requests, mut errors) = (0, 0);
    for w in workers {
        let (h, ok, e) = w.await.expect("worker");
        hist.add(h).expect("histograms add");
        requests += ok;
        errors += e;
    }
    LoadResult {
        requests,
        sent: counter.load(Ordering::Relaxed),
        errors,
        seconds: measure.as_secs_f64(),
        p50_ms: hist.value_at_quantile(0.5) as f64 / 1000.0,
        p99_ms: hist.value_at_quantile(0.99) as f64 / 1000.0,
        max_ms: hist.max() as f64 / 1000.0,
    }
}

/// GraphQL requests over HTTP at `addr`, as the people of `callers`
/// ((log id, bearer token, external id), taken in turn): `body` builds the
/// request from the log id and the request's number; `ok` judges the
/// response body of a 2xx answer.
pub async fn graphql<B, K>(
    addr: std::net::SocketAddr,
    callers: Arc<Vec<(uuid::Uuid, String, String)>>,
    concurrency: usize,
    seconds: u64,
    body: B,
    ok: K,
) -> LoadResult
where
    B: Fn(uuid::Uuid, u64) -> serde_json::Value + Send + Sync + 'static,
    K: Fn(&[u8]) -> bool + Send + Sync + Copy + 'static,
{
    let client = reqwest::Client::builder().pool_max_idle_per_host(concurrency).build().expect("client");
    let url = format!("http://{addr}/graphql");
    run(concurrency, Duration::from_secs(3), Duration::from_secs(seconds), move |_, n| {
        let (log, token, _) = callers[n as usize % callers.len()].clone();
        let request = client.post(&url).bearer_auth(token).json(&body(log, n));
        async move {
            match request.send().await {
                Ok(r) if r.status().is_success() => r.bytes().await.is_ok_and(|b| ok(&b)),
                _ => false,
            }
        }
    })
    .await
}

/// Whether a response body carries no GraphQL error.
pub fn without_errors(body: &[u8]) -> bool {
    !body.windows(8).any(|w| w == b"\"errors\"")
}
