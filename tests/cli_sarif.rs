//! `check --format sarif` against the parts of the SARIF 2.1.0 schema that code
//! scanning relies on: required properties, enums and value ranges.

mod cli_support;

use cli_support::*;
use serde_json::Value;

fn obj<'a>(v: &'a Value, what: &str) -> &'a serde_json::Map<String, Value> {
    v.as_object()
        .unwrap_or_else(|| panic!("{what} must be an object: {v}"))
}

fn text_message(v: &Value, what: &str) {
    let s = v["text"]
        .as_str()
        .unwrap_or_else(|| panic!("{what}.text must be a string: {v}"));
    assert!(!s.is_empty(), "{what}.text is empty");
}

const LEVELS: [&str; 4] = ["none", "note", "warning", "error"];

fn check_location(loc: &Value, what: &str) {
    let phys = &loc["physicalLocation"];
    obj(phys, &format!("{what}.physicalLocation"));
    let uri = phys["artifactLocation"]["uri"]
        .as_str()
        .unwrap_or_else(|| panic!("{what}: artifactLocation.uri: {loc}"));
    assert!(!uri.contains('\\'), "{what}: uri uses `/`: {uri}");
    assert!(!uri.starts_with('/'), "{what}: uri is relative: {uri}");
    assert!(!uri.contains(' '), "{what}: uri is encoded: {uri}");
    let region = obj(&phys["region"], &format!("{what}.region"));
    let num = |k: &str| region.get(k).and_then(|v| v.as_u64());
    let start_line = num("startLine").expect("region.startLine");
    assert!(start_line >= 1);
    if let Some(c) = num("startColumn") {
        assert!(c >= 1, "{what}: startColumn >= 1");
    }
    if let Some(end_line) = num("endLine") {
        assert!(end_line >= start_line, "{what}: endLine >= startLine");
        if end_line == start_line {
            if let (Some(s), Some(e)) = (num("startColumn"), num("endColumn")) {
                assert!(e >= s, "{what}: endColumn >= startColumn");
            }
        }
    }
    for (k, v) in region {
        assert!(
            v.is_u64(),
            "{what}: region.{k} must be a non-negative integer"
        );
    }
}

/// Asserts the structure of a SARIF log; returns its results.
fn validate(log: &Value) -> Vec<Value> {
    obj(log, "log");
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let runs = log["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert!(
        ["utf16CodeUnits", "unicodeCodePoints"].contains(&run["columnKind"].as_str().unwrap()),
        "columnKind"
    );
    let driver = obj(&run["tool"]["driver"], "tool.driver");
    assert_eq!(driver["name"], "llmnotes");
    assert!(driver["informationUri"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    let rules = driver["rules"].as_array().expect("driver.rules");
    let mut ids = Vec::new();
    for r in rules {
        let id = r["id"].as_str().expect("rule.id");
        assert!(!ids.contains(&id), "rule ids are unique");
        ids.push(id);
        assert!(r["name"].is_string());
        text_message(&r["shortDescription"], "shortDescription");
        text_message(&r["fullDescription"], "fullDescription");
        text_message(&r["help"], "help");
        assert!(r["helpUri"].as_str().unwrap().starts_with("https://"));
        let level = r["defaultConfiguration"]["level"].as_str().unwrap();
        assert!(LEVELS.contains(&level), "{level}");
    }
    let expected_ids: Vec<&str> = llmnotes::rules::RULES.iter().map(|r| r.code).collect();
    assert_eq!(ids, expected_ids);
    let results = run["results"].as_array().expect("results").clone();
    for (i, res) in results.iter().enumerate() {
        let what = format!("results[{i}]");
        obj(res, &what);
        text_message(&res["message"], &format!("{what}.message"));
        let rule_id = res["ruleId"].as_str().expect("ruleId");
        let index = res["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(
            ids.get(index),
            Some(&rule_id),
            "{what}: ruleIndex points at ruleId"
        );
        assert!(LEVELS.contains(&res["level"].as_str().unwrap()));
        let locations = res["locations"].as_array().expect("locations");
        assert_eq!(locations.len(), 1);
        check_location(&locations[0], &what);
        if let Some(related) = res.get("relatedLocations") {
            for (j, r) in related.as_array().unwrap().iter().enumerate() {
                assert_eq!(r["id"].as_u64(), Some(j as u64));
                text_message(&r["message"], "relatedLocations.message");
                check_location(r, &format!("{what}.relatedLocations[{j}]"));
            }
        }
        if let Some(fixes) = res.get("fixes") {
            for fix in fixes.as_array().unwrap() {
                text_message(&fix["description"], "fix.description");
                let changes = fix["artifactChanges"].as_array().unwrap();
                assert!(!changes.is_empty());
                for c in changes {
                    assert!(c["artifactLocation"]["uri"].is_string());
                    let reps = c["replacements"].as_array().unwrap();
                    assert!(!reps.is_empty());
                    for rep in reps {
                        assert!(rep["deletedRegion"]["startLine"].as_u64().unwrap() >= 1);
                        assert!(rep["insertedContent"]["text"].is_string());
                    }
                }
            }
        }
    }
    results
}

fn sarif(args: &[&str]) -> Value {
    let mut full = vec!["check", "--format", "sarif"];
    full.extend_from_slice(args);
    let o = run(&fixtures().join("check"), &full);
    assert!(code(&o) <= 1, "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("SARIF is JSON")
}

#[test]
fn a_clean_run_is_a_valid_log_with_every_rule() {
    let log = sarif(&["clean.md"]);
    assert!(validate(&log).is_empty());
}

#[test]
fn results_are_valid_and_located_in_characters() {
    let log = sarif(&["gpt_family.md", "llama_family.md"]);
    let results = validate(&log);
    assert!(!results.is_empty());
    // The region of the GPT-2 data size covers exactly "45GB" in code points.
    let dir = fixtures().join("check");
    let hit = results
        .iter()
        .find(|r| {
            let loc = &r["locations"][0]["physicalLocation"];
            let text =
                std::fs::read_to_string(dir.join(loc["artifactLocation"]["uri"].as_str().unwrap()))
                    .unwrap();
            let reg = &loc["region"];
            let n = |k: &str| reg[k].as_u64().unwrap() as usize;
            span_text(
                &text,
                n("startLine"),
                n("startColumn"),
                n("endLine"),
                n("endColumn"),
            ) == "45GB"
        })
        .expect("a result at 45GB");
    assert_eq!(hit["ruleId"], "LN001");
    assert_eq!(hit["level"], "error");
}
