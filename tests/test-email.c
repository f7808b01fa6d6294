/*
 * test-email.c -- unit tests of src/token.c (claim tokens), src/template.c
 * (template loading, language choice, rendering) and src/email.c (the
 * .eml bytes: headers, encoded-words, folding, quoted-printable).
 *
 * Templates come from $srcdir/templates (srcdir defaults to ".").  Run as
 *	test-email --sample DIR
 * it writes sample emails (en, fr, es; plain and redacted) into DIR
 * instead, for tests/email-check.py and for samples/.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "custrelease.h"
#include "diag.h"
#include "email.h"
#include "outfile.h"
#include "template.h"
#include "token.h"
#include "tmpdir.h"

/* ---- helpers ---- */

static char tmpdir[TEST_PATH_MAX];
static FILE *diag;		/* captured diagnostics */

static const char *
templates_dir(void)
{
	static char buf[4096];
	const char *srcdir = getenv("srcdir");

	snprintf(buf, sizeof buf, "%s/templates",
	    srcdir != NULL ? srcdir : ".");
	return buf;
}

static void
write_file(const char *dir, const char *name, const char *text, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static char *
diag_text(void)
{
	static char buf[8192];
	size_t n;

	fflush(diag);
	rewind(diag);
	n = fread(buf, 1, sizeof buf - 1, diag);
	buf[n] = '\0';
	rewind(diag);
	assert_int_equal(ftruncate(fileno(diag), 0), 0);
	return buf;
}

static const struct cr_email_product sample_products[] = {
	{ "domain", "zoe-durand.fr" },
	{ "domain", "café-zoé.example" },
	{ "certificate", "www.zoe-durand.fr" },
	{ "mailbox", "zoe@zoe-durand.fr" },
};
static const struct cr_email_share sample_shares[] = {
	{ "zoe-durand.fr", "acme-admin" },
};
static const struct cr_email_contact sample_contacts[] = {
	{ "zoe-durand.fr", "tech", "ops@acme.example", "zoe@zoe-durand.fr" },
};

#define SAMPLE_TOKEN	"uyDewh8mLf09EHPaR4qYxUz-UAd2XN1jqSw4goiPrbE"

static struct cr_email
sample(const char *lang)
{
	struct cr_email m = {
		.run_id = "20261130T020000Z-1a2b3c4d",
		.request_id = "req-1",
		.customer_id = "c-1",
		.firstname = "Zoé",
		.lastname = "Durand",
		.email = "zoe@café.example",
		.lang = lang,
		.reseller = "ACME Revente & Co <SARL>",
		.from = "Registrar Claims <claims@registrar.example>",
		.claim_url = "https://registrar.example/claim?t=",
		.token = SAMPLE_TOKEN,
		.run_time = 1796004000,		/* 2026-11-30T02:00:00Z */
		.expires = 1796004000 + 14 * 86400,
		.products = sample_products,
		.nproducts = 4,
		.shares = sample_shares,
		.nshares = 1,
		.contacts = sample_contacts,
		.ncontacts = 1,
	};
	return m;
}

/* Render to memory: the status, and the bytes in *out (malloc'd). */
static int
render(const struct cr_templates *ts, const struct cr_email *m, int redact,
    char **out, size_t *len)
{
	struct cr_outfile *o = cr_outfile_mem("test");
	int rc = cr_email_render(ts, m, redact, o);

	*out = cr_outfile_mem_take(o, len);
	cr_outfile_discard(o);
	return rc;
}

/* End of the header block (the empty line), asserting it exists. */
static size_t
header_len(const char *msg)
{
	const char *e = strstr(msg, "\r\n\r\n");

	assert_non_null(e);
	return (size_t)(e - msg) + 2;
}

/*
 * Byte-level checks of a whole message: CRLF only, header lines at most
 * 78 and 7-bit, body lines at most 76 (all parts are QP), valid QP
 * escapes in the body.
 */
static void
check_message(const char *msg, size_t len)
{
	size_t hl = header_len(msg), i, b = 0, e;
	int part_headers = 0;

	for (i = 0; i < len; i++) {
		if (msg[i] == '\n')
			assert_true(i > 0 && msg[i - 1] == '\r');
		if (msg[i] == '\r')
			assert_true(i + 1 < len && msg[i + 1] == '\n');
		assert_true((unsigned char)msg[i] < 0x80);	/* all 7-bit */
		assert_true(msg[i] != '\0');
	}
	while (b < len) {
		e = b;
		while (e < len && msg[e] != '\r')
			e++;
		if (b < hl)
			assert_in_range(e - b, 0, 78);
		else
			assert_in_range(e - b, 0, 76);
		/* A boundary starts part headers, an empty line ends them. */
		if (b >= hl && strncmp(msg + b, "--=_cr_", 7) == 0)
			part_headers = 1;
		else if (part_headers && e == b)
			part_headers = 0;
		else if (b >= hl && !part_headers) {
			for (i = b; i < e; i++) {
				if (msg[i] != '=')
					continue;
				if (i + 1 == e)
					continue;		/* soft break */
				assert_true(i + 2 < e + 1);
				assert_non_null(strchr("0123456789ABCDEF",
				    msg[i + 1]));
				assert_non_null(strchr("0123456789ABCDEF",
				    msg[i + 2]));
			}
			/* no trailing white space on a body line */
			if (e > b)
				assert_true(msg[e - 1] != ' ' &&
				    msg[e - 1] != '\t');
		}
		b = e + 2;
	}
}

/* The unfolded value of header `name` (static buffer), or NULL. */
static const char *
header(const char *msg, const char *name)
{
	static char buf[4096];
	size_t hl = header_len(msg), nl = strlen(name), o = 0;
	const char *p = msg;

	while (p < msg + hl) {
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			p += nl + 1;
			while (p < msg + hl) {
				if (p[0] == '\r' && p[2] != ' ' &&
				    p[2] != '\t')
					break;
				if (p[0] == '\r')
					p += 2;
				else
					buf[o++] = *p++;
			}
			buf[o] = '\0';
			return buf[0] == ' ' ? buf + 1 : buf;
		}
		p = strstr(p, "\r\n") + 2;
	}
	return NULL;
}

static int
hexval(char c)
{
	return c <= '9' ? c - '0' : c - 'A' + 10;
}

/* Decode the quoted-printable body text[0..len) (CRLF) into LF text. */
static char *
qp_decode(const char *s, size_t len)
{
	char *out = malloc(len + 1);
	size_t i, o = 0;

	assert_non_null(out);
	for (i = 0; i < len; i++) {
		if (s[i] == '=' && i + 2 < len && s[i + 1] == '\r') {
			i += 2;			/* soft break */
		} else if (s[i] == '=') {
			out[o++] = (char)(hexval(s[i + 1]) * 16 +
			    hexval(s[i + 2]));
			i += 2;
		} else if (s[i] == '\r') {
			continue;
		} else
			out[o++] = s[i];
	}
	out[o] = '\0';
	return out;
}

/* ---- tokens ---- */

static void
test_token_hmac_known_answer(void **state)
{
	/*
	 * python3 -c 'import hmac,hashlib,base64;
	 *   print(base64.urlsafe_b64encode(hmac.new(
	 *   b"0123456789abcdef0123456789abcdef", b"req-1\0c-1",
	 *   hashlib.sha256).digest()).rstrip(b"=").decode())'
	 */
	static const unsigned char key[] = "0123456789abcdef0123456789abcdef";
	char tok[CR_TOKEN_LEN + 1], tok2[CR_TOKEN_LEN + 1];

	(void)state;
	cr_token_make(key, 32, "req-1", "c-1", tok);
	assert_string_equal(tok, "uyDewh8mLf09EHPaR4qYxUz-UAd2XN1jqSw4goiPrbE");
	/* The 0x00 separator matters: "req-1c" + "-1" is another token. */
	cr_token_make(key, 32, "req-1c", "-1", tok2);
	assert_string_not_equal(tok, tok2);
	cr_token_make(key, 32, "req-1", "c-2", tok2);
	assert_string_not_equal(tok, tok2);
}

static void
test_token_random(void **state)
{
	char a[CR_TOKEN_LEN + 1], b[CR_TOKEN_LEN + 1];

	(void)state;
	assert_int_equal(cr_token_random(a), 0);
	assert_int_equal(cr_token_random(b), 0);
	assert_int_equal(strlen(a), 43);
	assert_int_equal(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
	    "qrstuvwxyz0123456789-_"), 43);
	assert_string_not_equal(a, b);
}

static void
test_sha256_hex(void **state)
{
	char hex[65];

	(void)state;
	cr_sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
}

static void
test_token_key_load(void **state)
{
	char path[4096];
	unsigned char *key;
	size_t len;
	static const char k32[] = "0123456789abcdef0123456789abcdef";

	(void)state;
	snprintf(path, sizeof path, "%s/key", tmpdir);

	/* 32 bytes and a newline: the newline is stripped. */
	write_file(tmpdir, "key", "0123456789abcdef0123456789abcdef\n", 33);
	assert_int_equal(cr_token_key_load(path, &key, &len), 0);
	assert_int_equal(len, 32);
	assert_memory_equal(key, k32, 32);
	cr_token_key_free(key, len);

	/* Only one newline is stripped. */
	write_file(tmpdir, "key", "0123456789abcdef0123456789abcdef\n\n", 34);
	assert_int_equal(cr_token_key_load(path, &key, &len), 0);
	assert_int_equal(len, 33);
	assert_int_equal(key[32], '\n');
	cr_token_key_free(key, len);

	/* 31 bytes and a newline: too short, and the key is not shown. */
	write_file(tmpdir, "key", "0123456789abcdef0123456789abcde\n", 32);
	assert_int_equal(cr_token_key_load(path, &key, &len), CR_STATUS_USAGE);
	assert_null(key);
	assert_non_null(strstr(diag_text(), "at least 32"));

	/* Unreadable. */
	snprintf(path, sizeof path, "%s/no-such-key", tmpdir);
	assert_int_equal(cr_token_key_load(path, &key, &len), CR_STATUS_USAGE);
	assert_non_null(strstr(diag_text(), "no-such-key:0:"));
}

/* ---- templates ---- */

static void
test_templates_resolve(void **state)
{
	struct cr_templates *ts = cr_templates_load(templates_dir());
	int def = -1;

	(void)state;
	assert_non_null(ts);
	assert_string_equal(cr_templates_resolve(ts, NULL, &def), "en");
	assert_int_equal(def, 0);
	assert_string_equal(cr_templates_resolve(ts, "", &def), "en");
	assert_int_equal(def, 0);
	assert_string_equal(cr_templates_resolve(ts, "  \t", &def), "en");
	assert_int_equal(def, 0);
	assert_string_equal(cr_templates_resolve(ts, "fr", &def), "fr");
	assert_int_equal(def, 0);
	assert_string_equal(cr_templates_resolve(ts, "FR ", &def), "fr");
	assert_int_equal(def, 0);
	assert_string_equal(cr_templates_resolve(ts, "fr-FR", &def), "fr");
	assert_int_equal(def, 0);
	assert_string_equal(cr_templates_resolve(ts, " Es-419 ", &def),
	    "es");
	assert_int_equal(def, 0);
	assert_string_equal(cr_templates_resolve(ts, "EN-gb", &def), "en");
	assert_int_equal(def, 0);
	assert_string_equal(cr_templates_resolve(ts, "de", &def), "en");
	assert_int_equal(def, 1);
	assert_string_equal(cr_templates_resolve(ts, "fra", &def), "en");
	assert_int_equal(def, 1);
	assert_string_equal(cr_templates_resolve(ts, "-fr", &def), "en");
	assert_int_equal(def, 1);
	assert_string_equal(cr_templates_resolve(ts, "français", &def), "en");
	assert_int_equal(def, 1);
	cr_templates_free(ts);
}

static void
test_templates_resolve_subtags(void **state)
{
	char dir[4096];
	struct cr_templates *ts;
	int def = -1;

	(void)state;
	snprintf(dir, sizeof dir, "%s/zh", tmpdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	write_file(dir, "en.subject", "Hello\n", 6);
	write_file(dir, "en.txt", "Hi\n", 3);
	write_file(dir, "zh-Hant.subject", "S\n", 2);
	write_file(dir, "zh-Hant.txt", "T\n", 2);
	write_file(dir, "README", "not a template\n", 15);
	ts = cr_templates_load(dir);
	assert_non_null(ts);
	assert_string_equal(cr_templates_resolve(ts, "zh-Hant-TW", &def),
	    "zh-hant");
	assert_int_equal(def, 0);
	assert_string_equal(cr_templates_resolve(ts, "ZH-HANT", &def),
	    "zh-hant");
	assert_int_equal(def, 0);
	assert_string_equal(cr_templates_resolve(ts, "zh", &def), "en");
	assert_int_equal(def, 1);
	assert_string_equal(cr_templates_resolve(ts, "zh-Hans-CN", &def),
	    "en");
	assert_int_equal(def, 1);
	assert_false(cr_templates_has(ts, "zh-hant", CR_TEMPLATE_HTML));
	assert_true(cr_templates_has(ts, "zh-hant", CR_TEMPLATE_TEXT));
	cr_templates_free(ts);
}

/* A template set of en.subject + en.txt (+ extra file) must fail with msg. */
static void
broken(const char *name, const char *subject, const char *txt,
    const char *extra_name, const char *extra, const char *msg)
{
	char dir[4096];
	struct cr_templates *ts;
	const char *d;

	snprintf(dir, sizeof dir, "%s/%s", tmpdir, name);
	assert_int_equal(mkdir(dir, 0700), 0);
	if (subject != NULL)
		write_file(dir, "en.subject", subject, strlen(subject));
	if (txt != NULL)
		write_file(dir, "en.txt", txt, strlen(txt));
	if (extra_name != NULL)
		write_file(dir, extra_name, extra, strlen(extra));
	ts = cr_templates_load(dir);
	d = diag_text();
	if (ts != NULL || strstr(d, msg) == NULL)
		fail_msg("%s: expected \"%s\", got \"%s\"", name, msg, d);
	assert_non_null(strstr(d, "template: "));
}

static void
test_templates_broken(void **state)
{
	(void)state;
	broken("b1", "S\n", "Hello {{nobody}}\n", NULL, NULL,
	    "b1/en.txt:1: template: unknown placeholder \"nobody\"");
	broken("b2", "S\n", "a\n{{#products}}\n{{name}}\n", NULL, NULL,
	    "b2/en.txt:2: template: section \"products\" is never closed");
	broken("b3", "S\n", "{{?shares}}x{{/products}}\n", NULL, NULL,
	    "b3/en.txt:1: template: {{/products}} does not close");
	broken("b4", "S\n", "ok\nbad \xc3\x28 byte\n", NULL, NULL,
	    "b4/en.txt:2: template: invalid UTF-8");
	broken("b5", "S\n", NULL, NULL, NULL, "language \"en\" has no en.txt");
	broken("b5b", NULL, NULL, "fr.subject", "S\n",
	    "language \"fr\" has no fr.txt");
	broken("b5c", NULL, NULL, "fr.txt", "T\n",
	    "language \"fr\" has no fr.subject");
	broken("b6", "S\n", "{{#products}}{{kind|domain=D}}{{/products}}\n",
	    NULL, NULL, "no text for value \"certificate\"");
	broken("b7", "S\n",
	    "{{#products}}{{#shares}}{{/shares}}{{/products}}\n", NULL, NULL,
	    "loops do not nest");
	broken("b8", "S\n", "{{name}}\n", NULL, NULL,
	    "unknown placeholder \"name\"");
	broken("b9", "S\nT\n", "x\n", NULL, NULL,
	    "b9/en.subject:2: template: a subject is one line");
	broken("b10", "S\n", "x\n", "fr.html", "<p>{{reseller}}</p>\n",
	    "language \"fr\" has no fr.subject");
	broken("b11", "S\n", "a {{products}}\n", NULL, NULL,
	    "\"products\" is a list");
	broken("b12", "S\n", "a {{ reseller \n", NULL, NULL,
	    "\"{{\" without \"}}\"");
	broken("b13", "{{subject}}\n", "x\n", NULL, NULL,
	    "unknown placeholder \"subject\"");
	broken("b14", "S\n", "a\x01\n", NULL, NULL,
	    "b14/en.txt:1: template: control character 0x01");
	broken("b15", "S\n", "{{reseller|a=b}}\n", NULL, NULL,
	    "takes no value map");
}

static void
test_templates_syntax(void **state)
{
	char dir[4096], *text;
	struct cr_templates *ts;
	struct cr_email m = sample("en");
	struct cr_template_data d = { &m, "https://x/REDACTED", "Subj" };
	size_t len;

	(void)state;
	snprintf(dir, sizeof dir, "%s/syntax", tmpdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	write_file(dir, "en.subject", "Hi {{firstname}}\r\n", 18);
	/* Standalone section lines vanish; inline ones do not. */
	text = "{{! comment line }}\r\n"
	    "Dear {{ firstname }},\n"
	    "  {{#products}}\n"
	    "* {{kind|domain=D|certificate=C|hosting=H|mailbox=M}} {{name}}\n"
	    "  {{/products}}\n"
	    "{{?import_account}}import{{/import_account}}"
	    "{{^import_account}}new{{/import_account}}\n"
	    "{{expires_day|1=1st|*}}/{{expires_month}} {{expires_iso}}"
	    " {{expires_time}} {{expires_weekday}}\n"
	    "{{#contacts}}{{role|admin=A|tech=T|bill=B}}{{/contacts}}\n"
	    "{{subject}} {{claim_link}} {{product_count}}\n";
	write_file(dir, "en.txt", text, strlen(text));
	text = "<b>{{reseller}}</b>{{#shares}}<i>{{username}}</i>{{/shares}}\n";
	write_file(dir, "en.html", text, strlen(text));
	ts = cr_templates_load(dir);
	if (ts == NULL)
		fail_msg("%s", diag_text());
	text = cr_templates_render(ts, "en", CR_TEMPLATE_SUBJECT, &d, &len);
	assert_string_equal(text, "Hi Zoé");
	free(text);
	text = cr_templates_render(ts, "en", CR_TEMPLATE_TEXT, &d, &len);
	assert_string_equal(text,
	    "Dear Zoé,\n"
	    "* D zoe-durand.fr\n"
	    "* D café-zoé.example\n"
	    "* C www.zoe-durand.fr\n"
	    "* M zoe@zoe-durand.fr\n"
	    "new\n"
	    "14/12 2026-12-14 02:00 1\n"
	    "T\n"
	    "Subj https://x/REDACTED 4\n");
	assert_int_equal(len, strlen(text));
	free(text);
	/* HTML escapes every value. */
	text = cr_templates_render(ts, "en", CR_TEMPLATE_HTML, &d, &len);
	assert_string_equal(text, "<b>ACME Revente &amp; Co &lt;SARL&gt;</b>"
	    "<i>acme-admin</i>\n");
	free(text);
	/* The first of the month, with the import account set. */
	m.expires = 1798761600;		/* 2027-01-01T00:00:00Z */
	m.import_account = "zoe-acct";
	text = cr_templates_render(ts, "en", CR_TEMPLATE_TEXT, &d, &len);
	assert_non_null(strstr(text, "\nimport\n1st/1 2027-01-01 00:00 5\n"));
	free(text);
	cr_templates_free(ts);
}

/* ---- the message ---- */

static void
test_email_headers(void **state)
{
	struct cr_templates *ts = cr_templates_load(templates_dir());
	struct cr_email m = sample("fr");
	char *msg;
	size_t len;

	(void)state;
	assert_non_null(ts);
	assert_int_equal(render(ts, &m, 0, &msg, &len), 0);
	check_message(msg, len);
	assert_string_equal(header(msg, "To"),
	    "=?UTF-8?Q?Zo=C3=A9_Durand?= <zoe@xn--caf-dma.example>");
	assert_string_equal(header(msg, "From"),
	    "\"Registrar Claims\" <claims@registrar.example>");
	assert_string_equal(header(msg, "Date"),
	    "Mon, 30 Nov 2026 02:00:00 +0000");
	assert_string_equal(header(msg, "Message-ID"),
	    "<20261130T020000Z-1a2b3c4d.c-1@registrar.example>");
	assert_string_equal(header(msg, "MIME-Version"), "1.0");
	assert_string_equal(header(msg, "Auto-Submitted"), "auto-generated");
	assert_string_equal(header(msg, "Content-Language"), "fr");
	assert_non_null(strstr(header(msg, "Subject"), "=?UTF-8?"));
	assert_non_null(strstr(header(msg, "Content-Type"),
	    "multipart/alternative;"));
	/* The token is in the body, in both parts. */
	assert_non_null(strstr(msg, SAMPLE_TOKEN));
	assert_non_null(strstr(strstr(msg, "text/html"), SAMPLE_TOKEN) );
	free(msg);
	cr_templates_free(ts);
}

static void
test_email_deterministic_and_redacted(void **state)
{
	struct cr_templates *ts = cr_templates_load(templates_dir());
	struct cr_email m = sample("en");
	char *a, *b, *r;
	size_t la, lb, lr;

	(void)state;
	assert_int_equal(render(ts, &m, 0, &a, &la), 0);
	assert_int_equal(render(ts, &m, 0, &b, &lb), 0);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	assert_int_equal(render(ts, &m, 1, &r, &lr), 0);
	check_message(r, lr);
	assert_null(strstr(r, SAMPLE_TOKEN));
	assert_null(strstr(r, "uyDewh8m"));
	assert_non_null(strstr(r, "https://registrar.example/claim?t=3DREDACT"
	    "ED"));
	/* Same headers: only the token differs. */
	assert_int_equal(header_len(a), header_len(r));
	assert_memory_equal(a, r, header_len(a));
	free(a);
	free(b);
	free(r);
	cr_templates_free(ts);
}

static void
test_email_body_content(void **state)
{
	struct cr_templates *ts = cr_templates_load(templates_dir());
	struct cr_email m = sample("fr");
	char *msg, *text, *p, *end;
	size_t len;

	(void)state;
	m.change_owner_required = 1;
	assert_int_equal(render(ts, &m, 0, &msg, &len), 0);
	p = strstr(msg, "Content-Type: text/plain");
	assert_non_null(p);
	p = strstr(p, "\r\n\r\n") + 4;
	end = strstr(p, "\r\n--=_cr_");
	assert_non_null(end);
	text = qp_decode(p, (size_t)(end - p));
	assert_non_null(strstr(text, "ACME Revente & Co <SARL> vous a rendu"));
	assert_non_null(strstr(text, "Nom de domaine : café-zoé.example"));
	assert_non_null(strstr(text, "Certificat SSL : www.zoe-durand.fr"));
	assert_non_null(strstr(text, "Boîte mail : zoe@zoe-durand.fr"));
	assert_non_null(strstr(text, "  https://registrar.example/claim?t="
	    SAMPLE_TOKEN "\n"));
	assert_non_null(strstr(text, "lundi 14 décembre 2026 à 02:00 UTC "
	    "(2026-12-14)"));
	assert_non_null(strstr(text, "changement de propriétaire"));
	assert_null(strstr(text, "deux possibilités"));
	assert_non_null(strstr(text, "zoe-durand.fr, partagé avec acme-admin"));
	assert_non_null(strstr(text, "zoe-durand.fr, contact technique : "
	    "ops@acme.example remplacé par zoe@zoe-durand.fr"));
	free(text);
	/* HTML part: escaped. */
	p = strstr(msg, "Content-Type: text/html");
	assert_non_null(p);
	p = strstr(p, "\r\n\r\n") + 4;
	end = strstr(p, "\r\n--=_cr_");
	assert_non_null(end);
	text = qp_decode(p, (size_t)(end - p));
	assert_non_null(strstr(text, "<strong>ACME Revente &amp; Co "
	    "&lt;SARL&gt;</strong>"));
	assert_null(strstr(text, "<SARL>"));
	free(text);
	free(msg);

	/* Matched import account, no shares, no contacts, en. */
	m = sample("en");
	m.import_account = "zoe-main";
	m.nshares = m.ncontacts = 0;
	assert_int_equal(render(ts, &m, 0, &msg, &len), 0);
	p = strstr(strstr(msg, "text/plain"), "\r\n\r\n") + 4;
	end = strstr(p, "\r\n--=_cr_");
	text = qp_decode(p, (size_t)(end - p));
	assert_non_null(strstr(text, "existing account \"zoe-main\""));
	assert_non_null(strstr(text, "Monday 14 December 2026, 02:00 UTC "
	    "(2026-12-14)"));
	assert_null(strstr(text, "shared with"));
	assert_null(strstr(text, "replaced by"));
	assert_null(strstr(text, "change of owner"));
	free(text);
	free(msg);
	cr_templates_free(ts);
}

static void
test_email_injection(void **state)
{
	struct cr_templates *ts = cr_templates_load(templates_dir());
	struct cr_email m;
	char *msg;
	size_t len;
	const char *d;
	struct cr_email_product bad_product[] = { { "domain", "a\nb" } };

	(void)state;
	m = sample("en");
	m.firstname = "Zoé\r\nBcc: victim@example.com";
	assert_int_equal(render(ts, &m, 0, &msg, &len), CR_STATUS_DATA);
	assert_int_equal(len, 0);		/* nothing written */
	free(msg);
	d = diag_text();
	assert_non_null(strstr(d, "firstname"));
	assert_null(strstr(d, "victim"));

	m = sample("en");
	m.lastname = "Durand\n";
	assert_int_equal(render(ts, &m, 0, &msg, &len), CR_STATUS_DATA);
	free(msg);
	m = sample("en");
	m.reseller = "ACME\x7f";
	assert_int_equal(render(ts, &m, 0, &msg, &len), CR_STATUS_DATA);
	free(msg);
	m = sample("en");
	m.lastname = "Dur\xc2\x85nd";		/* U+0085 NEL */
	assert_int_equal(render(ts, &m, 0, &msg, &len), CR_STATUS_DATA);
	free(msg);
	m = sample("en");
	m.lastname = "Dur\xe9nd";		/* Latin-1, not UTF-8 */
	assert_int_equal(render(ts, &m, 0, &msg, &len), CR_STATUS_DATA);
	free(msg);
	m = sample("en");
	m.email = "zoe@example.com\r\nBcc: victim@example.com";
	assert_int_equal(render(ts, &m, 0, &msg, &len), CR_STATUS_DATA);
	free(msg);
	m = sample("en");
	m.email = "zoe@example.com, victim@example.com";
	assert_int_equal(render(ts, &m, 0, &msg, &len), CR_STATUS_DATA);
	free(msg);
	m = sample("en");
	m.from = "Claims <claims@registrar.example>\r\nBcc: x@example.com";
	assert_int_equal(render(ts, &m, 0, &msg, &len), CR_STATUS_DATA);
	free(msg);
	m = sample("en");
	m.products = bad_product;
	m.nproducts = 1;
	assert_int_equal(render(ts, &m, 0, &msg, &len), CR_STATUS_DATA);
	free(msg);
	/* A bad token is refused without being shown. */
	m = sample("en");
	m.token = "secret token\r\n";
	assert_int_equal(render(ts, &m, 0, &msg, &len), CR_STATUS_DATA);
	free(msg);
	assert_null(strstr(diag_text(), "secret"));
	m = sample("en");
	m.claim_url = "https://x/\r\nBcc: y";
	assert_int_equal(render(ts, &m, 0, &msg, &len), CR_STATUS_DATA);
	free(msg);
	(void)diag_text();

	/* Quotes and backslashes in an ASCII name are escaped. */
	m = sample("en");
	m.firstname = "Bob \"The\\Builder\"";
	m.lastname = "O'Neil";
	assert_int_equal(render(ts, &m, 0, &msg, &len), 0);
	assert_string_equal(header(msg, "To"),
	    "\"Bob \\\"The\\\\Builder\\\" O'Neil\" <zoe@xn--caf-dma.example>");
	free(msg);
	/* Something that looks like an encoded-word gets encoded. */
	m.firstname = "=?UTF-8?B?QmNjOg==?=";
	assert_int_equal(render(ts, &m, 0, &msg, &len), 0);
	assert_true(strncmp(header(msg, "To"), "=?UTF-8?", 8) == 0);
	assert_null(strstr(header(msg, "To"), "?B?QmNj"));
	free(msg);
	cr_templates_free(ts);

	assert_int_equal(cr_email_check_from("claims@registrar.example"), 0);
	assert_int_equal(cr_email_check_from("Registrar <claims@bücher.de>"),
	    0);
	assert_int_equal(cr_email_check_from("not an address"),
	    CR_STATUS_USAGE);
	assert_int_equal(cr_email_check_from("A <a@b.example>\nBcc: c@d.e"),
	    CR_STATUS_USAGE);
	(void)diag_text();
}

static void
test_email_long_names_fold(void **state)
{
	struct cr_templates *ts = cr_templates_load(templates_dir());
	struct cr_email m = sample("en");
	char first[800], last[300], *msg, *p, *q;
	size_t len, i;

	(void)state;
	/* 255 code points of 2 bytes, and a long ASCII last name. */
	for (i = 0; i < 255; i++)
		memcpy(first + 2 * i, "é", 2);
	first[510] = '\0';
	memset(last, 'x', 200);
	last[200] = '\0';
	m.firstname = first;
	m.lastname = last;
	m.reseller = "Très Longue Société de Revente Internationale "
	    "Européenne à Responsabilité Limitée";
	assert_int_equal(render(ts, &m, 0, &msg, &len), 0);
	check_message(msg, len);
	/* Every encoded-word is at most 75 characters. */
	for (p = msg; (p = strstr(p, "=?UTF-8?")) != NULL &&
	    p < msg + header_len(msg); p = q + 2) {
		q = strstr(p + 10, "?=");
		assert_non_null(q);
		assert_in_range(q + 2 - p, 12, 75);
	}
	free(msg);

	/* A long plain-ASCII subject folds at blanks. */
	m = sample("en");
	m.reseller = "The Very Long Name Of A Reseller Organization That "
	    "Goes On And On Incorporated";
	assert_int_equal(render(ts, &m, 0, &msg, &len), 0);
	check_message(msg, len);
	assert_string_equal(header(msg, "Subject"), "Claim your account and "
	    "products released by The Very Long Name Of A Reseller "
	    "Organization That Goes On And On Incorporated");
	p = strstr(msg, "\r\nSubject: ");
	assert_non_null(p);
	q = strstr(p + 2, "\r\n");
	assert_true(q[2] == ' ');		/* folded onto a second line */
	free(msg);
	cr_templates_free(ts);
}

/* A Message-ID that would pass 78 characters is folded before the msg-id. */
static void
test_email_message_id_fold(void **state)
{
	struct cr_templates *ts = cr_templates_load(templates_dir());
	struct cr_email m = sample("en");
	const char *want;
	char *msg, *p;
	size_t len;

	(void)state;
	assert_non_null(ts);
	/* 13 + 25 + 1 + 17 + 22 + 1 = 79 characters unfolded */
	m.customer_id = "c-12345678-abcdef";
	m.from = "Claims <claims@registrar-xyz.example>";
	assert_int_equal(render(ts, &m, 0, &msg, &len), 0);
	check_message(msg, len);
	p = strstr(msg, "\r\nMessage-ID:");
	assert_non_null(p);
	want = "\r\nMessage-ID:\r\n <20261130T020000Z-1a2b3c4d."
	    "c-12345678-abcdef@registrar-xyz.example>\r\n";
	assert_memory_equal(p, want, strlen(want));
	free(msg);
	/* one character less: on one line, 78 characters */
	m.customer_id = "c-12345678-abcde";
	assert_int_equal(render(ts, &m, 0, &msg, &len), 0);
	p = strstr(msg, "\r\nMessage-ID: <");
	assert_non_null(p);
	assert_int_equal(strstr(p + 2, "\r\n") - (p + 2), 78);
	free(msg);
	cr_templates_free(ts);
}

static void
test_email_qp(void **state)
{
	char dir[4096], *msg, *p, *text, *want;
	struct cr_templates *ts;
	struct cr_email m = sample("en");
	size_t len, i;

	(void)state;
	snprintf(dir, sizeof dir, "%s/qp", tmpdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	write_file(dir, "en.subject", "Plain subject\n", 14);
	want = "a=b and trailing space \n"
	    "trailing tab\t\n"
	    "From the start\n"
	    ".dot\n"
	    "Fromage\n"
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "456789012345678901234567890\n"
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "45678901234567890123456789012345678901234567890123456789\n"
	    "éééééééééééééééééééééééééééééééééééééééééééééééééééé\n"
	    "==========================================\n"
	    "exactly seventy-six characters on this line, no soft break is "
	    "needed here!\n"
	    "\n"
	    "{{claim_link}}\n";
	write_file(dir, "en.txt", want, strlen(want));
	ts = cr_templates_load(dir);
	assert_non_null(ts);
	assert_int_equal(render(ts, &m, 0, &msg, &len), 0);
	check_message(msg, len);
	assert_non_null(strstr(header(msg, "Content-Type"), "text/plain; "
	    "charset=UTF-8"));
	assert_string_equal(header(msg, "Content-Transfer-Encoding"),
	    "quoted-printable");
	p = msg + header_len(msg) + 2;
	assert_non_null(strstr(p, "a=3Db and trailing space=20\r\n"));
	assert_non_null(strstr(p, "trailing tab=09\r\n"));
	assert_non_null(strstr(p, "\r\n=46rom the start\r\n"));
	assert_non_null(strstr(p, "\r\n=2Edot\r\n"));
	assert_non_null(strstr(p, "\r\nFromage\r\n"));
	assert_non_null(strstr(p, "\r\nexactly seventy-six characters on this "
	    "line, no soft break is needed here!\r\n"));
	/* A UTF-8 character is never split by a soft break. */
	for (i = 0; p[i] != '\0'; i++)
		if (p[i] == '=' && p[i + 1] == '\r')
			assert_false(i >= 3 && strncmp(p + i - 3, "=C3", 3)
			    == 0);
	text = qp_decode(p, strlen(p));
	want = strdup(want);
	*strstr(want, "{{claim_link}}") = '\0';
	assert_memory_equal(text, want, strlen(want));
	assert_string_equal(text + strlen(want),
	    "https://registrar.example/claim?t=" SAMPLE_TOKEN "\n");
	free(want);
	free(text);
	free(msg);
	cr_templates_free(ts);
}

/* ---- samples ---- */

static int
write_samples(const char *dir)
{
	struct cr_templates *ts = cr_templates_load(templates_dir());
	static const char *const langs[] = { "en", "fr", "es" };
	struct cr_outfile *o;
	struct cr_email m;
	char name[64];
	size_t i;
	int dfd, redact, rc = 0;

	if (ts == NULL)
		return 2;
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	if (dfd < 0) {
		perror(dir);
		return 1;
	}
	for (i = 0; i < 3; i++) {
		for (redact = 0; redact < 2; redact++) {
			m = sample(langs[i]);
			if (i == 1)
				m.change_owner_required = 1;
			if (i == 2)
				m.import_account = "zoe-main";
			snprintf(name, sizeof name, "claim-%s%s.eml", langs[i],
			    redact ? "-redacted" : "");
			unlinkat(dfd, name, 0);
			o = cr_outfile_open(dfd, name, NULL);
			if (o == NULL)
				return 1;
			rc |= cr_email_render(ts, &m, redact, o);
			rc |= cr_outfile_close(o);
		}
	}
	/* A hard case: long names, quotes, encoded-word look-alikes, IDN. */
	{
		static char first[600];
		for (i = 0; i < 120; i++)
			memcpy(first + 2 * i, "é", 2);
		strcpy(first + 240, " \"Bob\" =?x?= \\");
		m = sample("en");
		m.firstname = first;
		m.lastname = "von Müller-Lüdenscheidt Ærøskøbing 山田 太郎 "
		    "an ASCII tail that is quite long indeed";
		m.reseller = "Revendeur \"Spécial\" =?UTF-8?Q?x?= & <Fils>";
		m.email = "zoe@bücher.example";
		m.from = "\"Serviço de Reclamações Ltda.\" <claims@bücher.de>";
		m.nshares = m.ncontacts = 0;
		unlinkat(dfd, "claim-hard.eml", 0);
		o = cr_outfile_open(dfd, "claim-hard.eml", NULL);
		if (o == NULL)
			return 1;
		rc |= cr_email_render(ts, &m, 0, o);
		rc |= cr_outfile_close(o);
	}
	close(dfd);
	cr_templates_free(ts);
	return rc;
}

static int
setup(void **state)
{
	(void)state;
	test_tmpname(tmpdir, sizeof tmpdir, "test-email");
	assert_non_null(mkdtemp(tmpdir));
	diag = tmpfile();
	assert_non_null(diag);
	cr_diag_set_stream(diag);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[4200];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		return -1;
	fclose(diag);
	cr_diag_set_stream(NULL);
	return 0;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token_hmac_known_answer),
		cmocka_unit_test(test_token_random),
		cmocka_unit_test(test_sha256_hex),
		cmocka_unit_test(test_token_key_load),
		cmocka_unit_test(test_templates_resolve),
		cmocka_unit_test(test_templates_resolve_subtags),
		cmocka_unit_test(test_templates_broken),
		cmocka_unit_test(test_templates_syntax),
		cmocka_unit_test(test_email_headers),
		cmocka_unit_test(test_email_deterministic_and_redacted),
		cmocka_unit_test(test_email_body_content),
		cmocka_unit_test(test_email_injection),
		cmocka_unit_test(test_email_long_names_fold),
		cmocka_unit_test(test_email_message_id_fold),
		cmocka_unit_test(test_email_qp),
	};

	if (argc == 3 && strcmp(argv[1], "--sample") == 0)
		return write_samples(argv[2]);
	return cmocka_run_group_tests(tests, setup, teardown);
}
