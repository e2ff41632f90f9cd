//! The `throughline.toml` that `throughline init` writes: every key, commented
//! out, showing its default — generated from [`Config::default`], so it never
//! drifts from what the tool does.

use super::{Config, DigestPeriod, NoteType};

/// A TOML string literal.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

fn list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|item| quoted(item)).collect();
    format!("[{}]", items.join(", "))
}

/// The commented configuration file.
pub fn commented_file() -> String {
    let config = Config::default();
    let sections = &config.sections;
    let period = match config.digest_period {
        DigestPeriod::IsoWeek => "week".to_owned(),
        DigestPeriod::Month => "month".to_owned(),
        DigestPeriod::Days(days) => format!("{days}d"),
    };
    let types: Vec<&str> = NoteType::ALL.iter().map(|kind| kind.as_str()).collect();
    format!(
        r#"# throughline.toml — how throughline reads this vault. Every key is optional;
# the values shown (commented out) are the defaults. Uncomment a line to change it.
# An unknown key or a bad value is an error naming its line.

# The folder throughline owns and writes its pages into. Its files are link
# targets, never sources; files in it that throughline did not write are left alone.
# output = {output}

# Folders whose notes are not read as sources (they stay link targets), besides
# Obsidian's "Excluded files".
# ignore = []

# Notes larger than this many bytes are link targets only, not parsed.
# max-note-bytes = {max_note_bytes}

# [types]
# A type for notes in these folders that have no `type:` property ({types}).
# None by default; for example:
# interview = ["Interviews"]
# insight = ["Insights"]

# [properties]
# Other names accepted for a property. None by default; for example:
# participant = ["interviewee"]

# [sections]
# Heading texts of each kind of section in an interview (and of a plan's questions).
# learned = {learned}
# surprises = {surprises}
# quotes = {quotes}
# open-questions = {open_questions}
# questions = {questions}

# [signals]
# Tags (without `#`) that mark an observation as a pain, a gain, a workaround, a
# request, or evidence against the insights it links.
# pain = {pain}
# gain = {gain}
# workaround = {workaround}
# request = {request}
# contradicts = {contradicts}

# [callouts]
# Callout kinds (`> [!quote]`) that are one observation each, anywhere in an interview.
# quote = {quote}
# surprise = {surprise}
# insight = {insight}

# [pages]
# The names of the pages of each insight, job and plan; `{{title}}` is the note's title.
# insight = {insight_page}
# job = {job_page}
# plan = {plan_page}

# [strength]
# An insight is a pattern when at least this many distinct participants…
# pattern-min-participants = {participants}
# …from at least this many distinct companies back it.
# pattern-min-companies = {companies}

# [digest]
# The digest's period: "week" (ISO, Monday to Sunday), "month", or a number of
# days such as "14d".
# period = {period}
# How many insights the validation queue of `Digest.md` lists, the most
# pressing first (strongest, then most participants); it counts the rest.
# queue = {queue}
"#,
        output = quoted(&config.output_folder),
        max_note_bytes = config.max_note_bytes,
        types = types.join(", "),
        learned = list(&sections.learned),
        surprises = list(&sections.surprises),
        quotes = list(&sections.quotes),
        open_questions = list(&sections.open_questions),
        questions = list(&sections.questions),
        pain = list(&config.signal_tags.pain),
        gain = list(&config.signal_tags.gain),
        workaround = list(&config.signal_tags.workaround),
        request = list(&config.signal_tags.request),
        contradicts = list(&config.signal_tags.contradicts),
        quote = list(&config.callout_kinds.quote),
        surprise = list(&config.callout_kinds.surprise),
        insight = list(&config.callout_kinds.insight),
        insight_page = quoted(&config.page_names.insight),
        job_page = quoted(&config.page_names.job),
        plan_page = quoted(&config.page_names.plan),
        participants = config.thresholds.pattern_min_participants,
        companies = config.thresholds.pattern_min_companies,
        period = quoted(&period),
        queue = config.digest_queue,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_written_it_is_the_defaults() {
        let config = super::super::parse(&commented_file()).unwrap();
        assert_eq!(format!("{config:?}"), format!("{:?}", Config::default()));
    }

    #[test]
    fn uncommented_it_is_still_the_defaults() {
        // Every `# key = value` and `# [table]` line made active, examples aside.
        let mut active = String::new();
        let mut in_examples = false;
        for line in commented_file().lines() {
            let Some(rest) = line.strip_prefix("# ") else {
                continue;
            };
            if rest.starts_with('[') {
                in_examples = rest == "[types]" || rest == "[properties]";
                active.push_str(rest);
                active.push('\n');
            } else if rest.contains(" = ") && !in_examples {
                active.push_str(rest);
                active.push('\n');
            }
        }
        assert!(active.contains("pattern-min-companies = "), "{active}");
        let config = super::super::parse(&active).unwrap();
        assert_eq!(format!("{config:?}"), format!("{:?}", Config::default()));
    }
}
