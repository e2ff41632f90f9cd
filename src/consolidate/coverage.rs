//! Per plan: how far the round of interviews has got — interviews per role
//! against the target, jobs covered, and which interviews answered each question.
//! Interviews whose roles are not among the plan's are kept apart: mixing what a
//! dispatcher and a technician say misleads.

use foldhash::HashMap;
use std::hash::{Hash, Hasher};

use rayon::prelude::*;

use super::memo::{kept_or_worked_out, take_kept};
use crate::config::NoteType;
use crate::model::{Entity, ModelChanges, Plan, RecordHasher, ResearchModel};
use crate::resolve::FileId;

/// The coverage of one plan.
#[derive(Debug, Clone)]
pub struct PlanCoverage {
    /// Index into the model's plans.
    pub plan: usize,
    /// Interviews naming the plan, oldest first.
    pub interviews: Vec<usize>,
    /// Per planned role: the interviews held.
    pub roles: Vec<RoleCoverage>,
    /// Roles met that the plan does not list, with their interviews.
    pub off_plan: Vec<RoleCoverage>,
    /// Interviews whose participants have no role.
    pub without_role: Vec<usize>,
    /// Per planned job: the plan's interviews that covered it.
    pub jobs: Vec<JobCoverage>,
    /// Per question: the interviews that answered it.
    pub questions: Vec<QuestionCoverage>,
}

/// Interviews held for one role.
#[derive(Debug, Clone)]
pub struct RoleCoverage {
    /// The role.
    pub role: Entity,
    /// Its interviews.
    pub interviews: Vec<usize>,
    /// The plan's target per role.
    pub target: Option<u32>,
}

/// Coverage of one planned job.
#[derive(Debug, Clone)]
pub struct JobCoverage {
    /// The job note.
    pub job: FileId,
    /// The plan's interviews that listed or linked it.
    pub interviews: Vec<usize>,
}

/// Answers to one planned question.
#[derive(Debug, Clone)]
pub struct QuestionCoverage {
    /// Index into the plan's questions.
    pub question: usize,
    /// On-plan interviews with a heading matching the question and text under it.
    pub answered_by: Vec<usize>,
    /// Off-plan interviews that answered it (kept apart).
    pub off_plan_answers: Vec<usize>,
}

impl PlanCoverage {
    /// Questions answered by at least one on-plan interview.
    pub fn questions_answered(&self) -> usize {
        self.questions
            .iter()
            .filter(|q| !q.answered_by.is_empty())
            .count()
    }
}

/// Computes every plan's coverage; `ranks` are the interviews' places in
/// (date, path) order ([`super::evidence::interview_ranks`]).
pub fn plan_coverage(model: &ResearchModel, ranks: &[u32]) -> Vec<PlanCoverage> {
    plan_coverage_reusing(model, ranks, None)
}

/// The coverages kept from the last update, by plan note, with the hash of
/// what each was worked out from; and the id of the model they are of, with
/// its interviews' ranks.
#[derive(Debug, Default)]
pub(crate) struct KeptCoverages {
    by_plan: HashMap<FileId, (u64, PlanCoverage)>,
    of: Option<(u64, Vec<u32>)>,
    /// The keys of the coverages being built, with the model's id and
    /// ranks, until [`KeptCoverages::keep`] keeps the coverages with them.
    pending: Option<(u64, Vec<u32>, Vec<u64>)>,
}

impl KeptCoverages {
    /// Keeps `coverages` for the next update (the ones just worked out with
    /// these kept ones, in the order of `model`'s plans), moved rather than
    /// copied.
    pub(crate) fn keep(&mut self, coverages: Vec<PlanCoverage>, model: &ResearchModel) {
        self.by_plan.clear();
        self.of = None;
        let Some((from, ranks, keys)) = self.pending.take() else {
            return;
        };
        if coverages.len() != keys.len() || keys.len() != model.plans.len() {
            return;
        }
        self.by_plan.extend(
            (model.plans.iter())
                .zip(keys.into_iter().zip(coverages))
                .map(|(plan, kept)| (plan.note.file, kept)),
        );
        self.of = Some((from, ranks));
    }

    /// The keys of the coverages being built (one per plan, in the model's
    /// order), until [`KeptCoverages::keep`]: each covers its plan and, per
    /// interview naming it, the interview's record, rank and the jobs its
    /// observations link — everything its coverage is worked out from.
    pub(crate) fn pending_keys(&self) -> Option<&[u64]> {
        self.pending.as_ref().map(|(_, _, keys)| keys.as_slice())
    }
}

/// The plans whose coverage `changes` may change: those read again, and
/// those the interviews read again named before or name now.
fn touched_plans(model: &ResearchModel, changes: &ModelChanges) -> Vec<bool> {
    let mut touched = vec![false; model.plans.len()];
    for &plan in &changes.plans {
        touched[plan] = true;
    }
    for changed in &changes.interviews {
        for plan in [changed.plan, model.interviews[changed.index].plan] {
            if let Some(plan) = plan.and_then(|file| model.index_of(file, NoteType::Plan)) {
                touched[plan] = true;
            }
        }
    }
    touched
}

/// [`plan_coverage`], taking from `reuse`'s kept coverages (this build's
/// are kept by `SummaryMemo::keep`) the coverage of a plan whose inputs hash the same: the
/// plan, and its interviews with their ranks and input hashes (per
/// interview: its record and the jobs its observations link, see
/// [`super::validation::IndexInputs`]).
pub(crate) fn plan_coverage_reusing(
    model: &ResearchModel,
    ranks: &[u32],
    reuse: Option<(&[u64], &mut KeptCoverages)>,
) -> Vec<PlanCoverage> {
    let (inputs, mut kept) = match reuse {
        Some((inputs, kept)) => (Some(inputs), Some(kept)),
        None => (None, None),
    };
    // Under `watch`, when this model was made from the one the kept
    // coverages are of, with the same ranks, only the plans its changes
    // touch are worked out again: the others have the same inputs.
    let touched = match (kept.as_deref(), &model.changes) {
        (Some(kept), Some(changes))
            if inputs.is_some()
                && kept.by_plan.len() == model.plans.len()
                && (model.plans.iter()).all(|plan| kept.by_plan.contains_key(&plan.note.file))
                && kept.of.as_ref().is_some_and(|(from, last_ranks)| {
                    *from == changes.from && last_ranks == ranks
                }) =>
        {
            Some(touched_plans(model, changes))
        }
        _ => None,
    };
    let last = take_kept(
        kept.as_deref_mut().map(|kept| &mut kept.by_plan),
        model.plans.iter().map(|plan| plan.note.file),
    );
    let by_plan = match (&touched, &model.changes) {
        (Some(touched), Some(changes)) => patched_interviews(model, changes, touched, &last),
        _ => None,
    }
    .unwrap_or_else(|| interviews_by_plan(model));
    let touched = touched.as_deref();
    let covered: Vec<(u64, PlanCoverage)> = model
        .plans
        .par_iter()
        .zip(by_plan)
        .zip(last)
        .enumerate()
        .map(|(index, ((plan, mut interviews), last))| {
            interviews.sort_unstable_by_key(|&interview| ranks[interview]);
            let untouched = touched.is_some_and(|touched| !touched[index]);
            let known = last.as_ref().filter(|_| untouched).map(|(known, _)| *known);
            let key = inputs.map(|inputs| {
                kept_or_worked_out(known, || {
                    let mut state = RecordHasher::new();
                    (index, &plan.note, &plan.roles, plan.target, &plan.questions).hash(&mut state);
                    // Job notes by note (paths), not by file id.
                    for &job in &plan.jobs {
                        let note = model
                            .index_of(job, NoteType::Job)
                            .map(|at| &model.jobs[at].note);
                        note.hash(&mut state);
                    }
                    for &interview in &interviews {
                        // By its input (its record), not its index: a note
                        // added before it moves the index (the coverages
                        // kept, which list interviews by index, are dropped
                        // when indices may move).
                        (ranks[interview], inputs[interview]).hash(&mut state);
                    }
                    state.finish()
                })
            });
            match (key, last) {
                (Some(key), Some((known, coverage))) if known == key => (key, coverage),
                _ => (
                    key.unwrap_or_default(),
                    cover(model, index, plan, interviews),
                ),
            }
        })
        .collect();
    let (keys, coverages): (Vec<u64>, Vec<PlanCoverage>) = covered.into_iter().unzip();
    if let Some(kept) = kept {
        // Kept once the update is done (see `SummaryMemo::keep`).
        kept.by_plan.clear();
        kept.of = None;
        kept.pending = Some((model.id, ranks.to_vec(), keys));
    }
    coverages
}

/// Per plan, the interviews naming it.
fn interviews_by_plan(model: &ResearchModel) -> Vec<Vec<usize>> {
    let mut by_plan: Vec<Vec<usize>> = vec![Vec::new(); model.plans.len()];
    for (index, interview) in model.interviews.iter().enumerate() {
        if let Some(plan) = interview
            .plan
            .and_then(|file| model.index_of(file, NoteType::Plan))
        {
            by_plan[plan].push(index);
        }
    }
    by_plan
}

/// [`interviews_by_plan`] for a model patched from the one the `last`
/// coverages are of (`changes`; the same interviews in the same places),
/// for the `touched` plans only: each one's last interviews, without those
/// read again, with those read again that name it now. The others' are not
/// needed (their coverage is kept; debug builds take their last list, to
/// check the key kept with it). Going over every interview took about 2 ms
/// per update at 100,000 notes. `None` when a touched plan has no last
/// coverage.
fn patched_interviews(
    model: &ResearchModel,
    changes: &ModelChanges,
    touched: &[bool],
    last: &[Option<(u64, PlanCoverage)>],
) -> Option<Vec<Vec<usize>>> {
    let read_again: Vec<usize> = changes.interviews.iter().map(|c| c.index).collect();
    let mut by_plan = Vec::with_capacity(model.plans.len());
    for (index, (&touched, last)) in touched.iter().zip(last).enumerate() {
        let last = last.as_ref().map(|(_, coverage)| &coverage.interviews);
        if !touched {
            by_plan.push(match cfg!(debug_assertions) {
                true => last.cloned().unwrap_or_default(),
                false => Vec::new(),
            });
            continue;
        }
        let mut interviews: Vec<usize> = last?
            .iter()
            .copied()
            .filter(|interview| !read_again.contains(interview))
            .collect();
        let plan = model.plans[index].note.file;
        interviews.extend(
            (read_again.iter().copied())
                .filter(|&interview| model.interviews[interview].plan == Some(plan)),
        );
        by_plan.push(interviews);
    }
    debug_assert!(
        (by_plan.iter().zip(interviews_by_plan(model))).all(|(patched, mut whole)| {
            let mut patched = patched.clone();
            patched.sort_unstable();
            whole.sort_unstable();
            patched == whole
        }),
        "patched interview lists differ"
    );
    Some(by_plan)
}

/// The coverage of `plan` (the model's plan `index`) by its interviews,
/// oldest first.
fn cover(model: &ResearchModel, index: usize, plan: &Plan, interviews: Vec<usize>) -> PlanCoverage {
    let mut roles: Vec<RoleCoverage> = plan
        .roles
        .iter()
        .map(|role| RoleCoverage {
            role: role.clone(),
            interviews: Vec::new(),
            target: plan.target,
        })
        .collect();
    let mut off_plan: Vec<RoleCoverage> = Vec::new();
    let mut without_role = Vec::new();
    let mut on_plan = Vec::new();
    for &interview in &interviews {
        let interview_roles = model.interviews[interview].roles();
        if interview_roles.is_empty() {
            // Not known to be off-plan: its answers count.
            without_role.push(interview);
            on_plan.push(interview);
            continue;
        }
        let mut is_on_plan = false;
        for role in interview_roles {
            if let Some(planned) = roles
                .iter_mut()
                .find(|planned| planned.role.key == role.key)
            {
                planned.interviews.push(interview);
                is_on_plan = true;
            } else {
                match off_plan.iter_mut().find(|other| other.role.key == role.key) {
                    Some(other) => other.interviews.push(interview),
                    None => off_plan.push(RoleCoverage {
                        role: role.clone(),
                        interviews: vec![interview],
                        target: None,
                    }),
                }
            }
        }
        if is_on_plan {
            on_plan.push(interview);
        }
    }
    off_plan.sort_by(|a, b| a.role.key.cmp(&b.role.key));
    let mut on_plan_sorted = on_plan.clone();
    on_plan_sorted.sort_unstable();
    // Each interview's jobs (listed or linked) gathered once, then
    // looked up per planned job.
    let mut jobs: Vec<JobCoverage> = plan
        .jobs
        .iter()
        .map(|&job| JobCoverage {
            job,
            interviews: Vec::new(),
        })
        .collect();
    let mut covered: Vec<FileId> = Vec::new();
    for &interview in &interviews {
        let found = &model.interviews[interview];
        covered.clear();
        covered.extend(&found.jobs);
        for observation in &model.observations[found.observations.clone()] {
            covered.extend(&observation.jobs);
        }
        for job in &mut jobs {
            if covered.contains(&job.job) {
                job.interviews.push(interview);
            }
        }
    }
    let questions = plan
        .questions
        .iter()
        .enumerate()
        .map(|(question_index, question)| {
            let answers = |list: &[usize]| -> Vec<usize> {
                list.iter()
                    .copied()
                    .filter(|&interview| {
                        model.interviews[interview]
                            .answered_headings
                            .contains(&question.key)
                    })
                    .collect()
            };
            let off_plan_interviews: Vec<usize> = interviews
                .iter()
                .copied()
                .filter(|interview| on_plan_sorted.binary_search(interview).is_err())
                .collect();
            QuestionCoverage {
                question: question_index,
                answered_by: answers(&on_plan),
                off_plan_answers: answers(&off_plan_interviews),
            }
        })
        .collect();
    PlanCoverage {
        plan: index,
        interviews,
        roles,
        off_plan,
        without_role,
        jobs,
        questions,
    }
}
