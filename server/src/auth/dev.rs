//! Development tokens: what `stafett token <persona>` prints, accepted only
//! when development auth is on (`stafett demo`, or `STAFETT_DEV_AUTH`).
//! They carry the same claims an identity provider would (`pid` for
//! citizens, `sub` for staff) so they resolve through the same path.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use stafett_schema::Identity;

/// Development tokens are signed with this fixed key on purpose: they are
/// for demos and tests, and are refused unless development auth is on.
const DEV_SECRET: &[u8] = b"stafett-development-key-never-use-in-production";
pub const DEV_ISSUER: &str = "stafett-dev";
pub const DEV_AUDIENCE: &str = "stafett";

#[derive(Debug, Serialize, Deserialize)]
pub struct DevClaims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    /// the citizen's fødselsnummer (as ID-porten's `pid`); absent for staff
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pid: Option<String>,
    pub name: Option<String>,
    pub exp: i64,
    pub iat: i64,
}

pub struct DevKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl Default for DevKeys {
    fn default() -> Self {
        DevKeys { encoding: EncodingKey::from_secret(DEV_SECRET), decoding: DecodingKey::from_secret(DEV_SECRET) }
    }
}

impl DevKeys {
    /// Signs a token for an identity, valid for `ttl_secs`.
    pub fn issue(&self, identity: &Identity, ttl_secs: i64) -> String {
        let now = chrono::Utc::now().timestamp();
        let (sub, pid, name) = match identity {
            Identity::Citizen { pid, name } => (pid.clone(), Some(pid.clone()), name.clone()),
            Identity::Staff { external_id } => (external_id.clone(), None, None),
        };
        let claims = DevClaims {
            iss: DEV_ISSUER.into(),
            aud: DEV_AUDIENCE.into(),
            sub,
            pid,
            name,
            exp: now + ttl_secs,
            iat: now,
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).expect("HS256 signing cannot fail")
    }

    pub fn verify(&self, token: &str) -> Result<super::Verified, jsonwebtoken::errors::Error> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[DEV_ISSUER]);
        validation.set_audience(&[DEV_AUDIENCE]);
        validation.leeway = 30;
        let claims = decode::<DevClaims>(token, &self.decoding, &validation)?.claims;
        let identity = match claims.pid {
            Some(pid) => Identity::Citizen { pid, name: claims.name },
            None => Identity::Staff { external_id: claims.sub },
        };
        Ok(super::Verified { identity, expires_at: chrono::DateTime::from_timestamp(claims.exp, 0) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_both_kinds() {
        let keys = DevKeys::default();
        for id in [
            Identity::Staff { external_id: "demo-coordinator".into() },
            Identity::Citizen { pid: "01010750160".into(), name: Some("Ola".into()) },
        ] {
            assert_eq!(keys.verify(&keys.issue(&id, 60)).unwrap().identity, id);
        }
    }

    #[test]
    fn refuses_expired_and_tampered_tokens() {
        let keys = DevKeys::default();
        let id = Identity::Staff { external_id: "demo-coordinator".into() };
        assert!(keys.verify(&keys.issue(&id, -120)).is_err());
        let token = keys.issue(&id, 60);
        let mut parts: Vec<&str> = token.split('.').collect();
        let forged = keys.issue(&Identity::Staff { external_id: "demo-municipaladmin".into() }, 60);
        parts[1] = forged.split('.').nth(1).unwrap();
        assert!(keys.verify(&parts.join(".")).is_err());
    }
}
