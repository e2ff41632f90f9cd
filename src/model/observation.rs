//! Observations: what an interview recorded, one list item or callout at a time.
//!
//! Each top-level list item (with its nested items) under a Learned, Surprises,
//! Quotes or Open questions section is one observation of that kind; so is each
//! `> [!quote]`, `> [!surprise]` and `> [!insight]` callout anywhere in the note.
//! An observation keeps its text as written, where it is, a link target back to
//! it, the insights and jobs it links, and the signals of its tags.

use crate::config::{Config, NoteType};
use crate::parse::{
    BlockKind, Heading, LinkKind, ListItem, Note, Span, heading_key, strip_heading,
};
use crate::resolve::{FileId, Resolution};

use super::ResearchModel;

/// What kind of record an observation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ObservationKind {
    /// Something learned (a Learned section, an `[!insight]` callout).
    Learned,
    /// Something that surprised (a Surprises section, a `[!surprise]` callout).
    Surprise,
    /// Words of the participant (a Quotes section, a `[!quote]` callout).
    Quote,
    /// A question still open (an Open questions section).
    OpenQuestion,
}

impl ObservationKind {
    /// Lower-case name for pages and exports.
    pub fn as_str(self) -> &'static str {
        match self {
            ObservationKind::Learned => "learned",
            ObservationKind::Surprise => "surprise",
            ObservationKind::Quote => "quote",
            ObservationKind::OpenQuestion => "open question",
        }
    }
}

/// Ulwick's universal job map, in order (`#step/<name>` tags).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum JobStep {
    /// Determine goals and plan resources.
    Define,
    /// Gather what the job needs.
    Locate,
    /// Set up the environment.
    Prepare,
    /// Verify readiness.
    Confirm,
    /// Carry out the job.
    Execute,
    /// Assess whether it goes well.
    Monitor,
    /// Make changes.
    Modify,
    /// Finish the job.
    Conclude,
}

impl JobStep {
    /// Every step, in the map's order.
    pub const ALL: [JobStep; 8] = [
        JobStep::Define,
        JobStep::Locate,
        JobStep::Prepare,
        JobStep::Confirm,
        JobStep::Execute,
        JobStep::Monitor,
        JobStep::Modify,
        JobStep::Conclude,
    ];

    /// The step's name as tagged.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStep::Define => "define",
            JobStep::Locate => "locate",
            JobStep::Prepare => "prepare",
            JobStep::Confirm => "confirm",
            JobStep::Execute => "execute",
            JobStep::Monitor => "monitor",
            JobStep::Modify => "modify",
            JobStep::Conclude => "conclude",
        }
    }

    /// The step a tag names (`step/execute`, any case).
    pub fn from_tag(tag: &str) -> Option<JobStep> {
        let name = tag.to_lowercase();
        let name = name.strip_prefix("step/")?;
        JobStep::ALL.into_iter().find(|step| step.as_str() == name)
    }
}

/// The signal tags of an observation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Signals {
    /// `#pain`.
    pub pain: bool,
    /// `#gain`.
    pub gain: bool,
    /// `#workaround`.
    pub workaround: bool,
    /// `#request`.
    pub request: bool,
    /// `#contradicts`: evidence against the insights it links.
    pub contradicts: bool,
}

impl Signals {
    /// The names of the signals set, in a fixed order.
    pub fn names(self) -> Vec<&'static str> {
        [
            (self.pain, "pain"),
            (self.gain, "gain"),
            (self.workaround, "workaround"),
            (self.request, "request"),
            (self.contradicts, "contradicts"),
        ]
        .into_iter()
        .filter_map(|(set, name)| set.then_some(name))
        .collect()
    }
}

/// Where a link back to an observation points.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Anchor {
    /// Its `^block-id`.
    Block(String),
    /// The heading of its section (stripped, so the link text is safe).
    Heading(String),
    /// The note itself (no id, no heading above it).
    Note,
}

impl Anchor {
    /// The link subpath: `#^id`, `#Heading`, or none.
    pub fn subpath(&self) -> Option<String> {
        match self {
            Anchor::Block(id) => Some(format!("#^{id}")),
            Anchor::Heading(text) => Some(format!("#{text}")),
            Anchor::Note => None,
        }
    }
}

/// One observation.
#[derive(Debug, Clone)]
pub struct Observation {
    /// Its kind.
    pub kind: ObservationKind,
    /// The interview it is in (index into the model's interviews).
    pub interview: usize,
    /// Its text, Markdown as written (list marker and block id removed).
    pub text: String,
    /// The line it starts on.
    pub line: u32,
    /// Where a link back to it points.
    pub anchor: Anchor,
    /// Insight notes it links (each once).
    pub insights: Vec<FileId>,
    /// Job notes it links (each once).
    pub jobs: Vec<FileId>,
    /// Its signal tags.
    pub signals: Signals,
    /// Job-map steps it is tagged with.
    pub steps: Vec<JobStep>,
}

#[cfg(test)]
impl Observation {
    /// A learned observation of `interview` on line 1 that links nothing (for
    /// tests to build on).
    pub(crate) fn learned(interview: usize, text: &str) -> Observation {
        Observation {
            kind: ObservationKind::Learned,
            interview,
            text: text.to_owned(),
            line: 1,
            anchor: Anchor::Note,
            insights: Vec::new(),
            jobs: Vec::new(),
            signals: Signals::default(),
            steps: Vec::new(),
        }
    }
}

/// What one interview's observations link, and how many of them the digest
/// counts, worked out once per reading (a reading kept by `watch` keeps it):
/// gathering every insight's and job's evidence, and counting every earlier
/// period's observations, read these instead of every observation of the vault.
#[derive(Debug, Clone, Default)]
pub struct ObservationLinks {
    /// Each link to an insight in evidence order (the observations in
    /// document order, each one's insights in order): the observation
    /// (its place among the interview's), the insight note, and whether the
    /// observation is tagged `#contradicts`.
    pub insights: Vec<(u32, FileId, bool)>,
    /// Each link to a job, in the same order: the observation and the job note.
    pub jobs: Vec<(u32, FileId)>,
    /// The job notes the observations link, each once, in the order read.
    pub job_notes: Vec<FileId>,
    /// How many observations are learned, and how many surprises (the
    /// digest counts them for every earlier period).
    pub learned: u32,
    /// See `learned`.
    pub surprised: u32,
    /// How many observations link no insight (the health page counts them).
    pub unlinked: u32,
    /// The linkpaths of the links in the observations' text, each once,
    /// sorted, with whether one names a heading or block
    /// ([`crate::parse::quoted_linkpaths`]): the pages quoting them depend on
    /// which files those links open, and on those files' headings and blocks.
    pub quoted_links: Vec<(String, bool)>,
}

impl ObservationLinks {
    /// The links of `observations` (one interview's, as read: in document
    /// order, see [`observations`]).
    pub fn of(observations: &[Observation]) -> ObservationLinks {
        let mut links = ObservationLinks::default();
        for (at, observation) in (0u32..).zip(observations) {
            match observation.kind {
                ObservationKind::Learned => links.learned += 1,
                ObservationKind::Surprise => links.surprised += 1,
                _ => {}
            }
            links
                .quoted_links
                .extend(crate::parse::quoted_linkpaths(&observation.text));
            let contradicts = observation.signals.contradicts;
            links.unlinked += u32::from(observation.insights.is_empty());
            links.insights.extend(
                observation
                    .insights
                    .iter()
                    .map(|&insight| (at, insight, contradicts)),
            );
            for &job in &observation.jobs {
                links.jobs.push((at, job));
                if !links.job_notes.contains(&job) {
                    links.job_notes.push(job);
                }
            }
        }
        crate::parse::merge_linkpaths(&mut links.quoted_links);
        links
    }
}

/// The section kinds headings open, by heading key.
struct SectionKeys {
    kinds: Vec<(String, ObservationKind)>,
}

impl SectionKeys {
    fn new(config: &Config) -> SectionKeys {
        let sections = &config.sections;
        let mut kinds = Vec::new();
        for (names, kind) in [
            (&sections.learned, ObservationKind::Learned),
            (&sections.surprises, ObservationKind::Surprise),
            (&sections.quotes, ObservationKind::Quote),
            (&sections.open_questions, ObservationKind::OpenQuestion),
        ] {
            kinds.extend(names.iter().map(|name| (heading_key(name), kind)));
        }
        SectionKeys { kinds }
    }

    fn kind(&self, heading: &Heading) -> Option<ObservationKind> {
        self.kinds
            .iter()
            .find(|(key, _)| *key == heading.key)
            .map(|(_, kind)| *kind)
    }
}

/// For each heading, the observation kind of the section it is in: its own, or
/// that of the nearest enclosing heading that has one.
fn heading_kinds(headings: &[Heading], keys: &SectionKeys) -> Vec<Option<ObservationKind>> {
    let mut stack: Vec<(u8, Option<ObservationKind>)> = Vec::new();
    headings
        .iter()
        .map(|heading| {
            while stack
                .last()
                .is_some_and(|(level, _)| *level >= heading.level)
            {
                stack.pop();
            }
            let kind = keys
                .kind(heading)
                .or_else(|| stack.iter().rev().find_map(|(_, kind)| *kind));
            stack.push((heading.level, kind));
            kind
        })
        .collect()
}

/// The index of the last heading that starts before `offset`.
fn heading_before(headings: &[Heading], offset: u32) -> Option<usize> {
    headings
        .partition_point(|heading| heading.span.start < offset)
        .checked_sub(1)
}

/// The observations of one interview note.
pub(crate) fn observations(
    interview: usize,
    note: &Note,
    resolutions: &[Resolution],
    config: &Config,
    model: &ResearchModel,
) -> Vec<Observation> {
    let keys = SectionKeys::new(config);
    let kinds = heading_kinds(&note.headings, &keys);
    let mut found: Vec<(u32, Observation)> = Vec::new();
    for item in note
        .list_items
        .iter()
        .filter(|item| item.depth == 1 && !item.in_quote)
    {
        let Some(heading) = heading_before(&note.headings, item.span.start) else {
            continue;
        };
        let Some(kind) = kinds[heading] else {
            continue;
        };
        let block = block_id(note, &item.span, BlockKind::ListItem);
        let text = item_text(note, item, block.as_deref());
        let anchor = anchor(note, block, Some(heading));
        found.push((
            item.span.start,
            observation(
                kind,
                interview,
                text,
                item.span,
                anchor,
                note,
                resolutions,
                model,
                config,
            ),
        ));
    }
    let callouts = &config.callout_kinds;
    for callout in &note.callouts {
        let is = |kinds: &[String]| kinds.contains(&callout.header.kind);
        let kind = if is(&callouts.quote) {
            ObservationKind::Quote
        } else if is(&callouts.surprise) {
            ObservationKind::Surprise
        } else if is(&callouts.insight) {
            ObservationKind::Learned
        } else {
            continue;
        };
        let block = block_id(note, &callout.span, BlockKind::Quote);
        let text = callout_text(note, &callout.span, block.as_deref());
        let anchor = anchor(
            note,
            block,
            heading_before(&note.headings, callout.span.start),
        );
        found.push((
            callout.span.start,
            observation(
                kind,
                interview,
                text,
                callout.span,
                anchor,
                note,
                resolutions,
                model,
                config,
            ),
        ));
    }
    found.sort_by_key(|(start, _)| *start);
    found
        .into_iter()
        .map(|(_, observation)| observation)
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn observation(
    kind: ObservationKind,
    interview: usize,
    text: String,
    span: Span,
    anchor: Anchor,
    note: &Note,
    resolutions: &[Resolution],
    model: &ResearchModel,
    config: &Config,
) -> Observation {
    let range = span.range();
    let mut insights = Vec::new();
    let mut jobs = Vec::new();
    for (link, resolution) in note.links.iter().zip(resolutions) {
        if link.kind == LinkKind::Frontmatter || !range.contains(&(link.span.start as usize)) {
            continue;
        }
        let Some(target) = resolution.target else {
            continue;
        };
        let list = match model.type_of(target) {
            Some(NoteType::Insight) => &mut insights,
            Some(NoteType::Job) => &mut jobs,
            _ => continue,
        };
        if !list.contains(&target) {
            list.push(target);
        }
    }
    let mut signals = Signals::default();
    let mut steps = Vec::new();
    for tag in &note.tags {
        let Some(tag_span) = tag.span else {
            continue;
        };
        if !range.contains(&(tag_span.start as usize)) {
            continue;
        }
        let name = note.tag_name(tag).to_lowercase();
        let is = |tags: &[String]| tags.contains(&name);
        let tags = &config.signal_tags;
        let mut signal = false;
        for (tags, flag) in [
            (&tags.pain, &mut signals.pain),
            (&tags.gain, &mut signals.gain),
            (&tags.workaround, &mut signals.workaround),
            (&tags.request, &mut signals.request),
            (&tags.contradicts, &mut signals.contradicts),
        ] {
            if is(tags) {
                *flag = true;
                signal = true;
            }
        }
        if !signal
            && let Some(step) = JobStep::from_tag(&name)
            && !steps.contains(&step)
        {
            steps.push(step);
        }
    }
    steps.sort();
    Observation {
        kind,
        interview,
        text,
        line: span.position.line,
        anchor,
        insights,
        jobs,
        signals,
        steps,
    }
}

/// The `^id` of the block starting at `span`, of the given kind.
fn block_id(note: &Note, span: &Span, kind: BlockKind) -> Option<String> {
    note.blocks
        .iter()
        .find(|block| block.kind == kind && block.span.start == span.start)
        .map(|block| block.id.clone())
}

fn anchor(note: &Note, block: Option<String>, heading: Option<usize>) -> Anchor {
    match (block, heading) {
        (Some(id), _) => Anchor::Block(id),
        (None, Some(index)) => Anchor::Heading(strip_heading(&note.headings[index].text)),
        (None, None) => Anchor::Note,
    }
}

/// A list item's text: the marker (`- `, `1. `, `- [ ] `) removed from its first
/// line, its block id removed from its own text, nested lines kept.
fn item_text(note: &Note, item: &ListItem, block: Option<&str>) -> String {
    let range = item.span.range();
    let own_end = (item.own_end as usize).clamp(range.start, range.end);
    let own = note.text[range.start..own_end].trim_end();
    let children = note.text[own_end..range.end].trim_end();
    let mut lines = own.lines();
    let first = lines.next().unwrap_or("");
    let content = strip_list_marker(first);
    let indent = first.len() - content.len();
    let mut text = content.to_owned();
    let dedent = |line: &str| {
        let spaces = line.len() - line.trim_start_matches(' ').len();
        line[spaces.min(indent)..].to_owned()
    };
    for line in lines {
        text.push('\n');
        text.push_str(&dedent(line));
    }
    let mut text = strip_block_id(text, block);
    for line in children.lines().filter(|line| !line.trim().is_empty()) {
        text.push('\n');
        text.push_str(&dedent(line));
    }
    text
}

fn strip_list_marker(line: &str) -> &str {
    let trimmed = line.trim_start();
    let rest = if let Some(rest) = trimmed.strip_prefix(['-', '*', '+']) {
        rest
    } else {
        let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
        match trimmed[digits..].strip_prefix(['.', ')']) {
            Some(rest) if digits > 0 => rest,
            _ => trimmed,
        }
    };
    let rest = rest.strip_prefix(' ').unwrap_or(rest).trim_start();
    // A task marker `[ ]`, `[x]`, `[?]`…
    match rest.as_bytes() {
        [b'[', _, b']', b' ', ..] => &rest[4..],
        _ => rest,
    }
}

/// A callout's body: `>` markers removed, the `[!type]` line dropped unless it is
/// the only text (its title then).
fn callout_text(note: &Note, span: &Span, block: Option<&str>) -> String {
    let source = note.text[span.range()].trim_end();
    let mut lines = source.lines().map(|line| {
        let line = line.trim_start();
        let line = line.strip_prefix('>').unwrap_or(line);
        line.strip_prefix(' ').unwrap_or(line)
    });
    let header = lines.next().unwrap_or("");
    let title = header
        .find(']')
        .map(|close| header[close + 1..].trim_start_matches(['+', '-']).trim())
        .unwrap_or("");
    let body: Vec<&str> = lines.collect();
    let text = body.join("\n").trim().to_owned();
    let text = if text.is_empty() {
        title.to_owned()
    } else {
        text
    };
    strip_block_id(text, block)
}

fn strip_block_id(text: String, block: Option<&str>) -> String {
    let Some(id) = block else {
        return text;
    };
    let trimmed = text.trim_end();
    match trimmed
        .strip_suffix(id)
        .and_then(|rest| rest.strip_suffix('^'))
    {
        Some(rest) => rest.trim_end().to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interviews_links_list_each_link_in_order_and_each_job_once() {
        let observation =
            |insights: Vec<FileId>, jobs: Vec<FileId>, contradicts: bool| Observation {
                insights,
                jobs,
                signals: Signals {
                    contradicts,
                    ..Signals::default()
                },
                ..Observation::learned(0, "")
            };
        let links = ObservationLinks::of(&[
            observation(vec![7, 3], vec![20], false),
            observation(vec![], vec![21, 20], false),
            observation(vec![3], vec![20], true),
        ]);
        assert_eq!(links.insights, [(0, 7, false), (0, 3, false), (2, 3, true)]);
        assert_eq!(links.jobs, [(0, 20), (1, 21), (1, 20), (2, 20)]);
        assert_eq!(links.job_notes, [20, 21]);
        assert_eq!((links.learned, links.surprised), (3, 0));
    }

    #[test]
    fn list_markers() {
        assert_eq!(strip_list_marker("- text"), "text");
        assert_eq!(strip_list_marker("  * text"), "text");
        assert_eq!(strip_list_marker("12. text"), "text");
        assert_eq!(strip_list_marker("- [ ] task"), "task");
        assert_eq!(strip_list_marker("- [x] done"), "done");
    }

    #[test]
    fn block_ids_are_removed() {
        assert_eq!(
            strip_block_id("said it twice ^dw-1".into(), Some("dw-1")),
            "said it twice"
        );
        assert_eq!(strip_block_id("no id".into(), None), "no id");
    }

    #[test]
    fn steps_from_tags() {
        assert_eq!(JobStep::from_tag("step/Execute"), Some(JobStep::Execute));
        assert_eq!(JobStep::from_tag("step/fly"), None);
        assert_eq!(JobStep::from_tag("execute"), None);
    }
}
