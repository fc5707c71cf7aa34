//! Numbers as the KB writes them: `50257`, `"124M"`, `"1.5B"`, `"14.8T"`, `"40GB"`.

/// Parses a KB number string. Letter suffixes are decimal: K 1e3, M 1e6, B 1e9,
/// T 1e12; byte suffixes KB/MB/GB/TB/PB are decimal too (as papers report them).
pub fn parse_number(s: &str) -> Result<f64, String> {
    let t = s.trim().replace(['_', ','], "");
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (digits, suffix) = t.split_at(split);
    if digits.is_empty() {
        return Err(format!("`{s}` is not a number"));
    }
    let base: f64 = digits
        .parse()
        .map_err(|_| format!("`{s}` is not a number"))?;
    let mult = match suffix.trim() {
        "" => 1.0,
        "K" | "KB" => 1e3,
        "M" | "MB" => 1e6,
        "B" | "GB" => 1e9,
        "T" | "TB" => 1e12,
        "PB" => 1e15,
        other => {
            return Err(format!(
                "`{s}`: unknown suffix `{other}` (use K, M, B, T, or KB, MB, GB, TB, PB)"
            ))
        }
    };
    Ok(base * mult)
}

/// Formats a value for messages in the style notes use: 175B, 1.5B, 124M, 40GB,
/// 14.8T tokens, 8192.
pub fn format_value(attr: super::Attribute, v: f64) -> String {
    use super::Attribute::*;
    match attr {
        TrainingBytes => scaled(v, &[(1e15, "PB"), (1e12, "TB"), (1e9, "GB"), (1e6, "MB")]),
        TrainingTokens => format!(
            "{} tokens",
            scaled(v, &[(1e12, "T"), (1e9, "B"), (1e6, "M")])
        ),
        Params | ActiveParams | TrainingDocuments => {
            scaled(v, &[(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")])
        }
        _ => trim_float(v),
    }
}

fn scaled(v: f64, steps: &[(f64, &str)]) -> String {
    for (m, s) in steps {
        if v >= *m {
            return format!("{}{s}", trim_float(v / m));
        }
    }
    trim_float(v)
}

fn trim_float(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::Attribute;

    #[test]
    fn parses_suffixes() {
        assert_eq!(parse_number("124M").unwrap(), 124e6);
        assert_eq!(parse_number("1.5B").unwrap(), 1.5e9);
        assert_eq!(parse_number("14.8T").unwrap(), 14.8e12);
        assert_eq!(parse_number("40GB").unwrap(), 40e9);
        assert_eq!(parse_number("50,257").unwrap(), 50257.0);
        assert!(parse_number("12 layers").is_err());
        assert!(parse_number("").is_err());
    }

    #[test]
    fn formats_like_notes() {
        assert_eq!(format_value(Attribute::Params, 175e9), "175B");
        assert_eq!(format_value(Attribute::Params, 1.5e9), "1.5B");
        assert_eq!(format_value(Attribute::TrainingBytes, 40e9), "40GB");
        assert_eq!(
            format_value(Attribute::TrainingTokens, 14.8e12),
            "14.8T tokens"
        );
        assert_eq!(format_value(Attribute::Context, 8192.0), "8192");
    }
}
