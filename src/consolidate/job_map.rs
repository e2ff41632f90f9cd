//! Per job: its evidence by role and by job-map step, the insights it touches,
//! and the interviews and plans that covered it.

use std::collections::BTreeMap;

use foldhash::HashMap;
use std::hash::{Hash, Hasher};

use rayon::prelude::*;

use super::evidence::{InsightSummary, Patched};
use super::memo::{JobFingerprints, KeptJob, kept_or_worked_out, take_kept};
use crate::config::NoteType;
use crate::model::{
    Entity, JobStep, ModelChanges, Positions, RecordHasher, RecordHashes, ResearchModel,
};
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
/// (`reuse`'s record hashes are of `model`). Returns each job's
/// fingerprints too (empty without `reuse`).
pub(crate) fn summarize_jobs(
    model: &ResearchModel,
    insights: &[InsightSummary],
    ranks: &[u32],
    evidence: Vec<Vec<usize>>,
    reuse: Option<(&RecordHashes, KeptJobs<'_>)>,
    patched: Option<(&Patched, &ModelChanges)>,
) -> (Vec<JobSummary>, Vec<JobFingerprints>) {
    let hashes = reuse.as_ref().map(|(hashes, _)| *hashes);
    let (kept_jobs, mut kept_named_by) = match reuse {
        Some((_, (jobs, named_by))) => (Some(jobs), Some(named_by)),
        None => (None, None),
    };
    let mut kept = take_kept(kept_jobs, model.jobs.iter().map(|job| job.note.file));
    let touched = patched.map(|(patched, _)| patched.jobs.as_slice());
    // The indices by job position (built once: a vault has thousands of
    // jobs), patched from the last update's when its lists were.
    let last_named_by = kept_named_by.as_deref_mut().and_then(Option::take);
    let patchable = kept.iter().all(Option::is_some);
    let (interviews_by_job, insights_by_job, plans_by_job, mut named_again) =
        match (patched, last_named_by) {
            (Some((patched, changes)), Some((from, named_by)))
                if from == changes.from && patchable =>
            {
                let (interviews_by_job, insights_by_job, plans_by_job, named_again) =
                    patch_indices(model, insights, named_by, &mut kept, patched, changes);
                debug_assert!(
                    (
                        interviews_by_job.clone(),
                        insights_by_job.clone(),
                        plans_by_job.clone()
                    ) == indices_by_job(model, insights),
                    "patched job indices differ"
                );
                (
                    interviews_by_job,
                    insights_by_job,
                    plans_by_job,
                    named_again,
                )
            }
            _ => {
                let (interviews, insights, plans) = indices_by_job(model, insights);
                (interviews, insights, plans, vec![true; model.jobs.len()])
            }
        };
    // A job whose evidence and naming interviews are the last update's was
    // covered by the same interviews.
    if let Some(touched) = touched {
        for (again, &touched) in named_again.iter_mut().zip(touched) {
            *again |= touched;
        }
    }
    let summarized: Vec<((JobSummary, JobFingerprints), Vec<usize>)> = evidence
        .into_par_iter()
        .zip(kept)
        .zip(interviews_by_job.into_par_iter().zip(named_again))
        .zip(insights_by_job.into_par_iter().zip(plans_by_job))
        .enumerate()
        .map(
            |(job, (((observations, mut kept), (named_by, again)), (touching, plans)))| {
                let kept_interviews = kept.as_mut().filter(|_| !again).map(|kept| {
                    (
                        std::mem::take(&mut kept.summary.interviews),
                        kept.fingerprint,
                    )
                });
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
                    let known = kept.as_ref().filter(|_| untouched);
                    kept_or_worked_out(known.map(|kept| kept.fingerprint.evidence), worked_out)
                });
                let tables = match (fingerprint, kept) {
                    (Some(fingerprint), Some(kept)) if kept.fingerprint.evidence == fingerprint => {
                        Tables {
                            participants: kept.summary.participants,
                            roles: kept.summary.roles,
                            matrix: kept.summary.matrix,
                            has_unknown_role: kept.summary.has_unknown_role,
                        }
                    }
                    _ => tables(model, &observations),
                };
                // The evidence is in evidence order, so its interviews come in
                // rank order already (each rank one interview): only the
                // interviews that name the job are sorted in.
                let covered = || {
                    let interview_of = |observation: usize| match hashes {
                        // Under `watch`, from the record hashes' compact list
                        // rather than from each (large) observation.
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
                    merged_by_rank(interviews, &named_by, ranks)
                };
                // Interviews naming it and its evidence as they were: the
                // same interviews, none of them read again (see
                // `patch_indices`), whose record hashes are the same.
                let (interviews, kept_interviews) = match kept_interviews {
                    Some((interviews, kept)) => {
                        debug_assert_eq!(interviews, covered());
                        (interviews, Some(kept.interviews))
                    }
                    None => (covered(), None),
                };
                let fingerprint = JobFingerprints {
                    evidence: fingerprint.unwrap_or_default(),
                    interviews: hashes.map_or(0, |hashes| {
                        kept_or_worked_out(kept_interviews, || {
                            interviews_fingerprint(hashes, &interviews)
                        })
                    }),
                };
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
                // The interviews naming it go back to the memo.
                ((summary, fingerprint), named_by)
            },
        )
        .collect();
    let (summarized, named_by): (Vec<(JobSummary, JobFingerprints)>, Vec<Vec<usize>>) =
        summarized.into_iter().unzip();
    if let Some(kept_named_by) = kept_named_by {
        *kept_named_by = Some((model.id, named_by));
    }
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

/// The fingerprint of `interviews` (see [`JobFingerprints`]): their count
/// and record hashes, in order.
fn interviews_fingerprint(hashes: &RecordHashes, interviews: &[usize]) -> u64 {
    let mut state = RecordHasher::new();
    interviews.len().hash(&mut state);
    for &interview in interviews {
        hashes.interviews[interview].hash(&mut state);
    }
    state.finish()
}

/// The interviews of `sorted` (in rank order, each once) and of `more`, in
/// rank order, each once.
fn merged_by_rank(sorted: Vec<usize>, more: &[usize], ranks: &[u32]) -> Vec<usize> {
    if more.is_empty() {
        return sorted;
    }
    let mut more = more.to_vec();
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

/// What `watch` keeps of the last update's jobs: their summaries by job note,
/// and which interviews named each job (with the id of their model).
pub(crate) type KeptJobs<'m> = (
    &'m mut HashMap<FileId, KeptJob>,
    &'m mut Option<(u64, ByJob)>,
);

/// The indices of [`indices_by_job`], patched from the last update's: the
/// interviews naming each job (`named_by`, the last model's) less the
/// interviews read again plus what they name now; the insights touching
/// each (taken from `kept`, every job's summary) less the insights whose
/// evidence changed plus what it links now. Plans are few: worked out
/// again. Returns too, per job, whether the interviews naming it changed.
fn patch_indices(
    model: &ResearchModel,
    insights: &[InsightSummary],
    mut named_by: ByJob,
    kept: &mut [Option<KeptJob>],
    patched: &Patched,
    changes: &ModelChanges,
) -> (ByJob, ByJob, ByJob, Vec<bool>) {
    let jobs = model.positions_of(NoteType::Job);
    let mut named_again = vec![false; model.jobs.len()];
    let mut touching: ByJob = kept
        .iter_mut()
        .map(|kept| {
            kept.as_mut()
                .map(|kept| std::mem::take(&mut kept.summary.insights))
                .unwrap_or_default()
        })
        .collect();
    for changed in &changes.interviews {
        let interview = changed.index;
        for job in job_positions(&jobs, &changed.jobs) {
            named_by[job].retain(|&named| named != interview);
            named_again[job] = true;
        }
        for job in job_positions(&jobs, &model.interviews[interview].jobs) {
            insert_sorted(&mut named_by[job], interview, true);
            named_again[job] = true;
        }
    }
    for (insight, before) in &patched.jobs_before {
        for job in job_positions(&jobs, before) {
            touching[job].retain(|&touches| touches != *insight);
        }
        for job in job_positions(&jobs, &insights[*insight].jobs) {
            insert_sorted(&mut touching[job], *insight, false);
        }
    }
    let plans_by_job = by_job(
        &jobs,
        model.jobs.len(),
        &mut (model.plans.iter())
            .enumerate()
            .map(|(index, plan)| (index, plan.jobs.as_slice())),
    );
    (named_by, touching, plans_by_job, named_again)
}

/// The positions among the jobs of the job notes `files`.
fn job_positions<'f>(jobs: &'f Positions, files: &'f [FileId]) -> impl Iterator<Item = usize> + 'f {
    files.iter().filter_map(|&file| jobs.get(file))
}

/// Puts `index` into the ascending `list`: once more (`again`), or only
/// when it is not there.
fn insert_sorted(list: &mut Vec<usize>, index: usize, again: bool) {
    let at = list.partition_point(|&listed| listed < index);
    if again || list.get(at) != Some(&index) {
        list.insert(at, index);
    }
}

/// Each file's list (`count` lists, by job position) of the indices whose
/// files name it, in the order given.
fn by_job(
    jobs: &Positions,
    count: usize,
    lists: &mut dyn Iterator<Item = (usize, &[FileId])>,
) -> ByJob {
    let mut by_job = vec![Vec::new(); count];
    for (index, files) in lists {
        for &file in files {
            if let Some(job) = jobs.get(file) {
                by_job[job].push(index);
            }
        }
    }
    by_job
}

fn indices_by_job(model: &ResearchModel, insights: &[InsightSummary]) -> (ByJob, ByJob, ByJob) {
    let jobs = model.positions_of(NoteType::Job);
    // Each index one pass over its lists, the three at once (an insight's
    // evidence may touch hundreds of jobs: millions of entries at 100,000 notes).
    let by_job = |lists: &mut dyn Iterator<Item = (usize, &[FileId])>| -> ByJob {
        by_job(&jobs, model.jobs.len(), lists)
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
        assert_eq!(merged_by_rank(vec![3, 2], &[], &ranks), [3, 2]);
        assert_eq!(merged_by_rank(vec![], &[0, 1, 1], &ranks), [1, 0]);
        assert_eq!(
            merged_by_rank(vec![3, 4, 0], &[0, 2, 1, 4], &ranks),
            [1, 3, 4, 2, 0]
        );
    }
}
