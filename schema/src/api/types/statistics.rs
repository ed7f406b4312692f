//! `Query.statistics`: the municipality's figures with no personal data.
//! The counts are added up here from `db::statistics`; what each may show
//! is `policy::disclosure`'s to say (counts of 1–4 as `<5`, a lone hidden
//! cell hidden with another, medians over 5 logs or more).

use crate::db::enums::{ClosingReason, GoalArea, LogStatus, ServiceKind};
use crate::db::statistics::{LogFacts, MeasureCounts};
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

/// Logs whose highest goal is at one BTI level.
#[derive(SimpleObject, Clone, Debug)]
pub struct BtiLevelCount {
    /// the level (1–3)
    pub bti_level: i32,
    /// how many logs have their highest goal at this level
    #[graphql(flatten)]
    pub tally: Tally,
}

/// Logs with a goal in one area.
#[derive(SimpleObject, Clone, Debug)]
pub struct GoalAreaCount {
    /// the area
    pub area: GoalArea,
    /// how many logs have at least one goal in it (a log with goals in two
    /// areas counts in both)
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
/// 1–4 is shown as "<5" (see `Tally`), with others where needed so that no
/// hidden count can be worked out; where the logs are too few for that,
/// no figure of them is shown. `GET /statistics.csv` gives the same figures
/// for the municipality's reporting.
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
    /// logs with goals, by the BTI level of their highest goal (1–3)
    pub logs_by_bti_level: Vec<BtiLevelCount>,
    /// logs with a goal in each area
    pub logs_by_goal_area: Vec<GoalAreaCount>,
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
    pub measures: MeasureCounts,
    pub open_deletion_requests: i64,
}

/// Counts of `keys` from `items`, in the order of `keys`.
fn count<K: PartialEq + Copy>(keys: &[K], items: impl Iterator<Item = K>) -> Vec<i64> {
    let mut counts = vec![0; keys.len()];
    for k in items {
        if let Some(i) = keys.iter().position(|x| *x == k) {
            counts[i] += 1;
        }
    }
    counts
}

/// A breakdown as tallies, and whether it is protected (`disclosure::breakdown`).
fn tallies(counts: &[i64]) -> (Vec<Tally>, bool) {
    let (shown, protected) = disclosure::breakdown(counts);
    (shown.into_iter().map(Tally::new).collect(), protected)
}

fn hidden(n: usize) -> Vec<Tally> {
    vec![Tally::new(None); n]
}

fn median(values: impl Iterator<Item = Option<f64>>) -> MedianDays {
    let mut days: Vec<f64> = values.flatten().collect();
    let logs = Tally::new(disclosure::single(days.len() as i64));
    MedianDays { days: disclosure::median(&mut days).map(|d| (d * 10.0).round() / 10.0), logs }
}

fn no_median() -> MedianDays {
    MedianDays { days: None, logs: Tally::new(None) }
}

impl Statistics {
    pub fn of(facts: Facts) -> Statistics {
        let Facts { logs, units, measures, open_deletion_requests } = facts;
        let kind_of: HashMap<Uuid, ServiceKind> = units.iter().map(|(id, _, k)| (*id, *k)).collect();

        // The breakdowns of the logs, each adding up to the total.
        let (mut by_status, status_ok) = tallies(&count(LogStatus::ALL, logs.iter().map(|l| l.status)));
        // Units add up to their service kind's count: each kind's units are
        // one breakdown. A kind whose units cannot be protected (tiny units,
        // none empty) shows no unit figure, and its own count is hidden in
        // the breakdown by kind, not every figure of the municipality.
        let mut by_unit: Vec<(usize, Tally)> = Vec::with_capacity(units.len());
        let mut unprotected_kinds = Vec::new();
        for (k, kind) in ServiceKind::ALL.iter().enumerate() {
            let of_kind: Vec<usize> = (0..units.len()).filter(|i| units[*i].2 == *kind).collect();
            let ids: Vec<Uuid> = of_kind.iter().map(|i| units[*i].0).collect();
            // Unprotected, every cell of it is hidden already (rule 3).
            let (counted, ok) = tallies(&count(&ids, logs.iter().map(|l| l.unit_id)));
            if !ok {
                unprotected_kinds.push(k);
            }
            by_unit.extend(of_kind.into_iter().zip(counted));
        }
        let kind_counts = count(ServiceKind::ALL, logs.iter().filter_map(|l| kind_of.get(&l.unit_id).copied()));
        let (shown, kind_ok) = disclosure::breakdown_hiding(&kind_counts, &unprotected_kinds);
        let mut by_kind: Vec<Tally> = shown.into_iter().map(Tally::new).collect();
        // Closing reasons add up to the CLOSED count, and so does the closing
        // median's number of logs: with that count hidden, they are hidden.
        let closed_at = LogStatus::ALL.iter().position(|s| *s == LogStatus::Closed).unwrap_or(0);
        let closed_hidden = by_status[closed_at].count.is_none();
        let reason_counts = count(ClosingReason::ALL, logs.iter().filter_map(|l| l.closed_reason));
        let (mut by_reason, reasons_ok) =
            if closed_hidden { (hidden(ClosingReason::ALL.len()), true) } else { tallies(&reason_counts) };
        let levels = [1, 2, 3];
        let (mut by_level, levels_ok) = tallies(&count(&levels, logs.iter().filter_map(|l| l.top_bti_level)));
        if !levels_ok {
            by_level = hidden(levels.len());
        }
        let (mut by_area, areas_ok) = tallies(
            &GoalArea::ALL
                .iter()
                .map(|a| logs.iter().filter(|l| l.goal_areas.contains(a)).count() as i64)
                .collect::<Vec<_>>(),
        );
        if !areas_ok {
            by_area = hidden(GoalArea::ALL.len());
        }
        let mut total = Tally::new(disclosure::single(logs.len() as i64));
        let mut medians = [
            median(logs.iter().map(|l| l.days_to_active)),
            median(logs.iter().map(|l| l.days_to_handover)),
            if closed_hidden { no_median() } else { median(logs.iter().map(|l| l.days_to_close)) },
        ];
        // Too few logs for figures that protect them: show none.
        if !(status_ok && kind_ok && reasons_ok) {
            total = Tally::new(None);
            by_status = hidden(by_status.len());
            by_kind = hidden(by_kind.len());
            by_unit.iter_mut().for_each(|(_, t)| *t = Tally::new(None));
            by_reason = hidden(by_reason.len());
            by_level = hidden(by_level.len());
            by_area = hidden(by_area.len());
            medians = [no_median(), no_median(), no_median()];
        }

        let mut logs_by_unit: Vec<UnitCount> = by_unit
            .into_iter()
            .map(|(i, tally)| UnitCount {
                unit_id: crate::api::ids::id(units[i].0),
                unit_name: units[i].1.clone(),
                service_kind: units[i].2,
                tally,
            })
            .collect();
        logs_by_unit.sort_by(|a, b| a.unit_name.cmp(&b.unit_name).then(a.unit_id.cmp(&b.unit_id)));
        // Open measures and the overdue among them: a breakdown into overdue and not.
        let (split, _) = disclosure::breakdown(&[measures.overdue, measures.open - measures.overdue]);
        let [median_days_to_active, median_days_to_first_handover, median_days_to_closing] = medians;
        Statistics {
            suppression_threshold: disclosure::THRESHOLD,
            total_logs: total,
            logs_by_status: LogStatus::ALL
                .iter()
                .zip(by_status)
                .map(|(s, tally)| StatusCount { status: *s, tally })
                .collect(),
            logs_by_service_kind: ServiceKind::ALL
                .iter()
                .zip(by_kind)
                .map(|(k, tally)| ServiceKindCount { service_kind: *k, tally })
                .collect(),
            logs_by_unit,
            logs_by_bti_level: levels
                .iter()
                .zip(by_level)
                .map(|(l, tally)| BtiLevelCount { bti_level: *l, tally })
                .collect(),
            logs_by_goal_area: GoalArea::ALL
                .iter()
                .zip(by_area)
                .map(|(a, tally)| GoalAreaCount { area: *a, tally })
                .collect(),
            open_measures: Tally::new(disclosure::single(measures.open)),
            overdue_measures: Tally::new(split[0]),
            closing_reasons: ClosingReason::ALL
                .iter()
                .zip(by_reason)
                .map(|(r, tally)| ClosingReasonCount { reason: *r, tally })
                .collect(),
            median_days_to_active,
            median_days_to_first_handover,
            median_days_to_closing,
            open_deletion_requests,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::statistics::MeasureCounts;

    fn log(unit_id: Uuid) -> LogFacts {
        LogFacts {
            unit_id,
            status: LogStatus::Passive,
            closed_reason: None,
            days_to_active: None,
            days_to_handover: None,
            days_to_close: None,
            top_bti_level: None,
            goal_areas: Vec::new(),
        }
    }

    /// The attack on issue 19: a unit admin made three tiny health
    /// stations (one log each, none empty), so the unit breakdown could not
    /// be protected, and every figure of the municipality went blank. Now
    /// only the health stations' figures are hidden (with one other kind,
    /// so theirs cannot be worked out from the total).
    #[test]
    fn tiny_units_hide_their_own_service_kind_not_the_municipality() {
        let (school, kindergarten) = (Uuid::new_v4(), Uuid::new_v4());
        let stations: Vec<Uuid> = (0..3).map(|_| Uuid::new_v4()).collect();
        let mut units = vec![
            (school, "Skolen".to_owned(), ServiceKind::School),
            (kindergarten, "Barnehagen".to_owned(), ServiceKind::Kindergarten),
        ];
        units.extend(stations.iter().map(|s| (*s, format!("Stasjon {s}"), ServiceKind::HealthStation)));
        let mut logs: Vec<LogFacts> = (0..30).map(|_| log(school)).collect();
        logs.extend((0..8).map(|_| log(kindergarten)));
        logs.extend(stations.iter().map(|s| log(*s)));
        let facts = Facts { logs, units, measures: MeasureCounts { open: 0, overdue: 0 }, open_deletion_requests: 0 };
        let s = Statistics::of(facts);
        assert_eq!(s.total_logs.count, Some(41));
        assert_eq!(s.logs_by_status.iter().find(|c| c.status == LogStatus::Passive).unwrap().tally.count, Some(41));
        let kind = |k: ServiceKind| s.logs_by_service_kind.iter().find(|c| c.service_kind == k).unwrap().tally.count;
        assert_eq!(kind(ServiceKind::HealthStation), None);
        assert_eq!(kind(ServiceKind::Kindergarten), None, "hidden with it: 41 - 30 would tell the stations' 3");
        assert_eq!(kind(ServiceKind::School), Some(30));
        let unit = |id: Uuid| s.logs_by_unit.iter().find(|u| u.unit_id == crate::api::ids::id(id)).unwrap().tally.count;
        assert_eq!(unit(school), Some(30));
        assert!(stations.iter().all(|st| unit(*st).is_none()));
    }
}
