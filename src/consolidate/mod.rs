//! Consolidate: pure computations over the research model — every insight with
//! its evidence and strength, every job by role and job-map step, every plan's
//! coverage, the digest and the vault's health. No I/O.

mod carry;
mod coverage;
mod digest;
mod evidence;
mod health;
mod job_map;
mod memo;
mod regroup;
mod strength;
mod validation;

pub use coverage::{JobCoverage, PlanCoverage, QuestionCoverage, RoleCoverage, plan_coverage};
pub use digest::{
    Digest, Period, PeriodSummary, Scope, StrengthChange, digest, digest_of, latest_period,
};
pub use evidence::{FollowUp, InsightSummary, RoleEvidence, summarize_insights};
pub use health::{Health, health};
pub use job_map::{JobSummary, StepRow};
pub use memo::{SummaryFingerprints, SummaryMemo};
pub use strength::Strength;
pub use validation::is_followed_up;

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::model::{RecordHashes, ResearchModel};
use digest::digest_reusing;

/// Everything the pages show.
#[derive(Debug, Clone)]
pub struct Consolidation {
    /// One summary per insight, in the model's order.
    pub insights: Vec<InsightSummary>,
    /// One summary per job.
    pub jobs: Vec<JobSummary>,
    /// One coverage per plan.
    pub plans: Vec<PlanCoverage>,
    /// The latest period's digest (none when no interview is dated).
    pub digest: Option<Digest>,
    /// The vault's health.
    pub health: Health,
}

/// Consolidates the model. `vault_diagnostics` are the engine's (for broken links).
pub fn consolidate(
    model: &ResearchModel,
    vault_diagnostics: &[Diagnostic],
    config: &Config,
) -> Consolidation {
    consolidate_reusing(model, vault_diagnostics, config, None)
}

/// [`consolidate`], reusing the summaries of a [`SummaryMemo`] whose inputs are
/// unchanged (`reuse`: the record hashes of `model` and the memo, which then
/// waits for [`SummaryMemo::keep`] to take this consolidation's summaries).
pub fn consolidate_reusing(
    model: &ResearchModel,
    vault_diagnostics: &[Diagnostic],
    config: &Config,
    reuse: Option<(&RecordHashes, &mut SummaryMemo)>,
) -> Consolidation {
    let (hashes, mut memo) = match reuse {
        Some((hashes, memo)) => (Some(hashes), Some(memo)),
        None => (None, None),
    };
    // Each interview's place in (date, path) order, which evidence sorts by.
    let ranks =
        evidence::interview_ranks_reusing(model, memo.as_deref_mut().map(|memo| &mut memo.ranks));
    if let Some(memo) = memo.as_deref_mut() {
        memo.pending_grouping = Some(regroup::LastGrouping::new(model.id, ranks.clone()));
    }
    let evidence::Summarized {
        summaries: insights,
        fingerprints,
        job_evidence,
        patched,
    } = evidence::summarize_insights_reusing(
        model,
        &config.thresholds,
        ranks.clone(),
        hashes.zip(memo.as_deref_mut()),
    );
    // Jobs and plans are independent: their serial parts overlap. Plans are
    // kept by the inputs the follow-up index was worked out from.
    let (kept_jobs, kept_plans) = match memo.as_deref_mut() {
        Some(SummaryMemo {
            jobs,
            plans,
            follow_up_index,
            named_by,
            ..
        }) => (
            Some((jobs, named_by)),
            follow_up_index
                .as_ref()
                .map(|(inputs, _)| (inputs.interviews(), plans)),
        ),
        None => (None, None),
    };
    let ((jobs, job_fingerprints), plans) = rayon::join(
        || {
            job_map::summarize_jobs(
                model,
                &insights,
                &ranks,
                job_evidence,
                hashes.zip(kept_jobs),
                patched.as_ref().zip(model.changes.as_ref()),
            )
        },
        || coverage::plan_coverage_reusing(model, &ranks, kept_plans),
    );
    let summary_fingerprints: Vec<u64> = fingerprints.iter().map(|f| f.summary).collect();
    let strengths = memo.as_deref_mut().map(|memo| &mut memo.digest);
    // The digest and the vault's health read the same summaries, each on one
    // thread: they are worked out at the same time.
    let (digest, health) = rayon::join(
        || {
            latest_period(model, config.digest_period).map(|period| {
                digest_reusing(
                    model,
                    &insights,
                    &config.thresholds,
                    period,
                    config.digest_period,
                    &ranks,
                    config.digest_queue,
                    strengths.map(|strengths| (summary_fingerprints.as_slice(), strengths)),
                )
            })
        },
        || health(model, vault_diagnostics, &insights, config),
    );
    if let Some(memo) = memo {
        memo.pending = Some((fingerprints, job_fingerprints));
    }
    Consolidation {
        insights,
        jobs,
        plans,
        digest,
        health,
    }
}
