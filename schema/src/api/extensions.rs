//! Cross-cutting behaviour of execution.
//!
//! [`NullableFieldErrors`]: async-graphql leaves a field whose resolver
//! failed out of the response entirely, even when the field is nullable. The
//! GraphQL specification (and every client cache) wants the key present with
//! `null`, plus the error. This extension turns a failed nullable field into
//! `null` and carries its error into the response — which is how a denied
//! field reads "null plus FORBIDDEN" while its parent survives.
//!
//! It also gives every error an `extensions.code`: errors raised by
//! async-graphql itself (parse, validation, argument coercion) are the
//! client's input errors and get BAD_USER_INPUT; ours already carry theirs.

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextRequest, NextResolve, NextSubscribe, ResolveInfo,
};
use async_graphql::{Response, ServerError, ServerResult, Value};
use futures_util::stream::{BoxStream, StreamExt};
use std::sync::{Arc, Mutex};

pub struct NullableFieldErrors;

impl ExtensionFactory for NullableFieldErrors {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Collector::default())
    }
}

#[derive(Default)]
struct Collector {
    errors: Arc<Mutex<Vec<ServerError>>>,
}

fn drain(errors: &Mutex<Vec<ServerError>>, response: &mut Response) {
    let mut errors = errors.lock().unwrap_or_else(|p| p.into_inner());
    response.errors.append(&mut errors);
    for e in &mut response.errors {
        with_code(e);
    }
}

/// Gives an error without a code the code BAD_USER_INPUT.
pub fn with_code(e: &mut ServerError) {
    let ext = e.extensions.get_or_insert_with(Default::default);
    if ext.get("code").is_none() {
        ext.set("code", "BAD_USER_INPUT");
    }
}

#[async_trait::async_trait]
impl Extension for Collector {
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        let nullable = !info.return_type.ends_with('!');
        match next.run(ctx, info).await {
            Err(e) if nullable => {
                self.errors.lock().unwrap_or_else(|p| p.into_inner()).push(e);
                Ok(Some(Value::Null))
            }
            other => other,
        }
    }

    /// Wraps the whole request, parse and validation included, so that
    /// their errors get a code too.
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        drain(&self.errors, &mut response);
        response
    }

    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: BoxStream<'s, Response>,
        next: NextSubscribe<'_>,
    ) -> BoxStream<'s, Response> {
        let errors = self.errors.clone();
        next.run(ctx, stream)
            .map(move |mut response| {
                drain(&errors, &mut response);
                response
            })
            .boxed()
    }
}
