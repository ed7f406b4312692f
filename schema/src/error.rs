//! The one error type of the API. Every failure a client can see is one of
//! these variants, and each maps to exactly one `extensions.code`
//! (DESIGN.md §4). Internal causes are logged with a correlation id and never
//! reach the client: the client gets the id, the log gets the cause.

use crate::i18n::Text;
use async_graphql::ErrorExtensions;
use uuid::Uuid;

pub type ApiResult<T> = Result<T, ApiError>;

#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{0}")]
    Forbidden(String),
    /// Used both for absent objects and for objects the caller may not know
    /// about, with the same message, so that existence never leaks.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// `field` is the path of the offending input value as the client
    /// wrote it (`body`, `child.birthDate`, `guardians[1].nationalId`), when
    /// the refusal is about one value; a mutation's `userErrors` carry it.
    /// The message is a catalogue text (`i18n`): a form shows it in the
    /// sender's language.
    #[error("{message}")]
    BadUserInput { field: Option<String>, message: Text },
    #[error("{0}")]
    Conflict(Text),
    #[error("too many requests; try again in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("internal error (correlation id {correlation_id})")]
    Internal { correlation_id: Uuid },
    /// The database cannot be reached right now: code INTERNAL, but a
    /// message that tells the client to try again shortly.
    #[error("the service is temporarily unavailable; try again shortly (correlation id {correlation_id})")]
    Unavailable { correlation_id: Uuid },
}

impl ApiError {
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthenticated(_) => "UNAUTHENTICATED",
            ApiError::Forbidden(_) => "FORBIDDEN",
            ApiError::NotFound(_) => "NOT_FOUND",
            ApiError::BadUserInput { .. } => "BAD_USER_INPUT",
            ApiError::Conflict(_) => "CONFLICT",
            ApiError::RateLimited { .. } => "RATE_LIMITED",
            ApiError::Internal { .. } | ApiError::Unavailable { .. } => "INTERNAL",
        }
    }

    pub fn forbidden(msg: impl Into<String>) -> Self {
        ApiError::Forbidden(msg.into())
    }

    /// Bad input that is not about one value ("nothing to change").
    pub fn bad_input(message: Text) -> Self {
        ApiError::BadUserInput { field: None, message }
    }

    /// Bad input in one value, at `field` (see [`ApiError::BadUserInput`]).
    /// The message names the field, so a top-level error says which value
    /// it is about too.
    pub fn bad_field(field: impl Into<String>, message: Text) -> Self {
        ApiError::BadUserInput { field: Some(field.into()), message }
    }

    /// Names the object a NOT_FOUND is about, so that a hidden log's goal
    /// reads exactly like a goal that does not exist.
    pub fn for_object(self, what: &'static str) -> Self {
        match self {
            ApiError::NotFound(_) => ApiError::NotFound(what),
            other => other,
        }
    }

    pub fn conflict(message: Text) -> Self {
        ApiError::Conflict(message)
    }

    /// Logs `cause` under a fresh correlation id and returns the error the
    /// client is allowed to see.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let correlation_id = Uuid::new_v4();
        tracing::error!(%correlation_id, cause = %cause, "internal error");
        ApiError::Internal { correlation_id }
    }

    /// Like [`internal`](Self::internal), for a database that cannot be reached.
    pub fn unavailable(cause: impl std::fmt::Display) -> Self {
        let correlation_id = Uuid::new_v4();
        tracing::error!(%correlation_id, cause = %cause, "database unavailable");
        ApiError::Unavailable { correlation_id }
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match &e {
            // A statement timeout or a lost connection is not the client's
            // fault, but a serialization failure is worth telling apart in logs.
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                ApiError::internal(format_args!("serialization failure: {e}"))
            }
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand, _)
            | Error::BrokenTransactionManager => ApiError::unavailable(format_args!("database: {e}")),
            _ => ApiError::internal(format_args!("database: {e}")),
        }
    }
}

impl From<diesel_async::pooled_connection::deadpool::PoolError> for ApiError {
    fn from(e: diesel_async::pooled_connection::deadpool::PoolError) -> Self {
        crate::db::note_checkout_error(&e);
        ApiError::unavailable(format_args!("database pool: {e}"))
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(e: serde_json::Error) -> Self {
        ApiError::internal(format_args!("json: {e}"))
    }
}

impl ErrorExtensions for ApiError {
    fn extend(&self) -> async_graphql::Error {
        async_graphql::Error::new(self.to_string()).extend_with(|_, ext| {
            ext.set("code", self.code());
            match self {
                ApiError::Internal { correlation_id } | ApiError::Unavailable { correlation_id } => {
                    ext.set("correlationId", correlation_id.to_string())
                }
                ApiError::RateLimited { retry_after_secs } => ext.set("retryAfterSeconds", *retry_after_secs),
                _ => {}
            }
        })
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(e: ApiError) -> Self {
        e.extend()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_show_only_the_correlation_id() {
        let e = ApiError::internal("relation \"secret_table\" does not exist");
        let gql: async_graphql::Error = e.into();
        assert!(gql.message.starts_with("internal error (correlation id "));
        assert!(!gql.message.contains("secret_table"));
    }

    #[test]
    fn not_found_reads_the_same_for_absent_and_hidden() {
        assert_eq!(ApiError::NotFound("Log").to_string(), "Log not found");
    }
}
