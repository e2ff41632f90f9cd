//! Hashes of the model's records, for what `watch` reuses from one update to the
//! next: the page keys ([`crate::render::PageMemo`]) and the insight summaries
//! ([`crate::consolidate::SummaryMemo`]). An interview's hash covers every field
//! pages and summaries read from it; an observation's covers its own fields and
//! its interview's hash. Both hash the files they name by path, not by id
//! (see [`FilePaths`]): a new note moves the ids of the files after it, and
//! the records it does not touch must hash the same.

use std::borrow::Cow;
use std::hash::{Hash, Hasher};

use rayon::prelude::*;
use xxhash_rust::xxh3::Xxh3;

use super::{Interview, Observation, ResearchModel};
use crate::resolve::FileId;
use crate::scan::VaultFile;

/// One hash per interview and per observation, in model order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordHashes {
    /// Per interview.
    pub interviews: Vec<u64>,
    /// Per observation.
    pub observations: Vec<u64>,
    /// Per observation, its interview (as [`Observation::interview`]), side by
    /// side: every insight's evidence is looked up by interview on an update,
    /// and this reads four bytes per observation, not the observation.
    pub interview_of: Vec<u32>,
}

/// The hash of `value`, with the hasher every record hash uses. Its buffer
/// is the thread's, reused from one call to the next (`watch` hashes every
/// insight and page on every update).
pub fn hash_of(value: impl Hash) -> u64 {
    thread_local! {
        static BUFFER: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
    }
    // A hash within a hash finds the buffer taken, and makes its own.
    let mut bytes = BUFFER.take();
    bytes.clear();
    let mut state = RecordHasher { bytes, state: None };
    value.hash(&mut state);
    let hash = state.finish();
    let mut bytes = state.bytes;
    // A long value once must not hold memory on every thread for good.
    bytes.shrink_to(GATHERED);
    BUFFER.set(bytes);
    hash
}

/// Bytes gathered before they are hashed.
const GATHERED: usize = 64 * 1024;

/// The hasher of record hashes, fingerprints and page keys: xxh3 over the
/// bytes written, gathered first. `Hash` implementations write one small value
/// at a time, and xxh3's own streaming state copies each one into its buffer
/// through a call (most of the time page keys took); gathering them in a
/// vector is a few instructions each, and xxh3 then hashes long pieces.
#[derive(Clone, Default)]
pub struct RecordHasher {
    /// Bytes not hashed yet.
    bytes: Vec<u8>,
    /// The bytes hashed so far, once there were more than [`GATHERED`].
    state: Option<Box<Xxh3>>,
}

impl RecordHasher {
    /// A hasher that has seen nothing.
    pub fn new() -> RecordHasher {
        RecordHasher {
            bytes: Vec::with_capacity(256),
            state: None,
        }
    }
}

impl RecordHasher {
    /// Hashes what was gathered once there is enough of it.
    #[inline]
    fn gathered(&mut self) {
        if self.bytes.len() >= GATHERED {
            self.state
                .get_or_insert_with(|| Box::new(Xxh3::new()))
                .update(&self.bytes);
            self.bytes.clear();
        }
    }
}

impl Hasher for RecordHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
        self.gathered();
    }

    #[inline]
    fn write_u8(&mut self, value: u8) {
        self.bytes.push(value);
        self.gathered();
    }

    #[inline]
    fn write_u32(&mut self, value: u32) {
        self.bytes.extend(value.to_le_bytes());
        self.gathered();
    }

    #[inline]
    fn write_u64(&mut self, value: u64) {
        self.bytes.extend(value.to_le_bytes());
        self.gathered();
    }

    #[inline]
    fn write_usize(&mut self, value: usize) {
        self.write_u64(value as u64);
    }

    fn finish(&self) -> u64 {
        match &self.state {
            None => xxhash_rust::xxh3::xxh3_64(&self.bytes),
            Some(state) => {
                let mut state = state.clone();
                state.update(&self.bytes);
                state.digest()
            }
        }
    }
}

/// The hash of an interview record (every field but its observations' range).
/// Files hash as their paths (`files`), not their ids (see [`FilePaths`]).
pub(crate) fn interview_hash(interview: &Interview, files: &[VaultFile]) -> u64 {
    hash_of((
        &interview.note,
        interview.date,
        &interview.participants,
        FilePaths(files, interview.plan.as_slice()),
        FilePaths(files, interview.follow_up_of.as_slice()),
        FilePaths(files, &interview.jobs),
        &interview.answered_headings,
    ))
}

/// The hash of an observation's own fields (every field but its interview).
pub(crate) fn observation_hash(observation: &Observation, files: &[VaultFile]) -> u64 {
    hash_of((
        observation.kind,
        &observation.text,
        observation.line,
        &observation.anchor,
        FilePaths(files, &observation.insights),
        FilePaths(files, &observation.jobs),
        observation.signals,
        &observation.steps,
    ))
}

/// Files, hashed as their paths: a file's id is its position in the list of
/// files, which a new or removed file moves, while a record that did not
/// change must hash the same (`watch` then renders none of the pages it is
/// on). The model's notes and entities hash their paths likewise.
pub struct FilePaths<'f>(pub &'f [VaultFile], pub &'f [FileId]);

impl Hash for FilePaths<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.1.len().hash(state);
        for &file in self.1 {
            self.0[file as usize].path.hash(state);
        }
    }
}

impl RecordHashes {
    /// Hashes every interview and observation of `model` (taking the hashes
    /// worked out when they were read, when they were).
    pub fn of(model: &ResearchModel, files: &[VaultFile]) -> RecordHashes {
        let interviews: Vec<u64> = model
            .interviews
            .par_iter()
            .map(|interview| {
                interview
                    .record_hash
                    .unwrap_or_else(|| interview_hash(interview, files))
            })
            .collect();
        // Interviews' observations follow one another in the model's list:
        // each interview's hashes, one after the other, are the list's.
        let mut next = 0;
        let laid_out = model.interviews.iter().all(|interview| {
            let follows = interview.observations.start == next;
            next = interview.observations.end;
            follows
        }) && next == model.observations.len();
        // The two lists are worked out at the same time.
        let (observations, interview_of) = rayon::join(
            || observation_hashes(model, files, &interviews, laid_out),
            || interviews_of(model, laid_out),
        );
        RecordHashes {
            interviews,
            observations,
            interview_of,
        }
    }
}

impl RecordHashes {
    /// [`RecordHashes::of`], patched from `last` when they are the hashes of
    /// the model `model` was made from (see [`super::ModelChanges`]): every
    /// other interview and its observations hash as they did, so only the
    /// interviews read again are hashed, and their observations' hashes put
    /// in place of the ones they had.
    pub fn reusing(
        model: &ResearchModel,
        files: &[VaultFile],
        last: Option<(u64, RecordHashes)>,
    ) -> RecordHashes {
        let changes = model.changes.as_ref();
        let mut hashes = match last {
            Some((from, hashes))
                if changes.is_some_and(|changes| {
                    changes.from == from && changes.interviews.len() <= super::MOST_PATCHED
                }) && hashes.interviews.len() == model.interviews.len() =>
            {
                hashes
            }
            _ => return RecordHashes::of(model, files),
        };
        // From the back: the ranges before each one are still the last
        // model's.
        for changed in changes.into_iter().flat_map(|c| c.interviews.iter().rev()) {
            let interview = &model.interviews[changed.index];
            let hash = interview
                .record_hash
                .unwrap_or_else(|| interview_hash(interview, files));
            hashes.interviews[changed.index] = hash;
            let own = own_hashes(model, files, interview);
            let total = hashes.observations.len() - changed.observations.len() + own.len();
            super::gather::make_room(&mut hashes.observations, total);
            super::gather::make_room(&mut hashes.interview_of, total);
            hashes.observations.splice(
                changed.observations.clone(),
                own.iter().map(|&own| hash_pair(hash, own)),
            );
            hashes.interview_of.splice(
                changed.observations.clone(),
                std::iter::repeat_n(changed.index as u32, interview.observations.len()),
            );
        }
        debug_assert!(
            hashes == RecordHashes::of(model, files),
            "patched hashes differ"
        );
        hashes
    }
}

/// The hashes of `interview`'s observations' own fields: kept from when it
/// was read, or worked out now if they were not kept.
fn own_hashes<'m>(
    model: &'m ResearchModel,
    files: &[VaultFile],
    interview: &'m Interview,
) -> Cow<'m, [u64]> {
    match interview.observation_hashes.len() == interview.observations.len() {
        true => Cow::Borrowed(&interview.observation_hashes),
        false => Cow::Owned(
            model.observations[interview.observations.clone()]
                .iter()
                .map(|observation| observation_hash(observation, files))
                .collect(),
        ),
    }
}

/// Each observation's hash: its interview's (`interviews`) and its own.
/// `laid_out`: each interview's observations follow the last one's.
fn observation_hashes(
    model: &ResearchModel,
    files: &[VaultFile],
    interviews: &[u64],
    laid_out: bool,
) -> Vec<u64> {
    if !laid_out {
        return model
            .observations
            .par_iter()
            .map(|observation| {
                hash_pair(
                    interviews[observation.interview],
                    observation_hash(observation, files),
                )
            })
            .collect();
    }
    // Two halves, split between interviews, each filled in order.
    // With room for the next saves' observations (see `RecordHashes::reusing`).
    let mut observations = super::gather::with_room(model.observations.len());
    observations.resize(model.observations.len(), 0);
    let half = model.observations.len() / 2;
    let middle = model
        .interviews
        .partition_point(|interview| interview.observations.start < half);
    let split = model
        .interviews
        .get(middle)
        .map_or(observations.len(), |interview| interview.observations.start);
    let (left, right) = observations.split_at_mut(split);
    let fill = |range: std::ops::Range<usize>, out: &mut [u64]| {
        let mut out = out.iter_mut();
        for (at, (interview, &hash)) in range.clone().zip(
            model.interviews[range.clone()]
                .iter()
                .zip(&interviews[range]),
        ) {
            debug_assert!(
                model.observations[interview.observations.clone()]
                    .iter()
                    .all(|observation| observation.interview == at)
            );
            let own = own_hashes(model, files, interview);
            // `own` first: its end must not take a slot.
            for (&own, slot) in own.iter().zip(out.by_ref()) {
                *slot = hash_pair(hash, own);
            }
        }
    };
    rayon::join(
        || fill(0..middle, left),
        || fill(middle..model.interviews.len(), right),
    );
    observations
}

/// Each observation's interview (see [`RecordHashes::interview_of`]).
fn interviews_of(model: &ResearchModel, laid_out: bool) -> Vec<u32> {
    if !laid_out {
        return model
            .observations
            .iter()
            .map(|observation| observation.interview as u32)
            .collect();
    }
    let mut interview_of = super::gather::with_room(model.observations.len());
    for (at, interview) in (0u32..).zip(&model.interviews) {
        interview_of.extend(std::iter::repeat_n(at, interview.observations.len()));
    }
    interview_of
}

/// `hash_of((first, second))`, without a hasher's buffer: an observation's
/// hash is its interview's and its own, and a vault has hundreds of
/// thousands.
fn hash_pair(first: u64, second: u64) -> u64 {
    let mut bytes = [0; 16];
    bytes[..8].copy_from_slice(&first.to_le_bytes());
    bytes[8..].copy_from_slice(&second.to_le_bytes());
    xxhash_rust::xxh3::xxh3_64(&bytes)
}

#[cfg(test)]
mod hasher_tests {
    use super::*;

    #[test]
    fn a_hash_reuses_no_bytes_of_the_last_and_may_hold_another() {
        struct Nested(u64);
        impl Hash for Nested {
            fn hash<H: Hasher>(&self, state: &mut H) {
                hash_of(self.0 + 1).hash(state);
                self.0.hash(state);
            }
        }
        let long = vec![7u8; 3 * GATHERED];
        let _ = hash_of(&long);
        assert_eq!(
            hash_of(2u64),
            xxhash_rust::xxh3::xxh3_64(&2u64.to_le_bytes())
        );
        let inner = xxhash_rust::xxh3::xxh3_64(&4u64.to_le_bytes());
        let mut both = inner.to_le_bytes().to_vec();
        both.extend(3u64.to_le_bytes());
        assert_eq!(hash_of(Nested(3)), xxhash_rust::xxh3::xxh3_64(&both));
    }

    /// Observations in an order of their own (not one interview's after
    /// another's) are hashed one by one, to the same hashes.
    #[test]
    fn observations_not_laid_out_by_interview_hash_by_their_interview() {
        use crate::model::NoteRef;
        use crate::scan::VaultPath;
        let observation = Observation::learned;
        let interview = |file: u32, path: &str, observations: std::ops::Range<usize>| {
            let mut interview = Interview::placeholder(NoteRef {
                file,
                path: VaultPath::new(path).unwrap(),
            });
            interview.observations = observations;
            interview
        };
        let model = ResearchModel {
            interviews: vec![interview(0, "A.md", 2..3), interview(1, "B.md", 0..2)],
            observations: vec![
                observation(1, "b1"),
                observation(1, "b2"),
                observation(0, "a"),
            ],
            ..ResearchModel::default()
        };
        // No observation links a file: no file is looked at.
        let hashes = RecordHashes::of(&model, &[]);
        let defined: Vec<u64> = model
            .observations
            .iter()
            .map(|o| hash_of((hashes.interviews[o.interview], observation_hash(o, &[]))))
            .collect();
        assert_eq!(hashes.observations, defined);
        assert_ne!(hashes.interviews[0], hashes.interviews[1]);
        assert_eq!(hashes.interview_of, [1, 1, 0]);
    }

    #[test]
    fn a_pair_hashes_as_the_tuple_of_its_two() {
        for (first, second) in [(0, 0), (1, u64::MAX), (0x0123_4567_89ab_cdef, 42)] {
            assert_eq!(hash_pair(first, second), hash_of((first, second)));
        }
    }

    #[test]
    fn gathered_bytes_hash_as_xxh3_of_all_of_them() {
        let mut hasher = RecordHasher::new();
        let mut all = Vec::new();
        // Past two gatherings: the streamed part and the rest are one input.
        for index in 0u64..20_000 {
            hasher.write_u64(index);
            all.extend(index.to_le_bytes());
            hasher.write(b"ab");
            all.extend(b"ab");
        }
        assert!(all.len() > 2 * GATHERED);
        assert_eq!(hasher.finish(), xxhash_rust::xxh3::xxh3_64(&all));
        let mut short = RecordHasher::new();
        short.write_u8(7);
        short.write_u32(9);
        assert_eq!(short.finish(), xxhash_rust::xxh3::xxh3_64(&[7, 9, 0, 0, 0]));
    }
}
