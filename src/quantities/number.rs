//! Digits, magnitudes and the stated-precision interval.

use super::lex::{at, at_ci, digit_at, digit_run, pow10, scale10, skip_spaces, skip_word, word_at};
use super::{Bound, Magnitude, Number, Unit};

/// More significant digits than this is not a quantity anyone states in prose.
const MAX_DIGITS: u32 = 18;

/// The digits of a number: `1.17`, `2,304`, `3,0000`, `1,000,000`, `８１９２`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Digits {
    pub end: usize,
    /// All the digits as an integer (`1.17` → 117).
    pub mant: f64,
    /// Digits after the decimal point.
    pub frac: i32,
    /// Trailing zeros of an integer (0 when `frac > 0`).
    pub tz: i32,
    pub all_zero: bool,
}

struct Acc {
    mant: f64,
    n: u32,
    tz: i32,
    nonzero: bool,
}

impl Acc {
    fn push_run(&mut self, b: &[u8], mut i: usize) -> usize {
        while let Some((d, len)) = digit_at(b, i) {
            self.n += 1;
            if self.n <= MAX_DIGITS {
                self.mant = self.mant * 10.0 + f64::from(d);
            }
            if d == 0 {
                self.tz += 1;
            } else {
                self.tz = 0;
                self.nonzero = true;
            }
            i += len;
        }
        i
    }
}

/// Parses the digits at `s` (a digit). `Err(skip)` when they are not a number
/// (version `1.2.3`, IP, `3.x`, too many digits): resume scanning at `skip`.
pub(super) fn parse_digits(b: &[u8], s: usize) -> Result<Digits, usize> {
    let mut acc = Acc {
        mant: 0.0,
        n: 0,
        tz: 0,
        nonzero: false,
    };
    let (_, n1) = digit_run(b, s);
    let mut i = acc.push_run(b, s);
    // Digit grouping: Western `1,000,000` / `2,304` or Chinese `3,0000`. The first
    // group after the comma fixes the group size (3 or 4); every later group must
    // have exactly that many digits.
    if b.get(i) == Some(&b',') {
        let (_, g) = digit_run(b, i + 1);
        if (g == 3 || g == 4) && n1 <= g {
            while b.get(i) == Some(&b',') {
                let (_, n) = digit_run(b, i + 1);
                if n != g {
                    break;
                }
                i = acc.push_run(b, i + 1);
            }
        }
    }
    let mut frac = 0;
    if b.get(i) == Some(&b'.') && digit_at(b, i + 1).is_some() {
        let before = acc.n;
        i = acc.push_run(b, i + 1);
        frac = (acc.n - before) as i32;
        // `1.2.3`, `192.168.1.1`: a version or an address, not a number.
        if b.get(i) == Some(&b'.') && digit_at(b, i + 1).is_some() {
            return Err(skip_word(b, s).max(i));
        }
    }
    // `3.x`, `1.5.beta`
    if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
        return Err(skip_word(b, s).max(i));
    }
    if acc.n > MAX_DIGITS {
        return Err(skip_word(b, s).max(i));
    }
    Ok(Digits {
        end: i,
        mant: acc.mant,
        frac,
        tz: if frac > 0 { 0 } else { acc.tz },
        all_zero: !acc.nonzero,
    })
}

/// A magnitude as written, with what it means.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Mag {
    pub m: Magnitude,
    /// Decimal exponent of the multiplier.
    pub exp: i32,
    /// Power of 1024 for the binary reading (0: none).
    pub bin: i32,
    /// `GiB`-style: the binary reading *is* the value.
    pub bin_value: bool,
    /// A unit implied by the magnitude token (`GB` → Bytes).
    pub unit: Unit,
}

pub(super) const NO_MAG: Mag = Mag {
    m: Magnitude::None,
    exp: 0,
    bin: 0,
    bin_value: false,
    unit: Unit::None,
};

const fn mag(m: Magnitude, exp: i32, bin: i32, bin_value: bool, unit: Unit) -> Mag {
    Mag {
        m,
        exp,
        bin,
        bin_value,
        unit,
    }
}

use Magnitude as M;

/// Letter magnitudes glued to the digits (case-sensitive), longest first within a
/// shared prefix. Each must end at an identifier boundary (`12BERT`, `4kg` fail).
const LETTER_MAGS: &[(&str, Mag)] = &[
    ("KiB", mag(M::K, 3, 1, true, Unit::Bytes)),
    ("MiB", mag(M::M, 6, 2, true, Unit::Bytes)),
    ("GiB", mag(M::G, 9, 3, true, Unit::Bytes)),
    ("TiB", mag(M::T, 12, 4, true, Unit::Bytes)),
    ("PiB", mag(M::P, 15, 5, true, Unit::Bytes)),
    ("KB", mag(M::K, 3, 1, false, Unit::Bytes)),
    ("kB", mag(M::K, 3, 1, false, Unit::Bytes)),
    ("MB", mag(M::M, 6, 2, false, Unit::Bytes)),
    ("GB", mag(M::G, 9, 3, false, Unit::Bytes)),
    ("TB", mag(M::T, 12, 4, false, Unit::Bytes)),
    ("PB", mag(M::P, 15, 5, false, Unit::Bytes)),
    ("Bn", mag(M::B, 9, 0, false, Unit::None)),
    ("bn", mag(M::B, 9, 0, false, Unit::None)),
    ("K", mag(M::K, 3, 1, false, Unit::None)),
    ("k", mag(M::K, 3, 1, false, Unit::None)),
    ("M", mag(M::M, 6, 2, false, Unit::None)),
    ("m", mag(M::M, 6, 2, false, Unit::None)),
    ("B", mag(M::B, 9, 0, false, Unit::None)),
    ("b", mag(M::B, 9, 0, false, Unit::None)),
    ("G", mag(M::G, 9, 3, false, Unit::None)),
    ("T", mag(M::T, 12, 4, false, Unit::None)),
    ("P", mag(M::P, 15, 5, false, Unit::None)),
];

/// Byte units allowed after a space (`40 GB`); single letters are not.
const SPACED_BYTE_MAGS: usize = 11;

/// English magnitude words (case-insensitive, word boundary after).
const WORD_MAGS: &[(&str, Mag)] = &[
    ("thousand", mag(M::K, 3, 0, false, Unit::None)),
    ("million", mag(M::M, 6, 0, false, Unit::None)),
    ("billion", mag(M::B, 9, 0, false, Unit::None)),
    ("trillion", mag(M::T, 12, 0, false, Unit::None)),
];

/// Chinese magnitudes, longest first. Compound ones map to the nearest variant
/// with the exact exponent: 万亿 → T (1e12), 千亿 → Yi (1e11), 百万 → M, 千万 → Wan
/// (1e7), 十万 → Wan (1e5).
const CJK_MAGS: &[(&str, Mag)] = &[
    ("万亿", mag(M::T, 12, 0, false, Unit::None)),
    ("千亿", mag(M::Yi, 11, 0, false, Unit::None)),
    ("百亿", mag(M::Yi, 10, 0, false, Unit::None)),
    ("十亿", mag(M::Yi, 9, 0, false, Unit::None)),
    ("千万", mag(M::Wan, 7, 0, false, Unit::None)),
    ("百万", mag(M::M, 6, 0, false, Unit::None)),
    ("十万", mag(M::Wan, 5, 0, false, Unit::None)),
    ("亿", mag(M::Yi, 8, 0, false, Unit::None)),
    ("万", mag(M::Wan, 4, 0, false, Unit::None)),
    ("千", mag(M::Qian, 3, 0, false, Unit::None)),
];

/// The magnitude right after the digits ending at `i`, if any, and its end.
pub(super) fn parse_mag(b: &[u8], i: usize) -> Option<(Mag, usize)> {
    if b.get(i).is_some_and(u8::is_ascii_alphabetic) {
        for (pat, m) in LETTER_MAGS {
            let end = i + pat.len();
            if at(b, i, pat.as_bytes()) && !word_at(b, end) {
                return Some((*m, end));
            }
        }
    }
    let j = skip_spaces(b, i, 2);
    for (pat, m) in CJK_MAGS {
        if at(b, j, pat.as_bytes()) {
            return Some((*m, j + pat.len()));
        }
    }
    if j > i {
        for (pat, m) in &LETTER_MAGS[..SPACED_BYTE_MAGS] {
            let end = j + pat.len();
            if at(b, j, pat.as_bytes()) && !word_at(b, end) {
                return Some((*m, end));
            }
        }
    }
    for (pat, m) in WORD_MAGS {
        let end = j + pat.len();
        if at_ci(b, j, pat.as_bytes()) && !word_at(b, end) {
            return Some((*m, end));
        }
    }
    None
}

/// Builds the number: value, stated-precision interval, binary reading,
/// approximation widening. `None` if anything is not finite.
pub(super) fn build(
    d: &Digits,
    mag: &Mag,
    unit: Unit,
    approx: bool,
    bound: Bound,
) -> Option<Number> {
    // Half-width of the interval, in units of the last written digit (doubled).
    let step = if d.frac > 0 {
        1.0
    } else if d.all_zero {
        if mag.exp == 0 {
            0.0
        } else {
            1.0
        }
    } else if d.tz > 0 {
        pow10(d.tz)
    } else if mag.exp == 0 {
        0.0
    } else {
        1.0
    };
    let e = mag.exp - d.frac;
    let mut value = scale10(d.mant, e);
    let mut lo = scale10(2.0 * d.mant - step, e) / 2.0;
    let mut hi = scale10(2.0 * d.mant + step, e) / 2.0;
    let mut binary = None;
    if mag.bin > 0 {
        let f = 1024f64.powi(mag.bin);
        let bv = scale10(d.mant * f, -d.frac);
        let blo = scale10((2.0 * d.mant - step) * f, -d.frac) / 2.0;
        let bhi = scale10((2.0 * d.mant + step) * f, -d.frac) / 2.0;
        if mag.bin_value {
            value = bv;
            lo = blo;
            hi = bhi;
        }
        binary = Some((bv, blo, bhi));
    }
    if approx {
        (lo, hi) = widen(value, lo, hi);
    }
    let binary = binary.map(|(bv, blo, bhi)| {
        if approx {
            widen(bv, blo, bhi)
        } else {
            (blo, bhi)
        }
    });
    let finite =
        value.is_finite() && lo.is_finite() && hi.is_finite() && binary.is_none_or_finite();
    finite.then_some(Number {
        value,
        lo,
        hi,
        binary,
        magnitude: mag.m,
        unit,
        approx,
        bound,
    })
}

/// Widens to at least ±10% of the value.
fn widen(v: f64, lo: f64, hi: f64) -> (f64, f64) {
    let d = v.abs() / 10.0;
    (lo.min(v - d), hi.max(v + d))
}

trait FiniteOpt {
    fn is_none_or_finite(&self) -> bool;
}

impl FiniteOpt for Option<(f64, f64)> {
    fn is_none_or_finite(&self) -> bool {
        match self {
            None => true,
            Some((a, b)) => a.is_finite() && b.is_finite(),
        }
    }
}
