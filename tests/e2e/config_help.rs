//! One configuration: the README's configuration table and `stafett serve
//! --help` name the same settings with the same defaults (both come from
//! `server/src/config.rs`; this keeps the README honest).

use stafett_tests::process::{server_binary, workspace};
use std::collections::BTreeMap;
use std::process::Command;

/// Variable → default (`None`: no default) from `--help`.
pub(crate) fn from_help() -> BTreeMap<String, Option<String>> {
    let out = Command::new(server_binary())
        .args(["serve", "--help"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .output()
        .expect("stafett runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let help = String::from_utf8(out.stdout).expect("utf-8");
    let mut found = BTreeMap::new();
    for part in help.split("[env: ").skip(1) {
        let name = part.split(']').next().unwrap_or("").trim_end_matches('=').to_owned();
        let rest = &part[name.len()..];
        // The default, if any, follows the env of the same flag.
        let this_flag = rest.split("\n      --").next().unwrap_or(rest);
        let default = this_flag.split("[default: ").nth(1).map(|d| d.split(']').next().unwrap_or("").to_owned());
        found.insert(name, default);
    }
    found
}

/// Variable → default from the README's configuration table (`unset` and
/// `—` mean none; `RUST_LOG` is read by the log filter, not a setting).
fn from_readme() -> BTreeMap<String, Option<String>> {
    let readme = std::fs::read_to_string(workspace().join("README.md")).expect("README");
    let table = readme.split("## Configuration").nth(1).expect("a configuration section");
    let mut found = BTreeMap::new();
    for line in table.lines().skip_while(|l| !l.starts_with("| variable")).skip(2) {
        if !line.starts_with('|') {
            break;
        }
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let name = cells[1].trim_matches('`').to_owned();
        if name == "RUST_LOG" {
            continue;
        }
        let default = match cells[2] {
            "unset" | "—" => None,
            d => Some(d.trim_matches('`').to_owned()),
        };
        found.insert(name, default);
    }
    found
}

#[test]
fn the_readme_table_and_serve_help_list_the_same_settings_and_defaults() {
    let help = from_help();
    let readme = from_readme();
    assert!(help.len() >= 30, "--help lists the settings: {help:?}");
    for (name, default) in &help {
        assert_eq!(
            readme.get(name),
            Some(default),
            "{name}: --help says default {default:?}; the README says {:?}",
            readme.get(name)
        );
    }
    for name in readme.keys() {
        assert!(help.contains_key(name), "the README lists {name}, which `stafett serve --help` does not know");
    }
}
