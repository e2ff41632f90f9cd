//! The digest: what a period brought — learned and surprising observations, new
//! insights, insights whose strength changed — and what still needs validating.
//!
//! Periods never depend on today's date (pages must be byte-identical for the
//! same vault): the latest period is the one holding the latest interview.

use std::collections::BTreeMap;

use jiff::ToSpan;
use jiff::civil::Date;
use rayon::prelude::*;

use super::evidence::{InsightSummary, strength_dated_before};
use super::memo::DigestMemo;
use super::strength::Strength;
use crate::config::{DigestPeriod, Thresholds};
use crate::model::{ObservationKind, ResearchModel};
use crate::resolve::FileId;

/// A span of days, both ends included.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Period {
    /// First day.
    pub start: Date,
    /// Last day.
    pub end: Date,
    /// How it is named (`2026-W47`, `2026-11`, `2026-11-08 to 2026-11-21`).
    pub label: String,
}

impl Period {
    /// The period of `kind` that contains `date`.
    pub fn containing(date: Date, kind: DigestPeriod) -> Period {
        match kind {
            DigestPeriod::IsoWeek => {
                let start = week_start(date);
                let end = start.checked_add(6.days()).unwrap_or(Date::MAX);
                let week = date.iso_week_date();
                Period {
                    start,
                    end,
                    label: format!("{}-W{:02}", week.year(), week.week()),
                }
            }
            DigestPeriod::Month => {
                let start = date.first_of_month();
                Period {
                    start,
                    end: date.last_of_month(),
                    label: format!("{}-{:02}", date.year(), date.month()),
                }
            }
            DigestPeriod::Days(days) => {
                let start = days_before(date, days as i64 - 1);
                Period::between(start, date)
            }
        }
    }

    /// The period from `start` to `end`.
    pub fn between(start: Date, end: Date) -> Period {
        Period {
            start,
            end,
            label: format!("{start} to {end}"),
        }
    }

    /// Whether `date` falls in the period.
    pub fn contains(&self, date: Date) -> bool {
        self.start <= date && date <= self.end
    }

    /// The period of the same kind just before this one (walked by the tests to
    /// check [`earlier_period_of`]).
    #[cfg(test)]
    fn previous(&self, kind: DigestPeriod) -> Period {
        let day_before = self.start.checked_sub(1.day()).unwrap_or(self.start);
        match kind {
            DigestPeriod::Days(_) => {
                let length = (self.end - self.start).get_days() as i64;
                Period::between(days_before(day_before, length), day_before)
            }
            _ => Period::containing(day_before, kind),
        }
    }
}

/// `days` days before `date`, or the first representable day (any period
/// length is accepted in `throughline.toml`).
fn days_before(date: Date, days: i64) -> Date {
    jiff::Span::new()
        .try_days(days)
        .ok()
        .and_then(|span| date.checked_sub(span).ok())
        .unwrap_or(Date::MIN)
}

/// An insight whose strength is not what it was before the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrengthChange {
    /// Index into the insight summaries.
    pub insight: usize,
    /// Strength from evidence dated before the period.
    pub before: Strength,
    /// Strength with the period's evidence.
    pub after: Strength,
}

/// A period's digest.
#[derive(Debug, Clone)]
pub struct Digest {
    /// The period.
    pub period: Period,
    /// Interviews held in it, oldest first.
    pub interviews: Vec<usize>,
    /// Learned observations of those interviews.
    pub learned: Vec<usize>,
    /// Surprising observations.
    pub surprised: Vec<usize>,
    /// Insights first seen in the period.
    pub new_insights: Vec<usize>,
    /// Insights whose strength changed.
    pub strength_changes: Vec<StrengthChange>,
    /// Insights that need validating (with evidence), most pressing first:
    /// all of them, or the first few when the digest was worked out for
    /// `Digest.md`, which lists only those (see [`Digest::validation_total`]).
    pub validation_queue: Vec<usize>,
    /// How many insights need validating (with evidence).
    pub validation_total: usize,
    /// Earlier periods with interviews, newest first.
    pub earlier: Vec<PeriodSummary>,
}

/// Counts for an earlier period.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PeriodSummary {
    /// The period.
    pub period: Period,
    /// Interviews held.
    pub interviews: usize,
    /// Learned observations.
    pub learned: usize,
    /// Surprising observations.
    pub surprised: usize,
}

/// Which interviews a digest covers: all, or those of one plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// Every interview.
    #[default]
    All,
    /// The interviews whose `plan` is this plan note.
    Plan(FileId),
}

impl Scope {
    fn covers(self, model: &ResearchModel, interview: usize) -> bool {
        match self {
            Scope::All => true,
            Scope::Plan(plan) => model.interviews[interview].plan == Some(plan),
        }
    }
}

/// Interviews in scope dated within `period`, in model order.
fn held_in(model: &ResearchModel, period: &Period, scope: Scope) -> Vec<usize> {
    model
        .interviews
        .iter()
        .enumerate()
        .filter(|(index, interview)| {
            interview.date.is_some_and(|date| period.contains(date)) && scope.covers(model, *index)
        })
        .map(|(index, _)| index)
        .collect()
}

/// The observations of `kind` in `interviews`, in order.
fn of_kind<'a>(
    model: &'a ResearchModel,
    interviews: &'a [usize],
    kind: ObservationKind,
) -> impl Iterator<Item = usize> + 'a {
    interviews
        .iter()
        .flat_map(|&interview| model.interviews[interview].observations.clone())
        .filter(move |&index| model.observations[index].kind == kind)
}

/// The latest period holding an interview, if any interview is dated.
pub fn latest_period(model: &ResearchModel, kind: DigestPeriod) -> Option<Period> {
    let latest = model
        .interviews
        .iter()
        .filter_map(|interview| interview.date)
        .max()?;
    Some(Period::containing(latest, kind))
}

/// The digest of `period`. `insights` are the current summaries.
pub fn digest(
    model: &ResearchModel,
    insights: &[InsightSummary],
    thresholds: &Thresholds,
    period: Period,
    kind: DigestPeriod,
) -> Digest {
    digest_of(model, insights, thresholds, period, kind, Scope::All, None)
}

/// [`digest`], taking each insight's strength before and after the period
/// from `reuse`'s memo when its summary fingerprint (from `reuse`, per
/// insight summary) and the period are unchanged, and refilling the memo;
/// the earlier periods' counts are patched for the interviews read again
/// (see [`KeptCounts`]).
///
/// The interviews of the period are found by their `ranks` (each
/// interview's place in (date, path) order), and the validation queue holds
/// the first `queue` insights (those `Digest.md` lists).
#[allow(clippy::too_many_arguments)]
pub(crate) fn digest_reusing(
    model: &ResearchModel,
    insights: &[InsightSummary],
    thresholds: &Thresholds,
    period: Period,
    kind: DigestPeriod,
    ranks: &[u32],
    queue: usize,
    reuse: Option<(&[u64], &mut DigestMemo)>,
) -> Digest {
    let listing = Listing {
        ranks: Some(ranks),
        queue: Some(queue),
    };
    digest_with(
        model,
        insights,
        thresholds,
        (period, kind),
        Scope::All,
        listing,
        reuse,
    )
}

/// How much of a digest to work out, and with what help: the interviews'
/// ranks (to find the period's interviews without looking at every one) and
/// how many insights of the validation queue to put in order (`None`: all).
#[derive(Debug, Clone, Copy, Default)]
struct Listing<'a> {
    ranks: Option<&'a [u32]>,
    queue: Option<usize>,
}

/// The digest of `period` for the interviews in `scope`: with a plan, new
/// insights and strength changes are those its interviews of the period back,
/// and the validation queue holds the insights its interviews back.
pub fn digest_of(
    model: &ResearchModel,
    insights: &[InsightSummary],
    thresholds: &Thresholds,
    period: Period,
    kind: DigestPeriod,
    scope: Scope,
    reuse: Option<(&[u64], &mut DigestMemo)>,
) -> Digest {
    let listing = Listing::default();
    digest_with(
        model,
        insights,
        thresholds,
        (period, kind),
        scope,
        listing,
        reuse,
    )
}

fn digest_with(
    model: &ResearchModel,
    insights: &[InsightSummary],
    thresholds: &Thresholds,
    (period, kind): (Period, DigestPeriod),
    scope: Scope,
    listing: Listing,
    reuse: Option<(&[u64], &mut DigestMemo)>,
) -> Digest {
    // Insights backed by the scope's interviews (of the period, and ever).
    let backed_by = |interviews: &dyn Fn(usize) -> bool| -> Vec<bool> {
        insights
            .iter()
            .map(|summary| {
                scope == Scope::All
                    || summary
                        .evidence
                        .iter()
                        .chain(&summary.counter_evidence)
                        .any(|&observation| interviews(model.observations[observation].interview))
            })
            .collect()
    };
    let interviews = match (listing.ranks, scope) {
        (Some(ranks), Scope::All) => held_in_ranked(model, &period, ranks),
        _ => in_date_order(model, held_in(model, &period, scope)),
    };
    let learned = of_kind(model, &interviews, ObservationKind::Learned).collect();
    let surprised = of_kind(model, &interviews, ObservationKind::Surprise).collect();
    let in_period = backed_by(&|interview| interviews.contains(&interview));
    let ever = backed_by(&|interview| scope.covers(model, interview));
    // New: first seen in the period, and no evidence of unknown date (which may
    // be older).
    let new_insights = insights
        .iter()
        .enumerate()
        .filter(|(index, summary)| {
            in_period[*index]
                && summary.first_seen.is_some_and(|date| period.contains(date))
                && summary
                    .evidence
                    .iter()
                    .chain(&summary.counter_evidence)
                    .all(|&observation| {
                        model.interviews[model.observations[observation].interview]
                            .date
                            .is_some()
                    })
        })
        .map(|(index, _)| index)
        .collect();
    // Only evidence dated in the period tells "before" from "after": insights
    // without any keep their strength. (With a plan, the insights its interviews
    // of the period back are all marked here.)
    let mut dated_in_period = vec![false; insights.len()];
    for &interview in &interviews {
        for observation in model.interviews[interview].observations.clone() {
            for &insight in &model.observations[observation].insights {
                if let Some(index) = model.index_of(insight, crate::config::NoteType::Insight) {
                    dated_in_period[index] = true;
                }
            }
        }
    }
    let after_end = period.end.checked_add(1.day()).ok();
    let dates = (period.start, after_end);
    let (fingerprints, mut memo) = match reuse {
        Some((fingerprints, memo)) if fingerprints.len() == insights.len() => {
            (Some(fingerprints), Some(memo))
        }
        _ => (None, None),
    };
    let strengths: Vec<(usize, Strength, Strength)> = insights
        .par_iter()
        .enumerate()
        .filter(|(index, _)| dated_in_period[*index] && in_period[*index])
        .map(|(insight, summary)| {
            let file = model.insights[summary.insight].note.file;
            let kept = fingerprints
                .zip(memo.as_deref())
                .and_then(|(fingerprints, memo)| memo.get(file, fingerprints[insight], dates));
            let (before, after) = kept.unwrap_or_else(|| {
                (
                    strength_dated_before(model, thresholds, &summary.evidence, Some(period.start)),
                    strength_dated_before(model, thresholds, &summary.evidence, after_end),
                )
            });
            (insight, before, after)
        })
        .collect();
    if let (Some(fingerprints), Some(memo)) = (fingerprints, memo.as_deref_mut()) {
        memo.refill(strengths.iter().map(|&(insight, before, after)| {
            let file = model.insights[insights[insight].insight].note.file;
            (file, fingerprints[insight], dates, before, after)
        }));
    }
    let strength_changes = strengths
        .into_iter()
        .filter(|(_, before, after)| before != after)
        .map(|(insight, before, after)| StrengthChange {
            insight,
            before,
            after,
        })
        .collect();
    let validation_queue: Vec<usize> = insights
        .iter()
        .enumerate()
        .filter(|(index, summary)| {
            summary.needs_validation && summary.strength != Strength::None && ever[*index]
        })
        .map(|(index, _)| index)
        .collect();
    let validation_total = validation_queue.len();
    let validation_queue = most_pressing(model, insights, validation_queue, listing.queue);
    let counts = memo.map(|memo| &mut memo.counts);
    let earlier = earlier_periods(model, &period, kind, scope, counts);
    Digest {
        period,
        interviews,
        learned,
        surprised,
        new_insights,
        strength_changes,
        validation_queue,
        validation_total,
        earlier,
    }
}

/// The interviews dated in `period`, in (date, path) order, found by their
/// `ranks` (each interview's place in that order): they are the ones
/// ranked between the first dated in the period and the last, found by
/// binary search among the interviews in rank order (reading every
/// interview's date, each far from the last in memory, took about a
/// millisecond of each update at 100,000 notes; putting the ranks in order
/// is one pass over a list of numbers).
fn held_in_ranked(model: &ResearchModel, period: &Period, ranks: &[u32]) -> Vec<usize> {
    let in_order = super::evidence::interviews_by_rank(ranks);
    let date = |interview: usize| model.interviews[interview].date;
    // Undated interviews rank first; dated ones by date.
    let start = in_order.partition_point(|&at| date(at).is_none_or(|d| d < period.start));
    let end = in_order.partition_point(|&at| date(at).is_none_or(|d| d <= period.end));
    let held = in_order[start..end.max(start)].to_vec();
    debug_assert_eq!(
        held,
        in_date_order(model, held_in(model, period, Scope::All))
    );
    held
}

/// `interviews` in (date, path) order.
fn in_date_order(model: &ResearchModel, mut interviews: Vec<usize>) -> Vec<usize> {
    interviews.sort_by(|a, b| {
        let (x, y) = (&model.interviews[*a], &model.interviews[*b]);
        (x.date, &x.note.path).cmp(&(y.date, &y.note.path))
    });
    interviews
}

/// `queue` in order, most pressing first: strongest, then most
/// participants, then last seen latest, then by title (then by index); only
/// its first `shown` when given (the others are not put in order: at
/// 100,000 notes 8,000 insights need validating, and their titles alone
/// took half a millisecond of each update to read).
fn most_pressing(
    model: &ResearchModel,
    insights: &[InsightSummary],
    mut queue: Vec<usize>,
    shown: Option<usize>,
) -> Vec<usize> {
    use std::cmp::Reverse;
    let rough = |index: usize| {
        let summary = &insights[index];
        (
            Reverse(summary.strength),
            Reverse(summary.participants.len()),
            Reverse(summary.last_seen),
        )
    };
    // Two insights may share a title (notes of one name in two folders):
    // the index makes the order total, as a stable sort of the queue (in
    // index order) had it.
    let full = |index: usize| {
        (
            rough(index),
            model.insights[insights[index].insight].note.title(),
            index,
        )
    };
    let Some(shown) = shown.filter(|&shown| shown < queue.len()) else {
        // Thousands in a large vault, sorted on both threads with each key
        // read once.
        queue.par_sort_by_cached_key(|&index| full(index));
        return queue;
    };
    // The insights ahead of the last one shown by the keys without titles,
    // and those tied with it: the first `shown` of them in full order are
    // the first `shown` of the whole queue.
    let last = match shown {
        0 => return Vec::new(),
        shown => {
            *queue
                .select_nth_unstable_by_key(shown - 1, |&index| rough(index))
                .1
        }
    };
    let bound = rough(last);
    let mut ahead: Vec<usize> = queue
        .into_iter()
        .filter(|&index| rough(index) <= bound)
        .collect();
    ahead.sort_by_cached_key(|&index| full(index));
    ahead.truncate(shown);
    ahead
}

/// The period of `kind` holding `date`, a day before `latest` starts; periods
/// of N days are counted back from `latest`, the k-th ending k·N days before
/// `latest.start`.
fn earlier_period_of(date: Date, latest: &Period, kind: DigestPeriod) -> Period {
    match kind {
        DigestPeriod::Days(days) => {
            let days = i64::from(days.max(1));
            let back = (latest.start - date).get_days() as i64;
            let k = (back + days - 1) / days;
            let end = days_before(latest.start, (k - 1) * days + 1);
            Period::between(days_before(end, days - 1), end)
        }
        _ => Period::containing(date, kind),
    }
}

/// Interviews, learned and surprises, by date: what the earlier periods
/// count.
type CountsByDate = foldhash::HashMap<Date, [usize; 3]>;

/// The counts by date of the interviews in `scope` before `latest`, from
/// each interview's reading, not its observations.
fn counts_by_date(model: &ResearchModel, latest: &Period, scope: Scope) -> CountsByDate {
    let mut by_date = CountsByDate::default();
    for (index, interview) in model.interviews.iter().enumerate() {
        if scope.covers(model, index) {
            count(&mut by_date, latest, interview.date, &interview.links, 1);
        }
    }
    by_date
}

/// Adds (`sign` 1) or takes away (-1) the counts of one interview, dated
/// `date`, whose observations link `links`. Only dates before the latest
/// period's start are counted, and a date left with no interview is
/// dropped.
fn count(
    by_date: &mut CountsByDate,
    latest: &Period,
    date: Option<Date>,
    links: &crate::model::ObservationLinks,
    sign: isize,
) {
    let Some(date) = date.filter(|&date| date < latest.start) else {
        return;
    };
    let counts = by_date.entry(date).or_default();
    let add = |total: &mut usize, by: usize| *total = total.wrapping_add_signed(sign * by as isize);
    add(&mut counts[0], 1);
    add(&mut counts[1], links.learned as usize);
    add(&mut counts[2], links.surprised as usize);
    if counts[0] == 0 {
        by_date.remove(&date);
    }
}

/// The earlier periods' counts by date of every interview (`watch`), kept
/// with the model they are of and the latest period's start.
#[derive(Debug)]
pub(crate) struct KeptCounts {
    from: u64,
    latest: Date,
    by_date: CountsByDate,
}

/// [`counts_by_date`] of every interview, patched from `kept` when they are
/// the counts of the model `model` was made from, for the same latest
/// period: the interviews read again count as they do now instead of as they
/// did.
fn counts_by_date_reusing(
    model: &ResearchModel,
    latest: &Period,
    kept: Option<KeptCounts>,
) -> KeptCounts {
    let by_date = match (kept, &model.changes) {
        (Some(mut kept), Some(changes))
            if kept.from == changes.from && kept.latest == latest.start =>
        {
            for changed in &changes.interviews {
                let now = &model.interviews[changed.index];
                count(&mut kept.by_date, latest, changed.date, &changed.links, -1);
                count(&mut kept.by_date, latest, now.date, &now.links, 1);
            }
            debug_assert!(kept.by_date == counts_by_date(model, latest, Scope::All));
            kept.by_date
        }
        _ => counts_by_date(model, latest, Scope::All),
    };
    KeptCounts {
        from: model.id,
        latest: latest.start,
        by_date,
    }
}

/// The start of [`earlier_period_of`]'s period, without making its label.
fn earlier_period_start(date: Date, latest: &Period, kind: DigestPeriod) -> Date {
    match kind {
        DigestPeriod::IsoWeek => week_start(date),
        DigestPeriod::Month => date.first_of_month(),
        DigestPeriod::Days(_) => earlier_period_of(date, latest, kind).start,
    }
}

/// The Monday of `date`'s ISO week (`date` itself near the start of time).
fn week_start(date: Date) -> Date {
    date.checked_sub((date.weekday().to_monday_zero_offset() as i64).days())
        .unwrap_or(date)
}

/// Earlier periods that hold interviews, newest first: each dated interview
/// in scope is counted under its date, and each date's counts go to its period
/// (periods of N days count back from `latest`), so the cost follows the
/// interviews, not the length of time they span, and a period is worked out
/// once per date, not per interview.
fn earlier_periods(
    model: &ResearchModel,
    latest: &Period,
    kind: DigestPeriod,
    scope: Scope,
    kept: Option<&mut Option<KeptCounts>>,
) -> Vec<PeriodSummary> {
    let by_date = match kept {
        Some(kept) if scope == Scope::All => {
            let counts = counts_by_date_reusing(model, latest, kept.take());
            &kept.insert(counts).by_date
        }
        _ => &counts_by_date(model, latest, scope),
    };
    let mut by_start: BTreeMap<Date, PeriodSummary> = BTreeMap::new();
    for (&date, &[interviews, learned, surprised]) in by_date {
        let summary = by_start
            .entry(earlier_period_start(date, latest, kind))
            .or_insert_with(|| PeriodSummary {
                period: earlier_period_of(date, latest, kind),
                interviews: 0,
                learned: 0,
                surprised: 0,
            });
        summary.interviews += interviews;
        summary.learned += learned;
        summary.surprised += surprised;
    }
    by_start.into_values().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        text.parse().unwrap()
    }

    #[test]
    fn periods() {
        let week = Period::containing(date("2026-11-19"), DigestPeriod::IsoWeek);
        assert_eq!(
            (week.start, week.end),
            (date("2026-11-16"), date("2026-11-22"))
        );
        assert_eq!(week.label, "2026-W47");
        let sunday = Period::containing(date("2026-11-22"), DigestPeriod::IsoWeek);
        assert_eq!(sunday.start, date("2026-11-16"));
        let month = Period::containing(date("2026-02-10"), DigestPeriod::Month);
        assert_eq!(
            (month.start, month.end, month.label.as_str()),
            (date("2026-02-01"), date("2026-02-28"), "2026-02")
        );
        let days = Period::containing(date("2026-11-19"), DigestPeriod::Days(14));
        assert_eq!(days.start, date("2026-11-06"));
        assert_eq!(
            week.previous(DigestPeriod::IsoWeek).start,
            date("2026-11-09")
        );
        assert_eq!(
            days.previous(DigestPeriod::Days(14)).end,
            date("2026-11-05")
        );
        assert_eq!(
            days.previous(DigestPeriod::Days(14)).start,
            date("2026-10-23")
        );
        // Far-off dates and long periods stay in range.
        assert_eq!(
            Period::containing(date("9999-12-31"), DigestPeriod::IsoWeek).end,
            Date::MAX
        );
        assert_eq!(
            Period::containing(date("2026-11-19"), DigestPeriod::Days(u32::MAX)).start,
            Date::MIN
        );
        // ISO week years differ from calendar years at the edges.
        assert_eq!(
            Period::containing(date("2027-01-01"), DigestPeriod::IsoWeek).label,
            "2026-W53"
        );
    }

    #[test]
    fn earlier_periods_are_those_walked_back_from_the_latest() {
        for kind in [
            DigestPeriod::IsoWeek,
            DigestPeriod::Month,
            DigestPeriod::Days(1),
            DigestPeriod::Days(14),
            DigestPeriod::Days(30),
        ] {
            let latest = Period::containing(date("2026-11-19"), kind);
            let mut walked = latest.previous(kind);
            let mut day = latest.start.checked_sub(1.day()).unwrap();
            while day >= date("2025-06-01") {
                while !walked.contains(day) {
                    walked = walked.previous(kind);
                }
                let found = earlier_period_of(day, &latest, kind);
                assert_eq!(
                    (found.start, found.end),
                    (walked.start, walked.end),
                    "{kind:?} {day}"
                );
                assert_eq!(earlier_period_start(day, &latest, kind), found.start);
                day = day.checked_sub(1.day()).unwrap();
            }
        }
    }
}
