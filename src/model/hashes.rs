//! Hashes of the model's records, for what `watch` reuses from one update to the
//! next: the page keys ([`crate::render::PageMemo`]) and the insight summaries
//! ([`crate::consolidate::SummaryMemo`]). An interview's hash covers every field
//! pages and summaries read from it; an observation's covers its own fields and
//! its interview's hash. Both include file ids, which stay the same only while
//! the set of files does.

use std::hash::{Hash, Hasher};

use rayon::prelude::*;
use xxhash_rust::xxh3::Xxh3;

use super::{Interview, Observation, ResearchModel};

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

/// The hash of an interview record (every field but its observations' range).
pub(crate) fn interview_hash(interview: &Interview) -> u64 {
    hash_of((
        &interview.note,
        interview.date,
        &interview.participants,
        interview.plan,
        interview.follow_up_of,
        &interview.jobs,
        &interview.answered_headings,
    ))
}

/// The hash of an observation's own fields (every field but its interview).
pub(crate) fn observation_hash(observation: &Observation) -> u64 {
    hash_of((
        observation.kind,
        &observation.text,
        observation.line,
        &observation.anchor,
        &observation.insights,
        &observation.jobs,
        observation.signals,
        &observation.steps,
    ))
}

impl RecordHashes {
    /// Hashes every interview and observation of `model` (taking the hashes
    /// worked out when they were read, when they were).
    pub fn of(model: &ResearchModel) -> RecordHashes {
        let interviews: Vec<u64> = model
            .interviews
            .par_iter()
            .map(|interview| {
                interview
                    .record_hash
                    .unwrap_or_else(|| interview_hash(interview))
            })
            .collect();
        let observations: Vec<u64> = model
            .observations
            .par_iter()
            .map(|observation| {
                let own = observation
                    .own_hash
                    .unwrap_or_else(|| observation_hash(observation));
                hash_of((interviews[observation.interview], own))
            })
            .collect();
        RecordHashes {
            interviews,
            observations,
        }
    }
}
