use clap::Parser;
use stafett_server::cli::{Cli, run};
use stafett_server::config::LogFormat;
use stafett_server::telemetry;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

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
    let traces = match command.otlp_endpoint().map(telemetry::provider).transpose() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("stafett: {e:#}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let format = command.log_format();
    let json =
        (format == LogFormat::Json).then(|| tracing_subscriber::fmt::layer().json().with_writer(std::io::stderr));
    let text = (format == LogFormat::Text).then(|| tracing_subscriber::fmt::layer().with_writer(std::io::stderr));
    tracing_subscriber::registry()
        .with(filter)
        .with(json)
        .with(text)
        .with(traces.as_ref().map(telemetry::layer))
        .init();
    let result = run(command).await;
    if let Some(traces) = traces {
        // What the batch still holds goes out before the process ends.
        if let Err(e) = tokio::task::spawn_blocking(move || traces.shutdown()).await {
            eprintln!("stafett: flushing traces: {e}");
        }
    }
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            eprintln!("stafett: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
