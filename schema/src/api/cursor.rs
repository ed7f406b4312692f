//! Opaque cursors for connections. Clients must treat them as opaque; they
//! are versioned base64 so they can change without breaking stored ones
//! silently (an unknown version is a clear BAD_USER_INPUT).
//!
//! Cursors over a numeric sequence (event cursors, access-log cursors) and
//! access-log entry ids are encrypted: the numbers are global counters, and
//! the gaps between one log's numbers showed how busy every other log was
//! (issue 14). Each is one AES-256 block — a kind byte, seven zero bytes and
//! the number — under a key kept in the database ([`CursorKey`]), so every
//! instance reads every other's cursors and the order and resume of the
//! numbers are unchanged on the server. A forged block decrypts to garbage
//! that fails the kind and zero check (one chance in 2^64 of passing). The
//! readable cursors of earlier versions (`e1:<seq>`) are still accepted, so a
//! client holding one resumes without loss.

use crate::error::{ApiError, ApiResult};
use crate::words;
use aes::Aes256;
use aes::cipher::{BlockDecrypt, BlockEncrypt, KeyInit};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use uuid::Uuid;

fn encode(raw: String) -> String {
    URL_SAFE_NO_PAD.encode(raw)
}

fn decode<'a>(cursor: &str, prefix: &str, buf: &'a mut String) -> ApiResult<&'a str> {
    let invalid = || ApiError::bad_input(words!("error-cursor"));
    let bytes = URL_SAFE_NO_PAD.decode(cursor.as_bytes()).map_err(|_| invalid())?;
    *buf = String::from_utf8(bytes).map_err(|_| invalid())?;
    buf.strip_prefix(prefix).ok_or_else(invalid)
}

fn time_and_id(rest: &str) -> ApiResult<(DateTime<Utc>, Uuid)> {
    let invalid = || ApiError::bad_input(words!("error-cursor"));
    let (micros, id) = rest.split_once(':').ok_or_else(invalid)?;
    let micros: i64 = micros.parse().map_err(|_| invalid())?;
    if !(FIRST_MICROS..=LAST_MICROS).contains(&micros) {
        return Err(invalid());
    }
    let at = DateTime::from_timestamp_micros(micros).ok_or_else(invalid)?;
    Ok((at, Uuid::parse_str(id).map_err(|_| invalid())?))
}

/// The times a (time, id) cursor may name: years 1 to 9999. PostgreSQL's
/// `timestamptz` ends at 4713 BC and chrono's range is wider, so a forged
/// cursor before that failed in SQL, as INTERNAL; nothing this API lists
/// lies outside these years.
const FIRST_MICROS: i64 = -62_135_596_800_000_000; // 0001-01-01T00:00:00Z
const LAST_MICROS: i64 = 253_402_300_799_999_999; // 9999-12-31T23:59:59.999999Z

/// Position in a list ordered by time and id: logs, messages, meetings,
/// comments, snapshots, deadlines. Two encrypted blocks: the kind, seven
/// zero bytes and the time in microseconds; then the id. Readable, a cursor
/// told what it stood for: `edges { cursor }` of `myDeadlines` gave each
/// measure's deadline, and of `meetings` each start, without the content
/// read the fields themselves record in the access log (the attack on
/// issue 17's connections). The readable first version (`m1:<micros>:<id>`)
/// is still read: it names a position, which the client had.
pub fn encode_time_id(key: &CursorKey, kind: &str, at: DateTime<Utc>, id: Uuid) -> String {
    let mut head = [0u8; 16];
    head[0] = tag(kind);
    head[8..].copy_from_slice(&at.timestamp_micros().to_be_bytes());
    let mut blocks: [aes::Block; 2] = [head.into(), (*id.as_bytes()).into()];
    key.cipher.encrypt_blocks(&mut blocks);
    let mut bytes = [0u8; 32];
    bytes[..16].copy_from_slice(&blocks[0]);
    bytes[16..].copy_from_slice(&blocks[1]);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn decode_time_id(key: &CursorKey, kind: &str, cursor: &str) -> ApiResult<(DateTime<Utc>, Uuid)> {
    let invalid = || ApiError::bad_input(words!("error-cursor"));
    let bytes = URL_SAFE_NO_PAD.decode(cursor.as_bytes()).map_err(|_| invalid())?;
    let Ok(bytes) = <[u8; 32]>::try_from(bytes.as_slice()) else {
        let mut buf = String::new();
        let rest = decode(cursor, &format!("{kind}1:"), &mut buf)?;
        return time_and_id(rest);
    };
    let mut blocks: [aes::Block; 2] = [
        <[u8; 16]>::try_from(&bytes[..16]).map_err(|_| invalid())?.into(),
        <[u8; 16]>::try_from(&bytes[16..]).map_err(|_| invalid())?.into(),
    ];
    key.cipher.decrypt_blocks(&mut blocks);
    if blocks[0][0] != tag(kind) || blocks[0][1..8].iter().any(|b| *b != 0) {
        return Err(invalid());
    }
    let micros = i64::from_be_bytes(blocks[0][8..].try_into().map_err(|_| invalid())?);
    if !(FIRST_MICROS..=LAST_MICROS).contains(&micros) {
        return Err(invalid());
    }
    let at = DateTime::from_timestamp_micros(micros).ok_or_else(invalid)?;
    let mut id = [0u8; 16];
    id.copy_from_slice(&blocks[1]);
    let id = Uuid::from_bytes(id);
    Ok((at, id))
}

/// Position named by a key of its own (a staff member's person id and
/// role in a unit's list): the item after which the next page starts.
pub fn encode_key(kind: &str, key: &str) -> String {
    encode(format!("{kind}1:{key}"))
}

pub fn decode_key(kind: &str, cursor: &str) -> ApiResult<String> {
    let mut buf = String::new();
    Ok(decode(cursor, &format!("{kind}1:"), &mut buf)?.to_owned())
}

/// The key of the opaque sequence cursors: 32 random bytes made by a
/// migration and read from the database at start.
#[derive(Clone)]
pub struct CursorKey {
    cipher: Aes256,
    /// per kind, the last position a readable first-version cursor may name
    /// (what existed before cursors were encrypted)
    legacy: Vec<(u8, i64)>,
}

impl CursorKey {
    pub fn new(bytes: &[u8; 32]) -> CursorKey {
        CursorKey { cipher: Aes256::new(&(*bytes).into()), legacy: Vec::new() }
    }

    /// Accepts readable cursors of `kind` up to `max` (from `db::secrets::legacy_cursor_limits`).
    pub fn with_legacy(mut self, kind: &str, max: i64) -> CursorKey {
        self.legacy.push((tag(kind), max));
        self
    }

    /// A key of random bytes, for an API not connected to a database's key.
    pub fn random() -> CursorKey {
        let mut bytes = [0u8; 32];
        bytes[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        bytes[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        CursorKey::new(&bytes)
    }
}

impl std::fmt::Debug for CursorKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CursorKey(…)")
    }
}

/// The byte a kind ("e", "a", "i") is known by inside a block.
fn tag(kind: &str) -> u8 {
    kind.as_bytes().first().copied().unwrap_or(0)
}

/// Position by a numeric sequence (`kind` "e" events, "a" access-log
/// entries; "i" names an access-log entry): one encrypted block.
pub fn encode_seq(key: &CursorKey, kind: &str, seq: i64) -> String {
    let mut block = [0u8; 16];
    block[0] = tag(kind);
    block[8..].copy_from_slice(&seq.to_be_bytes());
    let mut block: aes::Block = block.into();
    key.cipher.encrypt_block(&mut block);
    URL_SAFE_NO_PAD.encode(block)
}

/// A position handed out where nothing about it need change, `Log.eventCursor`:
/// four bytes of the block are random, so two encodings of one position
/// differ. Encoded like `encode_seq`, the value changed whenever any log
/// had an event, and polling it told a reader when a message she may not
/// read was posted (the attack on issue 17). It decodes like any other.
pub fn encode_seq_unlinkable(key: &CursorKey, kind: &str, seq: i64) -> String {
    let mut block = [0u8; 16];
    block[0] = tag(kind);
    block[4..8].copy_from_slice(&uuid::Uuid::new_v4().as_bytes()[..4]);
    block[8..].copy_from_slice(&seq.to_be_bytes());
    let mut block: aes::Block = block.into();
    key.cipher.encrypt_block(&mut block);
    URL_SAFE_NO_PAD.encode(block)
}

pub fn decode_seq(key: &CursorKey, kind: &str, cursor: &str) -> ApiResult<i64> {
    let invalid = || ApiError::bad_input(words!("error-cursor"));
    let bytes = URL_SAFE_NO_PAD.decode(cursor.as_bytes()).map_err(|_| invalid())?;
    let seq = match <[u8; 16]>::try_from(bytes.as_slice()) {
        Ok(block) => {
            let mut block: aes::Block = block.into();
            key.cipher.decrypt_block(&mut block);
            // Bytes 4..8 are random in an unlinkable encoding, zero otherwise.
            if block[0] != tag(kind) || block[1..4].iter().any(|b| *b != 0) {
                return Err(invalid());
            }
            i64::from_be_bytes(block[8..].try_into().map_err(|_| invalid())?)
        }
        // A readable cursor of the first version, for a position that
        // existed before cursors were encrypted: any other number would let
        // a client search for the counters the encryption hides.
        Err(_) => {
            let text = String::from_utf8(bytes).map_err(|_| invalid())?;
            let rest = text.strip_prefix(&format!("{kind}1:")).ok_or_else(invalid)?.to_owned();
            let seq = rest.parse::<i64>().map_err(|_| invalid())?;
            let max = key.legacy.iter().find(|(k, _)| *k == tag(kind)).map_or(-1, |(_, m)| *m);
            if seq > max {
                return Err(invalid());
            }
            seq
        }
    };
    if seq < 0 {
        return Err(invalid());
    }
    Ok(seq)
}

/// Validates `first` against the configured cap; returns the page size.
pub fn page_size(first: Option<i32>, default: i64, max: i64) -> ApiResult<i64> {
    match first {
        None => Ok(default),
        Some(n) if n >= 0 && i64::from(n) <= max => Ok(i64::from(n)),
        Some(_) => Err(ApiError::bad_input(words!("error-first", max))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_id_cursors_round_trip_and_say_nothing() {
        let key = CursorKey::random();
        let at = DateTime::from_timestamp_micros(1_700_000_000_123_456).unwrap();
        let id = Uuid::new_v4();
        let c = encode_time_id(&key, "m", at, id);
        assert_eq!(decode_time_id(&key, "m", &c).unwrap(), (at, id));
        assert!(decode_time_id(&key, "l", &c).is_err(), "a message cursor is not a log cursor");
        assert!(decode_time_id(&CursorKey::random(), "m", &c).is_err(), "another key's cursor is refused");
        let text = String::from_utf8_lossy(&URL_SAFE_NO_PAD.decode(&c).unwrap()).into_owned();
        assert!(!text.contains("1700000000123456") && !text.contains(&id.to_string()), "opaque: {text}");
        // The readable first version is still read.
        let old = URL_SAFE_NO_PAD.encode(format!("m1:{}:{id}", at.timestamp_micros()));
        assert_eq!(decode_time_id(&key, "m", &old).unwrap(), (at, id));
    }

    #[test]
    fn key_cursors_round_trip_and_keep_their_kind() {
        let c = encode_key("u", "a:b");
        assert_eq!(decode_key("u", &c).unwrap(), "a:b");
        assert!(decode_key("s", &c).is_err());
    }

    #[test]
    fn a_time_outside_years_1_to_9999_is_bad_user_input() {
        let id = Uuid::nil();
        let key = CursorKey::random();
        let at = |micros: i64| URL_SAFE_NO_PAD.encode(format!("m1:{micros}:{id}"));
        assert!(decode_time_id(&key, "m", &at(FIRST_MICROS)).is_ok());
        assert!(decode_time_id(&key, "m", &at(LAST_MICROS)).is_ok());
        for bad in [FIRST_MICROS - 1, LAST_MICROS + 1, -253_402_300_800_000_000, i64::MIN, i64::MAX] {
            assert!(matches!(decode_time_id(&key, "m", &at(bad)), Err(ApiError::BadUserInput { .. })), "{bad}");
        }
        let first = DateTime::from_timestamp_micros(FIRST_MICROS).unwrap().to_rfc3339();
        let last = DateTime::from_timestamp_micros(LAST_MICROS).unwrap().to_rfc3339();
        assert_eq!((first.as_str(), last.as_str()), ("0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59.999999+00:00"));
    }

    #[test]
    fn garbage_is_bad_user_input() {
        for bad in ["", "!!!", "bTE6", "bTE6eHh4OnNz"] {
            assert!(
                matches!(decode_time_id(&CursorKey::random(), "m", bad), Err(ApiError::BadUserInput { .. })),
                "{bad}"
            );
        }
        let key = CursorKey::random();
        assert!(decode_seq(&key, "a", &encode_seq(&key, "a", -1)).is_err());
    }

    #[test]
    fn an_unlinkable_cursor_differs_each_time_and_decodes_to_its_position() {
        let key = CursorKey::random();
        let (a, b) = (encode_seq_unlinkable(&key, "e", 41), encode_seq_unlinkable(&key, "e", 41));
        assert_ne!(a, b, "one position, two unrelated cursors");
        assert_eq!((decode_seq(&key, "e", &a).unwrap(), decode_seq(&key, "e", &b).unwrap()), (41, 41));
        assert!(decode_seq(&key, "a", &a).is_err(), "the kind is still checked");
        assert!(decode_seq(&CursorKey::random(), "e", &a).is_err(), "and the key");
    }

    #[test]
    fn sequence_cursors_are_opaque_and_round_trip() {
        let key = CursorKey::random();
        let (a, b) = (encode_seq(&key, "e", 41), encode_seq(&key, "e", 42));
        assert_eq!(decode_seq(&key, "e", &a).unwrap(), 41);
        assert_eq!(decode_seq(&key, "e", &b).unwrap(), 42);
        assert_eq!(a, encode_seq(&key, "e", 41), "the same position, the same cursor");
        assert_eq!(a.len(), 22);
        let common = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
        assert!(common < 4, "neighbouring numbers give unrelated cursors: {a} {b}");
        assert!(decode_seq(&key, "a", &a).is_err(), "an event cursor is not an access-log cursor");
        assert!(decode_seq(&CursorKey::random(), "e", &a).is_err(), "another key's cursor is refused");
        // The readable first version is still read, for positions from before encryption only.
        let old = |n: i64| URL_SAFE_NO_PAD.encode(format!("e1:{n}"));
        assert!(decode_seq(&key, "e", &old(7)).is_err(), "no legacy positions: refused");
        let key = key.with_legacy("e", 7);
        assert_eq!(decode_seq(&key, "e", &old(7)).unwrap(), 7);
        assert!(decode_seq(&key, "e", &old(8)).is_err());
        assert!(decode_seq(&key, "a", &URL_SAFE_NO_PAD.encode("a1:3")).is_err(), "limits are per kind");
    }

    #[test]
    fn first_is_capped() {
        assert_eq!(page_size(None, 20, 100).unwrap(), 20);
        assert_eq!(page_size(Some(100), 20, 100).unwrap(), 100);
        assert!(page_size(Some(101), 20, 100).is_err());
        assert!(page_size(Some(-1), 20, 100).is_err());
    }
}
