//! `GET /statistics.csv`: `Query.statistics` as a CSV file for the
//! municipality's reporting, fetched with the bearer token.
//!
//! The route asks `statistics { … }` through the one pipeline
//! (`execute.rs`), so who may read the figures, and what each may show
//! (small-cell suppression, `policy::disclosure`), are exactly the API's;
//! this file only lays the answer out as rows. RFC 4180 (comma, CRLF, UTF-8
//! with a byte-order mark so spreadsheet programs read "ø" right), one row
//! per figure: `section,category,service_kind,value`, where a hidden count
//! is `<5` and a hidden median is empty.

use super::caller::request_context;
use super::graphql::{Format, api_error, record};
use crate::app::AppState;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use stafett_schema::ApiError;

const QUERY: &str = "query StatisticsCsv { statistics {
    suppressionThreshold totalLogs { shown }
    logsByStatus { status shown } logsByServiceKind { serviceKind shown }
    logsByUnit { unitName serviceKind shown }
    logsByBtiLevel { btiLevel shown } logsByGoalArea { area shown }
    openMeasures { shown } overdueMeasures { shown } closingReasons { reason shown }
    medianDaysToActive { days logs { shown } } medianDaysToFirstHandover { days logs { shown } }
    medianDaysToClosing { days logs { shown } } openDeletionRequests } }";

pub async fn csv(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let started = std::time::Instant::now();
    let rc = match request_context(&state, &headers).await {
        Ok(rc) => rc,
        Err(e) => {
            record("statisticsCsv", e.code(), started);
            return api_error(Format::Json, e);
        }
    };
    let executed =
        super::execute::once(&state, rc, async_graphql::Request::new(QUERY).operation_name("StatisticsCsv")).await;
    let outcome = executed.outcome();
    record("statisticsCsv", &outcome, started);
    let data = executed.response.data.into_json().unwrap_or_default();
    let stats = &data["statistics"];
    if stats.is_object() {
        return match rows(stats) {
            Ok(body) => (
                StatusCode::OK,
                [
                    (CONTENT_TYPE, "text/csv; charset=utf-8; header=present"),
                    (CONTENT_DISPOSITION, "attachment; filename=\"stafett-statistikk.csv\""),
                    (X_CONTENT_TYPE_OPTIONS, "nosniff"),
                ],
                body,
            )
                .into_response(),
            Err(e) => api_error(Format::Json, ApiError::internal(format_args!("writing the statistics CSV: {e}"))),
        };
    }
    let status = match outcome.as_str() {
        "FORBIDDEN" => StatusCode::FORBIDDEN,
        _ => StatusCode::SERVICE_UNAVAILABLE,
    };
    (status, axum::Json(json!({ "errors": executed.response.errors }))).into_response()
}

/// A text cell a spreadsheet will not run as a formula (OWASP's CSV
/// injection advice): one starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return gets a leading apostrophe. Unit names are typed by
/// admins; "<5" and the numbers are ours and pass as they are.
fn formula_safe(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_owned() }
}

/// The figures as CSV rows.
fn rows(s: &Value) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    out.write_record(["section", "category", "service_kind", "value"])?;
    let text = |v: &Value| match v {
        Value::String(s) => formula_safe(s),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    let mut row = |section: &str, category: &Value, kind: &Value, value: &Value| {
        out.write_record([section.to_owned(), text(category), text(kind), text(value)])
    };
    row("suppression_threshold", &Value::Null, &Value::Null, &s["suppressionThreshold"])?;
    row("total_logs", &Value::Null, &Value::Null, &s["totalLogs"]["shown"])?;
    for (section, list, key) in [
        ("logs_by_status", "logsByStatus", "status"),
        ("logs_by_service_kind", "logsByServiceKind", "serviceKind"),
        ("logs_by_bti_level", "logsByBtiLevel", "btiLevel"),
        ("logs_by_goal_area", "logsByGoalArea", "area"),
        ("closing_reasons", "closingReasons", "reason"),
    ] {
        for item in s[list].as_array().into_iter().flatten() {
            row(section, &item[key], &Value::Null, &item["shown"])?;
        }
    }
    for unit in s["logsByUnit"].as_array().into_iter().flatten() {
        row("logs_by_unit", &unit["unitName"], &unit["serviceKind"], &unit["shown"])?;
    }
    row("open_measures", &Value::Null, &Value::Null, &s["openMeasures"]["shown"])?;
    row("overdue_measures", &Value::Null, &Value::Null, &s["overdueMeasures"]["shown"])?;
    for (section, key) in [
        ("median_days_to_active", "medianDaysToActive"),
        ("median_days_to_first_handover", "medianDaysToFirstHandover"),
        ("median_days_to_closing", "medianDaysToClosing"),
    ] {
        row(section, &Value::Null, &Value::Null, &s[key]["days"])?;
        row(&format!("{section}_logs"), &Value::Null, &Value::Null, &s[key]["logs"]["shown"])?;
    }
    row("open_deletion_requests", &Value::Null, &Value::Null, &s["openDeletionRequests"])?;
    let mut body = "\u{feff}".as_bytes().to_vec();
    body.extend(out.into_inner().map_err(|e| e.into_error())?);
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_a_spreadsheet_would_run_are_defused() {
        assert_eq!(formula_safe("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
        assert_eq!(formula_safe("-1+2"), "'-1+2");
        assert_eq!(formula_safe("Nordby skole"), "Nordby skole");
        assert_eq!(formula_safe("<5"), "<5");
    }

    #[test]
    fn every_figure_is_one_row_of_four_fields() {
        let s = serde_json::json!({
            "suppressionThreshold": 5, "totalLogs": { "shown": "12" },
            "logsByStatus": [{ "status": "ACTIVE", "shown": "<5" }],
            "logsByUnit": [{ "unitName": "=cmd", "serviceKind": "SCHOOL", "shown": "12" }],
            "medianDaysToActive": { "days": 3.5, "logs": { "shown": "6" } },
            "openDeletionRequests": 0
        });
        let body = String::from_utf8(rows(&s).unwrap()).unwrap();
        assert!(body.starts_with("\u{feff}section,category,service_kind,value\r\n"));
        assert!(body.contains("logs_by_status,ACTIVE,,<5\r\n"));
        assert!(body.contains("logs_by_unit,'=cmd,SCHOOL,12\r\n"), "{body}");
        assert!(body.contains("median_days_to_active,,,3.5\r\n"));
    }
}
