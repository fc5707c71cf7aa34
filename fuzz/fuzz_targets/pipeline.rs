//! `cargo +nightly fuzz run pipeline`: the whole per-document pipeline on
//! arbitrary bytes (lossily decoded), with the span invariants checked.
#![no_main]

use std::path::Path;
use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use llmnotes::config::Config;
use llmnotes::kb::Kb;
use llmnotes::Analyzer;

fn analyzer() -> &'static Analyzer {
    static A: OnceLock<Analyzer> = OnceLock::new();
    A.get_or_init(|| Analyzer::new(Arc::new(Kb::embedded()), Config::default()))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let a = analyzer();
    let path = Path::new("note.md");
    let d = a.analyze(path, Arc::from(text.as_ref()));
    let findings = a.findings(&[&d]);
    let ok = |s: &std::ops::Range<usize>| {
        s.start <= s.end
            && s.end <= text.len()
            && text.is_char_boundary(s.start)
            && text.is_char_boundary(s.end)
    };
    assert_eq!(d.structure.masked.len(), text.len());
    assert!(d.mentions.iter().all(|m| ok(&m.span)));
    assert!(d.mentions.windows(2).all(|w| w[0].span.end <= w[1].span.start));
    assert!(d.quantities.iter().all(|q| ok(&q.span)));
    assert!(d.claims.iter().all(|c| ok(&c.span)));
    assert!(findings.iter().all(|f| ok(&f.span)));
});
