//! Authentication: a bearer token in, an [`Identity`] out. The token is
//! verified here (transport concern); what the identity may do is decided by
//! the schema crate's policy.

pub mod dev;

use stafett_schema::{ApiError, Identity};

pub struct Authenticator {
    /// development tokens, when development auth is on
    dev: Option<dev::DevKeys>,
}

impl Authenticator {
    pub fn new(dev_auth: bool) -> Self {
        Authenticator { dev: dev_auth.then(dev::DevKeys::default) }
    }

    pub fn dev_enabled(&self) -> bool {
        self.dev.is_some()
    }

    /// Verifies a bearer token. Every failure is UNAUTHENTICATED and says
    /// little: details go to the log, not to whoever presented the token.
    pub fn identify(&self, token: &str) -> Result<Verified, ApiError> {
        if let Some(dev) = &self.dev {
            match dev.verify(token) {
                Ok(verified) => return Ok(verified),
                Err(e) => tracing::debug!(error = %e, "not a development token"),
            }
        }
        Err(ApiError::Unauthenticated("invalid or expired token".into()))
    }
}

/// A verified token: who it names, and until when it may be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub identity: Identity,
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The token from an `Authorization: Bearer …` header value.
pub fn bearer(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_bearer_tokens() {
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("bearer  abc "), Some("abc"));
        assert_eq!(bearer("Basic abc"), None);
        assert_eq!(bearer("Bearer "), None);
    }
}
