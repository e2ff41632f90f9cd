//! What to validate next: the participants of an insight that needs validating
//! who have not had a follow-up conversation yet.
//!
//! A participant "raised" an insight in an interview whose observations support
//! it, contradict it, or link one of its jobs. They have been followed up when a
//! later interview with them follows up (through `follow-up-of`, at any depth)
//! an interview in which they raised it.
//!
//! Everything per interview is worked out once ([`FollowUpIndex`]), so a vault
//! with thousands of insights and interviews stays linear.

use foldhash::{HashMap, HashMapExt};
use std::collections::hash_map::Entry;
use std::hash::{Hash, Hasher};

use rayon::prelude::*;

use super::evidence::{FollowUp, InsightSummary};
use super::memo::KeptFollowUps;
use crate::config::NoteType;
use crate::model::{RecordHasher, RecordHashes, ResearchModel, hash_of};
use crate::resolve::FileId;

/// Suggestions kept per insight among those who raised only its jobs (all who
/// raised the insight itself are kept); the rest are counted.
pub const JOB_FOLLOW_UPS_KEPT: usize = 50;

/// For each job note, the interviews whose observations link it.
type JobInterviews = HashMap<FileId, Vec<usize>>;

/// Each interview's jobs: those its observations link, in the order read
/// ([`crate::model::ObservationLinks::job_notes`]).
fn jobs_of_interviews(model: &ResearchModel) -> Vec<&[FileId]> {
    model
        .interviews
        .iter()
        .map(|interview| interview.links.job_notes.as_slice())
        .collect()
}

/// [`JobInterviews`] from each interview's jobs: each job's interviews, in
/// interview order.
fn job_interviews(jobs_of: &[&[FileId]]) -> JobInterviews {
    let mut index = JobInterviews::new();
    for (interview, jobs) in jobs_of.iter().enumerate() {
        for &job in *jobs {
            index.entry(job).or_default().push(interview);
        }
    }
    index
}

/// What a [`FollowUpIndex`] is worked out from: per interview, its record
/// hash (participants, follow-up links, date, path) and the jobs its
/// observations link; and the interviews' ranks.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct IndexInputs {
    interviews: Vec<u64>,
    ranks: Vec<u32>,
    /// The [`ResearchModel::id`] of the model they are of.
    model: u64,
}

impl IndexInputs {
    /// Per interview, the hash of its record and of the jobs its
    /// observations link.
    pub(crate) fn interviews(&self) -> &[u64] {
        &self.interviews
    }

    /// The inputs of an index, from a model's record hashes, each interview's
    /// jobs and the interviews' ranks.
    fn of(
        model: &ResearchModel,
        hashes: &RecordHashes,
        jobs_of: &[&[FileId]],
        ranks: &[u32],
    ) -> IndexInputs {
        IndexInputs {
            model: model.id,
            interviews: hashes
                .interviews
                .par_iter()
                .zip(jobs_of)
                .map(|(&hash, jobs)| input_hash(model, hash, jobs))
                .collect(),
            ranks: ranks.to_vec(),
        }
    }
}

/// An interview's input: its record hash and the job notes its observations
/// link, by path (page keys take it: file ids move when a note is added).
fn input_hash(model: &ResearchModel, record: u64, jobs: &[FileId]) -> u64 {
    let mut state = RecordHasher::new();
    (record, jobs.len()).hash(&mut state);
    for &job in jobs {
        let note = model
            .index_of(job, NoteType::Job)
            .map(|at| &model.jobs[at].note);
        note.hash(&mut state);
    }
    state.finish()
}

/// People by number, and for each interview the people followed up after it.
/// It holds no reference into the model it was worked out from: `watch` keeps
/// it for the next update while its [`IndexInputs`] stay the same.
#[derive(Debug)]
pub struct FollowUpIndex {
    people: HashMap<Box<str>, u32>,
    /// Per interview: (person number, participant index) of its participants.
    participants: Vec<Vec<(u32, usize)>>,
    /// Per interview: sorted person numbers of everyone in a later interview that
    /// follows it up, at any depth.
    followed: Vec<Vec<u32>>,
    /// Per job note: everyone who raised it (see [`JobRaisers`]).
    job_raisers: HashMap<FileId, JobRaisers>,
    /// Per person number: its place in suggestion order (name, then key; a
    /// person's lower-cased name and key are the same in every interview).
    person_ranks: Vec<u32>,
    /// Each interview's place in (date, path) order.
    pub ranks: Vec<u32>,
    /// See [`FollowUpIndex::input_hashes`].
    input_hashes: std::sync::OnceLock<InputHashes>,
}

/// Everyone who raised one job.
#[derive(Debug)]
struct JobRaisers {
    /// By person number.
    by_person: HashMap<u32, JobRaiser>,
    /// Person numbers in suggestion order.
    in_order: Vec<u32>,
    /// Bit per person number: raised it.
    raised: Vec<u64>,
    /// Bit per person number: raised it in an interview that was followed up.
    followed: Vec<u64>,
}

/// A set of people as one bit per person number.
fn bit(set: &[u64], person: u32) -> bool {
    set[person as usize / 64] & (1 << (person % 64)) != 0
}

fn set_bit(set: &mut [u64], person: u32) {
    set[person as usize / 64] |= 1 << (person % 64);
}

/// Someone who raised a job: in their latest interview linking it, and whether
/// any of their interviews linking it was followed up. Worked out once per job,
/// as many insights share a job.
#[derive(Debug, Clone, Copy)]
struct JobRaiser {
    person: u32,
    interview: usize,
    participant: usize,
    followed_up: bool,
}

impl FollowUpIndex {
    /// Works the index out for `model`.
    pub fn new(model: &ResearchModel) -> FollowUpIndex {
        Self::with_ranks(model, super::evidence::interview_ranks(model))
    }

    /// [`FollowUpIndex::new`], given the interviews' ranks (from
    /// [`super::evidence::interview_ranks`]).
    pub(crate) fn with_ranks(model: &ResearchModel, ranks: Vec<u32>) -> FollowUpIndex {
        Self::build(model, &jobs_of_interviews(model), ranks)
    }

    /// The index of `model`: the one kept from the last update when it was
    /// worked out from the same inputs, else worked out again; with its
    /// inputs, for the next update to keep, and whether it is the one kept.
    /// When `model` was made from the model of the kept inputs (see
    /// [`crate::model::ModelChanges`]), only the inputs of the interviews
    /// read again are worked out again.
    pub(crate) fn reusing(
        model: &ResearchModel,
        hashes: &RecordHashes,
        ranks: Vec<u32>,
        kept: Option<(IndexInputs, FollowUpIndex)>,
    ) -> (IndexInputs, FollowUpIndex, bool) {
        let patchable = |last: &IndexInputs| {
            model.changes.as_ref().is_some_and(|changes| {
                changes.from == last.model && last.interviews.len() == model.interviews.len()
            })
        };
        match (kept, &model.changes) {
            (Some((mut last, index)), Some(changes)) if patchable(&last) => {
                let mut same = last.ranks == ranks;
                for changed in &changes.interviews {
                    let jobs = model.interviews[changed.index].links.job_notes.as_slice();
                    let now = input_hash(model, hashes.interviews[changed.index], jobs);
                    same &= last.interviews[changed.index] == now;
                    last.interviews[changed.index] = now;
                }
                last.ranks = ranks;
                last.model = model.id;
                debug_assert!(
                    last == IndexInputs::of(model, hashes, &jobs_of_interviews(model), &last.ranks)
                );
                match same {
                    true => (last, index, true),
                    false => {
                        let index =
                            Self::build(model, &jobs_of_interviews(model), last.ranks.clone());
                        (last, index, false)
                    }
                }
            }
            (kept, _) => {
                let jobs_of = jobs_of_interviews(model);
                let inputs = IndexInputs::of(model, hashes, &jobs_of, &ranks);
                match kept {
                    Some((last, index))
                        if last.interviews == inputs.interviews && last.ranks == inputs.ranks =>
                    {
                        (inputs, index, true)
                    }
                    _ => {
                        let index = Self::build(model, &jobs_of, ranks);
                        (inputs, index, false)
                    }
                }
            }
        }
    }

    /// Works the index out from `model`, each interview's jobs and the
    /// interviews' ranks.
    fn build(model: &ResearchModel, jobs_of: &[&[FileId]], ranks: Vec<u32>) -> FollowUpIndex {
        let mut people: HashMap<Box<str>, u32> = HashMap::new();
        let participants: Vec<Vec<(u32, usize)>> = model
            .interviews
            .iter()
            .map(|interview| {
                interview
                    .participants
                    .iter()
                    .enumerate()
                    .map(|(index, participant)| {
                        let key = participant.person.key.as_str();
                        let number = match people.get(key) {
                            Some(&number) => number,
                            None => {
                                let number = people.len() as u32;
                                people.insert(key.into(), number);
                                number
                            }
                        };
                        (number, index)
                    })
                    .collect()
            })
            .collect();
        let followed: Vec<Vec<u32>> = (0..model.interviews.len())
            .into_par_iter()
            .map(|interview| {
                // Most interviews are followed up by none: no allocation.
                if model.follow_ups_of(interview).next().is_none() {
                    return Vec::new();
                }
                let mut found: Vec<u32> = Vec::new();
                let mut frontier = vec![interview];
                let mut seen = vec![interview];
                while let Some(current) = frontier.pop() {
                    for next in model.follow_ups_of(current) {
                        if !seen.contains(&next) {
                            seen.push(next);
                            found.extend(participants[next].iter().map(|(person, _)| *person));
                            frontier.push(next);
                        }
                    }
                }
                found.sort_unstable();
                found.dedup();
                found
            })
            .collect();
        let job_raisers = job_interviews(jobs_of)
            .into_par_iter()
            .map(|(job, interviews)| {
                let mut raisers: HashMap<u32, JobRaiser> = HashMap::new();
                for interview in interviews {
                    for &(person, participant) in &participants[interview] {
                        let followed_up = followed[interview].binary_search(&person).is_ok();
                        let raiser = raisers.entry(person).or_insert(JobRaiser {
                            person,
                            interview,
                            participant,
                            followed_up,
                        });
                        raiser.followed_up |= followed_up;
                        if ranks[interview] > ranks[raiser.interview] {
                            raiser.interview = interview;
                            raiser.participant = participant;
                        }
                    }
                }
                (job, raisers)
            })
            .collect::<Vec<(FileId, HashMap<u32, JobRaiser>)>>();
        // Suggestion order of people: by the (name, key) of their first
        // appearance, which is the same in every interview.
        let mut firsts: Vec<(String, &str, u32)> = Vec::with_capacity(people.len());
        let mut seen = vec![false; people.len()];
        for (interview, found) in participants.iter().enumerate() {
            for &(person, participant) in found {
                if !std::mem::replace(&mut seen[person as usize], true) {
                    let entity = &model.interviews[interview].participants[participant].person;
                    firsts.push((entity.name.to_lowercase(), &entity.key, person));
                }
            }
        }
        firsts.sort_unstable();
        let mut person_ranks = vec![0; people.len()];
        for (rank, &(_, _, person)) in firsts.iter().enumerate() {
            person_ranks[person as usize] = rank as u32;
        }
        let words = people.len().div_ceil(64);
        let job_raisers = job_raisers
            .into_par_iter()
            .map(|(job, by_person)| {
                let mut raised = vec![0; words];
                let mut followed = vec![0; words];
                for raiser in by_person.values() {
                    set_bit(&mut raised, raiser.person);
                    if raiser.followed_up {
                        set_bit(&mut followed, raiser.person);
                    }
                }
                let mut in_order: Vec<u32> = by_person.keys().copied().collect();
                in_order.sort_unstable_by_key(|&person| person_ranks[person as usize]);
                let raisers = JobRaisers {
                    by_person,
                    in_order,
                    raised,
                    followed,
                };
                (job, raisers)
            })
            .collect();
        FollowUpIndex {
            people,
            participants,
            followed,
            job_raisers,
            person_ranks,
            ranks,
            input_hashes: std::sync::OnceLock::new(),
        }
    }

    /// The hashes suggestions are fingerprinted with (see [`InputHashes`]),
    /// worked out once per index: an index is reused only while the
    /// interviews' record hashes, which they read, are the same.
    /// `hashes` must be those of the model the index is used with, whose
    /// interview hashes are those of the model it was worked out from.
    fn input_hashes(&self, hashes: &RecordHashes) -> &InputHashes {
        debug_assert_eq!(hashes.interviews.len(), self.participants.len());
        self.input_hashes
            .get_or_init(|| self.work_out_input_hashes(hashes))
    }

    fn work_out_input_hashes(&self, hashes: &RecordHashes) -> InputHashes {
        let mut keys: Vec<&str> = vec![""; self.people.len()];
        for (key, &number) in &self.people {
            keys[number as usize] = key;
        }
        // Sums: a set's hash must not depend on the order of person numbers.
        let set_hash = |items: &mut dyn Iterator<Item = u64>| {
            items.fold(0u64, |sum, item| sum.wrapping_add(item))
        };
        let followed = self
            .followed
            .par_iter()
            .map(|people| {
                set_hash(&mut people.iter().map(|&person| hash_of(keys[person as usize])))
                    ^ people.len() as u64
            })
            .collect();
        let jobs = self
            .job_raisers
            .par_iter()
            .map(|(&job, raisers)| {
                let hash = set_hash(&mut raisers.by_person.values().map(|raiser| {
                    hash_of((
                        keys[raiser.person as usize],
                        hashes.interviews[raiser.interview],
                        raiser.participant,
                        raiser.followed_up,
                    ))
                }));
                (job, hash ^ raisers.by_person.len() as u64)
            })
            .collect();
        InputHashes { followed, jobs }
    }

    /// Whether `person` (a person key) took part in an interview that follows up
    /// `interview`, directly or through a chain.
    pub fn is_followed_up(&self, interview: usize, person: &str) -> bool {
        self.people
            .get(person)
            .is_some_and(|number| self.followed[interview].binary_search(number).is_ok())
    }
}

/// One person while suggestions are gathered.
struct Raised {
    interview: usize,
    participant: usize,
    direct: bool,
    followed_up: bool,
}

impl Raised {
    /// Adds another interview where they raised it: the latest one is kept.
    fn add(&mut self, other: Raised, ranks: &[u32]) {
        self.direct |= other.direct;
        self.followed_up |= other.followed_up;
        if ranks[other.interview] > ranks[self.interview] {
            self.interview = other.interview;
            self.participant = other.participant;
        }
    }
}

/// What suggestions may be reused from: the record hashes of the model, each
/// summary's fingerprint, and each summary's suggestions of the last update.
pub(crate) type FollowUpReuse<'h> = (&'h RecordHashes, &'h [u64], Vec<Option<KeptFollowUps>>);

/// Fills in the follow-up suggestions of every summary that needs validating;
/// with `reuse`, takes the last suggestions of a summary whose follow-up
/// fingerprint is unchanged. Returns each summary's follow-up fingerprint
/// (empty without `reuse`; 0 for summaries that need none). `untouched`,
/// when given, says which summaries have the last update's evidence while
/// the index is the last update's: their suggestions are the last ones.
pub(crate) fn fill_follow_ups_reusing(
    model: &ResearchModel,
    summaries: &mut [InsightSummary],
    index: &FollowUpIndex,
    reuse: Option<FollowUpReuse<'_>>,
    untouched: Option<&[bool]>,
) -> Vec<(u64, u64)> {
    let Some((hashes, fingerprints, mut kept)) = reuse else {
        summaries
            .par_iter_mut()
            .filter(|summary| summary.needs_validation)
            .for_each(|summary| {
                (summary.follow_ups, summary.more_follow_ups) = follow_ups(model, summary, index);
            });
        return Vec::new();
    };
    kept.resize_with(summaries.len(), || None);
    let inputs = index.input_hashes(hashes);
    summaries
        .par_iter_mut()
        .zip(fingerprints)
        .zip(kept)
        .enumerate()
        .map(|(at, ((summary, &fingerprint), kept))| {
            if !summary.needs_validation {
                return (0, 0);
            }
            // The same evidence and index: the same inputs.
            let kept = match kept {
                Some(kept) if untouched.is_some_and(|untouched| untouched[at]) => {
                    debug_assert_eq!(
                        kept.fingerprint,
                        inputs.fingerprint(hashes, summary, fingerprint)
                    );
                    (summary.follow_ups, summary.more_follow_ups) = (kept.follow_ups, kept.more);
                    debug_assert_eq!(kept.shown, follow_ups_hash(model, summary));
                    return (kept.fingerprint, kept.shown);
                }
                kept => kept,
            };
            let fingerprint = inputs.fingerprint(hashes, summary, fingerprint);
            let shown = match kept {
                Some(kept) if kept.fingerprint == fingerprint => {
                    (summary.follow_ups, summary.more_follow_ups) = (kept.follow_ups, kept.more);
                    debug_assert_eq!(kept.shown, follow_ups_hash(model, summary));
                    kept.shown
                }
                _ => {
                    (summary.follow_ups, summary.more_follow_ups) =
                        follow_ups(model, summary, index);
                    follow_ups_hash(model, summary)
                }
            };
            (fingerprint, shown)
        })
        .collect()
}

/// The hash of `summary`'s suggestions as pages show them: each one's
/// person, interview note and what they raised, and how many more there are.
pub(crate) fn follow_ups_hash(model: &ResearchModel, summary: &InsightSummary) -> u64 {
    let mut state = RecordHasher::new();
    (summary.follow_ups.len(), summary.more_follow_ups).hash(&mut state);
    for follow_up in &summary.follow_ups {
        let interview = &model.interviews[follow_up.interview].note;
        (&follow_up.person, interview, follow_up.raised_insight).hash(&mut state);
    }
    state.finish()
}

/// Hashes of what suggestions are worked out from besides an insight's own
/// evidence: who was followed up after each interview, who raised each job.
/// People are hashed by key, as their numbers change from one update to the next.
#[derive(Debug)]
struct InputHashes {
    /// Per interview: the people followed up after it.
    followed: Vec<u64>,
    /// Per job note: everyone who raised it, in which interview, and whether
    /// that was followed up.
    jobs: HashMap<FileId, u64>,
}

impl InputHashes {
    /// The follow-up fingerprint of `summary` (whose own fingerprint is `own`).
    fn fingerprint(&self, hashes: &RecordHashes, summary: &InsightSummary, own: u64) -> u64 {
        let mut state = RecordHasher::new();
        own.hash(&mut state);
        for &observation in summary.evidence.iter().chain(&summary.counter_evidence) {
            // The interview by its record, not its index (a note added
            // before it moves the index; the memo of suggestions, which name
            // interviews by index, is dropped when indices may move).
            let interview = hashes.interview_of[observation] as usize;
            (hashes.interviews[interview], self.followed[interview]).hash(&mut state);
        }
        for job in &summary.jobs {
            self.jobs.get(job).hash(&mut state);
        }
        state.finish()
    }
}

/// The follow-up suggestions of one insight: those who raised it, then those who
/// raised only its jobs (at most [`JOB_FOLLOW_UPS_KEPT`]), each group by name;
/// and how many more raised its jobs. Someone is suggested in their latest
/// interview that raised it or its jobs, and not when any of those was followed
/// up with them. The jobs' raisers are sets of bits and lists in order, so the
/// cost follows the insight's own evidence and the suggestions kept, not how
/// often its jobs were raised.
fn follow_ups(
    model: &ResearchModel,
    summary: &InsightSummary,
    index: &FollowUpIndex,
) -> (Vec<FollowUp>, usize) {
    let mut jobs: Vec<&JobRaisers> = Vec::new();
    for job in &summary.jobs {
        if let Some(raisers) = index.job_raisers.get(job)
            && !jobs.iter().any(|known| std::ptr::eq(*known, raisers))
        {
            jobs.push(raisers);
        }
    }
    // Raised one of its jobs and never followed up on one.
    let words = index.person_ranks.len().div_ceil(64);
    let mut by_job = vec![0u64; words];
    if !jobs.is_empty() {
        let mut followed = vec![0u64; words];
        for raisers in &jobs {
            for (word, raised) in by_job.iter_mut().zip(&raisers.raised) {
                *word |= raised;
            }
            for (word, was_followed) in followed.iter_mut().zip(&raisers.followed) {
                *word |= was_followed;
            }
        }
        for (word, was_followed) in by_job.iter_mut().zip(&followed) {
            *word &= !was_followed;
        }
    }
    // Those who raised the insight itself, merged with their raises of its jobs.
    let mut direct: HashMap<u32, Raised> = HashMap::new();
    for &observation in summary.evidence.iter().chain(&summary.counter_evidence) {
        let interview = model.observations[observation].interview;
        for &(person, participant) in &index.participants[interview] {
            let found = Raised {
                interview,
                participant,
                direct: true,
                followed_up: index.followed[interview].binary_search(&person).is_ok(),
            };
            match direct.entry(person) {
                Entry::Occupied(mut known) => known.get_mut().add(found, &index.ranks),
                Entry::Vacant(new) => {
                    new.insert(found);
                }
            }
        }
    }
    for (person, raised) in &mut direct {
        for raisers in &jobs {
            if let Some(raiser) = raisers.by_person.get(person) {
                raised.add(
                    Raised {
                        interview: raiser.interview,
                        participant: raiser.participant,
                        direct: false,
                        followed_up: raiser.followed_up,
                    },
                    &index.ranks,
                );
            }
        }
    }
    let also_by_job = direct
        .keys()
        .filter(|&&person| bit(&by_job, person))
        .count();
    let only_by_job = by_job
        .iter()
        .map(|word| word.count_ones() as usize)
        .sum::<usize>()
        - also_by_job;
    let more = only_by_job.saturating_sub(JOB_FOLLOW_UPS_KEPT);
    let mut raised_it: Vec<(u32, &Raised)> = direct
        .iter()
        .filter(|(_, raised)| !raised.followed_up)
        .map(|(&person, raised)| (person, raised))
        .collect();
    raised_it.sort_unstable_by_key(|(person, _)| index.person_ranks[*person as usize]);
    let suggestion = |interview: usize, participant: usize, raised_insight: bool| FollowUp {
        person: model.interviews[interview].participants[participant]
            .person
            .clone(),
        interview,
        raised_insight,
    };
    let mut suggestions: Vec<FollowUp> = raised_it
        .into_iter()
        .map(|(_, raised)| suggestion(raised.interview, raised.participant, true))
        .collect();
    // The first of those who raised only its jobs: the jobs' ordered lists
    // merged, each person once, in their latest interview among the jobs.
    let mut heads = vec![0usize; jobs.len()];
    let mut kept = 0;
    while kept < JOB_FOLLOW_UPS_KEPT {
        let next = jobs
            .iter()
            .zip(&heads)
            .filter_map(|(raisers, &head)| raisers.in_order.get(head))
            .min_by_key(|&&person| index.person_ranks[person as usize]);
        let Some(&person) = next else {
            break;
        };
        for (raisers, head) in jobs.iter().zip(heads.iter_mut()) {
            if raisers.in_order.get(*head) == Some(&person) {
                *head += 1;
            }
        }
        if !bit(&by_job, person) || direct.contains_key(&person) {
            continue;
        }
        let latest = jobs
            .iter()
            .filter_map(|raisers| raisers.by_person.get(&person))
            .max_by_key(|raiser| index.ranks[raiser.interview])
            .expect("raised one of the jobs");
        suggestions.push(suggestion(latest.interview, latest.participant, false));
        kept += 1;
    }
    (suggestions, more)
}

/// Whether some interview with `person` follows up `interview`, directly or
/// through a chain of follow-ups.
pub fn is_followed_up(model: &ResearchModel, interview: usize, person: &str) -> bool {
    FollowUpIndex::new(model).is_followed_up(interview, person)
}

#[cfg(test)]
mod tests {
    //! The suggestions against the plain algorithm: every raise of the insight
    //! and of its jobs merged per person, then sorted and cut.

    use super::*;
    use std::path::Path;

    fn reference(
        model: &ResearchModel,
        summary: &InsightSummary,
        index: &FollowUpIndex,
    ) -> (Vec<(String, usize, bool)>, usize) {
        let mut raised: HashMap<u32, Raised> = HashMap::new();
        let mut add = |person: u32, found: Raised| match raised.entry(person) {
            Entry::Occupied(mut known) => known.get_mut().add(found, &index.ranks),
            Entry::Vacant(new) => {
                new.insert(found);
            }
        };
        for &observation in summary.evidence.iter().chain(&summary.counter_evidence) {
            let interview = model.observations[observation].interview;
            for &(person, participant) in &index.participants[interview] {
                let followed_up = index.followed[interview].binary_search(&person).is_ok();
                add(
                    person,
                    Raised {
                        interview,
                        participant,
                        direct: true,
                        followed_up,
                    },
                );
            }
        }
        for job in &summary.jobs {
            for raiser in index
                .job_raisers
                .get(job)
                .into_iter()
                .flat_map(|r| r.by_person.values())
            {
                add(
                    raiser.person,
                    Raised {
                        interview: raiser.interview,
                        participant: raiser.participant,
                        direct: false,
                        followed_up: raiser.followed_up,
                    },
                );
            }
        }
        let order = |r: &&Raised| {
            let person = &model.interviews[r.interview].participants[r.participant].person;
            (person.name.to_lowercase(), person.key.clone())
        };
        let (mut direct, mut by_job): (Vec<&Raised>, Vec<&Raised>) = raised
            .values()
            .filter(|r| !r.followed_up)
            .partition(|r| r.direct);
        direct.sort_by_key(|r| order(r));
        by_job.sort_by_key(|r| order(r));
        let more = by_job.len().saturating_sub(JOB_FOLLOW_UPS_KEPT);
        by_job.truncate(JOB_FOLLOW_UPS_KEPT);
        let list = direct
            .into_iter()
            .chain(by_job)
            .map(|r| {
                (
                    model.interviews[r.interview].participants[r.participant]
                        .person
                        .key
                        .clone(),
                    r.interview,
                    r.direct,
                )
            })
            .collect();
        (list, more)
    }

    /// Suggestions checked, and how many insights had more than were kept.
    fn same_as_reference(root: &Path) -> (usize, usize) {
        let config = crate::config::load(root).unwrap();
        let analysis = crate::pipeline::analyze(root, &config).unwrap();
        let model = &analysis.model;
        let summaries = super::super::summarize_insights(model, &config.thresholds);
        let index = FollowUpIndex::new(model);
        let (mut checked, mut cut) = (0, 0);
        for summary in summaries.iter().filter(|s| s.needs_validation) {
            let got: Vec<(String, usize, bool)> = summary
                .follow_ups
                .iter()
                .map(|f| (f.person.key.clone(), f.interview, f.raised_insight))
                .collect();
            let (expected, more) = reference(model, summary, &index);
            assert_eq!(got, expected, "insight {}", summary.insight);
            assert_eq!(summary.more_follow_ups, more, "insight {}", summary.insight);
            checked += got.len();
            cut += usize::from(more > 0);
        }
        (checked, cut)
    }

    #[test]
    fn suggestions_match_the_plain_algorithm() {
        let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-vault");
        assert!(same_as_reference(&sample).0 > 5);
        let generated = tempfile::tempdir().unwrap();
        vaultgen::generate(
            generated.path(),
            &vaultgen::GenOptions {
                notes: 3000,
                seed: vaultgen::DEFAULT_SEED,
            },
        )
        .unwrap();
        let (checked, cut) = same_as_reference(generated.path());
        assert!(checked > 100 && cut > 0, "{checked} suggestions, {cut} cut");
    }
}
