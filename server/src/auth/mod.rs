//! Authentication: a bearer token in, a verified identity out. Tokens are
//! verified here (transport concern); what the identity may do is decided
//! by the schema crate's policy.
//!
//! A token is routed by its (unverified) `iss` to the one verifier that may
//! accept it: ID-porten for citizens, the municipality's IdP for staff, or
//! development tokens when development auth is on. Each verifies with its
//! own keys, so one issuer can never vouch for another's users.

pub mod access;
pub mod dev;
pub mod oidc;
pub mod principals;

use stafett_schema::{ApiError, Identity};

/// A verified token: who it names, and until when it may be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub identity: Identity,
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Clone, Default)]
pub struct OidcConfig {
    pub citizen: Option<oidc::IssuerConfig>,
    pub staff: Option<oidc::IssuerConfig>,
}

pub struct Authenticator {
    /// development tokens, when development auth is on
    dev: Option<dev::DevKeys>,
    pub citizen: Option<oidc::Issuer>,
    pub staff: Option<oidc::Issuer>,
}

impl Authenticator {
    pub fn new(dev_auth: bool, oidc: &OidcConfig) -> anyhow::Result<Self> {
        Ok(Authenticator {
            dev: dev_auth.then(dev::DevKeys::default),
            citizen: oidc.citizen.clone().map(oidc::Issuer::new).transpose()?,
            staff: oidc.staff.clone().map(oidc::Issuer::new).transpose()?,
        })
    }

    pub fn dev_enabled(&self) -> bool {
        self.dev.is_some()
    }

    /// Fetches the issuers' keys ahead of the first request; failures are
    /// logged and retried when a token needs the keys.
    pub async fn prefetch(&self) {
        for issuer in [&self.citizen, &self.staff].into_iter().flatten() {
            if let Err(e) = issuer.refresh().await {
                tracing::warn!(issuer = %issuer.config.issuer, error = %e, "could not fetch the issuer's keys yet");
            }
        }
    }

    /// Verifies a bearer token. Every failure is UNAUTHENTICATED and says
    /// little: details go to the log, not to whoever presented the token.
    pub async fn identify(&self, token: &str) -> Result<Verified, ApiError> {
        let refused = || ApiError::Unauthenticated("invalid or expired token".into());
        let iss = oidc::unverified_issuer(token).ok_or_else(refused)?;
        for issuer in [&self.citizen, &self.staff].into_iter().flatten() {
            if issuer.config.issuer == iss {
                return issuer.verify(token).await.map_err(|e| {
                    tracing::info!(issuer = %iss, reason = %e, "token refused");
                    refused()
                });
            }
        }
        if let Some(dev) = self.dev.as_ref().filter(|_| iss == dev::DEV_ISSUER) {
            return dev.verify(token).map_err(|e| {
                tracing::info!(reason = %e, "development token refused");
                refused()
            });
        }
        tracing::info!(issuer = %iss, "token from an issuer this server does not trust");
        Err(refused())
    }
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
