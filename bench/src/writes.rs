//! Writing: `postMessage` (with its access-log entry and outbox event,
//! `synchronous_commit` on) as participants of random logs.

use crate::load::{self, LoadResult};
use serde_json::json;
use std::net::SocketAddr;
use std::sync::Arc;

pub async fn post_message(
    addr: SocketAddr,
    writers: Arc<Vec<(uuid::Uuid, String, String)>>,
    concurrency: usize,
    seconds: u64,
) -> LoadResult {
    let body = |log, n| {
        json!({
            "query": "mutation Post($i: PostMessageInput!) { postMessage(input: $i) { message { id } userErrors { field code message } } }",
            "variables": { "i": { "logId": log, "body": format!("Benchmelding {n}: alt går bra i dag.") } },
        })
    };
    load::graphql(addr, writers, concurrency, seconds, body, load::without_errors).await
}
