//! `resource.Quantity` (k8s.io/apimachinery/pkg/api/resource/quantity.go):
//! `<signedNumber><suffix>` where suffix is a binary SI (`Ki`…`Ei`), decimal SI (`n u m "" k M G T P E`)
//! or decimal exponent (`e3`, `E-2`). Values are kept exactly, in nano-units.
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Quantity {
    nanos: i128,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuantityError;

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The text of `resource.ErrFormatWrong`.
        f.write_str("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
    }
}

const NANO: i128 = 1_000_000_000;

impl Quantity {
    pub const ZERO: Quantity = Quantity { nanos: 0 };

    pub fn from_milli(m: i64) -> Self {
        Quantity {
            nanos: m as i128 * 1_000_000,
        }
    }
    pub fn from_units(v: i64) -> Self {
        Quantity {
            nanos: v as i128 * NANO,
        }
    }

    pub fn parse(s: &str) -> Result<Self, QuantityError> {
        let s = s.trim();
        if s.is_empty() || s.len() > 64 {
            return Err(QuantityError);
        }
        let bytes = s.as_bytes();
        let mut i = 0;
        let negative = match bytes[0] {
            b'-' => {
                i = 1;
                true
            }
            b'+' => {
                i = 1;
                false
            }
            _ => false,
        };
        let num_start = i;
        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
            i += 1;
        }
        let number = &s[num_start..i];
        let suffix = &s[i..];
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return Err(QuantityError);
        }
        let (int_part, frac_part) = number.split_once('.').unwrap_or((number, ""));
        // (multiplier numerator, power of ten) applied to the number.
        let (mul, exp10): (i128, i32) = match suffix {
            "" => (1, 0),
            "n" => (1, -9),
            "u" => (1, -6),
            "m" => (1, -3),
            "k" => (1, 3),
            "M" => (1, 6),
            "G" => (1, 9),
            "T" => (1, 12),
            "P" => (1, 15),
            "E" => (1, 18),
            "Ki" => (1 << 10, 0),
            "Mi" => (1 << 20, 0),
            "Gi" => (1 << 30, 0),
            "Ti" => (1 << 40, 0),
            "Pi" => (1 << 50, 0),
            "Ei" => (1 << 60, 0),
            e if e.starts_with(['e', 'E']) => {
                let x: i32 = e[1..].parse().map_err(|_| QuantityError)?;
                if !(-30..=30).contains(&x) {
                    return Err(QuantityError);
                }
                (1, x)
            }
            _ => return Err(QuantityError),
        };
        let digits = format!("{int_part}{frac_part}");
        let digits = digits.trim_start_matches('0');
        if digits.len() > 30 {
            return Err(QuantityError);
        }
        let mantissa: i128 = if digits.is_empty() {
            0
        } else {
            digits.parse().map_err(|_| QuantityError)?
        };
        // value = mantissa * 10^(exp10 - frac_len) * mul, expressed in nanos (×10^9), rounded up
        // to the nano as upstream rounds sub-nano precision up.
        let scale = exp10 - frac_part.len() as i32 + 9;
        let value = if scale >= 0 {
            10i128
                .checked_pow(scale as u32)
                .and_then(|p| mantissa.checked_mul(p))
                .and_then(|v| v.checked_mul(mul))
                .ok_or(QuantityError)?
        } else {
            let p = 10i128.checked_pow((-scale) as u32).ok_or(QuantityError)?;
            let v = mantissa.checked_mul(mul).ok_or(QuantityError)?;
            (v + p - 1) / p
        };
        Ok(Quantity {
            nanos: if negative { -value } else { value },
        })
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

/// `resource.Format`: how a quantity prints. Parsing picks it from the suffix (`Ki`… binary,
/// `e3` exponent, anything else decimal); arithmetic keeps the format of the first non-zero
/// operand (`Quantity.Add`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// `500m`, `2k`, `1M`.
    #[default]
    DecimalSI,
    /// `512Mi`, `1Gi`.
    BinarySI,
    /// `1e3`.
    DecimalExponent,
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

    /// `resource.ParseQuantity`: the value and the format its suffix implies.
    pub fn parse_with_format(s: &str) -> Result<(Quantity, Format), QuantityError> {
        let q = Quantity::parse(s)?;
        let suffix = s
            .trim()
            .trim_start_matches(['+', '-'])
            .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
        let format = if suffix.ends_with('i') {
            Format::BinarySI
        } else if suffix.starts_with(['e', 'E']) {
            Format::DecimalExponent
        } else {
            Format::DecimalSI
        };
        Ok((q, format))
    }

    /// `Quantity.RoundUp(0)`: rounded up to a whole unit.
    pub fn round_up_units(&self) -> Quantity {
        Quantity {
            nanos: i128::from(self.value()) * NANO,
        }
    }

    /// `Quantity.String()` (`CanonicalizeBytes`): the canonical text in `format`, as the API
    /// server prints a stored quantity (`1.5Gi` → `1536Mi`, `1.5` → `1500m`, `2000` → `2k`).
    pub fn canonical(&self, format: Format) -> String {
        if self.nanos == 0 {
            return "0".into();
        }
        let format = match format {
            Format::BinarySI
                if self.nanos.unsigned_abs() < 1024 * NANO as u128 || self.nanos % NANO != 0 =>
            {
                Format::DecimalSI
            }
            f => f,
        };
        if format == Format::BinarySI {
            let mut units = self.nanos / NANO;
            let mut exp = 0usize;
            while exp < 6 && units % 1024 == 0 {
                units /= 1024;
                exp += 1;
            }
            const BIN: [&str; 7] = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
            return format!("{units}{}", BIN[exp]);
        }
        // Base 10: strip factors of ten, then lower the exponent to a multiple of three.
        let (mut mantissa, mut exp) = (self.nanos, -9i32);
        while mantissa % 10 == 0 {
            mantissa /= 10;
            exp += 1;
        }
        // Values too large to scale down to a multiple of three keep their exponent.
        let down = exp.rem_euclid(3);
        if let Some(m) = mantissa.checked_mul(10i128.pow(down as u32)) {
            mantissa = m;
            exp -= down;
        }
        let suffix = match (format, exp) {
            (_, 0) => String::new(),
            (Format::DecimalSI, -9) => "n".into(),
            (Format::DecimalSI, -6) => "u".into(),
            (Format::DecimalSI, -3) => "m".into(),
            (Format::DecimalSI, 3) => "k".into(),
            (Format::DecimalSI, 6) => "M".into(),
            (Format::DecimalSI, 9) => "G".into(),
            (Format::DecimalSI, 12) => "T".into(),
            (Format::DecimalSI, 15) => "P".into(),
            (Format::DecimalSI, 18) => "E".into(),
            (_, e) => format!("e{e}"),
        };
        format!("{mantissa}{suffix}")
    }
}

fn ceil_div(a: i128, b: i128) -> i64 {
    let q = a.div_euclid(b) + i128::from(a.rem_euclid(b) != 0);
    q.clamp(i64::MIN as i128, i64::MAX as i128) as i64
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
    fn rejects_malformed() {
        for text in ["", "abc", "1.2.3", "1Zi", "m", "1 Gi", "--1", "1e", "."] {
            assert!(Quantity::parse(text).is_err(), "{text} should not parse");
        }
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
