//! Real processes for tests that need them: `stafett` instances (several
//! sharing one database) and `redis-server`s of their own on spare ports,
//! so tests that stop or kill a service never disturb the rest of the suite.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

/// The workspace root, for files beside the tests (npm projects, artifacts).
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The `stafett` binary, built once per test process (a test crate cannot
/// depend on another package's binary, so it asks cargo for it).
pub fn server_binary() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let status = Command::new(cargo)
                .args(["build", "--quiet", "--bin", "stafett"])
                .current_dir(workspace())
                .status()
                .expect("cargo runs");
            assert!(status.success(), "building the stafett binary failed");
            let target =
                std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| workspace().join("target"));
            target.join("debug").join("stafett")
        })
        .clone()
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

async fn wait_for_port(port: u16, within: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + within;
    while tokio::time::Instant::now() < deadline {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

/// A `stafett serve` process with development tokens forced on.
pub struct ServerProcess {
    child: Child,
    pub addr: SocketAddr,
    pub log: PathBuf,
}

impl ServerProcess {
    pub async fn start(database_url: &str, redis_url: Option<&str>, env: &[(&str, &str)]) -> ServerProcess {
        Self::start_on("serve", free_port(), database_url, redis_url, env).await
    }

    /// Runs a subcommand (`serve` or `demo`) on a given port.
    pub async fn start_on(
        command: &str,
        port: u16,
        database_url: &str,
        redis_url: Option<&str>,
        env: &[(&str, &str)],
    ) -> ServerProcess {
        let log = std::env::temp_dir().join(format!("stafett-test-{port}.log"));
        let out = std::fs::File::create(&log).expect("log file");
        let mut cmd = Command::new(server_binary());
        cmd.arg(command)
            .env("DATABASE_URL", database_url)
            .env("STAFETT_ADDR", format!("127.0.0.1:{port}"))
            .env("STAFETT_DEV_AUTH", "true")
            .env("STAFETT_DEV_AUTH_FORCE", "true")
            .env("STAFETT_DB_POOL_SIZE", "4")
            .env_remove("REDIS_URL")
            .stdout(Stdio::null())
            .stderr(out);
        if let Some(url) = redis_url {
            cmd.env("REDIS_URL", url);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().expect("stafett starts");
        let server = ServerProcess { child, addr: SocketAddr::from(([127, 0, 0, 1], port)), log };
        assert!(wait_for_port(port, Duration::from_secs(30)).await, "stafett did not listen: {}", server.log_text());
        server
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGKILL: no graceful anything.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then wait for the process to exit.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        self.child.wait().expect("wait")
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_file(&self.log);
    }
}

/// A `redis-server` of the test's own.
pub struct RedisProcess {
    child: Option<Child>,
    pub port: u16,
}

impl RedisProcess {
    pub async fn start() -> RedisProcess {
        let mut r = RedisProcess { child: None, port: free_port() };
        r.restart().await;
        r
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Kills it (SIGKILL): subscribers lose their connection at once.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts it (again) on the same port.
    pub async fn restart(&mut self) {
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server starts");
        self.child = Some(child);
        assert!(wait_for_port(self.port, Duration::from_secs(10)).await, "redis-server did not listen");
    }
}

impl Drop for RedisProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Installs the npm dependencies of a folder of the workspace once per
/// test process, from its lockfile. A file lock keeps test processes run
/// side by side (`cargo nextest` runs one per test) from installing into
/// the same folder at once, or one from running with another's half-made
/// `node_modules`.
pub fn npm_ci(folder: &str) -> PathBuf {
    static DONE: OnceLock<std::sync::Mutex<std::collections::HashSet<String>>> = OnceLock::new();
    let dir = workspace().join(folder);
    let mut done = DONE.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner());
    if !done.contains(folder) {
        let lock = std::fs::File::create(dir.join(".npm-ci.lock")).expect("the npm lock file");
        lock.lock().expect("lock the npm folder");
        // Made by an earlier run, or by another process that held the lock.
        let installed = dir.join("node_modules/.package-lock.json").exists();
        if !installed {
            let status = Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(&dir)
                .status()
                .expect("npm runs");
            assert!(status.success(), "npm ci failed in {folder}");
        }
        done.insert(folder.to_owned());
    }
    dir
}

/// A PostgreSQL cluster of the test's own (trust auth, on a spare port), for
/// tests that stop or restart PostgreSQL. Removed when dropped.
pub struct PgCluster {
    pub version: String,
    pub name: String,
    pub port: u16,
}

impl PgCluster {
    pub async fn create() -> PgCluster {
        let version = std::fs::read_dir("/etc/postgresql")
            .expect("Debian's postgresql-common")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .max_by_key(|v| v.parse::<u32>().unwrap_or(0))
            .expect("a PostgreSQL version");
        let port = free_port();
        let name = format!("stafett_fault_{port}");
        let status = Command::new("pg_createcluster")
            .args([&version, &name, "-p", &port.to_string(), "--start", "--", "--auth=trust"])
            .stdout(Stdio::null())
            .status()
            .expect("pg_createcluster runs");
        assert!(status.success(), "pg_createcluster failed");
        let cluster = PgCluster { version, name, port };
        assert!(wait_for_port(port, Duration::from_secs(30)).await, "the cluster did not listen");
        cluster
    }

    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    fn ctl(&self, args: &[&str]) {
        let status = Command::new("pg_ctlcluster")
            .args([self.version.as_str(), self.name.as_str()])
            .args(args)
            .stdout(Stdio::null())
            .status()
            .expect("pg_ctlcluster runs");
        assert!(status.success(), "pg_ctlcluster {args:?} failed");
    }

    /// Stops at once, as a crash would (`-m immediate`).
    pub fn stop_immediately(&self) {
        self.ctl(&["stop", "-m", "immediate"]);
    }

    pub async fn start(&self) {
        self.ctl(&["start"]);
        assert!(wait_for_port(self.port, Duration::from_secs(30)).await);
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let _ = Command::new("pg_dropcluster")
            .args([self.version.as_str(), self.name.as_str(), "--stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// Runs `node <args>` in a folder of the workspace (after `npm_ci`), with a
/// time limit; returns its stdout, and fails the test with its output if it
/// fails.
pub async fn node(folder: &str, args: &[&str], limit: Duration) -> String {
    let dir = npm_ci(folder);
    let run = tokio::process::Command::new("node").args(args).current_dir(&dir).kill_on_drop(true).output();
    let out = tokio::time::timeout(limit, run)
        .await
        .unwrap_or_else(|_| panic!("node {args:?} in {folder} took longer than {limit:?}"))
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "node {args:?} in {folder} failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}
