#!/usr/bin/env python3
"""csv2xml.py -- convert custrelease CSV inputs to their XML form.

    csv2xml.py export DIR        > export.xml     (docs/format.md 2.2 -> docs/format.md 2.3)
    csv2xml.py manifest FILE.csv > manifest.xml   (docs/format.md 2.4, CSV -> XML)

The output describes the same data, so that custrelease gives the same
decisions and records for both forms: attributes id, type, status, reseller,
kind, role, org_id, username and via; every other column a child element of
the same name; empty (or blank) values omitted; customers nested in their
organization, products in their customer, contacts and shares in their
product, accounts at top level after the organizations; input order kept.
Values are written verbatim, escaped, with CR, LF and TAB as character
references.  Output is UTF-8 with LF line ends and is a pure function of the
input bytes (deterministic).

It does not validate values (identifiers, enums, contacts): that is
custrelease's job, and a fixture may hold bad values on purpose.  It refuses
(message on stderr, exit 1) what the XML form cannot represent: a row whose
parent does not exist, a row with another number of fields than the header,
a missing required column, a duplicate header name, invalid UTF-8, a NUL or
another character XML 1.0 forbids, broken CSV quoting.  Unknown columns are
carried over as child elements (export) or attributes (manifest), so that
custrelease warns about them in both forms (an unknown column named like
one of the attributes above becomes an attribute).  Only the Python 3 standard
library is used; archives are not read (give an extracted folder).
"""

import csv
import io
import os
import re
import sys

EXPORT_NS = "urn:custrelease:export:1"
MANIFEST_NS = "urn:custrelease:manifest:1"

# Columns in the order of docs/format.md 2.2 / 2.4.
ORG_COLS = ["id", "name", "type", "reseller", "orgname", "firstname",
            "lastname", "email", "streetaddr", "streetaddr2", "zip", "city",
            "state", "country", "phone", "fax", "lang"]
CUS_COLS = ["id", "reseller_id", "type", "firstname", "lastname", "orgname",
            "email", "streetaddr", "streetaddr2", "zip", "city", "state",
            "country", "phone", "fax", "lang", "reference", "status"]
PRD_COLS = ["id", "customer_id", "kind", "name", "status", "expires_at"]
DC_COLS = ["product_id", "role", "org_id", "firstname", "lastname",
           "orgname", "email"]
SH_COLS = ["product_id", "username", "via"]
ACC_COLS = ["username", "type", "firstname", "lastname", "orgname", "email",
            "country"]
MAN_COLS = ["request_id", "reseller_id", "customer_id", "quickshare_to",
            "import_to", "reseller_contacts", "on_mismatch", "requested_by"]
MAN_REQUIRED = ["request_id", "reseller_id", "customer_id"]

ATTRS = ("id", "type", "status", "reseller", "kind", "role", "org_id",
         "username", "via")

# file -> (element, columns, reference column given by nesting, children)
TABLES = {
    "organizations.csv": ("organization", ORG_COLS, None, ("customer",)),
    "customers.csv": ("customer", CUS_COLS, "reseller_id", ("product",)),
    "products.csv": ("product", PRD_COLS, "customer_id", ("contact", "share")),
    "domain_contacts.csv": ("contact", DC_COLS, "product_id", ()),
    "shares.csv": ("share", SH_COLS, "product_id", ()),
    "accounts.csv": ("account", ACC_COLS, None, ()),
}
REQUIRED_FILES = ("organizations.csv", "customers.csv", "products.csv")

BLANK = " \t\r\n\v\f"
# Characters XML 1.0 cannot hold, not even as a character reference.
XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")


class Unrepresentable(Exception):
    """An input the XML form cannot describe."""


def is_blank(v):
    return v.strip(BLANK) == ""


def esc_text(v):
    return (v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;").replace("\n", "&#10;")
            .replace("\t", "&#9;"))


def esc_attr(v):
    return esc_text(v).replace('"', "&quot;")


def check_value(v, where, col):
    m = XML_BAD.search(v)
    if m:
        ch = m.group(0)
        if "\udc80" <= ch <= "\udcff":
            what = "invalid UTF-8"
        else:
            what = "character U+%04X, which XML 1.0 cannot hold" % ord(ch)
        raise Unrepresentable("%s: column \"%s\": %s" % (where, col, what))


def detect_delimiter(text):
    first = text.split("\n", 1)[0]
    best, n = ",", first.count(",")
    for d in (";", "\t"):
        if first.count(d) > n:
            best, n = d, first.count(d)
    return best


def read_csv(path, known, required):
    """Read one CSV file: (unknown columns, [(first line, {column: value})]).
    `required` columns must be in the header."""
    name = os.path.basename(path)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise Unrepresentable("%s:0: %s" % (path, e.strerror))
    text = data.decode("utf-8", errors="surrogateescape")
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        line = text[:text.index("\x00")].count("\n") + 1
        raise Unrepresentable("%s:%d: NUL byte" % (name, line))
    delim = detect_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim,
                        quotechar='"', doublequote=True, strict=True)
    rows = []
    header = None
    last = 0
    try:
        for rec in reader:
            start, last = last + 1, reader.line_num
            if not rec or (len(rec) == 1 and rec[0] == ""):
                continue        # a blank line
            if header is None:
                header = rec
                for h in header:
                    check_value(h, "%s:%d" % (name, start), h)
                dup = sorted({h for h in header if header.count(h) > 1})
                if dup:
                    raise Unrepresentable("%s:%d: duplicate column \"%s\""
                                          % (name, start, dup[0]))
                missing = [c for c in required if c not in header]
                if missing:
                    raise Unrepresentable("%s:%d: missing column \"%s\""
                                          % (name, start, missing[0]))
                continue
            where = "%s:%d" % (name, start)
            if len(rec) != len(header):
                raise Unrepresentable("%s: %d fields where the header has %d"
                                      % (where, len(rec), len(header)))
            row = {}
            for h, v in zip(header, rec):
                check_value(v, where, h)
                row[h] = v
            rows.append((start, row))
    except csv.Error as e:
        raise Unrepresentable("%s:%d: %s" % (name, reader.line_num, e))
    if header is None:
        raise Unrepresentable("%s:0: no header line" % name)
    unknown = [h for h in header if h not in known]
    return unknown, rows


class Node:
    __slots__ = ("element", "attrs", "children_text", "kids")

    def __init__(self, element):
        self.element = element
        self.attrs = []          # (name, value)
        self.children_text = []  # (name, value)
        self.kids = []           # nested Nodes

    def write(self, out, depth):
        pad = "  " * depth
        head = pad + "<" + self.element
        for k, v in self.attrs:
            head += ' %s="%s"' % (k, esc_attr(v))
        if not self.children_text and not self.kids:
            out.append(head + "/>\n")
            return
        out.append(head + ">\n")
        for k, v in self.children_text:
            out.append("%s  <%s>%s</%s>\n" % (pad, k, esc_text(v), k))
        for kid in self.kids:
            kid.write(out, depth + 1)
        out.append(pad + "</" + self.element + ">\n")


def make_node(element, cols, ref, unknown, row):
    node = Node(element)
    for c in cols:
        if c == ref or c not in row or is_blank(row[c]):
            continue
        if c in ATTRS:
            node.attrs.append((c, row[c]))
        else:
            node.children_text.append((c, row[c]))
    for c in unknown:
        if is_blank(row[c]):
            continue
        if c in ATTRS:
            node.attrs.append((c, row[c]))
        else:
            node.children_text.append((c, row[c]))
    return node


def usable_unknown(file, unknown, element, children):
    keep = []
    for c in unknown:
        if not XML_NAME.match(c) or c.lower().startswith("xml"):
            print("csv2xml: warning: %s: column \"%s\" is not an XML name: dropped"
                  % (file, c), file=sys.stderr)
        elif c in children:
            raise Unrepresentable("%s:1: column \"%s\" would clash with the "
                                  "nested elements of <%s>"
                                  % (file, c, element))
        else:
            keep.append(c)
    return keep


def convert_export(d):
    if not os.path.isdir(d):
        raise Unrepresentable("%s:0: not a directory" % d)
    nodes = {}        # file -> list of (line, row, Node)
    for file, (element, cols, ref, children) in TABLES.items():
        path = os.path.join(d, file)
        if not os.path.exists(path):
            if file in REQUIRED_FILES:
                raise Unrepresentable("%s:0: missing required file" % path)
            nodes[file] = []
            continue
        unknown, rows = read_csv(path, cols, cols)
        unknown = usable_unknown(file, unknown, element, children)
        nodes[file] = [(line, row, make_node(element, cols, ref, unknown,
                                             row))
                       for line, row in rows]

    dups = {}         # parent file -> ids that occur more than once

    def index(file, key):
        idx = {}
        for _, row, node in nodes[file]:
            k = row[key]
            if k in idx:
                dups.setdefault(file, set()).add(k)
            else:
                idx[k] = node
        return idx

    def attach(child_file, ref, parents, parent_file):
        for line, row, node in nodes[child_file]:
            k = row[ref]
            if k not in parents:
                raise Unrepresentable(
                    "%s:%d: column \"%s\": \"%s\" names no row of %s, so the "
                    "row has no place in the XML form"
                    % (child_file, line, ref, k, parent_file))
            if k in dups.get(parent_file, ()):
                print("csv2xml: warning: %s:%d: %s \"%s\" is not unique in %s:"
                      " the row goes into the first one"
                      % (child_file, line, ref, k, parent_file),
                      file=sys.stderr)
            parents[k].kids.append(node)

    orgs = index("organizations.csv", "id")
    cuss = index("customers.csv", "id")
    prds = index("products.csv", "id")
    # Contacts come before shares inside a product: attach them first.
    attach("domain_contacts.csv", "product_id", prds, "products.csv")
    attach("shares.csv", "product_id", prds, "products.csv")
    attach("products.csv", "customer_id", cuss, "customers.csv")
    attach("customers.csv", "reseller_id", orgs, "organizations.csv")

    out = ['<?xml version="1.0" encoding="UTF-8"?>\n',
           '<export xmlns="%s">\n' % EXPORT_NS]
    for _, _, node in nodes["organizations.csv"]:
        node.write(out, 1)
    for _, _, node in nodes["accounts.csv"]:
        node.write(out, 1)
    out.append("</export>\n")
    return "".join(out)


def convert_manifest(path):
    unknown, rows = read_csv(path, MAN_COLS, MAN_REQUIRED)
    keep = []
    for c in unknown:
        if not XML_NAME.match(c) or c.lower().startswith("xml"):
            print("csv2xml: warning: %s: column \"%s\" is not an XML name: dropped"
                  % (path, c), file=sys.stderr)
        else:
            keep.append(c)
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n',
           '<manifest xmlns="%s">\n' % MANIFEST_NS]
    for _, row in rows:
        attrs = ""
        for c in MAN_COLS + keep:
            if c in row and not is_blank(row[c]):
                attrs += ' %s="%s"' % (c, esc_attr(row[c]))
        out.append("  <release%s/>\n" % attrs)
    out.append("</manifest>\n")
    return "".join(out)


def main(argv):
    if len(argv) != 3 or argv[1] not in ("export", "manifest"):
        print("usage: csv2xml.py export DIR > export.xml\n"
              "       csv2xml.py manifest FILE.csv > manifest.xml",
              file=sys.stderr)
        return 2
    try:
        if argv[1] == "export":
            xml = convert_export(argv[2])
        else:
            xml = convert_manifest(argv[2])
    except Unrepresentable as e:
        print("csv2xml: %s" % e, file=sys.stderr)
        return 1
    sys.stdout.buffer.write(xml.encode("utf-8"))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
