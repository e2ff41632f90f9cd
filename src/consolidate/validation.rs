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

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::evidence::{FollowUp, InsightSummary};
use crate::model::ResearchModel;
use crate::resolve::FileId;

/// Suggestions kept per insight among those who raised only its jobs (all who
/// raised the insight itself are kept); the rest are counted.
pub const JOB_FOLLOW_UPS_KEPT: usize = 50;

/// For each job note, the interviews whose observations link it.
pub type JobInterviews = HashMap<FileId, Vec<usize>>;

/// Builds [`JobInterviews`] once for all insights.
pub fn job_interviews(model: &ResearchModel) -> JobInterviews {
    let mut index = JobInterviews::new();
    for observation in &model.observations {
        for &job in &observation.jobs {
            let interviews = index.entry(job).or_default();
            // An interview's observations are consecutive, so a repeat is always
            // the last one pushed.
            if interviews.last() != Some(&observation.interview) {
                interviews.push(observation.interview);
            }
        }
    }
    index
}

/// People by number, and for each interview the people followed up after it.
pub struct FollowUpIndex<'a> {
    people: HashMap<&'a str, u32>,
    /// Per interview: (person number, participant index) of its participants.
    participants: Vec<Vec<(u32, usize)>>,
    /// Per interview: sorted person numbers of everyone in a later interview that
    /// follows it up, at any depth.
    followed: Vec<Vec<u32>>,
    /// Per job note: everyone who raised it, once each (see [`JobRaiser`]).
    job_raisers: HashMap<FileId, Vec<JobRaiser>>,
    /// Each interview's place in (date, path) order.
    pub ranks: Vec<u32>,
    /// Per interview: its participants' names, lower-cased (suggestions sort by them).
    lower_names: Vec<Vec<String>>,
}

/// Someone who raised a job: in their latest interview linking it, and whether
/// any of their interviews linking it was followed up. Worked out once per job,
/// as many insights share a job.
struct JobRaiser {
    person: u32,
    interview: usize,
    participant: usize,
    followed_up: bool,
}

impl<'a> FollowUpIndex<'a> {
    /// Works the index out for `model`.
    pub fn new(model: &'a ResearchModel) -> FollowUpIndex<'a> {
        let mut people: HashMap<&str, u32> = HashMap::new();
        let participants: Vec<Vec<(u32, usize)>> = model
            .interviews
            .iter()
            .map(|interview| {
                interview
                    .participants
                    .iter()
                    .enumerate()
                    .map(|(index, participant)| {
                        let next = people.len() as u32;
                        (
                            *people
                                .entry(participant.person.key.as_str())
                                .or_insert(next),
                            index,
                        )
                    })
                    .collect()
            })
            .collect();
        let followed: Vec<Vec<u32>> = (0..model.interviews.len())
            .map(|interview| {
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
        let ranks = super::evidence::interview_ranks(model);
        let job_raisers = job_interviews(model)
            .into_iter()
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
                (job, raisers.into_values().collect())
            })
            .collect();
        let lower_names = model
            .interviews
            .iter()
            .map(|interview| {
                interview
                    .participants
                    .iter()
                    .map(|participant| participant.person.name.to_lowercase())
                    .collect()
            })
            .collect();
        FollowUpIndex {
            people,
            participants,
            followed,
            job_raisers,
            ranks,
            lower_names,
        }
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

/// The follow-up suggestions of one insight: those who raised it, then those who
/// raised its jobs (at most [`JOB_FOLLOW_UPS_KEPT`]), each group by name; and how
/// many more raised its jobs.
pub fn follow_ups(
    model: &ResearchModel,
    summary: &InsightSummary,
    index: &FollowUpIndex<'_>,
) -> (Vec<FollowUp>, usize) {
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
        for raiser in index.job_raisers.get(job).into_iter().flatten() {
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
    // By name, then key (so equal names keep one order): those who raised the
    // insight itself, then at most JOB_FOLLOW_UPS_KEPT of those who raised only
    // its jobs — picked without sorting them all.
    let order = |person: &&Raised| {
        let participant = &model.interviews[person.interview].participants[person.participant];
        (
            &index.lower_names[person.interview][person.participant],
            &participant.person.key,
        )
    };
    let (mut direct, mut by_job): (Vec<&Raised>, Vec<&Raised>) = raised
        .values()
        .filter(|person| !person.followed_up)
        .partition(|person| person.direct);
    direct.sort_by(|a, b| order(a).cmp(&order(b)));
    let more = by_job.len().saturating_sub(JOB_FOLLOW_UPS_KEPT);
    if more > 0 {
        by_job.select_nth_unstable_by(JOB_FOLLOW_UPS_KEPT, |a, b| order(a).cmp(&order(b)));
        by_job.truncate(JOB_FOLLOW_UPS_KEPT);
    }
    by_job.sort_by(|a, b| order(a).cmp(&order(b)));
    let suggestions = direct
        .into_iter()
        .chain(by_job)
        .map(|person| FollowUp {
            person: model.interviews[person.interview].participants[person.participant]
                .person
                .clone(),
            interview: person.interview,
            raised_insight: person.direct,
        })
        .collect();
    (suggestions, more)
}

/// Whether some interview with `person` follows up `interview`, directly or
/// through a chain of follow-ups.
pub fn is_followed_up(model: &ResearchModel, interview: usize, person: &str) -> bool {
    FollowUpIndex::new(model).is_followed_up(interview, person)
}
