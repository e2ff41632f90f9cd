//! How strongly an insight is backed: one person's request, or a pattern?

use crate::config::Thresholds;

/// The strength of an insight (product.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Strength {
    /// No supporting evidence at all.
    None,
    /// One participant.
    Individual,
    /// Two or more participants.
    Recurring,
    /// At least the configured participants from at least the configured companies.
    Pattern,
}

impl Strength {
    /// From distinct participant and company counts.
    pub fn of(participants: usize, companies: usize, thresholds: &Thresholds) -> Strength {
        match participants {
            0 => Strength::None,
            1 => Strength::Individual,
            _ if participants >= thresholds.pattern_min_participants as usize
                && companies >= thresholds.pattern_min_companies as usize =>
            {
                Strength::Pattern
            }
            _ => Strength::Recurring,
        }
    }

    /// Lower-case name for pages and properties.
    pub fn as_str(self) -> &'static str {
        match self {
            Strength::None => "none",
            Strength::Individual => "individual",
            Strength::Recurring => "recurring",
            Strength::Pattern => "pattern",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_at_their_edges() {
        let thresholds = Thresholds::default();
        assert_eq!(Strength::of(0, 0, &thresholds), Strength::None);
        assert_eq!(Strength::of(1, 1, &thresholds), Strength::Individual);
        assert_eq!(Strength::of(2, 2, &thresholds), Strength::Recurring);
        assert_eq!(Strength::of(3, 1, &thresholds), Strength::Recurring);
        assert_eq!(Strength::of(3, 2, &thresholds), Strength::Pattern);
        let strict = Thresholds {
            pattern_min_participants: 4,
            pattern_min_companies: 3,
        };
        assert_eq!(Strength::of(3, 3, &strict), Strength::Recurring);
        assert_eq!(Strength::of(4, 3, &strict), Strength::Pattern);
    }
}
