//! Vault health: what keeps the pages from telling the whole truth.

use crate::diagnostics::{Code, Diagnostic};
use crate::model::ResearchModel;

use super::evidence::InsightSummary;
use super::strength::Strength;

/// The lists of `Vault health.md`.
#[derive(Debug, Clone, Default)]
pub struct Health {
    /// Broken links (indices into the vault's diagnostics).
    pub broken_links: Vec<usize>,
    /// Notes that fail their type's schema (indices into the model's diagnostics).
    pub schema_problems: Vec<usize>,
    /// Insights that no observation supports (indices into insight summaries).
    pub insights_without_evidence: Vec<usize>,
    /// Observations that link no insight.
    pub unlinked_observations: Vec<usize>,
}

/// Collects the health lists.
pub fn health(
    model: &ResearchModel,
    vault_diagnostics: &[Diagnostic],
    insights: &[InsightSummary],
) -> Health {
    Health {
        broken_links: vault_diagnostics
            .iter()
            .enumerate()
            .filter(|(_, diagnostic)| diagnostic.code == Code::BrokenLink)
            .map(|(index, _)| index)
            .collect(),
        schema_problems: (0..model.diagnostics.len()).collect(),
        insights_without_evidence: insights
            .iter()
            .enumerate()
            .filter(|(_, summary)| summary.strength == Strength::None)
            .map(|(index, _)| index)
            .collect(),
        unlinked_observations: model
            .observations
            .iter()
            .enumerate()
            .filter(|(_, observation)| observation.insights.is_empty())
            .map(|(index, _)| index)
            .collect(),
    }
}
