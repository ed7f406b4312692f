//! The one request pipeline: HTTP (`graphql.rs`) and websockets (`ws.rs`)
//! hand a parsed request and the caller's context here, and get back
//! responses that have passed the same steps in the same order:
//!
//! 1. the document limits (`api::limits::check`), before any resolver runs;
//! 2. execution, one response (queries, mutations) or a stream
//!    (subscriptions, and anything sent over a websocket);
//! 3. every error gets its `extensions.code` (`api::limits::add_codes`);
//! 4. **a read that could not be stored in the access log withholds the
//!    whole response**: nothing is shown that was not recorded;
//! 5. the response is marked a request error when it failed before
//!    execution (no data, no error with a path), which each transport
//!    answers in its own way (HTTP 400, websocket `error` message).

use crate::app::AppState;
use async_graphql::{Request, Response, Value};
use futures_util::{Stream, StreamExt};
use stafett_schema::api::limits;
use stafett_schema::{ApiError, RequestContext};
use std::sync::Arc;

/// One response of the pipeline.
pub struct Executed {
    pub response: Response,
    /// failed before execution: no data and no error with a path
    pub request_error: bool,
    /// the access log refused a read: the response carries nothing else
    pub withheld: bool,
}

impl Executed {
    fn new(mut response: Response, rc: &RequestContext) -> Executed {
        limits::add_codes(&mut response);
        if rc.audit.failed() {
            // Something was read that could not be recorded in the access
            // log: the request fails as a whole and shows nothing.
            let e = ApiError::internal("access log entry could not be stored; response withheld");
            let error: async_graphql::Error = e.into();
            return Executed {
                response: Response::from_errors(vec![error.into_server_error(Default::default())]),
                request_error: false,
                withheld: true,
            };
        }
        let request_error = response.data == Value::Null
            && !response.errors.is_empty()
            && response.errors.iter().all(|e| e.path.is_empty());
        Executed { response, request_error, withheld: false }
    }

    /// The first error's `extensions.code`, or `ok` (a metrics label).
    pub fn outcome(&self) -> String {
        self.response
            .errors
            .first()
            .and_then(|e| e.extensions.as_ref())
            .and_then(|x| x.get("code"))
            .and_then(|c| match c {
                Value::String(s) => Some(s.clone()),
                _ => None,
            })
            .unwrap_or_else(|| "ok".into())
    }
}

/// Runs a query or mutation to its one response.
pub async fn once(state: &AppState, rc: Arc<RequestContext>, mut request: Request) -> Executed {
    let response = match limits::check(&mut request, &state.document_limits) {
        Err(refused) => Response::from_errors(vec![refused]),
        Ok(()) => state.schema.execute(request.data(rc.clone())).await,
    };
    Executed::new(response, &rc)
}

/// Runs any operation as a stream of responses (a query or mutation gives
/// one). The stream ends after a withheld response.
pub fn stream(state: &AppState, rc: Arc<RequestContext>, mut request: Request) -> impl Stream<Item = Executed> + use<> {
    let responses = match limits::check(&mut request, &state.document_limits) {
        Err(refused) => futures_util::stream::once(async move { Response::from_errors(vec![refused]) }).boxed(),
        Ok(()) => state.schema.execute_stream(request.data(rc.clone())).boxed(),
    };
    let mut done = false;
    responses.map(move |response| Executed::new(response, &rc)).take_while(move |executed| {
        let go = !done;
        done |= executed.withheld;
        futures_util::future::ready(go)
    })
}
