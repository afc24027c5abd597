//! `resource.Quantity` (k8s.io/apimachinery/pkg/api/resource/quantity.go):
//! `<signedNumber><suffix>` where suffix is a binary SI (`Ki`…`Ei`), decimal SI (`n u m "" k M G T P E`)
//! or decimal exponent (`e3`, `E-2`). Values are kept exactly, in nano-units.
use std::fmt;

/// A quantity, exactly, in nano-units (values beyond about 1.7e29 units saturate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Quantity {
    nanos: i128,
}

/// Why a text is not a quantity: the three errors of `ParseQuantity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuantityError {
    /// `ErrFormatWrong`.
    FormatWrong,
    /// `ErrNumeric`.
    Numeric,
    /// `ErrSuffix`.
    Suffix,
}

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            QuantityError::FormatWrong => "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
            QuantityError::Numeric => "unable to parse numeric part of quantity",
            QuantityError::Suffix => "unable to parse quantity's suffix",
        })
    }
}

impl std::error::Error for QuantityError {}

/// How a quantity was written, which decides how it prints (`resource.Format`); arithmetic
/// keeps the format of the first non-zero operand (`Quantity.Add`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// `1e3`, `5E-2`.
    DecimalExponent,
    /// `Ki` … `Ei`.
    BinarySI,
    /// `n`, `u`, `m`, none, `k` … `E`.
    #[default]
    DecimalSI,
}

const NANO: i128 = 1_000_000_000;

/// `10^e` for `e` in 0..=38, `None` beyond.
fn pow10(e: u32) -> Option<i128> {
    10i128.checked_pow(e)
}

impl Quantity {
    /// Zero.
    pub const ZERO: Quantity = Quantity { nanos: 0 };

    /// A quantity of `m` thousandths.
    pub fn from_milli(m: i64) -> Self {
        Quantity {
            nanos: m as i128 * 1_000_000,
        }
    }
    /// A quantity of `v` units.
    pub fn from_units(v: i64) -> Self {
        Quantity {
            nanos: v as i128 * NANO,
        }
    }

    /// `resource.ParseQuantity` (surrounding whitespace is ignored, as `UnmarshalJSON` trims it).
    pub fn parse(s: &str) -> Result<Self, QuantityError> {
        Self::parse_with_format(s).map(|(q, _)| q)
    }

    /// Parses and tells how the quantity was written.
    pub fn parse_with_format(s: &str) -> Result<(Self, Format), QuantityError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(QuantityError::FormatWrong);
        }
        if s == "0" {
            return Ok((Quantity::ZERO, Format::DecimalSI));
        }
        let b = s.as_bytes();
        let mut pos = 0;
        let negative = match b[0] {
            b'-' => {
                pos = 1;
                true
            }
            b'+' => {
                pos = 1;
                false
            }
            _ => false,
        };
        while pos < b.len() && b[pos] == b'0' {
            pos += 1;
        }
        let num_start = pos;
        while pos < b.len() && b[pos].is_ascii_digit() {
            pos += 1;
        }
        let num = &s[num_start..pos];
        let mut denom = "";
        if pos < b.len() && b[pos] == b'.' {
            pos += 1;
            let d = pos;
            while pos < b.len() && b[pos].is_ascii_digit() {
                pos += 1;
            }
            denom = &s[d..pos];
        }
        let suffix_start = pos;
        while pos < b.len() && b"eEinumkKMGTP".contains(&b[pos]) {
            pos += 1;
        }
        if pos < b.len() && (b[pos] == b'-' || b[pos] == b'+') {
            pos += 1;
        }
        while pos < b.len() && b[pos].is_ascii_digit() {
            pos += 1;
        }
        if pos < b.len() {
            return Err(QuantityError::FormatWrong);
        }
        let suffix = &s[suffix_start..];
        let (exp10, exp2, format): (i64, u32, Format) = match suffix {
            "" => (0, 0, Format::DecimalSI),
            "n" => (-9, 0, Format::DecimalSI),
            "u" => (-6, 0, Format::DecimalSI),
            "m" => (-3, 0, Format::DecimalSI),
            "k" => (3, 0, Format::DecimalSI),
            "M" => (6, 0, Format::DecimalSI),
            "G" => (9, 0, Format::DecimalSI),
            "T" => (12, 0, Format::DecimalSI),
            "P" => (15, 0, Format::DecimalSI),
            "E" => (18, 0, Format::DecimalSI),
            "Ki" => (0, 10, Format::BinarySI),
            "Mi" => (0, 20, Format::BinarySI),
            "Gi" => (0, 30, Format::BinarySI),
            "Ti" => (0, 40, Format::BinarySI),
            "Pi" => (0, 50, Format::BinarySI),
            "Ei" => (0, 60, Format::BinarySI),
            e if e.len() > 1 && (e.starts_with('e') || e.starts_with('E')) => {
                let x: i64 = e[1..].parse().map_err(|_| QuantityError::Suffix)?;
                (x, 0, Format::DecimalExponent)
            }
            _ => return Err(QuantityError::Suffix),
        };
        let digits = format!("{num}{denom}");
        let digits = digits.trim_start_matches('0');
        // value = digits × 10^(exp10 − |denom|) × 2^exp2, in nanos, rounded away from zero.
        let e10 = exp10.saturating_sub(denom.len() as i64).saturating_add(9);
        let magnitude = magnitude(digits, e10, exp2);
        let mut format = format;
        if format == Format::BinarySI && magnitude > 0 && magnitude < NANO {
            format = Format::DecimalSI;
        }
        Ok((
            Quantity {
                nanos: if negative { -magnitude } else { magnitude },
            },
            format,
        ))
    }

    /// The canonical text of the quantity written in `format` (`Quantity.String()`):
    /// `1k` for `1000`, `1500m` for `1.5`, `1536Mi` for `1.5Gi`.
    pub fn canonical(&self, format: Format) -> String {
        if self.nanos == 0 {
            return "0".into();
        }
        let sign = if self.nanos < 0 { "-" } else { "" };
        let abs = self.nanos.unsigned_abs();
        if format == Format::BinarySI && abs >= 1024 * NANO as u128 && abs % NANO as u128 == 0 {
            let mut units = abs / NANO as u128;
            let mut e = 0;
            while e < 6 && units % 1024 == 0 {
                units /= 1024;
                e += 1;
            }
            let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][e];
            return format!("{sign}{units}{suffix}");
        }
        let mut mantissa = abs;
        let mut exp: i32 = -9;
        while mantissa % 10 == 0 {
            mantissa /= 10;
            exp += 1;
        }
        match exp.rem_euclid(3) {
            1 => {
                mantissa = mantissa.saturating_mul(10);
                exp -= 1;
            }
            2 => {
                mantissa = mantissa.saturating_mul(100);
                exp -= 2;
            }
            _ => {}
        }
        if format == Format::DecimalExponent {
            return if exp == 0 {
                format!("{sign}{mantissa}")
            } else {
                format!("{sign}{mantissa}e{exp}")
            };
        }
        while exp > 18 {
            mantissa = mantissa.saturating_mul(1000);
            exp -= 3;
        }
        let suffix = match exp {
            -9 => "n",
            -6 => "u",
            -3 => "m",
            3 => "k",
            6 => "M",
            9 => "G",
            12 => "T",
            15 => "P",
            18 => "E",
            _ => "",
        };
        format!("{sign}{mantissa}{suffix}")
    }

    /// `Quantity.MilliValue()`: rounded up to the next milli-unit.
    pub fn milli(&self) -> i64 {
        ceil_div(self.nanos, 1_000_000)
    }
    /// `Quantity.Value()`: rounded up to the next unit.
    pub fn value(&self) -> i64 {
        ceil_div(self.nanos, NANO)
    }
    pub fn is_negative(&self) -> bool {
        self.nanos < 0
    }
}

impl Quantity {
    /// The exact value in nano-units.
    pub fn nanos(&self) -> i128 {
        self.nanos
    }

    /// A quantity of `nanos` nano-units.
    pub fn from_nanos(nanos: i128) -> Quantity {
        Quantity { nanos }
    }

    /// `Quantity.RoundUp(0)`: rounded up to a whole unit.
    pub fn round_up_units(&self) -> Quantity {
        Quantity {
            nanos: i128::from(self.value()) * NANO,
        }
    }
}

fn ceil_div(a: i128, b: i128) -> i64 {
    let q = a.div_euclid(b) + i128::from(a.rem_euclid(b) != 0);
    q.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

/// `digits × 10^e10 × 2^exp2` rounded up to an integer, saturating at `i128::MAX`.
fn magnitude(digits: &str, e10: i64, exp2: u32) -> i128 {
    if digits.is_empty() {
        return 0;
    }
    let two = 1i128 << exp2;
    if e10 >= 0 {
        let Ok(e) = u32::try_from(e10) else {
            return i128::MAX;
        };
        let n: Option<i128> = digits.parse().ok();
        return n
            .zip(pow10(e))
            .and_then(|(n, p)| n.checked_mul(p))
            .and_then(|v| v.checked_mul(two))
            .unwrap_or(i128::MAX);
    }
    let k = usize::try_from(e10.unsigned_abs()).unwrap_or(usize::MAX);
    if exp2 == 0 {
        // Drop the last k digits, rounding up when any of them is not zero.
        if digits.len() <= k {
            return 1;
        }
        let (head, tail) = digits.split_at(digits.len() - k);
        let up = i128::from(tail.bytes().any(|c| c != b'0'));
        return head
            .parse::<i128>()
            .ok()
            .and_then(|h| h.checked_add(up))
            .unwrap_or(i128::MAX);
    }
    // Binary suffixes with more than nine decimals: multiply, then divide rounding up.
    let Some(p) = u32::try_from(k).ok().and_then(pow10) else {
        return 1;
    };
    match digits.parse::<i128>().ok().and_then(|n| n.checked_mul(two)) {
        Some(v) => v / p + i128::from(v % p != 0),
        None => i128::MAX,
    }
}

/// The canonical text of a quantity (`ParseQuantity(text).String()`), or the parse error.
pub fn canonical_string(text: &str) -> Result<String, QuantityError> {
    let (q, format) = Quantity::parse_with_format(text)?;
    Ok(q.canonical(format))
}

/// Formats milli-CPU as kubectl does for CPU (`250m`, `2`).
pub fn format_cpu_milli(m: i64) -> String {
    if m % 1000 == 0 {
        format!("{}", m / 1000)
    } else {
        format!("{m}m")
    }
}

/// The canonical `DecimalSI` text of a milli-value (`resource.NewMilliQuantity(m, DecimalSI)`):
/// the largest exponent of 1000 that keeps an integer mantissa (`500m`, `20`, `6667m`, `2k`).
pub fn format_milli_decimal_si(m: i64) -> String {
    if m == 0 {
        return "0".to_string();
    }
    let mut mantissa = i128::from(m);
    let mut exp = -3i32;
    while mantissa % 1000 == 0 && exp < 18 {
        mantissa /= 1000;
        exp += 3;
    }
    let suffix = match exp {
        -3 => "m",
        0 => "",
        3 => "k",
        6 => "M",
        9 => "G",
        12 => "T",
        15 => "P",
        _ => "E",
    };
    format!("{mantissa}{suffix}")
}

/// Formats bytes in the largest binary SI unit that divides them exactly (`512Mi`, `8Gi`).
pub fn format_bytes(b: i64) -> String {
    for (suffix, shift) in [
        ("Ei", 60),
        ("Pi", 50),
        ("Ti", 40),
        ("Gi", 30),
        ("Mi", 20),
        ("Ki", 10),
    ] {
        if b != 0 && b % (1i64 << shift) == 0 {
            return format!("{}{suffix}", b >> shift);
        }
    }
    b.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_upstream_examples() {
        let cases: &[(&str, i64, i64)] = &[
            // (text, milli value, value)
            ("250m", 250, 1),
            ("1", 1000, 1),
            ("0.5", 500, 1),
            ("1.5", 1500, 2),
            ("1e3", 1_000_000, 1000),
            ("1E3", 1_000_000, 1000),
            ("1Ki", 1_024_000, 1024),
            ("1Gi", 1_073_741_824_000, 1_073_741_824),
            ("128Mi", 134_217_728_000, 134_217_728),
            ("1M", 1_000_000_000, 1_000_000),
            ("100n", 1, 1),
            ("0", 0, 0),
            ("-1", -1000, -1),
            ("+2k", 2_000_000, 2000),
            (".5", 500, 1),
        ];
        for (text, milli, value) in cases {
            let q = Quantity::parse(text).unwrap_or_else(|_| panic!("{text} should parse"));
            assert_eq!(q.milli(), *milli, "milli of {text}");
            assert_eq!(q.value(), *value, "value of {text}");
        }
    }

    #[test]
    fn rejects_malformed_with_upstreams_errors() {
        // Outcomes of resource.ParseQuantity (quantity.go parseQuantityString / interpret).
        for (text, err) in [
            ("", QuantityError::FormatWrong),
            ("abc", QuantityError::FormatWrong),
            ("1.2.3", QuantityError::FormatWrong),
            ("1Zi", QuantityError::FormatWrong),
            ("1 Gi", QuantityError::FormatWrong),
            ("--1", QuantityError::Suffix),
            ("1e", QuantityError::Suffix),
            ("1Ki2", QuantityError::Suffix),
        ] {
            assert_eq!(Quantity::parse(text), Err(err), "{text}");
        }
        // Upstream reads these as zero.
        assert_eq!(Quantity::parse("m"), Ok(Quantity::ZERO));
        assert_eq!(Quantity::parse("."), Ok(Quantity::ZERO));
    }

    #[test]
    fn canonical_forms_as_quantity_string() {
        // From quantity_test.go TestQuantityParse / TestQuantityString.
        for (text, want) in [
            ("0", "0"),
            ("1000", "1k"),
            ("1200", "1200"),
            ("1500m", "1500m"),
            ("1.5", "1500m"),
            ("0.5", "500m"),
            ("2000m", "2"),
            ("1Gi", "1Gi"),
            ("1.5Gi", "1536Mi"),
            ("0.5Gi", "512Mi"),
            ("1024", "1024"),
            ("1000Mi", "1000Mi"),
            ("1e3", "1e3"),
            ("1e1", "10"),
            ("100n", "100n"),
            ("-1", "-1"),
            ("1E", "1E"),
            ("1000E", "1000E"),
            ("0.1Ki", "102400m"),
            ("1e-12", "1e-9"),
        ] {
            assert_eq!(canonical_string(text).as_deref(), Ok(want), "{text}");
        }
        assert!(Quantity::parse("1e1000000").is_ok());
        assert!(Quantity::parse(&"9".repeat(200)).is_ok());
    }

    #[test]
    fn canonical_text_follows_quantity_string() {
        // (input, canonical) as resource.Quantity.String() prints them (quantity_test.go
        // TestQuantityString, and the LimitRange docs: 1.5Gi → 1536Mi, 1.5 → 1500m).
        let cases = [
            ("1.5Gi", "1536Mi"),
            ("1Gi", "1Gi"),
            ("1024Mi", "1Gi"),
            ("1.5", "1500m"),
            ("800m", "800m"),
            ("2000", "2k"),
            ("1000Ki", "1000Ki"),
            ("100Ki", "100Ki"),
            ("512", "512"),
            ("0.5Ki", "512"),
            ("1e3", "1e3"),
            ("1e4", "10e3"),
            ("0", "0"),
            ("-1500m", "-1500m"),
            ("700Mi", "700Mi"),
            ("5Gi", "5Gi"),
            ("100n", "100n"),
        ];
        for (input, want) in cases {
            let (q, f) = Quantity::parse_with_format(input).unwrap();
            assert_eq!(q.canonical(f), want, "{input}");
        }
    }

    #[test]
    fn canonical_text_never_panics_on_extremes() {
        for nanos in [
            i128::MAX,
            i128::MIN,
            i128::MAX / 10 * 10,
            -(i128::MAX / 10 * 10),
        ] {
            for f in [Format::DecimalSI, Format::BinarySI, Format::DecimalExponent] {
                assert!(!Quantity::from_nanos(nanos).canonical(f).is_empty());
            }
        }
    }

    #[test]
    fn round_up_to_whole_units() {
        let q = Quantity::parse("1500m").unwrap().round_up_units();
        assert_eq!(q, Quantity::from_units(2));
    }

    #[test]
    fn formats_cpu_and_bytes() {
        assert_eq!(format_cpu_milli(250), "250m");
        assert_eq!(format_cpu_milli(2000), "2");
        assert_eq!(format_bytes(8 << 30), "8Gi");
        assert_eq!(format_bytes(1000), "1000");
        // resource.NewMilliQuantity(v, DecimalSI).String()
        for (m, text) in [
            (500, "500m"),
            (20_000, "20"),
            (6667, "6667m"),
            (2_000_000, "2k"),
            (0, "0"),
            (-1500, "-1500m"),
        ] {
            assert_eq!(format_milli_decimal_si(m), text);
        }
    }
}
