//! Test support: a database per test, cloned from a migrated template (with
//! or without the demo data), and the real router called in-process.
//!
//! Templates are built once per migration set, demo data and day (the demo
//! places deadlines relative to today), under a PostgreSQL advisory lock so
//! parallel test processes build each template once.

use axum::Router;
pub mod oidc;
pub mod process;
pub mod world;
pub mod ws;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use stafett_server::auth::dev::DevKeys;
use stafett_server::config::{Config, DevAuthConfig};
use stafett_server::demo::Persona;
use stafett_server::{App, AppState, db, demo};
use std::hash::{Hash, Hasher};
use std::time::Duration;
use tower::ServiceExt;
use uuid::Uuid;

/// The PostgreSQL server tests use; override with `STAFETT_TEST_PG`.
pub fn server_url() -> String {
    std::env::var("STAFETT_TEST_PG").unwrap_or_else(|_| "postgres://localhost".into())
}

/// A database of one test's own, dropped when the test ends.
pub struct TestDb {
    pub url: String,
    name: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Fixture {
    /// migrations only
    Empty,
    /// migrations and the demo municipality
    Demo,
}

impl TestDb {
    pub async fn new(fixture: Fixture) -> TestDb {
        let template = ensure_template(fixture).await;
        let name = format!("stafett_test_{}", Uuid::new_v4().simple());
        let mut admin = admin_conn().await;
        // CREATE DATABASE … TEMPLATE fails while another session copies the
        // same template at the same instant; retry briefly.
        let mut attempts = 0;
        loop {
            match admin.batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {template}")).await {
                Ok(()) => break,
                Err(e) if attempts < 50 => {
                    attempts += 1;
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("cannot create test database from {template}: {e}"),
            }
        }
        TestDb { url: format!("{}/{name}", server_url()), name }
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let name = self.name.clone();
        // Drop runs outside async; use a small runtime of its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            rt.block_on(async {
                if let Ok(mut admin) = AsyncPgConnection::establish(&format!("{}/postgres", server_url())).await {
                    let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
                }
            });
        })
        .join();
    }
}

async fn admin_conn() -> AsyncPgConnection {
    AsyncPgConnection::establish(&format!("{}/postgres", server_url()))
        .await
        .expect("PostgreSQL must run on 127.0.0.1:5432 (see README)")
}

/// A hash of everything a template's content depends on.
fn template_key(fixture: Fixture) -> u64 {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let mut files: Vec<_> = walk(&root.join("migrations"));
    if fixture == Fixture::Demo {
        files.push(root.join("server/src/demo.rs"));
        chrono::Utc::now().date_naive().hash(&mut h);
    }
    files.sort();
    for f in files {
        f.file_name().hash(&mut h);
        std::fs::read(&f).unwrap_or_default().hash(&mut h);
    }
    (fixture == Fixture::Demo).hash(&mut h);
    h.finish() & 0x7fff_ffff_ffff_ffff
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

async fn ensure_template(fixture: Fixture) -> String {
    let key = template_key(fixture);
    let prefix = if fixture == Fixture::Demo { "stafett_tpl_demo" } else { "stafett_tpl" };
    let template = format!("{prefix}_{key:x}");
    let mut admin = admin_conn().await;
    #[derive(QueryableByName)]
    struct Found {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        found: bool,
    }
    let exists = |name: String| {
        diesel::sql_query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS found")
            .bind::<diesel::sql_types::Text, _>(name)
    };
    if exists(template.clone()).get_result::<Found>(&mut admin).await.expect("query").found {
        return template;
    }
    admin.batch_execute(&format!("SELECT pg_advisory_lock({key})")).await.expect("lock");
    if !exists(template.clone()).get_result::<Found>(&mut admin).await.expect("query").found {
        let building = format!("{template}_building");
        admin.batch_execute(&format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)")).await.expect("drop");
        admin.batch_execute(&format!("CREATE DATABASE {building}")).await.expect("create template");
        let url = format!("{}/{building}", server_url());
        db::migrate(&url).await.expect("migrate template");
        if fixture == Fixture::Demo {
            let mut conn = AsyncPgConnection::establish(&url).await.expect("connect template");
            demo::seed(&mut conn).await.expect("seed demo");
        }
        // Publish atomically: a template name only ever names a finished template.
        admin
            .batch_execute(&format!("ALTER DATABASE {building} RENAME TO {template}"))
            .await
            .expect("publish template");
    }
    admin.batch_execute(&format!("SELECT pg_advisory_unlock({key})")).await.expect("unlock");
    template
}

/// The configuration tests run with: `serve` defaults plus development tokens.
pub fn test_config(url: &str) -> Config {
    let mut config = Config::from_environment().expect("the settings' defaults");
    config.addr = "127.0.0.1:0".parse().expect("addr");
    config.database.url = url.to_owned();
    config.database.pool_size = 4;
    config.database.statement_timeout = Duration::from_secs(10);
    config.database.acquire_timeout = Duration::from_secs(10);
    config.redis_url = None;
    config.dev_auth = DevAuthConfig { enabled: true, forced: true };
    // Tests change roles and expect to see it at once.
    config.principal_cache = Duration::ZERO;
    config
}

/// The app on a database of its own, called in-process.
pub struct TestApp {
    pub state: AppState,
    pub router: Router,
    pub db: TestDb,
}

/// The field of a mutation's payload that holds the object it wrote
/// (`postMessage { message }`); `None` for `setConsentAge`, whose payload
/// holds plain values.
pub fn payload_object(mutation: &str) -> Option<&'static str> {
    Some(match mutation {
        "createLog" | "updateLogText" | "closeLog" | "approveReopen" | "processDeletion" => "log",
        "requestReopen" => "reopenRequest",
        "requestDeletion" => "deletionRequest",
        "giveConsent" | "registerPaperConsent" | "withdrawConsent" | "registerConsentWithdrawal" => "consent",
        "addGuardian" | "updateGuardianContact" => "guardian",
        "proposeUnit" => "unitProposal",
        "addParticipant" | "removeParticipant" => "participant",
        "proposeHandover" | "acceptHandover" | "declineHandover" | "cancelHandover" => "handover",
        "addGoal" | "updateGoal" => "goal",
        "addMeasure" | "updateMeasure" => "measure",
        "addEvaluation" => "evaluation",
        "addComment" => "comment",
        "scheduleMeeting" | "recordMinutes" | "rescheduleMeeting" | "cancelMeeting" => "meeting",
        "addAgendaItem" => "agendaItem",
        "postMessage" | "markMessageRead" => "message",
        "registerStaff" => "staff",
        "createTemplate" | "updateTemplate" | "retireTemplate" => "template",
        _ => return None,
    })
}

/// Every field of an archive snapshot's typed `content`.
pub const SNAPSHOT_CONTENT: &str =
    "content { status presentation aboutMe childVoice initiative child { name birthDate }
    participants { name unit title coordinator } guardians { name }
    goals { area btiLevel description status evaluations { evaluatedOn body author }
        measures { description responsible deadline status evaluations { evaluatedOn body author } } }
    meetings { title startsAt location agenda status minutes } }";

/// The nodes of a connection's page (`{ edges { node } }`), in order; empty
/// when the connection is null or has no edges.
pub fn nodes(connection: &serde_json::Value) -> Vec<serde_json::Value> {
    connection["edges"].as_array().map(|edges| edges.iter().map(|e| e["node"].clone()).collect()).unwrap_or_default()
}

/// A GraphQL response, with helpers that fail the test with the whole body.
#[derive(Debug, Clone)]
pub struct Gql {
    pub status: StatusCode,
    pub body: Value,
}

impl Gql {
    pub fn data(&self) -> &Value {
        &self.body["data"]
    }

    pub fn errors(&self) -> Vec<Value> {
        self.body["errors"].as_array().cloned().unwrap_or_default()
    }

    /// The codes of all errors, in order.
    pub fn codes(&self) -> Vec<String> {
        self.errors().iter().map(|e| e["extensions"]["code"].as_str().unwrap_or("").to_owned()).collect()
    }

    /// The `userErrors` of every mutation payload in `data`, in order.
    pub fn user_errors(&self) -> Vec<Value> {
        let Some(fields) = self.data().as_object() else { return Vec::new() };
        fields.values().filter_map(|v| v["userErrors"].as_array()).flatten().cloned().collect()
    }

    /// Asserts there are no errors, top-level or in a payload's
    /// `userErrors`, and returns `data`.
    pub fn ok(&self) -> &Value {
        assert!(self.errors().is_empty(), "unexpected errors: {:#}", self.body);
        assert!(self.user_errors().is_empty(), "unexpected userErrors: {:#}", self.body);
        self.data()
    }

    /// Asserts the mutation refused its input with one user error of `code`
    /// (BAD_USER_INPUT or CONFLICT), no top-level error, and returns its message.
    pub fn user_err(&self, code: &str) -> String {
        assert!(self.errors().is_empty(), "expected a user error {code}, got errors: {:#}", self.body);
        let errors = self.user_errors();
        let codes: Vec<&str> = errors.iter().map(|e| e["code"].as_str().unwrap_or("")).collect();
        assert_eq!(codes, vec![code], "expected one user error {code}: {:#}", self.body);
        errors[0]["message"].as_str().unwrap_or("").to_owned()
    }

    /// The single refusal's code, wherever the API puts it: a top-level
    /// error's `extensions.code`, or a payload's `userErrors` code. For
    /// tables of cases that expect either; it asserts the rule of issue 17:
    /// BAD_USER_INPUT and CONFLICT only as user errors, every other code
    /// only top-level.
    pub fn refusal(&self) -> Option<String> {
        let top = self.codes();
        let user: Vec<String> =
            self.user_errors().iter().map(|e| e["code"].as_str().unwrap_or("").to_owned()).collect();
        for c in &top {
            assert!(!matches!(c.as_str(), "CONFLICT"), "CONFLICT as a top-level error: {:#}", self.body);
        }
        assert!(top.len() + user.len() <= 1, "more than one refusal: {:#}", self.body);
        top.into_iter().chain(user).next()
    }

    /// The single refusal's message, wherever it is (see [`Gql::refusal`]).
    pub fn refusal_message(&self) -> Option<String> {
        self.errors()
            .into_iter()
            .chain(self.user_errors())
            .next()
            .map(|e| e["message"].as_str().unwrap_or("").to_owned())
    }

    /// Nothing was answered but refusals: `data` is null, or each field is
    /// null or a payload whose fields but `userErrors` are all null.
    pub fn no_data(&self) -> bool {
        let Some(fields) = self.data().as_object() else { return true };
        fields.values().all(|v| match v.as_object() {
            None => v.is_null(),
            Some(payload) => {
                v.get("userErrors").is_some() && payload.iter().all(|(k, x)| k == "userErrors" || x.is_null())
            }
        })
    }

    /// Asserts the single error has `code` and returns its message.
    pub fn err(&self, code: &str) -> String {
        let errors = self.errors();
        assert_eq!(self.codes(), vec![code], "expected one {code}: {:#}", self.body);
        errors[0]["message"].as_str().unwrap_or("").to_owned()
    }
}

impl TestApp {
    pub async fn new(fixture: Fixture) -> TestApp {
        Self::with(fixture, |_| {}).await
    }

    /// An app whose test configuration `configure` may change first.
    pub async fn with(fixture: Fixture, configure: impl FnOnce(&mut Config)) -> TestApp {
        let db = TestDb::new(fixture).await;
        let mut config = test_config(&db.url);
        configure(&mut config);
        let queries = db::QueryCounter::default();
        let pool = db::pool(&config.database, queries.clone()).expect("pool");
        let state = App::with_pool(config, pool, queries).await.expect("app");
        let router = stafett_server::http::router(state.clone());
        TestApp { state, router, db }
    }

    /// Serves the app on a loopback port with its background tasks (relay,
    /// catch-up, deadline sweep), for websocket tests. Stops when the app drops.
    pub async fn serve(&self) -> std::net::SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        self.state.spawn_background();
        let router = self.router.clone();
        let stop = self.state.shutdown.clone();
        tokio::spawn(async move {
            axum::serve(listener, router).with_graceful_shutdown(async move { stop.cancelled().await }).await.ok();
        });
        addr
    }

    pub async fn demo() -> TestApp {
        Self::new(Fixture::Demo).await
    }

    pub async fn empty() -> TestApp {
        Self::new(Fixture::Empty).await
    }

    /// A bearer token for a demo persona.
    pub fn token(persona: &str) -> String {
        let p = Persona::find(persona).unwrap_or_else(|| panic!("no persona {persona}"));
        DevKeys::default().issue(&p.identity(), 3600)
    }

    /// A development token for any citizen (by national id) or staff member (by external id).
    pub fn token_for(identity: &stafett_schema::Identity) -> String {
        DevKeys::default().issue(identity, 3600)
    }

    /// The database's today (`current_date`): the day the request-time
    /// rules (the 18th birthday, overdue measures) read.
    pub async fn today(&self) -> chrono::NaiveDate {
        #[derive(diesel::QueryableByName)]
        struct Day {
            #[diesel(sql_type = diesel::sql_types::Date)]
            day: chrono::NaiveDate,
        }
        let mut conn = self.conn().await;
        let d: Day = diesel_async::RunQueryDsl::get_result(diesel::sql_query("SELECT current_date AS day"), &mut conn)
            .await
            .expect("today");
        d.day
    }

    /// SQL statements the app has sent so far; diff around a request to count its round trips.
    pub fn queries(&self) -> u64 {
        self.state.queries.get()
    }

    /// The messages of `kind` about `meeting` that the persona reads in a
    /// log, newest first: each with its `body` and `recipients { id }`.
    pub async fn meeting_messages(&self, persona: &str, log: Uuid, kind: &str, meeting: &str) -> Vec<Value> {
        let r = self
            .gql(
                persona,
                "query($l: ID!) { log(id: $l) { messages(first: 100) { edges { node { kind body recipients { id } meeting { id } } } } } }",
                serde_json::json!({ "l": log }),
            )
            .await;
        nodes(&r.ok()["log"]["messages"])
            .into_iter()
            .filter(|m| m["kind"] == kind && m["meeting"]["id"] == meeting)
            .collect()
    }

    /// Runs a GraphQL operation as a demo persona.
    pub async fn gql(&self, persona: &str, query: &str, variables: Value) -> Gql {
        self.gql_with_token(Some(&Self::token(persona)), query, variables).await
    }

    pub async fn gql_with_token(&self, token: Option<&str>, query: &str, variables: Value) -> Gql {
        let mut req = Request::post("/graphql")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/graphql-response+json");
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let body = json!({ "query": query, "variables": variables }).to_string();
        let (status, _, body) = self.send(req.body(Body::from(body)).expect("request")).await;
        Gql {
            status,
            body: serde_json::from_slice(&body).unwrap_or_else(|_| json!({ "raw": String::from_utf8_lossy(&body) })),
        }
    }

    /// Sends any request through the router.
    pub async fn send(&self, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let response = self.router.clone().oneshot(req).await.expect("router never fails");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.expect("body").to_bytes().to_vec();
        (status, headers, body)
    }

    /// A direct connection to the test's database, for assertions on stored state.
    pub async fn conn(&self) -> AsyncPgConnection {
        AsyncPgConnection::establish(&self.db.url).await.expect("connect")
    }

    /// Runs SQL returning one bigint, e.g. a count.
    pub async fn count(&self, sql: &str) -> i64 {
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut conn = self.conn().await;
        diesel::sql_query(sql).get_result::<N>(&mut conn).await.unwrap_or_else(|e| panic!("{sql}: {e}")).n
    }

    /// The one uuid a test's own SQL selects as `id`, for looking up fixture
    /// rows the API does not name (panics with the statement if there is none).
    pub async fn uuid(&self, sql: &str) -> Uuid {
        #[derive(QueryableByName)]
        struct Id {
            #[diesel(sql_type = diesel::sql_types::Uuid)]
            id: Uuid,
        }
        let mut conn = self.conn().await;
        diesel::sql_query(sql).get_result::<Id>(&mut conn).await.unwrap_or_else(|e| panic!("{sql}: {e}")).id
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.state.shutdown.cancel();
        self.state.background.cancel();
    }
}

/// Ids of the demo data.
pub mod ids {
    pub use stafett_server::demo::{EMMA, EMMA_LOG, HEALTH_STATION, JONAS, JONAS_LOG, NORA_LOG, PPT, SARA_LOG, SCHOOL};

    pub fn person(handle: &str) -> uuid::Uuid {
        stafett_server::demo::Persona::find(handle).expect("persona").person_id
    }
}
