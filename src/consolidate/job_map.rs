//! Per job: its evidence by role and by job-map step, the insights it touches,
//! and the interviews and plans that covered it.

use std::collections::BTreeMap;

use foldhash::HashMap;
use std::hash::{Hash, Hasher};

use rayon::prelude::*;

use super::evidence::InsightSummary;
use super::memo::{KeptJob, take_kept};
use crate::config::NoteType;
use crate::model::{Entity, JobStep, RecordHasher, RecordHashes, ResearchModel};
use crate::resolve::FileId;

/// The evidence of one job.
#[derive(Debug, Clone)]
pub struct JobSummary {
    /// Index into the model's jobs.
    pub job: usize,
    /// Observations linking the job, oldest first.
    pub evidence: Vec<usize>,
    /// Distinct participants behind them.
    pub participants: Vec<Entity>,
    /// Distinct roles, by name: the columns of the step × role matrix.
    pub roles: Vec<Entity>,
    /// One row per job-map step (then one for untagged evidence): observation
    /// counts per role column, plus a column for participants without a role.
    pub matrix: Vec<StepRow>,
    /// Whether some evidence comes from participants without a role.
    pub has_unknown_role: bool,
    /// Insights whose evidence links this job (indices into insight summaries).
    pub insights: Vec<usize>,
    /// Interviews that covered it: listed it in `jobs:` or linked it.
    pub interviews: Vec<usize>,
    /// Plans that list it.
    pub plans: Vec<usize>,
}

/// One row of the step × role matrix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRow {
    /// The step; `None` for evidence without a `#step/…` tag.
    pub step: Option<JobStep>,
    /// Counts per role column (same order as [`JobSummary::roles`]), then the
    /// count for participants without a role.
    pub counts: Vec<usize>,
}

/// Summarises every job from its `evidence` (per job, its observations in
/// evidence order, gathered with the insights'), taking from `reuse`'s kept
/// summaries (by job note) the tables of a job whose evidence hashes the same
/// (`reuse`'s record hashes are of `model`). Returns each job's evidence
/// fingerprint too (empty without `reuse`).
pub(crate) fn summarize_jobs(
    model: &ResearchModel,
    insights: &[InsightSummary],
    ranks: &[u32],
    evidence: Vec<Vec<usize>>,
    reuse: Option<(&RecordHashes, &mut HashMap<FileId, KeptJob>)>,
    touched: Option<&[bool]>,
) -> (Vec<JobSummary>, Vec<u64>) {
    // The indices by job position (built once: a vault has thousands of jobs).
    let (interviews_by_job, insights_by_job, plans_by_job) = indices_by_job(model, insights);
    let hashes = reuse.as_ref().map(|(hashes, _)| *hashes);
    let kept = take_kept(
        reuse.map(|(_, memo)| memo),
        model.jobs.iter().map(|job| job.note.file),
    );
    let summarized: Vec<(JobSummary, u64)> = evidence
        .into_par_iter()
        .zip(kept)
        .zip(interviews_by_job.into_par_iter())
        .zip(insights_by_job.into_par_iter().zip(plans_by_job))
        .enumerate()
        .map(
            |(job, (((observations, kept), named_by), (touching, plans)))| {
                // The tables are worked out from the evidence alone.
                let fingerprint = hashes.map(|hashes| {
                    let worked_out = || {
                        let mut state = RecordHasher::new();
                        observations.len().hash(&mut state);
                        for &observation in &observations {
                            hashes.observations[observation].hash(&mut state);
                        }
                        state.finish()
                    };
                    // Evidence a patch left as it was hashes the same (see
                    // `summarize_insights_reusing`).
                    let untouched = touched.is_some_and(|touched| !touched[job]);
                    match kept.as_ref().filter(|_| untouched) {
                        Some(kept) => {
                            debug_assert_eq!(kept.fingerprint, worked_out());
                            kept.fingerprint
                        }
                        None => worked_out(),
                    }
                });
                let tables = match (fingerprint, kept) {
                    (Some(fingerprint), Some(kept)) if kept.fingerprint == fingerprint => Tables {
                        participants: kept.summary.participants,
                        roles: kept.summary.roles,
                        matrix: kept.summary.matrix,
                        has_unknown_role: kept.summary.has_unknown_role,
                    },
                    _ => tables(model, &observations),
                };
                // The evidence is in evidence order, so its interviews come in
                // rank order already (each rank one interview): only the
                // interviews that name the job are sorted in.
                let interview_of = |observation: usize| match hashes {
                    // Under `watch`, from the record hashes' compact list rather
                    // than from each (large) observation.
                    Some(hashes) => hashes.interview_of[observation] as usize,
                    None => model.observations[observation].interview,
                };
                let mut interviews: Vec<usize> = Vec::new();
                for &observation in &observations {
                    let interview = interview_of(observation);
                    if interviews.last() != Some(&interview) {
                        interviews.push(interview);
                    }
                }
                debug_assert!(interviews.is_sorted_by_key(|&interview| ranks[interview]));
                let interviews = merged_by_rank(interviews, named_by, ranks);
                let summary = JobSummary {
                    job,
                    evidence: observations,
                    participants: tables.participants,
                    roles: tables.roles,
                    matrix: tables.matrix,
                    has_unknown_role: tables.has_unknown_role,
                    insights: touching,
                    interviews,
                    plans,
                };
                (summary, fingerprint.unwrap_or_default())
            },
        )
        .collect();
    let fingerprints = match hashes {
        Some(_) => summarized
            .iter()
            .map(|(_, fingerprint)| *fingerprint)
            .collect(),
        None => Vec::new(),
    };
    (
        summarized.into_iter().map(|(summary, _)| summary).collect(),
        fingerprints,
    )
}

/// The interviews of `sorted` (in rank order, each once) and of `more`, in
/// rank order, each once.
fn merged_by_rank(sorted: Vec<usize>, mut more: Vec<usize>, ranks: &[u32]) -> Vec<usize> {
    if more.is_empty() {
        return sorted;
    }
    more.sort_unstable_by_key(|&interview| ranks[interview]);
    let mut merged = Vec::with_capacity(sorted.len() + more.len());
    let (mut sorted, mut more) = (sorted.into_iter().peekable(), more.into_iter().peekable());
    loop {
        let next = match (sorted.peek(), more.peek()) {
            (Some(&a), Some(&b)) if ranks[b] < ranks[a] => more.next(),
            (Some(_), _) => sorted.next(),
            (None, Some(_)) => more.next(),
            (None, None) => break,
        };
        if let Some(interview) = next
            && merged.last() != Some(&interview)
        {
            merged.push(interview);
        }
    }
    merged
}

/// By job (its position among the model's jobs): the interviews that name
/// it, the insights whose evidence links it and the plans that plan it, each
/// in ascending order.
type ByJob = Vec<Vec<usize>>;

fn indices_by_job(model: &ResearchModel, insights: &[InsightSummary]) -> (ByJob, ByJob, ByJob) {
    let jobs = model.positions_of(NoteType::Job);
    // Each index one pass over its lists, the three at once (an insight's
    // evidence may touch hundreds of jobs: millions of entries at 100,000 notes).
    let by_job = |lists: &mut dyn Iterator<Item = (usize, &[FileId])>| -> ByJob {
        let mut by_job = vec![Vec::new(); model.jobs.len()];
        for (index, files) in lists {
            for &file in files {
                if let Some(job) = jobs.get(file) {
                    by_job[job].push(index);
                }
            }
        }
        by_job
    };
    let (interviews_by_job, (insights_by_job, plans_by_job)) = rayon::join(
        || {
            by_job(
                &mut (model.interviews.iter())
                    .enumerate()
                    .map(|(index, interview)| (index, interview.jobs.as_slice())),
            )
        },
        || {
            rayon::join(
                || {
                    by_job(
                        &mut insights
                            .iter()
                            .enumerate()
                            .map(|(index, summary)| (index, summary.jobs.as_slice())),
                    )
                },
                || {
                    by_job(
                        &mut (model.plans.iter())
                            .enumerate()
                            .map(|(index, plan)| (index, plan.jobs.as_slice())),
                    )
                },
            )
        },
    );
    (interviews_by_job, insights_by_job, plans_by_job)
}

/// What a job's evidence gives: who, in which roles, at which steps.
struct Tables {
    participants: Vec<Entity>,
    roles: Vec<Entity>,
    matrix: Vec<StepRow>,
    has_unknown_role: bool,
}

/// The tables of a job's evidence (`observations`, oldest first).
fn tables(model: &ResearchModel, observations: &[usize]) -> Tables {
    let mut participants: BTreeMap<&str, &Entity> = BTreeMap::new();
    let mut roles: BTreeMap<&str, &Entity> = BTreeMap::new();
    for &index in observations {
        for participant in &model.interviews[model.observations[index].interview].participants {
            participants.insert(&participant.person.key, &participant.person);
            if let Some(role) = &participant.role {
                roles.insert(&role.key, role);
            }
        }
    }
    let roles: Vec<Entity> = roles.into_values().cloned().collect();
    let mut has_unknown_role = false;
    let mut rows: Vec<StepRow> = JobStep::ALL
        .into_iter()
        .map(Some)
        .chain(std::iter::once(None))
        .map(|step| StepRow {
            step,
            counts: vec![0; roles.len() + 1],
        })
        .collect();
    for &index in observations {
        let observation = &model.observations[index];
        let interview = &model.interviews[observation.interview];
        let mut columns: Vec<usize> = interview
            .participants
            .iter()
            .map(|participant| match &participant.role {
                Some(role) => roles
                    .iter()
                    .position(|known| known.key == role.key)
                    .unwrap_or(roles.len()),
                None => roles.len(),
            })
            .collect();
        columns.sort_unstable();
        columns.dedup();
        if columns.is_empty() {
            columns.push(roles.len());
        }
        has_unknown_role |= columns.contains(&roles.len());
        let steps: Vec<Option<JobStep>> = if observation.steps.is_empty() {
            vec![None]
        } else {
            observation.steps.iter().copied().map(Some).collect()
        };
        for step in steps {
            let row = rows
                .iter_mut()
                .find(|row| row.step == step)
                .expect("every step has a row");
            for &column in &columns {
                row.counts[column] += 1;
            }
        }
    }
    let mut participants: Vec<&Entity> = participants.into_values().collect();
    participants.sort_by(|a, b| a.cmp_by_name(b));
    let participants: Vec<Entity> = participants.into_iter().cloned().collect();
    Tables {
        participants,
        roles,
        matrix: rows,
        has_unknown_role,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interviews_merge_in_rank_order_each_once() {
        // Interview i has rank ranks[i].
        let ranks = [4, 0, 3, 1, 2];
        // In rank order: 1 (0), 3 (1), 4 (2), 2 (3), 0 (4).
        assert_eq!(merged_by_rank(vec![3, 2], vec![], &ranks), [3, 2]);
        assert_eq!(merged_by_rank(vec![], vec![0, 1, 1], &ranks), [1, 0]);
        assert_eq!(
            merged_by_rank(vec![3, 4, 0], vec![0, 2, 1, 4], &ranks),
            [1, 3, 4, 2, 0]
        );
    }
}
