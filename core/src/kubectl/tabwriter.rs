//! A port of Go's `text/tabwriter` (the elastic tabstops kubectl prints through): text is
//! cut into cells by `\t` and lines by `\n`; a column block is a run of consecutive lines
//! that all have a tab-terminated cell in that column, and every cell of the block is padded
//! to the block's widest cell + `padding` (at least `min_width`). The last cell of a line is
//! not part of any column and is never padded.
//!
//! kubectl's tables use `minwidth 6, padding 3` (k8s.io/cli-runtime/pkg/printers/tabwriter.go,
//! `GetNewTabWriter`); `describe` uses `minwidth 0, padding 2` (k8s.io/kubectl/pkg/describe,
//! `tabbedString`). Both pad with spaces and no flags.

/// One cell: its text and width in runes.
struct Cell<'a> {
    text: &'a str,
    width: usize,
}

/// Formats `text` as Go's `tabwriter.Writer` with pad character `' '` and no flags would.
pub fn format(text: &str, min_width: usize, padding: usize) -> String {
    format_padded(text, min_width, padding, ' ')
}

fn format_padded(text: &str, min_width: usize, padding: usize, pad: char) -> String {
    format_remembering(text, min_width, padding, pad, None)
}

/// kubectl's fork of tabwriter (github.com/liggitt/tabwriter) with `RememberWidths`: each
/// column is at least as wide as it was in earlier flushes of the same writer (`maxwidths`).
fn format_remembering(
    text: &str,
    min_width: usize,
    padding: usize,
    pad: char,
    mut remembered: Option<&mut Vec<usize>>,
) -> String {
    let mut lines: Vec<Vec<Cell<'_>>> = text
        .split('\n')
        .map(|line| {
            line.split('\t')
                .map(|t| Cell {
                    text: t,
                    width: t.chars().count(),
                })
                .collect()
        })
        .collect();
    // At Flush, an unterminated last cell is only kept when it holds text.
    if let Some(last) = lines.last_mut() {
        if last.last().is_some_and(|c| c.text.is_empty()) {
            last.pop();
        }
    }
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    let mut widths = Vec::new();
    let layout = Layout {
        min_width,
        padding,
        pad,
    };
    format_block(
        &lines,
        0,
        lines.len(),
        &mut widths,
        &layout,
        &mut remembered,
        &mut out,
    );
    out
}

struct Layout {
    min_width: usize,
    padding: usize,
    pad: char,
}

/// `Writer.format`: lays out the lines `[line0, line1)` given the widths of the columns to the
/// left, recursing into each column block.
fn format_block(
    lines: &[Vec<Cell<'_>>],
    mut line0: usize,
    line1: usize,
    widths: &mut Vec<usize>,
    layout: &Layout,
    remembered: &mut Option<&mut Vec<usize>>,
    out: &mut String,
) {
    let column = widths.len();
    let mut this = line0;
    while this < line1 {
        if column + 1 >= lines[this].len() {
            this += 1;
            continue;
        }
        // A cell exists in this column: print the lines before the block, then find its end.
        write_lines(lines, line0, this, widths, layout.pad, out);
        line0 = this;
        let mut width = layout.min_width;
        while this < line1 && column + 1 < lines[this].len() {
            width = width.max(lines[this][column].width + layout.padding);
            this += 1;
        }
        if let Some(max) = remembered.as_deref_mut() {
            if max.len() < widths.len() {
                max.extend_from_slice(&widths[max.len()..]);
            }
            match max.get(widths.len()).copied() {
                None => max.push(width),
                Some(m) if m > width => width = m,
                Some(_) => max[widths.len()] = width,
            }
        }
        widths.push(width);
        format_block(lines, line0, this, widths, layout, remembered, out);
        widths.pop();
        line0 = this;
    }
    write_lines(lines, line0, line1, widths, layout.pad, out);
}

/// `Writer.writeLines`: each cell, padded to its column's width when it has one.
fn write_lines(
    lines: &[Vec<Cell<'_>>],
    line0: usize,
    line1: usize,
    widths: &[usize],
    pad: char,
    out: &mut String,
) {
    for (i, line) in lines.iter().enumerate().take(line1).skip(line0) {
        for (j, c) in line.iter().enumerate() {
            out.push_str(c.text);
            if let Some(w) = widths.get(j) {
                out.extend(std::iter::repeat_n(pad, w.saturating_sub(c.width)));
            }
        }
        if i + 1 < lines.len() {
            out.push('\n');
        }
    }
}

/// kubectl's table writer (`printers.GetNewTabWriter`).
pub fn table(text: &str) -> String {
    format(text, 6, 3)
}

/// kubectl's table writer kept across flushes (`get --watch`: the list, then each event):
/// columns keep the widest width seen so far (`RememberWidths`).
#[derive(Debug, Clone, Default)]
pub struct TableWriter {
    widths: Vec<usize>,
}

impl TableWriter {
    /// Formats and flushes `text`.
    pub fn flush(&mut self, text: &str) -> String {
        format_remembering(text, 6, 3, ' ', Some(&mut self.widths))
    }
}

/// `kubectl describe`'s writer (`tabbedString`).
pub fn describe(text: &str) -> String {
    format(text, 0, 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cases from Go's text/tabwriter tests (tabwriter_test.go, `tests`) with flags 0:
    /// (name, minwidth, padding, padchar, src, expected).
    #[test]
    fn matches_go_tabwriter() {
        let cases: &[(&str, usize, usize, char, &str, &str)] = &[
            ("1a", 8, 1, '.', "", ""),
            ("2", 8, 1, '.', "\n\n\n", "\n\n\n"),
            ("3", 8, 1, '.', "a\nb\nc", "a\nb\nc"),
            ("4a", 8, 1, '.', "\t", ""),
            ("5", 8, 1, '.', "*\t*", "*.......*"),
            ("5b", 8, 1, '.', "*\t*\n", "*.......*\n"),
            ("5c", 8, 1, '.', "*\t*\t", "*.......*"),
            ("6", 8, 1, '.', "\t\n", "........\n"),
            ("7a", 8, 1, '.', "a) foo", "a) foo"),
            ("7b", 8, 1, ' ', "b) foo\tbar", "b) foo  bar"),
            ("7c", 8, 1, '.', "c) foo\tbar\t", "c) foo..bar"),
            ("7d", 8, 1, '.', "d) foo\tbar\n", "d) foo..bar\n"),
            ("7e", 8, 1, '.', "e) foo\tbar\t\n", "e) foo..bar.....\n"),
            ("8", 8, 1, '*', "Hello, world!\n", "Hello, world!\n"),
            ("9a", 1, 0, '.', "1\t2\t3\t4\n11\t222\t3333\t44444\n", "1.2..3...4\n11222333344444\n"),
            ("10a", 5, 0, '.', "1\t2\t3\t4\n", "1....2....3....4\n"),
            ("10b", 5, 0, '.', "1\t2\t3\t4\t\n", "1....2....3....4....\n"),
            ("12b", 2, 0, ' ', "a\tb\tc\naa\tbbb\tcccc\naaa\tbbbb\n", "a  b  c\naa bbbcccc\naaabbbb\n"),
            ("12c", 8, 1, '_', "a\tb\tc\naa\tbbb\tcccc\naaa\tbbbb\n", "a_______b_______c\naa______bbb_____cccc\naaa_____bbbb\n"),
            ("13a", 4, 1, '-', "4444\t日本語\t22\t1\t333\n999999999\t22\n7\t22\n\t\t\t88888888\n\n666666\t666666\t666666\t4444\n1\t1\t999999999\t0000000000\n",
                "4444------日本語-22--1---333\n999999999-22\n7---------22\n------------------88888888\n\n666666-666666-666666----4444\n1------1------999999999-0000000000\n"),
            ("13b", 4, 3, '.', "4444\t333\t22\t1\t333\n999999999\t22\n7\t22\n\t\t\t88888888\n\n666666\t666666\t666666\t4444\n1\t1\t999999999\t0000000000\n",
                "4444........333...22...1...333\n999999999...22\n7...........22\n....................88888888\n\n666666...666666...666666......4444\n1........1........999999999...0000000000\n"),
            ("15a", 4, 0, '.', "a\t\tb", "a.......b"),
        ];
        for (name, min, pad, ch, src, want) in cases {
            assert_eq!(format_padded(src, *min, *pad, *ch), *want, "case {name}");
        }
    }

    #[test]
    fn kubectl_table_settings() {
        assert_eq!(
            table("NAME\tREADY\tAGE\nweb-abc\t1/1\t5s\n"),
            "NAME      READY   AGE\nweb-abc   1/1     5s\n"
        );
    }

    /// liggitt/tabwriter's `RememberWidths` (tabwriter_test.go `TestRememberWidths`, minwidth
    /// 6, padding 3): later flushes keep the widths of earlier ones and widen for wider cells.
    #[test]
    fn remembers_widths_across_flushes() {
        let mut w = TableWriter::default();
        assert_eq!(
            w.flush("First\tMiddle\tLast\na\tbb\tccc\nddd\teeeeeeeeeeeeee\tf\n"),
            "First   Middle           Last\na       bb               ccc\nddd     eeeeeeeeeeeeee   f\n"
        );
        assert_eq!(w.flush("g\th\ti\n"), "g       h                i\n");
        assert_eq!(w.flush("j\t\t\n"), "j                        \n");
        assert_eq!(w.flush("\tk\t\n"), "        k                \n");
        assert_eq!(w.flush("\t\tl\n"), "                         l\n");
        assert_eq!(
            w.flush("mmmmmmmmmmmmmmm\tnnn\tooo\n"),
            "mmmmmmmmmmmmmmm   nnn              ooo\n"
        );
        assert_eq!(w.widths, vec![18, 17]);
    }

    #[test]
    fn nested_blocks_like_describe() {
        // Sections separated by lines without tabs align independently.
        let text = "Name:\tweb\nNamespace:\tdefault\nContainers:\n  c:\n    Image:\tnginx\n    Restart Count:\t0\n";
        assert_eq!(
            describe(text),
            "Name:       web\nNamespace:  default\nContainers:\n  c:\n    Image:          nginx\n    Restart Count:  0\n"
        );
    }
}
