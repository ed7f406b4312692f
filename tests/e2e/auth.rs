//! Authentication with OIDC bearer tokens from a local issuer (discovery +
//! JWKS on loopback, keys generated here): the real verification path.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use stafett_server::auth::OidcConfig;
use stafett_server::auth::oidc::{IssuerConfig, Kind};
use stafett_server::demo::Persona;
use stafett_tests::ids::EMMA_LOG;
use stafett_tests::oidc::{TestIssuer, TestKey, tampered, unsigned};
use stafett_tests::ws::WsClient;
use stafett_tests::{Fixture, TestApp};
use std::time::Duration;

const CITIZEN_AUD: &str = "stafett-citizen";
const STAFF_AUD: &str = "api://stafett";

struct World {
    app: TestApp,
    citizen: TestIssuer,
    staff: TestIssuer,
}

async fn world(min_refresh: Duration, staff_id_claim: &str) -> World {
    let citizen = TestIssuer::start(TestKey::rsa("idporten-1")).await;
    let staff = TestIssuer::start(TestKey::ec("entra-1")).await;
    let oidc = OidcConfig {
        citizen: Some(IssuerConfig {
            issuer: citizen.url.clone(),
            audience: CITIZEN_AUD.into(),
            kind: Kind::Citizen { acr: "idporten-loa-high".into() },
            min_refresh,
        }),
        staff: Some(IssuerConfig {
            issuer: staff.url.clone(),
            audience: STAFF_AUD.into(),
            kind: Kind::Staff { id_claim: staff_id_claim.into() },
            min_refresh,
        }),
    };
    // Development tokens off: only the issuers' tokens count.
    let app = TestApp::with(Fixture::Demo, |c| {
        c.oidc = oidc;
        c.dev_auth.enabled = false;
    })
    .await;
    World { app, citizen, staff }
}

fn pid(persona: &str) -> String {
    Persona::find(persona).unwrap().national_id().unwrap()
}

fn guardian_claims() -> Value {
    json!({ "aud": CITIZEN_AUD, "sub": "pairwise-123", "pid": pid("guardian"), "acr": "idporten-loa-high" })
}

const EMMA: &str = "query($id: ID!) { log(id: $id) { child { name } } }";

async fn emma(w: &World, token: &str) -> stafett_tests::Gql {
    w.app.gql_with_token(Some(token), EMMA, json!({ "id": EMMA_LOG })).await
}

#[tokio::test]
async fn a_guardian_with_an_idporten_token_sees_emmas_log_but_not_at_a_lower_level() {
    let w = world(Duration::from_secs(30), "sub").await;
    let token = w.citizen.sign(guardian_claims());
    assert_eq!(emma(&w, &token).await.ok()["log"]["child"]["name"], "Emma Nordmann");
    let mut lower = guardian_claims();
    lower["acr"] = json!("idporten-loa-substantial");
    let r = emma(&w, &w.citizen.sign(lower)).await;
    assert_eq!(r.status, 401);
    r.err("UNAUTHENTICATED");
}

#[tokio::test]
async fn a_citizen_is_created_on_first_login() {
    let w = world(Duration::from_secs(30), "sub").await;
    let born = chrono::NaiveDate::from_ymd_opt(1979, 4, 5).unwrap();
    let newcomer = &(100..500).find_map(|i| stafett_schema::national_id::generate(born, i, true)).unwrap();
    let token = w.citizen.sign(json!({ "aud": CITIZEN_AUD, "pid": newcomer, "acr": "idporten-loa-high" }));
    let me = w
        .app
        .gql_with_token(Some(&token), "{ me { kind nationalId } logs { edges { node { id } } } }", json!({}))
        .await;
    assert_eq!(me.ok()["me"]["nationalId"], newcomer.as_str());
    assert_eq!(me.data()["logs"]["edges"], json!([]));
    assert_eq!(w.app.count(&format!("SELECT count(*) AS n FROM citizen WHERE national_id = '{newcomer}'")).await, 1);
}

#[tokio::test]
async fn staff_are_matched_on_the_registered_external_id() {
    let w = world(Duration::from_secs(30), "sub").await;
    let token = w.staff.sign(json!({ "aud": STAFF_AUD, "sub": "demo-coordinator" }));
    let me = w.app.gql_with_token(Some(&token), "{ me { name kind } }", json!({})).await;
    assert_eq!(me.ok()["me"]["name"], "Ingrid Lærer");
    let stranger = w.staff.sign(json!({ "aud": STAFF_AUD, "sub": "someone-unregistered" }));
    let r = w.app.gql_with_token(Some(&stranger), "{ me { name } }", json!({})).await;
    assert_eq!(r.status, 403);
    assert!(r.err("FORBIDDEN").contains("not registered"), "a clear message: {:#}", r.body);
}

#[tokio::test]
async fn entra_style_staff_are_matched_on_the_configured_claim() {
    let w = world(Duration::from_secs(30), "oid").await;
    let token = w.staff.sign(json!({ "aud": STAFF_AUD, "sub": "pairwise-xyz", "oid": "demo-participant" }));
    let me = w.app.gql_with_token(Some(&token), "{ me { name } }", json!({})).await;
    assert_eq!(me.ok()["me"]["name"], "Hanne Helsesøster");
    let without = w.staff.sign(json!({ "aud": STAFF_AUD, "sub": "demo-participant" }));
    w.app.gql_with_token(Some(&without), "{ me { name } }", json!({})).await.err("UNAUTHENTICATED");
}

/// Every case of the negative suite must be UNAUTHENTICATED (401).
#[tokio::test]
async fn the_negative_suite_is_unauthenticated() {
    let w = world(Duration::from_secs(30), "sub").await;
    let now = chrono::Utc::now().timestamp();
    let key = w.citizen.key();
    let with = |patch: Value| {
        let mut c = guardian_claims();
        for (k, v) in patch.as_object().unwrap() {
            if v.is_null() {
                c.as_object_mut().unwrap().remove(k);
            } else {
                c[k] = v.clone();
            }
        }
        c
    };
    let valid = w.citizen.sign(guardian_claims());
    let hs256 = {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(key.kid.clone());
        let mut claims = guardian_claims();
        claims["iss"] = json!(w.citizen.url);
        claims["iat"] = json!(now);
        claims["exp"] = json!(now + 600);
        jsonwebtoken::encode(&header, &claims, &EncodingKey::from_secret(key.public_pem.as_bytes())).unwrap()
    };
    let stranger_key = TestKey::rsa("unknown-kid");
    let cases: Vec<(&str, String)> = vec![
        ("wrong issuer", w.citizen.sign(with(json!({ "iss": "http://127.0.0.1:9/other" })))),
        ("wrong audience", w.citizen.sign(with(json!({ "aud": "someone-else" })))),
        ("expired", w.citizen.sign(with(json!({ "iat": now - 3600, "exp": now - 120 })))),
        ("not yet valid", w.citizen.sign(with(json!({ "nbf": now + 300 })))),
        ("issued in the future", w.citizen.sign(with(json!({ "iat": now + 300, "exp": now + 900 })))),
        (
            "alg: none",
            unsigned(
                json!({ "alg": "none", "typ": "JWT" }),
                with(json!({ "iss": w.citizen.url, "iat": now, "exp": now + 600 })),
            ),
        ),
        ("HS256 signed with the public key as secret", hs256),
        ("unknown kid", w.citizen.sign_with(&stranger_key, guardian_claims())),
        (
            "tampered payload",
            tampered(
                &valid,
                with(json!({ "iss": w.citizen.url, "pid": pid("guardian2"), "iat": now, "exp": now + 600 })),
            ),
        ),
        ("acr too low", w.citizen.sign(with(json!({ "acr": "idporten-loa-substantial" })))),
        ("no acr", w.citizen.sign(with(json!({ "acr": null })))),
        ("citizen token without pid", w.citizen.sign(with(json!({ "pid": null })))),
        ("a staff token presented as a citizen's", w.staff.sign(with(json!({ "iss": w.citizen.url })))),
        ("a staff token with the citizen audience", w.staff.sign(with(json!({ "aud": CITIZEN_AUD })))),
        ("not a JWT", "abc.def".into()),
    ];
    let mut failures = Vec::new();
    for (name, token) in &cases {
        let r = emma(&w, token).await;
        if r.status != 401 || r.codes() != vec!["UNAUTHENTICATED"] || !r.data().is_null() {
            failures.push(format!("{name}: {} {}", r.status, r.body));
        }
    }
    assert!(failures.is_empty(), "accepted or wrongly refused:\n{}", failures.join("\n"));
    // The valid token really is valid: the suite refuses for the stated reasons.
    emma(&w, &valid).await.ok();
}

#[tokio::test]
async fn rotated_keys_are_picked_up_without_a_restart() {
    let w = world(Duration::from_millis(200), "sub").await;
    emma(&w, &w.citizen.sign(guardian_claims())).await.ok();
    w.citizen.rotate(TestKey::rsa("idporten-2"));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let r = emma(&w, &w.citizen.sign(guardian_claims())).await;
    assert_eq!(r.ok()["log"]["child"]["name"], "Emma Nordmann", "a token signed with the new key");
}

#[tokio::test]
async fn forged_key_ids_do_not_make_the_server_hammer_the_issuer() {
    let w = world(Duration::from_secs(30), "sub").await;
    emma(&w, &w.citizen.sign(guardian_claims())).await.ok();
    let before = w.citizen.jwks_fetches();
    for i in 0..30 {
        let forged = TestKey::ec(&format!("forged-{i}"));
        let token = w.citizen.sign_with(&forged, guardian_claims());
        emma(&w, &token).await.err("UNAUTHENTICATED");
    }
    assert!(w.citizen.jwks_fetches() - before <= 1, "{} fetches for 30 forged kids", w.citizen.jwks_fetches() - before);
}

#[tokio::test]
async fn websockets_verify_the_init_token_and_end_when_it_expires() {
    let w = world(Duration::from_secs(30), "sub").await;
    let addr = w.app.serve().await;
    // A rejected token closes with 4403.
    let mut rejected = WsClient::open(addr).await;
    let mut low = guardian_claims();
    low["acr"] = json!("idporten-loa-substantial");
    rejected.send(json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {}", w.citizen.sign(low)) } })).await;
    assert_eq!(rejected.closed(Duration::from_secs(5)).await.code, 4403);
    // A valid one that expires in two seconds: its subscriptions end with the connection (4403).
    let now = chrono::Utc::now().timestamp();
    let mut short = guardian_claims();
    short["exp"] = json!(now + 2);
    let mut client = WsClient::connect(addr, &w.citizen.sign(short)).await;
    client
        .subscribe("m", "subscription($l: ID) { messageAdded(logId: $l) { cursor } }", json!({ "l": EMMA_LOG }))
        .await;
    let closed = client.closed(Duration::from_secs(6)).await;
    assert_eq!(closed.code, 4403, "{closed:?}");
    assert!(closed.reason.contains("expired"), "{closed:?}");
}

#[tokio::test]
async fn serve_refuses_development_auth_unless_forced() {
    let bin = stafett_tests::process::server_binary();
    let db = stafett_tests::TestDb::new(Fixture::Empty).await;
    let refused = std::process::Command::new(&bin)
        .arg("serve")
        .env("DATABASE_URL", &db.url)
        .env("STAFETT_ADDR", format!("127.0.0.1:{}", stafett_tests::process::free_port()))
        .env("STAFETT_DEV_AUTH", "true")
        .env_remove("STAFETT_DEV_AUTH_FORCE")
        .output()
        .expect("runs");
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("STAFETT_DEV_AUTH_FORCE"), "{err}");
    let forced = stafett_tests::process::ServerProcess::start(&db.url, None, &[]).await;
    assert!(forced.log_text().contains("DEVELOPMENT AUTH IS ON"), "a loud warning: {}", forced.log_text());
}

/// Issue 14.10: RFC 7515 §4.1.11 — a token whose `crit` header names an
/// extension the recipient does not understand must be rejected; it was accepted.
#[tokio::test]
async fn a_token_with_a_critical_header_extension_is_rejected() {
    let w = world(Duration::from_secs(30), "sub").await;
    let key = w.citizen.key();
    let now = chrono::Utc::now().timestamp();
    let mut claims = guardian_claims();
    claims["iss"] = json!(w.citizen.url);
    claims["iat"] = json!(now);
    claims["exp"] = json!(now + 600);
    let mut header = Header::new(key.alg);
    header.kid = Some(key.kid.clone());
    assert_eq!(emma(&w, &jsonwebtoken::encode(&header, &claims, &key.encoding).unwrap()).await.status, 200);
    header.crit = Some(vec!["exp-unknown".into()]);
    let r = emma(&w, &jsonwebtoken::encode(&header, &claims, &key.encoding).unwrap()).await;
    assert_eq!(r.status, 401, "{:#}", r.body);
    r.err("UNAUTHENTICATED");
}
