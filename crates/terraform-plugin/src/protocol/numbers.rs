//! How numbers travel. Terraform holds numbers as 512-bit decimals: a value
//! written as `0.1` in configuration is not the `f64` nearest to 0.1, so a
//! provider that answers with that `f64` gets "planned value does not match
//! config value". We therefore send a float as its shortest decimal text
//! unless that text is exactly the binary value (what cty itself does), and
//! keep numbers we cannot hold exactly as their decimal text.

use super::value::Number;

/// A number in the form it takes on the wire.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum WireNumber {
    Int(i64),
    Float(f64),
    /// Decimal text, for values a 64-bit int or float cannot carry exactly.
    Text(String),
}

impl Number {
    /// Parses decimal text (`-12`, `0.1`, `1e400`, `123456789012345678901234`).
    /// Values an `i64` or the shortest `f64` text represents exactly become
    /// `Int`/`Float`; anything else keeps its text as `Decimal`.
    pub fn parse(text: &str) -> Option<Number> {
        let decimal = Decimal::parse(text)?;
        if let Ok(i) = text.parse::<i64>() {
            return Some(Number::Int(i));
        }
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() && Decimal::parse(&f.to_string()).as_ref() == Some(&decimal) => {
                Some(Number::from(f))
            }
            _ => Some(Number::Decimal(text.to_string())),
        }
    }
}

/// The wire form of a number (see the module documentation).
pub(crate) fn wire_form(number: &Number) -> WireNumber {
    match number {
        Number::Int(i) => WireNumber::Int(*i),
        Number::Float(f) => float_wire_form(*f),
        Number::Decimal(text) => match Number::parse(text) {
            Some(Number::Int(i)) => WireNumber::Int(i),
            Some(Number::Float(f)) => float_wire_form(f),
            _ => WireNumber::Text(text.clone()),
        },
    }
}

fn float_wire_form(f: f64) -> WireNumber {
    const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
    if !f.is_finite() {
        return WireNumber::Float(f);
    }
    if f.fract() == 0.0 {
        if (-TWO_POW_63..TWO_POW_63).contains(&f) {
            return WireNumber::Int(f as i64);
        }
        return WireNumber::Float(f);
    }
    let text = f.to_string();
    if shortest_text_is_exact(f, &text) {
        WireNumber::Float(f)
    } else {
        WireNumber::Text(text)
    }
}

/// Whether `text` (the shortest round-trip text of the non-integral `f`) is
/// exactly `f`. With `f = m·2^e` and `d` fractional digits in `text`, the text
/// is exact iff `f·10^d` is an integer, i.e. iff `e + d + trailing_zeros(m) ≥ 0`.
fn shortest_text_is_exact(f: f64, text: &str) -> bool {
    let bits = f.to_bits();
    let biased_exponent = ((bits >> 52) & 0x7ff) as i64;
    let fraction = bits & ((1u64 << 52) - 1);
    let (mantissa, exponent) = if biased_exponent == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1u64 << 52), biased_exponent - 1075)
    };
    let fractional_digits = text.split_once('.').map_or(0, |(_, frac)| frac.len() as i64);
    exponent + fractional_digits + i64::from(mantissa.trailing_zeros()) >= 0
}

/// Decimal text for a JSON document: always valid JSON number syntax.
/// `None` for values JSON cannot carry (NaN, infinities, malformed text).
pub(crate) fn json_text(number: &Number) -> Option<String> {
    match wire_form(number) {
        WireNumber::Int(i) => Some(i.to_string()),
        WireNumber::Float(f) if f.is_finite() => Some(f.to_string()),
        WireNumber::Float(_) => None,
        WireNumber::Text(text) if is_json_number(&text) => Some(text),
        WireNumber::Text(text) => Decimal::parse(&text).map(|d| d.to_json_text()),
    }
}

/// JSON's number grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn is_json_number(text: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['+', '-']).unwrap_or(e))),
        None => (unsigned, None),
    };
    let (int_part, frac_part) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    digits(int_part)
        && (int_part == "0" || !int_part.starts_with('0'))
        && frac_part.is_none_or(digits)
        && exponent.is_none_or(digits)
}

/// A decimal literal reduced to sign, significant digits and exponent, so
/// that equal values written differently (`1.50`, `15e-1`) compare equal.
#[derive(Debug, PartialEq, Eq)]
struct Decimal {
    negative: bool,
    /// Significant digits without leading or trailing zeros (empty for zero).
    digits: String,
    /// The value is `0.digits × 10^exponent`.
    exponent: i64,
}

impl Decimal {
    /// Accepts `[+-]digits[.digits][(e|E)[+-]digits]` (either digit run of the
    /// mantissa may be empty, not both).
    fn parse(text: &str) -> Option<Decimal> {
        let (negative, unsigned) = match text.as_bytes().first()? {
            b'-' => (true, &text[1..]),
            b'+' => (false, &text[1..]),
            _ => (false, text),
        };
        let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
            Some(at) => {
                let exp_text = &unsigned[at + 1..];
                let digits = exp_text.strip_prefix(['+', '-']).unwrap_or(exp_text);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                (&unsigned[..at], exp_text.parse::<i64>().ok()?)
            }
            None => (unsigned, 0),
        };
        let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (int_part.is_empty() && frac_part.is_empty()) || !all_digits(int_part) || !all_digits(frac_part) {
            return None;
        }
        let joined = format!("{int_part}{frac_part}");
        let leading = joined.len() - joined.trim_start_matches('0').len();
        let digits = joined.trim_matches('0').to_string();
        if digits.is_empty() {
            return Some(Decimal { negative: false, digits, exponent: 0 });
        }
        let exponent = exponent.checked_add(int_part.len() as i64 - leading as i64)?;
        Some(Decimal { negative, digits, exponent })
    }

    fn to_json_text(&self) -> String {
        if self.digits.is_empty() {
            return "0".to_string();
        }
        let sign = if self.negative { "-" } else { "" };
        format!("{sign}0.{}e{}", self.digits, self.exponent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_prefers_exact_native_forms() {
        assert_eq!(Number::parse("42"), Some(Number::Int(42)));
        assert!(matches!(Number::parse("-7"), Some(Number::Int(-7))));
        assert!(matches!(Number::parse("1.0"), Some(Number::Int(1))));
        assert!(matches!(Number::parse("15e-1"), Some(Number::Float(f)) if f == 1.5));
        assert!(matches!(Number::parse("0.1"), Some(Number::Float(f)) if f == 0.1));
        assert!(matches!(Number::parse("0.10000000000000000001"), Some(Number::Decimal(_))));
        assert!(matches!(Number::parse("123456789012345678901234567890"), Some(Number::Decimal(_))));
        assert!(matches!(Number::parse("1e400"), Some(Number::Decimal(_))));
    }

    #[test]
    fn parse_rejects_non_numbers() {
        for bad in ["", "-", ".", "e5", "1e", "1e+", "0x10", "1.2.3", "inf", "NaN", "1 ", " 1", "--1"] {
            assert_eq!(Number::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn floats_go_out_as_exact_binary_or_as_decimal_text() {
        assert_eq!(wire_form(&Number::Float(0.5)), WireNumber::Float(0.5));
        assert_eq!(wire_form(&Number::Float(0.75)), WireNumber::Float(0.75));
        assert_eq!(wire_form(&Number::Float(0.1)), WireNumber::Text("0.1".into()));
        assert_eq!(wire_form(&Number::Float(3.0)), WireNumber::Int(3));
        assert_eq!(wire_form(&Number::Float(1e20)), WireNumber::Float(1e20));
        assert_eq!(wire_form(&Number::Decimal("12".into())), WireNumber::Int(12));
        let big = "123456789012345678901234567890";
        assert_eq!(wire_form(&Number::Decimal(big.into())), WireNumber::Text(big.into()));
    }

    #[test]
    fn json_text_is_valid_json() {
        for (number, expected) in [
            (Number::Int(-3), "-3"),
            (Number::Float(0.1), "0.1"),
            (Number::Decimal(".5000000000000000000001".into()), "0.5000000000000000000001e0"),
            (Number::Decimal("-0.00".into()), "0"),
            (Number::Decimal(".5".into()), "0.5"),
            (Number::Decimal("1e400".into()), "1e400"),
            (Number::Decimal("+01e400".into()), "0.1e401"),
        ] {
            let text = json_text(&number).unwrap();
            assert_eq!(text, expected);
            assert!(serde_json::from_str::<Box<serde_json::value::RawValue>>(&text).is_ok(), "{text}");
        }
        assert_eq!(json_text(&Number::Float(f64::NAN)), None);
    }

    #[test]
    fn decimals_compare_by_value() {
        assert_eq!(Decimal::parse("1.50"), Decimal::parse("15e-1"));
        assert_eq!(Decimal::parse("-0.0"), Decimal::parse("0"));
        assert_ne!(Decimal::parse("1.5"), Decimal::parse("-1.5"));
    }
}
