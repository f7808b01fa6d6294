#!/bin/sh
# languages.sh -- every shipped template language gives a clean claim email
# in that language (docs/format.md 3 "lang"): lang values as customers write
# them (case, region subtags) resolve to a template without a warning; a
# language without one falls back to English with W_LANG_DEFAULTED.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
cd "$top_srcdir" || exit 1

printf 'request_id,reseller_id,customer_id,quickshare_to,import_to,reseller_contacts\nr-1,org-1,c-1,acme-admin,acme-admin,replace\n' > "$TMP/m.csv"
i=0
while read -r lang want subject; do
	i=$((i + 1))
	mkdir -p "$TMP/$i"
	cp tests/data/clean/*.csv "$TMP/$i/"
	sed -i "s/,fr,REF-1,active/,$lang,REF-1,active/" "$TMP/$i/customers.csv"
	cr run --export "$TMP/$i" --manifest "$TMP/m.csv" --out "$TMP/o$i" \
	    --now 2026-12-01T02:00:00Z --token-key samples/token.key --quiet
	expect_rc 0 "lang \"$lang\": released"
	RUN=$(ls -d "$TMP/o$i"/2* | head -1)
	grep -q "^c-1,r-1,[^,]*,$want," "$RUN/customers.csv"
	ok $? "lang \"$lang\": written in $want"
	if [ "$want" = en ] && [ "$lang" != en ]; then
		grep -q ',W_CHANGE_OWNER_REQUIRED;W_ALREADY_SHARED;W_LANG_DEFAULTED,' "$RUN/decisions.csv"
		ok $? "lang \"$lang\": W_LANG_DEFAULTED"
	else
		! grep -q W_LANG_DEFAULTED "$RUN/decisions.csv"
		ok $? "lang \"$lang\": no W_LANG_DEFAULTED"
	fi
	"$PYTHON3" tests/email-check.py "$RUN/emails/c-1.eml" > "$TMP/check$i" 2>&1
	ok $? "lang \"$lang\": the email passes email-check.py"
	"$PYTHON3" -c '
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
assert m["Content-Language"].lower() == sys.argv[2], m["Content-Language"]
assert sys.argv[3] in str(m["Subject"]), m["Subject"]
' "$RUN/emails/c-1.eml" "$want" "$subject"
	ok $? "lang \"$lang\": Content-Language and subject in $want"
done <<'LANGS'
en en Claim
FR-fr fr compte
es es cuenta
ja-JP ja アカウント
zh-Hans-CN zh-hans 账户
zh-Hant-TW zh-hant 帳戶
de en Claim
LANGS

done_testing
