//! The committed TextMate grammar must equal what `llmnotes::grammar` generates
//! from the embedded KB. After changing `kb/` (or `src/grammar.rs`) run
//! `UPDATE_GRAMMAR=1 cargo test --test grammar_current` and commit the result.

use std::path::Path;

#[test]
fn committed_grammar_is_current() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("grammars/llmnotes.markdown.tmLanguage.json");
    let generated = llmnotes::grammar::textmate_grammar(&llmnotes::kb::Kb::embedded());
    if std::env::var_os("UPDATE_GRAMMAR").is_some() {
        std::fs::write(&path, &generated).expect("write grammar");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        panic!(
            "{} is out of date with the KB; run `UPDATE_GRAMMAR=1 cargo test --test grammar_current` and commit it",
            path.display()
        );
    }
}
