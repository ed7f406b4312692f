use clap::Parser;
use stafett_server::cli::{Cli, run};
use stafett_server::config::LogFormat;
use tracing_subscriber::EnvFilter;

// glibc's malloc took about a third of the server's CPU time under the log-page
// benchmark (perf: _int_malloc, malloc_consolidate, _int_free); GraphQL
// execution allocates many small, short-lived values.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // The settings are read before logging starts, so a bad one is printed plainly.
    let command = match Cli::parse().command() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("stafett: {e:#}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,tower_http=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match command.log_format() {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
    match run(command).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            eprintln!("stafett: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
