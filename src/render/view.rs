//! What templates see: plain, serialisable views of the model and its
//! consolidation. Paths are vault paths (the `wikilink` filter turns them into
//! links); names are display names; dates are `YYYY-MM-DD`.

use serde::Serialize;

use crate::consolidate::{Consolidation, InsightSummary, Strength};
use crate::model::{Entity, Interview, ResearchModel};
use crate::resolve::{FileId, Vault};

/// A note to link to.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct NoteView {
    /// Its vault path.
    pub path: String,
    /// Its title.
    pub title: String,
}

/// A person, company or role.
#[derive(Debug, Clone, Serialize)]
pub struct EntityView {
    /// How it is shown.
    pub name: String,
    /// Its note, when it has one.
    pub path: Option<String>,
}

/// An interview, briefly.
#[derive(Debug, Clone, Serialize)]
pub struct InterviewView {
    /// The note.
    pub note: NoteView,
    /// Its date.
    pub date: Option<String>,
    /// Its participants.
    pub participants: Vec<EntityView>,
    /// Their roles (lower-case).
    pub roles: Vec<String>,
}

/// One observation with its context.
#[derive(Debug, Clone, Serialize)]
pub struct ObservationView {
    /// `learned`, `surprise`, `quote`, `open question`.
    pub kind: &'static str,
    /// Its text as written.
    pub text: String,
    /// The interview: an [`InterviewView`], made once per interview and
    /// shared by its observations ([`Views::interview_value`]).
    pub interview: minijinja::Value,
    /// The subpath back to it (`#^id`, `#Heading`), if any.
    pub anchor: Option<String>,
    /// Its line in the interview.
    pub line: u32,
    /// Companies of the participants (a list of [`EntityView`]s, shared by
    /// the interview's observations).
    pub companies: minijinja::Value,
    /// Insights it links.
    pub insights: Vec<NoteView>,
    /// Jobs it links.
    pub jobs: Vec<NoteView>,
    /// Signal tags.
    pub signals: Vec<&'static str>,
    /// Job-map steps.
    pub steps: Vec<&'static str>,
}

/// The fields of [`ObservationView`], in order.
const OBSERVATION_FIELDS: &[&str] = &[
    "kind",
    "text",
    "interview",
    "anchor",
    "line",
    "companies",
    "insights",
    "jobs",
    "signals",
    "steps",
];

/// An observation as a template value without converting it first: what a
/// template reads of it is made when read (evidence lists quote tens of
/// thousands of observations, and read a few fields of each). It reads as the
/// same map its serialisation would give.
impl minijinja::value::Object for ObservationView {
    fn get_value(self: &std::sync::Arc<Self>, key: &minijinja::Value) -> Option<minijinja::Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &std::sync::Arc<Self>, key: &str) -> Option<minijinja::Value> {
        use minijinja::Value;
        Some(match key {
            "kind" => Value::from(self.kind),
            "text" => Value::from(self.text.as_str()),
            "interview" => self.interview.clone(),
            "anchor" => Value::from(self.anchor.as_deref()),
            "line" => Value::from(self.line),
            "companies" => self.companies.clone(),
            "insights" => super::v(&self.insights),
            "jobs" => super::v(&self.jobs),
            "signals" => Value::from_iter(self.signals.iter().copied()),
            "steps" => Value::from_iter(self.steps.iter().copied()),
            _ => return None,
        })
    }

    fn enumerate(self: &std::sync::Arc<Self>) -> minijinja::value::Enumerator {
        minijinja::value::Enumerator::Str(OBSERVATION_FIELDS)
    }
}

/// An insight as a row of a list.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct InsightRow {
    /// The insight note.
    pub note: NoteView,
    /// Its generated page.
    pub page: String,
    /// `none`, `individual`, `recurring`, `pattern`.
    pub strength: &'static str,
    /// Its status, as a person set it.
    pub status: String,
    /// Supporting observations.
    pub evidence: usize,
    /// Contradicting observations.
    pub counter_evidence: usize,
    /// Distinct participants.
    pub participants: usize,
    /// Distinct companies.
    pub companies: usize,
    /// Roles (lower-case, sorted).
    pub roles: Vec<String>,
    /// First and last seen.
    pub first_seen: Option<String>,
    /// Last seen.
    pub last_seen: Option<String>,
    /// Needs validation.
    pub needs_validation: bool,
    /// Why it needs validation.
    pub reasons: Vec<String>,
}

/// A participant to ask again.
#[derive(Debug, Clone, Serialize)]
pub struct FollowUpView {
    /// Who.
    pub person: EntityView,
    /// The interview where they raised it.
    pub interview: InterviewView,
    /// Whether they raised the insight itself (else one of its jobs).
    pub raised_insight: bool,
}

/// Evidence from one role.
#[derive(Debug, Clone, Serialize)]
pub struct RoleView {
    /// The role (`None`: no role known).
    pub role: Option<String>,
    /// Observations.
    pub observations: usize,
    /// Participants.
    pub participants: usize,
}

/// Builds views from the model.
pub struct Views<'a> {
    /// The vault.
    pub vault: &'a Vault,
    /// The model.
    pub model: &'a ResearchModel,
    /// The consolidation.
    pub consolidation: &'a Consolidation,
    /// Generated page path of each insight, job and plan.
    pub insight_pages: &'a [String],
    /// Job pages.
    pub job_pages: &'a [String],
    /// Plan pages.
    pub plan_pages: &'a [String],
    /// Pattern thresholds, for explanations.
    pub thresholds: &'a crate::config::Thresholds,
    /// How many insights the digest page's validation queue lists.
    pub digest_queue: usize,
    /// Writes links from the pages.
    pub links: &'a super::links::LinkWriter,
    /// Each interview's view as a template value, made when first asked for.
    pub interview_values: InterviewValues,
}

/// The interviews' views and their participants' companies as template
/// values, one slot per interview of the model: an interview's observations
/// are quoted on many pages, and each quote would otherwise build and convert
/// both again.
#[derive(Debug, Default)]
pub struct InterviewValues(Vec<std::sync::OnceLock<(minijinja::Value, minijinja::Value)>>);

impl InterviewValues {
    /// Empty slots for the interviews of `model`.
    pub fn for_model(model: &ResearchModel) -> InterviewValues {
        InterviewValues(
            (0..model.interviews.len())
                .map(|_| std::sync::OnceLock::new())
                .collect(),
        )
    }
}

impl Views<'_> {
    /// The insights the digest page's validation queue lists: the first
    /// [`Views::digest_queue`] of the digest's queue (most pressing first).
    pub fn shown_queue(&self) -> &[usize] {
        self.consolidation.digest.as_ref().map_or(&[], |digest| {
            let queue = &digest.validation_queue;
            &queue[..queue.len().min(self.digest_queue)]
        })
    }

    /// A note by file id.
    pub fn note(&self, file: FileId) -> NoteView {
        let path = &self.vault.files[file as usize].path;
        NoteView {
            path: path.as_str().to_owned(),
            title: path.stem().to_owned(),
        }
    }

    /// An entity.
    pub fn entity(&self, entity: &Entity) -> EntityView {
        EntityView {
            name: entity.name.clone(),
            path: entity
                .file
                .map(|file| self.vault.files[file as usize].path.as_str().to_owned()),
        }
    }

    /// An interview.
    pub fn interview(&self, index: usize) -> InterviewView {
        let interview: &Interview = &self.model.interviews[index];
        InterviewView {
            note: self.note(interview.note.file),
            date: interview.date.map(|date| date.to_string()),
            participants: interview
                .participants
                .iter()
                .map(|p| self.entity(&p.person))
                .collect(),
            roles: interview
                .roles()
                .into_iter()
                .map(|role| role.key.clone())
                .collect(),
        }
    }

    /// [`Views::interview`] as a template value, made once per interview.
    pub fn interview_value(&self, index: usize) -> minijinja::Value {
        self.interview_values(index).0
    }

    /// [`Views::interview_value`] and the companies of the interview's
    /// participants (each once, in order), made once per interview.
    fn interview_values(&self, index: usize) -> (minijinja::Value, minijinja::Value) {
        let make = || {
            (
                super::v(self.interview(index)),
                super::v(self.companies(index)),
            )
        };
        match self.interview_values.0.get(index) {
            Some(slot) => slot.get_or_init(make).clone(),
            None => make(),
        }
    }

    /// The companies of an interview's participants, each once, in order.
    fn companies(&self, index: usize) -> Vec<EntityView> {
        let mut companies: Vec<EntityView> = Vec::new();
        for participant in &self.model.interviews[index].participants {
            if let Some(company) = &participant.company
                && !companies.iter().any(|known| known.name == company.name)
            {
                companies.push(self.entity(company));
            }
        }
        companies
    }

    /// Whether `subpath` exists in the file at `target`. Only sources are
    /// looked into: attachments, pages about to be generated, files in the
    /// output folder and notes left out count as found. They are not notes
    /// the pages are built from, the first build must not differ from the
    /// next, and a note left out is read only for a link the parser found
    /// (see [`crate::pipeline::load_scanned`]), while a quote may hold one it
    /// did not (inside a code span of two backticks, say).
    pub fn subpath_exists(&self, target: &crate::scan::VaultPath, subpath: &str) -> bool {
        match self.vault.file_id(target) {
            Some(id) if !self.vault.files[id as usize].is_source() => true,
            Some(id) => match self.vault.note(id) {
                Some(note) => crate::resolve::subpath_exists(note, subpath),
                None => true,
            },
            None => true,
        }
    }

    /// An observation, quoted for the page at `page`.
    pub fn observation(&self, index: usize, page: &str) -> ObservationView {
        self.observation_on(index, crate::scan::VaultPath::new(page).as_ref())
    }

    /// [`Views::observation`] for a page whose path is already a vault path
    /// (`None`: not one; the text is then shown as written), so a list of
    /// observations quoted on one page checks the page's path once.
    pub fn observation_on(
        &self,
        index: usize,
        page: Option<&crate::scan::VaultPath>,
    ) -> ObservationView {
        let observation = &self.model.observations[index];
        let interview = &self.model.interviews[observation.interview];
        let (interview_value, companies) = self.interview_values(observation.interview);
        ObservationView {
            kind: observation.kind.as_str(),
            text: match page {
                Some(page) => super::quoted::quote_for_page(
                    &observation.text,
                    &interview.note.path,
                    page,
                    self.links,
                    &|target, subpath| self.subpath_exists(target, subpath),
                ),
                None => observation.text.clone(),
            },
            interview: interview_value,
            anchor: observation.anchor.subpath(),
            line: observation.line,
            companies,
            insights: observation
                .insights
                .iter()
                .map(|&file| self.note(file))
                .collect(),
            jobs: observation
                .jobs
                .iter()
                .map(|&file| self.note(file))
                .collect(),
            signals: observation.signals.names(),
            steps: observation.steps.iter().map(|step| step.as_str()).collect(),
        }
    }

    /// An insight as a row.
    pub fn insight_row(&self, index: usize) -> InsightRow {
        let summary = &self.consolidation.insights[index];
        let insight = &self.model.insights[summary.insight];
        InsightRow {
            note: self.note(insight.note.file),
            page: self.insight_pages[index].clone(),
            strength: summary.strength.as_str(),
            status: insight.status.clone(),
            evidence: summary.evidence.len(),
            counter_evidence: summary.counter_evidence.len(),
            participants: summary.participants.len(),
            companies: summary.companies.len(),
            roles: summary.roles.iter().map(|role| role.key.clone()).collect(),
            first_seen: summary.first_seen.map(|date| date.to_string()),
            last_seen: summary.last_seen.map(|date| date.to_string()),
            needs_validation: summary.needs_validation,
            reasons: self.reasons(summary),
        }
    }

    /// Who to ask about an insight: at most `limit` (those who raised it first),
    /// and how many more there are.
    pub fn follow_ups(&self, index: usize, limit: usize) -> (Vec<FollowUpView>, usize) {
        let all = &self.consolidation.insights[index].follow_ups;
        let shown = all
            .iter()
            .take(limit)
            .map(|follow_up| FollowUpView {
                person: self.entity(&follow_up.person),
                interview: self.interview(follow_up.interview),
                raised_insight: follow_up.raised_insight,
            })
            .collect();
        let summary = &self.consolidation.insights[index];
        (
            shown,
            all.len().saturating_sub(limit) + summary.more_follow_ups,
        )
    }

    /// Why an insight needs validation, in words.
    pub fn reasons(&self, summary: &InsightSummary) -> Vec<String> {
        let mut reasons = Vec::new();
        if !summary.needs_validation {
            return reasons;
        }
        match summary.strength {
            Strength::None => reasons.push("no interview backs it yet".to_owned()),
            Strength::Pattern => {}
            _ => reasons.push(format!(
                "not yet a pattern: {} of {} participants, {} of {} companies",
                summary.participants.len(),
                self.thresholds.pattern_min_participants,
                summary.companies.len(),
                self.thresholds.pattern_min_companies
            )),
        }
        if !summary.counter_evidence.is_empty() {
            let count = summary.counter_evidence.len();
            reasons.push(format!(
                "{count} observation{} contradict{} it",
                if count == 1 { "" } else { "s" },
                if count == 1 { "s" } else { "" }
            ));
        }
        if summary.only_surprises {
            reasons.push("backed only by surprises".to_owned());
        }
        reasons
    }

    /// Evidence per role.
    pub fn roles(&self, summary: &InsightSummary) -> Vec<RoleView> {
        summary
            .by_role
            .iter()
            .map(|role| RoleView {
                role: role.role.as_ref().map(|role| role.key.clone()),
                observations: role.observations,
                participants: role.participants,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::render::v as serialized;

    fn observation() -> ObservationView {
        let note = |path: &str, title: &str| NoteView {
            path: path.to_owned(),
            title: title.to_owned(),
        };
        ObservationView {
            kind: "learned",
            text: "Said [[A]]".to_owned(),
            interview: serialized(InterviewView {
                note: note("I/One.md", "One"),
                date: Some("2026-11-05".to_owned()),
                participants: vec![EntityView {
                    name: "Ann".to_owned(),
                    path: None,
                }],
                roles: vec!["owner".to_owned()],
            }),
            anchor: None,
            line: 7,
            companies: serialized(Vec::<EntityView>::new()),
            insights: vec![note("A.md", "A")],
            jobs: Vec::new(),
            signals: vec!["pain"],
            steps: vec!["define", "locate"],
        }
    }

    #[test]
    fn an_observation_as_an_object_reads_as_its_serialisation() {
        let env = minijinja::Environment::new();
        let template = "{{ o | tojson }}|{{ o.kind }} {{ o.interview.date }} {{ o.anchor }} \
            {{ o.line }} {{ o.insights[0].title }} {{ o.steps | join(',') }} {{ o | length }} \
            {% for key in o %}{{ key }} {% endfor %}{{ o.missing is undefined }}|{{ o }}|\
            {{ o == same }} {{ o['text'] }} {{ o is mapping }} {{ o | items | list | length }}";
        let same = serialized(observation());
        let render = |o: minijinja::Value| {
            env.render_str(template, minijinja::context! { o, same => same.clone() })
                .unwrap()
        };
        let serialized_form = render(serialized(observation()));
        assert_eq!(
            render(minijinja::Value::from_object(observation())),
            serialized_form
        );
        assert!(
            serialized_form.contains("|learned 2026-11-05 None 7 A define,locate 10 kind text"),
            "{serialized_form}"
        );
        assert!(
            serialized_form.ends_with("|True Said [[A]] True 10"),
            "{serialized_form}"
        );
        // An anchor that is set reads the same way too.
        let anchored = || ObservationView {
            anchor: Some("#^b1".to_owned()),
            ..observation()
        };
        assert_eq!(
            render(minijinja::Value::from_object(anchored())),
            render(serialized(anchored()))
        );
    }
}
