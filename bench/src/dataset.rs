//! A realistic dataset, generated in PostgreSQL with set-based SQL: N logs
//! across several municipalities, each with 8 participants, 10 goals × 5
//! measures with deadlines, evaluations, 5 meetings, 200 messages and an
//! access log. Ids are md5-derived, so the bench can name them without
//! reading them all back.

use anyhow::Result;
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use std::time::Instant;

/// Municipalities the logs are spread over.
pub const MUNICIPALITIES: usize = 8;
/// Staff per unit; six units per municipality.
pub const STAFF_PER_UNIT: usize = 40;
pub const PARTICIPANTS: usize = 8;
pub const MESSAGES: usize = 200;
/// Unit kinds, the first being every log's home unit.
const KINDS: [&str; 6] = ["SCHOOL", "HEALTH_STATION", "PPT", "CHILD_WELFARE", "KINDERGARTEN", "NAV"];

/// The external id of participant `j` (0 = the coordinator) of log `i`.
pub fn participant_external_id(i: usize, j: usize) -> String {
    let (m, k, s) = participant_staff(i, j);
    format!("bench-s{m}-{k}-{s}")
}

/// (municipality, unit kind index, staff index) of participant `j` of log
/// `i` (1-based); mirrors the `participants` statement below.
fn participant_staff(i: usize, j: usize) -> (usize, usize, usize) {
    let m = 1 + i % MUNICIPALITIES;
    let k = if j < 3 { 1 } else { j - 1 }; // three from the school, then one per other unit
    let s = 1 + (i * 7 + j * 13) % STAFF_PER_UNIT;
    (m, k, s)
}

/// Drops and creates `database`, migrates it and fills it with `logs` logs.
pub async fn generate(server_url: &str, database: &str, logs: usize) -> Result<()> {
    let started = Instant::now();
    let mut admin = AsyncPgConnection::establish(&format!("{server_url}/postgres")).await?;
    // Separately: several statements in one batch run as one transaction, which DROP DATABASE refuses.
    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)")).await?;
    admin.batch_execute(&format!("CREATE DATABASE {database}")).await?;
    let url = format!("{server_url}/{database}");
    stafett_server::db::migrate(&url).await?;
    let mut conn = AsyncPgConnection::establish(&url).await?;
    eprintln!("generating {logs} logs in {database} …");
    // Secondary indexes are built once after the load: maintaining them row
    // by row made 100,000 logs (20 M messages) take over 12 minutes.
    let indexes = secondary_indexes(&mut conn).await?;
    let drop = indexes.iter().map(|(name, _)| format!("DROP INDEX {name};")).collect::<String>();
    let create = indexes.iter().map(|(_, def)| format!("{def};")).collect::<String>();
    let mut steps = vec![("drop secondary indexes", drop)];
    steps.extend(statements(logs));
    steps.push(("rebuild secondary indexes", format!("SET maintenance_work_mem = '512MB';{create}")));
    // VACUUM refuses a transaction block, so it is a statement of its own.
    steps.push(("analyze", "VACUUM ANALYZE".into()));
    for (what, sql) in steps {
        let t = Instant::now();
        conn.batch_execute(&sql).await.map_err(|e| anyhow::anyhow!("{what}: {e}"))?;
        eprintln!("  {what:<28} {:>7.1} s", t.elapsed().as_secs_f64());
    }
    eprintln!("generated in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn statements(n: usize) -> Vec<(&'static str, String)> {
    let m = MUNICIPALITIES;
    let s = STAFF_PER_UNIT;
    let kinds = KINDS.iter().map(|k| format!("'{k}'")).collect::<Vec<_>>().join(",");
    let p = PARTICIPANTS;
    let msgs = MESSAGES;
    vec![
        // Triggers and foreign keys off while loading: the data is consistent by construction.
        ("session", "SET session_replication_role = replica; SET synchronous_commit = off;".into()),
        ("municipalities", format!("INSERT INTO municipality (id, name) SELECT md5('m'||m)::uuid, 'Kommune '||m FROM generate_series(1,{m}) m;")),
        (
            "units",
            format!(
                "INSERT INTO unit (id, municipality_id, name, service_kind)
                 SELECT md5('u'||m||'-'||k)::uuid, md5('m'||m)::uuid, (ARRAY[{kinds}])[k]||' '||m, (ARRAY[{kinds}])[k]
                   FROM generate_series(1,{m}) m, generate_series(1,6) k;"
            ),
        ),
        (
            "staff",
            format!(
                "INSERT INTO person (id, kind, name, phone, email)
                 SELECT md5('s'||m||'-'||k||'-'||s)::uuid, 'STAFF', 'Ansatt '||m||'-'||k||'-'||s, '+47 400 00 000', 'a@k.no'
                   FROM generate_series(1,{m}) m, generate_series(1,6) k, generate_series(1,{s}) s;
                 INSERT INTO staff (person_id, municipality_id, external_id)
                 SELECT md5('s'||m||'-'||k||'-'||s)::uuid, md5('m'||m)::uuid, 'bench-s'||m||'-'||k||'-'||s
                   FROM generate_series(1,{m}) m, generate_series(1,6) k, generate_series(1,{s}) s;
                 INSERT INTO staff_unit_role (staff_id, unit_id, role)
                 SELECT md5('s'||m||'-'||k||'-'||s)::uuid, md5('u'||m||'-'||k)::uuid, 'EMPLOYEE'
                   FROM generate_series(1,{m}) m, generate_series(1,6) k, generate_series(1,{s}) s;"
            ),
        ),
        (
            "children and logs",
            format!(
                "INSERT INTO child (id, municipality_id, name, national_id, birth_date)
                 SELECT md5('c'||i)::uuid, md5('m'||(1+i%{m}))::uuid, 'Barn '||i, '1'||lpad(i::text,10,'0'),
                        current_date - (365 + i % 4000)
                   FROM generate_series(1,{n}) i;
                 INSERT INTO log (id, municipality_id, unit_id, child_id, status, presentation, about_me, child_voice,
                                  initiative, created_by, created_at)
                 SELECT md5('log'||i)::uuid, md5('m'||(1+i%{m}))::uuid, md5('u'||(1+i%{m})||'-1')::uuid, md5('c'||i)::uuid,
                        'ACTIVE', 'Presentasjon av barnet '||i, 'Om meg', 'Barnets stemme', 'Bakgrunn',
                        md5('s'||(1+i%{m})||'-1-1')::uuid, now() - (i % 900) * interval '1 hour'
                   FROM generate_series(1,{n}) i;"
            ),
        ),
        (
            "guardians and consents",
            format!(
                "INSERT INTO person (id, kind, name) SELECT md5('g'||i||'-'||g)::uuid, 'CITIZEN', 'Forelder '||i||'-'||g
                   FROM generate_series(1,{n}) i, generate_series(1,2) g;
                 INSERT INTO citizen (person_id, national_id)
                 SELECT md5('g'||i||'-'||g)::uuid, (1+g)::text||lpad(i::text,10,'0') FROM generate_series(1,{n}) i, generate_series(1,2) g;
                 INSERT INTO guardian (log_id, citizen_id, added_by)
                 SELECT md5('log'||i)::uuid, md5('g'||i||'-'||g)::uuid, md5('s'||(1+i%{m})||'-1-1')::uuid
                   FROM generate_series(1,{n}) i, generate_series(1,2) g;
                 INSERT INTO consent (id, log_id, scope, given_by, method)
                 SELECT md5('cl'||i||'-'||g)::uuid, md5('log'||i)::uuid, 'LOG', md5('g'||i||'-'||g)::uuid, 'DIGITAL'
                   FROM generate_series(1,{n}) i, generate_series(1,2) g;
                 INSERT INTO unit_proposal (id, log_id, unit_id, proposed_by)
                 SELECT md5('up'||i||'-'||k)::uuid, md5('log'||i)::uuid, md5('u'||(1+i%{m})||'-'||k)::uuid, md5('s'||(1+i%{m})||'-1-1')::uuid
                   FROM generate_series(1,{n}) i, generate_series(2,6) k;
                 INSERT INTO consent (id, log_id, scope, unit_id, given_by, method)
                 SELECT md5('cu'||i||'-'||k)::uuid, md5('log'||i)::uuid, 'UNIT', md5('u'||(1+i%{m})||'-'||k)::uuid,
                        md5('g'||i||'-1')::uuid, 'DIGITAL'
                   FROM generate_series(1,{n}) i, generate_series(2,6) k;"
            ),
        ),
        (
            "participants",
            // j = 0..7: three from the school (j 0–2, j 0 coordinates), then units 2–6.
            format!(
                "INSERT INTO participant (id, log_id, staff_id, unit_id, title, added_by)
                 SELECT md5('p'||i||'-'||j)::uuid, md5('log'||i)::uuid,
                        md5('s'||(1+i%{m})||'-'||(CASE WHEN j < 3 THEN 1 ELSE j - 1 END)||'-'||(1+(i*7+j*13)%{s}))::uuid,
                        md5('u'||(1+i%{m})||'-'||(CASE WHEN j < 3 THEN 1 ELSE j - 1 END))::uuid,
                        'Tittel', md5('s'||(1+i%{m})||'-1-1')::uuid
                   FROM generate_series(1,{n}) i, generate_series(0,{p1}) j;
                 INSERT INTO coordinator_term (id, log_id, participant_id, staff_id)
                 SELECT md5('ct'||i)::uuid, md5('log'||i)::uuid, md5('p'||i||'-0')::uuid,
                        md5('s'||(1+i%{m})||'-1-'||(1+(i*7)%{s}))::uuid
                   FROM generate_series(1,{n}) i;",
                p1 = p - 1
            ),
        ),
        (
            "goals and measures",
            format!(
                "INSERT INTO goal (id, log_id, area, bti_level, description, created_by)
                 SELECT md5('go'||i||'-'||g)::uuid, md5('log'||i)::uuid,
                        (ARRAY['HOME_LEISURE','KINDERGARTEN_SCHOOL','OTHER_SERVICES'])[1+g%3], 1+g%3, 'Mål '||g||' for barn '||i,
                        md5('s'||(1+i%{m})||'-1-1')::uuid
                   FROM generate_series(1,{n}) i, generate_series(1,10) g;
                 INSERT INTO measure (id, log_id, goal_id, description, responsible_id, deadline, status, created_by,
                                      overdue_emitted_for, due_soon_emitted_for)
                 SELECT md5('me'||i||'-'||g||'-'||k)::uuid, md5('log'||i)::uuid, md5('go'||i||'-'||g)::uuid,
                        'Tiltak '||k||' under mål '||g,
                        md5('s'||(1+i%{m})||'-'||(CASE WHEN k < 3 THEN 1 ELSE k END)||'-'||(1+(i*7+(CASE WHEN k < 3 THEN k ELSE k + 1 END)*13)%{s}))::uuid,
                        d, (ARRAY['PLANNED','IN_PROGRESS','DONE'])[1+(g+k)%3], md5('s'||(1+i%{m})||'-1-1')::uuid, d, d
                   FROM generate_series(1,{n}) i, generate_series(1,10) g, generate_series(1,5) k,
                        LATERAL (SELECT current_date + ((i*31+g*7+k*3) % 120 - 20) AS d) dd;
                 INSERT INTO evaluation (id, log_id, measure_id, body, author_id, evaluated_on)
                 SELECT gen_random_uuid(), m.log_id, m.id, 'Evaluering av tiltaket', m.responsible_id, current_date - 7
                   FROM measure m WHERE m.status <> 'PLANNED';"
            ),
        ),
        (
            "meetings",
            format!(
                "INSERT INTO meeting (id, log_id, title, starts_at, agenda, status, minutes, minutes_recorded_at, created_by)
                 SELECT md5('mt'||i||'-'||k)::uuid, md5('log'||i)::uuid, 'Samarbeidsmøte '||k,
                        now() + (k - 3) * interval '30 days', 'Saksliste',
                        CASE WHEN k <= 3 THEN 'HELD' ELSE 'SCHEDULED' END,
                        CASE WHEN k <= 3 THEN 'Referat fra møtet' END,
                        CASE WHEN k <= 3 THEN now() + (k - 3) * interval '30 days' END,
                        md5('s'||(1+i%{m})||'-1-'||(1+(i*7)%{s}))::uuid
                   FROM generate_series(1,{n}) i, generate_series(1,5) k;"
            ),
        ),
        (
            "messages",
            // Authors rotate over the participants and the guardians; one in ten is for one guardian only.
            format!(
                "INSERT INTO message (id, log_id, author_id, body, to_all, created_at)
                 SELECT md5('ms'||i||'-'||k)::uuid, md5('log'||i)::uuid,
                        CASE WHEN k % 5 = 0 THEN md5('g'||i||'-1')::uuid
                             ELSE md5('s'||(1+i%{m})||'-1-'||(1+(i*7)%{s}))::uuid END,
                        'Melding nummer '||k||' i loggen. Her står det litt tekst om hvordan det går.',
                        k % 10 <> 0, now() - ({msgs} - k) * interval '1 hour'
                   FROM generate_series(1,{n}) i, generate_series(1,{msgs}) k;
                 INSERT INTO message_recipient (message_id, person_id)
                 SELECT md5('ms'||i||'-'||k)::uuid, md5('g'||i||'-2')::uuid
                   FROM generate_series(1,{n}) i, generate_series(10,{msgs},10) k;"
            ),
        ),
        (
            "access log",
            format!(
                "INSERT INTO access_log (at, actor_id, actor_role, actor_unit_id, log_id, object_type, object_id, action)
                 SELECT now() - k * interval '1 hour', md5('s'||(1+i%{m})||'-1-'||(1+(i*7)%{s}))::uuid, 'COORDINATOR',
                        md5('u'||(1+i%{m})||'-1')::uuid, md5('log'||i)::uuid, 'LOG', md5('log'||i)::uuid, 'READ'
                   FROM generate_series(1,{n}) i, generate_series(1,20) k;"
            ),
        ),
        ("triggers back on", "SET session_replication_role = DEFAULT".into()),
    ]
}

/// Name and definition of every index not backing a constraint, on the
/// tables the generator fills.
async fn secondary_indexes(conn: &mut AsyncPgConnection) -> Result<Vec<(String, String)>> {
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        def: String,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
           FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
          WHERE n.nspname = 'public'
            AND t.relname IN ('message', 'message_recipient', 'access_log', 'measure', 'evaluation', 'meeting', 'goal',
                              'participant', 'consent')
            AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
    )
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.name, r.def)).collect())
}

/// The ids of the logs, in order, as the database computes them.
pub async fn log_ids(conn: &mut AsyncPgConnection, n: usize) -> Result<Vec<uuid::Uuid>> {
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Uuid)]
        id: uuid::Uuid,
    }
    let rows: Vec<Row> =
        diesel::sql_query(format!("SELECT md5('log'||i)::uuid AS id FROM generate_series(1,{n}) i ORDER BY i"))
            .load(conn)
            .await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}
