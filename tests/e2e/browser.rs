//! The demo page in a real browser: Debian's chromium driven by
//! playwright-core (tests/browser/app.test.mjs) against a real `stafett demo`.
//! Screenshots land in tests/artifacts/browser/.

use stafett_tests::process::{ServerProcess, free_port, node, workspace};
use stafett_tests::{Fixture, TestDb};
use std::path::Path;
use std::time::Duration;

#[tokio::test]
async fn the_demo_page_works_in_chromium() {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "{chromium} is missing: install Debian's chromium (`apt-get install chromium`; .ci/run does) or set CHROMIUM"
    );
    let db = TestDb::new(Fixture::Empty).await;
    let server = ServerProcess::start_on("demo", free_port(), &db.url, None, &[]).await;
    let out = workspace().join("tests/artifacts/browser");
    let shots = [
        "family-view",
        "professional-view",
        "live-message",
        "unconsented-view",
        "staff-view",
        "english-view",
        "phone-view",
    ]
    .map(|shot| out.join(format!("{shot}.png")));
    // A screenshot left by an earlier run must not pass for one of this run.
    for shot in &shots {
        match std::fs::remove_file(shot) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => panic!("cannot remove the old {}: {e}", shot.display()),
        }
    }
    let url = format!("http://{}", server.addr);
    let args = ["app.test.mjs", "--url", &url, "--out", out.to_str().unwrap(), "--chromium", &chromium];
    let report = node("tests/browser", &args, Duration::from_secs(180)).await;
    assert_eq!(report.matches("ok - ").count(), 9, "{report}");
    assert!(!report.contains("not ok"), "{report}");
    for shot in &shots {
        let png = std::fs::read(shot).unwrap_or_else(|e| panic!("no screenshot {} from this run: {e}", shot.display()));
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{} is no PNG", shot.display());
    }
}

/// The page renews its token before it expires; after one expired
/// unrenewed (the server closed the socket with 4403) it gets a new one and
/// reconnects instead of retrying the dead one; when it cannot get one, it
/// backs off, says so and stops (tests/browser/renewal.test.mjs).
#[tokio::test]
async fn the_demo_page_stays_live_across_token_expiry() {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(Path::new(&chromium).exists(), "{chromium} is missing: install Debian's chromium or set CHROMIUM");
    let db = TestDb::new(Fixture::Empty).await;
    let server = ServerProcess::start_on("demo", free_port(), &db.url, None, &[]).await;
    let url = format!("http://{}", server.addr);
    let args = ["renewal.test.mjs", "--url", &url, "--chromium", &chromium];
    let report = node("tests/browser", &args, Duration::from_secs(180)).await;
    assert_eq!(report.matches("ok - ").count(), 3, "{report}");
    assert!(!report.contains("not ok"), "{report}");
}

/// `/app` and its token endpoint exist in `stafett demo` only.
#[tokio::test]
async fn serve_has_no_demo_page_and_no_token_endpoint() {
    let db = TestDb::new(Fixture::Empty).await;
    let server = ServerProcess::start_on("serve", free_port(), &db.url, None, &[]).await;
    let http = reqwest::Client::new();
    for path in ["/app/", "/app/token/guardian", "/app/personas"] {
        let res = http.get(format!("http://{}{path}", server.addr)).send().await.unwrap();
        assert_eq!(res.status(), 404, "{path} in serve");
    }
}
