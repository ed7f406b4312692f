//! What every mutation answers (issue 17, point 2): a `<Mutation>Payload`
//! with the changed object, the log where a list in it changed, and
//! `userErrors` — the refusals a form shows next to a field.
//!
//! One door: a mutation's body returns `ApiResult<Payload>`, and [`answer`]
//! turns its BAD_USER_INPUT and CONFLICT refusals into `userErrors` (the
//! payload's other fields are then null). UNAUTHENTICATED, FORBIDDEN,
//! NOT_FOUND, RATE_LIMITED and INTERNAL stay top-level errors: they are
//! about the caller or the service, not about what the form says, and a
//! client's error handling for them is the same as for a query.
//!
//! Nothing was written when `userErrors` is not empty: the refusal rolls
//! the transaction back like any error.

use crate::error::{ApiError, ApiResult};
use crate::i18n::Text;
use async_graphql::{Enum, SimpleObject};
use std::future::Future;

/// Why a mutation refused its input. The same words as `extensions.code`.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum UserErrorCode {
    /// A value is missing, malformed, too long or outside its range: fix
    /// the value at `field` and send again.
    BadUserInput,
    /// The change does not fit the log's state now (closed, not yet
    /// active, already decided, already recorded): reload and reconsider.
    Conflict,
}

/// A refusal of a mutation's input, for a form to show next to a field.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(complex)]
pub struct UserError {
    /// The path of the value it is about, from the mutation's arguments:
    /// `["input", "body"]`, `["input", "guardians", "1", "nationalId"]` or
    /// `["logId"]`. Empty when it is about the request as a whole.
    pub field: Vec<String>,
    /// What kind of refusal it is.
    pub code: UserErrorCode,
    #[graphql(skip)]
    pub text: Text,
}

#[async_graphql::ComplexObject]
impl UserError {
    /// What is wrong, in words a form can show, in your language
    /// (`Me.language`: bokmål, nynorsk or English). The top-level
    /// `errors[].message` of the same refusal is English, for developers.
    async fn message(&self, ctx: &async_graphql::Context<'_>) -> ApiResult<String> {
        Ok(self.text.render(crate::context::rc(ctx).language().await?))
    }
}

/// A mutation's answer: it can carry refusals instead of its objects.
pub trait Payload: Default {
    fn refused(error: UserError) -> Self;
}

/// Defines a payload type: its fields are null when the mutation refused.
/// `log_id` (skipped in the schema) backs a lazily read `log` field, so a
/// client that does not ask for the log costs no query.
macro_rules! payload {
    ($(#[$meta:meta])* $name:ident { $($body:tt)* } with log) => {
        $crate::api::mutation::payload::payload!(@struct [$($meta,)* graphql(complex)] $name { $($body)* } [
            /// The log whose `log` field this answer has.
            #[graphql(skip)]
            pub log_id: Option<uuid::Uuid>,
        ]);

        #[async_graphql::ComplexObject]
        impl $name {
            /// The log, as you may see it after the change (so a list in it
            /// can be refreshed from this answer); null when you may no
            /// longer see it.
            async fn log(
                &self,
                ctx: &async_graphql::Context<'_>,
            ) -> $crate::error::ApiResult<Option<$crate::api::types::log::Log>> {
                match self.log_id {
                    Some(id) => $crate::api::types::log::Log::load(ctx, id).await,
                    None => Ok(None),
                }
            }
        }
    };
    ($(#[$meta:meta])* $name:ident { $($body:tt)* }) => {
        $crate::api::mutation::payload::payload!(@struct [$($meta),*] $name { $($body)* } []);
    };
    (@struct [$($attr:meta),*] $name:ident { $($(#[$fmeta:meta])* $field:ident: $ty:ty),* $(,)? } [$($extra:tt)*]) => {
        #[derive(async_graphql::SimpleObject, Default)]
        $(#[$attr])*
        pub struct $name {
            $($(#[$fmeta])* pub $field: Option<$ty>,)*
            /// Why the input was refused; empty when the change was made.
            /// The other fields are null when it is not empty.
            pub user_errors: Vec<$crate::api::mutation::payload::UserError>,
            $($extra)*
        }

        impl $crate::api::mutation::payload::Payload for $name {
            fn refused(error: $crate::api::mutation::payload::UserError) -> Self {
                $name { user_errors: vec![error], ..Default::default() }
            }
        }
    };
}
pub(crate) use payload;

/// Runs a mutation's body and answers with its payload, its input refusals
/// as `userErrors`. `args` are the mutation's arguments besides `input` (a
/// refusal about `logId` has the path `["logId"]`, one about `body` the
/// path `["input", "body"]`).
pub async fn answer<P: Payload>(args: &[&str], body: impl Future<Output = ApiResult<P>>) -> ApiResult<P> {
    match body.await {
        Ok(payload) => Ok(payload),
        Err(e) => user_error(e, args).map(P::refused),
    }
}

/// The user error of a refusal, or the error itself when it stays top-level.
fn user_error(e: ApiError, args: &[&str]) -> Result<UserError, ApiError> {
    match e {
        ApiError::BadUserInput { field, message } => Ok(UserError {
            field: field.map(|f| path(&f, args)).unwrap_or_default(),
            code: UserErrorCode::BadUserInput,
            text: message,
        }),
        ApiError::Conflict(text) => Ok(UserError { field: Vec::new(), code: UserErrorCode::Conflict, text }),
        other => Err(other),
    }
}

/// `guardians[1].nationalId` → `["input", "guardians", "1", "nationalId"]`.
fn path(field: &str, args: &[&str]) -> Vec<String> {
    let segments: Vec<String> = field.split(['.', '[', ']']).filter(|s| !s.is_empty()).map(str::to_owned).collect();
    match segments.first() {
        Some(first) if args.contains(&first.as_str()) => segments,
        _ => std::iter::once("input".to_owned()).chain(segments).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_path_starts_at_the_argument_it_is_in() {
        assert_eq!(path("body", &[]), ["input", "body"]);
        assert_eq!(path("guardians[1].nationalId", &[]), ["input", "guardians", "1", "nationalId"]);
        assert_eq!(path("child.birthDate", &["logId"]), ["input", "child", "birthDate"]);
        assert_eq!(path("logId", &["logId"]), ["logId"]);
    }

    #[test]
    fn only_input_refusals_become_user_errors() {
        let bad = user_error(ApiError::bad_field("body", crate::words!("error-empty", field = "body")), &[]).unwrap();
        assert_eq!((bad.field, bad.code), (vec!["input".to_owned(), "body".to_owned()], UserErrorCode::BadUserInput));
        let whole = user_error(ApiError::bad_input(crate::words!("error-nothing-to-change")), &[]).unwrap();
        assert!(whole.field.is_empty());
        let conflict = user_error(ApiError::conflict(crate::words!("error-log-closed")), &[]).unwrap();
        assert_eq!(conflict.code, UserErrorCode::Conflict);
        for top in [ApiError::NotFound("Log"), ApiError::forbidden("no"), ApiError::RateLimited { retry_after_secs: 1 }]
        {
            assert!(user_error(top, &[]).is_err());
        }
    }
}
