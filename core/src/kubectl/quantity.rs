//! `resource.Quantity.String()` as the API server prints quantities it parsed
//! (k8s.io/apimachinery/pkg/api/resource quantity.go `CanonicalizeBytes`, amount.go
//! `AsCanonicalBytes`): the format of the text it was parsed from (binary SI, decimal SI or
//! decimal exponent), the mantissa an integer and the exponent a multiple of three
//! (`1.5` → `1500m`, `2000` → `2k`, `1024Mi` → `1Gi`, `1.5Gi` → `1536Mi`).
use crate::api::Quantity;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    BinarySI,
    DecimalSI,
    DecimalExponent,
}

/// A parsed quantity with the format it was written in, for the sums describers print
/// (`Quantity.Add` keeps the format of the left operand unless it is zero).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amount {
    nanos: i128,
    format: Format,
}

impl Default for Amount {
    fn default() -> Self {
        Amount {
            nanos: 0,
            format: Format::DecimalSI,
        }
    }
}

impl Amount {
    /// Parses a quantity (`None` when it does not parse).
    pub fn parse(text: &str) -> Option<Amount> {
        Quantity::parse(text).ok()?;
        let nanos = nanos_of(text)?;
        let suffix = text
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
        Some(Amount { nanos, format })
    }

    /// Reads a quantity field (string or number); zero when absent or malformed.
    pub fn of(v: &crate::api::Value) -> Amount {
        match v {
            crate::api::Value::String(s) => Amount::parse(s).unwrap_or_default(),
            crate::api::Value::Number(n) => Amount::parse(&n.to_string()).unwrap_or_default(),
            _ => Amount::default(),
        }
    }

    /// `Quantity.Add` (saturating).
    pub fn add(&mut self, o: Amount) {
        if self.nanos == 0 {
            self.format = o.format;
        }
        self.nanos = self.nanos.saturating_add(o.nanos);
    }

    /// `MilliValue()`, rounded up.
    pub fn milli(&self) -> i64 {
        ceil_div(self.nanos, 1_000_000)
    }

    /// `Value()`, rounded up.
    pub fn value(&self) -> i64 {
        ceil_div(self.nanos, 1_000_000_000)
    }

    /// `NewQuantity(q.Value(), o.Format)` when the formats differ (describeQuota).
    pub fn in_format_of(self, o: &Amount) -> Amount {
        if self.format == o.format {
            return self;
        }
        Amount {
            nanos: i128::from(self.value()) * 1_000_000_000,
            format: o.format,
        }
    }

    /// Whether `self < o`.
    pub fn less(&self, o: &Amount) -> bool {
        self.nanos < o.nanos
    }
}

fn ceil_div(a: i128, b: i128) -> i64 {
    let q = a.div_euclid(b) + i128::from(a.rem_euclid(b) != 0);
    i64::try_from(q).unwrap_or(if q < 0 { i64::MIN } else { i64::MAX })
}

impl std::fmt::Display for Amount {
    /// `Quantity.String()` (`CanonicalizeBytes`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&format_nanos(self.nanos, self.format))
    }
}

/// The canonical text of a quantity string; the input unchanged when it does not parse.
pub fn canonical(text: &str) -> String {
    match Amount::parse(text) {
        Some(a) => a.to_string(),
        None => text.to_string(),
    }
}

fn format_nanos(nanos: i128, format: Format) -> String {
    if nanos == 0 {
        return "0".into();
    }
    const NANO: i128 = 1_000_000_000;
    if format == Format::BinarySI && nanos.abs() >= 1024 * NANO && nanos % NANO == 0 {
        let mut value = nanos / NANO;
        let mut exp = 0;
        while exp < 6 && value % 1024 == 0 {
            value /= 1024;
            exp += 1;
        }
        let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][exp];
        return format!("{value}{suffix}");
    }
    // Decimal: strip factors of ten, then bring the exponent down to a multiple of three.
    let mut mantissa = nanos;
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
            mantissa.to_string()
        } else {
            format!("{mantissa}e{exp}")
        };
    }
    let suffix = match exp {
        -9 => "n",
        -6 => "u",
        -3 => "m",
        0 => "",
        3 => "k",
        6 => "M",
        9 => "G",
        12 => "T",
        15 => "P",
        18 => "E",
        _ => return format!("{mantissa}e{exp}"),
    };
    format!("{mantissa}{suffix}")
}

/// The exact value in nano-units (rounded up below a nano, as the API server does).
fn nanos_of(text: &str) -> Option<i128> {
    let t = text.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, suffix) = t.split_at(split);
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    // number = digits * 10^-(frac digits)
    let digits: i128 = format!("{int}{frac}").parse().ok()?;
    let mut exp10: i32 = -(i32::try_from(frac.len()).ok()?);
    let mut mult: i128 = 1;
    match suffix {
        "" => {}
        "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" => {
            let k = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]
                .iter()
                .position(|s| *s == suffix)?;
            mult = 1i128 << (10 * (k + 1));
        }
        "n" => exp10 -= 9,
        "u" => exp10 -= 6,
        "m" => exp10 -= 3,
        "k" => exp10 += 3,
        "M" => exp10 += 6,
        "G" => exp10 += 9,
        "T" => exp10 += 12,
        "P" => exp10 += 15,
        "E" => exp10 += 18,
        s if s.starts_with(['e', 'E']) => exp10 += s[1..].parse::<i32>().ok()?,
        _ => return None,
    }
    // nanos = digits * mult * 10^(exp10 + 9)
    let e = exp10 + 9;
    let base = digits.checked_mul(mult)?;
    let v = if e >= 0 {
        base.checked_mul(10i128.checked_pow(u32::try_from(e).ok()?)?)?
    } else {
        let d = 10i128.checked_pow(u32::try_from(-e).ok()?)?;
        base / d + i128::from(base % d != 0)
    };
    Some(if neg { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// quantity_test.go `TestQuantityCanonicalizeZero`/`TestQuantityString` shapes.
    #[test]
    fn canonical_forms() {
        for (input, want) in [
            ("1", "1"),
            ("1.5", "1500m"),
            ("2000", "2k"),
            ("1500", "1500"),
            ("100m", "100m"),
            ("0.1", "100m"),
            ("1024Mi", "1Gi"),
            ("1000Mi", "1000Mi"),
            ("1.5Gi", "1536Mi"),
            ("512", "512"),
            ("1Ki", "1Ki"),
            ("1e3", "1e3"),
            ("10Gi", "10Gi"),
            ("0", "0"),
            ("250m", "250m"),
            ("1k", "1k"),
            ("100n", "100n"),
        ] {
            assert_eq!(canonical(input), want, "{input}");
        }
    }
}
