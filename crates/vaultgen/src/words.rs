//! Word lists the generator builds names and prose from.
//!
//! Everything a note says comes from these lists, so they are written in the voice of a
//! product team's research notes (finance and operations software, interviews with
//! controllers and admins). Names built from them never contain the characters Obsidian
//! cannot link to (`# | ^ : %% [[ ]]`), nor dots (a dot changes how a linkpath is looked
//! up, spec C2), so every generated link is meant to resolve unless it is broken on
//! purpose.

/// Given names; a few with accents, written in NFC, as real vaults have them.
pub(crate) const FIRST_NAMES: &[&str] = &[
    "Maria", "James", "Aisha", "Chen", "Lukas", "Sofia", "Omar", "Priya", "Daniel", "Emma",
    "Kenji", "Fatima", "Noah", "Olivia", "Mateo", "Hannah", "Ravi", "Chloe", "Ethan", "Zoë",
    "Lucas", "Amara", "Jonas", "Ingrid", "Diego", "Mei", "Samuel", "Leila", "Tomás", "Grace",
    "Arjun", "Nora", "Felix", "Yuki", "Isaac", "Elena", "Kwame", "Sara", "Mohammed", "Julia",
    "Pablo", "Anya", "Victor", "Lena", "Hugo", "Mia", "Ahmed", "Clara", "Oscar", "Nadia", "René",
    "Alice", "Björn", "Ines", "Kofi", "Rosa", "Tariq", "Eva", "Liam", "Ana",
];

/// Family names; a few with accents.
pub(crate) const LAST_NAMES: &[&str] = &[
    "Lopez",
    "Smith",
    "Khan",
    "Wei",
    "Becker",
    "Rossi",
    "Haddad",
    "Patel",
    "Kim",
    "Novak",
    "Tanaka",
    "Mensah",
    "Garcia",
    "Brown",
    "Müller",
    "Nguyen",
    "Silva",
    "Larsen",
    "Okafor",
    "Dubois",
    "Jensen",
    "Ivanova",
    "Cohen",
    "Moreau",
    "Schmidt",
    "Costa",
    "Yilmaz",
    "Andersen",
    "Kowalski",
    "Fischer",
    "Santos",
    "Ortiz",
    "Hughes",
    "Murphy",
    "Sato",
    "Ali",
    "Weber",
    "Núñez",
    "Lindqvist",
    "Reyes",
    "Bakker",
    "Hoffmann",
    "Ramos",
    "Chowdhury",
    "Walsh",
    "Berg",
    "Petrov",
    "Mahlaba",
    "Horvat",
    "Fontaine",
    "Adeyemi",
    "Castro",
    "Wright",
    "Ibrahim",
    "Lund",
    "Zhang",
    "Keller",
    "Popescu",
    "Ferreira",
    "Park",
];

/// Roles of the people interviewed.
pub(crate) const ROLES: &[&str] = &[
    "Finance lead",
    "Controller",
    "Operations manager",
    "Product manager",
    "Engineering manager",
    "Customer success lead",
    "Founder",
    "Accountant",
    "Sales ops",
    "Data analyst",
    "Designer",
    "Procurement lead",
    "IT admin",
    "Support agent",
    "HR generalist",
    "Marketing lead",
];

/// First words of company names.
pub(crate) const COMPANY_HEADS: &[&str] = &[
    "Acme",
    "Northwind",
    "Bluebird",
    "Granite",
    "Harbor",
    "Lumen",
    "Cobalt",
    "Juniper",
    "Meridian",
    "Orchid",
    "Pinnacle",
    "Quarry",
    "Redwood",
    "Summit",
    "Tandem",
    "Umbra",
    "Vertex",
    "Willow",
    "Zephyr",
    "Atlas",
    "Beacon",
    "Cedar",
    "Delta",
    "Ember",
    "Fjord",
    "Glacier",
    "Helix",
    "Ionic",
    "Kestrel",
    "Lattice",
    "Mosaic",
    "Nimbus",
    "Onyx",
    "Prairie",
    "Quill",
    "Riverstone",
    "Solstice",
    "Tidal",
    "Upland",
    "Vantage",
];

/// Second words of company names.
pub(crate) const COMPANY_TAILS: &[&str] = &[
    "Robotics",
    "Logistics",
    "Labs",
    "Health",
    "Foods",
    "Analytics",
    "Partners",
    "Retail",
    "Systems",
    "Energy",
    "Studios",
    "Capital",
    "Freight",
    "Clinics",
    "Software",
    "Group",
    "Works",
    "Supply",
    "Media",
    "Dental",
    "Farms",
    "Legal",
    "Travel",
    "Print",
    "Textiles",
    "Motors",
    "Bakery",
    "Outdoor",
    "Pharma",
    "Security",
];

/// Third words, used only when two-word company names run out.
pub(crate) const COMPANY_SUFFIXES: &[&str] = &["GmbH", "Inc", "Ltd", "Co", "AB", "BV", "SA", "Oy"];

/// Company segments (a free `segment` property).
pub(crate) const SEGMENTS: &[&str] = &[
    "SMB",
    "Mid-market",
    "Enterprise",
    "Startup",
    "Public sector",
];

/// Industries: the folders under `Companies/`.
pub(crate) const INDUSTRIES: &[&str] = &[
    "SaaS",
    "Retail",
    "Manufacturing",
    "Healthcare",
    "Logistics",
    "Finance",
    "Agencies",
    "Education",
    "Public sector",
    "Hospitality",
];

/// Relationship folders under `People/`.
pub(crate) const RELATIONSHIPS: &[&str] = &["Customers", "Prospects", "Partners", "Churned"];

/// Region folders under `People/<relationship>/`.
pub(crate) const REGIONS: &[&str] = &["Europe", "North America", "APAC", "LATAM"];

/// Product areas: folders under `Interviews/…/`, `Jobs/`, `Insights/`.
pub(crate) const AREAS: &[&str] = &[
    "Billing",
    "Onboarding",
    "Reporting",
    "Approvals",
    "Expenses",
    "Payroll",
    "Integrations",
    "Mobile",
    "Permissions",
    "Search",
    "Notifications",
    "Exports",
    "Budgets",
    "Invoices",
    "Procurement",
    "Audit",
];

/// Sub-themes: second level under `Insights/<area>/`.
pub(crate) const THEMES: &[&str] = &[
    "Workflow",
    "Trust",
    "Pricing",
    "Usability",
    "Data quality",
    "Collaboration",
    "Speed",
    "Compliance",
    "Support",
    "Learning curve",
    "Visibility",
    "Automation",
];

/// Job categories: second level under `Jobs/<area>/`.
pub(crate) const JOB_KINDS: &[&str] = &["Core", "Related", "Emotional", "Social"];

/// Topics: folders under `Notes/`.
pub(crate) const TOPICS: &[&str] = &[
    "Meetings",
    "Reading",
    "Ideas",
    "Competitors",
    "Strategy",
    "Team",
    "Retros",
    "Research ops",
];

/// Second level under `Notes/<topic>/`.
pub(crate) const SUBTOPICS: &[&str] = &[
    "Inbox",
    "Drafts",
    "Reference",
    "Weekly",
    "Archive",
    "Shared",
];

/// Who does things, sentence-initial; all singular, so verbs agree.
pub(crate) const SUBJECTS: &[&str] = &[
    "She",
    "He",
    "The team",
    "Their controller",
    "The office manager",
    "The finance team",
    "Our champion",
    "The new hire",
    "Every approver",
    "The ops lead",
    "Their accountant",
    "One of the managers",
    "The CFO",
    "Nobody on the team",
    "The support desk",
    "Their IT admin",
    "Each department head",
    "The founder",
    "The bookkeeper",
    "Her manager",
];

/// Verb phrases taking an object.
pub(crate) const VERBS: &[&str] = &[
    "re-keys",
    "exports",
    "double-checks",
    "approves",
    "reconciles",
    "chases",
    "rebuilds",
    "screenshots",
    "emails around",
    "prints out",
    "copies",
    "waits for",
    "avoids",
    "works around",
    "tracks",
    "cross-checks",
    "uploads",
    "reviews",
    "forwards",
    "archives",
    "splits",
    "merges",
    "tags",
    "flags",
    "audits",
    "estimates",
    "budgets for",
    "schedules",
    "automates",
    "ignores",
];

/// Verbs in base form, for jobs and questions.
pub(crate) const BASE_VERBS: &[&str] = &[
    "Reconcile",
    "Approve",
    "Track",
    "Export",
    "Review",
    "Close",
    "Forecast",
    "Submit",
    "Audit",
    "Onboard",
    "Pay",
    "Share",
    "Plan",
    "Report on",
    "Collect",
    "Categorize",
    "Budget for",
    "Negotiate",
    "Archive",
    "Verify",
    "Escalate",
    "Compare",
    "Import",
    "Allocate",
    "Document",
    "Monitor",
    "Chase",
    "Prepare",
    "Hand over",
    "Split",
];

/// Objects of the work.
pub(crate) const OBJECTS: &[&str] = &[
    "invoices",
    "expense reports",
    "purchase orders",
    "the monthly close",
    "vendor payments",
    "receipts",
    "budgets",
    "payroll runs",
    "approval chains",
    "bank feeds",
    "cost centers",
    "contracts",
    "quarterly reports",
    "travel bookings",
    "credit card statements",
    "the audit trail",
    "tax filings",
    "customer refunds",
    "team spend",
    "subscriptions",
    "new vendors",
    "the general ledger",
    "variance reports",
    "board decks",
    "cash forecasts",
    "reimbursements",
    "supplier onboarding",
    "access requests",
    "spend limits",
    "intercompany transfers",
    "duplicate payments",
    "project budgets",
    "usage data",
    "price changes",
    "renewals",
    "dashboards",
    "CSV exports",
    "Slack threads",
    "month-end checklists",
    "handover notes",
];

/// Trailing circumstances.
pub(crate) const MODIFIERS: &[&str] = &[
    "at month end",
    "every Friday",
    "by hand",
    "in a spreadsheet",
    "before the board meeting",
    "on mobile",
    "twice a week",
    "without telling anyone",
    "for every new client",
    "when the auditor asks",
    "after hours",
    "in three different tools",
    "on the train",
    "during onboarding",
    "when someone is on holiday",
    "for the whole region",
    "before payroll",
    "at the end of each quarter",
    "with a lot of copy-paste",
    "from memory",
];

/// Plain nouns for prose.
pub(crate) const NOUNS: &[&str] = &[
    "process",
    "workaround",
    "dashboard",
    "export",
    "deadline",
    "spreadsheet",
    "policy",
    "handoff",
    "report",
    "template",
    "integration",
    "checklist",
    "backlog",
    "ticket",
    "login",
    "permission",
    "notification",
    "reminder",
    "summary",
    "threshold",
];

/// Adjectives for prose.
pub(crate) const ADJECTIVES: &[&str] = &[
    "slow",
    "fragile",
    "confusing",
    "manual",
    "painful",
    "reliable",
    "hidden",
    "outdated",
    "noisy",
    "inconsistent",
    "tedious",
    "risky",
    "surprisingly fast",
    "expensive",
    "clunky",
    "essential",
    "half-finished",
    "invisible",
    "duplicated",
    "annoying",
];

/// Insight statement subjects (titles of insight notes).
pub(crate) const INSIGHT_SUBJECTS: &[&str] = &[
    "Finance teams",
    "Controllers",
    "Approvers",
    "New admins",
    "Small companies",
    "Enterprise buyers",
    "Ops leads",
    "Accountants",
    "Department heads",
    "Founders",
    "Support agents",
    "Procurement teams",
    "Remote teams",
    "First-time users",
    "Power users",
    "Auditors",
    "Managers",
    "Part-time bookkeepers",
    "IT admins",
    "Sales ops teams",
    "Regional leads",
    "Agencies",
    "Field staff",
    "HR teams",
];

/// Insight statement predicates.
pub(crate) const INSIGHT_PREDICATES: &[&str] = &[
    "don't trust",
    "re-key",
    "avoid",
    "want to automate",
    "struggle to find",
    "double-check",
    "need a second pair of eyes on",
    "outsource",
    "delay",
    "lose track of",
    "print",
    "want alerts about",
    "batch",
    "distrust totals in",
    "keep shadow copies of",
    "ask colleagues about",
    "want templates for",
    "underestimate the effort of",
    "postpone",
    "prefer email for",
];

/// Insight and job contexts (end of a title).
pub(crate) const CONTEXTS: &[&str] = &[
    "at month end",
    "on mobile",
    "for new clients",
    "across entities",
    "during audits",
    "before payroll",
    "for recurring vendors",
    "in multiple currencies",
    "with approvals",
    "for small amounts",
    "after a reorg",
    "in the first week",
    "for the board",
    "without an accountant",
    "across time zones",
    "for contractors",
    "at year end",
    "for travel",
    "in regulated industries",
    "on shared cards",
    "when a colleague is away",
    "for the whole team",
    "under deadline",
    "with legacy tools",
    "for subsidiaries",
];

/// Plan kinds (the end of a plan's title).
pub(crate) const PLAN_KINDS: &[&str] = &["discovery", "validation", "research", "interviews"];

/// Question stems; `{v}` is a verb, `{o}` an object.
pub(crate) const QUESTION_STEMS: &[&str] = &[
    "How do you {v} {o} today?",
    "What happens when {o} are late?",
    "Who else is involved when you {v} {o}?",
    "What did you try before your current tool for {o}?",
    "What is the hardest part of {o}?",
    "How long does it take to {v} {o}?",
    "When did you last {v} {o} by hand?",
    "What would make {o} easier?",
    "How do you know {o} are correct?",
    "Who checks {o} after you?",
];

/// Sentence templates. Slots: `{S}` subject, `{s}` lower-case subject, `{V}` verb,
/// `{v}` base verb, `{O}` object, `{M}` modifier, `{N}` noun, `{A}` adjective, `{L}` a link, `{T}` a tag,
/// `{C}` an inline code span, `{B}` a bold phrase.
pub(crate) const SENTENCES: &[&str] = &[
    "{S} {V} {O} {M}.",
    "{S} {V} {O} {M}, which makes the {N} {A}.",
    "When {s} {V} {O}, the {N} gets {A}.",
    "We heard that the {N} around {O} is {A} {M}.",
    "{S} said the {N} was {A} because {s} {V} {O}.",
    "According to {L}, {s} {V} {O} {M}.",
    "This matches what we saw in {L}: {s} {V} {O}.",
    "{S} {V} {O}, see {L} for the details.",
    "The {A} {N} means {s} {V} {O} {M} {T}.",
    "{S} keeps a {N} for {O} {M}, and it is {A}.",
    "Nobody owns the {N}, so {s} {V} {O} {M}.",
    "{S} showed us how {s} {V} {O} with {C}.",
    "{B} {S} {V} {O} {M}.",
    "It is {A} to {v} {O} {M}, and {s} knows it.",
    "{S} {V} {O} {M}; compare {L}.",
    "Pricing came up again: they pay $49 per seat and would accept $99 if {O} were easier.",
    "{S} {V} {O} {M} ({L}).",
    "The {N} is {A}, but {s} still {V} {O} {T}.",
];

/// Short things people say, for quotes.
pub(crate) const QUOTES: &[&str] = &[
    "Honestly, I just export everything to Excel and fix it there.",
    "If the numbers don't match, I don't sleep.",
    "I have a sticky note with the steps, because nobody remembers them.",
    "We tried three tools last year and went back to email.",
    "The approval part is fine, it's everything before it that hurts.",
    "I would pay for this tomorrow if it talked to our bank.",
    "My manager doesn't see any of this work, it's invisible.",
    "Every month-end I lose two days to this.",
    "I don't need more features, I need fewer clicks.",
    "When Sam is on holiday, nothing gets approved.",
    "We keep a shadow spreadsheet just in case.",
    "The audit is the only time anyone looks at this.",
];

/// Callout types that count as observations in an interview, plus a few plain ones.
pub(crate) const CALLOUTS: &[&str] = &["quote", "surprise", "insight", "note", "tip", "warning"];

/// Signal tags on observations (product spec §2), repeated to weight them: pains are
/// common, counter-evidence (`#contradicts`) is rare.
pub(crate) const SIGNAL_TAGS: &[&str] = &[
    "#pain",
    "#pain",
    "#pain",
    "#gain",
    "#gain",
    "#workaround",
    "#workaround",
    "#request",
    "#request",
    "#contradicts",
];

/// Job-map step tags.
pub(crate) const STEP_TAGS: &[&str] = &[
    "#step/define",
    "#step/locate",
    "#step/prepare",
    "#step/confirm",
    "#step/execute",
    "#step/monitor",
    "#step/modify",
    "#step/conclude",
];

/// Other inline tags seen in research notes.
pub(crate) const TOPIC_TAGS: &[&str] = &[
    "#research",
    "#followup",
    "#billing",
    "#2026-goals",
    "#idea",
    "#todo",
    "#pricing",
    "#onboarding/admin",
    "#mobile",
    "#Urgent",
];

/// Names of meeting-like ordinary notes.
pub(crate) const NOTE_PREFIXES: &[&str] = &[
    "Meeting",
    "Weekly sync",
    "Retro",
    "Reading notes",
    "Idea",
    "Teardown",
    "Strategy memo",
    "Team offsite",
    "Research log",
    "Brainstorm",
];

/// Root notes every research vault seems to have.
pub(crate) const ROOT_NOTES: &[&str] = &[
    "Home",
    "Interview guide",
    "Jobs to be done",
    "Research ops",
    "Glossary",
];

/// Languages for fenced code blocks.
pub(crate) const CODE_LANGUAGES: &[&str] = &["text", "dataview", "query", "json", "python", ""];
