//! The deployment files in `deploy/` are what the service is: the systemd
//! unit passes `systemd-analyze verify` and runs the binary's real
//! subcommands, and the example environment file names every setting of
//! `stafett serve --help` with its default. (The Dockerfile and compose.yaml
//! are not built here: no image registry is reachable; their settings are
//! still checked against `--help`.)

use crate::config_help::from_help;
use stafett_tests::process::{server_binary, workspace};
use std::collections::BTreeMap;
use std::process::Command;

fn read(path: &str) -> String {
    std::fs::read_to_string(workspace().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `Key=value` lines of a unit file, by key, in order (a key may repeat).
fn unit_entries(unit: &str) -> Vec<(String, String)> {
    unit.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with(['#', ';', '[']))
        .map(|l| {
            let (k, v) = l.split_once('=').unwrap_or_else(|| panic!("not Key=value: {l:?}"));
            (k.trim().to_owned(), v.trim().to_owned())
        })
        .collect()
}

#[test]
fn the_systemd_unit_is_hardened_and_runs_migrate_then_serve() {
    let unit = read("deploy/stafett.service");
    let entries = unit_entries(&unit);
    let get = |key: &str| entries.iter().filter(|(k, _)| k == key).map(|(_, v)| v.as_str()).collect::<Vec<_>>();
    for (key, value) in [
        ("EnvironmentFile", "/etc/stafett/stafett.env"),
        ("ExecStartPre", "/usr/local/bin/stafett migrate"),
        ("ExecStart", "/usr/local/bin/stafett serve"),
        ("Restart", "on-failure"),
        ("DynamicUser", "yes"),
        ("NoNewPrivileges", "yes"),
        ("ProtectSystem", "strict"),
        ("ProtectHome", "yes"),
        ("PrivateTmp", "yes"),
        ("CapabilityBoundingSet", ""),
        ("KillSignal", "SIGTERM"),
    ] {
        assert_eq!(get(key), vec![value], "{key}");
    }
}

#[test]
fn the_systemd_unit_passes_systemd_analyze_verify() {
    assert!(
        Command::new("systemd-analyze").arg("--version").output().is_ok(),
        "systemd-analyze is missing: install Debian's systemd package (`.ci/run` does)"
    );
    // verify checks that ExecStart's binary exists: point it at the one just built.
    let unit = read("deploy/stafett.service").replace("/usr/local/bin/stafett", &server_binary().to_string_lossy());
    let dir = std::env::temp_dir().join(format!("stafett-unit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("stafett.service");
    std::fs::write(&path, unit).unwrap();
    let out = Command::new("systemd-analyze").arg("verify").arg(&path).output().expect("systemd-analyze runs");
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "systemd-analyze verify failed:\n{stderr}");
    // An unknown key or a bad value is only a warning, with success.
    assert!(!stderr.contains("stafett.service"), "systemd-analyze verify warns:\n{stderr}");
}

/// `NAME=value` lines of the env example: (commented out, value) by name.
fn env_example() -> BTreeMap<String, (bool, String)> {
    let mut found = BTreeMap::new();
    for line in read("deploy/stafett.env.example").lines() {
        let (commented, rest) = match line.strip_prefix('#') {
            Some(rest) => (true, rest),
            None => (false, line),
        };
        let Some((name, value)) = rest.split_once('=') else { continue };
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_') {
            continue;
        }
        let earlier = found.insert(name.to_owned(), (commented, value.to_owned()));
        assert!(earlier.is_none(), "{name} is in the env example twice");
    }
    found
}

#[test]
fn the_env_example_names_every_setting_once_with_its_default() {
    let help = from_help();
    let mut example = env_example();
    assert!(example.remove("RUST_LOG").is_some(), "the log filter is in the example");
    assert_eq!(
        example.keys().collect::<Vec<_>>(),
        help.keys().collect::<Vec<_>>(),
        "the env example and `stafett serve --help` name different settings"
    );
    for (name, (commented, value)) in &example {
        if let (true, Some(default)) = (commented, &help[name]) {
            assert_eq!(value, default, "{name}: a commented line shows the default");
        }
    }
}

#[test]
fn the_container_files_name_only_settings_serve_knows() {
    let help = from_help();
    for file in ["Dockerfile", "compose.yaml"] {
        let text = read(file);
        let names = text
            .split(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
            .filter(|w| w.starts_with("STAFETT_") || *w == "DATABASE_URL" || *w == "REDIS_URL");
        for name in names {
            assert!(help.contains_key(name), "{file} sets {name}, which `stafett serve --help` does not know");
        }
    }
    let dockerfile = read("Dockerfile");
    assert!(
        dockerfile.contains("cargo build --release --locked --bin stafett"),
        "the image is built from the lockfile"
    );
    assert!(dockerfile.contains("\nUSER stafett"), "the image runs as a user of its own");
}
