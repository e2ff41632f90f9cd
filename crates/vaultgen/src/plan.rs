//! The vault plan: which notes exist, their kinds, names and folders.
//!
//! Planning is sequential and cheap (no bodies): it decides every note's name, folder and
//! typed properties up front, so that any note's body can then be rendered on its own, in
//! any order and on any thread, and still link to notes that really exist (or, on purpose,
//! do not). All choices come from one [`Rng`] stream per planning step, and all
//! collections that are iterated are `Vec`s or `BTreeSet`s, so the plan is a pure
//! function of `(notes, seed)`.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::rng::Rng;
use crate::words;

/// What a note is, by its `type` property (product spec §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A conversation with a customer: `type: interview`.
    Interview,
    /// A finding backed by observations: `type: insight`.
    Insight,
    /// A job to be done: `type: job`.
    Job,
    /// Someone interviewed: `type: person`.
    Person,
    /// A customer organisation: `type: company`.
    Company,
    /// A research plan with questions: `type: plan`.
    Plan,
    /// Any other note (meetings, reading notes, ideas).
    Ordinary,
}

/// Number of [`Kind`]s; the length of [`VaultPlan::by_kind`].
pub(crate) const KIND_COUNT: usize = 7;

impl Kind {
    /// Position in [`VaultPlan::by_kind`].
    pub(crate) fn slot(self) -> usize {
        self as usize
    }
}

/// Kind-specific facts decided at planning time, because other notes depend on them.
#[derive(Debug, Clone)]
pub(crate) enum Detail {
    /// An interview's frontmatter facts.
    Interview {
        /// `(year, month, day)`.
        date: (u16, u8, u8),
        /// Ordinal among people of the participant.
        person: usize,
        /// Further participants of a group interview (ordinals among people).
        others: Vec<usize>,
        /// Ordinal among plans, when the interview belongs to one.
        plan: Option<usize>,
        /// Note index of the earlier interview this one follows up.
        follow_up_of: Option<usize>,
    },
    /// A person's role and company.
    Person {
        /// Index into [`words::ROLES`].
        role: usize,
        /// Ordinal among companies.
        company: Option<usize>,
    },
    /// A company's free properties.
    Company {
        /// Index into [`words::SEGMENTS`].
        segment: usize,
        /// Head count.
        size: usize,
    },
    /// A plan's roles, jobs and questions.
    Plan {
        /// Indexes into [`words::ROLES`].
        roles: Vec<usize>,
        /// Ordinals among jobs.
        jobs: Vec<usize>,
        /// Interviews wanted per role.
        target: usize,
        /// The `## Questions` list; interviews use some as headings.
        questions: Vec<String>,
    },
    /// Nothing beyond the kind.
    Plain,
}

/// One planned note.
#[derive(Debug, Clone)]
pub(crate) struct NoteMeta {
    /// The note's kind.
    pub(crate) kind: Kind,
    /// File name without `.md`.
    pub(crate) name: String,
    /// Vault-relative folder, `/`-separated, empty for the vault root.
    pub(crate) folder: String,
    /// True when another file has the same name (case-insensitive), so a bare link to it
    /// is ambiguous and Obsidian would write the path instead.
    pub(crate) is_duplicate: bool,
    /// Kind-specific facts.
    pub(crate) detail: Detail,
}

impl NoteMeta {
    /// Vault path without the `.md` extension, as Obsidian writes a path link.
    pub(crate) fn path_stem(&self) -> String {
        if self.folder.is_empty() {
            self.name.clone()
        } else {
            format!("{}/{}", self.folder, self.name)
        }
    }
}

/// Folder of the image attachments.
pub(crate) const ATTACHMENT_FOLDER: &str = "Attachments";

/// The whole planned vault.
#[derive(Debug)]
pub(crate) struct VaultPlan {
    /// The vault seed; note bodies derive their streams from it.
    pub(crate) seed: u64,
    /// Every note, in index order.
    pub(crate) notes: Vec<NoteMeta>,
    /// Note indexes of each kind, in index order (see [`Kind::slot`]).
    pub(crate) by_kind: [Vec<usize>; KIND_COUNT],
    /// Attachment paths relative to the vault (all `.png`).
    pub(crate) attachments: Vec<String>,
    /// Lower-cased names of every file (notes without `.md`, attachments with their
    /// extension); used to make sure a deliberately broken link really is broken.
    pub(crate) names: HashSet<String>,
    /// Every folder holding a file, with all its ancestors, sorted.
    pub(crate) folders: BTreeSet<String>,
    /// For each person (by ordinal), the note indexes of their interviews.
    pub(crate) interviews_of_person: Vec<Vec<usize>>,
    /// For each company (by ordinal), the note indexes of its people.
    pub(crate) people_of_company: Vec<Vec<usize>>,
}

impl VaultPlan {
    /// The note at `index`.
    pub(crate) fn note(&self, index: usize) -> &NoteMeta {
        &self.notes[index]
    }

    /// Note index of the `ordinal`-th note of `kind`.
    pub(crate) fn of_kind(&self, kind: Kind, ordinal: usize) -> usize {
        self.by_kind[kind.slot()][ordinal]
    }

    /// How many notes of `kind` exist.
    pub(crate) fn count(&self, kind: Kind) -> usize {
        self.by_kind[kind.slot()].len()
    }
}

/// How many notes of each kind a vault of `total` notes holds: about 60% interviews,
/// the rest insights, people, ordinary notes, jobs, companies and plans.
fn kind_counts(total: usize) -> [usize; KIND_COUNT] {
    let mut counts = [0; KIND_COUNT];
    if total < KIND_COUNT {
        for slot in counts.iter_mut().take(total) {
            *slot = 1;
        }
        return counts;
    }
    counts[Kind::Insight.slot()] = (total * 9 / 100).max(1);
    counts[Kind::Job.slot()] = (total * 4 / 100).max(1);
    counts[Kind::Person.slot()] = (total / 10).max(1);
    counts[Kind::Company.slot()] = (total * 3 / 100).max(1);
    counts[Kind::Plan.slot()] = (total / 100).max(1);
    counts[Kind::Ordinary.slot()] = (total * 13 / 100).max(1);
    let others: usize = counts.iter().sum();
    counts[Kind::Interview.slot()] = total - others;
    counts
}

/// Folder of leaf `leaf` among `leaves` under `root`, choosing names from `levels`
/// (first level varies fastest, so small vaults spread across the first level) and
/// adding a numbered `Part N` level when the lists run out.
fn leaf_folder(root: &str, leaf: usize, leaves: usize, levels: &[&[&str]]) -> String {
    let mut path = root.to_owned();
    let mut capacity = 1;
    let mut rest = leaf;
    for level in levels {
        if capacity >= leaves {
            break;
        }
        capacity *= level.len();
        path.push('/');
        path.push_str(level[rest % level.len()]);
        rest /= level.len();
    }
    if capacity < leaves {
        path.push_str(&format!("/Part {}", rest + 1));
    }
    path
}

/// Splits `count` notes into folders of about `per_folder`; returns each note's leaf.
fn leaf_of(position: usize, count: usize, per_folder: usize) -> (usize, usize) {
    let leaves = count.div_ceil(per_folder).max(1);
    (position * leaves / count.max(1), leaves)
}

/// Picks a name not yet taken (case-insensitive) by calling `make` until one is free,
/// then falls back to numbering.
fn unique_name(
    taken: &mut HashSet<String>,
    rng: &mut Rng,
    make: impl Fn(&mut Rng) -> String,
) -> String {
    let mut candidate = make(rng);
    for _ in 0..20 {
        if !taken.contains(&candidate.to_lowercase()) {
            break;
        }
        candidate = make(rng);
    }
    let base = candidate.clone();
    let mut number = 2;
    while taken.contains(&candidate.to_lowercase()) {
        candidate = format!("{base} {number}");
        number += 1;
    }
    taken.insert(candidate.to_lowercase());
    candidate
}

/// A plan question from [`words::QUESTION_STEMS`].
fn question(rng: &mut Rng) -> String {
    let stem = rng.pick(words::QUESTION_STEMS);
    let verb = rng.pick(words::BASE_VERBS).to_lowercase();
    let object = rng.pick(words::OBJECTS);
    stem.replace("{v}", &verb).replace("{o}", object)
}

/// Appends `meta` to the plan, recording its index under its kind.
fn push(notes: &mut Vec<NoteMeta>, by_kind: &mut [Vec<usize>; KIND_COUNT], meta: NoteMeta) {
    by_kind[meta.kind.slot()].push(notes.len());
    notes.push(meta);
}

/// Plans the vault for `total` notes under `seed`.
pub(crate) fn plan(total: usize, seed: u64) -> VaultPlan {
    let counts = kind_counts(total);
    let mut rng = Rng::for_stream(seed, u64::MAX);
    let mut names: HashSet<String> = HashSet::new();
    let mut notes: Vec<NoteMeta> = Vec::with_capacity(total);
    let mut by_kind: [Vec<usize>; KIND_COUNT] = Default::default();

    // Companies.
    let companies = counts[Kind::Company.slot()];
    for position in 0..companies {
        let (leaf, leaves) = leaf_of(position, companies, 30);
        let name = unique_name(&mut names, &mut rng, |rng| {
            let head = rng.pick(words::COMPANY_HEADS);
            let tail = rng.pick(words::COMPANY_TAILS);
            if rng.chance(0.3) {
                format!("{head} {tail} {}", rng.pick(words::COMPANY_SUFFIXES))
            } else {
                format!("{head} {tail}")
            }
        });
        let detail = Detail::Company {
            segment: rng.below(words::SEGMENTS.len()),
            size: rng.range(5, 5000),
        };
        let folder = leaf_folder("Companies", leaf, leaves, &[words::INDUSTRIES]);
        push(
            &mut notes,
            &mut by_kind,
            NoteMeta {
                kind: Kind::Company,
                name,
                folder,
                is_duplicate: false,
                detail,
            },
        );
    }

    // People.
    let people = counts[Kind::Person.slot()];
    for position in 0..people {
        let (leaf, leaves) = leaf_of(position, people, 30);
        let name = unique_name(&mut names, &mut rng, |rng| {
            let first = rng.pick(words::FIRST_NAMES);
            let last = rng.pick(words::LAST_NAMES);
            if rng.chance(0.5) {
                format!("{first} {last}")
            } else {
                let initial = char::from(b'A' + rng.below(26) as u8);
                format!("{first} {initial} {last}")
            }
        });
        let company = (companies > 0 && rng.chance(0.9)).then(|| rng.below(companies));
        let detail = Detail::Person {
            role: rng.below(words::ROLES.len()),
            company,
        };
        let folder = leaf_folder(
            "People",
            leaf,
            leaves,
            &[words::RELATIONSHIPS, words::REGIONS],
        );
        push(
            &mut notes,
            &mut by_kind,
            NoteMeta {
                kind: Kind::Person,
                name,
                folder,
                is_duplicate: false,
                detail,
            },
        );
    }

    // Jobs.
    let jobs = counts[Kind::Job.slot()];
    for position in 0..jobs {
        let (leaf, leaves) = leaf_of(position, jobs, 15);
        let name = unique_name(&mut names, &mut rng, |rng| {
            let verb = rng.pick(words::BASE_VERBS);
            let object = rng.pick(words::OBJECTS);
            let context = rng.pick(words::CONTEXTS);
            format!("{verb} {object} {context}")
        });
        let folder = leaf_folder("Jobs", leaf, leaves, &[words::AREAS, words::JOB_KINDS]);
        push(
            &mut notes,
            &mut by_kind,
            NoteMeta {
                kind: Kind::Job,
                name,
                folder,
                is_duplicate: false,
                detail: Detail::Plain,
            },
        );
    }

    // Insights.
    let insights = counts[Kind::Insight.slot()];
    for position in 0..insights {
        let (leaf, leaves) = leaf_of(position, insights, 15);
        let name = unique_name(&mut names, &mut rng, |rng| {
            let subject = rng.pick(words::INSIGHT_SUBJECTS);
            let predicate = rng.pick(words::INSIGHT_PREDICATES);
            let object = rng.pick(words::OBJECTS);
            let context = rng.pick(words::CONTEXTS);
            format!("{subject} {predicate} {object} {context}")
        });
        let folder = leaf_folder("Insights", leaf, leaves, &[words::AREAS, words::THEMES]);
        push(
            &mut notes,
            &mut by_kind,
            NoteMeta {
                kind: Kind::Insight,
                name,
                folder,
                is_duplicate: false,
                detail: Detail::Plain,
            },
        );
    }

    // Plans.
    let plans = counts[Kind::Plan.slot()];
    for position in 0..plans {
        let (leaf, leaves) = leaf_of(position, plans, 10);
        let year = 2024 + (leaf / 4) % 3;
        let quarter = leaf % 4 + 1;
        let name = unique_name(&mut names, &mut rng, |rng| {
            let area = rng.pick(words::AREAS);
            let kind = rng.pick(words::PLAN_KINDS);
            format!("Q{quarter} {year} {area} {kind}")
        });
        let mut roles: Vec<usize> = Vec::new();
        for _ in 0..rng.range(2, 4) {
            let role = rng.below(words::ROLES.len());
            if !roles.contains(&role) {
                roles.push(role);
            }
        }
        let mut plan_jobs: Vec<usize> = Vec::new();
        if jobs > 0 {
            for _ in 0..rng.range(2, 5) {
                let job = rng.below(jobs);
                if !plan_jobs.contains(&job) {
                    plan_jobs.push(job);
                }
            }
        }
        let mut questions: Vec<String> = Vec::new();
        for _ in 0..rng.range(4, 8) {
            let q = question(&mut rng);
            if !questions.contains(&q) {
                questions.push(q);
            }
        }
        let folder = if leaves <= 1 {
            "Plans".to_owned()
        } else {
            let part = leaf / 12;
            let base = format!("Plans/{year}/Q{quarter}");
            if part == 0 {
                base
            } else {
                format!("{base}/Part {}", part + 1)
            }
        };
        let detail = Detail::Plan {
            roles,
            jobs: plan_jobs,
            target: rng.range(3, 8),
            questions,
        };
        push(
            &mut notes,
            &mut by_kind,
            NoteMeta {
                kind: Kind::Plan,
                name,
                folder,
                is_duplicate: false,
                detail,
            },
        );
    }

    // Interviews, month by month, ending in October 2026.
    let interviews = counts[Kind::Interview.slot()];
    let mut last_interview_of: Vec<Option<usize>> = vec![None; people];
    let interview_leaves = interviews.div_ceil(25).max(1);
    let months = interview_leaves.min(96);
    let per_month = interview_leaves.div_ceil(months);
    let last_month = 2026 * 12 + 9;
    let mut leaf_start = 0;
    for position in 0..interviews {
        let leaf = position * interview_leaves / interviews;
        if position == 0 || leaf != (position - 1) * interview_leaves / interviews {
            leaf_start = position;
        }
        let leaf_size = ((leaf + 1) * interviews).div_ceil(interview_leaves) - leaf_start;
        let month_index = last_month + leaf / per_month - (months - 1);
        let (year, month) = ((month_index / 12) as u16, (month_index % 12 + 1) as u8);
        let day = (1 + (position - leaf_start) * 27 / leaf_size.max(1)) as u8;
        let mut folder = format!("Interviews/{year}/{month:02}");
        if per_month > 1 {
            let sub = leaf % per_month;
            folder.push('/');
            folder.push_str(words::AREAS[sub % words::AREAS.len()]);
            if per_month > words::AREAS.len() {
                folder.push_str(&format!("/Batch {}", sub / words::AREAS.len() + 1));
            }
        }
        let person = if people > 0 { rng.below(people) } else { 0 };
        let mut others = Vec::new();
        if people > 2 && rng.chance(0.03) {
            for _ in 0..rng.range(1, 2) {
                let other = rng.below(people);
                if other != person && !others.contains(&other) {
                    others.push(other);
                }
            }
        }
        let person_name = if people > 0 {
            notes[by_kind[Kind::Person.slot()][person]].name.clone()
        } else {
            "Anonymous".to_owned()
        };
        let base = format!("{year}-{month:02}-{day:02} {person_name}");
        let name = unique_name(&mut names, &mut rng, |_| base.clone());
        let plan = (plans > 0 && rng.chance(0.7)).then(|| rng.below(plans));
        let index = notes.len();
        let follow_up_of = match last_interview_of.get(person).copied().flatten() {
            Some(earlier) if rng.chance(0.3) => Some(earlier),
            _ => None,
        };
        if let Some(slot) = last_interview_of.get_mut(person) {
            *slot = Some(index);
        }
        let detail = Detail::Interview {
            date: (year, month, day),
            person,
            others,
            plan,
            follow_up_of,
        };
        push(
            &mut notes,
            &mut by_kind,
            NoteMeta {
                kind: Kind::Interview,
                name,
                folder,
                is_duplicate: false,
                detail,
            },
        );
    }

    // Ordinary notes: a few at the vault root, the rest under Notes/; some reuse the
    // name of an earlier note in another folder (deliberate duplicates).
    let ordinary = counts[Kind::Ordinary.slot()];
    let mut paths: HashSet<String> = notes.iter().map(|n| n.path_stem().to_lowercase()).collect();
    let roots = if ordinary >= 50 {
        words::ROOT_NOTES.len()
    } else {
        0
    };
    for position in 0..ordinary {
        let (leaf, leaves) = leaf_of(position, ordinary, 12);
        let folder = if position < roots {
            String::new()
        } else {
            leaf_folder("Notes", leaf, leaves, &[words::TOPICS, words::SUBTOPICS])
        };
        let mut name = None;
        if position >= roots && rng.chance(0.15) {
            let kind = *rng.pick(&[Kind::Insight, Kind::Job, Kind::Company, Kind::Ordinary]);
            let pool = &by_kind[kind.slot()];
            if !pool.is_empty() {
                let donor = &notes[pool[rng.below(pool.len())]];
                let candidate = format!("{folder}/{}", donor.name).to_lowercase();
                if !donor.folder.is_empty() && !paths.contains(&candidate) {
                    name = Some(donor.name.clone());
                }
            }
        }
        let name = match name {
            Some(name) => name,
            None if position < roots => {
                let root = words::ROOT_NOTES[position].to_owned();
                names.insert(root.to_lowercase());
                root
            }
            None => unique_name(&mut names, &mut rng, |rng| {
                let prefix = rng.pick(words::NOTE_PREFIXES);
                if rng.chance(0.5) {
                    let (y, m, d) = (rng.range(2024, 2026), rng.range(1, 12), rng.range(1, 28));
                    format!("{prefix} {y}-{m:02}-{d:02} {}", rng.pick(words::AREAS))
                } else {
                    format!(
                        "{prefix} {} {}",
                        rng.pick(words::OBJECTS),
                        rng.pick(words::CONTEXTS)
                    )
                }
            }),
        };
        let meta = NoteMeta {
            kind: Kind::Ordinary,
            name,
            folder,
            is_duplicate: false,
            detail: Detail::Plain,
        };
        paths.insert(meta.path_stem().to_lowercase());
        push(&mut notes, &mut by_kind, meta);
    }

    // Mark names shared by more than one note.
    let mut seen: HashMap<String, u32> = HashMap::new();
    for note in &notes {
        *seen.entry(note.name.to_lowercase()).or_default() += 1;
    }
    for note in &mut notes {
        note.is_duplicate = seen[&note.name.to_lowercase()] > 1;
    }

    // Attachments: Obsidian's default pasted-image names and a few named diagrams.
    let attachment_count = (total / 200).clamp(4, 200);
    let mut attachments = Vec::with_capacity(attachment_count);
    for number in 0..attachment_count {
        let file = match number % 3 {
            0 => format!(
                "Pasted image 20260{}{:02}0930{:02}.png",
                1 + number % 9,
                1 + number % 28,
                number % 60
            ),
            1 => format!("journey-map-{}.png", number + 1),
            _ => format!("Screenshot {}.png", number + 1),
        };
        names.insert(file.to_lowercase());
        let folder = if number % 2 == 0 {
            ATTACHMENT_FOLDER.to_owned()
        } else {
            format!("{ATTACHMENT_FOLDER}/Screenshots")
        };
        attachments.push(format!("{folder}/{file}"));
    }

    let mut folders = BTreeSet::new();
    let files = notes.iter().map(|n| n.folder.as_str()).chain(
        attachments
            .iter()
            .map(|a| a.rsplit_once('/').map_or("", |(dir, _)| dir)),
    );
    for folder in files {
        let mut current = folder;
        while !current.is_empty() && folders.insert(current.to_owned()) {
            current = current.rsplit_once('/').map_or("", |(parent, _)| parent);
        }
    }

    let mut interviews_of_person = vec![Vec::new(); people];
    let mut people_of_company = vec![Vec::new(); companies];
    for (index, note) in notes.iter().enumerate() {
        match &note.detail {
            Detail::Interview { person, others, .. } if people > 0 => {
                interviews_of_person[*person].push(index);
                for other in others {
                    interviews_of_person[*other].push(index);
                }
            }
            Detail::Person {
                company: Some(company),
                ..
            } => people_of_company[*company].push(index),
            _ => {}
        }
    }

    VaultPlan {
        seed,
        notes,
        by_kind,
        attachments,
        names,
        folders,
        interviews_of_person,
        people_of_company,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_add_up() {
        for total in [0, 1, 6, 7, 10, 99, 1000, 12345] {
            assert_eq!(kind_counts(total).iter().sum::<usize>(), total);
        }
    }

    #[test]
    fn paths_are_unique() {
        let plan = plan(3000, 9);
        let mut paths = HashSet::new();
        for note in &plan.notes {
            assert!(
                paths.insert(note.path_stem().to_lowercase()),
                "duplicate path {}",
                note.path_stem()
            );
        }
        let duplicates = plan.notes.iter().filter(|n| n.is_duplicate).count();
        assert!(duplicates > 0, "some names should be shared");
        assert!(
            duplicates * 100 / plan.notes.len() < 10,
            "too many shared names: {duplicates}"
        );
    }

    #[test]
    fn folder_sizes_are_realistic() {
        let plan = plan(10_000, 1);
        let leaves: BTreeSet<&str> = plan.notes.iter().map(|n| n.folder.as_str()).collect();
        let per_folder = plan.notes.len() / leaves.len();
        assert!(
            (8..=35).contains(&per_folder),
            "{per_folder} notes per folder"
        );
        let deepest = plan
            .folders
            .iter()
            .map(|f| f.matches('/').count() + 1)
            .max()
            .unwrap_or(0);
        assert!(deepest >= 3, "deepest folder has {deepest} levels");
    }
}
