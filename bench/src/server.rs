//! The server under test: the release `stafett` binary, started as a
//! process of its own on a loopback port.

use anyhow::{Context, Result, bail};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Builds (if needed) and returns the release `stafett` binary.
pub fn binary() -> Result<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut build = Command::new(cargo);
    build.args(["build", "--release", "--quiet", "-p", "stafett-server", "--bin", "stafett"]).current_dir(&root);
    // `cargo run` gave us its CARGO_PKG_* and friends; build scripts that
    // watch such variables would see them change and rebuild everything.
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if key.starts_with("CARGO_") && key != "CARGO_HOME" && key != "CARGO_TARGET_DIR" {
            build.env_remove(key.as_ref());
        }
    }
    let status = build.status().context("running cargo")?;
    if !status.success() {
        bail!("building the release stafett binary failed");
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
    Ok(target.join("release").join("stafett"))
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or(18080)
}

pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    /// `/metrics` (`STAFETT_METRICS_ADDR`)
    pub metrics: SocketAddr,
}

impl Server {
    pub async fn start(bin: &Path, database_url: &str, redis_url: Option<&str>, pool_size: usize) -> Result<Server> {
        let port = free_port();
        let metrics = SocketAddr::from(([127, 0, 0, 1], free_port()));
        let mut cmd = Command::new(bin);
        cmd.arg("serve")
            .env("DATABASE_URL", database_url)
            .env("STAFETT_ADDR", format!("127.0.0.1:{port}"))
            .env("STAFETT_METRICS_ADDR", metrics.to_string())
            .env("STAFETT_DEV_AUTH", "true")
            .env("STAFETT_DEV_AUTH_FORCE", "true")
            .env("STAFETT_DB_POOL_SIZE", pool_size.to_string())
            // The bench is one principal many times over: no rate or subscription caps.
            .env("STAFETT_RATE_PER_SECOND", "10000000")
            .env("STAFETT_RATE_BURST", "10000000")
            .env("STAFETT_MAX_SUBSCRIPTIONS_PER_PRINCIPAL", "10000000")
            .env("STAFETT_DEADLINE_SWEEP_MS", "3600000")
            .env("RUST_LOG", "warn")
            .env_remove("REDIS_URL")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        if let Some(url) = redis_url {
            cmd.env("REDIS_URL", url);
        }
        let child = cmd.spawn().context("starting stafett")?;
        let server = Server { child, addr: SocketAddr::from(([127, 0, 0, 1], port)), metrics };
        for _ in 0..300 {
            if tokio::net::TcpStream::connect(server.addr).await.is_ok() {
                return Ok(server);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("stafett did not start listening")
    }

    /// Resident memory of the server process, in KiB.
    pub fn rss_kib(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|v| v.parse().ok())
            })
            .unwrap_or(0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A redis-server of the bench's own.
pub struct Redis {
    child: Child,
    pub port: u16,
}

impl Redis {
    pub async fn start() -> Result<Redis> {
        let port = free_port();
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .spawn()
            .context("starting redis-server")?;
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                return Ok(Redis { child, port });
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        bail!("redis-server did not start")
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// SQL statements the server has sent since it started (its `/metrics`).
pub async fn statements(server: &Server) -> Result<u64> {
    let text = reqwest::get(format!("http://{}/metrics", server.metrics)).await?.text().await?;
    let line =
        text.lines().find(|l| l.starts_with("stafett_db_queries ")).context("no stafett_db_queries in /metrics")?;
    let value: f64 = line.rsplit(' ').next().unwrap_or_default().parse().context("stafett_db_queries")?;
    Ok(value as u64)
}
