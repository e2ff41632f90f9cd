//! Conventions every command keeps (product spec §4): `--help` with examples.

use std::process::Command;

#[test]
fn every_command_has_help_with_examples() {
    let commands: &[&[&str]] = &[
        &["build"],
        &["watch"],
        &["check"],
        &["links"],
        &["digest"],
        &["export"],
        &["init"],
        &["new"],
        &["new", "interview"],
    ];
    for command in commands {
        let output = Command::new(env!("CARGO_BIN_EXE_throughline"))
            .args(*command)
            .arg("--help")
            .output()
            .expect("the binary runs");
        let help = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{command:?}: {help}");
        assert!(
            help.contains("Examples:\n  throughline "),
            "{command:?} --help has no examples:\n{help}"
        );
    }
}
