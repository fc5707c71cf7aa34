//! `llmnotes check`: findings against the `expect` comments of the fixtures,
//! exit codes, file selection, `--fix`, and snapshots of each output format.

mod cli_support;

use std::path::{Path, PathBuf};

use cli_support::*;

#[test]
fn expect_comments_parse() {
    assert_eq!(
        parse_expect_line(
            r#"- a 45GB <!-- expect: LN001 "45GB", LN005 "LLamma" --> <!-- expect: LN002 "x y" -->"#
        ),
        vec![
            ("LN001".to_string(), "45GB".to_string()),
            ("LN005".to_string(), "LLamma".to_string()),
            ("LN002".to_string(), "x y".to_string()),
        ]
    );
    assert!(parse_expect_line("no expectations <!-- other -->").is_empty());
    assert_eq!(span_text("ab\n数据 45GB\n", 2, 4, 2, 8), "45GB");
}

fn check_dir() -> PathBuf {
    fixtures().join("check")
}

#[test]
fn correct_note_raises_nothing() {
    let o = run(&check_dir(), &["check", "--format", "json", "clean.md"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout(&o).trim(), "[]");
    let o = run(&check_dir(), &["check", "clean.md"]);
    assert_eq!(stdout(&o), "No problems found in 1 file.\n");
}

#[test]
fn code_math_and_suppressed_lines_raise_nothing() {
    let o = run(
        &check_dir(),
        &["check", "--format", "json", "ignored_regions.md"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout(&o).trim(), "[]");
}

#[test]
fn each_note_matches_its_expectations() {
    for f in markdown_files(&check_dir()) {
        let arg = f.to_string_lossy().into_owned();
        assert_expectations(&check_dir(), &[&arg], &[f]);
    }
}

#[test]
fn cross_note_conflicts_match_expectations() {
    let cross = fixtures().join("cross");
    for case in std::fs::read_dir(&cross).unwrap() {
        let case = case.unwrap().path();
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let files: Vec<PathBuf> = markdown_files(&case)
            .into_iter()
            .map(|f| Path::new(&name).join(f))
            .collect();
        assert!(!files.is_empty(), "{name}: no notes");
        assert_expectations(&cross, &[&name], &files);
    }
}

#[test]
fn examples_match_their_expectations() {
    let dir = examples();
    let files = markdown_files(&dir);
    assert!(files.len() >= 3);
    assert_expectations(&dir, &["."], &files);
}

// ---- exit codes -------------------------------------------------------------

#[test]
fn exit_0_when_nothing_is_wrong() {
    let o = run(&check_dir(), &["check", "clean.md"]);
    assert_eq!(code(&o), 0);
}

#[test]
fn exit_1_on_an_error_finding() {
    let o = run(&check_dir(), &["check", "gpt_family.md"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("error[LN001]"), "{}", stdout(&o));
}

#[test]
fn exit_2_on_a_missing_path() {
    let o = run(&check_dir(), &["check", "clean.md", "no-such-note.md"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("no-such-note.md: no such file or directory"),
        "{}",
        stderr(&o)
    );
    // The other note was still checked.
    assert!(stdout(&o).contains("in 1 file"), "{}", stdout(&o));
}

#[test]
fn exit_2_on_a_usage_error() {
    let o = run(&check_dir(), &["check", "--format", "xml"]);
    assert_eq!(code(&o), 2);
    let o = run(&check_dir(), &["check", "--statistics", "--format", "json"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--statistics"), "{}", stderr(&o));
}

#[test]
fn exit_2_on_a_bad_config_with_its_location() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("llmnotes.toml"),
        "[rules]\nconflict = \"loud\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("a.md"), "# GPT-2\n").unwrap();
    let o = run(dir.path(), &["check"]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.starts_with("llmnotes.toml:2:12: error: "), "{err}");
    assert!(err.contains("loud"), "{err}");
    assert!(
        stdout(&o).is_empty(),
        "nothing is checked with a broken config"
    );

    // An explicit --config that does not exist.
    let o = run(dir.path(), &["check", "--config", "missing.toml"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("missing.toml: config file not found"));
}

#[test]
fn exit_2_on_a_bad_kb_file_with_its_location() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("kb")).unwrap();
    std::fs::write(
        dir.path().join("llmnotes.toml"),
        "[kb]\npaths = [\"kb/local.toml\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("kb/local.toml"),
        "[[model]]\nid = \"my-model\"\nfacts.context = { value = \"lots\", source = \"https://example.org\" }\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("a.md"), "# notes\n").unwrap();
    let o = run(dir.path(), &["check"]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.starts_with("kb/local.toml:3:"), "{err}");
    assert!(err.contains("error:"), "{err}");

    // A KB file the config names but that does not exist.
    std::fs::write(
        dir.path().join("llmnotes.toml"),
        "[kb]\npaths = [\"kb/nope.toml\"]\n",
    )
    .unwrap();
    let o = run(dir.path(), &["check"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("kb/nope.toml: cannot read KB file (named in llmnotes.toml)"),
        "{}",
        stderr(&o)
    );
}

// ---- which files are read ---------------------------------------------------

#[test]
fn invalid_utf8_is_skipped_and_the_others_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.md"), b"# GPT-2 \xff\xfe 45GB\n").unwrap();
    std::fs::write(dir.path().join("good.md"), "# GPT-2\n\n上下文长度 1024。\n").unwrap();
    let o = run(dir.path(), &["check"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stderr(&o), "warning: bad.md: not valid UTF-8, skipped\n");
    assert_eq!(stdout(&o), "No problems found in 1 file.\n");
}

#[test]
fn gitignore_is_honoured_and_explicit_files_are_always_read() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join(".gitignore"), "drafts/\n").unwrap();
    std::fs::create_dir_all(p.join("drafts")).unwrap();
    std::fs::create_dir_all(p.join("notes/sub")).unwrap();
    std::fs::write(p.join("drafts/x.md"), "# x\n").unwrap();
    std::fs::write(p.join("notes/a.md"), "# a\n").unwrap();
    std::fs::write(p.join("notes/sub/b.markdown"), "# b\n").unwrap();
    std::fs::write(p.join("notes/readme.txt"), "not a note\n").unwrap();
    let o = run(p, &["check"]);
    assert_eq!(
        stdout(&o),
        "No problems found in 2 files.\n",
        "{}",
        stderr(&o)
    );
    // Named explicitly: read even if ignored or not *.md; duplicates collapse.
    let o = run(
        p,
        &[
            "check",
            "drafts/x.md",
            "notes/readme.txt",
            "notes",
            "notes/a.md",
        ],
    );
    assert_eq!(
        stdout(&o),
        "No problems found in 4 files.\n",
        "{}",
        stderr(&o)
    );
}

#[test]
fn an_empty_folder_warns() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(dir.path(), &["check"]);
    assert_eq!(code(&o), 0);
    assert!(
        stderr(&o).contains("no Markdown files found"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn colors_follow_the_flags() {
    let o = run(&check_dir(), &["check", "--color", "always", "clean.md"]);
    assert!(stdout(&o).contains("\x1b["), "{:?}", stdout(&o));
    let o = run(
        &check_dir(),
        &["check", "--color", "always", "--no-color", "clean.md"],
    );
    assert!(!stdout(&o).contains('\x1b'));
    let o = std::process::Command::new(bin())
        .args(["check", "clean.md"])
        .current_dir(check_dir())
        .env("NO_COLOR", "1")
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    assert!(!stdout(&o).contains('\x1b'), "NO_COLOR wins");
}

// ---- --fix ------------------------------------------------------------------

#[test]
fn fix_rewrites_only_the_misspellings() {
    let src = fixtures().join("fix/misspelled.md");
    let original = std::fs::read_to_string(&src).unwrap();
    assert_expectations(
        &fixtures().join("fix"),
        &["misspelled.md"],
        &[PathBuf::from("misspelled.md")],
    );
    let dir = copy_to_temp(&src);
    std::fs::write(dir.path().join("untouched.md"), "# GPT-2\n\n40GB\n").unwrap();
    let before_untouched = std::fs::metadata(dir.path().join("untouched.md"))
        .unwrap()
        .modified()
        .unwrap();
    let o = run(dir.path(), &["check", "--fix", "--format", "json", "."]);
    let remaining = stdout(&o);
    // The unsafe fix (a KB value for a wrong number) is left for a person: the
    // LN001 remains, and so does exit code 1.
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(remaining.contains("\"LN001\""), "{remaining}");
    let fixed = std::fs::read_to_string(dir.path().join("misspelled.md")).unwrap();
    // Only the two misspellings in prose change; the `expect` comments (which
    // also say LLamma) and every other byte stay as they were.
    let mut want = original.clone();
    for line in ["- LLamma（2023.02）", "与 GPT-3 相比，LLamma 用"] {
        let start = want.find(line).unwrap();
        let at = start + line.find("LLamma").unwrap();
        want.replace_range(at..at + "LLamma".len(), "LLaMA");
    }
    assert_eq!(fixed, want);
    assert!(!remaining.contains("LN005"), "{remaining}");
    assert_eq!(
        std::fs::metadata(dir.path().join("untouched.md"))
            .unwrap()
            .modified()
            .unwrap(),
        before_untouched
    );
    // No temporary files are left behind.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    // A second run has nothing left to fix.
    let o = run(dir.path(), &["check", "--fix", "."]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("misspelled.md")).unwrap(),
        want
    );
    assert!(!stdout(&o).contains("fixed"), "{}", stdout(&o));
}

#[test]
fn fix_leaves_files_without_fixes_alone() {
    let dir = copy_to_temp(&check_dir().join("clean.md"));
    let path = dir.path().join("clean.md");
    let before = std::fs::metadata(&path).unwrap();
    let o = run(dir.path(), &["check", "--fix"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let after = std::fs::metadata(&path).unwrap();
    assert_eq!(before.modified().unwrap(), after.modified().unwrap());
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        std::fs::read_to_string(check_dir().join("clean.md")).unwrap()
    );
}

// ---- snapshots of each format -----------------------------------------------

fn snapshot_run(format: &str) -> String {
    let o = run(
        &check_dir(),
        &[
            "check",
            "--format",
            format,
            "gpt_family.md",
            "llama_family.md",
        ],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    stdout(&o)
}

#[test]
fn snapshot_human() {
    insta::assert_snapshot!("check_human", snapshot_run("human"));
}

#[test]
fn snapshot_json() {
    insta::assert_snapshot!("check_json", snapshot_run("json"));
}

#[test]
fn snapshot_github() {
    insta::assert_snapshot!("check_github", snapshot_run("github"));
}

#[test]
fn snapshot_sarif_results() {
    let mut v: serde_json::Value = serde_json::from_str(&snapshot_run("sarif")).unwrap();
    // The rule table is the rules' own documentation, checked in cli_sarif.rs; the
    // version changes with releases.
    let driver = &mut v["runs"][0]["tool"]["driver"];
    driver["rules"] = serde_json::json!("[rules]");
    driver["version"] = serde_json::json!("[version]");
    driver["semanticVersion"] = serde_json::json!("[version]");
    insta::assert_json_snapshot!("check_sarif", v);
}

#[test]
fn snapshot_statistics() {
    let o = run(
        &check_dir(),
        &["check", "--statistics", "gpt_family.md", "llama_family.md"],
    );
    insta::assert_snapshot!("check_statistics", stdout(&o));
}

#[test]
fn config_is_discovered_in_parent_folders() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("llmnotes.toml"),
        "[rules]\nnope = \"off\"\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("notes/deep")).unwrap();
    std::fs::write(dir.path().join("notes/deep/a.md"), "# a\n").unwrap();
    // From a subfolder, with the default path `.`: the parent's config is used
    // (and here reported, since it names an unknown rule).
    let o = run(&dir.path().join("notes/deep"), &["check"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("llmnotes.toml:2:8: error: unknown rule `nope`"),
        "{}",
        stderr(&o)
    );
    // From the root, the path is shown relative.
    let o = run(dir.path(), &["check", "notes"]);
    assert!(
        stderr(&o).starts_with("llmnotes.toml:2:8: "),
        "{}",
        stderr(&o)
    );
}

#[test]
fn snapshot_examples_human() {
    let o = run(&examples(), &["check"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    insta::assert_snapshot!("examples_human", stdout(&o));
}

#[cfg(target_os = "linux")]
#[test]
fn exit_2_when_a_file_cannot_be_read_but_the_others_are_checked() {
    // Reading /proc/self/mem from offset 0 fails with an I/O error, even as root.
    let o = run(&check_dir(), &["check", "/proc/self/mem", "clean.md"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).starts_with("error: /proc/self/mem: cannot read: "),
        "{}",
        stderr(&o)
    );
    assert_eq!(stdout(&o), "No problems found in 1 file.\n");
}

#[cfg(unix)]
#[test]
fn symlinked_notes_are_read_and_loops_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir(p.join("notes")).unwrap();
    std::fs::write(p.join("real.txt"), "# a note\n").unwrap();
    std::os::unix::fs::symlink(p.join("real.txt"), p.join("notes/link.md")).unwrap();
    let o = run(p, &["check", "notes"]);
    assert_eq!(
        stdout(&o),
        "No problems found in 1 file.\n",
        "{}",
        stderr(&o)
    );
    std::os::unix::fs::symlink(p.join("loop.md"), p.join("loop.md")).unwrap();
    let o = run(p, &["check", "loop.md"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).starts_with("error: loop.md: "), "{}", stderr(&o));
}

#[test]
fn table_release_dates_follow_their_column() {
    let dir = fixtures().join("tables");
    assert_expectations(
        &dir,
        &["release_row.md"],
        &[PathBuf::from("release_row.md")],
    );
}

#[test]
fn quiet_prints_only_the_findings() {
    let o = run(&check_dir(), &["check", "--quiet", "gpt_family.md"]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(out.starts_with("error[LN001]"), "{out}");
    assert!(!out.contains(" checked)"), "no summary: {out}");
    let o = run(&check_dir(), &["check", "-q", "clean.md"]);
    assert_eq!(stdout(&o), "");
}
