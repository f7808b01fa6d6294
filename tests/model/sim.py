# Independent reference decider (docs/format.md 3) used to double-check
# samples/README.md.  Usage: sim.py EXPORTDIR MANIFEST [MANIFEST...]
# Each manifest is a run; committed runs accumulate in order.
import csv, json, re, sys, unicodedata, ctypes, os

IDS = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$')
def load(d, name):
    p = os.path.join(d, name)
    if not os.path.exists(p): return [], []
    with open(p, encoding='utf-8-sig', newline='') as f:
        r = csv.DictReader(f)
        return list(r), r.fieldnames
def blank(v): return v is None or v.strip(' \t\r\n\v\f') == ''
def val(row, k):
    v = row.get(k); return None if blank(v) else v

ex = sys.argv[1]
orgs,_ = load(ex, 'organizations.csv'); cus,_ = load(ex, 'customers.csv')
prd,_ = load(ex, 'products.csv'); dcs,_ = load(ex, 'domain_contacts.csv')
shs,_ = load(ex, 'shares.csv'); accs,_ = load(ex, 'accounts.csv')

# row problems: duplicates, dangling refs (enough for the sample)
from collections import Counter
bad_org = {k for k,n in Counter(o['id'] for o in orgs).items() if n>1}
bad_cus = {k for k,n in Counter(c['id'] for c in cus).items() if n>1}
bad_prd_ids = {k for k,n in Counter(p['id'] for p in prd).items() if n>1}
org = {o['id']: o for o in orgs}
cu = {}
for c in cus: cu.setdefault(c['id'], c)
for c in cus:
    assert c['reseller_id'] in org, c['id']
prod_by_c = {}
for p in prd:
    assert p['customer_id'] in cu
    prod_by_c.setdefault(p['customer_id'], []).append(p)
pids = {p['id'] for p in prd}
for d in dcs: assert d['product_id'] in pids, d
for s in shs: assert s['product_id'] in pids, s
acct = {a['username']: a for a in accs}
for s in shs: assert s['username'] in acct, s
for d in dcs:
    if val(d,'org_id'): assert d['org_id'] in org, d
dup_dc = {k for k,n in Counter((d['product_id'],d['role']) for d in dcs).items() if n>1}
assert not dup_dc
bool_ = lambda v: (v or '').strip().lower() in ('true','1','yes')

iso = json.load(open('/usr/share/iso-codes/json/iso_3166-1.json'))['3166-1']
C2 = {x['alpha_2'] for x in iso}
iso2 = json.load(open('/usr/share/iso-codes/json/iso_3166-2.json'))['3166-2']
S2 = {x['code'] for x in iso2}
CC = {'1','7','20','27','30','31','32','33','34','36','39','40','41','43','44','45','46','47','48','49','52','55','61','64','65','81','82','86','90','91','351','352','353','354','358','800','882'}
ZIP = {'US': r'^[0-9]{5}(-[0-9]{4})?$', 'CA': r'^[A-Z][0-9][A-Z] ?[0-9][A-Z][0-9]$',
       'GB': r'^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$', 'FR': r'^[0-9]{5}$',
       'DE': r'^[0-9]{5}$', 'NL': r'^[0-9]{4} ?[A-Z]{2}$', 'JP': r'^[0-9]{3}-?[0-9]{4}$'}
idn = ctypes.CDLL('libidn2.so.0'); f8 = idn.idn2_to_ascii_8z
f8.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int]
def alabel(d):
    out = ctypes.c_char_p()
    rc = f8(d.encode(), ctypes.byref(out), 8)
    return out.value.decode() if rc == 0 else None
ATEXT = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
LDH = re.compile(r'^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$')

def contact_errors(c):
    e = []
    req = ['firstname','lastname','streetaddr','city','country','email','phone']
    if (c.get('type') or '') != 'individual': req.append('orgname')
    for k in req:
        if not val(c,k): e.append(f'{k} missing')
    for k in ['firstname','lastname','orgname','streetaddr','streetaddr2','city']:
        v = val(c,k)
        if v and len(unicodedata.normalize('NFC', v)) > 255: e.append(f'{k} too long')
    for k,v in c.items():
        if k in ('id','reseller_id','status','reference'): continue
        if v and any(unicodedata.category(ch)=='Cc' for ch in v): e.append(f'{k} control')
    em = val(c,'email')
    if em:
        if '@' not in em: e.append('email no @')
        else:
            loc, dom = em.rsplit('@',1)
            if not ATEXT.match(loc) or len(loc)>64: e.append('email local')
            a = alabel(dom)
            if a is None or len(a.split('.'))<2 or not all(LDH.match(l) for l in a.split('.')) or len(loc)+1+len(a)>254:
                e.append('email domain')
    for k, need in (('phone',True),('fax',False)):
        v = val(c,k)
        if v:
            m = re.match(r'^\+([0-9]{1,3})\.([0-9]+)$', v)
            if not m or m.group(1) not in CC or len(m.group(1))+len(m.group(2))>15:
                e.append(f'{k} "{v}"')
    ctry = val(c,'country')
    if ctry and ctry not in C2: e.append(f'country "{ctry}"')
    st = val(c,'state')
    if st and (st not in S2 or not st.startswith((ctry or '')+'-')): e.append(f'state "{st}"')
    z = val(c,'zip')
    if z:
        if len(z) > 16: e.append('zip long')
        elif ctry in ZIP and not re.match(ZIP[ctry], z, re.I): e.append(f'zip "{z}"')
    return e

def norm(s):
    if s is None: s = ''
    s = unicodedata.normalize('NFC', s).casefold()
    s = unicodedata.normalize('NFC', s)
    return ' '.join(s.split())
def matches(c, a):
    if not val(a,'email') or not val(c,'email'): return False
    return all(norm(val(c,k)) == norm(val(a,k)) for k in ('firstname','lastname','orgname','email')) \
        and (c.get('country') or '') == (a.get('country') or '')

TEMPLATES = {'en','fr','es'}
def lang_of(c):
    l = (c.get('lang') or '').strip().lower()
    if not l: return 'en', False
    if l in TEMPLATES: return l, False
    base = l.split('-')[0]
    if base in TEMPLATES: return base, False
    return 'en', True

applied = {}       # request_id -> customer released by committed runs
released_c = set()
ORDER = ['E_BAD_REQUEST','E_DUPLICATE_REQUEST','E_UNKNOWN_RESELLER','E_NOT_RESELLER',
 'E_UNKNOWN_CUSTOMER','E_NOT_YOUR_CUSTOMER','E_DUPLICATE_CUSTOMER','E_CUSTOMER_STATUS',
 'S_ALREADY_RELEASED','S_ALREADY_APPLIED','E_CONTACT_INVALID','E_EMAIL_IS_RESELLER',
 'E_UNKNOWN_ACCOUNT','E_RESELLER_CONTACT','E_CONTACT_MISMATCH','E_EXPORT_INCONSISTENT',
 'W_CHANGE_OWNER_REQUIRED','W_RESELLER_CONTACT_KEPT','W_ALREADY_SHARED','W_NO_PRODUCTS',
 'W_LANG_DEFAULTED']
for man in sys.argv[2:]:
    print(f'== run of {man}')
    with open(man, encoding='utf-8-sig', newline='') as f:
        rows = list(csv.DictReader(f))
    seen = set(); rel_now = set(); new_applied = {}
    counts = Counter()
    for i, r in enumerate(rows):
        rid, res, cid = val(r,'request_id'), val(r,'reseller_id'), val(r,'customer_id')
        codes = []
        bad = False
        for k in ('request_id','reseller_id','customer_id'):
            if not val(r,k) or not IDS.match(val(r,k)): bad = True
        for k in ('quickshare_to','import_to'):
            if val(r,k) and not IDS.match(val(r,k)): bad = True
        if val(r,'reseller_contacts') and val(r,'reseller_contacts') not in ('replace','keep'): bad = True
        if val(r,'on_mismatch') and val(r,'on_mismatch') not in ('new-account','reject'): bad = True
        if bad: codes.append('E_BAD_REQUEST')
        if rid and IDS.match(rid) and (rid in seen or (rid in applied and applied[rid] != cid)):
            codes.append('E_DUPLICATE_REQUEST')
        if rid: seen.add(rid)
        out = None; extra = {}
        if codes: out = 'rejected'
        elif rid in applied:
            codes = ['S_ALREADY_APPLIED']; out = 'skipped'
        if out is None:
            o = org.get(res); c = cu.get(cid)
            if o is None: codes.append('E_UNKNOWN_RESELLER')
            elif not bool_(o['reseller']): codes.append('E_NOT_RESELLER')
            if c is None: codes.append('E_UNKNOWN_CUSTOMER')
            elif c['reseller_id'] != res: codes.append('E_NOT_YOUR_CUSTOMER')
            if c is not None and c['reseller_id'] == res:
                if cid in bad_cus or res in bad_org or any(p['id'] in bad_prd_ids for p in prod_by_c.get(cid, [])):
                    codes.append('E_EXPORT_INCONSISTENT')
            if codes: out = 'rejected'
        if out is None:
            if c['status'] == 'released' or cid in released_c:
                codes = ['S_ALREADY_RELEASED']; out = 'skipped'
            else:
                if cid in rel_now: codes.append('E_DUPLICATE_CUSTOMER')
                if c['status'] != 'active': codes.append('E_CUSTOMER_STATUS')
                if codes: out = 'rejected'
        if out is None:
            e = []; w = []
            ce = contact_errors(c)
            if ce: e.append('E_CONTACT_INVALID'); extra['invalid'] = ce
            if val(c,'email') and val(c,'email').lower() == (o['email'] or '').lower():
                e.append('E_EMAIL_IS_RESELLER')
            qs, imp = val(r,'quickshare_to'), val(r,'import_to')
            if (qs and qs not in acct) or (imp and imp not in acct): e.append('E_UNKNOWN_ACCOUNT')
            prods = prod_by_c.get(cid, [])
            pidset = {p['id'] for p in prods if p['kind']=='domain'}
            rcs = [d for d in dcs if d['product_id'] in pidset and d['role'] in ('admin','tech','bill')
                   and (val(d,'org_id') == res or (val(d,'email') or '').lower() == o['email'].lower())]
            rc = val(r,'reseller_contacts')
            if rcs and not rc: e.append('E_RESELLER_CONTACT')
            mism = imp in acct and not matches(c, acct[imp]) if imp else False
            om = val(r,'on_mismatch') or 'new-account'
            if mism and om == 'reject': e.append('E_CONTACT_MISMATCH')
            if mism and om == 'new-account': w.append('W_CHANGE_OWNER_REQUIRED')
            if rcs and rc == 'keep': w.append('W_RESELLER_CONTACT_KEPT')
            grants = []
            if qs:
                have = {(s['product_id'], s['username']) for s in shs}
                for p in prods:
                    if p['kind'] != 'domain': continue
                    if (p['id'], qs) in have:
                        if 'W_ALREADY_SHARED' not in w: w.append('W_ALREADY_SHARED')
                    else: grants.append(p['name'])
            if not prods: w.append('W_NO_PRODUCTS')
            lang, dflt = lang_of(c)
            if dflt: w.append('W_LANG_DEFAULTED')
            if e: codes = e; out = 'rejected'
            else:
                codes = w; out = 'released'; rel_now.add(cid); new_applied[rid] = cid
                extra.update(products=len(prods), grants=grants, lang=lang,
                             to=('account:'+imp) if imp and not mism else 'new-account',
                             updates=[(d['product_id'], d['role'], d['email']) for d in rcs] if rc=='replace' else [])
        codes.sort(key=ORDER.index)
        counts[out] += 1
        for k in codes: counts[k] += 1
        print(f"{i+2:3d} {rid or '':14s} {cid or '':8s} {out:9s} {';'.join(codes):50s} {extra if extra else ''}")
    applied.update(new_applied); released_c |= set(new_applied.values())
    print(dict(sorted(counts.items())))
