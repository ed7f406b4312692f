//! `stafett-bench`: generates a realistic dataset and drives the real
//! server over HTTP and websockets on loopback, then prints a table.
//!
//!     cargo run --release -p stafett-bench -- --logs 1000,10000,100000
//!
//! See the README's Performance section for what each row measures.

mod dataset;
mod fanout;
mod load;
mod page;
mod server;
mod statistics;
mod writes;

use anyhow::Result;
use clap::Parser;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use std::sync::Arc;

#[derive(Parser)]
#[command(about = "Stafett benchmarks: log page reads, writes, live fan-out")]
struct Cli {
    /// dataset sizes (logs), comma-separated; one column each
    #[arg(long, value_delimiter = ',', default_value = "10000")]
    logs: Vec<usize>,
    /// scenarios to run
    #[arg(long, value_delimiter = ',', default_value = "page,floor,writes,fanout,fanout2,statistics")]
    scenarios: Vec<String>,
    /// seconds each load runs (after 3 s of warm-up)
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// websocket clients in the fan-out scenarios
    #[arg(long, default_value_t = 10_000)]
    clients: usize,
    /// messages per second posted in the fan-out scenarios
    #[arg(long, default_value_t = 500)]
    rate: u64,
    /// the server's connection pool size
    #[arg(long, default_value_t = 16)]
    pool: usize,
    /// PostgreSQL server (databases stafett_bench_<logs> are created on it)
    #[arg(long, default_value = "postgres://localhost")]
    pg: String,
    /// reuse an existing dataset of the same size instead of generating it
    #[arg(long)]
    reuse: bool,
}

#[derive(Default, Clone)]
struct Column {
    logs: usize,
    rows: Vec<(String, String)>,
}

impl Column {
    fn add(&mut self, metric: &str, value: String) {
        eprintln!("  {metric}: {value}");
        self.rows.push((metric.to_owned(), value));
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    let bin = server::binary()?;
    let mut columns = Vec::new();
    for &logs in &cli.logs {
        columns.push(size(&cli, &bin, logs).await?);
    }
    print_table(&cli, &columns);
    Ok(())
}

async fn size(cli: &Cli, bin: &std::path::Path, logs: usize) -> Result<Column> {
    let database = format!("stafett_bench_{logs}");
    let url = format!("{}/{database}", cli.pg);
    let exists = AsyncPgConnection::establish(&url).await.is_ok();
    if !(cli.reuse && exists) {
        dataset::generate(&cli.pg, &database, logs).await?;
    }
    let mut conn = AsyncPgConnection::establish(&url).await?;
    let ids = dataset::log_ids(&mut conn, logs).await?;
    drop(conn);
    let mut col = Column { logs, ..Column::default() };
    let people = Arc::new(page::readers(&ids, 4_000));
    let wants = |s: &str| cli.scenarios.iter().any(|x| x == s);
    eprintln!("== {logs} logs");
    if wants("statistics") {
        statistics::add_admins(&url).await?;
        let srv = server::Server::start(bin, &url, None, cli.pool).await?;
        for (who, external_id) in [("system owner", "bench-system-owner"), ("municipal admin", "bench-municipal-admin")]
        {
            let t = statistics::run(srv.addr, external_id, 20).await?;
            col.add(
                &format!("statistics as {who}: p50 / max ms (logs)"),
                format!("{:.0} / {:.0} ({})", t.p50_ms, t.max_ms, t.logs),
            );
        }
    }
    if wants("page") || wants("floor") || wants("writes") || wants("fanout") {
        let srv = server::Server::start(bin, &url, None, cli.pool).await?;
        if wants("page") {
            let before = server::statements(&srv).await?;
            let r = page::graphql(srv.addr, people.clone(), cli.concurrency, cli.seconds).await;
            let sent = server::statements(&srv).await? - before;
            col.add("page: GraphQL req/s", format!("{:.0}", r.per_second()));
            col.add("page: p50 / p99 / max ms", format!("{:.1} / {:.1} / {:.1}", r.p50_ms, r.p99_ms, r.max_ms));
            col.add("page: errors", r.errors.to_string());
            // The background tasks' few statements a second are included.
            col.add("page: SQL statements per request", format!("{:.1}", sent as f64 / r.sent.max(1) as f64));
            if wants("floor") {
                let f = page::floor(&url, people.clone(), cli.pool, cli.concurrency, cli.seconds).await;
                col.add("page: floor (direct SQL) req/s", format!("{:.0}", f.per_second()));
                col.add("page: GraphQL / floor", format!("{:.0} %", 100.0 * r.per_second() / f.per_second()));
            }
        }
        if wants("writes") {
            let w = writes::post_message(srv.addr, people.clone(), cli.concurrency, cli.seconds).await;
            col.add("postMessage req/s", format!("{:.0}", w.per_second()));
            col.add("postMessage p50 / p99 / max ms", format!("{:.1} / {:.1} / {:.1}", w.p50_ms, w.p99_ms, w.max_ms));
            col.add("postMessage errors", w.errors.to_string());
        }
        if wants("fanout") {
            let f = fanout::run(&[&srv], &ids, cli.clients, cli.rate, cli.seconds).await?;
            fanout_rows(&mut col, "fan-out, 1 instance", &f);
        }
    }
    if wants("fanout2") {
        let redis = server::Redis::start().await?;
        let a = server::Server::start(bin, &url, Some(&redis.url()), cli.pool).await?;
        let b = server::Server::start(bin, &url, Some(&redis.url()), cli.pool).await?;
        let f = fanout::run(&[&a, &b], &ids, cli.clients, cli.rate, cli.seconds).await?;
        fanout_rows(&mut col, "fan-out, 2 instances", &f);
    }
    Ok(col)
}

fn fanout_rows(col: &mut Column, name: &str, f: &fanout::FanoutResult) {
    col.add(&format!("{name}: clients / messages"), format!("{} / {}", f.clients, f.messages));
    col.add(&format!("{name}: p50 / p99 / max ms"), format!("{:.1} / {:.1} / {:.1}", f.p50_ms, f.p99_ms, f.max_ms));
    col.add(&format!("{name}: delivered / expected"), format!("{} / {}", f.received, f.expected));
    col.add(&format!("{name}: lost"), f.lost.to_string());
    col.add(&format!("{name}: subscriptions ended early"), f.ended.to_string());
    if let Some(first) = &f.first_end {
        eprintln!("  {name}: first subscription ended with: {first}");
    }
    col.add(&format!("{name}: all subscribed after (s)"), format!("{:.1}", f.connect_seconds));
    col.add(&format!("{name}: KiB per connection"), format!("{:.1}", f.kib_per_connection));
}

fn print_table(cli: &Cli, columns: &[Column]) {
    let mut metrics: Vec<String> = Vec::new();
    for c in columns {
        for (m, _) in &c.rows {
            if !metrics.contains(m) {
                metrics.push(m.clone());
            }
        }
    }
    println!();
    println!(
        "concurrency {}, {} s per load, pool {}, {} clients at {} msg/s",
        cli.concurrency, cli.seconds, cli.pool, cli.clients, cli.rate
    );
    let header: Vec<String> = columns.iter().map(|c| format!("{} logs", c.logs)).collect();
    println!("| metric | {} |", header.join(" | "));
    println!("|---|{}|", vec!["---:"; columns.len()].join("|"));
    for m in metrics {
        let cells: Vec<String> = columns
            .iter()
            .map(|c| c.rows.iter().find(|(k, _)| *k == m).map(|(_, v)| v.clone()).unwrap_or_default())
            .collect();
        println!("| {m} | {} |", cells.join(" | "));
    }
}
