//! The folded view of a text that the alias automaton runs over: ASCII lower
//! case, short runs of separators (space, `-`, `_`) removed, with a map back to
//! original byte offsets. `GPT 2`, `gpt-2` and `GPT_2` all read `gpt2`.

use crate::kb::is_fold_separator;

/// Longest run of separators that folding removes; longer runs stay, so words
/// far apart never fuse into a name.
const MAX_SEPARATOR_RUN: usize = 3;

pub struct Folded {
    pub bytes: Vec<u8>,
    /// `map[i]` is the original byte offset of folded byte `i`; one extra entry
    /// at the end maps the folded length to the original length.
    map: Vec<u32>,
}

impl Folded {
    pub fn new(text: &str) -> Folded {
        let mut bytes = Vec::with_capacity(text.len());
        let mut map = Vec::with_capacity(text.len() + 1);
        let src = text.as_bytes();
        let mut i = 0;
        while i < src.len() {
            let b = src[i];
            if b < 0x80 {
                if is_fold_separator(b as char) {
                    let run_end = src[i..]
                        .iter()
                        .position(|&c| !(c < 0x80 && is_fold_separator(c as char)))
                        .map_or(src.len(), |p| i + p);
                    if run_end - i > MAX_SEPARATOR_RUN {
                        // Keep one space as a barrier.
                        bytes.push(b' ');
                        map.push(i as u32);
                    }
                    i = run_end;
                    continue;
                }
                bytes.push(b.to_ascii_lowercase());
                map.push(i as u32);
                i += 1;
            } else {
                // Copy a whole UTF-8 sequence; non-breaking space and dashes are
                // separators too.
                // `i` is always on a character boundary here.
                let ch = text[i..].chars().next().unwrap_or(' ');
                let end = i + ch.len_utf8();
                if is_fold_separator(ch) {
                    i = end;
                    continue;
                }
                for (k, &c) in src[i..end].iter().enumerate() {
                    bytes.push(c);
                    map.push((i + k) as u32);
                }
                i = end;
            }
        }
        map.push(src.len() as u32);
        Folded { bytes, map }
    }

    /// Original byte range of a folded range.
    pub fn original(&self, start: usize, end: usize) -> std::ops::Range<usize> {
        let s = self.map[start] as usize;
        // The end is just past the last folded byte's original byte.
        let e = if end == 0 {
            s
        } else {
            self.map[end - 1] as usize + 1
        };
        s..e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_and_separators_and_maps_back() {
        let text = "与GPT 2和gpt-2、Qwen1.5 - MoE - A2.7B";
        let f = Folded::new(text);
        let s = String::from_utf8(f.bytes.clone()).unwrap();
        assert_eq!(s, "与gpt2和gpt2、qwen1.5moea2.7b");
        let start = s.find("gpt2").unwrap();
        let r = f.original(start, start + 4);
        assert_eq!(&text[r], "GPT 2");
        let q = s.find("qwen").unwrap();
        let r = f.original(q, s.len());
        assert_eq!(&text[r], "Qwen1.5 - MoE - A2.7B");
    }

    #[test]
    fn long_separator_runs_stay_as_barriers() {
        let f = Folded::new("GPT     2");
        assert_eq!(f.bytes, b"gpt 2");
    }
}
