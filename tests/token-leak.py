#!/usr/bin/env python3
"""token-leak.py RUN_DIR [LOG...] -- the claim tokens of a committed run
appear in its emails/ (one per email, after the --claim-url) and nowhere
else: not in the records, the summary, the audit bundle (raw or decoded) or
the given logs.  Prints the number of tokens; exits 1 on a leak."""
import email, email.policy, glob, hashlib, os, re, sys, tarfile, zipfile

run = sys.argv[1]
logs = sys.argv[2:]
TOKEN = re.compile(r'token=([A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])')

def texts(raw):
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    for part in msg.walk():
        if part.get_content_maintype() == 'text':
            yield part.get_content()

tokens = {}
for path in sorted(glob.glob(os.path.join(run, 'emails', '*.eml'))):
    found = set()
    for t in texts(open(path, 'rb').read()):
        found.update(TOKEN.findall(t))
    if len(found) != 1:
        sys.exit('%s: %d distinct tokens, want 1' % (path, len(found)))
    tokens[found.pop()] = os.path.basename(path)[:-4]

def check(name, data, decoded=()):
    for tok in tokens:
        if tok.encode() in data or any(tok in d for d in decoded):
            sys.exit('%s: holds the token of %s' % (name, tokens[tok]))

for path in glob.glob(os.path.join(run, '*')):
    if os.path.isfile(path) and not path.endswith(('.tar.gz', '.zip')):
        check(path, open(path, 'rb').read())
for path in glob.glob(os.path.join(run, 'audit-*')):
    if path.endswith('.zip'):
        z = zipfile.ZipFile(path)
        members = [(n, z.read(n)) for n in z.namelist()]
    else:
        t = tarfile.open(path)
        members = [(m.name, t.extractfile(m).read()) for m in t if m.isfile()]
    redacted = 0
    for name, data in members:
        dec = list(texts(data)) if name.endswith('.eml') else []
        if name.endswith('.eml'):
            redacted += any('REDACTED' in d for d in dec)
        check(path + ':' + name, data, dec)
    if redacted != len(tokens):
        sys.exit('%s: %d redacted emails, want %d' % (path, redacted, len(tokens)))
for path in logs:
    check(path, open(path, 'rb').read())
# customers.csv holds each token's SHA-256
cust = open(os.path.join(run, 'customers.csv'), encoding='utf-8').read()
for tok, cid in tokens.items():
    if hashlib.sha256(tok.encode()).hexdigest() not in cust:
        sys.exit('customers.csv: no SHA-256 for the token of %s' % cid)
print(len(tokens))
