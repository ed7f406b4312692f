//! `Query.statistics`: the municipality's figures with no personal data.
//! The counts are added up here from `db::statistics`; what each may show
//! is `policy::disclosure`'s to say (counts of 1–4 as `<5`, a lone hidden
//! cell hidden with another, medians over 5 logs or more).

use crate::db::enums::{ClosingReason, GoalArea, LogStatus, ServiceKind};
use crate::db::statistics::{GoalCount, LogFacts, MeasureCounts};
use crate::policy::disclosure::{self, Shown};
use async_graphql::{ID, SimpleObject};
use std::collections::HashMap;
use uuid::Uuid;

/// A count as it may be shown. Counts of 1–4 are hidden (`count` null,
/// `shown` "<5"). So is a second cell of a breakdown where only one would
/// be, so that no hidden count is the total minus the others: a hidden cell
/// reads "<5" either way, and the few hidden for that second reason may
/// hold more (saying which would tell the first).
#[derive(SimpleObject, Clone, Debug, PartialEq)]
pub struct Tally {
    /// the number; null when it is hidden
    pub count: Option<i64>,
    /// the number as text, or "<5" when it is hidden
    pub shown: String,
}

impl Tally {
    fn new(shown: Shown) -> Tally {
        Tally { count: shown, shown: disclosure::text(shown) }
    }
}

/// A median in days, shown only over 5 logs or more.
#[derive(SimpleObject, Clone, Debug, PartialEq)]
pub struct MedianDays {
    /// the median, in days (one decimal); null over fewer than 5 logs
    pub days: Option<f64>,
    /// how many logs it is over
    pub logs: Tally,
}

/// Logs with one effective status.
#[derive(SimpleObject, Clone, Debug)]
pub struct StatusCount {
    /// the status as readers see it: an ACTIVE log whose consents lapsed is PASSIVE
    pub status: LogStatus,
    /// how many logs have it
    #[graphql(flatten)]
    pub tally: Tally,
}

/// Logs of units of one service kind.
#[derive(SimpleObject, Clone, Debug)]
pub struct ServiceKindCount {
    /// the service kind of the log's unit
    pub service_kind: ServiceKind,
    /// how many logs
    #[graphql(flatten)]
    pub tally: Tally,
}

/// Logs of one unit (the log's unit, where it was created).
#[derive(SimpleObject, Clone, Debug)]
pub struct UnitCount {
    /// the unit's id
    pub unit_id: ID,
    /// the unit's name
    pub unit_name: String,
    /// the unit's service kind
    pub service_kind: ServiceKind,
    /// how many logs
    #[graphql(flatten)]
    pub tally: Tally,
}

/// Goals at one BTI level.
#[derive(SimpleObject, Clone, Debug)]
pub struct BtiLevelCount {
    /// the level (1–3)
    pub bti_level: i32,
    /// how many goals
    #[graphql(flatten)]
    pub tally: Tally,
}

/// Goals in one area.
#[derive(SimpleObject, Clone, Debug)]
pub struct GoalAreaCount {
    /// the area
    pub area: GoalArea,
    /// how many goals
    #[graphql(flatten)]
    pub tally: Tally,
}

/// Closed logs with one closing reason.
#[derive(SimpleObject, Clone, Debug)]
pub struct ClosingReasonCount {
    /// the reason
    pub reason: ClosingReason,
    /// how many closed logs
    #[graphql(flatten)]
    pub tally: Tally,
}

/// Figures for the system owner (every municipality) and a municipal admin
/// (her own), with no personal data: counts and medians, never a log, a
/// child or a name of a person. Deleted logs count nowhere. Every count of
/// 1–4 is shown as "<5" (see `Tally`); `GET /statistics.csv` gives the
/// same figures for the municipality's reporting.
#[derive(SimpleObject, Clone, Debug)]
pub struct Statistics {
    /// the smallest count shown as a number (other than 0): 5
    pub suppression_threshold: i64,
    /// every log
    pub total_logs: Tally,
    /// one count for every status, zeros included: the effective status,
    /// so an ACTIVE log whose consents lapsed counts as PASSIVE
    pub logs_by_status: Vec<StatusCount>,
    /// one count for every service kind, by the log's unit
    pub logs_by_service_kind: Vec<ServiceKindCount>,
    /// one count for every unit, by name
    pub logs_by_unit: Vec<UnitCount>,
    /// goals by BTI level (1–3)
    pub goals_by_bti_level: Vec<BtiLevelCount>,
    /// goals by area
    pub goals_by_area: Vec<GoalAreaCount>,
    /// planned or in-progress measures in logs that are not closed
    pub open_measures: Tally,
    /// of those, the ones past their deadline
    pub overdue_measures: Tally,
    /// closed logs by why they closed
    pub closing_reasons: Vec<ClosingReasonCount>,
    /// days from a log's creation to its first ACTIVE status
    pub median_days_to_active: MedianDays,
    /// days from a log's creation to its first change of coordinator
    /// (a handover or an appointment)
    pub median_days_to_first_handover: MedianDays,
    /// days from a log's creation to its closing, over closed logs
    pub median_days_to_closing: MedianDays,
    /// deletion requests not yet processed (the municipal admin's work
    /// queue, which she reads in full in `openDeletionRequests`)
    pub open_deletion_requests: i64,
}

/// What the statements read, to be added up.
pub struct Facts {
    pub logs: Vec<LogFacts>,
    pub units: Vec<(Uuid, String, ServiceKind)>,
    pub goals: Vec<GoalCount>,
    pub measures: MeasureCounts,
    pub open_deletion_requests: i64,
}

/// Counts `keys` by `of`, in the order of `keys`, each as it may be shown.
fn tallies<K: PartialEq + Copy>(keys: &[K], items: impl Iterator<Item = (K, i64)>) -> Vec<(K, Tally)> {
    let mut counts = vec![0; keys.len()];
    for (k, n) in items {
        if let Some(i) = keys.iter().position(|x| *x == k) {
            counts[i] += n;
        }
    }
    keys.iter().copied().zip(disclosure::breakdown(&counts).into_iter().map(Tally::new)).collect()
}

fn median(values: impl Iterator<Item = Option<f64>>) -> MedianDays {
    let mut days: Vec<f64> = values.flatten().collect();
    let logs = Tally::new(disclosure::single(days.len() as i64));
    MedianDays { days: disclosure::median(&mut days).map(|d| (d * 10.0).round() / 10.0), logs }
}

impl Statistics {
    pub fn of(facts: Facts) -> Statistics {
        let Facts { logs, units, goals, measures, open_deletion_requests } = facts;
        let kind_of: HashMap<Uuid, ServiceKind> = units.iter().map(|(id, _, k)| (*id, *k)).collect();
        let logs_by_status: Vec<StatusCount> = tallies(LogStatus::ALL, logs.iter().map(|l| (l.status, 1)))
            .into_iter()
            .map(|(status, tally)| StatusCount { status, tally })
            .collect();
        // The closing reasons add up to the CLOSED count, and so does the
        // closing median's number of logs: when that count is hidden, they
        // hide what would give it away.
        let closed = logs_by_status.iter().find(|c| c.status == LogStatus::Closed).map(|c| c.tally.clone());
        let closed_hidden = closed.as_ref().is_some_and(|t| t.count.is_none());
        let logs_by_service_kind =
            tallies(ServiceKind::ALL, logs.iter().filter_map(|l| kind_of.get(&l.unit_id).map(|k| (*k, 1))))
                .into_iter()
                .map(|(service_kind, tally)| ServiceKindCount { service_kind, tally })
                .collect();
        // Units add up to their service kind's count: each kind's units are one breakdown.
        let mut logs_by_unit = Vec::with_capacity(units.len());
        for kind in ServiceKind::ALL {
            let of_kind: Vec<&(Uuid, String, ServiceKind)> = units.iter().filter(|u| u.2 == *kind).collect();
            let ids: Vec<Uuid> = of_kind.iter().map(|u| u.0).collect();
            let counted = tallies(&ids, logs.iter().map(|l| (l.unit_id, 1)));
            for ((id, name, service_kind), (_, tally)) in of_kind.into_iter().zip(counted) {
                logs_by_unit.push(UnitCount {
                    unit_id: crate::api::ids::id(*id),
                    unit_name: name.clone(),
                    service_kind: *service_kind,
                    tally,
                });
            }
        }
        logs_by_unit.sort_by(|a, b| a.unit_name.cmp(&b.unit_name).then(a.unit_id.cmp(&b.unit_id)));
        let levels = [1, 2, 3];
        let goals_by_bti_level = tallies(&levels, goals.iter().map(|g| (g.bti_level, g.n)))
            .into_iter()
            .map(|(bti_level, tally)| BtiLevelCount { bti_level, tally })
            .collect();
        let goals_by_area = tallies(GoalArea::ALL, goals.iter().map(|g| (g.area, g.n)))
            .into_iter()
            .map(|(area, tally)| GoalAreaCount { area, tally })
            .collect();
        // Open measures and the overdue among them: a breakdown into overdue and not.
        let measure_split = disclosure::breakdown(&[measures.overdue, measures.open - measures.overdue]);
        let closing_reasons = tallies(ClosingReason::ALL, logs.iter().filter_map(|l| l.closed_reason.map(|r| (r, 1))))
            .into_iter()
            .map(|(reason, tally)| match tally.count {
                Some(n) if closed_hidden && n > 0 => ClosingReasonCount { reason, tally: Tally::new(None) },
                _ => ClosingReasonCount { reason, tally },
            })
            .collect();
        let mut median_days_to_closing = median(logs.iter().map(|l| l.days_to_close));
        if closed_hidden {
            median_days_to_closing = MedianDays { days: None, logs: Tally::new(None) };
        }
        Statistics {
            suppression_threshold: disclosure::THRESHOLD,
            total_logs: Tally::new(disclosure::single(logs.len() as i64)),
            logs_by_status,
            logs_by_service_kind,
            logs_by_unit,
            goals_by_bti_level,
            goals_by_area,
            open_measures: Tally::new(disclosure::single(measures.open)),
            overdue_measures: Tally::new(measure_split[0]),
            closing_reasons,
            median_days_to_active: median(logs.iter().map(|l| l.days_to_active)),
            median_days_to_first_handover: median(logs.iter().map(|l| l.days_to_handover)),
            median_days_to_closing,
            open_deletion_requests,
        }
    }
}
