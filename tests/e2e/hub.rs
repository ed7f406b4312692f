//! The event hub against PostgreSQL, without a relay: the app is not served,
//! so nothing but the test offers the hub events. A gap is filled from the
//! database before what comes after it, once; a catch-up reads page after
//! page (500 a page) until it has everything.

use diesel_async::SimpleAsyncConnection;
use stafett_schema::events::StoredEvent;
use stafett_tests::TestApp;
use stafett_tests::ids::EMMA_LOG;
use std::sync::Arc;
use tokio::sync::broadcast::Receiver;

/// Writes `n` events for Emma's log and sequences them, as a relay would.
async fn sequenced(app: &TestApp, n: i64) {
    let mut conn = app.conn().await;
    conn.batch_execute(&format!(
        "INSERT INTO event (log_id, kind, payload, created_at)
         SELECT '{EMMA_LOG}', 'MESSAGE_READ', '{{}}'::jsonb, now() FROM generate_series(1, {n})"
    ))
    .await
    .expect("events");
    let mut left = n;
    while left > 0 {
        left -= stafett_schema::db::events::sequence_batch(&mut conn, 10_000).await.expect("sequence").len() as i64;
    }
}

/// What the receiver holds now, as seqs.
fn received(rx: &mut Receiver<Arc<StoredEvent>>) -> Vec<i64> {
    std::iter::from_fn(|| rx.try_recv().ok()).map(|e| e.seq).collect()
}

#[tokio::test]
async fn an_event_after_a_gap_comes_after_the_gap_filled_from_the_database_once() {
    let app = TestApp::demo().await;
    let hub = &app.state.hub;
    let start = hub.last_seq();
    let (mut all, _) = hub.subscribe();
    let (mut emma, _) = hub.subscribe_log(EMMA_LOG);
    sequenced(&app, 3).await;
    // Only the third is offered (its doorbell came first): the first two are read from PostgreSQL.
    let third = hub.replay(start + 2, None, 1).await.expect("replay");
    assert_eq!(third.iter().map(|e| e.seq).collect::<Vec<_>>(), [start + 3]);
    hub.offer(third.clone()).await.expect("offer");
    let expected: Vec<i64> = (start + 1..=start + 3).collect();
    assert_eq!(received(&mut all), expected, "in order, each once");
    assert_eq!(received(&mut emma), expected, "the log's own channel likewise");
    // Offered again (another instance's doorbell): nothing new.
    hub.offer(third).await.expect("offer");
    assert_eq!(received(&mut all), Vec::<i64>::new());
    assert_eq!(hub.last_seq(), start + 3);
}

#[tokio::test]
async fn a_catch_up_reads_every_page_until_it_has_everything() {
    let app = TestApp::demo().await;
    let hub = &app.state.hub;
    let start = hub.last_seq();
    let (mut all, _) = hub.subscribe();
    // Two full pages and a part: a catch-up that stops after a page, or at
    // a page exactly full, leaves events behind.
    let n = 2 * stafett_schema::events::hub::PAGE + 101;
    sequenced(&app, n).await;
    hub.catch_up().await.expect("catch up");
    let got = received(&mut all);
    assert_eq!(got.len() as i64, n, "every event");
    assert_eq!(got, (start + 1..=start + n).collect::<Vec<_>>(), "in order, each once");
    assert_eq!(hub.last_seq(), start + n);
}
