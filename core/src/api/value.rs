//! A JSON value shared by reference: the representation of every object kplane stores.
//!
//! [`Value`] has the shape and the API of `serde_json::Value` (the same variants, indexing,
//! `as_*`/`get`/`get_mut`, a [`json!`](crate::json) macro), with three differences that make
//! Kubernetes scale fit a browser tab:
//!
//! - **Cloning is O(1).** Strings, arrays and objects are reference counted. A stored object
//!   revision is one allocation shared by the store, the watch history, listers and callers.
//! - **Writes copy only the path they change** (copy-on-write through `Arc::make_mut`): a
//!   controller that sets `status.phase` on a clone of a pod copies the root map and the status
//!   map; `spec` stays shared with the stored revision. Pods created from one template share
//!   their containers until something changes them.
//! - **Compact.** A value is 24 bytes (serde_json's with `preserve_order` is 72); object keys
//!   and short strings are interned, so `"metadata"` or `"Running"` exist once.
//!
//! Equality short-circuits on shared nodes, so comparing a revision with its successor costs
//! the size of what changed. Object key order is kept (as `preserve_order`); equality of
//! objects ignores it, as `serde_json` with `IndexMap` does.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use std::borrow::Borrow;
use std::cell::RefCell;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

mod ser;
pub use ser::{to_value, Error};

// ---------------------------------------------------------------------------------------------
// Str
// ---------------------------------------------------------------------------------------------

/// An immutable, shared string. Short strings are interned (see [`Str::new`]).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Str(Arc<str>);

/// Strings up to this many bytes are interned.
const INTERN_MAX_LEN: usize = 48;
/// At most this many distinct strings are interned (later ones are allocated each time), so
/// hostile input cannot grow the table without bound.
const INTERN_MAX_ENTRIES: usize = 1 << 16;

thread_local! {
    static INTERNED: RefCell<HashSet<Arc<str>>> = RefCell::new(HashSet::default());
}

impl Str {
    /// A shared string; short ones come from (and go into) a bounded intern table.
    pub fn new(s: &str) -> Str {
        if s.len() > INTERN_MAX_LEN {
            return Str(Arc::from(s));
        }
        INTERNED.with(|t| {
            let mut t = t.borrow_mut();
            if let Some(a) = t.get(s) {
                return Str(a.clone());
            }
            let a: Arc<str> = Arc::from(s);
            if t.len() < INTERN_MAX_ENTRIES {
                t.insert(a.clone());
            }
            Str(a)
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether two strings share one allocation.
    pub fn ptr_eq(a: &Str, b: &Str) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }
}

impl Deref for Str {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Str {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Str {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Str {
    fn from(s: &str) -> Str {
        Str::new(s)
    }
}

impl From<String> for Str {
    fn from(s: String) -> Str {
        Str::new(&s)
    }
}

impl From<&String> for Str {
    fn from(s: &String) -> Str {
        Str::new(s)
    }
}

impl From<Str> for String {
    fn from(s: Str) -> String {
        s.0.to_string()
    }
}

impl fmt::Debug for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl PartialEq<str> for Str {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Str {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<Str> for str {
    fn eq(&self, other: &Str) -> bool {
        self == &*other.0
    }
}

impl PartialEq<Str> for &str {
    fn eq(&self, other: &Str) -> bool {
        *self == &*other.0
    }
}

impl PartialEq<String> for Str {
    fn eq(&self, other: &String) -> bool {
        &*self.0 == other.as_str()
    }
}

impl PartialEq<Str> for String {
    fn eq(&self, other: &Str) -> bool {
        self.as_str() == &*other.0
    }
}

impl Serialize for Str {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Str {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Str, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Ok(Str::new(&s))
    }
}

// ---------------------------------------------------------------------------------------------
// Number
// ---------------------------------------------------------------------------------------------

/// A JSON number, as `serde_json::Number`: an unsigned or negative integer, or a finite float.
#[derive(Clone, Copy)]
pub struct Number(N);

#[derive(Clone, Copy, Debug)]
enum N {
    PosInt(u64),
    NegInt(i64),
    Float(f64),
}

impl Number {
    /// A float number; `None` for NaN and infinities (JSON has neither).
    pub fn from_f64(f: f64) -> Option<Number> {
        f.is_finite().then_some(Number(N::Float(f)))
    }
    pub fn is_i64(&self) -> bool {
        match self.0 {
            N::PosInt(u) => u <= i64::MAX as u64,
            N::NegInt(_) => true,
            N::Float(_) => false,
        }
    }
    pub fn is_u64(&self) -> bool {
        matches!(self.0, N::PosInt(_))
    }
    pub fn is_f64(&self) -> bool {
        matches!(self.0, N::Float(_))
    }
    pub fn as_i64(&self) -> Option<i64> {
        match self.0 {
            N::PosInt(u) => i64::try_from(u).ok(),
            N::NegInt(i) => Some(i),
            N::Float(_) => None,
        }
    }
    pub fn as_u64(&self) -> Option<u64> {
        match self.0 {
            N::PosInt(u) => Some(u),
            _ => None,
        }
    }
    pub fn as_f64(&self) -> Option<f64> {
        Some(match self.0 {
            N::PosInt(u) => u as f64,
            N::NegInt(i) => i as f64,
            N::Float(f) => f,
        })
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Number) -> bool {
        match (self.0, other.0) {
            (N::PosInt(a), N::PosInt(b)) => a == b,
            (N::NegInt(a), N::NegInt(b)) => a == b,
            (N::Float(a), N::Float(b)) => a == b,
            _ => false,
        }
    }
}

impl From<i64> for Number {
    fn from(i: i64) -> Number {
        if i < 0 {
            Number(N::NegInt(i))
        } else {
            Number(N::PosInt(i as u64))
        }
    }
}

impl From<u64> for Number {
    fn from(u: u64) -> Number {
        Number(N::PosInt(u))
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            N::PosInt(u) => write!(f, "{u}"),
            N::NegInt(i) => write!(f, "{i}"),
            // serde_json's formatting (shortest round-trip, `1.0` keeps its point).
            N::Float(x) => f.write_str(&serde_json::to_string(&x).unwrap_or_default()),
        }
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            N::PosInt(u) => s.serialize_u64(u),
            N::NegInt(i) => s.serialize_i64(i),
            N::Float(f) => s.serialize_f64(f),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Array
// ---------------------------------------------------------------------------------------------

/// A shared array: reads borrow, writes copy it first if it is shared.
#[derive(Clone, Default)]
pub struct Array(Arc<Vec<Value>>);

impl Array {
    pub fn new() -> Array {
        Array::default()
    }
    pub fn ptr_eq(a: &Array, b: &Array) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }
    /// The elements, without copying when this is the only reference.
    pub fn into_vec(self) -> Vec<Value> {
        Arc::unwrap_or_clone(self.0)
    }
}

impl Deref for Array {
    type Target = Vec<Value>;
    fn deref(&self) -> &Vec<Value> {
        &self.0
    }
}

impl DerefMut for Array {
    fn deref_mut(&mut self) -> &mut Vec<Value> {
        Arc::make_mut(&mut self.0)
    }
}

impl From<Vec<Value>> for Array {
    fn from(v: Vec<Value>) -> Array {
        Array(Arc::new(v))
    }
}

impl Serialize for Array {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl PartialEq for Array {
    fn eq(&self, other: &Array) -> bool {
        Array::ptr_eq(self, other) || *self.0 == *other.0
    }
}

impl fmt::Debug for Array {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.iter()).finish()
    }
}

impl<'a> IntoIterator for &'a Array {
    type Item = &'a Value;
    type IntoIter = std::slice::Iter<'a, Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<'a> IntoIterator for &'a mut Array {
    type Item = &'a mut Value;
    type IntoIter = std::slice::IterMut<'a, Value>;
    fn into_iter(self) -> Self::IntoIter {
        Arc::make_mut(&mut self.0).iter_mut()
    }
}

impl IntoIterator for Array {
    type Item = Value;
    type IntoIter = std::vec::IntoIter<Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.into_vec().into_iter()
    }
}

impl FromIterator<Value> for Array {
    fn from_iter<I: IntoIterator<Item = Value>>(iter: I) -> Array {
        Array::from(iter.into_iter().collect::<Vec<_>>())
    }
}

// ---------------------------------------------------------------------------------------------
// Map
// ---------------------------------------------------------------------------------------------

/// A shared JSON object with its keys in insertion order. Lookups scan small objects and use
/// an index for large ones; writes copy the object first if it is shared.
#[derive(Clone, Default)]
pub struct Map(Arc<MapInner>);

#[derive(Clone, Default)]
struct MapInner {
    entries: Vec<(Str, Value)>,
    /// key → position, for objects larger than [`INDEX_FROM`]. Boxed: one word in the many
    /// small objects that have none.
    #[allow(clippy::box_collection)]
    index: Option<Box<HashMap<Str, usize>>>,
}

/// Objects with more entries than this get a hash index.
const INDEX_FROM: usize = 16;

impl MapInner {
    fn position(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(ix) => ix.get(key).copied(),
            None => {
                let key = key.as_bytes();
                self.entries
                    .iter()
                    .position(|(k, _)| short_eq(k.as_bytes(), key))
            }
        }
    }

    fn reindex(&mut self) {
        self.index = (self.entries.len() > INDEX_FROM).then(|| {
            Box::new(
                self.entries
                    .iter()
                    .enumerate()
                    .map(|(i, (k, _))| (k.clone(), i))
                    .collect(),
            )
        });
    }
}

/// Byte equality tuned for the short keys of objects: length, first byte, then eight bytes at a
/// time, without a call to `memcmp`.
#[inline]
fn short_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() || a.first() != b.first() {
        return false;
    }
    let mut ca = a.chunks_exact(8);
    let mut cb = b.chunks_exact(8);
    for (x, y) in (&mut ca).zip(&mut cb) {
        if x != y {
            return false;
        }
    }
    ca.remainder() == cb.remainder()
}

impl Map {
    pub fn new() -> Map {
        Map::default()
    }

    pub fn with_capacity(n: usize) -> Map {
        Map(Arc::new(MapInner {
            entries: Vec::with_capacity(n),
            index: None,
        }))
    }

    pub fn ptr_eq(a: &Map, b: &Map) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }

    fn inner_mut(&mut self) -> &mut MapInner {
        Arc::make_mut(&mut self.0)
    }

    pub fn len(&self) -> usize {
        self.0.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.entries.is_empty()
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.position(key).map(|i| &self.0.entries[i].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.0.position(key).is_some()
    }

    /// The value at `key` for writing (copies the object first if it is shared).
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        let i = self.0.position(key)?;
        Some(&mut self.inner_mut().entries[i].1)
    }

    /// Sets `key`; an existing key keeps its position. Returns the previous value.
    pub fn insert(&mut self, key: impl Into<Str>, value: Value) -> Option<Value> {
        let key = key.into();
        match self.0.position(&key) {
            Some(i) => {
                // Writing the value that is already there does not copy the object.
                if self.0.entries[i].1.same(&value) {
                    return Some(value);
                }
                Some(std::mem::replace(&mut self.inner_mut().entries[i].1, value))
            }
            None => {
                let inner = self.inner_mut();
                let i = inner.entries.len();
                if let Some(ix) = &mut inner.index {
                    ix.insert(key.clone(), i);
                }
                inner.entries.push((key, value));
                if inner.index.is_none() && inner.entries.len() > INDEX_FROM {
                    inner.reindex();
                }
                None
            }
        }
    }

    /// Removes `key`, keeping the order of the others (`IndexMap::shift_remove`).
    pub fn shift_remove(&mut self, key: &str) -> Option<Value> {
        let i = self.0.position(key)?;
        let inner = self.inner_mut();
        let (_, v) = inner.entries.remove(i);
        if inner.index.is_some() {
            inner.reindex();
        }
        Some(v)
    }

    /// Same as [`Map::shift_remove`].
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.shift_remove(key)
    }

    pub fn clear(&mut self) {
        if !self.is_empty() {
            *self = Map::new();
        }
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&Str, &mut Value) -> bool) {
        let inner = self.inner_mut();
        let before = inner.entries.len();
        inner.entries.retain_mut(|(k, v)| keep(k, v));
        if inner.entries.len() != before {
            inner.reindex();
        }
    }

    pub fn iter(&self) -> MapIter<'_> {
        MapIter(self.0.entries.iter())
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&Str, &mut Value)> {
        self.inner_mut().entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &Str> + '_ {
        self.0.entries.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl Iterator<Item = &Value> + '_ {
        self.0.entries.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Value> {
        self.inner_mut().entries.iter_mut().map(|(_, v)| v)
    }

    /// The entry at `key`, for in-place get-or-insert.
    pub fn entry(&mut self, key: impl Into<Str>) -> Entry<'_> {
        Entry {
            map: self,
            key: key.into(),
        }
    }

    /// Sorts the entries by key.
    pub fn sort_keys(&mut self) {
        let inner = self.inner_mut();
        inner.entries.sort_by(|a, b| a.0.cmp(&b.0));
        inner.reindex();
    }
}

/// A place in a [`Map`] for [`Map::entry`].
pub struct Entry<'a> {
    map: &'a mut Map,
    key: Str,
}

impl<'a> Entry<'a> {
    pub fn or_insert(self, default: Value) -> &'a mut Value {
        self.or_insert_with(|| default)
    }

    pub fn or_insert_with(self, f: impl FnOnce() -> Value) -> &'a mut Value {
        if !self.map.contains_key(&self.key) {
            self.map.insert(self.key.clone(), f());
        }
        self.map.get_mut(&self.key).expect("present")
    }

    pub fn or_default(self) -> &'a mut Value {
        self.or_insert_with(Value::default)
    }
}

/// Iterates a [`Map`]'s entries in order.
pub struct MapIter<'a>(std::slice::Iter<'a, (Str, Value)>);

impl<'a> Iterator for MapIter<'a> {
    type Item = (&'a Str, &'a Value);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k, v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for MapIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (k, v))
    }
}

impl ExactSizeIterator for MapIter<'_> {}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a Str, &'a Value);
    type IntoIter = MapIter<'a>;
    fn into_iter(self) -> MapIter<'a> {
        self.iter()
    }
}

impl IntoIterator for Map {
    type Item = (Str, Value);
    type IntoIter = std::vec::IntoIter<(Str, Value)>;
    fn into_iter(self) -> Self::IntoIter {
        Arc::unwrap_or_clone(self.0).entries.into_iter()
    }
}

impl<K: Into<Str>> FromIterator<(K, Value)> for Map {
    fn from_iter<I: IntoIterator<Item = (K, Value)>>(iter: I) -> Map {
        let mut m = Map::new();
        m.extend(iter);
        m
    }
}

impl<K: Into<Str>> Extend<(K, Value)> for Map {
    fn extend<I: IntoIterator<Item = (K, Value)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl PartialEq for Map {
    /// Equal when both hold the same keys with equal values, in any order (as `IndexMap`).
    fn eq(&self, other: &Map) -> bool {
        if Map::ptr_eq(self, other) {
            return true;
        }
        if self.len() != other.len() {
            return false;
        }
        let (a, b) = (&self.0.entries, &other.0.entries);
        // Same order is the common case: compare pairwise, fall back to lookups.
        a.iter()
            .zip(b.iter())
            .enumerate()
            .all(|(i, ((ka, va), (kb, vb)))| {
                if ka == kb {
                    va == vb
                } else {
                    a[i..].iter().all(|(k, v)| other.get(k) == Some(v))
                }
            })
    }
}

impl fmt::Debug for Map {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl std::ops::Index<&str> for Map {
    type Output = Value;
    fn index(&self, key: &str) -> &Value {
        self.get(key).unwrap_or(&NULL)
    }
}

// ---------------------------------------------------------------------------------------------
// Value
// ---------------------------------------------------------------------------------------------

/// A JSON value (see the module documentation).
#[derive(Clone, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Number(Number),
    String(Str),
    Array(Array),
    Object(Map),
}

static NULL: Value = Value::Null;

impl Value {
    /// An empty object.
    pub fn object() -> Value {
        Value::Object(Map::new())
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
    pub fn is_boolean(&self) -> bool {
        matches!(self, Value::Bool(_))
    }
    pub fn is_number(&self) -> bool {
        matches!(self, Value::Number(_))
    }
    pub fn is_string(&self) -> bool {
        matches!(self, Value::String(_))
    }
    pub fn is_array(&self) -> bool {
        matches!(self, Value::Array(_))
    }
    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }
    pub fn is_i64(&self) -> bool {
        matches!(self, Value::Number(n) if n.is_i64())
    }
    pub fn is_u64(&self) -> bool {
        matches!(self, Value::Number(n) if n.is_u64())
    }
    pub fn is_f64(&self) -> bool {
        matches!(self, Value::Number(n) if n.is_f64())
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(n) => n.as_i64(),
            _ => None,
        }
    }
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(n) => n.as_u64(),
            _ => None,
        }
    }
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => n.as_f64(),
            _ => None,
        }
    }
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }
    /// The elements for writing (copies the array first if it is shared).
    pub fn as_array_mut(&mut self) -> Option<&mut Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }
    pub fn as_object_mut(&mut self) -> Option<&mut Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// `self[key]` if `self` is an object holding `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object()?.get(key)
    }

    /// `self[i]` if `self` is an array longer than `i`.
    pub fn get_index(&self, i: usize) -> Option<&Value> {
        self.as_array()?.get(i)
    }

    /// `self[key]` for writing, if present (copies shared nodes on the way).
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.as_object_mut()?.get_mut(key)
    }

    /// Takes the value out, leaving `null`.
    pub fn take(&mut self) -> Value {
        std::mem::take(self)
    }

    /// RFC 6901 JSON pointer lookup (`/spec/containers/0/name`).
    pub fn pointer(&self, pointer: &str) -> Option<&Value> {
        if pointer.is_empty() {
            return Some(self);
        }
        let rest = pointer.strip_prefix('/')?;
        rest.split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .try_fold(self, |v, token| match v {
                Value::Object(m) => m.get(&token),
                Value::Array(a) => parse_index(&token).and_then(|i| a.get(i)),
                _ => None,
            })
    }

    /// [`Value::pointer`] for writing.
    pub fn pointer_mut(&mut self, pointer: &str) -> Option<&mut Value> {
        if pointer.is_empty() {
            return Some(self);
        }
        let rest = pointer.strip_prefix('/')?;
        rest.split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .try_fold(self, |v, token| match v {
                Value::Object(m) => m.get_mut(&token),
                Value::Array(a) => parse_index(&token).and_then(move |i| a.get_mut(i)),
                _ => None,
            })
    }

    /// Whether both are the same node (shared, or equal scalars): a cheap test for "unchanged".
    pub fn same(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Object(a), Value::Object(b)) => Map::ptr_eq(a, b),
            (Value::Array(a), Value::Array(b)) => Array::ptr_eq(a, b),
            (Value::String(a), Value::String(b)) => Str::ptr_eq(a, b) || a == b,
            (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            _ => false,
        }
    }

    /// The approximate heap bytes this value holds that are not shared with another value
    /// (shared nodes are counted once, by whoever holds the only other reference).
    pub fn heap_bytes(&self) -> usize {
        match self {
            Value::Array(a) => {
                if Arc::strong_count(&a.0) > 1 {
                    return 0;
                }
                a.capacity() * std::mem::size_of::<Value>()
                    + a.iter().map(Value::heap_bytes).sum::<usize>()
            }
            Value::Object(m) => {
                if Arc::strong_count(&m.0) > 1 {
                    return 0;
                }
                m.0.entries.capacity() * std::mem::size_of::<(Str, Value)>()
                    + m.0.index.as_ref().map_or(0, |ix| ix.capacity() * 32)
                    + m.values().map(Value::heap_bytes).sum::<usize>()
            }
            Value::String(s) if Arc::strong_count(&s.0) == 1 => s.len() + 16,
            _ => 0,
        }
    }
}

fn parse_index(s: &str) -> Option<usize> {
    if s.starts_with('+') || (s.starts_with('0') && s.len() != 1) {
        return None;
    }
    s.parse().ok()
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Array(a), Value::Array(b)) => a == b,
            (Value::Object(a), Value::Object(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for Value {}

impl Hash for Value {
    fn hash<H: Hasher>(&self, h: &mut H) {
        std::mem::discriminant(self).hash(h);
        match self {
            Value::Null => {}
            Value::Bool(b) => b.hash(h),
            Value::Number(n) => n.to_string().hash(h),
            Value::String(s) => s.hash(h),
            Value::Array(a) => a.iter().for_each(|v| v.hash(h)),
            // Order-independent, as equality is.
            Value::Object(m) => {
                let mut sum: u64 = 0;
                for (k, v) in m {
                    let mut eh = std::collections::hash_map::DefaultHasher::new();
                    k.hash(&mut eh);
                    v.hash(&mut eh);
                    sum = sum.wrapping_add(eh.finish());
                }
                sum.hash(h);
            }
        }
    }
}

impl fmt::Display for Value {
    /// Compact JSON text; `{:#}` pretty-prints.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = if f.alternate() {
            serde_json::to_string_pretty(self)
        } else {
            serde_json::to_string(self)
        };
        f.write_str(&text.map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("Null"),
            Value::Bool(b) => write!(f, "Bool({b})"),
            Value::Number(n) => write!(f, "Number({n})"),
            Value::String(s) => write!(f, "String({s:?})"),
            Value::Array(a) => {
                f.write_str("Array ")?;
                fmt::Debug::fmt(a, f)
            }
            Value::Object(m) => {
                f.write_str("Object ")?;
                fmt::Debug::fmt(m, f)
            }
        }
    }
}

// --- indexing --------------------------------------------------------------------------------

/// What a [`Value`] can be indexed by: `&str`/`String` (objects) and `usize` (arrays).
pub trait Index: private::Sealed {
    #[doc(hidden)]
    fn index_into<'v>(&self, v: &'v Value) -> Option<&'v Value>;
    #[doc(hidden)]
    fn index_or_insert<'v>(&self, v: &'v mut Value) -> &'v mut Value;
}

mod private {
    pub trait Sealed {}
    impl Sealed for usize {}
    impl Sealed for str {}
    impl Sealed for String {}
    impl<T: Sealed + ?Sized> Sealed for &T {}
}

impl Index for usize {
    fn index_into<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        v.as_array()?.get(*self)
    }
    /// An index past the end of an array (or into a non-array) writes into a scratch value
    /// that is dropped: kplane never panics on a bad index.
    fn index_or_insert<'v>(&self, v: &'v mut Value) -> &'v mut Value {
        if !matches!(v, Value::Array(a) if *self < a.len()) {
            *v = Value::Array(Array::from(vec![Value::Null; *self + 1]));
        }
        match v {
            Value::Array(a) => &mut a[*self],
            _ => unreachable!("made an array above"),
        }
    }
}

impl Index for str {
    fn index_into<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        v.get(self)
    }
    /// As `serde_json`: `null` becomes an object; a missing key is inserted as `null`. Any other
    /// value is replaced by an object (serde_json panics there).
    fn index_or_insert<'v>(&self, v: &'v mut Value) -> &'v mut Value {
        if !v.is_object() {
            *v = Value::object();
        }
        v.as_object_mut()
            .expect("made an object above")
            .entry(self)
            .or_insert(Value::Null)
    }
}

impl Index for String {
    fn index_into<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        self.as_str().index_into(v)
    }
    fn index_or_insert<'v>(&self, v: &'v mut Value) -> &'v mut Value {
        self.as_str().index_or_insert(v)
    }
}

impl<T: Index + ?Sized> Index for &T {
    fn index_into<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        (**self).index_into(v)
    }
    fn index_or_insert<'v>(&self, v: &'v mut Value) -> &'v mut Value {
        (**self).index_or_insert(v)
    }
}

impl<I: Index> std::ops::Index<I> for Value {
    type Output = Value;
    /// `null` when absent, as `serde_json`.
    fn index(&self, index: I) -> &Value {
        index.index_into(self).unwrap_or(&NULL)
    }
}

impl<I: Index> std::ops::IndexMut<I> for Value {
    fn index_mut(&mut self, index: I) -> &mut Value {
        index.index_or_insert(self)
    }
}

// --- comparisons with plain values -------------------------------------------------------------

macro_rules! eq_num {
    ($($t:ty => $conv:ident as $as:ty),*) => {$(
        impl PartialEq<$t> for Value {
            fn eq(&self, other: &$t) -> bool { self.$conv().is_some_and(|v| v == (*other as $as)) }
        }
        impl PartialEq<Value> for $t {
            fn eq(&self, other: &Value) -> bool { other == self }
        }
        impl PartialEq<$t> for &Value {
            fn eq(&self, other: &$t) -> bool { *self == other }
        }
    )*};
}
eq_num!(i64 => as_i64 as i64, i32 => as_i64 as i64, i16 => as_i64 as i64,
        i8 => as_i64 as i64, isize => as_isize as isize, u64 => as_u64 as u64,
        u32 => as_u64 as u64, u16 => as_u64 as u64, u8 => as_u64 as u64,
        usize => as_usize as usize, f64 => as_f64 as f64, f32 => as_f64 as f64);

impl Value {
    fn as_isize(&self) -> Option<isize> {
        self.as_i64().and_then(|i| isize::try_from(i).ok())
    }
    fn as_usize(&self) -> Option<usize> {
        self.as_u64().and_then(|u| usize::try_from(u).ok())
    }
}

impl PartialEq<bool> for Value {
    fn eq(&self, other: &bool) -> bool {
        self.as_bool() == Some(*other)
    }
}
impl PartialEq<Value> for bool {
    fn eq(&self, other: &Value) -> bool {
        other == self
    }
}
impl PartialEq<bool> for &Value {
    fn eq(&self, other: &bool) -> bool {
        *self == other
    }
}
impl PartialEq<str> for Value {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}
impl PartialEq<&str> for Value {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}
impl PartialEq<String> for Value {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == Some(other.as_str())
    }
}
impl PartialEq<str> for &Value {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}
impl PartialEq<String> for &Value {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == Some(other.as_str())
    }
}
impl PartialEq<Value> for str {
    fn eq(&self, other: &Value) -> bool {
        other == self
    }
}
impl PartialEq<Value> for &str {
    fn eq(&self, other: &Value) -> bool {
        other == *self
    }
}
impl PartialEq<Value> for String {
    fn eq(&self, other: &Value) -> bool {
        other == self
    }
}

// --- conversions -------------------------------------------------------------------------------

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(Str::new(s))
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(Str::new(&s))
    }
}
impl From<&String> for Value {
    fn from(s: &String) -> Value {
        Value::String(Str::new(s))
    }
}
impl From<Str> for Value {
    fn from(s: Str) -> Value {
        Value::String(s)
    }
}
impl From<std::borrow::Cow<'_, str>> for Value {
    fn from(s: std::borrow::Cow<'_, str>) -> Value {
        Value::String(Str::new(&s))
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}
macro_rules! from_int {
    ($($t:ty => $via:ty),*) => {$(
        impl From<$t> for Value {
            fn from(i: $t) -> Value { Value::Number(Number::from(i as $via)) }
        }
    )*};
}
from_int!(i64 => i64, i32 => i64, i16 => i64, i8 => i64, isize => i64,
          u64 => u64, u32 => u64, u16 => u64, u8 => u64, usize => u64);
impl From<f64> for Value {
    /// NaN and infinities become `null`, as in `serde_json`.
    fn from(f: f64) -> Value {
        Number::from_f64(f).map_or(Value::Null, Value::Number)
    }
}
impl From<f32> for Value {
    fn from(f: f32) -> Value {
        Value::from(f as f64)
    }
}
impl From<Number> for Value {
    fn from(n: Number) -> Value {
        Value::Number(n)
    }
}
impl From<Map> for Value {
    fn from(m: Map) -> Value {
        Value::Object(m)
    }
}
impl From<Array> for Value {
    fn from(a: Array) -> Value {
        Value::Array(a)
    }
}
impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(v: Vec<T>) -> Value {
        Value::Array(v.into_iter().map(Into::into).collect())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(o: Option<T>) -> Value {
        o.map_or(Value::Null, Into::into)
    }
}
impl From<()> for Value {
    fn from(_: ()) -> Value {
        Value::Null
    }
}
impl<T: Into<Value>> FromIterator<T> for Value {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Value {
        Value::Array(iter.into_iter().map(Into::into).collect())
    }
}
impl<K: Into<Str>> FromIterator<(K, Value)> for Value {
    fn from_iter<I: IntoIterator<Item = (K, Value)>>(iter: I) -> Value {
        Value::Object(iter.into_iter().collect())
    }
}

impl From<serde_json::Value> for Value {
    fn from(v: serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => Value::Number(if let Some(u) = n.as_u64() {
                Number::from(u)
            } else if let Some(i) = n.as_i64() {
                Number::from(i)
            } else {
                Number(N::Float(n.as_f64().unwrap_or(0.0)))
            }),
            serde_json::Value::String(s) => Value::from(s),
            serde_json::Value::Array(a) => a.into_iter().map(Value::from).collect(),
            serde_json::Value::Object(m) => {
                Value::Object(m.into_iter().map(|(k, v)| (k, Value::from(v))).collect())
            }
        }
    }
}

impl From<&Value> for serde_json::Value {
    fn from(v: &Value) -> serde_json::Value {
        match v {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => match n.0 {
                N::PosInt(u) => u.into(),
                N::NegInt(i) => i.into(),
                N::Float(f) => serde_json::Number::from_f64(f)
                    .map_or(serde_json::Value::Null, serde_json::Value::Number),
            },
            Value::String(s) => serde_json::Value::String(s.to_string()),
            Value::Array(a) => a.iter().map(serde_json::Value::from).collect(),
            Value::Object(m) => serde_json::Value::Object(
                m.iter()
                    .map(|(k, v)| (k.to_string(), serde_json::Value::from(v)))
                    .collect(),
            ),
        }
    }
}

impl From<Value> for serde_json::Value {
    fn from(v: Value) -> serde_json::Value {
        serde_json::Value::from(&v)
    }
}

/// Deserializes a typed value from a [`Value`] (through `serde_json`'s data model).
pub fn from_value<T: serde::de::DeserializeOwned>(v: &Value) -> Result<T, serde_json::Error> {
    serde_json::from_value(serde_json::Value::from(v))
}

// --- serde -------------------------------------------------------------------------------------

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Number(n) => n.serialize(s),
            Value::String(v) => s.serialize_str(v),
            Value::Array(a) => {
                let mut seq = s.serialize_seq(Some(a.len()))?;
                for v in a.iter() {
                    seq.serialize_element(v)?;
                }
                seq.end()
            }
            Value::Object(m) => {
                let mut map = s.serialize_map(Some(m.len()))?;
                for (k, v) in m {
                    map.serialize_entry(&**k, v)?;
                }
                map.end()
            }
        }
    }
}

impl Serialize for Map {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.len()))?;
        for (k, v) in self {
            map.serialize_entry(&**k, v)?;
        }
        map.end()
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        if let Ok(i) = i64::try_from(v) {
            Ok(Value::Number(i.into()))
        } else if let Ok(u) = u64::try_from(v) {
            Ok(Value::Number(u.into()))
        } else {
            Ok(Value::from(v as f64))
        }
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        match u64::try_from(v) {
            Ok(u) => Ok(Value::Number(u.into())),
            Err(_) => Ok(Value::from(v as f64)),
        }
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Deserialize::deserialize(d)
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut v = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(e) = seq.next_element()? {
            v.push(e);
        }
        Ok(Value::Array(Array::from(v)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut m = Map::with_capacity(map.size_hint().unwrap_or(0).min(1024));
        while let Some((k, v)) = map.next_entry::<MapKey, Value>()? {
            m.insert(k.0, v);
        }
        Ok(Value::Object(m))
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

impl<'de> Deserialize<'de> for Map {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Map, D::Error> {
        match Value::deserialize(d)? {
            Value::Object(m) => Ok(m),
            _ => Err(de::Error::custom("expected an object")),
        }
    }
}

/// An object key: a string, or a YAML scalar key (`1:`, `true:`) read as its text.
struct MapKey(Str);

impl<'de> Deserialize<'de> for MapKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<MapKey, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = MapKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_str<E>(self, v: &str) -> Result<MapKey, E> {
                Ok(MapKey(Str::new(v)))
            }
            fn visit_bool<E>(self, v: bool) -> Result<MapKey, E> {
                Ok(MapKey(Str::new(if v { "true" } else { "false" })))
            }
            fn visit_i64<E>(self, v: i64) -> Result<MapKey, E> {
                Ok(MapKey(Str::new(&v.to_string())))
            }
            fn visit_u64<E>(self, v: u64) -> Result<MapKey, E> {
                Ok(MapKey(Str::new(&v.to_string())))
            }
            fn visit_f64<E>(self, v: f64) -> Result<MapKey, E> {
                Ok(MapKey(Str::new(&v.to_string())))
            }
            fn visit_unit<E>(self) -> Result<MapKey, E> {
                Ok(MapKey(Str::new("null")))
            }
        }
        d.deserialize_any(KeyVisitor)
    }
}

/// Builds a [`Value`] from JSON-like syntax, as `serde_json::json!`.
///
/// ```
/// let name = "web";
/// let v = kplane::json!({"metadata": {"name": name, "labels": {"app": "web"}}, "replicas": 3});
/// assert_eq!(v["metadata"]["name"], "web");
/// ```
#[macro_export]
macro_rules! json {
    // Adapted from serde_json's json! (MIT OR Apache-2.0), producing kplane's Value.
    (@array [$($elems:expr,)*]) => { $crate::json_vec![$($elems,)*] };
    (@array [$($elems:expr),*]) => { $crate::json_vec![$($elems),*] };
    (@array [$($elems:expr,)*] null $($rest:tt)*) => { $crate::json!(@array [$($elems,)* $crate::json!(null)] $($rest)*) };
    (@array [$($elems:expr,)*] true $($rest:tt)*) => { $crate::json!(@array [$($elems,)* $crate::json!(true)] $($rest)*) };
    (@array [$($elems:expr,)*] false $($rest:tt)*) => { $crate::json!(@array [$($elems,)* $crate::json!(false)] $($rest)*) };
    (@array [$($elems:expr,)*] [$($array:tt)*] $($rest:tt)*) => { $crate::json!(@array [$($elems,)* $crate::json!([$($array)*])] $($rest)*) };
    (@array [$($elems:expr,)*] {$($map:tt)*} $($rest:tt)*) => { $crate::json!(@array [$($elems,)* $crate::json!({$($map)*})] $($rest)*) };
    (@array [$($elems:expr,)*] $next:expr, $($rest:tt)*) => { $crate::json!(@array [$($elems,)* $crate::json!($next),] $($rest)*) };
    (@array [$($elems:expr,)*] $last:expr) => { $crate::json!(@array [$($elems,)* $crate::json!($last)]) };
    (@array [$($elems:expr),*] , $($rest:tt)*) => { $crate::json!(@array [$($elems,)*] $($rest)*) };
    (@array [$($elems:expr),*] $unexpected:tt $($rest:tt)*) => { $crate::json_unexpected!($unexpected) };

    (@object $object:ident () () ()) => {};
    (@object $object:ident [$($key:tt)+] ($value:expr) , $($rest:tt)*) => {
        let _ = $object.insert(($($key)+), $value);
        $crate::json!(@object $object () ($($rest)*) ($($rest)*));
    };
    (@object $object:ident [$($key:tt)+] ($value:expr) $unexpected:tt $($rest:tt)*) => { $crate::json_unexpected!($unexpected); };
    (@object $object:ident [$($key:tt)+] ($value:expr)) => { let _ = $object.insert(($($key)+), $value); };
    (@object $object:ident ($($key:tt)+) (: null $($rest:tt)*) $copy:tt) => { $crate::json!(@object $object [$($key)+] ($crate::json!(null)) $($rest)*); };
    (@object $object:ident ($($key:tt)+) (: true $($rest:tt)*) $copy:tt) => { $crate::json!(@object $object [$($key)+] ($crate::json!(true)) $($rest)*); };
    (@object $object:ident ($($key:tt)+) (: false $($rest:tt)*) $copy:tt) => { $crate::json!(@object $object [$($key)+] ($crate::json!(false)) $($rest)*); };
    (@object $object:ident ($($key:tt)+) (: [$($array:tt)*] $($rest:tt)*) $copy:tt) => { $crate::json!(@object $object [$($key)+] ($crate::json!([$($array)*])) $($rest)*); };
    (@object $object:ident ($($key:tt)+) (: {$($map:tt)*} $($rest:tt)*) $copy:tt) => { $crate::json!(@object $object [$($key)+] ($crate::json!({$($map)*})) $($rest)*); };
    (@object $object:ident ($($key:tt)+) (: $value:expr , $($rest:tt)*) $copy:tt) => { $crate::json!(@object $object [$($key)+] ($crate::json!($value)) , $($rest)*); };
    (@object $object:ident ($($key:tt)+) (: $value:expr) $copy:tt) => { $crate::json!(@object $object [$($key)+] ($crate::json!($value))); };
    (@object $object:ident ($($key:tt)+) (:) $copy:tt) => { $crate::json!(); };
    (@object $object:ident ($($key:tt)+) () $copy:tt) => { $crate::json!(); };
    (@object $object:ident () (: $($rest:tt)*) ($colon:tt $($copy:tt)*)) => { $crate::json_unexpected!($colon); };
    (@object $object:ident ($($key:tt)*) (, $($rest:tt)*) ($comma:tt $($copy:tt)*)) => { $crate::json_unexpected!($comma); };
    (@object $object:ident () (($key:expr) : $($rest:tt)*) $copy:tt) => { $crate::json!(@object $object ($key) (: $($rest)*) (: $($rest)*)); };
    (@object $object:ident ($($key:tt)*) (: $($unexpected:tt)+) $copy:tt) => { $crate::json_expect_expr_comma!($($unexpected)+); };
    (@object $object:ident ($($key:tt)*) ($tt:tt $($rest:tt)*) $copy:tt) => { $crate::json!(@object $object ($($key)* $tt) ($($rest)*) ($($rest)*)); };

    (null) => { $crate::api::value::Value::Null };
    (true) => { $crate::api::value::Value::Bool(true) };
    (false) => { $crate::api::value::Value::Bool(false) };
    ([]) => { $crate::api::value::Value::Array($crate::api::value::Array::new()) };
    ([ $($tt:tt)+ ]) => { $crate::api::value::Value::Array($crate::api::value::Array::from($crate::json!(@array [] $($tt)+))) };
    ({}) => { $crate::api::value::Value::Object($crate::api::value::Map::new()) };
    ({ $($tt:tt)+ }) => {
        $crate::api::value::Value::Object({
            let mut object = $crate::api::value::Map::new();
            $crate::json!(@object object () ($($tt)+) ($($tt)+));
            object
        })
    };
    ($other:expr) => {{
        #[allow(unused_imports)]
        use $crate::api::value::__json::{ViaClone as _, ViaSerialize as _};
        (&$crate::api::value::__json::Wrap(&$other)).to_json()
    }};
}

/// `json!`'s conversion of an interpolated expression: a [`Value`] (or a reference to one) is
/// cloned, so it stays shared; anything else goes through `Serialize`.
#[doc(hidden)]
pub mod __json {
    use super::{to_value, Array, Map, Value};
    use serde::Serialize;

    pub struct Wrap<T>(pub T);

    pub trait ViaClone {
        fn to_json(&self) -> Value;
    }
    impl ViaClone for Wrap<&Value> {
        fn to_json(&self) -> Value {
            self.0.clone()
        }
    }
    impl ViaClone for Wrap<&&Value> {
        fn to_json(&self) -> Value {
            (*self.0).clone()
        }
    }
    impl ViaClone for Wrap<&Map> {
        fn to_json(&self) -> Value {
            Value::Object(self.0.clone())
        }
    }
    impl ViaClone for Wrap<&Array> {
        fn to_json(&self) -> Value {
            Value::Array(self.0.clone())
        }
    }
    impl ViaClone for Wrap<&Vec<Value>> {
        fn to_json(&self) -> Value {
            Value::Array(Array::from(self.0.clone()))
        }
    }
    impl ViaClone for Wrap<&Option<Value>> {
        fn to_json(&self) -> Value {
            self.0.clone().unwrap_or(Value::Null)
        }
    }
    impl ViaClone for Wrap<&Option<&Value>> {
        fn to_json(&self) -> Value {
            self.0.cloned().unwrap_or(Value::Null)
        }
    }

    pub trait ViaSerialize {
        fn to_json(&self) -> Value;
    }
    impl<T: Serialize + ?Sized> ViaSerialize for &Wrap<&T> {
        fn to_json(&self) -> Value {
            to_value(self.0)
        }
    }
}

#[macro_export]
#[doc(hidden)]
macro_rules! json_vec {
    ($($content:tt)*) => { vec![$($content)*] };
}

#[macro_export]
#[doc(hidden)]
macro_rules! json_unexpected {
    () => {};
}

#[macro_export]
#[doc(hidden)]
macro_rules! json_expect_expr_comma {
    ($e:expr , $($tt:tt)*) => {};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mirrors_serde_json() {
        let name = "web".to_string();
        let v = json!({"a": {"b": [1, "two", null, true, 2.5]}, "name": name, "n": -3});
        assert_eq!(v["a"]["b"][1], "two");
        assert_eq!(v["a"]["b"][0], 1);
        assert_eq!(v["n"], -3);
        assert!(v["missing"]["deeper"].is_null());
        assert_eq!(v.pointer("/a/b/4").and_then(Value::as_f64), Some(2.5));
        let text = v.to_string();
        assert_eq!(
            text,
            r#"{"a":{"b":[1,"two",null,true,2.5]},"name":"web","n":-3}"#
        );
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v);
        let sj: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(Value::from(sj.clone()), v);
        assert_eq!(serde_json::Value::from(&v), sj);
    }

    #[test]
    fn clones_share_and_writes_copy_the_path_only() {
        let a = json!({"spec": {"containers": [{"name": "c"}]}, "status": {"phase": "Pending"}});
        let mut b = a.clone();
        b["status"]["phase"] = json!("Running");
        assert_eq!(a["status"]["phase"], "Pending");
        assert_eq!(b["status"]["phase"], "Running");
        // spec is still one allocation, also through json!.
        let d = json!({"spec": a["spec"]});
        assert!(d["spec"].same(&a["spec"]));
        assert!(a["spec"].same(&b["spec"]));
        assert!(!a["status"].same(&b["status"]));
        assert_ne!(a, b);
        // Writing the same value leaves the node shared.
        let mut c = a.clone();
        c.as_object_mut().unwrap().insert("spec", a["spec"].clone());
        assert!(c.same(&a));
    }

    #[test]
    fn object_equality_ignores_order_and_keeps_it() {
        let a = json!({"x": 1, "y": 2});
        let b = json!({"y": 2, "x": 1});
        assert_eq!(a, b);
        assert_eq!(b.to_string(), r#"{"y":2,"x":1}"#);
        let mut big = Map::new();
        for i in 0..100 {
            big.insert(format!("k{i}"), json!(i));
        }
        assert_eq!(big.get("k77"), Some(&json!(77)));
        big.shift_remove("k3");
        assert_eq!(big.get("k77"), Some(&json!(77)));
        assert_eq!(big.len(), 99);
        assert_eq!(big.keys().nth(3).map(|k| k.as_str()), Some("k4"));
    }

    #[test]
    fn numbers_compare_as_serde_json() {
        assert_eq!(json!(1), json!(1u64));
        assert_ne!(json!(1), json!(1.0));
        assert_eq!(json!(1.0).to_string(), "1.0");
        assert_eq!(json!(f64::NAN), Value::Null);
        assert_eq!(json!(u64::MAX).as_u64(), Some(u64::MAX));
        assert_eq!(json!(u64::MAX).as_i64(), None);
    }

    #[test]
    fn index_mut_never_panics() {
        let mut v = json!("scalar");
        v["a"]["b"] = json!(1);
        assert_eq!(v, json!({"a": {"b": 1}}));
        let mut w = json!([1]);
        w[3] = json!(2);
        assert_eq!(w[3], 2);
    }

    #[test]
    fn interns_short_strings() {
        let a = Value::from("Running".to_string());
        let b: Value = serde_json::from_str("\"Running\"").unwrap();
        assert!(a.same(&b));
        if let (Value::String(x), Value::String(y)) = (&a, &b) {
            assert!(Str::ptr_eq(x, y));
        }
    }

    #[test]
    fn a_value_is_small() {
        assert_eq!(std::mem::size_of::<Value>(), 24);
    }
}
