//! Small-cell suppression for `statistics` (issue 19, point 4): what a
//! count may show so that no child can be singled out from the figures.
//!
//! 1. **Primary.** A count of 1–4 is hidden (shown as `<5`).
//! 2. **Secondary.** A breakdown (logs by status, by service kind, by unit
//!    within a service kind, …) adds up to a total the reader knows or can
//!    work out from another breakdown, and a shown 0 tells that a hidden
//!    cell holds at least 1. So the hidden cells of a breakdown must leave
//!    each of them anywhere from 1 to at least 5: at least two of them, and
//!    their sum S with k cells such that S − (k − 1) ≥ 5. Until that holds,
//!    the smallest shown non-zero cell is hidden too.
//! 3. When every non-zero cell is hidden and that still does not hold, the
//!    zeros are hidden as well (then nobody can tell which cells hold the
//!    logs). A breakdown without zeros left in that state is
//!    *unprotected*. When the units of one service kind are unprotected,
//!    their kind's count is hidden in the breakdown by service kind (with
//!    others, by rule 2), so a unit admin who makes tiny units hides her
//!    own service kind's figures and no one else's. When a breakdown of
//!    all the logs is unprotected, `statistics` shows no figure of them at
//!    all (a municipality too small for figures).
//! 4. **Medians** over fewer than 5 logs are not shown: a median of one log
//!    is that log's own figure.
//!
//! The threshold is the one Statistics Norway and the Norwegian Directorate
//! of Health use for published tables of small populations.
//!
//! What suppression cannot stop is *differencing over time*: someone who
//! reads the figures just before and just after one change they know of
//! (a log they closed, a request they processed) learns what that change
//! moved. The README says so; the figures are meant for reporting, not for
//! watching.

/// The smallest count shown as a number (other than zero).
pub const THRESHOLD: i64 = 5;

/// A count as it may be shown: `None` when hidden.
pub type Shown = Option<i64>;

/// Whether a count is hidden by rule 1.
fn primary(n: i64) -> bool {
    n > 0 && n < THRESHOLD
}

/// The cells of one breakdown as they may be shown (rules 1–3), in the
/// order given, and whether the breakdown is protected.
pub fn breakdown(counts: &[i64]) -> (Vec<Shown>, bool) {
    breakdown_hiding(counts, &[])
}

/// [`breakdown`] with the cells at `forced` hidden from the start (a
/// service kind whose units are unprotected).
pub fn breakdown_hiding(counts: &[i64], forced: &[usize]) -> (Vec<Shown>, bool) {
    let mut hidden: Vec<bool> = counts.iter().enumerate().map(|(i, &n)| primary(n) || forced.contains(&i)).collect();
    let protected = loop {
        let (k, sum) = counts
            .iter()
            .zip(&hidden)
            .filter(|(n, h)| **h && **n > 0)
            .fold((0, 0), |(k, sum), (n, _)| (k + 1, sum + n));
        if k == 0 || (k >= 2 && sum - (k - 1) >= THRESHOLD) {
            break true;
        }
        let smallest = counts
            .iter()
            .enumerate()
            .filter(|(i, n)| !hidden[*i] && **n > 0)
            .min_by_key(|(i, n)| (**n, *i))
            .map(|(i, _)| i);
        match smallest {
            Some(i) => hidden[i] = true,
            None => {
                // Rule 3: every non-zero cell is hidden; hide the zeros too.
                let zeros = counts.iter().zip(&hidden).any(|(n, h)| *n == 0 && !h);
                hidden.iter_mut().for_each(|h| *h = true);
                break zeros;
            }
        }
    };
    (counts.iter().zip(hidden).map(|(&n, h)| (!h).then_some(n)).collect(), protected)
}

/// A count on its own (a total): rule 1.
pub fn single(n: i64) -> Shown {
    (!primary(n)).then_some(n)
}

/// The median of `values`, or `None` over fewer than [`THRESHOLD`] (rule 3).
pub fn median(values: &mut [f64]) -> Option<f64> {
    if (values.len() as i64) < THRESHOLD {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) { (values[mid - 1] + values[mid]) / 2.0 } else { values[mid] })
}

/// How a count is written for people: the number, or `<5`.
pub fn text(shown: Shown) -> String {
    match shown {
        Some(n) => n.to_string(),
        None => format!("<{THRESHOLD}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(counts: &[i64]) -> Vec<Shown> {
        breakdown(counts).0
    }

    #[test]
    fn counts_of_one_to_four_are_hidden_and_zero_and_five_are_shown() {
        assert_eq!(cells(&[0, 5, 12]), vec![Some(0), Some(5), Some(12)]);
        assert_eq!(single(4), None);
        assert_eq!(single(5), Some(5));
        assert_eq!(single(0), Some(0));
        assert_eq!(text(None), "<5");
    }

    #[test]
    fn hidden_cells_take_others_with_them_until_each_could_be_one_to_five() {
        // 3 alone would be 20 - 5 - 12: the 5 goes too (3 + 5 - 1 = 7).
        assert_eq!(cells(&[3, 12, 5, 0]), vec![None, Some(12), None, Some(0)]);
        // Two hidden 1s would both be 1 (a shown 0 says they are not 0): 2 - 1 < 5.
        assert_eq!(cells(&[5, 5, 1, 1]), vec![None, Some(5), None, None]);
        // Two hidden, 4 + 3 - 1 = 6: enough.
        assert_eq!(cells(&[3, 12, 4]), vec![None, Some(12), None]);
        // Nothing else to hide: the zeros go too, so nobody knows where the 3 is.
        assert_eq!(breakdown(&[3, 0, 0]), (vec![None, None, None], true));
        // No zeros to hide: unprotected.
        assert_eq!(breakdown(&[1, 1, 1, 2]), (vec![None, None, None, None], false));
    }

    /// A forced cell is hidden with enough others that it cannot be worked
    /// out from the total.
    #[test]
    fn a_forced_cell_hides_like_a_small_one() {
        assert_eq!(breakdown_hiding(&[20, 5, 12], &[0]), (vec![None, None, Some(12)], true));
        assert_eq!(breakdown_hiding(&[20, 9, 12], &[1]), (vec![Some(20), None, None], true));
        assert_eq!(breakdown_hiding(&[9, 0], &[0]), (vec![None, None], true), "hidden with the zero");
        assert_eq!(breakdown_hiding(&[9], &[0]), (vec![None], false), "a lone kind cannot be hidden");
    }

    /// Whatever the counts, the figures shown (cells, and the total when it
    /// is at least 5) leave every hidden non-zero cell anywhere from 1 to at
    /// least 5, or hide every cell; or the breakdown says it is unprotected.
    #[test]
    fn no_hidden_cell_can_be_pinned_down() {
        let mut seen = 0;
        for a in 0..9 {
            for b in 0..9 {
                for c in 0..9 {
                    for d in 0..9 {
                        let counts = [a, b, c, d];
                        let (shown, protected) = breakdown(&counts);
                        seen += 1;
                        if !protected || shown.iter().all(Option::is_none) {
                            continue;
                        }
                        let hidden: Vec<i64> =
                            counts.iter().zip(&shown).filter(|(_, s)| s.is_none()).map(|(n, _)| *n).collect();
                        if hidden.is_empty() {
                            continue;
                        }
                        // Shown zeros tell that every hidden cell holds at least 1.
                        let (k, sum) = (hidden.len() as i64, hidden.iter().sum::<i64>());
                        assert!(hidden.iter().all(|n| *n > 0), "{counts:?} → {shown:?}");
                        assert!(k >= 2 && sum - (k - 1) >= THRESHOLD, "{counts:?} → {shown:?}");
                    }
                }
            }
        }
        assert_eq!(seen, 9 * 9 * 9 * 9);
    }

    #[test]
    fn medians_need_five_logs() {
        assert_eq!(median(&mut [1.0, 2.0, 3.0, 4.0]), None);
        assert_eq!(median(&mut [5.0, 1.0, 3.0, 2.0, 4.0]), Some(3.0));
        assert_eq!(median(&mut [6.0, 1.0, 3.0, 2.0, 4.0, 5.0]), Some(3.5));
    }
}
