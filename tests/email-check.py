#!/usr/bin/env python3
"""email-check.py -- check claim emails (.eml) the way a strict reader would.

Usage: email-check.py FILE.eml...

For each file, with the Python 3 standard library only:
  * bytes: CRLF line ends only (no bare CR or LF), no NUL, every line at most
    998 octets, header lines at most 78, no 8-bit byte in the header block
    (nor in any MIME part header), quoted-printable bodies with valid escapes,
    lines of at most 76 and no trailing white space;
  * parse with email.message_from_binary_file(f, policy=email.policy.default):
    no defect on the message, on any part, or on any header value (the
    default policy records header defects instead of raising);
  * required headers present once: From, To, Subject, Date, Message-ID,
    MIME-Version, Auto-Submitted (auto-generated); To with one address whose
    domain is ASCII (A-label); text parts UTF-8 and decodable; a
    multipart/alternative with text/plain first.
Prints "FILE: ok" or each error, and exits 1 if any file failed.
"""
import email
import email.policy
import re
import sys

REQUIRED = ("From", "To", "Subject", "Date", "Message-ID", "MIME-Version",
            "Auto-Submitted")
QP_ESCAPE = re.compile(rb"=(?![0-9A-F]{2})")


def check_bytes(data, errors):
    if b"\0" in data:
        errors.append("NUL byte")
    if re.search(rb"\r(?!\n)", data):
        errors.append("bare CR")
    if re.search(rb"(?<!\r)\n", data):
        errors.append("bare LF")
    lines = data.split(b"\r\n")
    if lines and lines[-1] == b"":
        lines.pop()
    else:
        errors.append("does not end with CRLF")
    try:
        end = lines.index(b"")
    except ValueError:
        errors.append("no empty line after the header")
        return
    for n, line in enumerate(lines, 1):
        if len(line) > 998:
            errors.append("line %d: %d octets (> 998)" % (n, len(line)))
    for n, line in enumerate(lines[:end], 1):
        if len(line) > 78:
            errors.append("header line %d: %d octets (> 78)" % (n, len(line)))
        if any(b > 0x7f for b in line):
            errors.append("header line %d: 8-bit byte" % n)
    check_body_lines(lines, end + 1, errors)


def check_body_lines(lines, start, errors):
    """QP rules on the body lines of each part; part headers 7-bit."""
    boundaries = set()
    head = b"\r\n".join(lines[:start])
    for m in re.finditer(rb'boundary="?([^";\r\n]+)"?', head):
        boundaries.add(m.group(1))
    in_part_header = False
    qp = b"quoted-printable" in head.lower()
    for n in range(start, len(lines)):
        line = lines[n]
        lineno = n + 1
        if any(line == b"--" + b or line == b"--" + b + b"--"
               for b in boundaries):
            in_part_header = not line.endswith(b"--")
            qp = False
            continue
        if in_part_header:
            if line == b"":
                in_part_header = False
                continue
            if any(b > 0x7f for b in line):
                errors.append("part header line %d: 8-bit byte" % lineno)
            if len(line) > 78:
                errors.append("part header line %d: %d octets (> 78)"
                              % (lineno, len(line)))
            if re.match(rb"(?i)content-transfer-encoding:\s*quoted-printable",
                        line):
                qp = True
            m = re.match(rb'(?i)content-type:.*boundary="?([^";]+)"?', line)
            if m:
                boundaries.add(m.group(1))
            continue
        if not qp:
            continue
        if len(line) > 76:
            errors.append("QP line %d: %d characters (> 76)"
                          % (lineno, len(line)))
        body = line[:-1] if line.endswith(b"=") else line
        if QP_ESCAPE.search(body):
            errors.append("QP line %d: invalid escape" % lineno)
        if line.endswith((b" ", b"\t")):
            errors.append("QP line %d: trailing white space" % lineno)
        if any(b > 0x7e for b in line) or any(
                b < 0x20 and b != 0x09 for b in line):
            errors.append("QP line %d: byte outside printable ASCII"
                          % lineno)


def check_parsed(data, path, errors):
    with open(path, "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    for part in msg.walk():
        for d in part.defects:
            errors.append("part %s: defect %r" % (part.get_content_type(), d))
        for name, value in part.items():
            for d in getattr(value, "defects", ()):
                errors.append("header %s: defect %r" % (name, d))
    for name in REQUIRED:
        n = len(msg.get_all(name, []))
        if n != 1:
            errors.append("header %s: %d times, expected once" % (name, n))
    if errors:
        return
    if str(msg["MIME-Version"]) != "1.0":
        errors.append("MIME-Version is not 1.0")
    if str(msg["Auto-Submitted"]) != "auto-generated":
        errors.append("Auto-Submitted is not auto-generated")
    if msg["Date"].datetime is None:
        errors.append("Date does not parse")
    to = msg["To"].addresses
    if len(to) != 1:
        errors.append("To: %d addresses, expected 1" % len(to))
    for a in to + msg["From"].addresses:
        if not a.domain or not a.domain.isascii() or not a.username.isascii():
            errors.append("address %r is not ASCII" % a.addr_spec)
    if not re.fullmatch(r"<[^<>@\s]+@[^<>@\s]+>", str(msg["Message-ID"])):
        errors.append("Message-ID %r is malformed" % str(msg["Message-ID"]))
    parts = [p for p in msg.walk() if not p.is_multipart()]
    if msg.is_multipart():
        if msg.get_content_type() != "multipart/alternative":
            errors.append("top type %s" % msg.get_content_type())
        if not parts or parts[0].get_content_type() != "text/plain":
            errors.append("the first part is not text/plain")
    elif msg.get_content_type() != "text/plain":
        errors.append("body type %s" % msg.get_content_type())
    for p in parts:
        if p.get_content_maintype() != "text":
            errors.append("part of type %s" % p.get_content_type())
            continue
        if (p.get_content_charset() or "").lower() != "utf-8":
            errors.append("part %s: charset %s" % (p.get_content_type(),
                                                  p.get_content_charset()))
        if p["Content-Transfer-Encoding"] != "quoted-printable":
            errors.append("part %s: not quoted-printable"
                          % p.get_content_type())
        try:
            p.get_payload(decode=True).decode("utf-8")
        except UnicodeDecodeError as e:
            errors.append("part %s: %s" % (p.get_content_type(), e))
    # The decoded subject and To name must hold no control character.
    for name in ("Subject", "To", "From"):
        if re.search(r"[\x00-\x1f\x7f-\x9f]", str(msg[name])):
            errors.append("header %s: control character once decoded" % name)


def check(path):
    errors = []
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        return [str(e)]
    check_bytes(data, errors)
    if not errors:
        check_parsed(data, path, errors)
    return errors


def main(argv):
    if len(argv) < 2:
        print("usage: email-check.py FILE.eml...", file=sys.stderr)
        return 2
    status = 0
    for path in argv[1:]:
        errors = check(path)
        if errors:
            status = 1
            for e in errors:
                print("%s: %s" % (path, e))
        else:
            print("%s: ok" % path)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
