//! GraphQL over websockets: the `graphql-transport-ws` protocol on
//! `/graphql`, written out so every close code of the protocol is honoured:
//! 4400 invalid message, 4401 subscribe before acknowledgement, 4403 rejected
//! (or expired) token, 4408 no `connection_init` in time, 4409 duplicate
//! subscription id, 4429 a second `connection_init`. Close reasons are kept
//! within the 123 bytes a close frame allows.
//!
//! The token travels in the `connection_init` payload (`authorization:
//! "Bearer …"`, or `token`) and is verified like an HTTP one. Every
//! operation gets a request context of its own (its own access-log reads).

use crate::app::AppState;
use crate::http::caller::resolve_token;
use crate::http::execute;
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::{Value, json};
use stafett_schema::{ApiError, Principal, RequestContext, principal};
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

pub const PROTOCOL: &str = "graphql-transport-ws";

pub mod close {
    pub const NORMAL: u16 = 1000;
    pub const GOING_AWAY: u16 = 1001;
    pub const INVALID_MESSAGE: u16 = 4400;
    pub const UNAUTHORIZED: u16 = 4401;
    pub const FORBIDDEN: u16 = 4403;
    pub const INIT_TIMEOUT: u16 = 4408;
    pub const SUBSCRIBER_EXISTS: u16 = 4409;
    pub const TOO_MANY_INITS: u16 = 4429;
}

pub async fn upgrade(State(state): State<AppState>, ws: WebSocketUpgrade) -> impl IntoResponse {
    // Small buffers: tens of thousands of connections each hold them, and a
    // subscription's frames are small. A client message is at most 256 KiB.
    ws.protocols([PROTOCOL])
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_message_size(256 * 1024)
        .max_frame_size(256 * 1024)
        .on_upgrade(move |socket| run(state, socket))
}

#[derive(Deserialize)]
struct ClientMessage {
    #[serde(rename = "type")]
    kind: String,
    id: Option<String>,
    payload: Option<Value>,
}

#[derive(Deserialize)]
struct SubscribePayload {
    query: String,
    #[serde(default, rename = "operationName")]
    operation_name: Option<String>,
    #[serde(default)]
    variables: Option<Value>,
}

/// Frames to the client, and when to close.
enum Out {
    Send(Value),
    Close(u16, &'static str),
}

/// Close reasons must fit a close frame (123 bytes of UTF-8).
fn reason(text: &str) -> Utf8Bytes {
    let mut end = text.len().min(123);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Utf8Bytes::from(text[..end].to_owned())
}

async fn run(state: AppState, socket: WebSocket) {
    metrics::gauge!("stafett_websockets_open").increment(1.0);
    serve(state, socket).await;
    metrics::gauge!("stafett_websockets_open").decrement(1.0);
}

async fn serve(state: AppState, socket: WebSocket) {
    let (mut sink, mut stream) = socket.split();
    let (out_tx, mut out_rx) = mpsc::channel::<Out>(256);
    let writer = tokio::spawn(async move {
        while let Some(out) = out_rx.recv().await {
            match out {
                Out::Send(v) => {
                    if sink.send(Message::Text(v.to_string().into())).await.is_err() {
                        return;
                    }
                }
                Out::Close(code, text) => {
                    let _ = sink.send(Message::Close(Some(CloseFrame { code, reason: reason(text) }))).await;
                    return;
                }
            }
        }
    });
    let mut access_changes = state.access.sockets.subscribe();
    let mut conn = Connection {
        state,
        out: out_tx.clone(),
        principal: None,
        identity: None,
        expires_at: None,
        operations: HashMap::new(),
    };
    let init_deadline = tokio::time::Instant::now() + conn.state.config.ws.init_timeout;
    let shutdown = conn.state.shutdown.clone();
    loop {
        let expiry = conn.expiry_sleep();
        tokio::select! {
            _ = shutdown.cancelled() => {
                // Going away: clients reconnect to another instance.
                let _ = out_tx.send(Out::Close(close::GOING_AWAY, "server shutting down")).await;
                break;
            }
            _ = tokio::time::sleep_until(init_deadline), if conn.principal.is_none() => {
                let _ = out_tx.send(Out::Close(close::INIT_TIMEOUT, "Connection initialisation timeout")).await;
                break;
            }
            _ = expiry => {
                let _ = out_tx.send(Out::Close(close::FORBIDDEN, "token expired; reconnect with a fresh token")).await;
                break;
            }
            changed = access_changes.recv(), if conn.principal.is_some() => {
                // Lagged: some change was missed, perhaps this person's.
                let mine = changed.map_or(true, |person| Some(person) == conn.principal.as_ref().map(Principal::person_id));
                if mine && let Some(why) = conn.access_withdrawn().await {
                    let _ = out_tx.send(Out::Close(close::FORBIDDEN, why)).await;
                    break;
                }
            }
            frame = stream.next() => {
                let Some(Ok(frame)) = frame else { break };
                let text = match frame {
                    Message::Text(t) => t.to_string(),
                    Message::Binary(_) => {
                        let _ = out_tx.send(Out::Close(close::INVALID_MESSAGE, "binary frames are not part of graphql-transport-ws")).await;
                        break;
                    }
                    Message::Close(_) => break,
                    Message::Ping(_) | Message::Pong(_) => continue,
                };
                if let Err((code, why)) = conn.handle(&text).await {
                    let _ = out_tx.send(Out::Close(code, why)).await;
                    break;
                }
            }
        }
    }
    for (_, task) in conn.operations.drain() {
        task.abort();
    }
    drop(conn);
    drop(out_tx);
    let _ = writer.await;
}

struct Connection {
    state: AppState,
    out: mpsc::Sender<Out>,
    principal: Option<Principal>,
    /// whom the token names, to resolve again when their access changes
    identity: Option<stafett_schema::Identity>,
    expires_at: Option<DateTime<Utc>>,
    operations: HashMap<String, JoinHandle<()>>,
}

type Closing = (u16, &'static str);

impl Connection {
    async fn expiry_sleep(&self) {
        match self.expires_at {
            Some(at) => {
                let left = (at - Utc::now()).to_std().unwrap_or(Duration::ZERO);
                tokio::time::sleep(left).await
            }
            None => std::future::pending().await,
        }
    }

    /// After a change to this person's access (`auth::access`): why the
    /// connection must end, if it must. Its subscriptions run with the
    /// principal it was opened with, so a principal that differs now (a
    /// role gone or added) ends it as well; the client reconnects and gets
    /// the new one, or is refused.
    async fn access_withdrawn(&self) -> Option<&'static str> {
        let identity = self.identity.as_ref()?;
        match self.state.principals.resolve(&self.state.pool, identity).await {
            Ok(now) if Some(&now) == self.principal.as_ref() => None,
            Ok(_) => Some("Forbidden: your roles changed; reconnect"),
            Err(ApiError::Internal { .. } | ApiError::Unavailable { .. }) => {
                Some("Forbidden: your access could not be checked again; reconnect")
            }
            Err(_) => Some("Forbidden: your access was withdrawn"),
        }
    }

    async fn handle(&mut self, text: &str) -> Result<(), Closing> {
        let msg: ClientMessage =
            serde_json::from_str(text).map_err(|_| (close::INVALID_MESSAGE, "Invalid message received"))?;
        self.operations.retain(|_, task| !task.is_finished());
        match msg.kind.as_str() {
            "connection_init" => self.init(msg.payload).await,
            "ping" => {
                let mut pong = json!({ "type": "pong" });
                if let Some(p) = msg.payload {
                    pong["payload"] = p;
                }
                self.send(pong).await;
                Ok(())
            }
            "pong" => Ok(()),
            "subscribe" => {
                let id = msg.id.filter(|i| !i.is_empty()).ok_or((close::INVALID_MESSAGE, "subscribe needs an id"))?;
                let payload: SubscribePayload = msg
                    .payload
                    .and_then(|p| serde_json::from_value(p).ok())
                    .ok_or((close::INVALID_MESSAGE, "subscribe needs a payload with a query"))?;
                self.subscribe(id, payload).await
            }
            "complete" => {
                let id = msg.id.ok_or((close::INVALID_MESSAGE, "complete needs an id"))?;
                if let Some(task) = self.operations.remove(&id) {
                    task.abort();
                }
                Ok(())
            }
            _ => Err((close::INVALID_MESSAGE, "Invalid message received")),
        }
    }

    async fn init(&mut self, payload: Option<Value>) -> Result<(), Closing> {
        if self.principal.is_some() {
            return Err((close::TOO_MANY_INITS, "Too many initialisation requests"));
        }
        let token =
            payload.as_ref().and_then(token_of).ok_or((close::FORBIDDEN, "Forbidden: no token in connection_init"))?;
        match resolve_token(&self.state, &token).await {
            Ok((principal, verified)) => {
                self.principal = Some(principal);
                self.identity = Some(verified.identity);
                self.expires_at = verified.expires_at;
                self.send(json!({ "type": "connection_ack" })).await;
                Ok(())
            }
            Err(ApiError::Internal { .. }) => Err((close::FORBIDDEN, "Forbidden: the token could not be checked")),
            // A valid token whose account is refused: told as over HTTP (it
            // is the bearer's own account), so a page can say what to do.
            Err(ApiError::Forbidden(m)) if m == principal::DEACTIVATED => {
                Err((close::FORBIDDEN, "Forbidden: this staff account is deactivated"))
            }
            Err(ApiError::Forbidden(m)) if m == principal::UNREGISTERED => {
                Err((close::FORBIDDEN, "Forbidden: this staff identity is not registered in Stafett"))
            }
            Err(_) => Err((close::FORBIDDEN, "Forbidden: invalid or expired token")),
        }
    }

    async fn subscribe(&mut self, id: String, payload: SubscribePayload) -> Result<(), Closing> {
        let Some(principal) = self.principal.clone() else {
            return Err((close::UNAUTHORIZED, "Unauthorized"));
        };
        if self.operations.contains_key(&id) {
            return Err((close::SUBSCRIBER_EXISTS, "Subscriber for this id already exists"));
        }
        let limits = &self.state.config.limits;
        let refused = if self.operations.len() >= limits.max_subscriptions_per_connection {
            Some(ApiError::RateLimited { retry_after_secs: 1 })
                .map(|e| (e, "too many operations on this connection; complete some first"))
        } else {
            self.state.rate.check(principal.person_id()).err().map(|e| (e, "too many requests"))
        };
        let slot = match refused {
            None => self.state.subscriptions.take(principal.person_id(), limits.max_subscriptions_per_principal),
            Some(_) => None,
        };
        let Some(slot) = slot else {
            let message = refused.map_or("too many subscriptions for this user", |(_, m)| m);
            self.send(json!({ "id": id, "type": "error", "payload": [
                { "message": message, "extensions": { "code": "RATE_LIMITED" } }
            ] }))
            .await;
            return Ok(());
        };
        let rc = RequestContext::for_subscriptions(principal, self.state.pool.clone(), self.state.api_config.clone());
        let mut request = async_graphql::Request::new(payload.query);
        if let Some(name) = payload.operation_name {
            request = request.operation_name(name);
        }
        match payload.variables {
            None | Some(Value::Null) => {}
            Some(vars @ Value::Object(_)) => request = request.variables(async_graphql::Variables::from_json(vars)),
            // As over HTTP (a body whose variables are not an object is no
            // GraphQL request): refused, not run without them.
            Some(_) => {
                self.send(json!({ "id": id, "type": "error", "payload": [
                    { "message": "variables must be an object", "extensions": { "code": "BAD_USER_INPUT" } }
                ] }))
                .await;
                return Ok(());
            }
        }
        let responses = execute::stream(&self.state, rc, request);
        let out = self.out.clone();
        let op_id = id.clone();
        let task = tokio::spawn(async move {
            // Held for as long as the operation runs.
            let _slot = slot;
            let mut responses = std::pin::pin!(responses);
            let mut first = true;
            while let Some(executed) = responses.next().await {
                // A request that fails before execution is an `error` message, with no `complete`.
                if first && executed.request_error {
                    let errors = executed.response.errors;
                    let _ = out.send(Out::Send(json!({ "id": op_id, "type": "error", "payload": errors }))).await;
                    return;
                }
                first = false;
                let payload = serde_json::to_value(&executed.response).unwrap_or_else(|_| json!({ "data": null }));
                if out.send(Out::Send(json!({ "id": op_id, "type": "next", "payload": payload }))).await.is_err() {
                    return;
                }
            }
            let _ = out.send(Out::Send(json!({ "id": op_id, "type": "complete" }))).await;
        });
        self.operations.insert(id, task);
        Ok(())
    }

    async fn send(&self, v: Value) {
        let _ = self.out.send(Out::Send(v)).await;
    }
}

/// The bearer token from a `connection_init` payload.
fn token_of(payload: &Value) -> Option<String> {
    let raw =
        ["authorization", "Authorization", "token"].iter().find_map(|k| payload.get(*k).and_then(Value::as_str))?;
    Some(crate::auth::bearer(raw).unwrap_or(raw).trim().to_owned()).filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_reasons_fit_a_frame() {
        let long = "ø".repeat(100);
        let r = reason(&long);
        assert!(r.len() <= 123 && long.starts_with(r.as_str()));
    }

    #[test]
    fn tokens_come_from_the_init_payload() {
        assert_eq!(token_of(&json!({ "authorization": "Bearer abc" })).as_deref(), Some("abc"));
        assert_eq!(token_of(&json!({ "token": "abc" })).as_deref(), Some("abc"));
        assert_eq!(token_of(&json!({ "other": "abc" })), None);
    }
}
