//! Who is calling: a bearer token verified and resolved to a principal, the
//! same way for an HTTP request and a websocket's `connection_init`.

use crate::app::AppState;
use crate::auth;
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use stafett_schema::{ApiError, Principal, RequestContext};
use std::sync::Arc;

/// The context of an HTTP request: its bearer token resolved to a
/// principal, within the caller's rate limit.
pub async fn request_context(state: &AppState, headers: &HeaderMap) -> Result<Arc<RequestContext>, ApiError> {
    let token = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(auth::bearer)
        .ok_or_else(|| ApiError::Unauthenticated("missing bearer token".into()))?;
    let (principal, _) = resolve_token(state, token).await?;
    state.rate.check(principal.person_id())?;
    Ok(RequestContext::new(principal, state.pool.clone(), state.api_config.clone()))
}

/// Verifies a token and finds its principal, with what the token says
/// (its identity and expiry).
pub async fn resolve_token(state: &AppState, token: &str) -> Result<(Principal, auth::Verified), ApiError> {
    let verified = state.auth.identify(token).await?;
    let principal = state.principals.resolve(&state.pool, &verified.identity).await?;
    Ok((principal, verified))
}
