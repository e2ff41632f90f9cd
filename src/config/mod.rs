//! What a run is configured with: throughline's options (`throughline.toml`) and
//! Obsidian's own settings (`.obsidian/app.json`).
//!
//! Raw input becomes a validated [`Config`] before any stage runs.

mod defaults;
mod file;
mod obsidian;

pub use defaults::commented_file;
pub use file::{CONFIG_FILE, load, normalize_key, parse};
pub use obsidian::{ExcludedFiles, NewLinkFormat, ObsidianSettings};

use std::collections::BTreeMap;

use crate::choices;

/// The validated configuration of one run.
#[derive(Debug, Clone)]
pub struct Config {
    /// The folder throughline owns and writes its pages into (vault-relative,
    /// no trailing `/`). Its files are link targets, never sources.
    pub output_folder: String,
    /// Folders whose notes are not sources (still link targets), besides
    /// Obsidian's Excluded files.
    pub ignored_folders: Vec<String>,
    /// Notes larger than this are kept as link targets but not parsed.
    pub max_note_bytes: u64,
    /// Folders whose notes have a type without a `type` property.
    pub type_folders: Vec<(NoteType, Vec<String>)>,
    /// Canonical property name → other (normalised) names accepted for it.
    pub property_synonyms: BTreeMap<String, Vec<String>>,
    /// Heading texts of each section kind.
    pub sections: Sections,
    /// Tags that give each signal.
    pub signal_tags: SignalTags,
    /// Callout kinds that are observations, by kind.
    pub callout_kinds: CalloutKinds,
    /// How the pages of each insight, job and plan are named.
    pub page_names: PageNames,
    /// Strength thresholds.
    pub thresholds: Thresholds,
    /// The period of the digest.
    pub digest_period: DigestPeriod,
    /// How many insights `Digest.md`'s validation queue lists, most pressing
    /// first; the page counts the rest.
    pub digest_queue: usize,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            output_folder: "Throughline".to_owned(),
            ignored_folders: Vec::new(),
            max_note_bytes: choices::MAX_NOTE_BYTES,
            type_folders: Vec::new(),
            property_synonyms: BTreeMap::new(),
            sections: Sections::default(),
            signal_tags: SignalTags::default(),
            callout_kinds: CalloutKinds::default(),
            page_names: PageNames::default(),
            thresholds: Thresholds::default(),
            digest_period: DigestPeriod::IsoWeek,
            digest_queue: 20,
        }
    }
}

impl Config {
    /// The names (normalised) under which property `canonical` may be written.
    pub fn property_names<'a>(&'a self, canonical: &'a str) -> impl Iterator<Item = &'a str> {
        std::iter::once(canonical).chain(
            self.property_synonyms
                .get(canonical)
                .into_iter()
                .flatten()
                .map(String::as_str),
        )
    }
}

/// Property names throughline reads (canonical, normalised).
pub const PROPERTY_NAMES: [&str; 14] = [
    "type",
    "date",
    "participant",
    "role",
    "company",
    "plan",
    "follow-up-of",
    "jobs",
    "status",
    "roles",
    "target",
    "statement",
    "framework",
    "aliases",
];

/// The built-in note types (product.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NoteType {
    /// One conversation.
    Interview,
    /// A round of interviews.
    Plan,
    /// An insight statement.
    Insight,
    /// A job to be done.
    Job,
    /// A participant.
    Person,
    /// A participant's company.
    Company,
}

impl NoteType {
    /// Every type.
    pub const ALL: [NoteType; 6] = [
        NoteType::Interview,
        NoteType::Plan,
        NoteType::Insight,
        NoteType::Job,
        NoteType::Person,
        NoteType::Company,
    ];

    /// The type named `name` (case-insensitive).
    pub fn from_name(name: &str) -> Option<NoteType> {
        let name = name.trim();
        if name.is_ascii() {
            // Without allocating: every note's type is looked up on every update.
            return NoteType::ALL
                .into_iter()
                .find(|kind| kind.as_str().eq_ignore_ascii_case(name));
        }
        let name = name.to_lowercase();
        NoteType::ALL.into_iter().find(|kind| kind.as_str() == name)
    }

    /// The lower-case name used in `type:` and in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            NoteType::Interview => "interview",
            NoteType::Plan => "plan",
            NoteType::Insight => "insight",
            NoteType::Job => "job",
            NoteType::Person => "person",
            NoteType::Company => "company",
        }
    }
}

/// Heading texts that open each kind of section (compared by Obsidian's heading
/// rules: case and punctuation do not matter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sections {
    /// What was learned.
    pub learned: Vec<String>,
    /// What surprised.
    pub surprises: Vec<String>,
    /// Quotes.
    pub quotes: Vec<String>,
    /// Open questions to validate.
    pub open_questions: Vec<String>,
    /// A plan's questions.
    pub questions: Vec<String>,
}

impl Default for Sections {
    fn default() -> Sections {
        let list = |items: &[&str]| items.iter().map(|item| (*item).to_owned()).collect();
        Sections {
            learned: list(&["Learned", "What we learned", "Learnings", "Key insights"]),
            surprises: list(&["Surprises", "Surprised", "What surprised us", "Surprising"]),
            quotes: list(&["Quotes"]),
            open_questions: list(&["Open questions", "Follow-ups", "To validate"]),
            questions: list(&["Questions"]),
        }
    }
}

/// The tags (lower-case, without `#`) that give an observation each signal
/// (product.md §2: `#pain`, `#gain`, `#workaround`, `#request`,
/// `#contradicts` by default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignalTags {
    /// A pain.
    pub pain: Vec<String>,
    /// A gain.
    pub gain: Vec<String>,
    /// A workaround.
    pub workaround: Vec<String>,
    /// A request.
    pub request: Vec<String>,
    /// Evidence against the insights the observation links.
    pub contradicts: Vec<String>,
}

impl Default for SignalTags {
    fn default() -> SignalTags {
        let one = |tag: &str| vec![tag.to_owned()];
        SignalTags {
            pain: one("pain"),
            gain: one("gain"),
            workaround: one("workaround"),
            request: one("request"),
            contradicts: one("contradicts"),
        }
    }
}

/// The callout kinds (lower-case, as in `> [!quote]`) that are one
/// observation of each kind, wherever they are in an interview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalloutKinds {
    /// Quotes.
    pub quote: Vec<String>,
    /// Surprises.
    pub surprise: Vec<String>,
    /// Things learned.
    pub insight: Vec<String>,
}

impl Default for CalloutKinds {
    fn default() -> CalloutKinds {
        let list = |kinds: &[&str]| kinds.iter().map(|kind| (*kind).to_owned()).collect();
        CalloutKinds {
            quote: list(&["quote", "cite"]),
            surprise: list(&["surprise"]),
            insight: list(&["insight"]),
        }
    }
}

/// Where a page name pattern puts the note's title.
pub const TITLE: &str = "{title}";

/// The names (before `.md`) of the pages of each insight, job and plan, as
/// patterns in which [`TITLE`] is the note's title (product.md §3's default
/// names). A name that a user's note has already gets a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageNames {
    /// An insight's page.
    pub insight: String,
    /// A job's page.
    pub job: String,
    /// A plan's coverage page.
    pub plan: String,
}

impl Default for PageNames {
    fn default() -> PageNames {
        PageNames {
            insight: format!("{TITLE} (evidence)"),
            job: format!("{TITLE} (job)"),
            plan: format!("{TITLE} (coverage)"),
        }
    }
}

/// When an insight counts as a pattern (product.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    /// At least this many distinct participants…
    pub pattern_min_participants: u32,
    /// …from at least this many distinct companies.
    pub pattern_min_companies: u32,
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds {
            pattern_min_participants: 3,
            pattern_min_companies: 2,
        }
    }
}

/// The period a digest covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestPeriod {
    /// An ISO week, Monday to Sunday (the default).
    IsoWeek,
    /// A calendar month.
    Month,
    /// A number of days, counted back from the latest interview.
    Days(u32),
}

impl DigestPeriod {
    /// `week`, `month` or `<n>d`.
    pub fn parse(text: &str) -> Option<DigestPeriod> {
        match text.trim().to_lowercase().as_str() {
            "week" | "iso-week" => Some(DigestPeriod::IsoWeek),
            "month" => Some(DigestPeriod::Month),
            other => other
                .strip_suffix('d')
                .and_then(|days| days.parse().ok())
                .filter(|&days| days > 0)
                .map(DigestPeriod::Days),
        }
    }
}

/// The configuration could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// `throughline.toml` exists but cannot be read.
    #[error("cannot read `throughline.toml`: {0}")]
    Unreadable(std::io::Error),
    /// A key or value is wrong.
    #[error("`throughline.toml`{}: {message}", line.map(|line| format!(" line {line}")).unwrap_or_default())]
    Invalid {
        /// The line of the problem, when known.
        line: Option<usize>,
        /// What is wrong, naming the key.
        message: String,
    },
}
