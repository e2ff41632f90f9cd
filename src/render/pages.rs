//! Which pages are generated and what they are called.
//!
//! Fixed pages at the top of the output folder (`Insights.md`, `Digest.md`,
//! `Vault health.md`), one page per insight, job and plan in subfolders
//! (`<Insight> (evidence).md`, `<Job> (job).md`, `<Plan> (coverage).md`). A
//! generated name never equals the name of a note outside the output folder —
//! Obsidian resolves `[[Name]]` by file name across the vault, so a clash would
//! make the user's own links ambiguous — nor another generated page's name.

use foldhash::HashSet;
use rayon::prelude::*;

use crate::scan::VaultPath;

/// What a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PageKind {
    /// The overview of every insight.
    Insights,
    /// The digest of the latest period.
    Digest,
    /// Vault health.
    Health,
    /// One insight's evidence.
    Insight(usize),
    /// One job.
    Job(usize),
    /// One plan's coverage.
    Plan(usize),
}

impl PageKind {
    /// The template that renders it.
    pub fn template(self) -> &'static str {
        match self {
            PageKind::Insights => "insights.md.j2",
            PageKind::Digest => "digest.md.j2",
            PageKind::Health => "health.md.j2",
            PageKind::Insight(_) => "insight.md.j2",
            PageKind::Job(_) => "job.md.j2",
            PageKind::Plan(_) => "plan.md.j2",
        }
    }
}

/// Hands out page paths that clash with nothing.
pub struct PageNamer<'a> {
    output: String,
    /// Whether a user's file (any outside the output folder) has this
    /// lower-cased file name.
    is_user_name: Box<dyn Fn(&str) -> bool + Sync + 'a>,
    /// The lower-cased file names handed out so far.
    handed_out: HashSet<String>,
}

impl<'a> PageNamer<'a> {
    /// A namer for `output`, avoiding the file names `is_user_name` says a
    /// user's file has (asked lower-cased): the vault's name index answers
    /// that without a set of every name being built again.
    pub fn new(output: &str, is_user_name: impl Fn(&str) -> bool + Sync + 'a) -> PageNamer<'a> {
        PageNamer {
            output: output.trim_matches('/').to_owned(),
            is_user_name: Box::new(is_user_name),
            handed_out: HashSet::default(),
        }
    }

    /// A free path for a page called `stem` (before `.md`) in `folder` (inside the
    /// output folder, may be empty). Characters that cannot be in a link target
    /// (`# | ^ [ ] : \ /`) are replaced.
    pub fn name(&mut self, folder: &str, stem: &str) -> VaultPath {
        let stem = safe_stem(stem);
        let mut attempt = 1;
        loop {
            let candidate = match attempt {
                1 => stem.clone(),
                n => match stem.strip_suffix(')') {
                    Some(open) => format!("{open} {n})"),
                    None => format!("{stem} ({n})"),
                },
            };
            let file_name = format!("{candidate}.md");
            let lower = file_name.to_lowercase();
            if !(self.is_user_name)(&lower) && self.handed_out.insert(lower) {
                return self.path_of(folder, &file_name);
            }
            attempt += 1;
        }
    }

    /// [`PageNamer::name`] for pages called `stems`, in order, in `folder`.
    /// Each page's first choice (its stem as it is) is worked out for all of
    /// them at once, in parallel; the names are then handed out in order, and
    /// a page whose first choice is taken is named as [`PageNamer::name`]
    /// names it. The names are those `name` gives one page after another.
    pub fn name_all(&mut self, folder: &str, stems: &[String]) -> Vec<VaultPath> {
        let first_choices: Vec<Option<(String, VaultPath)>> = stems
            .par_iter()
            .map(|stem| {
                let file_name = format!("{}.md", safe_stem(stem));
                let lower = file_name.to_lowercase();
                (!(self.is_user_name)(&lower)).then(|| (lower, self.path_of(folder, &file_name)))
            })
            .collect();
        stems
            .iter()
            .zip(first_choices)
            .map(|(stem, first_choice)| match first_choice {
                Some((lower, path)) if !self.handed_out.contains(&lower) => {
                    self.handed_out.insert(lower);
                    path
                }
                _ => self.name(folder, stem),
            })
            .collect()
    }

    /// The path of the page `file_name` in `folder` of the output folder.
    fn path_of(&self, folder: &str, file_name: &str) -> VaultPath {
        let mut path = self.output.clone();
        for part in [folder, file_name] {
            if !part.is_empty() {
                if !path.is_empty() {
                    path.push('/');
                }
                path.push_str(part);
            }
        }
        VaultPath::new(&path).expect("page paths are built from safe parts")
    }
}

/// A title made safe as a file name and link target (rule B8).
fn safe_stem(stem: &str) -> String {
    let cleaned: String = stem
        .chars()
        .map(|c| match c {
            '#' | '|' | '^' | '[' | ']' | ':' | '\\' | '/' | '%' => ' ',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let collapsed = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    let trimmed = collapsed.trim_start_matches('.').trim();
    if trimmed.is_empty() {
        "Untitled".to_owned()
    } else {
        trimmed.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_handed_out_together_are_those_handed_out_one_by_one() {
        let user = ["a.md", "b (2).md"];
        let stems: Vec<String> = ["A", "b", "B", "b", "C:", "c", "a", "B (2)", "..."]
            .iter()
            .map(|stem| stem.to_string())
            .collect();
        let mut together = PageNamer::new("Out", |name: &str| user.contains(&name));
        let mut one_by_one = PageNamer::new("Out", |name: &str| user.contains(&name));
        // Something handed out before, as the top pages are.
        assert_eq!(together.name("F", "c"), one_by_one.name("F", "c"));
        let all = together.name_all("F", &stems);
        let each: Vec<VaultPath> = stems
            .iter()
            .map(|stem| one_by_one.name("F", stem))
            .collect();
        assert_eq!(all, each);
        let names: Vec<&str> = all.iter().map(|path| path.as_str()).collect();
        assert_eq!(
            names,
            [
                "Out/F/A (2).md",
                "Out/F/b.md",
                "Out/F/B (3).md",
                "Out/F/b (4).md",
                "Out/F/C (2).md",
                "Out/F/c (3).md",
                "Out/F/a (3).md",
                "Out/F/B (2 2).md",
                "Out/F/Untitled.md",
            ]
        );
    }

    #[test]
    fn names_never_clash() {
        let user = ["insights.md", "a (evidence).md"];
        let mut namer = PageNamer::new("Throughline", |name: &str| user.contains(&name));
        assert_eq!(
            namer.name("", "Insights").as_str(),
            "Throughline/Insights (2).md"
        );
        assert_eq!(
            namer.name("Insights", "A (evidence)").as_str(),
            "Throughline/Insights/A (evidence 2).md"
        );
        assert_eq!(
            namer.name("Insights", "A (evidence)").as_str(),
            "Throughline/Insights/A (evidence 3).md"
        );
        assert_eq!(
            namer.name("", "C# tips | x").as_str(),
            "Throughline/C tips x.md"
        );
        assert_eq!(
            namer.name("", "..."),
            VaultPath::new("Throughline/Untitled.md").unwrap()
        );
    }
}
