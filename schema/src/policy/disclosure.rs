//! Small-cell suppression for `statistics` (issue 19, point 4): what a
//! count may show so that no child can be singled out from the figures.
//!
//! 1. **Primary.** A count of 1–4 is shown as `<5`. Zero is shown: it says
//!    something about no one.
//! 2. **Secondary.** A breakdown (logs by status, by service kind, by unit
//!    within a service kind, goals by level, …) adds up to a total the
//!    reader knows or can work out from another breakdown. If exactly one of
//!    its cells is hidden, that cell is the total minus the others; so the
//!    smallest other non-zero cell is hidden too, and only the sum of the
//!    two can be derived, never which logs it is.
//! 3. **Medians** over fewer than 5 logs are not shown: a median of one log
//!    is that log's own figure.
//!
//! The threshold is the one Statistics Norway and the Norwegian Directorate
//! of Health use for published tables of small populations.

/// The smallest count shown as a number (other than zero).
pub const THRESHOLD: i64 = 5;

/// A count as it may be shown: `None` when hidden.
pub type Shown = Option<i64>;

/// Whether a count is hidden by rule 1.
fn primary(n: i64) -> bool {
    n > 0 && n < THRESHOLD
}

/// The cells of one breakdown as they may be shown (rules 1 and 2), in the
/// order given.
pub fn breakdown(counts: &[i64]) -> Vec<Shown> {
    let mut hidden: Vec<bool> = counts.iter().map(|&n| primary(n)).collect();
    if hidden.iter().filter(|h| **h).count() == 1 {
        let smallest = counts
            .iter()
            .enumerate()
            .filter(|(i, n)| !hidden[*i] && **n > 0)
            .min_by_key(|(i, n)| (**n, *i))
            .map(|(i, _)| i);
        if let Some(i) = smallest {
            hidden[i] = true;
        }
    }
    counts.iter().zip(hidden).map(|(&n, h)| (!h).then_some(n)).collect()
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

    #[test]
    fn counts_of_one_to_four_are_hidden_and_zero_and_five_are_shown() {
        assert_eq!(breakdown(&[0, 5, 12]), vec![Some(0), Some(5), Some(12)]);
        assert_eq!(single(4), None);
        assert_eq!(single(5), Some(5));
        assert_eq!(single(0), Some(0));
        assert_eq!(text(None), "<5");
    }

    #[test]
    fn a_lone_hidden_cell_takes_the_smallest_other_with_it() {
        // 3 is hidden; without the second rule 3 = 20 - 5 - 12.
        assert_eq!(breakdown(&[3, 12, 5, 0]), vec![None, Some(12), None, Some(0)]);
        // Two hidden already: nothing more.
        assert_eq!(breakdown(&[3, 12, 4]), vec![None, Some(12), None]);
        // Nothing else to hide: the total is below 5 then, and hidden too.
        assert_eq!(breakdown(&[3, 0, 0]), vec![None, Some(0), Some(0)]);
        assert_eq!(single(3), None);
    }

    /// Whatever the counts, a hidden cell cannot be worked out from the
    /// total and the cells shown: at least two cells are hidden whenever one
    /// is, unless the total itself is hidden.
    #[test]
    fn no_hidden_cell_is_the_total_minus_the_shown_ones() {
        let mut seen = 0;
        for a in 0..8 {
            for b in 0..8 {
                for c in 0..8 {
                    let counts = [a, b, c];
                    let shown = breakdown(&counts);
                    let hidden = shown.iter().filter(|s| s.is_none()).count();
                    if single(a + b + c).is_some() {
                        assert_ne!(hidden, 1, "{counts:?} → {shown:?}");
                    }
                    seen += 1;
                }
            }
        }
        assert_eq!(seen, 512);
    }

    #[test]
    fn medians_need_five_logs() {
        assert_eq!(median(&mut [1.0, 2.0, 3.0, 4.0]), None);
        assert_eq!(median(&mut [5.0, 1.0, 3.0, 2.0, 4.0]), Some(3.0));
        assert_eq!(median(&mut [6.0, 1.0, 3.0, 2.0, 4.0, 5.0]), Some(3.5));
    }
}
