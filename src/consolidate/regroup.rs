//! Under `watch`, each insight's and job's evidence patched from the last
//! update's lists rather than gathered again from every interview.
//!
//! A save reads one interview again, or a few (see [`ModelChanges`]); every other
//! interview and its observations are the last model's, only their place in
//! the list of observations may have moved. So the last lists hold, minus the
//! observations of the interviews read again, each index moved by what those
//! interviews gained or lost before it, plus their observations now, put in
//! at their interview's rank. Gathering every list walks every link of the
//! vault in rank order, each push landing somewhere else in memory (about
//! 13 ms at 100,000 notes); patching touches the few lists the interviews
//! read again link, and moves the indices of the others only when an
//! interview gained or lost observations.

use std::ops::Range;

use rayon::prelude::*;

use super::evidence::{Grouped, split_pairs};
use super::memo::SummaryMemo;
use crate::config::NoteType;
use crate::model::{ModelChanges, ObservationLinks, ResearchModel};

/// What the evidence lists kept with the last update's summaries were
/// worked out from: the model's id and its interviews' ranks (the order
/// evidence is in).
#[derive(Debug)]
pub(crate) struct LastGrouping {
    from: u64,
    ranks: Vec<u32>,
}

impl LastGrouping {
    /// The grouping of the model `from`, whose interviews had `ranks`.
    pub(crate) fn new(from: u64, ranks: Vec<u32>) -> LastGrouping {
        LastGrouping { from, ranks }
    }
}

/// Which lists a patch changed beyond moving their indices: the evidence
/// of these insights and jobs is not the last update's.
#[derive(Debug)]
pub(crate) struct Touched {
    /// Per insight.
    pub insights: Vec<bool>,
    /// Per job.
    pub jobs: Vec<bool>,
}

/// The last update's lists, taken out of the summaries `memo` keeps, when
/// `model` was made from the model they were worked out from (its
/// [`ModelChanges`]) with the same ranks, and every insight and job has one.
pub(crate) fn take_last(
    model: &ResearchModel,
    memo: &mut SummaryMemo,
    ranks: &[u32],
) -> Option<Grouped> {
    let last = memo.grouping.take()?;
    let changes = model.changes.as_ref()?;
    let holds = last.from == changes.from
        && last.ranks == ranks
        && changes.interviews.len() <= crate::model::MOST_PATCHED
        && memo.insights.len() == model.insights.len()
        && memo.jobs.len() == model.jobs.len()
        && (model.insights.iter()).all(|insight| memo.insights.contains_key(&insight.note.file))
        && (model.jobs.iter()).all(|job| memo.jobs.contains_key(&job.note.file));
    if !holds {
        return None;
    }
    let mut supporting = Vec::with_capacity(model.insights.len());
    let mut against = Vec::with_capacity(model.insights.len());
    for insight in &model.insights {
        let kept = memo.insights.get_mut(&insight.note.file)?;
        supporting.push(std::mem::take(&mut kept.summary.evidence));
        against.push(std::mem::take(&mut kept.summary.counter_evidence));
    }
    let by_job = (model.jobs.iter())
        .map(|job| {
            let kept = memo.jobs.get_mut(&job.note.file)?;
            Some(std::mem::take(&mut kept.summary.evidence))
        })
        .collect::<Option<Vec<_>>>()?;
    Some(Grouped {
        supporting,
        against,
        by_job,
    })
}

/// The lists of `model`, patched from `last` (the lists of the model its
/// `changes` are from; `ranks` are both models'): see the module
/// documentation.
pub(crate) fn patch(
    model: &ResearchModel,
    changes: &ModelChanges,
    ranks: &[u32],
    last: Grouped,
) -> (Grouped, Touched) {
    let insights = model.positions_of(NoteType::Insight);
    let jobs = model.positions_of(NoteType::Job);
    // Per list, the observations each interview read again brings, by rank.
    let mut insight_gains: Vec<Vec<Gain>> = vec![Vec::new(); 2 * model.insights.len()];
    let mut job_gains: Vec<Vec<Gain>> = vec![Vec::new(); model.jobs.len()];
    let mut touched_insights = vec![false; 2 * model.insights.len()];
    let mut touched_jobs = vec![false; model.jobs.len()];
    let lists_of = |links: &ObservationLinks, each: &mut dyn FnMut(List, u32)| {
        for &(at, insight, contradicts) in &links.insights {
            if let Some(insight) = insights.get(insight) {
                each(List::Insight(2 * insight + usize::from(contradicts)), at);
            }
        }
        for &(at, job) in &links.jobs {
            if let Some(job) = jobs.get(job) {
                each(List::Job(job), at);
            }
        }
    };
    for changed in &changes.interviews {
        lists_of(&changed.links, &mut |list, _| match list {
            List::Insight(list) => touched_insights[list] = true,
            List::Job(list) => touched_jobs[list] = true,
        });
        let interview = &model.interviews[changed.index];
        let rank = ranks[changed.index];
        let first = interview.observations.start;
        lists_of(&interview.links, &mut |list, at| {
            let (gains, touched) = match list {
                List::Insight(list) => (&mut insight_gains[list], &mut touched_insights[list]),
                List::Job(list) => (&mut job_gains[list], &mut touched_jobs[list]),
            };
            *touched = true;
            match gains.last_mut() {
                Some(gain) if gain.rank == rank => gain.observations.push(first + at as usize),
                _ => gains.push(Gain {
                    rank,
                    observations: vec![first + at as usize],
                }),
            }
        });
    }
    let moves = Moves::of(model, changes);
    let rank_of = |observation: usize| ranks[model.observations[observation].interview];
    let patch_lists =
        |lists: &mut Vec<Vec<usize>>, touched: &[bool], gains: Vec<Vec<Gain>>| {
            lists.par_iter_mut().zip(touched).zip(gains).for_each(
                |((list, &touched), mut gains)| {
                    if touched {
                        list.retain(|&observation| !moves.removed(observation));
                        moves.apply(list);
                        gains.sort_by_key(|gain| gain.rank);
                        for gain in gains {
                            let at = list
                                .partition_point(|&observation| rank_of(observation) < gain.rank);
                            list.splice(at..at, gain.observations);
                        }
                    } else {
                        moves.apply(list);
                    }
                },
            );
        };
    let Grouped {
        mut supporting,
        mut against,
        mut by_job,
    } = last;
    // Two lists per insight: supporting, then against.
    let (supporting_touched, against_touched) = split_pairs(touched_insights);
    let (supporting_gains, against_gains) = split_pairs(insight_gains);
    patch_lists(&mut supporting, &supporting_touched, supporting_gains);
    patch_lists(&mut against, &against_touched, against_gains);
    patch_lists(&mut by_job, &touched_jobs, job_gains);
    let touched = Touched {
        insights: supporting_touched
            .iter()
            .zip(&against_touched)
            .map(|(&this, &that)| this || that)
            .collect(),
        jobs: touched_jobs,
    };
    let grouped = Grouped {
        supporting,
        against,
        by_job,
    };
    (grouped, touched)
}

/// A list an observation's link puts it in: an insight's (two per insight:
/// supporting, then against) or a job's.
#[derive(Clone, Copy)]
enum List {
    Insight(usize),
    Job(usize),
}

/// The observations an interview read again puts in one list, with its rank.
#[derive(Debug, Clone)]
struct Gain {
    rank: u32,
    observations: Vec<usize>,
}

/// How the last model's observation indices map to this model's.
struct Moves {
    /// The ranges of the interviews read again, in the last model's list, in
    /// order: their observations are gone.
    removed: Vec<Range<usize>>,
    /// At each of their ends, how far the observations after it moved.
    shifts: Vec<(usize, isize)>,
    /// Whether any observation moved.
    any: bool,
}

impl Moves {
    fn of(model: &ResearchModel, changes: &ModelChanges) -> Moves {
        let mut moved = 0isize;
        let mut shifts = Vec::with_capacity(changes.interviews.len());
        for changed in &changes.interviews {
            let now = model.interviews[changed.index].observations.len();
            moved += now as isize - changed.observations.len() as isize;
            shifts.push((changed.observations.end, moved));
        }
        Moves {
            removed: (changes.interviews.iter())
                .map(|changed| changed.observations.clone())
                .collect(),
            any: shifts.iter().any(|&(_, moved)| moved != 0),
            shifts,
        }
    }

    /// Whether `observation` (the last model's) was one of an interview read
    /// again.
    fn removed(&self, observation: usize) -> bool {
        let at = self
            .removed
            .partition_point(|range| range.end <= observation);
        self.removed
            .get(at)
            .is_some_and(|range| range.start <= observation)
    }

    /// Moves each index of `list` (the last model's, none removed) to where
    /// its observation is now.
    fn apply(&self, list: &mut [usize]) {
        if !self.any {
            return;
        }
        for observation in list {
            let at = self.shifts.partition_point(|&(end, _)| end <= *observation);
            if let Some(&(_, moved)) = at.checked_sub(1).map(|at| &self.shifts[at]) {
                *observation = observation.wrapping_add_signed(moved);
            }
        }
    }
}
