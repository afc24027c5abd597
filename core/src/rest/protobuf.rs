//! Protobuf request bodies (`application/vnd.kubernetes.protobuf`), decoded to the JSON object
//! they stand for. client-go's typed clients send them: `kubectl create rolebinding|secret|…`,
//! `kubectl drain`'s evictions, Helm's release Secrets. The envelope is apimachinery's
//! (`pkg/runtime/serializer/protobuf`): the magic `k8s\0`, then a `runtime.Unknown` whose
//! `raw` is the object's message. Messages, field numbers and types are k8s.io/api's and
//! k8s.io/apimachinery's `generated.proto` (v0.32.0), kept in `proto.txt` (made by
//! `gen_proto.py`); the JSON names are the proto field names (go-to-protobuf names fields by
//! their JSON tags).
//!
//! Go's encoder writes every non-pointer field, zero values included; decoding keeps zero
//! numbers and `false` (the same as absent for a non-pointer field, meaningful for a pointer)
//! and drops empty strings and zero times, which the JSON encoding leaves out. kplane answers
//! in JSON (every client that sends protobuf also accepts JSON).
use crate::api::{base64, Map, Value};
use crate::server::status::Status;
use std::collections::HashMap;
use std::sync::OnceLock;

const PROTO: &str = include_str!("proto.txt");
/// The envelope's magic prefix (`protobuf.serializer` `protoEncodingPrefix`).
const MAGIC: &[u8] = b"k8s\x00";
/// Messages nest at most this deep (a hostile body cannot exhaust the stack).
const MAX_DEPTH: usize = 64;
/// Go's zero `time.Time` as protobuf seconds (`0001-01-01T00:00:00Z`).
const ZERO_TIME_SECONDS: i64 = -62_135_596_800;

/// The type of a field.
#[derive(Debug)]
enum Ty {
    Scalar(&'static str),
    Message(&'static str),
    Map(&'static str, &'static str),
}

#[derive(Debug)]
struct Field {
    name: &'static str,
    ty: Ty,
    repeated: bool,
}

type Messages = HashMap<&'static str, HashMap<u64, Field>>;

fn is_scalar(t: &str) -> bool {
    matches!(
        t,
        "string"
            | "bytes"
            | "int32"
            | "int64"
            | "bool"
            | "double"
            | "float"
            | "uint32"
            | "uint64"
            | "fixed64"
            | "sfixed64"
    )
}

fn ty(t: &'static str) -> Ty {
    if let Some(inner) = t.strip_prefix("map<").and_then(|x| x.strip_suffix('>')) {
        let (k, v) = inner.split_once(',').unwrap_or((inner, "string"));
        return Ty::Map(k, v);
    }
    if is_scalar(t) {
        Ty::Scalar(t)
    } else {
        Ty::Message(t)
    }
}

fn messages() -> &'static Messages {
    static MESSAGES: OnceLock<Messages> = OnceLock::new();
    MESSAGES.get_or_init(|| {
        PROTO
            .lines()
            .filter_map(|l| {
                let mut parts = l.split(' ');
                let name = parts.next().filter(|n| !n.is_empty())?;
                let fields = parts
                    .filter_map(|f| {
                        let mut it = f.splitn(3, ':');
                        let num = it.next()?.parse().ok()?;
                        let fname = it.next()?;
                        let t = it.next()?;
                        let (t, repeated) = match t.strip_suffix('*') {
                            Some(t) => (t, true),
                            None => (t, false),
                        };
                        Some((
                            num,
                            Field {
                                name: fname,
                                ty: ty(t),
                                repeated,
                            },
                        ))
                    })
                    .collect();
                Some((name, fields))
            })
            .collect()
    })
}

fn invalid(why: &str) -> Status {
    Status::bad_request(format!("error decoding the protobuf request body: {why}"))
}

/// A reader of protobuf's wire format.
struct Wire<'a> {
    buf: &'a [u8],
    at: usize,
}

impl<'a> Wire<'a> {
    fn new(buf: &'a [u8]) -> Wire<'a> {
        Wire { buf, at: 0 }
    }

    fn done(&self) -> bool {
        self.at >= self.buf.len()
    }

    fn varint(&mut self) -> Result<u64, Status> {
        let mut out = 0u64;
        for shift in (0..70).step_by(7) {
            let b = *self
                .buf
                .get(self.at)
                .ok_or_else(|| invalid("truncated varint"))?;
            self.at += 1;
            if shift < 64 {
                out |= u64::from(b & 0x7f) << shift;
            }
            if b & 0x80 == 0 {
                return Ok(out);
            }
        }
        Err(invalid("varint too long"))
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], Status> {
        let end = self
            .at
            .checked_add(n)
            .filter(|e| *e <= self.buf.len())
            .ok_or_else(|| invalid("truncated field"))?;
        let out = &self.buf[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn bytes(&mut self) -> Result<&'a [u8], Status> {
        let n = usize::try_from(self.varint()?).map_err(|_| invalid("length too large"))?;
        self.take(n)
    }

    /// Skips a field of `wire` type.
    fn skip(&mut self, wire: u64) -> Result<(), Status> {
        match wire {
            0 => self.varint().map(|_| ()),
            1 => self.take(8).map(|_| ()),
            2 => self.bytes().map(|_| ()),
            5 => self.take(4).map(|_| ()),
            _ => Err(invalid(&format!("unsupported wire type {wire}"))),
        }
    }
}

/// The value of a scalar read from the wire.
enum Raw<'a> {
    Varint(u64),
    Fixed64(u64),
    Fixed32(u32),
    Bytes(&'a [u8]),
}

fn read<'a>(w: &mut Wire<'a>, wire: u64) -> Result<Raw<'a>, Status> {
    Ok(match wire {
        0 => Raw::Varint(w.varint()?),
        1 => {
            let b = w.take(8)?;
            Raw::Fixed64(u64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
        }
        2 => Raw::Bytes(w.bytes()?),
        5 => {
            let b = w.take(4)?;
            Raw::Fixed32(u32::from_le_bytes(b.try_into().unwrap_or([0; 4])))
        }
        _ => return Err(invalid(&format!("unsupported wire type {wire}"))),
    })
}

fn scalar(t: &str, raw: &Raw<'_>) -> Result<Value, Status> {
    Ok(match (t, raw) {
        ("string", Raw::Bytes(b)) => Value::from(String::from_utf8_lossy(b).as_ref()),
        ("bytes", Raw::Bytes(b)) => Value::from(base64::encode(b).as_str()),
        ("bool", Raw::Varint(v)) => Value::Bool(*v != 0),
        ("int32", Raw::Varint(v)) => Value::from(i64::from(*v as i32)),
        ("int64" | "uint64" | "uint32", Raw::Varint(v)) => Value::from(*v as i64),
        ("double", Raw::Fixed64(v)) => crate::json!(f64::from_bits(*v)),
        ("fixed64" | "sfixed64", Raw::Fixed64(v)) => Value::from(*v as i64),
        ("float", Raw::Fixed32(v)) => crate::json!(f64::from(f32::from_bits(*v))),
        (t, _) => return Err(invalid(&format!("a {t} field has the wrong wire type"))),
    })
}

/// Decodes a field's bytes as a value of type `t` (a scalar or a message).
fn value_of(t: &'static str, raw: &Raw<'_>, depth: usize) -> Result<Value, Status> {
    match (ty(t), raw) {
        (Ty::Scalar(s), r) => scalar(s, r),
        (Ty::Message(m), Raw::Bytes(b)) => message(m, b, depth + 1),
        _ => Err(invalid(&format!("a {t} field has the wrong wire type"))),
    }
}

fn seconds_field(bytes: &[u8]) -> Result<(i64, i64), Status> {
    let mut w = Wire::new(bytes);
    let (mut seconds, mut nanos) = (0i64, 0i64);
    while !w.done() {
        let key = w.varint()?;
        match (key >> 3, key & 7) {
            (1, 0) => seconds = w.varint()? as i64,
            (2, 0) => nanos = i64::from(w.varint()? as i32),
            (_, wire) => w.skip(wire)?,
        }
    }
    Ok((seconds, nanos))
}

/// The one field of a single-field wrapper message (`Quantity`, `RawExtension`, `FieldsV1`).
fn only_bytes(bytes: &[u8]) -> Result<&[u8], Status> {
    let mut w = Wire::new(bytes);
    let mut out: &[u8] = &[];
    while !w.done() {
        let key = w.varint()?;
        match (key >> 3, key & 7) {
            (1, 2) => out = w.bytes()?,
            (_, wire) => w.skip(wire)?,
        }
    }
    Ok(out)
}

fn raw_json(bytes: &[u8]) -> Result<Value, Status> {
    if bytes.is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_slice(bytes).map_err(|e| invalid(&format!("embedded JSON: {e}")))
}

/// Decodes message `name` from `bytes`.
fn message(name: &'static str, bytes: &[u8], depth: usize) -> Result<Value, Status> {
    if depth > MAX_DEPTH {
        return Err(invalid("messages nest too deeply"));
    }
    match name {
        "k8s.io.apimachinery.pkg.apis.meta.v1.Time"
        | "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime" => {
            let (seconds, nanos) = seconds_field(bytes)?;
            if seconds == ZERO_TIME_SECONDS && nanos == 0 {
                return Ok(Value::Null);
            }
            let text = crate::sim::format_rfc3339(seconds.saturating_mul(1000));
            return Ok(Value::from(if name.ends_with("MicroTime") {
                // 2006-01-02T15:04:05.000000Z
                format!(
                    "{}.{:06}Z",
                    text.trim_end_matches('Z'),
                    nanos.clamp(0, 999_999_999) / 1000
                )
            } else {
                text
            }));
        }
        "k8s.io.apimachinery.pkg.api.resource.Quantity" => {
            return Ok(Value::from(
                String::from_utf8_lossy(only_bytes(bytes)?).as_ref(),
            ))
        }
        "k8s.io.apimachinery.pkg.runtime.RawExtension"
        | "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1" => return raw_json(only_bytes(bytes)?),
        "k8s.io.apimachinery.pkg.util.intstr.IntOrString" => {
            let mut w = Wire::new(bytes);
            let (mut kind, mut int, mut text) = (0u64, 0i64, String::new());
            while !w.done() {
                let key = w.varint()?;
                match (key >> 3, key & 7) {
                    (1, 0) => kind = w.varint()?,
                    (2, 0) => int = i64::from(w.varint()? as i32),
                    (3, 2) => text = String::from_utf8_lossy(w.bytes()?).into_owned(),
                    (_, wire) => w.skip(wire)?,
                }
            }
            return Ok(if kind == 1 {
                Value::from(text.as_str())
            } else {
                Value::from(int)
            });
        }
        _ => {}
    }
    let fields = messages()
        .get(name)
        .ok_or_else(|| invalid(&format!("message {name} is not known to kplane")))?;
    let mut out = Map::new();
    let mut w = Wire::new(bytes);
    while !w.done() {
        let key = w.varint()?;
        let (num, wire) = (key >> 3, key & 7);
        let Some(f) = fields.get(&num) else {
            w.skip(wire)?;
            continue;
        };
        let raw = read(&mut w, wire)?;
        match &f.ty {
            Ty::Map(kt, vt) => {
                let Raw::Bytes(entry) = raw else {
                    return Err(invalid("a map entry has the wrong wire type"));
                };
                let mut e = Wire::new(entry);
                let (mut k, mut v) = (Value::from(""), Value::Null);
                while !e.done() {
                    let key = e.varint()?;
                    let raw = read(&mut e, key & 7)?;
                    match key >> 3 {
                        1 => k = value_of(kt, &raw, depth)?,
                        2 => v = value_of(vt, &raw, depth)?,
                        _ => {}
                    }
                }
                if v.is_null() && *vt == "string" {
                    v = Value::from("");
                }
                let key = k
                    .as_str()
                    .map(String::from)
                    .unwrap_or_else(|| k.to_string());
                let map = out.entry(f.name).or_insert_with(Value::object);
                if let Some(m) = map.as_object_mut() {
                    m.insert(&*key, v);
                }
            }
            Ty::Scalar(s) if f.repeated && wire == 2 && *s != "string" && *s != "bytes" => {
                // A packed repeated scalar.
                let Raw::Bytes(packed) = raw else { continue };
                let mut p = Wire::new(packed);
                let list = out
                    .entry(f.name)
                    .or_insert_with(|| Value::from(Vec::<Value>::new()));
                while !p.done() {
                    let raw = match *s {
                        "double" | "fixed64" | "sfixed64" => read(&mut p, 1)?,
                        "float" => read(&mut p, 5)?,
                        _ => read(&mut p, 0)?,
                    };
                    if let Some(a) = list.as_array_mut() {
                        a.push(scalar(s, &raw)?);
                    }
                }
            }
            Ty::Scalar(t) | Ty::Message(t) => {
                let v = value_of(t, &raw, depth)?;
                if f.repeated {
                    let list = out
                        .entry(f.name)
                        .or_insert_with(|| Value::from(Vec::<Value>::new()));
                    if let Some(a) = list.as_array_mut() {
                        a.push(v);
                    }
                } else if v.is_null() || v.as_str() == Some("") {
                    out.shift_remove(f.name);
                } else {
                    out.insert(f.name, v);
                }
            }
        }
    }
    Ok(Value::Object(out))
}

/// The proto package of an API group version: `apps/v1` → `k8s.io.api.apps.v1`,
/// `rbac.authorization.k8s.io/v1` → `k8s.io.api.rbac.v1`, `v1` → `k8s.io.api.core.v1`.
fn package(api_version: &str) -> String {
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    let dir = if group.is_empty() {
        "core"
    } else {
        group
            .strip_suffix(".k8s.io")
            .unwrap_or(group)
            .split('.')
            .next()
            .unwrap_or(group)
    };
    format!("k8s.io.api.{dir}.{version}")
}

/// Whether a request body is in Kubernetes' protobuf envelope.
pub fn is_protobuf(body: &[u8]) -> bool {
    body.starts_with(MAGIC)
}

/// Decodes a protobuf request body (`k8s\0` + `runtime.Unknown`) to its JSON object, with
/// `apiVersion` and `kind` first; a 400 for a malformed body, a 415 for a kind kplane has no
/// message for.
pub fn decode(body: &[u8]) -> Result<Value, Status> {
    let rest = body
        .strip_prefix(MAGIC)
        .ok_or_else(|| invalid("no k8s protobuf envelope"))?;
    let mut w = Wire::new(rest);
    let (mut api_version, mut kind, mut raw): (String, String, &[u8]) =
        (String::new(), String::new(), &[]);
    while !w.done() {
        let key = w.varint()?;
        match (key >> 3, key & 7) {
            (1, 2) => {
                let mut t = Wire::new(w.bytes()?);
                while !t.done() {
                    let key = t.varint()?;
                    match (key >> 3, key & 7) {
                        (1, 2) => api_version = String::from_utf8_lossy(t.bytes()?).into_owned(),
                        (2, 2) => kind = String::from_utf8_lossy(t.bytes()?).into_owned(),
                        (_, wire) => t.skip(wire)?,
                    }
                }
            }
            (2, 2) => raw = w.bytes()?,
            (_, wire) => w.skip(wire)?,
        }
    }
    let name = if kind == "DeleteOptions" {
        "k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions".to_string()
    } else {
        format!("{}.{kind}", package(&api_version))
    };
    let Some((name, _)) = messages().get_key_value(name.as_str()) else {
        return Err(Status::new(
            415,
            "UnsupportedMediaType",
            format!("the body of the request was in protobuf for {api_version} {kind}, which kplane does not decode: send application/json"),
        ));
    };
    let decoded = message(name, raw, 0)?;
    let mut out = Map::new();
    out.insert("apiVersion", Value::from(api_version.as_str()));
    out.insert("kind", Value::from(kind.as_str()));
    if let Value::Object(m) = decoded {
        for (k, v) in m.iter() {
            out.insert(&**k, v.clone());
        }
    }
    Ok(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Protobuf encoding helpers for the tests (the wire format, proto2 as gogo writes it).
    fn varint(mut v: u64, out: &mut Vec<u8>) {
        while v >= 0x80 {
            out.push((v as u8) | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    }
    fn bytes_field(num: u64, b: &[u8], out: &mut Vec<u8>) {
        varint(num << 3 | 2, out);
        varint(b.len() as u64, out);
        out.extend_from_slice(b);
    }
    fn int_field(num: u64, v: u64, out: &mut Vec<u8>) {
        varint(num << 3, out);
        varint(v, out);
    }
    fn envelope(api_version: &str, kind: &str, raw: &[u8]) -> Vec<u8> {
        let mut tm = vec![];
        bytes_field(1, api_version.as_bytes(), &mut tm);
        bytes_field(2, kind.as_bytes(), &mut tm);
        let mut u = vec![];
        bytes_field(1, &tm, &mut u);
        bytes_field(2, raw, &mut u);
        bytes_field(3, b"", &mut u);
        bytes_field(4, b"", &mut u);
        let mut out = MAGIC.to_vec();
        out.extend(u);
        out
    }

    #[test]
    fn a_secret_decodes_with_its_bytes_map_and_zero_fields_dropped() {
        // ObjectMeta{name: "sh.helm.release.v1.shop.v1", generateName: "", labels: {owner: helm},
        // creationTimestamp: zero time}, data: {release: "abc"}, type: helm.sh/release.v1.
        let mut meta = vec![];
        bytes_field(1, b"sh.helm.release.v1.shop.v1", &mut meta);
        bytes_field(2, b"", &mut meta);
        let mut label = vec![];
        bytes_field(1, b"owner", &mut label);
        bytes_field(2, b"helm", &mut label);
        bytes_field(11, &label, &mut meta);
        let mut zero = vec![];
        int_field(1, ZERO_TIME_SECONDS as u64, &mut zero);
        bytes_field(8, &zero, &mut meta);
        int_field(7, 0, &mut meta);
        let mut secret = vec![];
        bytes_field(1, &meta, &mut secret);
        let mut entry = vec![];
        bytes_field(1, b"release", &mut entry);
        bytes_field(2, b"abc", &mut entry);
        bytes_field(2, &entry, &mut secret);
        bytes_field(3, b"helm.sh/release.v1", &mut secret);
        int_field(5, 0, &mut secret);
        let v = decode(&envelope("v1", "Secret", &secret)).unwrap();
        assert_eq!(
            v.to_string(),
            r#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"sh.helm.release.v1.shop.v1","labels":{"owner":"helm"},"generation":0},"data":{"release":"YWJj"},"type":"helm.sh/release.v1","immutable":false}"#
        );
    }

    #[test]
    fn a_rolebinding_decodes_repeated_messages() {
        let mut subject = vec![];
        bytes_field(1, b"User", &mut subject);
        bytes_field(2, b"rbac.authorization.k8s.io", &mut subject);
        bytes_field(3, b"alice", &mut subject);
        let mut role_ref = vec![];
        bytes_field(1, b"rbac.authorization.k8s.io", &mut role_ref);
        bytes_field(2, b"ClusterRole", &mut role_ref);
        bytes_field(3, b"view", &mut role_ref);
        let mut meta = vec![];
        bytes_field(1, b"alice-view", &mut meta);
        let mut rb = vec![];
        bytes_field(1, &meta, &mut rb);
        bytes_field(2, &subject, &mut rb);
        bytes_field(3, &role_ref, &mut rb);
        let v = decode(&envelope(
            "rbac.authorization.k8s.io/v1",
            "RoleBinding",
            &rb,
        ))
        .unwrap();
        assert_eq!(v["subjects"][0]["name"], "alice");
        assert_eq!(v["roleRef"]["kind"], "ClusterRole");
        assert_eq!(v["metadata"]["name"], "alice-view");
    }

    #[test]
    fn int_or_string_quantity_and_time_decode_as_json_writes_them() {
        let mut ios = vec![];
        int_field(1, 1, &mut ios);
        bytes_field(3, b"25%", &mut ios);
        let mut ru = vec![];
        bytes_field(1, &ios, &mut ru);
        let v = message("k8s.io.api.apps.v1.RollingUpdateDeployment", &ru, 0).unwrap();
        assert_eq!(v["maxUnavailable"], "25%");
        let mut t = vec![];
        int_field(1, 1_767_225_600, &mut t);
        assert_eq!(
            message("k8s.io.apimachinery.pkg.apis.meta.v1.Time", &t, 0).unwrap(),
            "2026-01-01T00:00:00Z"
        );
    }

    #[test]
    fn malformed_bodies_are_400s_and_unknown_kinds_415s() {
        assert_eq!(decode(b"{}").unwrap_err().code, 400);
        assert_eq!(decode(b"k8s\x00\x0a\xff").unwrap_err().code, 400);
        let mut deep = vec![];
        for _ in 0..200 {
            let mut outer = vec![];
            bytes_field(1, &deep, &mut outer);
            deep = outer;
        }
        // Bounded work, no panic, whatever it decodes to.
        let _ = decode(&envelope("v1", "Pod", &deep));
        assert_eq!(
            decode(&envelope("example.com/v1", "Widget", &[]))
                .unwrap_err()
                .code,
            415
        );
    }
}
