//! What `watch` keeps of one consolidation for the next: each insight's and each
//! job's summary, by its note, with the fingerprints of what it was worked out
//! from. A summary whose inputs hash the same is moved into the next
//! consolidation instead of being worked out again (a large insight has
//! thousands of observations, and every update consolidates).

use foldhash::HashMap;

use super::coverage::KeptCoverages;
use super::evidence::{FollowUp, InsightSummary};
use super::job_map::JobSummary;
use super::regroup::LastGrouping;
use super::strength::Strength;
use super::validation::{FollowUpIndex, IndexInputs};
use crate::model::ResearchModel;
use crate::resolve::FileId;

/// The values `kept` holds for the notes `files`, in their order (taken out
/// of it), one per note: `None` for a note it has nothing for, or for every
/// note when there is no memo (a one-off build).
pub(crate) fn take_kept<T>(
    kept: Option<&mut HashMap<FileId, T>>,
    files: impl ExactSizeIterator<Item = FileId>,
) -> Vec<Option<T>> {
    match kept {
        Some(kept) => files.map(|file| kept.remove(&file)).collect(),
        None => files.map(|_| None).collect(),
    }
}

/// The fingerprint `kept` from the last update when what it is worked out
/// from is known to be the same, else `worked_out`. Debug builds check that
/// a kept one is what working it out gives.
pub(crate) fn kept_or_worked_out(kept: Option<u64>, worked_out: impl FnOnce() -> u64) -> u64 {
    match kept {
        Some(kept) => {
            debug_assert_eq!(kept, worked_out(), "a kept fingerprint's inputs changed");
            kept
        }
        None => worked_out(),
    }
}

/// The summaries kept from the last update (see the module documentation).
#[derive(Debug, Default)]
pub struct SummaryMemo {
    /// Insights by note.
    pub(crate) insights: HashMap<FileId, KeptInsight>,
    /// Jobs by note.
    pub(crate) jobs: HashMap<FileId, KeptJob>,
    /// The fingerprints of the consolidation being built, in its order, until
    /// [`SummaryMemo::keep`] files its summaries under them.
    pub(crate) pending: Option<(Vec<Fingerprints>, Vec<JobFingerprints>)>,
    /// What the digest keeps (strengths before and after its period, the
    /// earlier periods' counts).
    pub(crate) digest: DigestMemo,
    /// The follow-up index, with what it was worked out from.
    pub(crate) follow_up_index: Option<(IndexInputs, FollowUpIndex)>,
    /// Plan coverages by plan note.
    pub(crate) plans: KeptCoverages,
    /// How large each list of observations grouped by insight and by job
    /// was (each is allocated that large the next time).
    pub(crate) list_sizes: super::evidence::ListSizes,
    /// The interviews' ranks, with what they were worked out from.
    pub(crate) ranks: Option<super::evidence::KeptRanks>,
    /// What the evidence lists of the kept summaries were worked out from,
    /// when they are every insight's and job's (see `regroup`).
    pub(crate) grouping: Option<LastGrouping>,
    /// The same of the consolidation being built, until [`SummaryMemo::keep`].
    pub(crate) pending_grouping: Option<LastGrouping>,
    /// Per job, the interviews that list it (`jobs:`), with the id of the
    /// model they are of.
    pub(crate) named_by: Option<(u64, Vec<Vec<usize>>)>,
    /// The model the memo was last kept from (its [`ResearchModel::id`]),
    /// and its interviews' notes, by index: what the memo keeps names
    /// interviews by index.
    kept_from: (u64, Vec<FileId>),
    /// How many consolidations patched the last lists (tests: shows that
    /// they did).
    #[cfg(test)]
    pub(crate) patched: usize,
    /// How many insight summaries were moved over to files added or removed
    /// (tests: shows that they were, see `carry`).
    #[cfg(test)]
    pub(crate) moved: usize,
}

/// What the digest keeps: by insight note, its strength counting evidence
/// dated before the digest period's start and before the day after its end,
/// with the summary fingerprint and the two dates it was worked out for; and
/// the counts of the earlier periods' interviews, learned and surprises by
/// date.
#[derive(Debug, Default)]
pub struct DigestMemo {
    by_insight: HashMap<FileId, (u64, StrengthDates, Strength, Strength)>,
    pub(crate) counts: Option<super::digest::KeptCounts>,
}

/// The period's start and the day after its end.
pub(crate) type StrengthDates = (jiff::civil::Date, Option<jiff::civil::Date>);

impl DigestMemo {
    /// The strengths before and after kept for `insight`, when its summary
    /// fingerprint and the dates are the same.
    pub(crate) fn get(
        &self,
        insight: FileId,
        fingerprint: u64,
        dates: StrengthDates,
    ) -> Option<(Strength, Strength)> {
        self.by_insight
            .get(&insight)
            .filter(|kept| kept.0 == fingerprint && kept.1 == dates)
            .map(|kept| (kept.2, kept.3))
    }

    /// Makes every kept strength `before` and `after` (tests: a stand-in
    /// that shows where a digest took its strengths from).
    #[cfg(test)]
    pub(crate) fn set_all(&mut self, before: Strength, after: Strength) {
        for kept in self.by_insight.values_mut() {
            (kept.2, kept.3) = (before, after);
        }
    }

    /// The strengths kept by insight note moved to the files' ids now
    /// (`files`); those of removed notes dropped.
    pub(crate) fn move_files(&mut self, files: impl Fn(FileId) -> Option<FileId> + Sync) {
        let kept = std::mem::take(&mut self.by_insight);
        self.by_insight = super::carry::moved_by_file(kept, files, |_| Some(()));
    }

    /// Replaces the strengths kept (not the counts).
    pub(crate) fn refill(
        &mut self,
        strengths: impl Iterator<Item = (FileId, u64, StrengthDates, Strength, Strength)>,
    ) {
        self.by_insight.clear();
        for (insight, fingerprint, dates, before, after) in strengths {
            self.by_insight
                .insert(insight, (fingerprint, dates, before, after));
        }
    }
}

/// Hashes of what an insight's summary, and its suggestions, are worked out from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Fingerprints {
    /// The insight note, the thresholds, and the hashes of its supporting and
    /// contradicting observations in order (each covers its interview).
    pub summary: u64,
    /// [`Fingerprints::summary`], who was followed up after each of those
    /// interviews and who raised its jobs (see `validation`); 0 when it needs no
    /// suggestions.
    pub follow_ups: u64,
    /// What a row of the overview pages shows of the summary
    /// ([`super::evidence::row_hash`]): kept with it, as it is worked out
    /// only when the summary is.
    pub row: u64,
    /// The suggestions themselves ([`super::validation::follow_ups_hash`]).
    pub shown_follow_ups: u64,
}

/// An insight's summary with its fingerprints.
#[derive(Debug)]
pub(crate) struct KeptInsight {
    pub fingerprints: Fingerprints,
    pub summary: InsightSummary,
}

/// An insight's follow-up suggestions taken from its kept summary.
#[derive(Debug)]
pub(crate) struct KeptFollowUps {
    /// Their fingerprint.
    pub fingerprint: u64,
    /// The suggestions.
    pub follow_ups: Vec<FollowUp>,
    /// How many more there were.
    pub more: usize,
    /// Their hash ([`super::validation::follow_ups_hash`]).
    pub shown: u64,
}

/// A job's summary with its fingerprints.
#[derive(Debug)]
pub(crate) struct KeptJob {
    pub fingerprint: JobFingerprints,
    pub summary: JobSummary,
}

/// Hashes of what a job's summary shows: its evidence (the hashes of its
/// observations), and the interviews that covered it (their record hashes,
/// in order: what its page shows of them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct JobFingerprints {
    pub evidence: u64,
    pub interviews: u64,
}

/// The fingerprints of one consolidation's summaries, in its order: per
/// insight, what its summary and its suggestions were worked out from, and
/// what its row and suggestions show; per job, its evidence and the
/// interviews that covered it. Page keys take them instead of hashing the
/// same evidence again.
#[derive(Debug, Clone, Copy)]
pub struct SummaryFingerprints<'c> {
    pub(crate) insights: &'c [Fingerprints],
    pub(crate) jobs: &'c [JobFingerprints],
    /// Per plan coverage, its key (see [`super::coverage::KeptCoverages`]),
    /// when one was worked out for each.
    pub(crate) plans: Option<&'c [u64]>,
}

impl SummaryFingerprints<'_> {
    /// The fingerprints of insight summary `index`: its own (the insight
    /// note, the thresholds, its evidence and counter-evidence) and its
    /// suggestions'.
    pub(crate) fn insight(&self, index: usize) -> (u64, u64) {
        let fingerprints = self.insights[index];
        (fingerprints.summary, fingerprints.follow_ups)
    }

    /// What insight summary `index` shows: its row's hash and its
    /// suggestions' (see [`Fingerprints::row`]).
    pub(crate) fn insight_shown(&self, index: usize) -> (u64, u64) {
        let fingerprints = self.insights[index];
        (fingerprints.row, fingerprints.shown_follow_ups)
    }

    /// The fingerprint of job summary `index`'s evidence.
    pub(crate) fn job(&self, index: usize) -> u64 {
        self.jobs[index].evidence
    }

    /// The fingerprint of the interviews that covered job summary `index`.
    pub(crate) fn job_interviews(&self, index: usize) -> u64 {
        self.jobs[index].interviews
    }

    /// The key of plan coverage `index`: what it was worked out from.
    pub(crate) fn plan(&self, index: usize) -> Option<u64> {
        self.plans.map(|plans| plans[index])
    }
}

impl SummaryMemo {
    /// Whether what the memo keeps by interview index names the same
    /// interviews in `model` (made from the same files): a model patched
    /// from the one the memo was kept from, or one with the same interview
    /// notes in the same order. When not, the memo is to be dropped: the
    /// fingerprints it is kept by hash interviews by their records, not
    /// their indices (page keys take them, and a new note must not change
    /// the keys of pages it does not touch).
    pub(crate) fn holds_for(&self, model: &ResearchModel) -> bool {
        self.patched_from_last(model)
            || (self.kept_from.1.len() == model.interviews.len()
                && (self.kept_from.1.iter().zip(&model.interviews))
                    .all(|(&file, interview)| file == interview.note.file))
    }

    /// The [`ResearchModel::id`] of the model the memo was last kept from.
    pub(crate) fn kept_from_model(&self) -> u64 {
        self.kept_from.0
    }

    fn patched_from_last(&self, model: &ResearchModel) -> bool {
        model
            .changes
            .as_ref()
            .is_some_and(|changes| changes.from == self.kept_from.0 && self.kept_from.0 != 0)
    }

    /// The fingerprints of the consolidation just built with this memo (until
    /// [`SummaryMemo::keep`] files its summaries under them), when they are
    /// one per summary of `consolidation`.
    pub fn fingerprints(
        &self,
        consolidation: &super::Consolidation,
    ) -> Option<SummaryFingerprints<'_>> {
        let (insights, jobs) = self.pending.as_ref()?;
        let plans =
            (self.plans.pending_keys()).filter(|keys| keys.len() == consolidation.plans.len());
        (insights.len() == consolidation.insights.len() && jobs.len() == consolidation.jobs.len())
            .then_some(SummaryFingerprints {
                insights,
                jobs,
                plans,
            })
    }

    /// Keeps the summaries of `consolidation` (just built with this memo from
    /// `model`) for the next update, in place of the ones it had; its plan
    /// coverages are moved out into the memo too.
    pub fn keep(&mut self, consolidation: &mut super::Consolidation, model: &ResearchModel) {
        // A model patched from the last has its interviews where they were.
        if !self.patched_from_last(model) {
            self.kept_from.1 = model.interviews.iter().map(|i| i.note.file).collect();
        }
        self.kept_from.0 = model.id;
        self.insights.clear();
        self.jobs.clear();
        self.plans
            .keep(std::mem::take(&mut consolidation.plans), model);
        let grouping = self.pending_grouping.take();
        let Some((insights, jobs)) = self.pending.take() else {
            return;
        };
        // The evidence lists kept are the grouping's only when all are kept.
        if insights.len() == consolidation.insights.len() && jobs.len() == consolidation.jobs.len()
        {
            self.grouping = grouping;
        }
        if insights.len() == consolidation.insights.len() {
            for (summary, fingerprints) in std::mem::take(&mut consolidation.insights)
                .into_iter()
                .zip(insights)
            {
                let file = model.insights[summary.insight].note.file;
                self.insights.insert(
                    file,
                    KeptInsight {
                        fingerprints,
                        summary,
                    },
                );
            }
        }
        if jobs.len() == consolidation.jobs.len() {
            for (summary, fingerprint) in std::mem::take(&mut consolidation.jobs)
                .into_iter()
                .zip(jobs)
            {
                let file = model.jobs[summary.job].note.file;
                self.jobs.insert(
                    file,
                    KeptJob {
                        fingerprint,
                        summary,
                    },
                );
            }
        }
    }
}
