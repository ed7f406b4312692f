//! Live fan-out: many websocket clients subscribed to `messageAdded`, eight
//! per log; messages posted at a steady rate; latency from each mutation's
//! response to its receipt by every recipient, and nothing lost.

use crate::dataset::{PARTICIPANTS, participant_external_id};
use crate::server::Server;
use anyhow::Result;
use futures_util::{SinkExt, StreamExt};
use hdrhistogram::Histogram;
use serde_json::{Value, json};
use stafett_schema::Identity;
use stafett_server::auth::dev::DevKeys;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_util::sync::CancellationToken;

#[derive(Debug, Clone)]
pub struct FanoutResult {
    pub clients: usize,
    pub messages: u64,
    pub expected: u64,
    pub received: u64,
    pub lost: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub kib_per_connection: f64,
    pub connect_seconds: f64,
    /// subscriptions the server ended or answered with an error, and the first such frame
    pub ended: u64,
    pub first_end: Option<String>,
}

/// What one client saw: (message id, arrival) pairs, and the frame that
/// ended its subscription early, if one did.
type Seen = (Vec<(String, Instant)>, Option<String>);

fn token(i: usize, j: usize) -> String {
    DevKeys::default().issue(&Identity::Staff { external_id: participant_external_id(i, j) }, 24 * 3600)
}

/// Opens, initialises and subscribes one client; returns a task that collects
/// (message id, arrival) until `stop`.
async fn subscriber(
    addr: SocketAddr,
    token: String,
    log: uuid::Uuid,
    stop: CancellationToken,
) -> Result<tokio::task::JoinHandle<Seen>> {
    let mut req = format!("ws://{addr}/graphql").into_client_request()?;
    req.headers_mut().insert("Sec-WebSocket-Protocol", HeaderValue::from_static("graphql-transport-ws"));
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await?;
    ws.send(Message::Text(
        json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } })
            .to_string()
            .into(),
    ))
    .await?;
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(t))) if t.contains("connection_ack") => break,
            Some(Ok(Message::Text(_))) => continue,
            other => anyhow::bail!("no connection_ack: {other:?}"),
        }
    }
    let sub = json!({ "id": "m", "type": "subscribe", "payload": {
        "query": "subscription($l: ID) { messageAdded(logId: $l) { message { id } } }", "variables": { "l": log } } });
    ws.send(Message::Text(sub.to_string().into())).await?;
    Ok(tokio::spawn(async move {
        let mut seen = Vec::new();
        let mut ended = None;
        loop {
            tokio::select! {
                _ = stop.cancelled() => break,
                frame = ws.next() => match frame {
                    Some(Ok(Message::Text(t))) => {
                        let now = Instant::now();
                        if let Ok(v) = serde_json::from_str::<Value>(&t) {
                            if let Some(id) = v["payload"]["data"]["messageAdded"]["message"]["id"].as_str() {
                                seen.push((id.to_owned(), now));
                            } else if ended.is_none() && v["type"] != "ping" && v["type"] != "pong" {
                                ended = Some(t.to_string());
                            }
                        }
                    }
                    Some(Ok(_)) => {}
                    _ => break,
                },
            }
        }
        (seen, ended)
    }))
}

pub async fn run(
    servers: &[&Server],
    logs: &[uuid::Uuid],
    clients: usize,
    rate: u64,
    seconds: u64,
) -> Result<FanoutResult> {
    let per_log = PARTICIPANTS;
    let nlogs = (clients / per_log).min(logs.len());
    let clients = nlogs * per_log;
    let rss_before: u64 = servers.iter().map(|s| s.rss_kib()).sum();
    let stop = CancellationToken::new();
    let started = Instant::now();
    let mut readers = Vec::with_capacity(clients);
    let jobs: Vec<(SocketAddr, String, uuid::Uuid)> = (0..clients)
        .map(|c| {
            let (i, j) = (1 + c / per_log, c % per_log);
            (servers[c % servers.len()].addr, token(i, j), logs[i - 1])
        })
        .collect();
    let mut connecting = futures_util::stream::iter(jobs)
        .map(|(addr, token, log)| subscriber(addr, token, log, stop.clone()))
        .buffer_unordered(128);
    while let Some(r) = connecting.next().await {
        readers.push(r?);
    }
    // The clients have sent their subscriptions; the servers may still be
    // starting them (checking access, recording professionals' reads). Wait
    // until they are quiet, so the latencies below are of steady fan-out.
    let settle = Instant::now();
    let mut last: u64 = 0;
    loop {
        let mut now = 0;
        for s in servers {
            now += crate::server::statements(s).await?;
        }
        if now.saturating_sub(last) < 25 || settle.elapsed() > Duration::from_secs(120) {
            break;
        }
        last = now;
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    // until every subscription is started (to the nearest half second)
    let connect_seconds = started.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_after: u64 = servers.iter().map(|s| s.rss_kib()).sum();

    let sent: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let client = reqwest::Client::new();
    let total = rate * seconds;
    let posters = 16u64;
    let mut tasks = Vec::new();
    for p in 0..posters {
        let (client, sent) = (client.clone(), sent.clone());
        let post_to = servers[0].addr;
        let logs = logs[..nlogs].to_vec();
        tasks.push(tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs_f64(posters as f64 / rate as f64));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
            let mut k = p;
            while k < total {
                tick.tick().await;
                let i = 1 + (k as usize % logs.len());
                let body = json!({ "query": "mutation($i: PostMessageInput!) { postMessage(input: $i) { message { id } userErrors { field code message } } }",
                    "variables": { "i": { "logId": logs[i - 1], "body": format!("Live {k}") } } });
                if let Ok(r) =
                    client.post(format!("http://{post_to}/graphql")).bearer_auth(token(i, 0)).json(&body).send().await
                {
                    let at = Instant::now();
                    if let Ok(v) = r.json::<Value>().await
                        && let Some(id) = v["data"]["postMessage"]["message"]["id"].as_str()
                    {
                        sent.lock().unwrap().insert(id.to_owned(), at);
                    }
                }
                k += posters;
            }
        }));
    }
    for t in tasks {
        t.await?;
    }
    tokio::time::sleep(Duration::from_secs(5)).await;
    stop.cancel();
    let sent = sent.lock().unwrap().clone();
    let mut hist = Histogram::<u64>::new_with_bounds(1, 600_000_000, 3)?;
    let mut received = 0u64;
    let (mut ended, mut first_end) = (0u64, None);
    for r in readers {
        let (seen, end) = r.await?;
        if let Some(end) = end {
            ended += 1;
            first_end.get_or_insert(end);
        }
        for (id, at) in seen {
            if let Some(t0) = sent.get(&id) {
                received += 1;
                // Delivery can beat the mutation's response: that is zero latency.
                hist.saturating_record(at.saturating_duration_since(*t0).as_micros().max(1) as u64);
            }
        }
    }
    let messages = sent.len() as u64;
    let expected = messages * per_log as u64;
    Ok(FanoutResult {
        clients,
        messages,
        expected,
        received,
        lost: expected.saturating_sub(received),
        p50_ms: hist.value_at_quantile(0.5) as f64 / 1000.0,
        p99_ms: hist.value_at_quantile(0.99) as f64 / 1000.0,
        max_ms: hist.max() as f64 / 1000.0,
        kib_per_connection: rss_after.saturating_sub(rss_before) as f64 / clients as f64,
        connect_seconds,
        ended,
        first_end,
    })
}
