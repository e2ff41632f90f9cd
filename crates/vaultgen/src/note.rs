//! Rendering one planned note to Markdown: frontmatter, sections, prose and links.
//!
//! A note is rendered from the [`VaultPlan`] and its own random stream only, so notes can
//! be rendered in any order. The body is built section by section: first a skeleton every
//! note of the kind has (the headings and block ids other notes link to), then filler
//! blocks added to random sections until the body reaches a size drawn uniformly from
//! [`MIN_BODY`]..[`TARGET_MAX`]; a block that would push the body past [`BODY_LIMIT`] is
//! dropped, so every body stays within 1–8 KB.
//!
//! Link forms (spec B–I) appear in the proportions of a hand-written vault: mostly bare
//! `[[Note]]`, then aliases, headings, block references, path links for names shared by
//! two notes, Markdown links (`%20`-encoded and `<…>`), embeds of images and sections,
//! links in frontmatter, tables (`[[Note\|alias]]`) and comments (`%% … %%`). About 1.5%
//! of links point at notes or images that do not exist, and code spans and fenced code
//! blocks hold fake `[[links]]` and `#tags` that must not count.

use std::fmt::Write as _;

use crate::plan::{Detail, Kind, VaultPlan};
use crate::rng::{Rng, mix};
use crate::words;

/// Smallest body (after the frontmatter), in bytes.
pub(crate) const MIN_BODY: usize = 1100;
/// Largest body size drawn as a target; filler stops once the target is reached.
pub(crate) const TARGET_MAX: usize = 7168;
/// Hard ceiling for the body before footnote definitions are appended.
const BODY_LIMIT: usize = 7700;
/// Share of links that point at a note or image that does not exist.
const BROKEN_LINK_RATE: f64 = 0.015;
/// Share of heading links whose heading does not exist.
const BROKEN_HEADING_RATE: f64 = 0.005;
/// At most this many footnotes per note, so their definitions stay small.
const MAX_FOOTNOTES: usize = 3;

/// The `##` headings every note of a kind has; other notes link to them.
pub(crate) fn headings(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Interview => &[
            "Context",
            "Learned",
            "Surprises",
            "Quotes",
            "Open questions",
        ],
        Kind::Insight => &["Context", "Evidence", "Related"],
        Kind::Job => &["Job statement", "Steps", "Related insights"],
        Kind::Person => &["Background", "Interviews", "Notes"],
        Kind::Company => &["Overview", "People", "Notes"],
        Kind::Plan => &["Goal", "Questions", "Roles", "Notes"],
        Kind::Ordinary => &["Summary", "Details", "Links"],
    }
}

/// Block id number `k` (1..=3 always exist) of the interview at `index`: `abc-k`.
pub(crate) fn block_id(index: usize, k: usize) -> String {
    let mut hash = mix(index as u64 ^ 0x0B10_C1D5);
    let mut id = String::with_capacity(8);
    for _ in 0..3 {
        id.push(char::from(
            b"abcdefghijklmnopqrstuvwxyz0123456789"[(hash % 36) as usize],
        ));
        hash /= 36;
    }
    let _ = write!(id, "-{k}");
    id
}

/// Percent-encodes a vault path for a Markdown link destination, as Obsidian writes it:
/// only characters Markdown cannot carry are encoded (spaces become `%20`).
pub(crate) fn encode_destination(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 16);
    for c in path.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '%' => out.push_str("%25"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '#' => out.push_str("%23"),
            '^' => out.push_str("%5E"),
            '[' => out.push_str("%5B"),
            ']' => out.push_str("%5D"),
            '|' => out.push_str("%7C"),
            _ => out.push(c),
        }
    }
    out
}

/// Appends `word` with its first letter lower-cased (all word lists are ASCII-initial).
fn push_lowercase_first(out: &mut String, word: &str) {
    let mut chars = word.chars();
    if let Some(first) = chars.next() {
        out.push(first.to_ascii_lowercase());
        out.push_str(chars.as_str());
    }
}

/// One `##` section under construction.
struct Section {
    /// The heading text (without `## `).
    heading: String,
    /// Markdown of the section's content, each block ending in `\n`.
    body: String,
    /// Whether the last block was a list item (so the next item continues the list).
    last_was_item: bool,
    /// Whether filler goes in as list items rather than paragraphs.
    is_list: bool,
    /// Whether filler may be added at all (a plan's questions are fixed).
    is_fillable: bool,
}

impl Section {
    fn new(heading: &str, is_list: bool) -> Self {
        Self {
            heading: heading.to_owned(),
            body: String::new(),
            last_was_item: false,
            is_list,
            is_fillable: true,
        }
    }

    /// Appends a list item (text ending in `\n`), continuing the current list.
    fn item(&mut self, text: &str) {
        if !self.body.is_empty() && !self.last_was_item {
            self.body.push('\n');
        }
        self.body.push_str(text);
        self.last_was_item = true;
    }

    /// Appends a block (text ending in `\n`) after a blank line.
    fn block(&mut self, text: &str) {
        if !self.body.is_empty() {
            self.body.push('\n');
        }
        self.body.push_str(text);
        self.last_was_item = false;
    }

    /// Bytes this section adds to the note.
    fn len(&self) -> usize {
        self.heading.len() + self.body.len() + 5
    }
}

/// Renders notes of one plan; owns the random stream of the note being rendered.
pub(crate) struct Writer<'a> {
    plan: &'a VaultPlan,
    rng: Rng,
    me: usize,
    footnotes: Vec<String>,
    item_ids: usize,
}

impl<'a> Writer<'a> {
    /// A writer for `plan`; call [`Writer::render`] for each note.
    pub(crate) fn new(plan: &'a VaultPlan) -> Self {
        Self {
            plan,
            rng: Rng::new(0),
            me: 0,
            footnotes: Vec::new(),
            item_ids: 0,
        }
    }

    /// Renders note `index` into `out` (cleared first). Returns the frontmatter length,
    /// so callers can measure the body.
    pub(crate) fn render(&mut self, index: usize, out: &mut String) -> usize {
        out.clear();
        self.rng = Rng::for_stream(self.plan.seed, index as u64);
        self.me = index;
        self.footnotes.clear();
        self.item_ids = 10;
        let kind = self.plan.note(index).kind;
        self.frontmatter(kind, out);
        let frontmatter_len = out.len();
        let mut sections = self.skeleton(kind);
        self.fill(kind, &mut sections);
        let heading_title = self.rng.chance(0.3);
        if heading_title {
            let _ = writeln!(out, "# {}\n", self.plan.note(index).name);
        }
        for (position, section) in sections.iter().enumerate() {
            if position > 0 {
                out.push('\n');
            }
            let _ = writeln!(out, "## {}\n", section.heading);
            out.push_str(&section.body);
        }
        if !self.footnotes.is_empty() {
            out.push('\n');
            for (number, text) in self.footnotes.iter().enumerate() {
                let _ = writeln!(out, "[^{}]: {text}", number + 1);
            }
        }
        frontmatter_len
    }

    // ----- targets -------------------------------------------------------------------

    /// The note a link from the current note points at, by the current note's habits.
    fn target(&mut self) -> usize {
        let kind = self.plan.note(self.me).kind;
        let weights: &[(Kind, u32)] = match kind {
            Kind::Interview => &[
                (Kind::Insight, 40),
                (Kind::Job, 25),
                (Kind::Person, 10),
                (Kind::Company, 5),
                (Kind::Interview, 10),
                (Kind::Ordinary, 5),
                (Kind::Plan, 5),
            ],
            Kind::Insight => &[
                (Kind::Interview, 45),
                (Kind::Insight, 20),
                (Kind::Job, 20),
                (Kind::Person, 10),
                (Kind::Ordinary, 5),
            ],
            Kind::Job => &[
                (Kind::Insight, 35),
                (Kind::Job, 20),
                (Kind::Interview, 30),
                (Kind::Ordinary, 15),
            ],
            Kind::Person | Kind::Company => &[
                (Kind::Interview, 40),
                (Kind::Person, 20),
                (Kind::Company, 20),
                (Kind::Insight, 20),
            ],
            Kind::Plan => &[
                (Kind::Job, 40),
                (Kind::Insight, 30),
                (Kind::Interview, 20),
                (Kind::Plan, 10),
            ],
            Kind::Ordinary => &[
                (Kind::Ordinary, 25),
                (Kind::Insight, 25),
                (Kind::Interview, 20),
                (Kind::Job, 10),
                (Kind::Person, 10),
                (Kind::Company, 5),
                (Kind::Plan, 5),
            ],
        };
        let total: u32 = weights.iter().map(|(_, w)| w).sum();
        let mut roll = self.rng.below(total as usize) as u32;
        for &(kind, weight) in weights {
            if roll < weight {
                if let Some(index) = self.of_kind(kind) {
                    return index;
                }
                break;
            }
            roll -= weight;
        }
        self.rng.below(self.plan.notes.len())
    }

    /// A note of `kind`, popular ones more often; `None` when the vault has none.
    fn of_kind(&mut self, kind: Kind) -> Option<usize> {
        let count = self.plan.count(kind);
        (count > 0).then(|| {
            let ordinal = self.rng.skewed(count);
            self.plan.of_kind(kind, ordinal)
        })
    }

    /// What a link to `target` says: its name, or its path when the name is shared
    /// (Obsidian's "shortest path when possible"), and now and then a path anyway.
    fn link_text(&mut self, target: usize) -> String {
        let note = self.plan.note(target);
        if (note.is_duplicate && self.rng.chance(0.7)) || self.rng.chance(0.03) {
            note.path_stem()
        } else {
            note.name.clone()
        }
    }

    /// The link text Obsidian would write for `target` in frontmatter.
    fn frontmatter_link(&self, target: usize) -> String {
        let note = self.plan.note(target);
        if note.is_duplicate {
            format!("\"[[{}]]\"", note.path_stem())
        } else {
            format!("\"[[{}]]\"", note.name)
        }
    }

    /// A name that no file in the vault has: a typo of a real name, or a plausible
    /// insight that was never written.
    fn broken_name(&mut self) -> String {
        loop {
            let candidate = if self.rng.chance(0.5) {
                let source = &self.plan.note(self.rng.below(self.plan.notes.len())).name;
                let chars: Vec<char> = source.chars().collect();
                let drop = self.rng.below(chars.len());
                chars
                    .iter()
                    .enumerate()
                    .filter(|&(i, _)| i != drop)
                    .map(|(_, c)| *c)
                    .collect::<String>()
                    .trim()
                    .to_owned()
            } else {
                let subject = self.rng.pick(words::INSIGHT_SUBJECTS);
                let predicate = self.rng.pick(words::INSIGHT_PREDICATES);
                let object = self.rng.pick(words::OBJECTS);
                format!("{subject} {predicate} {object}")
            };
            if !candidate.is_empty() && !self.plan.names.contains(&candidate.to_lowercase()) {
                return candidate;
            }
        }
    }

    /// A short alias for a link to `target`.
    fn alias(&mut self, target: usize) -> String {
        let note = self.plan.note(target);
        match note.kind {
            Kind::Interview => {
                let words: Vec<&str> = note.name.split(' ').collect();
                match self.rng.below(3) {
                    0 => format!("interview with {}", words.get(1).unwrap_or(&"them")),
                    1 => format!("the {} call", words[0]),
                    _ => "this interview".to_owned(),
                }
            }
            Kind::Person => note.name.split(' ').next().unwrap_or("them").to_owned(),
            _ => {
                let words: Vec<&str> = note.name.split(' ').take(self.rng.range(2, 4)).collect();
                words.join(" ").to_lowercase()
            }
        }
    }

    // ----- inline pieces ------------------------------------------------------------

    /// A link to a random note in a random form, or now and then a broken one.
    fn link(&mut self, out: &mut String) {
        if self.rng.chance(BROKEN_LINK_RATE) {
            self.broken_link(out);
        } else {
            let target = self.target();
            self.link_to(target, out);
        }
    }

    /// A link that resolves to nothing.
    fn broken_link(&mut self, out: &mut String) {
        let roll = self.rng.below(10);
        if roll < 7 {
            let name = self.broken_name();
            let _ = write!(out, "[[{name}]]");
        } else if roll < 9 {
            let name = self.broken_name();
            let _ = write!(out, "[{}](<{name}.md>)", name.to_lowercase());
        } else {
            let _ = write!(out, "![[Screenshot {}.png]]", 9000 + self.rng.below(999));
        }
    }

    /// A link to `target` in one of the forms of spec B–E.
    fn link_to(&mut self, target: usize, out: &mut String) {
        let text = self.link_text(target);
        let note = self.plan.note(target);
        let kind = note.kind;
        // A subpath only makes sense on the note meant: a bare name shared by two notes
        // may resolve to the other one, which lacks the heading.
        let exact = if note.is_duplicate {
            note.path_stem()
        } else {
            text.clone()
        };
        let roll = self.rng.below(100);
        match roll {
            0..45 => {
                let _ = write!(out, "[[{text}]]");
            }
            45..60 => {
                let alias = self.alias(target);
                let _ = write!(out, "[[{text}|{alias}]]");
            }
            60..70 => {
                let heading = self.heading_of(kind);
                let _ = write!(out, "[[{exact}#{heading}]]");
            }
            70..75 if kind == Kind::Interview => {
                let id = block_id(target, self.rng.range(1, 3));
                let _ = write!(out, "[[{exact}#^{id}]]");
            }
            75..77 => {
                let heading = self.heading_of(kind);
                let _ = write!(out, "![[{exact}#{heading}]]");
            }
            77..86 => {
                let alias = self.alias(target);
                let _ = write!(out, "[{alias}]({}.md)", encode_destination(&text));
            }
            86..90 => {
                let alias = self.alias(target);
                let _ = write!(out, "[{alias}](<{text}.md>)");
            }
            90..93 => {
                let alias = self.alias(target);
                let heading = self.heading_of(kind);
                let _ = write!(
                    out,
                    "[{alias}]({}.md#{})",
                    encode_destination(&exact),
                    encode_destination(&heading)
                );
            }
            93..95 => {
                let _ = write!(out, "[[{text}.md]]");
            }
            _ => {
                let _ = write!(out, "[[{text}]]");
            }
        }
    }

    /// A heading of a note of `kind`; rarely one that does not exist.
    fn heading_of(&mut self, kind: Kind) -> String {
        if self.rng.chance(BROKEN_HEADING_RATE) {
            "Missing section".to_owned()
        } else {
            (*self.rng.pick(headings(kind))).to_owned()
        }
    }

    /// An image embed or Markdown image.
    fn image(&mut self, out: &mut String) {
        if self.rng.chance(BROKEN_LINK_RATE) {
            let _ = write!(
                out,
                "![[Pasted image 2025{:08}.png]]",
                self.rng.below(99_999_999)
            );
            return;
        }
        let path = self.rng.pick(&self.plan.attachments).clone();
        let file = path.rsplit_once('/').map_or(path.as_str(), |(_, f)| f);
        match self.rng.below(4) {
            0 | 1 => {
                let _ = write!(out, "![[{file}]]");
            }
            2 => {
                let _ = write!(out, "![[{file}|{}]]", 100 * self.rng.range(2, 6));
            }
            _ => {
                let _ = write!(
                    out,
                    "![{}]({})",
                    file.trim_end_matches(".png"),
                    encode_destination(&path)
                );
            }
        }
    }

    /// Something a `{L}` slot can hold: mostly a note link, sometimes an external link,
    /// a link to a heading of this note, an image, or a footnote reference.
    fn link_slot(&mut self, out: &mut String) {
        match self.rng.below(100) {
            0..88 => self.link(out),
            88..92 => match self.rng.below(3) {
                0 => {
                    let _ = write!(
                        out,
                        "[the vendor docs](https://example.com/docs/{})",
                        self.rng.pick(words::NOUNS)
                    );
                }
                1 => {
                    let _ = write!(
                        out,
                        "<https://example.org/research/{}>",
                        self.rng.below(1000)
                    );
                }
                _ => {
                    let _ = write!(
                        out,
                        "[a thread](https://example.com/t/{}#reply-{})",
                        self.rng.below(100_000),
                        self.rng.below(20)
                    );
                }
            },
            92..95 => {
                let kind = self.plan.note(self.me).kind;
                if kind == Kind::Interview && self.rng.chance(0.3) {
                    let _ = write!(out, "[[#^{}]]", block_id(self.me, self.rng.range(1, 3)));
                } else {
                    let _ = write!(out, "[[#{}]]", self.rng.pick(headings(kind)));
                }
            }
            95..98 => self.image(out),
            _ => {
                if self.footnotes.len() < MAX_FOOTNOTES {
                    let mut text = String::from("Source: ");
                    self.link(&mut text);
                    text.push('.');
                    self.footnotes.push(text);
                    let _ = write!(out, "the notes[^{}]", self.footnotes.len());
                } else {
                    self.link(out);
                }
            }
        }
    }

    /// An inline tag, or now and then a `#123` that is not one.
    fn tag(&mut self, out: &mut String) {
        match self.rng.below(10) {
            0..4 => out.push_str(self.rng.word(words::SIGNAL_TAGS)),
            4..6 => out.push_str(self.rng.word(words::STEP_TAGS)),
            6..9 => out.push_str(self.rng.word(words::TOPIC_TAGS)),
            _ => {
                let _ = write!(out, "(ticket #{})", 1000 + self.rng.below(9000));
            }
        }
    }

    /// A code span, often holding text that would be a link or tag outside code.
    fn code_span(&mut self, out: &mut String) {
        match self.rng.below(5) {
            0 => out.push_str("`[[Not a real link]]`"),
            1 => out.push_str("`#not-a-tag`"),
            2 => out.push_str("`=SUM(B2:B40)`"),
            3 => out.push_str("`export --all --format csv`"),
            _ => out.push_str("`![[template.png]]`"),
        }
    }

    /// One sentence from [`words::SENTENCES`], filling its slots.
    fn sentence(&mut self, out: &mut String) {
        let template = *self.rng.pick(words::SENTENCES);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let slot = rest.as_bytes()[open + 1];
            rest = &rest[open + 3..];
            match slot {
                b'S' => out.push_str(self.rng.word(words::SUBJECTS)),
                b's' => push_lowercase_first(out, self.rng.word(words::SUBJECTS)),
                b'V' => out.push_str(self.rng.word(words::VERBS)),
                b'v' => push_lowercase_first(out, self.rng.word(words::BASE_VERBS)),
                b'O' => out.push_str(self.rng.word(words::OBJECTS)),
                b'M' => out.push_str(self.rng.word(words::MODIFIERS)),
                b'N' => out.push_str(self.rng.word(words::NOUNS)),
                b'A' => out.push_str(self.rng.word(words::ADJECTIVES)),
                b'L' => self.link_slot(out),
                b'T' => self.tag(out),
                b'C' => self.code_span(out),
                b'B' => out.push_str(if self.rng.chance(0.5) {
                    "**Key point:**"
                } else {
                    "==Important:=="
                }),
                _ => {}
            }
        }
        out.push_str(rest);
        if self.rng.chance(0.12) {
            out.push_str(" See ");
            self.link_slot(out);
            out.push('.');
        } else if self.rng.chance(0.05) {
            out.push(' ');
            self.tag(out);
        } else if self.rng.chance(0.02) {
            out.push_str(" %% check with ");
            self.link(out);
            out.push_str(" %%");
        }
    }

    /// A paragraph of 2–4 sentences ending in `\n`.
    fn paragraph(&mut self) -> String {
        let mut out = String::with_capacity(512);
        for n in 0..self.rng.range(2, 4) {
            if n > 0 {
                out.push(' ');
            }
            self.sentence(&mut out);
        }
        out.push('\n');
        out
    }

    /// A fresh block id for a filler list item.
    fn item_id(&mut self) -> String {
        self.item_ids += 1;
        format!("{}-{}", &block_id(self.me, 0)[..3], self.item_ids)
    }

    /// An observation-like list item: text, a link to an insight or job, signal tags,
    /// sometimes a block id and nested items.
    fn observation(&mut self, block: Option<String>) -> String {
        let mut out = String::with_capacity(300);
        out.push_str("- ");
        self.sentence(&mut out);
        out.push(' ');
        let target = if self.rng.chance(0.7) {
            self.of_kind(Kind::Insight)
        } else {
            self.of_kind(Kind::Job)
        };
        match target {
            Some(target) if !self.rng.chance(BROKEN_LINK_RATE) => self.link_to(target, &mut out),
            _ => self.broken_link(&mut out),
        }
        if self.rng.chance(0.6) {
            out.push(' ');
            out.push_str(self.rng.word(words::SIGNAL_TAGS));
        }
        if self.rng.chance(0.3) {
            out.push(' ');
            out.push_str(self.rng.word(words::STEP_TAGS));
        }
        let block = block.or_else(|| self.rng.chance(0.1).then(|| self.item_id()));
        if let Some(id) = block {
            let _ = write!(out, " ^{id}");
        }
        out.push('\n');
        if self.rng.chance(0.2) {
            for _ in 0..self.rng.range(1, 2) {
                out.push_str("    - ");
                self.sentence(&mut out);
                out.push('\n');
            }
        }
        out
    }

    /// A task item.
    fn task(&mut self) -> String {
        let mut out = String::from(if self.rng.chance(0.7) {
            "- [ ] "
        } else {
            "- [x] "
        });
        out.push_str("Follow up: ");
        self.sentence(&mut out);
        out.push(' ');
        self.link(&mut out);
        out.push('\n');
        out
    }

    /// A callout; inside an interview, mostly the observation kinds.
    fn callout(&mut self) -> String {
        let kind = *self.rng.pick(words::CALLOUTS);
        let fold = *self.rng.pick(&["", "", "-", "+"]);
        let mut out = format!("> [!{kind}]{fold} ");
        if kind == "quote" {
            let _ = writeln!(out, "{}", self.rng.pick(words::ADJECTIVES));
            let _ = write!(out, "> \"{}\" ", self.rng.pick(words::QUOTES));
        } else {
            out.push_str("Note\n> ");
            self.sentence(&mut out);
            out.push(' ');
        }
        self.link(&mut out);
        out.push('\n');
        if self.rng.chance(0.3) {
            out.push_str("> ");
            self.sentence(&mut out);
            out.push('\n');
        }
        out
    }

    /// A table whose rows link notes with the escaped pipe `[[Note\|alias]]`.
    fn table(&mut self) -> String {
        let mut out = String::from("| Note | Count | Comment |\n| --- | ---: | --- |\n");
        for _ in 0..self.rng.range(2, 5) {
            let target = self.target();
            let text = self.link_text(target);
            let alias = self.alias(target);
            let _ = writeln!(
                out,
                "| [[{text}\\|{alias}]] | {} | {} {} |",
                self.rng.below(40),
                self.rng.pick(words::ADJECTIVES),
                self.rng.pick(words::NOUNS)
            );
        }
        out
    }

    /// A fenced code block holding text that would be links and tags outside code.
    fn code_block(&mut self) -> String {
        let language = *self.rng.pick(words::CODE_LANGUAGES);
        let name = self
            .plan
            .note(self.rng.below(self.plan.notes.len()))
            .name
            .clone();
        match language {
            "dataview" => format!("```dataview\nTABLE status, date FROM \"Interviews\"\nWHERE contains(file.outlinks, [[{name}]])\nSORT date DESC\n```\n"),
            "query" => format!("```query\ntag:#pain path:Interviews \"{name}\"\n```\n"),
            "json" => format!("```json\n{{\"link\": \"[[{name}]]\", \"tag\": \"#request\"}}\n```\n"),
            "python" => "```python\n# count rows with [[links]] in them\nrows = [r for r in rows if \"[[\" in r]  # #not-a-tag\n```\n".to_owned(),
            _ => format!("```{language}\nCopied from Slack: see [[{name}]] and ![[diagram.png]] #todo\n```\n"),
        }
    }

    /// A comment block with a link inside (Obsidian still records it, spec I1).
    fn comment(&mut self) -> String {
        let mut out = String::from("%%\nDraft, not ready: ");
        self.link(&mut out);
        out.push_str(" needs a second source.\n%%\n");
        out
    }

    /// A paragraph-level block that is not plain prose.
    fn special_block(&mut self) -> String {
        match self.rng.below(12) {
            0..3 => self.callout(),
            3..5 => self.table(),
            5..7 => self.code_block(),
            7 => self.comment(),
            8..10 => {
                let mut out = String::new();
                self.image(&mut out);
                out.push('\n');
                out
            }
            _ => {
                let mut out = String::from("> ");
                self.sentence(&mut out);
                out.push('\n');
                out
            }
        }
    }

    // ----- frontmatter ---------------------------------------------------------------

    /// Writes the note's frontmatter (ordinary notes often have none).
    fn frontmatter(&mut self, kind: Kind, out: &mut String) {
        let plan = self.plan;
        let note = plan.note(self.me);
        if kind == Kind::Ordinary && self.rng.chance(0.5) {
            return;
        }
        out.push_str("---\n");
        let type_key = if self.rng.chance(0.03) {
            "Type"
        } else {
            "type"
        };
        match (&note.detail, kind) {
            (
                Detail::Interview {
                    date,
                    person,
                    others,
                    plan: plan_ordinal,
                    follow_up_of,
                },
                _,
            ) => {
                let value = if type_key == "Type" {
                    "Interview"
                } else {
                    "interview"
                };
                let _ = writeln!(out, "{type_key}: {value}");
                let (year, month, day) = *date;
                if !self.rng.chance(0.003) {
                    if self.rng.chance(0.05) {
                        let _ = writeln!(
                            out,
                            "date: {year}-{month:02}-{day:02}T{:02}:{:02}",
                            self.rng.range(8, 17),
                            15 * self.rng.below(4)
                        );
                    } else {
                        let _ = writeln!(out, "date: {year}-{month:02}-{day:02}");
                    }
                }
                let has_people = plan.count(Kind::Person) > 0;
                if has_people {
                    let person_index = plan.of_kind(Kind::Person, *person);
                    if !others.is_empty() {
                        out.push_str("participant:\n");
                        let _ = writeln!(out, "  - {}", self.frontmatter_link(person_index));
                        for other in others {
                            let _ = writeln!(
                                out,
                                "  - {}",
                                self.frontmatter_link(plan.of_kind(Kind::Person, *other))
                            );
                        }
                    } else if self.rng.chance(0.05) {
                        let _ = writeln!(out, "participant: {}", plan.note(person_index).name);
                    } else {
                        let _ =
                            writeln!(out, "participant: {}", self.frontmatter_link(person_index));
                    }
                    if let Detail::Person { role, company } = &plan.note(person_index).detail {
                        if self.rng.chance(0.8) {
                            let _ = writeln!(out, "role: {}", words::ROLES[*role]);
                        }
                        if let Some(company) = company
                            && self.rng.chance(0.7)
                        {
                            let _ = writeln!(
                                out,
                                "company: {}",
                                self.frontmatter_link(plan.of_kind(Kind::Company, *company))
                            );
                        }
                    }
                }
                let mut jobs = Vec::new();
                if let Some(plan_ordinal) = plan_ordinal {
                    let _ = writeln!(
                        out,
                        "plan: {}",
                        self.frontmatter_link(plan.of_kind(Kind::Plan, *plan_ordinal))
                    );
                    if let Detail::Plan {
                        jobs: plan_jobs, ..
                    } = &plan.note(plan.of_kind(Kind::Plan, *plan_ordinal)).detail
                    {
                        for job in plan_jobs {
                            if self.rng.chance(0.5) {
                                jobs.push(plan.of_kind(Kind::Job, *job));
                            }
                        }
                    }
                }
                if self.rng.chance(0.4)
                    && let Some(job) = self.of_kind(Kind::Job)
                    && !jobs.contains(&job)
                {
                    jobs.push(job);
                }
                if !jobs.is_empty() {
                    let links: Vec<String> =
                        jobs.iter().map(|&j| self.frontmatter_link(j)).collect();
                    if self.rng.chance(0.5) {
                        let _ = writeln!(out, "jobs: [{}]", links.join(", "));
                    } else {
                        out.push_str("jobs:\n");
                        for link in links {
                            let _ = writeln!(out, "  - {link}");
                        }
                    }
                }
                if let Some(earlier) = follow_up_of {
                    let key = if self.rng.chance(0.1) {
                        "follow_up_of"
                    } else {
                        "follow-up-of"
                    };
                    let _ = writeln!(out, "{key}: {}", self.frontmatter_link(*earlier));
                }
                out.push_str("tags: [research, interview]\n");
            }
            (Detail::Person { role, company }, _) => {
                let _ = writeln!(out, "{type_key}: person");
                let _ = writeln!(out, "role: {}", words::ROLES[*role]);
                if let Some(company) = company {
                    let _ = writeln!(
                        out,
                        "company: {}",
                        self.frontmatter_link(plan.of_kind(Kind::Company, *company))
                    );
                }
                if let Some(first) = note.name.split(' ').next() {
                    let _ = writeln!(out, "aliases: [{first}]");
                }
            }
            (Detail::Company { segment, size }, _) => {
                let _ = writeln!(out, "{type_key}: company");
                let _ = writeln!(out, "segment: {}", words::SEGMENTS[*segment]);
                let _ = writeln!(out, "size: {size}");
                let _ = writeln!(out, "website: https://example.com/{}", self.me);
            }
            (
                Detail::Plan {
                    roles,
                    jobs,
                    target,
                    ..
                },
                _,
            ) => {
                let _ = writeln!(out, "{type_key}: plan");
                out.push_str("roles:\n");
                for role in roles {
                    let _ = writeln!(out, "  - {}", words::ROLES[*role]);
                }
                let links: Vec<String> = jobs
                    .iter()
                    .map(|&j| self.frontmatter_link(plan.of_kind(Kind::Job, j)))
                    .collect();
                let _ = writeln!(out, "jobs: [{}]", links.join(", "));
                let _ = writeln!(out, "target: {target}");
            }
            (_, Kind::Insight) => {
                let _ = writeln!(out, "{type_key}: insight");
                if self.rng.chance(0.8) {
                    let status = *self
                        .rng
                        .pick(&["open", "open", "open", "validated", "rejected"]);
                    let _ = writeln!(out, "status: {status}");
                }
                if self.rng.chance(0.4)
                    && let Some(job) = self.of_kind(Kind::Job)
                {
                    let _ = writeln!(out, "jobs: [{}]", self.frontmatter_link(job));
                }
            }
            (_, Kind::Job) => {
                let _ = writeln!(out, "{type_key}: job");
                if self.rng.chance(0.6) {
                    let _ = writeln!(
                        out,
                        "statement: \"When {} pile up, I want to {} {}, so I can stop worrying about {}.\"",
                        self.rng.pick(words::OBJECTS),
                        self.rng.pick(words::BASE_VERBS).to_lowercase(),
                        self.rng.pick(words::OBJECTS),
                        self.rng.pick(words::OBJECTS),
                    );
                }
                if plan.names.contains("jobs to be done") && self.rng.chance(0.5) {
                    out.push_str("framework: \"[[Jobs to be done]]\"\n");
                }
            }
            _ => {
                if self.rng.chance(0.5) {
                    out.push_str("tags:\n  - meeting\n  - research\n");
                } else {
                    out.push_str("tags: [notes]\n");
                }
                if self.rng.chance(0.4) {
                    let target = self.target();
                    let _ = writeln!(out, "related: {}", self.frontmatter_link(target));
                }
                if self.rng.chance(0.2) {
                    out.push_str("source: \"[the brief](https://example.com/brief)\"\n");
                }
                let _ = writeln!(
                    out,
                    "created: 2025-{:02}-{:02}",
                    self.rng.range(1, 12),
                    self.rng.range(1, 28)
                );
            }
        }
        out.push_str("---\n");
    }

    // ----- sections ------------------------------------------------------------------

    /// The sections every note of `kind` has, with their first content.
    fn skeleton(&mut self, kind: Kind) -> Vec<Section> {
        let plan = self.plan;
        let note = plan.note(self.me);
        let mut sections = Vec::new();
        match (kind, &note.detail) {
            (
                Kind::Interview,
                Detail::Interview {
                    person,
                    plan: plan_ordinal,
                    follow_up_of,
                    ..
                },
            ) => {
                let mut context = Section::new("Context", false);
                let mut intro = String::from("Call with ");
                if plan.count(Kind::Person) > 0 {
                    let person = plan.of_kind(Kind::Person, *person);
                    let text = self.link_text(person);
                    let _ = write!(intro, "[[{text}]]");
                } else {
                    intro.push_str("a customer");
                }
                let _ = write!(
                    intro,
                    " about {}. ",
                    self.rng.pick(words::AREAS).to_lowercase()
                );
                if let Some(earlier) = follow_up_of {
                    let text = self.link_text(*earlier);
                    let _ = write!(intro, "Follow-up to [[{text}]]");
                    intro.push_str(". ");
                }
                self.sentence(&mut intro);
                intro.push('\n');
                context.block(&intro);

                let mut learned = Section::new("Learned", true);
                for k in 1..=2 {
                    let item = self.observation(Some(block_id(self.me, k)));
                    learned.item(&item);
                }
                let mut surprises = Section::new("Surprises", true);
                let item = self.observation(None);
                surprises.item(&item);
                let mut quotes = Section::new("Quotes", true);
                let mut quote = format!("- \"{}\" ", self.rng.pick(words::QUOTES));
                if let Some(insight) = self.of_kind(Kind::Insight) {
                    self.link_to(insight, &mut quote);
                }
                let _ = writeln!(quote, " #pain ^{}", block_id(self.me, 3));
                quotes.item(&quote);
                let callout = self.callout();
                quotes.block(&callout);
                let mut open = Section::new("Open questions", true);
                let task = self.task();
                open.item(&task);

                sections.extend([context, learned, surprises, quotes]);
                if let Some(plan_ordinal) = plan_ordinal
                    && let Detail::Plan { questions, .. } =
                        &plan.note(plan.of_kind(Kind::Plan, *plan_ordinal)).detail
                {
                    let first = self.rng.below(questions.len());
                    let count = self.rng.range(0, 2).min(questions.len());
                    for offset in 0..count {
                        let question = &questions[(first + offset) % questions.len()];
                        let mut section = Section::new(question, false);
                        let paragraph = self.paragraph();
                        section.block(&paragraph);
                        sections.push(section);
                    }
                }
                sections.push(open);
            }
            (
                Kind::Plan,
                Detail::Plan {
                    roles, questions, ..
                },
            ) => {
                let mut goal = Section::new("Goal", false);
                let paragraph = self.paragraph();
                goal.block(&paragraph);
                let mut list = Section::new("Questions", true);
                for question in questions {
                    list.item(&format!("- {question}\n"));
                }
                list.is_fillable = false;
                let mut role_list = Section::new("Roles", true);
                for role in roles {
                    role_list.item(&format!("- {}\n", words::ROLES[*role]));
                }
                let mut notes = Section::new("Notes", false);
                let paragraph = self.paragraph();
                notes.block(&paragraph);
                sections.extend([goal, list, role_list, notes]);
            }
            _ => {
                for (position, heading) in headings(kind).iter().enumerate() {
                    let is_list = position > 0;
                    let mut section = Section::new(heading, is_list);
                    if is_list {
                        let item = self.related_item(kind, position);
                        section.item(&item);
                    } else {
                        let paragraph = self.paragraph();
                        section.block(&paragraph);
                    }
                    sections.push(section);
                }
            }
        }
        sections
    }

    /// A list item for the list sections of insights, jobs, people, companies and
    /// ordinary notes, linking what such a section would list.
    fn related_item(&mut self, kind: Kind, position: usize) -> String {
        let plan = self.plan;
        let note = plan.note(self.me);
        let mut out = String::from("- ");
        let chosen = match (kind, position, &note.detail) {
            (Kind::Person, 1, _) => {
                let ordinal = plan.by_kind[Kind::Person.slot()]
                    .binary_search(&self.me)
                    .ok();
                ordinal
                    .and_then(|o| plan.interviews_of_person.get(o))
                    .filter(|list| !list.is_empty())
                    .map(|list| list[self.rng.below(list.len())])
            }
            (Kind::Company, 1, _) => {
                let ordinal = plan.by_kind[Kind::Company.slot()]
                    .binary_search(&self.me)
                    .ok();
                ordinal
                    .and_then(|o| plan.people_of_company.get(o))
                    .filter(|list| !list.is_empty())
                    .map(|list| list[self.rng.below(list.len())])
            }
            (Kind::Insight, 1, _) => self.of_kind(Kind::Interview),
            _ => None,
        };
        match chosen {
            Some(target) if kind == Kind::Insight && self.rng.chance(0.6) => {
                let text = if self.plan.note(target).is_duplicate {
                    self.plan.note(target).path_stem()
                } else {
                    self.link_text(target)
                };
                let _ = write!(
                    out,
                    "[[{text}#^{}]] ",
                    block_id(target, self.rng.range(1, 3))
                );
                self.sentence(&mut out);
            }
            Some(target) => {
                self.link_to(target, &mut out);
                out.push_str(": ");
                self.sentence(&mut out);
            }
            None => {
                self.sentence(&mut out);
                out.push(' ');
                self.link(&mut out);
            }
        }
        out.push('\n');
        out
    }

    /// Adds filler blocks to random sections until the body reaches its drawn size.
    fn fill(&mut self, kind: Kind, sections: &mut [Section]) {
        let target = self.rng.range(MIN_BODY, TARGET_MAX);
        let mut size: usize = sections.iter().map(Section::len).sum();
        let fillable: Vec<usize> = (0..sections.len())
            .filter(|&i| sections[i].is_fillable)
            .collect();
        while size < target {
            let section = fillable[self.rng.below(fillable.len())];
            let before = sections[section].len();
            let (text, is_item) = if sections[section].is_list && self.rng.chance(0.85) {
                let item = match kind {
                    Kind::Interview
                        if sections[section].heading == "Open questions"
                            && self.rng.chance(0.5) =>
                    {
                        self.task()
                    }
                    Kind::Interview => self.observation(None),
                    _ => {
                        let position = self.rng.below(headings(kind).len());
                        self.related_item(kind, position)
                    }
                };
                (item, true)
            } else if self.rng.chance(0.8) {
                (self.paragraph(), false)
            } else {
                (self.special_block(), false)
            };
            if size + text.len() + 1 > BODY_LIMIT {
                break;
            }
            if is_item {
                sections[section].item(&text);
            } else {
                sections[section].block(&text);
            }
            size += sections[section].len() - before;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::plan;

    #[test]
    fn encodes_spaces_only_where_needed() {
        assert_eq!(
            encode_destination("Interviews/2026/10/2026-10-14 Zoë Park"),
            "Interviews/2026/10/2026-10-14%20Zoë%20Park"
        );
    }

    #[test]
    fn block_ids_are_valid() {
        for index in 0..1000 {
            let id = block_id(index, 2);
            assert!(
                id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
                "{id}"
            );
        }
    }

    #[test]
    fn notes_do_not_depend_on_render_order() {
        let plan = plan(300, 11);
        let mut forward = Writer::new(&plan);
        let mut backward = Writer::new(&plan);
        let (mut a, mut b) = (String::new(), String::new());
        let expected: Vec<String> = (0..plan.notes.len())
            .map(|i| {
                forward.render(i, &mut a);
                a.clone()
            })
            .collect();
        for i in (0..plan.notes.len()).rev() {
            backward.render(i, &mut b);
            assert_eq!(b, expected[i], "note {i} changed with render order");
        }
    }

    #[test]
    fn interviews_have_their_block_ids_and_sections() {
        let plan = plan(200, 5);
        let mut writer = Writer::new(&plan);
        let mut out = String::new();
        for &index in &plan.by_kind[Kind::Interview.slot()] {
            writer.render(index, &mut out);
            for k in 1..=3 {
                assert!(out.contains(&format!(" ^{}", block_id(index, k))), "{out}");
            }
            for heading in headings(Kind::Interview) {
                assert!(
                    out.contains(&format!("\n## {heading}\n")),
                    "{heading} missing in\n{out}"
                );
            }
        }
    }
}
