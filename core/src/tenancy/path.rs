//! Workspace paths (`root:org:team`), as kcp-dev/logicalcluster `Path` handles them
//! (path.go: `Split`, `Parent`, `Join`, `HasPrefix`, `IsValid`), and the way kcp refuses a
//! request path that is not one (pkg/server/filters/filters.go `WithClusterScope`,
//! pkg/server/localproxy.go): `400 invalid cluster: "a::b" does not match the regex`, and
//! `404 workspaces.tenancy.kcp.io "x:y" not found` for a path that resolves to nothing.
use crate::server::status::{go_quote, Status};
use std::fmt;

/// The path of the root workspace, which always exists and has no Workspace object.
pub const ROOT: &str = "root";
/// The separator of path segments.
pub const SEPARATOR: char = ':';
/// The longest segment: `lclusterNameFmt` is `[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?`.
pub const MAX_SEGMENT_LEN: usize = 63;

/// Whether `s` is one path segment (and a valid Workspace name):
/// `[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?`.
pub fn is_valid_segment(s: &str) -> bool {
    let b = s.as_bytes();
    let ok = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    !b.is_empty()
        && b.len() <= MAX_SEGMENT_LEN
        && b.iter().all(|c| ok(c) || *c == b'-')
        && b.first().is_some_and(ok)
        && b.last().is_some_and(ok)
}

/// A syntactically valid workspace path: one or more segments joined by `:`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WorkspacePath(String);

impl WorkspacePath {
    /// The root workspace.
    pub fn root() -> WorkspacePath {
        WorkspacePath(ROOT.to_string())
    }

    /// Parses a path as kcp's request filter does: every segment must match
    /// `[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?`, so empty segments, `.`/`..`, upper case, `/` and
    /// over-long segments are refused with `400 BadRequest: invalid cluster: "…" does not match
    /// the regex`.
    pub fn parse(s: &str) -> Result<WorkspacePath, Status> {
        if s.split(SEPARATOR).all(is_valid_segment) {
            Ok(WorkspacePath(s.to_string()))
        } else {
            Err(Status::bad_request(format!(
                "invalid cluster: {} does not match the regex",
                go_quote(s)
            )))
        }
    }

    /// Parses a path that must start at `root` (the only tree kplane serves): a valid path with
    /// another first segment names no workspace, `404 workspaces.tenancy.kcp.io "…" not found`.
    pub fn parse_rooted(s: &str) -> Result<WorkspacePath, Status> {
        let p = WorkspacePath::parse(s)?;
        if p.segments().next() != Some(ROOT) {
            return Err(Status::workspace_not_found(s));
        }
        Ok(p)
    }

    /// The path text, `root:org`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The segments, from the first (`root`) to the last.
    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.0.split(SEPARATOR)
    }

    /// Whether this is `root`.
    pub fn is_root(&self) -> bool {
        self.0 == ROOT
    }

    /// `Parent`: all but the last segment; `None` for a one-segment path.
    pub fn parent(&self) -> Option<WorkspacePath> {
        self.0
            .rsplit_once(SEPARATOR)
            .map(|(p, _)| WorkspacePath(p.to_string()))
    }

    /// `Base`: the last segment (the Workspace's name in its parent).
    pub fn base(&self) -> &str {
        self.0.rsplit(SEPARATOR).next().unwrap_or(&self.0)
    }

    /// `Join`: the child `name`, which must be a valid segment (else the 400 of [`Self::parse`]).
    pub fn join(&self, name: &str) -> Result<WorkspacePath, Status> {
        WorkspacePath::parse(&format!("{}{SEPARATOR}{name}", self.0))
    }

    /// `HasPrefix`: whether this path is `other` or below it.
    pub fn has_prefix(&self, other: &WorkspacePath) -> bool {
        self.0 == other.0
            || self
                .0
                .strip_prefix(&other.0)
                .is_some_and(|rest| rest.starts_with(SEPARATOR))
    }

    /// How many segments deep this path is (`root` is 1).
    pub fn depth(&self) -> usize {
        self.segments().count()
    }

    /// `RequestPath`: `/clusters/root:org`.
    pub fn request_path(&self) -> String {
        format!("/clusters/{}", self.0)
    }
}

impl fmt::Display for WorkspacePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `logicalcluster.NewPath(path).Join(name).String()` for unvalidated strings, as kcp prints
/// type references and initializer names: `root:universal`, or just `name` when `path` is empty.
pub fn join_str(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}{SEPARATOR}{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_paths() {
        // path_test.go TestIsValidCluster and the segment regex.
        for p in [
            "root",
            "root:foo",
            "root:foo:bar",
            "root:a-b",
            "root:0a",
            "root:a0",
            "root:a",
            "abcdef0123456789",
            &format!("root:{}", "a".repeat(63)),
        ] {
            assert!(WorkspacePath::parse(p).is_ok(), "{p}");
        }
    }

    #[test]
    fn invalid_paths_are_400_with_kcps_message() {
        for p in [
            "",
            ":",
            "root:",
            ":root",
            "root::foo",
            "root:..",
            "root:.",
            "..",
            "root:foo:..:bar",
            "root:Foo",
            "root:-foo",
            "root:foo-",
            "root:fo_o",
            "root/foo",
            "root:foo bar",
            "root:ä",
            &format!("root:{}", "a".repeat(64)),
        ] {
            let e = WorkspacePath::parse(p).unwrap_err();
            assert_eq!(e.code, 400, "{p}");
            assert_eq!(e.reason, "BadRequest");
            assert_eq!(
                e.message,
                format!("invalid cluster: {} does not match the regex", go_quote(p))
            );
        }
    }

    #[test]
    fn rooted_paths() {
        assert!(WorkspacePath::parse_rooted("root:org").is_ok());
        let e = WorkspacePath::parse_rooted("org:team").unwrap_err();
        assert_eq!(e.code, 404);
        assert_eq!(
            e.message,
            r#"workspaces.tenancy.kcp.io "org:team" not found"#
        );
        assert_eq!(
            WorkspacePath::parse_rooted("root:..").unwrap_err().code,
            400
        );
    }

    #[test]
    fn split_parent_join_prefix_as_path_go() {
        let p = WorkspacePath::parse("root:org:team").unwrap();
        assert_eq!(p.base(), "team");
        assert_eq!(p.parent().unwrap().as_str(), "root:org");
        assert_eq!(p.depth(), 3);
        assert!(WorkspacePath::root().parent().is_none());
        assert_eq!(WorkspacePath::root().base(), "root");
        assert_eq!(WorkspacePath::root().join("a").unwrap().as_str(), "root:a");
        assert_eq!(WorkspacePath::root().join("..").unwrap_err().code, 400);
        assert!(p.has_prefix(&WorkspacePath::root()));
        assert!(p.has_prefix(&p));
        assert!(!WorkspacePath::parse("root:organic")
            .unwrap()
            .has_prefix(&WorkspacePath::parse("root:org").unwrap()));
        assert_eq!(p.request_path(), "/clusters/root:org:team");
        assert_eq!(join_str("", "universal"), "universal");
        assert_eq!(join_str("root", "universal"), "root:universal");
    }
}
