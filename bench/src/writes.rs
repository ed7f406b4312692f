//! Writing: `postMessage` (with its access-log entry and outbox event,
//! `synchronous_commit` on) as participants of random logs.

use crate::load::{self, LoadResult};
use serde_json::json;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

pub async fn post_message(
    addr: SocketAddr,
    writers: Arc<Vec<(uuid::Uuid, String, String)>>,
    concurrency: usize,
    seconds: u64,
) -> LoadResult {
    let client = reqwest::Client::builder().pool_max_idle_per_host(concurrency).build().expect("client");
    let url = format!("http://{addr}/graphql");
    load::run(concurrency, Duration::from_secs(3), Duration::from_secs(seconds), move |_, n| {
        let (log, token, _) = writers[n as usize % writers.len()].clone();
        let client = client.clone();
        let url = url.clone();
        async move {
            let body = json!({
                "query": "mutation Post($i: PostMessageInput!) { postMessage(input: $i) { id } }",
                "variables": { "i": { "logId": log, "body": format!("Benchmelding {n}: alt går bra i dag.") } },
            });
            match client.post(&url).bearer_auth(token).json(&body).send().await {
                Ok(r) if r.status().is_success() => {
                    r.bytes().await.is_ok_and(|b| !b.windows(8).any(|w| w == b"\"errors\""))
                }
                _ => false,
            }
        }
    })
    .await
}
