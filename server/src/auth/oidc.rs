//! Bearer tokens from OIDC issuers: ID-porten for citizens, the
//! municipality's identity provider (often Entra ID) for staff. Stafett is
//! the resource server. A token is verified against the keys of the issuer
//! its `iss` names, and only that issuer's: signature (RS256 or ES256, with
//! a key from its JWKS), `iss`, `aud`, `exp`, `nbf` and `iat` with a small
//! clock skew, and `acr` for citizens.
//!
//! Keys come from the issuer's discovery document and are cached; a token
//! naming an unknown `kid` triggers a refresh, at most once per
//! `min_refresh`, so forged kids cannot make Stafett hammer the issuer.

use super::Verified;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use serde::Deserialize;
use stafett_schema::Identity;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tokio::sync::{Mutex, RwLock};

/// Clock skew allowed on `exp`, `nbf` and `iat`.
const LEEWAY_SECS: u64 = 30;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// ID-porten: identified by `pid`; `acr` must be at least the configured level
    Citizen { acr: String },
    /// the municipality's IdP: identified by the configured claim (`sub`, or `oid` for Entra ID)
    Staff { id_claim: String },
}

#[derive(Debug, Clone)]
pub struct IssuerConfig {
    pub issuer: String,
    pub audience: String,
    pub kind: Kind,
    pub min_refresh: Duration,
}

impl IssuerConfig {
    /// Plain `http://` issuers are accepted only on loopback addresses.
    pub fn check(&self) -> anyhow::Result<()> {
        let url = reqwest::Url::parse(&self.issuer).map_err(|e| anyhow::anyhow!("issuer {:?}: {e}", self.issuer))?;
        match url.scheme() {
            "https" => Ok(()),
            "http" if is_loopback(&url) => Ok(()),
            _ => anyhow::bail!("issuer {:?} must use https (plain http is accepted only on loopback)", self.issuer),
        }
    }
}

fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    }
}

/// Why a token was refused; logged, never shown in detail to the caller.
#[derive(Debug, thiserror::Error)]
pub enum Rejected {
    #[error("malformed token: {0}")]
    Malformed(String),
    #[error("algorithm {0:?} is not accepted")]
    Algorithm(Algorithm),
    #[error("no key {0:?} at the issuer")]
    UnknownKey(String),
    #[error("key type does not match the algorithm")]
    KeyMismatch,
    #[error("invalid: {0}")]
    Invalid(jsonwebtoken::errors::Error),
    #[error("critical header extensions {0:?} are not understood")]
    Critical(Vec<String>),
    #[error("issued in the future")]
    IssuedInFuture,
    #[error("acr {0:?} is below the required level")]
    Acr(Option<String>),
    #[error("no {0} claim")]
    MissingClaim(&'static str),
    #[error("cannot fetch the issuer's keys: {0}")]
    Keys(String),
}

#[derive(Deserialize)]
struct Discovery {
    jwks_uri: String,
    issuer: String,
}

struct KeySet {
    keys: HashMap<String, (DecodingKey, Algorithm)>,
}

pub struct Issuer {
    pub config: IssuerConfig,
    http: reqwest::Client,
    keys: RwLock<KeySet>,
    /// the last time keys were fetched (successfully or not)
    last_fetch: Mutex<Option<Instant>>,
    /// how many times the JWKS was fetched (for tests and metrics)
    fetches: std::sync::atomic::AtomicU64,
}

impl Issuer {
    pub fn new(config: IssuerConfig) -> anyhow::Result<Issuer> {
        config.check()?;
        let http = reqwest::Client::builder().timeout(Duration::from_secs(5)).build()?;
        Ok(Issuer {
            config,
            http,
            keys: RwLock::new(KeySet { keys: HashMap::new() }),
            last_fetch: Mutex::new(None),
            fetches: Default::default(),
        })
    }

    pub fn fetches(&self) -> u64 {
        self.fetches.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The key for `kid`, refreshing the cache (rate-limited) when it is unknown.
    async fn key(&self, kid: &str) -> Result<(DecodingKey, Algorithm), Rejected> {
        if let Some(k) = self.keys.read().await.keys.get(kid) {
            return Ok(k.clone());
        }
        self.refresh().await?;
        self.keys.read().await.keys.get(kid).cloned().ok_or_else(|| Rejected::UnknownKey(kid.to_owned()))
    }

    /// Fetches the discovery document and JWKS, unless that was done less
    /// than `min_refresh` ago.
    pub async fn refresh(&self) -> Result<(), Rejected> {
        let mut last = self.last_fetch.lock().await;
        if last.is_some_and(|t| t.elapsed() < self.config.min_refresh) {
            return Ok(());
        }
        *last = Some(Instant::now());
        self.fetches.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let keys = self.fetch().await.map_err(|e| Rejected::Keys(e.to_string()))?;
        self.keys.write().await.keys = keys;
        Ok(())
    }

    async fn fetch(&self) -> anyhow::Result<HashMap<String, (DecodingKey, Algorithm)>> {
        let base = self.config.issuer.trim_end_matches('/');
        let discovery: Discovery = self
            .http
            .get(format!("{base}/.well-known/openid-configuration"))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        anyhow::ensure!(discovery.issuer == self.config.issuer, "discovery names issuer {:?}", discovery.issuer);
        let set: JwkSet = self.http.get(&discovery.jwks_uri).send().await?.error_for_status()?.json().await?;
        let mut keys = HashMap::new();
        for jwk in &set.keys {
            let (Some(kid), Some(alg)) = (jwk.common.key_id.clone(), algorithm_of(jwk)) else { continue };
            if let Ok(key) = DecodingKey::from_jwk(jwk) {
                keys.insert(kid, (key, alg));
            }
        }
        Ok(keys)
    }

    /// Verifies a token whose `iss` names this issuer.
    pub async fn verify(&self, token: &str) -> Result<Verified, Rejected> {
        let header = decode_header(token).map_err(|e| Rejected::Malformed(e.to_string()))?;
        if !matches!(header.alg, Algorithm::RS256 | Algorithm::ES256) {
            return Err(Rejected::Algorithm(header.alg));
        }
        // RFC 7515 §4.1.11: a token whose `crit` names extensions the
        // recipient does not understand must be rejected. Stafett
        // understands none, so any `crit` is refused (issue 14).
        if let Some(crit) = &header.crit {
            return Err(Rejected::Critical(crit.clone()));
        }
        let kid = header.kid.ok_or(Rejected::MissingClaim("kid"))?;
        let (key, key_alg) = self.key(&kid).await?;
        if key_alg != header.alg {
            return Err(Rejected::KeyMismatch);
        }
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[&self.config.issuer]);
        validation.set_audience(&[&self.config.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "iat"]);
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECS;
        let claims = decode::<serde_json::Map<String, serde_json::Value>>(token, &key, &validation)
            .map_err(Rejected::Invalid)?
            .claims;
        let now = chrono::Utc::now().timestamp();
        let iat = claims.get("iat").and_then(serde_json::Value::as_i64).ok_or(Rejected::MissingClaim("iat"))?;
        if iat > now + LEEWAY_SECS as i64 {
            return Err(Rejected::IssuedInFuture);
        }
        let expires_at =
            claims.get("exp").and_then(serde_json::Value::as_i64).and_then(|e| chrono::DateTime::from_timestamp(e, 0));
        let text = |name: &str| claims.get(name).and_then(serde_json::Value::as_str).map(str::to_owned);
        let identity = match &self.config.kind {
            Kind::Citizen { acr } => {
                let got = text("acr");
                if !acr_satisfies(got.as_deref(), acr) {
                    return Err(Rejected::Acr(got));
                }
                let pid = text("pid").ok_or(Rejected::MissingClaim("pid"))?;
                Identity::Citizen { pid, name: text("name") }
            }
            Kind::Staff { id_claim } => {
                let external_id = text(id_claim).ok_or(Rejected::MissingClaim("staff id"))?;
                Identity::Staff { external_id }
            }
        };
        Ok(Verified { identity, expires_at })
    }
}

/// ID-porten's levels, lowest first. A token at or above the required level passes.
fn acr_satisfies(got: Option<&str>, required: &str) -> bool {
    const LEVELS: [&str; 2] = ["idporten-loa-substantial", "idporten-loa-high"];
    match (got, LEVELS.iter().position(|l| *l == required)) {
        (Some(g), Some(need)) => LEVELS.iter().position(|l| *l == g).is_some_and(|have| have >= need),
        // An unknown required level must be met exactly.
        (Some(g), None) => g == required,
        (None, _) => false,
    }
}

/// The algorithm a JWK is for: its `alg`, or what its key type implies.
fn algorithm_of(jwk: &Jwk) -> Option<Algorithm> {
    let implied = match &jwk.algorithm {
        AlgorithmParameters::RSA(_) => Algorithm::RS256,
        AlgorithmParameters::EllipticCurve(ec) if ec.curve == EllipticCurve::P256 => Algorithm::ES256,
        _ => return None,
    };
    match jwk.common.key_algorithm.map(|a| a.to_string()) {
        None => Some(implied),
        Some(a) if a == format!("{implied:?}") => Some(implied),
        Some(_) => None,
    }
}

/// The `iss` of a token, read without verifying it, to choose whose keys verify it.
pub fn unverified_issuer(token: &str) -> Option<String> {
    use base64::Engine;
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("iss")?.as_str().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issuer(url: &str) -> IssuerConfig {
        IssuerConfig {
            issuer: url.into(),
            audience: "a".into(),
            kind: Kind::Staff { id_claim: "sub".into() },
            min_refresh: Duration::from_secs(1),
        }
    }

    #[test]
    fn plain_http_issuers_only_on_loopback() {
        assert!(issuer("https://idporten.no").check().is_ok());
        assert!(issuer("http://127.0.0.1:9000").check().is_ok());
        assert!(issuer("http://localhost:9000/tenant").check().is_ok());
        assert!(issuer("http://[::1]:9000").check().is_ok());
        assert!(issuer("http://idporten.no").check().is_err());
        assert!(issuer("http://10.0.0.1").check().is_err());
        assert!(issuer("ftp://127.0.0.1").check().is_err());
    }

    #[test]
    fn acr_levels_are_ordered() {
        assert!(acr_satisfies(Some("idporten-loa-high"), "idporten-loa-high"));
        assert!(!acr_satisfies(Some("idporten-loa-substantial"), "idporten-loa-high"));
        assert!(acr_satisfies(Some("idporten-loa-high"), "idporten-loa-substantial"));
        assert!(!acr_satisfies(None, "idporten-loa-substantial"));
        assert!(!acr_satisfies(Some("Level4"), "idporten-loa-high"));
    }
}
