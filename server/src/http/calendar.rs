//! `GET /calendar/meetings/{meetingId}.ics`: a meeting's iCalendar file
//! for an invitee's work calendar, fetched with the bearer token.
//!
//! The route asks `node(id) { ... on Meeting { icalendar } }` through the
//! one pipeline (`execute.rs`) with the caller's context, so the read
//! table, the access log and the rate limit apply exactly as to the same
//! query over `/graphql`; only the wrapping differs (`text/calendar`
//! instead of JSON). What the file holds, and why it holds no personal
//! data, is `stafett_schema::calendar`.

use super::caller::request_context;
use super::graphql::{Format, api_error, record};
use crate::app::AppState;
use axum::extract::{Path, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use stafett_schema::ApiError;

const QUERY: &str = "query Calendar($id: ID!) { node(id: $id) { ... on Meeting { icalendar } } }";

pub async fn meeting(State(state): State<AppState>, Path(file): Path<String>, headers: HeaderMap) -> Response {
    let started = std::time::Instant::now();
    let rc = match request_context(&state, &headers).await {
        Ok(rc) => rc,
        Err(e) => {
            record("calendar", e.code(), started);
            return api_error(Format::Json, e);
        }
    };
    // A name without `.ics`, or an id of nothing the caller may read, is
    // the same 404: the file does not exist for them.
    let Some(id) = file.strip_suffix(".ics") else {
        record("calendar", "NOT_FOUND", started);
        return not_found();
    };
    let request = async_graphql::Request::new(QUERY)
        .operation_name("Calendar")
        .variables(async_graphql::Variables::from_json(json!({ "id": id })));
    let executed = super::execute::once(&state, rc, request).await;
    let outcome = executed.outcome();
    record("calendar", &outcome, started);
    let data = executed.response.data.into_json().unwrap_or_default();
    if let Some(ics) = data["node"]["icalendar"].as_str() {
        let cancelled = ics.contains("\r\nMETHOD:CANCEL\r\n");
        let media = if cancelled {
            "text/calendar; charset=utf-8; method=CANCEL"
        } else {
            "text/calendar; charset=utf-8; method=PUBLISH"
        };
        return (
            StatusCode::OK,
            [
                (CONTENT_TYPE, media),
                (CONTENT_DISPOSITION, "attachment; filename=\"samarbeidsmote.ics\""),
                (X_CONTENT_TYPE_OPTIONS, "nosniff"),
            ],
            ics.to_owned(),
        )
            .into_response();
    }
    match outcome.as_str() {
        // A malformed id names nothing, as a well-formed one of nothing does.
        "ok" | "NOT_FOUND" | "BAD_USER_INPUT" => not_found(),
        // The database or the access log failed: the errors carry their
        // correlation id, and a retry may well succeed.
        _ => {
            (StatusCode::SERVICE_UNAVAILABLE, axum::Json(json!({ "errors": executed.response.errors }))).into_response()
        }
    }
}

fn not_found() -> Response {
    let e = ApiError::NotFound("Meeting");
    let mut response = api_error(Format::Json, e);
    *response.status_mut() = StatusCode::NOT_FOUND;
    response
}
