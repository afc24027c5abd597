//! Share links: the whole playground state (the editor's manifests, the workspace, the
//! speed, the seed, the history of changes and where on the timeline the cluster is) as a
//! URL fragment, `#state=1.<base64url(deflate(JSON))>`. Opening the link replays the history
//! on a control plane with the same seed, which gives the same cluster (the core is
//! deterministic). The `1.` is the format version; an unknown version, a damaged fragment or
//! one that inflates past [`MAX_INFLATED`] is refused with a message, never a panic.
use crate::history::Op;
use serde::{Deserialize, Serialize};

/// The format version written in the fragment and in the state.
pub const VERSION: u32 = 1;
/// The fragment's key.
pub const KEY: &str = "state=";
/// The most bytes a fragment may inflate to.
pub const MAX_INFLATED: usize = 8 << 20;

/// Everything a link carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub v: u32,
    /// The scenario picked (its card and chips), when it is one of the gallery's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    /// The editor's text.
    pub manifest: String,
    pub workspace: String,
    /// Virtual seconds per tick while playing.
    pub speed: f64,
    pub seed: u64,
    pub ops: Vec<Op>,
    /// The timeline point the cluster is at (when not the last).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<usize>,
    /// Virtual milliseconds since the start at that point (shown while replaying).
    #[serde(default)]
    pub elapsed_ms: i64,
}

/// The fragment for `state` (without the `#`).
pub fn encode(state: &State) -> String {
    let json = serde_json::to_vec(state).unwrap_or_default();
    let packed = miniz_oxide::deflate::compress_to_vec(&json, 9);
    format!("{KEY}{VERSION}.{}", base64url(&packed))
}

/// The state in a fragment (`state=1.…`, with or without the `#`); `Ok(None)` when the
/// fragment holds no state.
pub fn decode(fragment: &str) -> Result<Option<State>, String> {
    let fragment = fragment.trim_start_matches('#');
    let Some(rest) = fragment.split('&').find_map(|p| p.strip_prefix(KEY)) else {
        return Ok(None);
    };
    let (version, data) = rest
        .split_once('.')
        .ok_or("the link's state has no version")?;
    if version != VERSION.to_string() {
        return Err(format!(
            "the link was made by another version of the playground (state version {version}; this one reads {VERSION})"
        ));
    }
    let packed = unbase64url(data).ok_or("the link's state is damaged (not base64url)")?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_INFLATED)
        .map_err(|_| "the link's state is damaged or too large to inflate".to_string())?;
    let state: State = serde_json::from_slice(&json)
        .map_err(|e| format!("the link's state is not readable: {e}"))?;
    if state.v != VERSION {
        return Err(format!("unsupported state version {}", state.v));
    }
    if !(state.speed.is_finite() && state.speed > 0.0) {
        return Err("the link's speed is not a positive number".into());
    }
    Ok(Some(state))
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// RFC 4648 §5 base64url, without padding.
pub fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// The bytes of unpadded base64url (padding tolerated); `None` on any other character.
pub fn unbase64url(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        let v = ALPHABET.iter().position(|a| *a == c)? as u32;
        acc = acc << 6 | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits & 0xff) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> State {
        State {
            v: VERSION,
            scenario: Some("three-nodes".into()),
            manifest: crate::scenario::by_id("three-nodes")
                .unwrap()
                .manifest
                .into(),
            workspace: "root".into(),
            speed: 5.0,
            seed: 1,
            ops: vec![
                Op::Apply {
                    manifest: "kind: x\n".into(),
                    force: false,
                    workspace: "root".into(),
                },
                Op::Advance {
                    ms: 1000,
                    count: 3,
                    play: true,
                },
            ],
            at: Some(1),
            elapsed_ms: 0,
        }
    }

    #[test]
    fn a_state_survives_the_fragment() {
        let s = state();
        let f = encode(&s);
        assert!(f.starts_with("state=1."));
        assert!(
            f.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"=.-_".contains(&b)),
            "{f}"
        );
        assert_eq!(decode(&format!("#{f}")).unwrap(), Some(s.clone()));
        assert_eq!(decode(&format!("x=1&{f}")).unwrap(), Some(s));
        assert_eq!(decode("#").unwrap(), None);
    }

    #[test]
    fn damaged_or_foreign_fragments_are_refused() {
        assert!(decode("#state=2.AAAA")
            .unwrap_err()
            .contains("another version"));
        assert!(decode("#state=1.@@@").unwrap_err().contains("base64url"));
        assert!(decode("#state=1.AAAA").is_err());
        assert!(decode("#state=1").is_err());
        // A bomb: 64 MiB of zeros deflates to a few KiB; it is refused, not inflated.
        let bomb = miniz_oxide::deflate::compress_to_vec(&vec![b' '; 64 << 20], 9);
        assert!(decode(&format!("state=1.{}", base64url(&bomb))).is_err());
    }

    #[test]
    fn base64url_round_trips_rfc4648_vectors() {
        // RFC 4648 §10 test vectors (without padding).
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64url(plain.as_bytes()), coded);
            assert_eq!(unbase64url(coded).unwrap(), plain.as_bytes());
        }
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }
}
