//! Export: one row per observation, for spreadsheets and other tools
//! (`throughline export`). Rows come from the research model, in interview
//! path order, then line.

use serde::Serialize;

use crate::pipeline::Analysis;
use crate::scan::VaultPath;

/// One observation with its interview's context. Field order is the export's
/// column order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObservationRow {
    /// Vault path of the interview note.
    pub interview: String,
    /// The interview's date, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// The observation's line in the interview (1-based).
    pub line: u32,
    /// `learned`, `surprise`, `quote` or `open question`.
    pub kind: &'static str,
    /// Its text as written (Markdown).
    pub text: String,
    /// Display names of the interview's participants.
    pub participants: Vec<String>,
    /// Their roles (lower-case keys), each once.
    pub roles: Vec<String>,
    /// Their companies, each once.
    pub companies: Vec<String>,
    /// Titles of the insight notes it links.
    pub insights: Vec<String>,
    /// Titles of the job notes it links.
    pub jobs: Vec<String>,
    /// Signal and job-map step tags, `#pain`, `#step/confirm`.
    pub tags: Vec<String>,
    /// A wikilink (or Markdown link, per the vault's settings) back to it.
    pub link: String,
}

/// Every observation of the vault as a row.
pub fn observation_rows(analysis: &Analysis) -> Vec<ObservationRow> {
    let model = &analysis.model;
    let vault = &analysis.vault;
    let title = |file: crate::resolve::FileId| vault.files[file as usize].path.stem().to_owned();
    let mut rows: Vec<ObservationRow> = model
        .observations
        .iter()
        .map(|observation| {
            let interview = &model.interviews[observation.interview];
            let mut roles: Vec<String> = Vec::new();
            let mut companies: Vec<String> = Vec::new();
            for participant in &interview.participants {
                if let Some(role) = &participant.role
                    && !roles.contains(&role.key)
                {
                    roles.push(role.key.clone());
                }
                if let Some(company) = &participant.company
                    && !companies.contains(&company.name)
                {
                    companies.push(company.name.clone());
                }
            }
            let subpath = observation.anchor.subpath();
            let path: &VaultPath = &interview.note.path;
            let link = analysis
                .plan
                .links
                .link(path, path, subpath.as_deref(), None, false)
                .unwrap_or_else(|_| format!("{path}{}", subpath.clone().unwrap_or_default()));
            ObservationRow {
                interview: path.to_string(),
                date: interview.date.map(|date| date.to_string()),
                line: observation.line,
                kind: observation.kind.as_str(),
                text: observation.text.clone(),
                participants: interview
                    .participants
                    .iter()
                    .map(|participant| participant.person.name.clone())
                    .collect(),
                roles,
                companies,
                insights: observation
                    .insights
                    .iter()
                    .map(|&file| title(file))
                    .collect(),
                jobs: observation.jobs.iter().map(|&file| title(file)).collect(),
                tags: observation
                    .signals
                    .names()
                    .into_iter()
                    .map(|name| format!("#{name}"))
                    .chain(
                        observation
                            .steps
                            .iter()
                            .map(|step| format!("#step/{}", step.as_str())),
                    )
                    .collect(),
                link,
            }
        })
        .collect();
    rows.sort_by(|a, b| a.interview.cmp(&b.interview).then(a.line.cmp(&b.line)));
    rows
}
