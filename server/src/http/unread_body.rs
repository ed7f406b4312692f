//! Answers given before the request body was read, made readable.
//!
//! When a handler answers without reading the whole body (413 at
//! `STAFETT_MAX_BODY_BYTES`, a route that takes no body, any refusal that
//! comes first), hyper 1.x writes the answer and then closes the connection
//! with the rest of the body unread; the kernel answers unread data with a
//! reset, and a client still sending sees EPIPE or ECONNRESET instead of the
//! answer (hyperium/hyper#2384). Node's fetch lost 15 of 20 such 413s with a
//! 5 MiB body, 19 of 20 when it was chunked (tests/e2e/body_refusals.rs).
//!
//! So this layer keeps the body out of the handler's hands (a shared slot the
//! handler reads through), and when the answer comes with body left over, it
//! answers at once with `Connection: close` and reads and discards the rest
//! in the background, up to [`DRAIN_BYTES`] and [`DRAIN_TIME`]: what nginx
//! calls a lingering close. RFC 9112 §9.6 asks a client that sees such an
//! answer to stop sending; one that does not finishes its body into the
//! drain and reads the answer then. Past either bound the connection closes
//! as before, long after the answer was sent.
//!
//! A client that asked for `100-continue` and whose body nobody started
//! reading has not sent it: it gets the answer without a `100 Continue`,
//! and nothing is drained. HTTP/2 resets only the stream, so it is left alone.

use crate::app::AppState;
use axum::body::{Body, HttpBody};
use axum::extract::{Request, State};
use axum::http::header::{CONNECTION, EXPECT};
use axum::http::{HeaderValue, StatusCode, Version};
use axum::middleware::Next;
use axum::response::Response;
use futures_util::StreamExt;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::Poll;
use std::time::Duration;

/// The most a refused request's leftover body is read for.
pub const DRAIN_BYTES: usize = 16 * 1024 * 1024;
/// How long a refused request's leftover body is read for.
pub const DRAIN_TIME: Duration = Duration::from_secs(10);

/// The request body, shared between the handler and this layer.
struct Slot {
    body: Body,
    /// a handler asked for a frame (so a `100 Continue` may have gone out)
    polled: bool,
    /// the handler read it to its end
    ended: bool,
}

pub async fn drain_unread_bodies(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.version() > Version::HTTP_11 {
        return next.run(request).await;
    }
    let expects_continue =
        request.headers().get(EXPECT).is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
    let (parts, body) = request.into_parts();
    let slot = Arc::new(Mutex::new(Slot { body, polled: false, ended: false }));
    let mut response = next.run(Request::from_parts(parts, reader(slot.clone()))).await;
    if response.status() == StatusCode::SWITCHING_PROTOCOLS {
        return response;
    }
    // Still held by someone (a response that streams the request back):
    // theirs to finish.
    let Ok(slot) = Arc::try_unwrap(slot) else {
        return response;
    };
    let slot = slot.into_inner().unwrap_or_else(PoisonError::into_inner);
    if slot.ended || slot.body.is_end_stream() {
        return response;
    }
    response.headers_mut().insert(CONNECTION, HeaderValue::from_static("close"));
    if expects_continue && !slot.polled {
        // Never asked for, so never sent.
        return response;
    }
    let shutdown = state.shutdown.clone();
    tokio::spawn(async move {
        tokio::select! {
            _ = shutdown.cancelled() => {}
            _ = tokio::time::timeout(DRAIN_TIME, discard(slot.body, DRAIN_BYTES)) => {}
        }
    });
    response
}

/// The handler's view of the body: the slot's data frames, marking what the
/// handler did with them.
fn reader(slot: Arc<Mutex<Slot>>) -> Body {
    Body::from_stream(futures_util::stream::poll_fn(move |cx| {
        let mut slot = slot.lock().unwrap_or_else(PoisonError::into_inner);
        slot.polled = true;
        loop {
            let frame = match Pin::new(&mut slot.body).poll_frame(cx) {
                Poll::Ready(Some(Ok(frame))) => frame,
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(None) => {
                    slot.ended = true;
                    return Poll::Ready(None);
                }
                Poll::Pending => return Poll::Pending,
            };
            // Trailers: nothing here reads them.
            if let Ok(data) = frame.into_data() {
                return Poll::Ready(Some(Ok(data)));
            }
        }
    }))
}

/// Reads and drops up to `limit` bytes of `body`, stopping at its end or
/// its first error (the client gave up).
async fn discard(body: Body, limit: usize) {
    let mut left = limit;
    let mut data = body.into_data_stream();
    while let Some(Ok(chunk)) = data.next().await {
        match left.checked_sub(chunk.len()) {
            Some(l) => left = l,
            None => return,
        }
    }
}
