//! A raw `graphql-transport-ws` client for tests: frames in and out as JSON,
//! so the protocol itself is what is tested.

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub struct WsClient {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// What the server ended the connection with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closed {
    pub code: u16,
    pub reason: String,
}

impl WsClient {
    /// Opens a websocket to `/graphql` with the graphql-transport-ws subprotocol.
    pub async fn open(addr: std::net::SocketAddr) -> WsClient {
        let mut req = format!("ws://{addr}/graphql").into_client_request().expect("request");
        req.headers_mut().insert("Sec-WebSocket-Protocol", HeaderValue::from_static("graphql-transport-ws"));
        let (ws, response) = tokio_tungstenite::connect_async(req).await.expect("websocket connects");
        assert_eq!(
            response.headers().get("sec-websocket-protocol").map(|v| v.to_str().unwrap_or("")),
            Some("graphql-transport-ws")
        );
        WsClient { ws }
    }

    /// Opens and initialises with a token; panics unless acknowledged.
    pub async fn connect(addr: std::net::SocketAddr, token: &str) -> WsClient {
        let mut c = Self::open(addr).await;
        c.send(json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } })).await;
        let ack = c.recv(Duration::from_secs(5)).await.expect("an answer to connection_init");
        assert_eq!(ack["type"], "connection_ack", "{ack}");
        c
    }

    pub async fn send(&mut self, v: Value) {
        self.ws.send(Message::Text(v.to_string().into())).await.expect("send");
    }

    pub async fn send_raw(&mut self, m: Message) {
        self.ws.send(m).await.expect("send");
    }

    pub async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.send(json!({ "id": id, "type": "subscribe", "payload": { "query": query, "variables": variables } }))
            .await;
    }

    /// The next JSON message, or `Err(Closed)` when the server closed.
    pub async fn recv(&mut self, within: Duration) -> Result<Value, Closed> {
        loop {
            let frame = tokio::time::timeout(within, self.ws.next())
                .await
                .unwrap_or_else(|_| panic!("no message within {within:?}"));
            match frame {
                Some(Ok(Message::Text(t))) => return Ok(serde_json::from_str(&t).expect("JSON message")),
                Some(Ok(Message::Close(frame))) => return Err(closed(frame)),
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return Err(Closed { code: 1006, reason: String::new() }),
            }
        }
    }

    /// The next message, or `None` if nothing arrives within `within`.
    pub async fn try_recv(&mut self, within: Duration) -> Option<Value> {
        match tokio::time::timeout(within, self.ws.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => Some(serde_json::from_str(&t).expect("JSON")),
            _ => None,
        }
    }

    /// Reads until the server closes, returning its close frame.
    pub async fn closed(&mut self, within: Duration) -> Closed {
        loop {
            match self.recv(within).await {
                Ok(_) => continue,
                Err(c) => return c,
            }
        }
    }

    /// The payload of the next `next` message for `id` (skipping pings).
    pub async fn next_for(&mut self, id: &str, within: Duration) -> Value {
        loop {
            let m = self.recv(within).await.unwrap_or_else(|c| panic!("closed while waiting for {id}: {c:?}"));
            if m["type"] == "next" && m["id"] == id {
                return m["payload"].clone();
            }
            assert!(m["type"] == "ping" || m["id"] != id, "unexpected message for {id}: {m}");
        }
    }
}

fn closed(frame: Option<CloseFrame>) -> Closed {
    match frame {
        Some(f) => Closed { code: f.code.into(), reason: f.reason.to_string() },
        None => Closed { code: 1005, reason: String::new() },
    }
}
