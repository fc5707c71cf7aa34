//! Byte-level helpers for building `Structure::masked`: the initial all-blank
//! buffer, copying prose text in, front matter detection, bare URL and liquid tag
//! blanking, HTML comment scanning.
//!
//! The mask is built *positively*: it starts as all spaces (newlines kept) and only
//! the source bytes of pulldown-cmark `Text` events that are prose are copied in.
//! Everything pulldown-cmark does not report as text (markup, code, math, HTML,
//! link destinations, reference definitions, ...) therefore stays blank.

use std::ops::Range;

use super::Comment;

/// A buffer the length of `text`: `\n` and `\r` kept, every other byte a space.
pub(super) fn blank(text: &str) -> Vec<u8> {
    text.bytes()
        .map(|b| if b == b'\n' || b == b'\r' { b } else { b' ' })
        .collect()
}

/// Copies the prose of one `Text` event into `masked`.
///
/// `src` is the event's source range and `value` the text pulldown-cmark reports.
/// Usually they are the same bytes and are copied. When they differ because `src`
/// is a character reference (`&amp;`, `&nbsp;`, `&#20013;`) the reference is left
/// blank, so that every non-space byte of the mask is the original byte; any other
/// difference (a NUL that pulldown-cmark reports as U+FFFD) copies the source.
pub(super) fn copy_text(masked: &mut [u8], text: &str, src: Range<usize>, value: &str) {
    let Some(slice) = text.get(src.clone()) else {
        return;
    };
    let Some(dst) = masked.get_mut(src) else {
        return;
    };
    let same = (slice.as_ptr() == value.as_ptr() && slice.len() == value.len()) || slice == value;
    if same || !slice.starts_with('&') {
        dst.copy_from_slice(slice.as_bytes());
    }
}

/// Copies the source bytes of `src` into `masked` (prose that pulldown-cmark did
/// not report as text).
pub(super) fn copy_source(masked: &mut [u8], text: &str, src: Range<usize>) {
    if let (Some(slice), Some(dst)) = (text.get(src.clone()), masked.get_mut(src)) {
        dst.copy_from_slice(slice.as_bytes());
    }
}

/// Length of the front matter at the very start of `text` (YAML `---` ... `---`/`...`
/// or TOML `+++` ... `+++`, after an optional BOM), including its closing line's
/// line break; 0 when there is none. An unclosed opening fence is not front matter.
///
/// Done here rather than by pulldown-cmark because pulldown-cmark also accepts
/// metadata blocks in the middle of a document, where `---` is a thematic break.
pub(super) fn front_matter_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut pos = if bytes.starts_with("\u{feff}".as_bytes()) {
        3
    } else {
        0
    };
    let fence = match bytes.get(pos..pos + 3) {
        Some(b"---") => b'-',
        Some(b"+++") => b'+',
        _ => return 0,
    };
    let (first, next) = line_at(bytes, pos);
    if !is_fence_line(first, fence, false) {
        return 0;
    }
    pos = next;
    while pos < bytes.len() {
        let (line, next) = line_at(bytes, pos);
        if is_fence_line(line, fence, true) {
            return next;
        }
        pos = next;
    }
    0
}

/// The line starting at `pos` (without its line break) and the start of the next.
fn line_at(bytes: &[u8], pos: usize) -> (&[u8], usize) {
    let rest = bytes.get(pos..).unwrap_or_default();
    match rest.iter().position(|&b| b == b'\n') {
        Some(i) => (&rest[..i], pos + i + 1),
        None => (rest, bytes.len()),
    }
}

fn is_fence_line(line: &[u8], fence: u8, closing: bool) -> bool {
    let body = line.trim_ascii_end();
    body == [fence; 3] || (closing && fence == b'-' && body == b"...")
}

/// Blanks, in prose, bare URLs (`https://...`, `http://...`, `www.x...`),
/// Hexo/Jekyll liquid tags (`{% ... %}` on one line), and runs of `**` / `~~` left
/// as text by emphasis that CommonMark's flanking rules did not close (common next
/// to CJK punctuation: `**结构：**与`).
///
/// Left to right, each match skipping past its end. Every match starts at, or a
/// few letters before, a rare anchor byte: the `:` of `://` (after `https`,
/// `http`, `ftp`), the `.` of `www.`, or `*`, `~`, `{`. So the scan jumps from
/// anchor to anchor with `memchr` instead of looking at every byte; the
/// candidate starts come out in increasing order (a scheme's letters hold no
/// anchor byte), and each is decided exactly as a byte-by-byte scan would.
pub(super) fn blank_urls_and_liquid(masked: &mut [u8]) {
    // Start of the bytes not yet consumed by a match.
    let mut i = 0;
    // A `{%` before this offset is known to have no `%}` later on its line (keeps
    // a line full of `{%` linear).
    let mut liquid_open_until = 0;
    // Where to look for the next anchor, and the next hit of each search (the
    // frequent `.` apart from the rare rest; a hit stays valid until passed, as
    // blanking never creates an anchor). `n` stands for "no more hits", so a
    // search that found nothing is never repeated (that kept `. . . ` with no
    // rare anchor, or `{%{%` with no dot, quadratic).
    let n = masked.len();
    let next_hit = |m: &[u8], from: usize, find: fn(&[u8]) -> Option<usize>| {
        m.get(from..).and_then(find).map_or(n, |k| from + k)
    };
    let mut from = 0;
    let mut dots: Option<usize> = None;
    let mut rare: Option<usize> = None;
    loop {
        if dots.is_none_or(|d| d < from) {
            dots = Some(next_hit(masked, from, |m| memchr::memchr2(b'.', b'~', m)));
        }
        if rare.is_none_or(|r| r < from) {
            rare = Some(next_hit(masked, from, |m| {
                memchr::memchr3(b':', b'*', b'{', m)
            }));
        }
        let p = dots.unwrap_or(n).min(rare.unwrap_or(n));
        if p >= n {
            break;
        }
        from = p + 1;
        let Some(start) = candidate(masked, p).filter(|&c| c >= i) else {
            continue;
        };
        let b = masked[start];
        let next = match b {
            b'h' | b'H' | b'w' | b'W' | b'f' | b'F' => url_end(masked, start),
            b'*' | b'~' if masked.get(start + 1) == Some(&b) => {
                let mut end = start + 2;
                while masked.get(end) == Some(&b) {
                    end += 1;
                }
                Some(end)
            }
            b'{' if start >= liquid_open_until && masked.get(start + 1) == Some(&b'%') => {
                match liquid_end(masked, start) {
                    Ok(end) => Some(end),
                    Err(line_end) => {
                        liquid_open_until = line_end;
                        None
                    }
                }
            }
            _ => None,
        };
        if let Some(end) = next {
            blank_range(masked, start..end);
            i = end;
            from = from.max(end);
        }
    }
}

/// Where a match may start given the anchor byte at `p`: the scheme before a
/// `://`, the `www` before a `.`, or `p` itself for `*`, `~`, `{`.
fn candidate(m: &[u8], p: usize) -> Option<usize> {
    let before = |len: usize, word: &[u8]| {
        p.checked_sub(len)
            .filter(|&s| m[s..p].eq_ignore_ascii_case(word))
    };
    match m[p] {
        b'.' => before(3, b"www"),
        b':' if m.get(p + 1..p + 3) == Some(b"//") => before(5, b"https")
            .or_else(|| before(4, b"http"))
            .or_else(|| before(3, b"ftp")),
        b'*' | b'~' | b'{' => Some(p),
        _ => None,
    }
}

/// If a bare URL starts at `i`, where it ends (trailing punctuation excluded).
fn url_end(m: &[u8], i: usize) -> Option<usize> {
    if i > 0 && (m[i - 1].is_ascii_alphanumeric() || m[i - 1] == b'.' || m[i - 1] == b'/') {
        return None;
    }
    let rest = &m[i..];
    let scheme = ["https://", "http://", "ftp://", "www."]
        .into_iter()
        .find(|p| rest.len() > p.len() && rest[..p.len()].eq_ignore_ascii_case(p.as_bytes()))?;
    // Something URL-like must follow the scheme.
    let first = rest[scheme.len()];
    if !(first.is_ascii_alphanumeric() || first == b'[') {
        return None;
    }
    let mut end = i + scheme.len();
    let (mut open, mut close) = (0usize, 0usize);
    while end < m.len() {
        let c = m[end];
        if c.is_ascii_whitespace()
            || c >= 0x80
            || c.is_ascii_control()
            || matches!(c, b'<' | b'>' | b'"' | b'`')
        {
            break;
        }
        match c {
            b'(' => open += 1,
            b')' => close += 1,
            _ => {}
        }
        end += 1;
    }
    // Trailing punctuation belongs to the sentence, unbalanced `)` to the prose.
    while end > i + scheme.len() {
        let c = m[end - 1];
        if matches!(
            c,
            b'.' | b',' | b';' | b':' | b'!' | b'?' | b'\'' | b'*' | b'_' | b'~'
        ) || (c == b')' && close > open)
        {
            if c == b')' {
                close -= 1;
            }
            end -= 1;
        } else {
            break;
        }
    }
    Some(end)
}

/// If the liquid tag `{% ... %}` starting at `i` closes on the same line, its end;
/// otherwise `Err` with the end of the line.
fn liquid_end(m: &[u8], i: usize) -> Result<usize, usize> {
    let mut j = i + 2;
    while j + 1 < m.len() {
        match m[j] {
            b'\n' | b'\r' => return Err(j),
            b'%' if m[j + 1] == b'}' => return Ok(j + 2),
            _ => j += 1,
        }
    }
    Err(m.len())
}

/// Blanks `range` in `masked`, keeping line breaks. Callers only pass ranges that
/// start and end on char boundaries, so whole chars become spaces.
pub(super) fn blank_range(masked: &mut [u8], range: Range<usize>) {
    if let Some(dst) = masked.get_mut(range) {
        for b in dst {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
    }
}

/// Records every `<!-- ... -->` found in `text[range]` (an HTML block or inline
/// HTML). A comment left open runs to the end of the range.
pub(super) fn scan_comments(text: &str, range: Range<usize>, out: &mut Vec<Comment>) {
    let Some(hay) = text.get(range.clone()) else {
        return;
    };
    let base = range.start;
    let mut from = 0;
    while let Some(rel) = hay.get(from..).and_then(|h| h.find("<!--")) {
        let open = from + rel;
        let body_start = open + 4;
        let rest = &hay[body_start..];
        // CommonMark: `<!-->` and `<!--->` are complete (empty) comments.
        let (body_end, end) = if rest.starts_with('>') {
            (body_start, body_start + 1)
        } else if rest.starts_with("->") {
            (body_start, body_start + 2)
        } else {
            match rest.find("-->") {
                Some(k) => (body_start + k, body_start + k + 3),
                None => (hay.len(), hay.len()),
            }
        };
        let body = &hay[body_start..body_end];
        let lead = body.len() - body.trim_start().len();
        let trimmed = body.trim();
        let b0 = base + body_start + lead;
        out.push(Comment {
            span: base + open..base + end,
            body: b0..b0 + trimmed.len(),
        });
        from = end;
    }
}

/// `range` with trailing ASCII whitespace removed, looking back at most `cap` bytes.
pub(super) fn trim_end(text: &str, range: Range<usize>, cap: usize) -> Range<usize> {
    let bytes = text.as_bytes();
    let mut end = range.end.min(bytes.len());
    let floor = range.start.max(end.saturating_sub(cap));
    while end > floor && bytes[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    range.start.min(end)..end
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The plain definition: look at every byte that can start a match.
    fn blank_urls_and_liquid_plain(masked: &mut [u8]) {
        const STARTS: [bool; 256] = crate::text::byte_set(b"hHwWfF*~{");
        let mut i = 0;
        let n = masked.len();
        let mut liquid_open_until = 0;
        while i < n {
            match masked[i..].iter().position(|&c| STARTS[usize::from(c)]) {
                Some(k) => i += k,
                None => break,
            }
            let b = masked[i];
            let next = match b {
                b'h' | b'H' | b'w' | b'W' | b'f' | b'F' => url_end(masked, i),
                b'*' | b'~' if masked.get(i + 1) == Some(&b) => {
                    let mut end = i + 2;
                    while masked.get(end) == Some(&b) {
                        end += 1;
                    }
                    Some(end)
                }
                b'{' if i >= liquid_open_until && masked.get(i + 1) == Some(&b'%') => {
                    match liquid_end(masked, i) {
                        Ok(end) => Some(end),
                        Err(line_end) => {
                            liquid_open_until = line_end;
                            None
                        }
                    }
                }
                _ => None,
            };
            match next {
                Some(end) => {
                    blank_range(masked, i..end);
                    i = end;
                }
                None => i += 1,
            }
        }
    }

    fn both(text: &[u8]) -> (Vec<u8>, Vec<u8>) {
        let (mut fast, mut plain) = (text.to_vec(), text.to_vec());
        blank_urls_and_liquid(&mut fast);
        blank_urls_and_liquid_plain(&mut plain);
        (fast, plain)
    }

    #[test]
    fn url_blanking_matches_the_plain_scan_on_samples() {
        for text in [
            "see https://a.com/x).",
            "**https://a.com**x www.b.org, ftp://c.d http://e",
            "HtTpS://A.b WWW.x wWw.y xwww.z .www.q /http://a",
            "a{% tag %}b {% open\n%} {%{% x %}",
            "***~~~~~**~ ~",
            "https://a.comhttps://b.com www.www.x",
            "https:// http://[x] ftp://.a ://a s://a",
            "中文https://a.com中文 www.中",
        ] {
            let (fast, plain) = both(text.as_bytes());
            assert_eq!(fast, plain, "{text}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn url_blanking_matches_the_plain_scan(
            text in "(https?://|ftp://|[wW]{1,3}\\.|://|\\*\\*?|~~?|\\{%|%\\}|[hHtTpPsSfFwW:/.a1 \\n\\r\\[(){}%*~中])*"
        ) {
            let (fast, plain) = both(text.as_bytes());
            prop_assert_eq!(fast, plain);
        }

        #[test]
        fn url_blanking_matches_the_plain_scan_on_any_bytes(
            text in proptest::collection::vec(any::<u8>(), 0..60)
        ) {
            let (fast, plain) = both(&text);
            prop_assert_eq!(fast, plain);
        }
    }
}
