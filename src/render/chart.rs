//! Chart geometry for the HTML digest: numbers only (positions and sizes in SVG
//! user units, colours from a fixed palette); the template draws the shapes and
//! escapes every label.

use serde::Serialize;

use super::report::{InsightEntry, PlanEntry};

/// Colours for roles, in order; the last one is for "no role".
const PALETTE: [&str; 8] = [
    "#3b6ea8", "#d9822b", "#4c9a6a", "#b5485d", "#7a5ea8", "#8c7a3f", "#2f8f9d", "#8a8a8a",
];

/// The legend's name for the roles past the palette.
const OTHER_ROLES: &str = "other roles";

/// Layout, in SVG user units.
const WIDTH: u32 = 760;
const LABEL_WIDTH: u32 = 300;
const BAR_AREA: u32 = 400;
const ROW: u32 = 26;
const TOP: u32 = 8;
const LEGEND: u32 = 30;

/// One coloured part of a bar.
#[derive(Debug, Clone, Serialize)]
pub struct Segment {
    /// Left edge.
    pub x: u32,
    /// Width.
    pub width: u32,
    /// Fill.
    pub color: &'static str,
    /// The role it counts.
    pub role: String,
    /// Participants in that role.
    pub count: usize,
}

/// One insight's bar.
#[derive(Debug, Clone, Serialize)]
pub struct Bar {
    /// The insight's title.
    pub label: String,
    /// Top edge.
    pub y: u32,
    /// Distinct participants.
    pub total: usize,
    /// Where the total is written.
    pub total_x: u32,
    /// Parts by role.
    pub segments: Vec<Segment>,
}

/// A legend entry.
#[derive(Debug, Clone, Serialize)]
pub struct LegendItem {
    /// The role.
    pub role: String,
    /// Its colour.
    pub color: &'static str,
    /// Left edge.
    pub x: u32,
}

/// Insights by distinct participants, each bar split by role.
#[derive(Debug, Clone, Serialize)]
pub struct BarChart {
    /// Canvas width.
    pub width: u32,
    /// Canvas height.
    pub height: u32,
    /// Where bars start.
    pub bars_x: u32,
    /// The bars, most participants first.
    pub bars: Vec<Bar>,
    /// The roles' colours.
    pub legend: Vec<LegendItem>,
    /// Where the legend is.
    pub legend_y: u32,
}

impl BarChart {
    /// The `limit` insights with most participants.
    pub fn insights_by_role(insights: &[InsightEntry], limit: usize) -> BarChart {
        let mut chosen: Vec<&InsightEntry> = insights
            .iter()
            .filter(|insight| !insight.participants.is_empty())
            .collect();
        chosen.sort_by(|a, b| {
            b.participants
                .len()
                .cmp(&a.participants.len())
                .then_with(|| super::cmp_lowercase(&a.note.title, &b.note.title))
        });
        chosen.truncate(limit);
        // The roles with most participants get a colour each; past the palette,
        // the rest share one "other roles" part, so no two roles look alike.
        let mut tally: Vec<(String, usize)> = Vec::new();
        for role in chosen.iter().flat_map(|insight| &insight.by_role) {
            if let Some(name) = &role.role {
                match tally.iter_mut().find(|(known, _)| known == name) {
                    Some((_, count)) => *count += role.participants,
                    None => tally.push((name.clone(), role.participants)),
                }
            }
        }
        tally.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let colours = PALETTE.len() - 1;
        let mut roles: Vec<String> = tally.into_iter().map(|(role, _)| role).collect();
        let others = roles.len() > colours;
        if others {
            roles.truncate(colours - 1);
        }
        roles.sort();
        if others {
            roles.push(OTHER_ROLES.to_owned());
        }
        let bucket = |role: Option<&str>| -> Option<String> {
            let role = role?;
            Some(if roles.iter().any(|known| known == role) {
                role.to_owned()
            } else {
                OTHER_ROLES.to_owned()
            })
        };
        let color = |role: Option<&str>| match role {
            Some(role) => {
                let index = roles.iter().position(|known| known == role).unwrap_or(0);
                PALETTE[index % colours]
            }
            None => PALETTE[colours],
        };
        let widest = chosen
            .iter()
            .map(|insight| stacked_total(insight))
            .max()
            .unwrap_or(1)
            .max(1);
        let scale = |count: usize| (count as u64 * BAR_AREA as u64 / widest as u64) as u32;
        let bars: Vec<Bar> = chosen
            .iter()
            .enumerate()
            .map(|(row, insight)| {
                let mut x = LABEL_WIDTH;
                let mut parts: Vec<(Option<String>, usize)> = Vec::new();
                for role in insight.by_role.iter().filter(|role| role.participants > 0) {
                    let name = bucket(role.role.as_deref());
                    match parts.iter_mut().find(|(known, _)| *known == name) {
                        Some((_, count)) => *count += role.participants,
                        None => parts.push((name, role.participants)),
                    }
                }
                let segments = parts
                    .into_iter()
                    .map(|(role, count)| {
                        let width = scale(count).max(2);
                        let segment = Segment {
                            x,
                            width,
                            color: color(role.as_deref()),
                            role: role.unwrap_or_else(|| "no role".to_owned()),
                            count,
                        };
                        x += width;
                        segment
                    })
                    .collect();
                Bar {
                    label: insight.note.title.clone(),
                    y: TOP + row as u32 * ROW,
                    total: insight.participants.len(),
                    total_x: x + 6,
                    segments,
                }
            })
            .collect();
        let mut legend: Vec<LegendItem> = Vec::new();
        let mut x = LABEL_WIDTH;
        let has_unknown = chosen
            .iter()
            .flat_map(|insight| &insight.by_role)
            .any(|role| role.role.is_none() && role.participants > 0);
        let names = roles
            .iter()
            .map(|role| (role.clone(), color(Some(role))))
            .chain(has_unknown.then(|| ("no role".to_owned(), color(None))));
        for (role, color) in names {
            let width = 22 + 7 * role.chars().count() as u32;
            legend.push(LegendItem { role, color, x });
            x += width;
        }
        let legend_y = TOP + bars.len() as u32 * ROW + 10;
        BarChart {
            width: WIDTH.max(x + 10),
            height: legend_y + LEGEND,
            bars_x: LABEL_WIDTH,
            bars,
            legend,
            legend_y,
        }
    }
}

/// Participants counted per role (a person in two roles counts in both bars).
fn stacked_total(insight: &InsightEntry) -> usize {
    insight.by_role.iter().map(|role| role.participants).sum()
}

/// One role's row in a coverage chart.
#[derive(Debug, Clone, Serialize)]
pub struct CoverageRow {
    /// The role.
    pub label: String,
    /// Top edge.
    pub y: u32,
    /// Interviews held.
    pub held: usize,
    /// Width of the held bar.
    pub held_width: u32,
    /// The target, if the plan sets one.
    pub target: Option<u32>,
    /// Where the target line is.
    pub target_x: Option<u32>,
    /// Whether the target is reached.
    pub complete: bool,
    /// A role the plan does not list.
    pub off_plan: bool,
}

/// Interviews held per role against the plan's target.
#[derive(Debug, Clone, Serialize)]
pub struct CoverageChart {
    /// The plan's title.
    pub title: String,
    /// Canvas width.
    pub width: u32,
    /// Canvas height.
    pub height: u32,
    /// Where bars start.
    pub bars_x: u32,
    /// One row per role.
    pub rows: Vec<CoverageRow>,
}

impl CoverageChart {
    /// The chart of one plan.
    pub fn of_plan(plan: &PlanEntry) -> CoverageChart {
        let all: Vec<(&super::report::RoleCoverageEntry, bool)> = plan
            .roles
            .iter()
            .map(|role| (role, false))
            .chain(plan.off_plan.iter().map(|role| (role, true)))
            .collect();
        let widest = all
            .iter()
            .map(|(role, _)| role.held.max(role.target.unwrap_or(0) as usize))
            .max()
            .unwrap_or(1)
            .max(1);
        let scale = |count: usize| (count as u64 * BAR_AREA as u64 / widest as u64) as u32;
        let rows: Vec<CoverageRow> = all
            .iter()
            .enumerate()
            .map(|(row, (role, off_plan))| CoverageRow {
                label: role.role.clone(),
                y: TOP + row as u32 * ROW,
                held: role.held,
                held_width: scale(role.held).max(if role.held > 0 { 2 } else { 0 }),
                target: role.target,
                target_x: role
                    .target
                    .map(|target| LABEL_WIDTH + scale(target as usize)),
                complete: role.complete,
                off_plan: *off_plan,
            })
            .collect();
        CoverageChart {
            title: plan.note.title.clone(),
            width: WIDTH,
            height: TOP + rows.len() as u32 * ROW + 10,
            bars_x: LABEL_WIDTH,
            rows,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::report::{NoteLink, RoleCount};

    fn insight(title: &str, roles: &[(&str, usize)]) -> InsightEntry {
        InsightEntry {
            note: NoteLink {
                path: format!("Insights/{title}.md"),
                title: title.to_owned(),
                url: None,
            },
            strength: "recurring",
            status: "open".to_owned(),
            participants: (0..roles.iter().map(|(_, n)| n).sum::<usize>())
                .map(|n| format!("p{n}"))
                .collect(),
            companies: Vec::new(),
            roles: roles.iter().map(|(role, _)| (*role).to_owned()).collect(),
            evidence: 1,
            counter_evidence: 0,
            first_seen: None,
            last_seen: None,
            needs_validation: false,
            reasons: Vec::new(),
            by_role: roles
                .iter()
                .map(|(role, participants)| RoleCount {
                    role: Some((*role).to_owned()),
                    observations: *participants,
                    participants: *participants,
                })
                .collect(),
        }
    }

    #[test]
    fn every_role_colour_is_distinct_past_the_palette() {
        let roles: Vec<(String, usize)> = (1..=9).map(|n| (format!("role {n}"), n)).collect();
        let roles: Vec<(&str, usize)> = roles.iter().map(|(r, n)| (r.as_str(), *n)).collect();
        let chart = BarChart::insights_by_role(&[insight("Wide", &roles)], 10);
        let names: Vec<&str> = chart.legend.iter().map(|item| item.role.as_str()).collect();
        assert_eq!(
            names,
            [
                "role 4",
                "role 5",
                "role 6",
                "role 7",
                "role 8",
                "role 9",
                "other roles"
            ]
        );
        let mut colours: Vec<&str> = chart.legend.iter().map(|item| item.color).collect();
        colours.sort();
        colours.dedup();
        assert_eq!(colours.len(), 7, "two legend entries share a colour");
        // Roles 1–3 (1 + 2 + 3 participants) are one part of the bar.
        let bar = &chart.bars[0];
        let other = bar
            .segments
            .iter()
            .find(|s| s.role == "other roles")
            .unwrap();
        assert_eq!(other.count, 6);
        assert_eq!(bar.segments.len(), 7);
    }

    #[test]
    fn a_few_roles_keep_their_names() {
        let chart = BarChart::insights_by_role(
            &[insight("A", &[("technician", 2), ("dispatcher", 1)])],
            10,
        );
        let names: Vec<&str> = chart.legend.iter().map(|item| item.role.as_str()).collect();
        assert_eq!(names, ["dispatcher", "technician"]);
    }
}
