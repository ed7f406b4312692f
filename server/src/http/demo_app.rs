//! The demo web page (`/app`) and its token endpoint, mounted by `stafett
//! demo` only.
//!
//! The page is three static files compiled into the binary, so the demo needs
//! no build step and no files beside the binary. `/app/token/{persona}` hands
//! out the same development tokens as `stafett token <persona>`: that is what
//! lets a browser (and the client examples) pick a persona. It exists only
//! where development tokens are accepted anyway, never in `serve`.
//! `?ttl=<seconds>` asks for a shorter-lived token, so the page's renewal
//! can be watched (and tested) without waiting an hour.

use crate::app::AppState;
use crate::auth::dev::DevKeys;
use crate::demo::{PERSONAS, Persona};
use axum::Json;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::json;

/// How long a token from the page is valid; the page renews it a little
/// before it expires (and when the server closes its websocket with 4403).
const TOKEN_TTL_SECS: i64 = 3600;
/// The shortest lifetime `?ttl=` may ask for: the page renews a token 2 s
/// before it expires (more for longer ones) and needs a second for it.
const MIN_TOKEN_TTL_SECS: i64 = 3;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::temporary("/app/") }))
        .route("/app", get(|| async { Redirect::permanent("/app/") }))
        .route(
            "/app/",
            get(|| async { asset("text/html; charset=utf-8", include_str!("../../static/app/index.html")) }),
        )
        .route(
            "/app/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", include_str!("../../static/app/app.js")) }),
        )
        .route(
            "/app/app.css",
            get(|| async { asset("text/css; charset=utf-8", include_str!("../../static/app/app.css")) }),
        )
        .route("/app/personas", get(personas))
        .route("/app/token/{persona}", get(token))
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "no-cache")], body).into_response()
}

async fn personas() -> Json<serde_json::Value> {
    Json(json!(
        PERSONAS
            .iter()
            .map(|p| json!({ "handle": p.handle, "name": p.name, "description": p.description }))
            .collect::<Vec<_>>()
    ))
}

#[derive(Deserialize)]
struct TokenQuery {
    ttl: Option<i64>,
}

async fn token(Path(persona): Path<String>, Query(query): Query<TokenQuery>) -> Response {
    let ttl = query.ttl.unwrap_or(TOKEN_TTL_SECS).clamp(MIN_TOKEN_TTL_SECS, TOKEN_TTL_SECS);
    match Persona::find(&persona) {
        Some(p) => {
            Json(json!({ "token": DevKeys::default().issue(&p.identity(), ttl), "expiresIn": ttl })).into_response()
        }
        None => {
            (StatusCode::NOT_FOUND, Json(json!({ "error": format!("unknown persona {persona:?}") }))).into_response()
        }
    }
}
