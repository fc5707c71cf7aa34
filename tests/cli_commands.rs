//! `show`, `kb`, `rule`, `timeline` and `--version`.

mod cli_support;

use cli_support::*;
use serde_json::Value;

fn here() -> std::path::PathBuf {
    fixtures()
}

#[test]
fn version_is_printed() {
    let o = run(&here(), &["--version"]);
    assert_eq!(code(&o), 0);
    assert_eq!(
        stdout(&o),
        format!("llmnotes {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn show_finds_a_model_by_folded_name() {
    for name in ["gpt2", "GPT-2", "gpt 2", "gpt-2"] {
        let o = run(&here(), &["show", name]);
        assert_eq!(code(&o), 0, "{name}: {}", stderr(&o));
        let out = stdout(&o);
        assert!(out.starts_with("GPT-2\n"), "{out}");
        assert!(out.contains("Organisation: OpenAI"), "{out}");
        assert!(out.contains("training data size  40GB"), "{out}");
        assert!(!out.contains('\x1b'), "no color when piped");
    }
}

#[test]
fn show_markdown_and_json() {
    let o = run(&here(), &["show", "gpt2", "--format", "markdown"]);
    assert!(stdout(&o).starts_with("### GPT-2\n"));
    assert!(stdout(&o).contains("| training data size | 40GB |"));
    let o = run(&here(), &["show", "gpt2", "--format", "json"]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["id"], "gpt-2");
    assert_eq!(v["facts"]["context"]["value"], 1024);
    assert_eq!(v["facts"]["training_bytes"]["value"], 40_000_000_000u64);
}

#[test]
fn show_suggests_close_names_for_an_unknown_model() {
    let o = run(&here(), &["show", "gtp2"]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.starts_with("error: unknown model `gtp2`"), "{err}");
    assert!(err.contains("did you mean `GPT-2`"), "closest first: {err}");
    let suggested = err.matches('`').count() / 2 - 1;
    assert!((1..=3).contains(&suggested), "{err}");
    // Nothing close: no suggestion.
    let o = run(&here(), &["show", "完全不是模型名"]);
    assert_eq!(code(&o), 2);
    assert_eq!(stderr(&o), "error: unknown model `完全不是模型名`\n");
    let o = run(&here(), &["show", " - "]);
    assert_eq!(code(&o), 2);
    assert_eq!(stderr(&o), "error: expected a model name, alias or KB id\n");
}

/// Every `value` in exported facts is a plain number or a date string.
fn check_values(v: &Value, path: &str) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "value" {
                    match x {
                        Value::Number(_) => {}
                        Value::String(s) => {
                            let ok = s.len() >= 4
                                && s.split('-').enumerate().all(|(i, p)| {
                                    p.chars().all(|c| c.is_ascii_digit())
                                        && p.len() == if i == 0 { 4 } else { 2 }
                                })
                                && [4, 7, 10].contains(&s.len());
                            assert!(ok, "{path}.value is a date YYYY[-MM[-DD]]: {s}");
                        }
                        other => panic!("{path}.value: {other}"),
                    }
                } else {
                    check_values(x, &format!("{path}.{k}"));
                }
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                check_values(x, &format!("{path}[{i}]"));
            }
        }
        _ => {}
    }
}

#[test]
fn kb_export_is_a_json_array_with_plain_numbers() {
    let o = run(&here(), &["kb", "export"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    let models = v.as_array().expect("an array");
    assert_eq!(models.len(), llmnotes::kb::Kb::embedded().models().len());
    let gpt2 = models.iter().find(|m| m["id"] == "gpt-2").expect("gpt-2");
    assert_eq!(gpt2["released"]["value"], "2019-02-14");
    assert!(gpt2["facts"]["vocab"]["value"].is_u64());
    check_values(&v, "kb");
}

#[test]
fn kb_export_includes_workspace_entries() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("llmnotes.toml"),
        "[kb]\npaths = [\"local.toml\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("local.toml"),
        "[[model]]\nid = \"my-model\"\nname = \"MyModel-1\"\nreleased = \"2024-05\"\nreleased_source = \"https://example.org/a\"\nfacts.context = { value = 32768, source = \"https://example.org/b\" }\n",
    )
    .unwrap();
    let o = run(dir.path(), &["kb", "export"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let m = v
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "my-model")
        .expect("workspace model exported");
    assert_eq!(m["released"]["value"], "2024-05");
    assert_eq!(m["facts"]["context"]["value"], 32768);
    assert_eq!(m["from_workspace"], true);
    // And `show` finds it by name.
    let o = run(dir.path(), &["show", "mymodel1"]);
    assert!(stdout(&o).starts_with("MyModel-1\n"), "{}", stdout(&o));
}

#[test]
fn kb_check_reports_problems_with_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("good.toml"),
        "[[model]]\nid = \"my-model\"\nfacts.context = { value = 4096, source = \"https://example.org\" }\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("bad.toml"),
        "[[model]]\nid = \"other\"\nfacts.context = { value = \"lots\", source = \"https://example.org\" }\n",
    )
    .unwrap();
    let o = run(dir.path(), &["kb", "check", "good.toml"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("no problems"), "{}", stdout(&o));
    let o = run(dir.path(), &["kb", "check", "good.toml", "bad.toml"]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(out.starts_with("bad.toml:3:"), "{out}");
    assert!(out.contains("1 problem"), "{out}");
    let o = run(dir.path(), &["kb", "check", "missing.toml"]);
    assert_eq!(code(&o), 2);
}

#[test]
fn rule_lists_and_documents_rules() {
    let o = run(&here(), &["rule"]);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    for r in llmnotes::rules::RULES.iter() {
        assert!(out.contains(r.code) && out.contains(r.name), "{out}");
    }
    for arg in ["LN001", "ln001", "kb-mismatch"] {
        let o = run(&here(), &["rule", arg]);
        assert_eq!(code(&o), 0);
        assert!(stdout(&o).starts_with(llmnotes::rules::RULES[0].doc.trim_end()));
        assert!(stdout(&o).ends_with("Default severity: error\n"));
    }
    let o = run(&here(), &["rule", "LN999"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("unknown rule `LN999`"));
}

#[test]
fn timeline_of_no_notes_is_just_the_header() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.md"), "nothing about models here\n").unwrap();
    let o = run(dir.path(), &["timeline"]);
    assert_eq!(code(&o), 0);
    assert_eq!(
        stdout(&o),
        "| Date | Model | Organisation | Params | Context | Mentions |\n|---|---|---|---|---:|---:|\n"
    );
}

#[test]
fn timeline_snapshot_of_the_fixtures() {
    let o = run(&fixtures().join("check"), &["timeline", "."]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    insta::assert_snapshot!("timeline_fixtures", stdout(&o));
}

#[test]
fn kb_check_runs_the_validator_on_what_parses() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("sizes.toml"),
        "[[model]]\nid = \"my-model\"\nreleased = \"2024-05-01\"\nreleased_source = \"https://example.org/a\"\n\n[[model.variants]]\nname = \"7B\"\nfacts.params = { value = \"70B\", source = \"https://example.org/b\" }\n",
    )
    .unwrap();
    let o = run(dir.path(), &["kb", "check", "sizes.toml"]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(out.starts_with("sizes.toml:8:"), "{out}");
    assert!(out.contains("7B"), "{out}");
}

#[test]
fn kb_check_without_files_checks_the_embedded_kb_and_the_workspace() {
    let o = run(&here(), &["kb", "check"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let n = llmnotes::kb::Kb::embedded().models().len();
    assert_eq!(
        stdout(&o),
        format!("the embedded KB: {n} models, no problems\n")
    );
}

#[test]
fn kb_stats_counts_match_the_kb() {
    let kb = llmnotes::kb::Kb::embedded();
    let st = llmnotes::kb::stats(&kb);
    let o = run(&here(), &["kb", "stats", "--format", "json"]);
    assert_eq!(code(&o), 0);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["models"], st.models);
    assert_eq!(v["families"], st.families);
    assert_eq!(v["facts"], st.facts);
    assert_eq!(
        v["models"].as_u64().unwrap() + v["families"].as_u64().unwrap(),
        kb.models().len() as u64
    );
    assert_eq!(
        v["per_attribute"]["context"]["facts"],
        st.per_attribute[&llmnotes::kb::Attribute::Context].facts
    );
    let o = run(&here(), &["kb", "stats"]);
    let text = stdout(&o);
    assert!(
        text.starts_with(&format!(
            "{} models, {} families, {} variants\n",
            st.models, st.families, st.variants
        )),
        "{text}"
    );
    assert!(text.contains("kb/openai.toml"), "{text}");
}

#[test]
fn grammar_is_the_generated_one_and_includes_workspace_models() {
    let o = run(&here(), &["grammar"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(
        out,
        llmnotes::grammar::textmate_grammar(&llmnotes::kb::Kb::embedded())
    );
    let v: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["scopeName"], llmnotes::grammar::GRAMMAR_SCOPE);
    // The committed file is what the command prints for the embedded KB.
    let committed = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("grammars/llmnotes.markdown.tmLanguage.json"),
    )
    .unwrap();
    assert_eq!(out, committed);

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("llmnotes.toml"),
        "[kb]\npaths = [\"local.toml\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("local.toml"),
        "[[model]]\nid = \"zephyrine\"\nname = \"Zephyrine-7\"\nreleased = \"2024-05\"\nreleased_source = \"https://example.org/a\"\n",
    )
    .unwrap();
    let o = run(dir.path(), &["grammar"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let pattern = serde_json::from_str::<Value>(&stdout(&o)).unwrap()["repository"]["model"]
        ["match"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(pattern.to_lowercase().contains("zephyrine"), "{pattern}");
    assert!(!out.to_lowercase().contains("zephyrine"));
}
