//! GraphQL over HTTP, following the GraphQL-over-HTTP specification:
//! the response media type is negotiated from `Accept`; with
//! `application/graphql-response+json`, requests that fail before execution
//! (parse or validation) answer 400 without a `data` key; POST bodies must
//! be JSON (else 415); mutations over GET are refused with 405; batching is
//! not supported.

use super::caller::request_context;
use crate::app::AppState;
use async_graphql::http::GraphiQLSource;
use async_graphql::parser::types::OperationType;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{ACCEPT, ALLOW, CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;
use stafett_schema::ApiError;
use stafett_schema::api::limits;

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
const APPLICATION_JSON: &str = "application/json";

/// The media type of the response, chosen from the request's `Accept`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    GraphqlResponseJson,
    Json,
}

impl Format {
    pub fn negotiate(headers: &HeaderMap) -> Format {
        let accept = headers.get(ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("");
        let mut best: Option<(f32, Format)> = None;
        for part in accept.split(',') {
            let mut pieces = part.split(';');
            let media = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q =
                pieces.filter_map(|p| p.trim().strip_prefix("q=")).find_map(|q| q.parse::<f32>().ok()).unwrap_or(1.0);
            let format = match media.as_str() {
                GRAPHQL_RESPONSE_JSON => Format::GraphqlResponseJson,
                APPLICATION_JSON => Format::Json,
                // Wildcards get the type every client reads (the spec's SHOULD).
                "*/*" | "application/*" => Format::Json,
                _ => continue,
            };
            if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, format));
            }
        }
        // Without a usable Accept, answer in the legacy type every client reads.
        best.map(|(_, f)| f).unwrap_or(Format::Json)
    }

    fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Format::GraphqlResponseJson => "application/graphql-response+json; charset=utf-8",
            Format::Json => "application/json; charset=utf-8",
        })
    }
}

pub async fn post(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let format = Format::negotiate(&headers);
    let body = match body {
        Ok(b) => b,
        Err(rejection) => {
            let text = rejection.body_text();
            return plain_error(format, rejection.status(), &format!("the request body could not be read: {text}"));
        }
    };
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !is_json_media_type(content_type) {
        return plain_error(format, StatusCode::UNSUPPORTED_MEDIA_TYPE, "POST bodies must be application/json");
    }
    if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return plain_error(
            format,
            StatusCode::BAD_REQUEST,
            "batched requests are not supported; send one operation per request",
        );
    }
    let request: async_graphql::Request = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return plain_error(format, StatusCode::BAD_REQUEST, &format!("the body is not a GraphQL request: {e}"));
        }
    };
    execute(&state, &headers, request, format).await
}

/// A request without a query is not a GraphQL request.
fn missing_query(request: &async_graphql::Request, format: Format) -> Option<Response> {
    request.query.trim().is_empty().then(|| plain_error(format, StatusCode::BAD_REQUEST, "the request has no query"))
}

pub async fn get(State(state): State<AppState>, request: axum::extract::Request) -> Response {
    let (mut parts, _) = request.into_parts();
    if parts.headers.get(axum::http::header::UPGRADE).is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"websocket")) {
        use axum::extract::FromRequestParts;
        return match axum::extract::ws::WebSocketUpgrade::from_request_parts(&mut parts, &state).await {
            Ok(ws) => super::ws::upgrade(State(state), ws).await.into_response(),
            Err(rejection) => rejection.into_response(),
        };
    }
    let headers = parts.headers;
    let query = parts.uri.query().map(str::to_owned);
    let format = Format::negotiate(&headers);
    if state.config.demo && query.is_none() && accepts_html(&headers) {
        return graphiql().into_response();
    }
    let request = match async_graphql::http::parse_query_string(query.as_deref().unwrap_or("")) {
        Ok(r) => r,
        Err(e) => {
            return plain_error(format, StatusCode::BAD_REQUEST, &format!("invalid query string: {e}"));
        }
    };
    // Asking whether the document is a mutation parses it, before anything
    // else and without a token: the pre-parse check comes first, or a GET
    // could crash (deep brackets) or stall (unterminated block strings) the
    // parser (the third attack on issue 14's change).
    if let Err(refused) = limits::pre_parse(&request.query) {
        return plain_error(format, StatusCode::BAD_REQUEST, &refused.message);
    }
    if is_mutation(&request) {
        let mut response = plain_error(format, StatusCode::METHOD_NOT_ALLOWED, "mutations must be sent with POST");
        response.headers_mut().insert(ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    execute(&state, &headers, request, format).await
}

/// Authenticates, runs the operation through the one pipeline
/// (`execute.rs`) and shapes the response for HTTP.
async fn execute(state: &AppState, headers: &HeaderMap, request: async_graphql::Request, format: Format) -> Response {
    if let Some(refused) = missing_query(&request, format) {
        return refused;
    }
    let started = std::time::Instant::now();
    let named = request.operation_name.clone().or_else(|| crate::metrics::operation_name(&request.query));
    let operation = crate::metrics::operation_label(named.as_deref());
    let rc = match request_context(state, headers).await {
        Ok(rc) => rc,
        Err(e) => {
            record(&operation, e.code(), started);
            return api_error(format, e);
        }
    };
    let executed = super::execute::once(state, rc, request).await;
    record(&operation, &executed.outcome(), started);
    match (format, executed.request_error) {
        (Format::GraphqlResponseJson, true) => {
            json_response(format, StatusCode::BAD_REQUEST, &json!({ "errors": executed.response.errors }))
        }
        _ => json_response(format, StatusCode::OK, &executed.response),
    }
}

pub(super) fn record(operation: &str, outcome: &str, started: std::time::Instant) {
    let labels = [("operation", operation.to_owned()), ("outcome", outcome.to_owned())];
    metrics::counter!("stafett_http_requests_total", &labels).increment(1);
    metrics::histogram!("stafett_http_request_duration_seconds", "operation" => operation.to_owned())
        .record(started.elapsed().as_secs_f64());
}

fn is_json_media_type(content_type: &str) -> bool {
    let media = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    media == APPLICATION_JSON || media == GRAPHQL_RESPONSE_JSON
}

fn accepts_html(headers: &HeaderMap) -> bool {
    headers.get(ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("text/html"))
}

fn is_mutation(request: &async_graphql::Request) -> bool {
    let Ok(doc) = async_graphql::parser::parse_query(&request.query) else {
        return false;
    };
    let name = request.operation_name.as_deref();
    doc.operations.iter().any(|(op_name, op)| {
        op.node.ty == OperationType::Mutation && (name.is_none() || op_name.map(|n| n.as_str()) == name)
    })
}

fn graphiql() -> Html<String> {
    Html(
        GraphiQLSource::build().endpoint("/graphql").subscription_endpoint("/graphql").title("Stafett (demo)").finish(),
    )
}

fn error_json(e: &ApiError) -> serde_json::Value {
    let gql: async_graphql::Error = e.clone().into();
    json!({ "message": gql.message, "extensions": gql.extensions })
}

/// An error raised before execution, with its HTTP status.
pub(super) fn api_error(format: Format, e: ApiError) -> Response {
    let status = match &e {
        ApiError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
        ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        ApiError::BadUserInput { .. } => StatusCode::BAD_REQUEST,
        ApiError::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::SERVICE_UNAVAILABLE,
    };
    let mut response = json_response(format, status, &json!({ "errors": [error_json(&e)] }));
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    match e {
        ApiError::RateLimited { retry_after_secs } => {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, HeaderValue::from(retry_after_secs.max(1)));
        }
        ApiError::Unavailable { .. } => {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, HeaderValue::from_static("2"));
        }
        _ => {}
    }
    response
}

/// A request that could not be read as GraphQL.
fn plain_error(format: Format, status: StatusCode, message: &str) -> Response {
    json_response(
        format,
        status,
        &json!({ "errors": [{ "message": message, "extensions": { "code": "BAD_USER_INPUT" } }] }),
    )
}

fn json_response(format: Format, status: StatusCode, body: &impl serde::Serialize) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (status, [(CONTENT_TYPE, format.content_type())], bytes).into_response(),
        Err(e) => {
            let e = ApiError::internal(format_args!("serializing a response: {e}"));
            (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(ACCEPT, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn negotiates_the_response_type() {
        assert_eq!(Format::negotiate(&HeaderMap::new()), Format::Json);
        assert_eq!(Format::negotiate(&accept("application/graphql-response+json")), Format::GraphqlResponseJson);
        assert_eq!(Format::negotiate(&accept("application/json")), Format::Json);
        assert_eq!(
            Format::negotiate(&accept("application/json;q=0.5, application/graphql-response+json")),
            Format::GraphqlResponseJson
        );
        assert_eq!(
            Format::negotiate(&accept("application/graphql-response+json;q=0.1, application/json")),
            Format::Json
        );
        assert_eq!(Format::negotiate(&accept("*/*")), Format::Json);
    }

    #[test]
    fn finds_mutations_by_operation_name() {
        let r = async_graphql::Request::new("query A { me { id } } mutation B { noop }");
        assert!(is_mutation(&r));
        assert!(!is_mutation(
            &async_graphql::Request::new("query A { me { id } } mutation B { noop }").operation_name("A")
        ));
    }
}
