//! Hashes of the model's records, for what `watch` reuses from one update to the
//! next: the page keys ([`crate::render::PageMemo`]) and the insight summaries
//! ([`crate::consolidate::SummaryMemo`]). An interview's hash covers every field
//! pages and summaries read from it; an observation's covers its own fields and
//! its interview's hash. Both include file ids, which stay the same only while
//! the set of files does.

use std::hash::{Hash, Hasher};

use rayon::prelude::*;
use xxhash_rust::xxh3::Xxh3;

use super::ResearchModel;

/// One hash per interview and per observation, in model order.
#[derive(Debug, Clone, Default)]
pub struct RecordHashes {
    /// Per interview.
    pub interviews: Vec<u64>,
    /// Per observation.
    pub observations: Vec<u64>,
}

/// The hash of `value`, with the hasher every record hash uses.
pub fn hash_of(value: impl Hash) -> u64 {
    let mut state = Xxh3::new();
    value.hash(&mut state);
    state.finish()
}

impl RecordHashes {
    /// Hashes every interview and observation of `model`.
    pub fn of(model: &ResearchModel) -> RecordHashes {
        let interviews: Vec<u64> = model
            .interviews
            .par_iter()
            .map(|interview| {
                hash_of((
                    &interview.note,
                    interview.date,
                    &interview.participants,
                    interview.plan,
                    interview.follow_up_of,
                    &interview.jobs,
                    &interview.answered_headings,
                ))
            })
            .collect();
        let observations: Vec<u64> = model
            .observations
            .par_iter()
            .map(|observation| {
                hash_of((
                    interviews[observation.interview],
                    observation.kind,
                    &observation.text,
                    observation.line,
                    &observation.anchor,
                    &observation.insights,
                    &observation.jobs,
                    observation.signals,
                    &observation.steps,
                ))
            })
            .collect();
        RecordHashes {
            interviews,
            observations,
        }
    }
}
