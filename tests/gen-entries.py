#!/usr/bin/env python3
# gen-entries.py OUT N -- a tar.gz whose first entry is a bag's bagit.txt,
# followed by N empty regular files under its data/emails/: the shape of
# a hostile bundle with very many entries (tests/verify-bounds.sh).  The
# headers are written directly (ustar, checksummed) so that a million
# entries take seconds, not minutes as with the tarfile module.
import sys
import zlib

BAG = b"audit-x"
BAGIT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"


def header(name, size=0):
    h = bytearray(512)
    h[0:len(name)] = name
    h[100:108] = b"0000600\0"
    h[108:116] = b"0000000\0"
    h[116:124] = b"0000000\0"
    h[124:136] = b"%011o\0" % size
    h[136:148] = b"00000000000\0"
    h[148:156] = b"        "
    h[156:157] = b"0"
    h[257:263] = b"ustar\0"
    h[263:265] = b"00"
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h)


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    z = zlib.compressobj(1, zlib.DEFLATED, 31)
    with open(out, "wb") as f:
        pad = b"\0" * (-len(BAGIT) % 512)
        f.write(z.compress(header(BAG + b"/bagit.txt", len(BAGIT)) +
                           BAGIT + pad))
        buf = []
        for i in range(n):
            buf.append(header(BAG + b"/data/emails/e%07d.eml" % i))
            if len(buf) == 4096:
                f.write(z.compress(b"".join(buf)))
                buf = []
        f.write(z.compress(b"".join(buf) + b"\0" * 1024))
        f.write(z.flush())


main()
