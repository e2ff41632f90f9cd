//! Vault health: what keeps the pages from telling the whole truth.

use crate::config::Config;
use crate::diagnostics::{Code, Diagnostic};
use crate::model::ResearchModel;

use super::evidence::InsightSummary;
use super::strength::Strength;

/// The lists of `Vault health.md`.
#[derive(Debug, Clone, Default)]
pub struct Health {
    /// Broken links (indices into the vault's diagnostics).
    pub broken_links: Vec<usize>,
    /// Notes that take no part in the pages, or part only as untyped notes:
    /// their frontmatter or their file cannot be read (indices into the
    /// vault's diagnostics).
    pub left_out: Vec<usize>,
    /// Paths the walk could not read (a folder without permission, a link to
    /// nothing, two names alike once normalised): no note, and no link text
    /// resolves to them (indices into the vault's diagnostics).
    pub unreadable_paths: Vec<usize>,
    /// Notes that fail their type's schema (indices into the model's diagnostics).
    pub schema_problems: Vec<usize>,
    /// Insights that no observation supports (indices into insight summaries).
    pub insights_without_evidence: Vec<usize>,
    /// The first [`UNLINKED_LISTED`] observations that link no insight, in
    /// order (the page lists these; the count is of all).
    pub unlinked_listed: Vec<usize>,
    /// How many observations link no insight.
    pub unlinked_count: usize,
}

/// Observations without an insight listed on the health page (a large vault has
/// thousands; the count is always given).
pub const UNLINKED_LISTED: usize = 300;

/// The problems that leave a note out of the pages: an interview whose
/// frontmatter cannot be read counts for nothing, and no count says so.
const LEFT_OUT: [Code; 4] = [
    Code::InvalidFrontmatter,
    Code::UnreadableNote,
    Code::BinaryNote,
    Code::NoteTooLarge,
];

/// Collects the health lists.
pub fn health(
    model: &ResearchModel,
    vault_diagnostics: &[Diagnostic],
    insights: &[InsightSummary],
    config: &Config,
) -> Health {
    // Paths in folders the user set aside (and our own) are not missed notes.
    let set_aside = |diagnostic: &Diagnostic| {
        std::iter::once(&config.output_folder)
            .chain(&config.ignored_folders)
            .any(|folder| !folder.is_empty() && diagnostic.path.is_in_folder(folder))
    };
    let (unlinked_listed, unlinked_count) = unlinked_observations(model, UNLINKED_LISTED);
    // One pass over the problems: each problem's details are stored apart
    // from the list, and at 100,000 notes there are 74,000 of them to read.
    let (mut broken_links, mut left_out, mut unreadable_paths) =
        (Vec::new(), Vec::new(), Vec::new());
    for (index, diagnostic) in vault_diagnostics.iter().enumerate() {
        let code = diagnostic.code;
        if code == Code::BrokenLink {
            broken_links.push(index);
        }
        if LEFT_OUT.contains(&code) {
            left_out.push(index);
        }
        if code == Code::UnreadablePath && !set_aside(diagnostic) {
            unreadable_paths.push(index);
        }
    }
    Health {
        broken_links,
        left_out,
        unreadable_paths,
        schema_problems: (0..model.diagnostics.len()).collect(),
        insights_without_evidence: insights
            .iter()
            .enumerate()
            .filter(|(_, summary)| summary.strength == Strength::None)
            .map(|(index, _)| index)
            .collect(),
        unlinked_listed,
        unlinked_count,
    }
}

/// The first `listed` observations that link no insight, in order, and how
/// many there are. Counted from each interview's reading (its observations'
/// insight links, in document order) instead of from the observations: at
/// 100,000 notes those are 750,000 large records, and reading each one, or
/// listing every unlinked one, took milliseconds per `watch` update.
fn unlinked_observations(model: &ResearchModel, listed: usize) -> (Vec<usize>, usize) {
    let count = model
        .interviews
        .iter()
        .map(|interview| interview.links.unlinked as usize)
        .sum();
    // Interviews' observations follow one another in file order, so the
    // first interviews hold the first ones.
    let mut first = Vec::with_capacity(listed.min(count));
    for interview in &model.interviews {
        if first.len() == listed {
            break;
        }
        if interview.links.unlinked == 0 {
            continue;
        }
        let mut linked = interview
            .links
            .insights
            .iter()
            .map(|&(at, _, _)| at as usize)
            .peekable();
        let unlinked =
            interview
                .observations
                .clone()
                .enumerate()
                .filter_map(|(at, observation)| {
                    while linked.next_if(|&linked| linked < at).is_some() {}
                    (linked.peek() != Some(&at)).then_some(observation)
                });
        first.extend(unlinked.take(listed - first.len()));
    }
    debug_assert!(first.is_sorted(), "interviews' observations in order");
    (first, count)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::unlinked_observations;
    use crate::model::ResearchModel;

    fn model_of(root: &Path) -> ResearchModel {
        let config = crate::config::load(root).unwrap();
        crate::pipeline::analyze(root, &config).unwrap().model
    }

    /// Unlinked observations read from the interviews' links are those that
    /// link no insight, read from the observations themselves: the first
    /// ones, however many are listed, and the count.
    fn same_as_the_observations_say(model: &ResearchModel) -> (usize, usize) {
        let expected: Vec<usize> = (0..model.observations.len())
            .filter(|&at| model.observations[at].insights.is_empty())
            .collect();
        for listed in [
            0,
            1,
            7,
            expected.len() / 2,
            expected.len(),
            expected.len() + 3,
        ] {
            let shown = listed.min(expected.len());
            assert_eq!(
                unlinked_observations(model, listed),
                (expected[..shown].to_vec(), expected.len()),
                "{listed} listed"
            );
        }
        (expected.len(), model.observations.len() - expected.len())
    }

    #[test]
    fn unlinked_observations_are_those_that_link_no_insight() {
        let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-vault");
        let (unlinked, linked) = same_as_the_observations_say(&model_of(&sample));
        assert!(
            unlinked > 0 && linked > 0,
            "{unlinked} unlinked, {linked} linked"
        );
        let generated = tempfile::tempdir().unwrap();
        let options = vaultgen::GenOptions {
            notes: 1000,
            seed: vaultgen::DEFAULT_SEED,
        };
        vaultgen::generate(generated.path(), &options).unwrap();
        let (unlinked, linked) = same_as_the_observations_say(&model_of(generated.path()));
        assert!(
            unlinked > 10 && linked > 100,
            "{unlinked} unlinked, {linked} linked"
        );
    }
}
