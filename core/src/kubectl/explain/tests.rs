//! `wrap` against github.com/mitchellh/go-wordwrap v1.0.1's own cases (wordwrap_test.go
//! `TestWrapString`); the rendering itself is checked against real kubectl in
//! `kubectl/tests.rs` (`EXPLAIN`).
use super::wrap;

#[test]
fn wraps_as_go_wordwrap() {
    let block = "\u{2584} ".repeat(4);
    let block_want = format!("\u{2584} \u{2584}\n{}", "\u{2584} ".repeat(2));
    let cases: &[(&str, &str, usize)] = &[
        ("foo", "foo", 4),
        ("foobarbaz", "foobarbaz", 4),
        ("foo bar baz", "foo\nbar\nbaz", 4),
        ("foo bars bazzes", "foo\nbars\nbazzes", 4),
        ("fo sop", "fo\nsop", 4),
        ("foo bar\u{a0}baz", "foo\nbar\u{a0}baz", 10),
        ("foo\nb\t r\n baz", "foo\nb\t r\n baz", 4),
        ("foo    \nb   ar   ", "foo\nb\nar", 4),
        ("foo bar baz\n", "foo\nbar\nbaz\n", 4),
        ("\nfoo bar\n\n\nbaz\n", "\nfoo\nbar\n\n\nbaz\n", 4),
        (
            " This is a list: \n\n\t* foo\n\t* bar\n\n\n\t* baz  \nBAM    ",
            " This\nis a\nlist: \n\n\t* foo\n\t* bar\n\n\n\t* baz\nBAM",
            6,
        ),
        (&block, &block_want, 4),
    ];
    for (input, want, lim) in cases {
        assert_eq!(wrap(input, *lim), *want, "{input:?}");
    }
}
