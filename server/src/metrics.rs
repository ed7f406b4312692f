//! Prometheus metrics on `/metrics`: requests by operation and outcome,
//! latency, open websockets, active subscriptions, events relayed, outbox
//! lag, SQL statements.

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

/// The process-wide recorder (installed once, shared by every app in a test process).
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets(&[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0])
            .expect("valid buckets");
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        // Another recorder may already be installed (tests); then this one is only rendered.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// Operation names come from clients: only well-formed ones, and at most a
/// few hundred distinct, become labels, so a client cannot explode them.
pub fn operation_label(name: Option<&str>) -> String {
    static SEEN: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    let Some(name) =
        name.filter(|n| !n.is_empty() && n.len() <= 64 && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    else {
        return "anonymous".into();
    };
    let mut seen = SEEN.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner());
    if seen.contains(name) || seen.len() < 500 {
        seen.insert(name.to_owned());
        name.to_owned()
    } else {
        "other".into()
    }
}

/// The name of a document's first operation (`query LogPage { … }` → `LogPage`),
/// read without parsing the document.
pub fn operation_name(query: &str) -> Option<String> {
    let mut rest = query.trim_start();
    while let Some(comment) = rest.strip_prefix('#') {
        rest = comment.split_once('\n').map_or("", |(_, r)| r).trim_start();
    }
    let rest = ["query", "mutation", "subscription"].iter().find_map(|k| rest.strip_prefix(k))?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let name: String = rest.trim_start().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names_are_read_from_the_document() {
        assert_eq!(operation_name("query LogPage($id: ID!) { log }").as_deref(), Some("LogPage"));
        assert_eq!(operation_name("# hi\n  mutation Post { x }").as_deref(), Some("Post"));
        assert_eq!(operation_name("{ me { id } }"), None);
        assert_eq!(operation_name("query { me }"), None);
        assert_eq!(operation_name("queryX { me }"), None);
    }

    #[test]
    fn operation_labels_are_tamed() {
        assert_eq!(operation_label(Some("LogPage")), "LogPage");
        assert_eq!(operation_label(None), "anonymous");
        assert_eq!(operation_label(Some("x{y=\"1\"}")), "anonymous");
        assert_eq!(operation_label(Some(&"a".repeat(65))), "anonymous");
    }
}
