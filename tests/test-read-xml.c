/*
 * test-read-xml.c -- unit tests of read-xml.c: the XML export and manifest
 * readers (rows, nesting references, line numbers, decoding, warnings)
 * and their refusals (DTD, entities, malformed input, wrong root, wrong
 * place, oversize values, read errors).  Inputs are embedded.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "custrelease.h"
#include "diag.h"
#include "read.h"
#include "xml-prolog.h"
#include "tmpdir.h"

/* -- Helpers -------------------------------------------------------- */

struct capture {
	char	*rows;		/* one line per row: see collect() */
	size_t	 rowslen;
	FILE	*rowsf;
	char	*diag;
	size_t	 diaglen;
	FILE	*diagf;
	int	 nrows;
	int	 stop_after;	/* return 42 after this many rows (0: never) */
};

/* "element line flags: col=value col=value" for every present value. */
static int
collect(void *arg, const struct cr_row *row)
{
	struct capture *c = arg;
	size_t i;

	assert_non_null(row->file);
	assert_int_equal(row->nfields, 0);
	assert_int_equal(row->nexpected, 0);
	fprintf(c->rowsf, "%s %lu %u:", row->schema->element, row->line,
	    row->flags);
	for (i = 0; i < row->schema->ncols; i++) {
		if (row->val[i] == NULL) {
			assert_int_equal(row->len[i], 0);
			continue;
		}
		assert_int_equal(strlen(row->val[i]), row->len[i]);
		fprintf(c->rowsf, " %s=%s", row->schema->cols[i].name,
		    row->val[i]);
	}
	fputc('\n', c->rowsf);
	c->nrows++;
	if (c->stop_after != 0 && c->nrows == c->stop_after)
		return 42;
	return 0;
}

static void
cap_open(struct capture *c)
{
	memset(c, 0, sizeof *c);
	c->rowsf = open_memstream(&c->rows, &c->rowslen);
	c->diagf = open_memstream(&c->diag, &c->diaglen);
	assert_non_null(c->rowsf);
	assert_non_null(c->diagf);
	cr_diag_set_stream(c->diagf);
}

static void
cap_close(struct capture *c)
{
	fclose(c->rowsf);
	fclose(c->diagf);
	cr_diag_set_stream(NULL);
}

static void
cap_free(struct capture *c)
{
	free(c->rows);
	free(c->diag);
}

enum { EXPORT, MANIFEST };

/* Read `doc` (length len) into c; returns the reader's result. */
static int
run_len(struct capture *c, int which, const char *doc, size_t len)
{
	struct cr_stream *s = cr_stream_mem(doc, len, "in.xml");
	int rc;

	cap_open(c);
	if (which == EXPORT)
		rc = cr_xml_read_export(s, collect, c);
	else
		rc = cr_xml_read_manifest(s, collect, c);
	cap_close(c);
	cr_stream_free(s);
	return rc;
}

static int
run(struct capture *c, int which, const char *doc)
{
	return run_len(c, which, doc, strlen(doc));
}

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

#define NS	"xmlns=\"urn:custrelease:export:1\""
#define MNS	"xmlns=\"urn:custrelease:manifest:1\""

/* -- Export --------------------------------------------------------- */

static const char full_export[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"			/* 1 */
    "<export " NS ">\n"							/* 2 */
    "  <organization id=\"org-1\" type=\"company\" reseller=\"true\">\n"	/* 3 */
    "    <name>acme-resell</name><orgname>ACME</orgname>\n"		/* 4 */
    "    <customer id=\"c-1\" type=\"individual\" status=\"active\">\n"	/* 5 */
    "      <firstname>Zo\xc3\xa9</firstname>\n"				/* 6 */
    "      <product id=\"p-1\" kind=\"domain\" status=\"active\">\n"	/* 7 */
    "        <contact role=\"admin\" org_id=\"org-1\">\n"		/* 8 */
    "          <email>ops@acme.example</email>\n"			/* 9 */
    "        </contact>\n"						/* 10 */
    "        <name>zoe.example</name>\n"				/* 11 */
    "        <share username=\"acme-admin\" via=\"quickshare\"/>\n"	/* 12 */
    "        <expires_at>2027-03-01T00:00:00Z</expires_at>\n"		/* 13 */
    "      </product>\n"						/* 14 */
    "      <lang>fr</lang>\n"						/* 15 */
    "      <country>FR</country>\n"					/* 16 */
    "    </customer>\n"							/* 17 */
    "    <email>ops@acme.example</email>\n"				/* 18 */
    "    <customer id=\"c-2\"><product id=\"p-2\" kind=\"hosting\">"	/* 19 */
    "<name>h</name></product></customer>\n"
    "  </organization>\n"						/* 20 */
    "  <account username=\"acme-admin\" type=\"individual\">\n"	/* 21 */
    "    <country>FR</country><firstname>Ann</firstname>\n"		/* 22 */
    "  </account>\n"							/* 23 */
    "  <organization id=\"org-2\"><email>b@b.example</email>"		/* 24 */
    "<name>beta</name></organization>\n"
    "</export>\n";

static void
test_export_full(void **state)
{
	struct capture c;

	assert_int_equal(run(&c, EXPORT, full_export), 0);
	assert_string_equal(c.rows,
	    "contact 8 2: product_id=p-1 role=admin org_id=org-1 "
	    "email=ops@acme.example\n"
	    "share 12 2: product_id=p-1 username=acme-admin via=quickshare\n"
	    "product 7 2: id=p-1 customer_id=c-1 kind=domain name=zoe.example "
	    "status=active expires_at=2027-03-01T00:00:00Z\n"
	    "customer 5 2: id=c-1 reseller_id=org-1 type=individual "
	    "firstname=Zo\xc3\xa9 country=FR lang=fr status=active\n"
	    "product 19 2: id=p-2 customer_id=c-2 kind=hosting name=h\n"
	    "customer 19 2: id=c-2 reseller_id=org-1\n"
	    "organization 3 2: id=org-1 name=acme-resell type=company "
	    "reseller=true orgname=ACME email=ops@acme.example\n"
	    "account 21 2: username=acme-admin type=individual "
	    "firstname=Ann country=FR\n"
	    "organization 24 2: id=org-2 name=beta email=b@b.example\n");
	assert_string_equal(c.diag, "");
	cap_free(&c);
}

/* Each row's enclosing customer, as "element:customer " (- for none). */
static int
note_nest(void *arg, const struct cr_row *row)
{
	char *out = arg;
	size_t n = strlen(out);

	if (row->nest_customer != NULL)
		assert_int_equal(strlen(row->nest_customer),
		    row->nest_customer_len);
	snprintf(out + n, 512 - n, "%s:%.*s ", row->schema->element,
	    row->nest_customer != NULL ? (int)row->nest_customer_len : 1,
	    row->nest_customer != NULL ? row->nest_customer : "-");
	return 0;
}

static void
test_export_nest_customer(void **state)
{
	struct cr_stream *s = cr_stream_mem(full_export,
	    sizeof full_export - 1, "in.xml");
	char out[512] = "";

	(void)state;
	assert_int_equal(cr_xml_read_export(s, note_nest, out), 0);
	cr_stream_free(s);
	assert_string_equal(out, "contact:c-1 share:c-1 product:c-1 "
	    "customer:- product:c-2 customer:- organization:- account:- "
	    "organization:- ");
}

static int
check_file(void *arg, const struct cr_row *row)
{
	assert_string_equal(row->file, "in.xml");
	assert_int_equal(row->flags, CR_ROW_NESTED);
	return 0;
}

static void
test_export_file_name(void **state)
{
	struct cr_stream *s = cr_stream_mem(full_export,
	    sizeof full_export - 1, "in.xml");

	assert_int_equal(cr_xml_read_export(s, check_file, NULL), 0);
	/* the whole input went through the stream (digest) */
	assert_int_equal(cr_stream_bytes(s), sizeof full_export - 1);
	cr_stream_free(s);
}

static void
test_export_prefixed_namespace(void **state)
{
	struct capture c;

	assert_int_equal(run(&c, EXPORT,
	    "<e:export xmlns:e=\"urn:custrelease:export:1\">"
	    "<e:account username=\"u1\"><e:email>a@b</e:email></e:account>"
	    "</e:export>"), 0);
	assert_string_equal(c.rows, "account 1 2: username=u1 email=a@b\n");
	cap_free(&c);
}

static void
test_export_entities(void **state)
{
	struct capture c;

	assert_int_equal(run(&c, EXPORT,
	    "<export " NS "><organization id=\"o&amp;1\">"
	    "<name>A &amp; B&#10;C &lt;x&gt; &quot;&apos; &#x1F600;</name>"
	    "<city><![CDATA[<raw&amp;>]]> tail</city>"
	    "<zip>  75001 </zip>"
	    "</organization></export>"), 0);
	assert_string_equal(c.rows,
	    "organization 1 2: id=o&1 name=A & B\nC <x> \"' \xf0\x9f\x98\x80 "
	    "zip=  75001  city=<raw&amp;> tail\n");
	assert_string_equal(c.diag, "");
	cap_free(&c);
}

static void
test_export_blank(void **state)
{
	struct capture c;

	assert_int_equal(run(&c, EXPORT,
	    "<export " NS "><organization id=\" \" type=\"\" reseller=\"0\">"
	    "<name>   </name><fax/><email>\n\t</email><phone>0</phone>"
	    "</organization>"
	    "<organization><customer id=\"c\"/></organization></export>"), 0);
	/* blank id: absent, also in the customer's reseller_id */
	assert_string_equal(c.rows,
	    "organization 1 2: reseller=0 phone=0\n"
	    "customer 2 2: id=c\n"
	    "organization 2 2:\n");
	cap_free(&c);
}

static void
test_export_unknown(void **state)
{
	struct capture c;
	const char *doc =
	    "<export " NS " version=\"1\">\n"
	    "<organization id=\"o1\" color=\"red\" xmlns:x=\"urn:other\" "
	    "x:id=\"zz\">\n"
	    "<foo><name>inner</name></foo><x:name>other</x:name>\n"
	    "<name>real</name><reference>r</reference><id>i</id>\n"
	    "<customer id=\"c1\" reseller_id=\"zz\" color=\"blue\">"
	    "<reseller_id>zz</reseller_id><reference>ref</reference>"
	    "<product id=\"p1\" kind=\"domain\"><customer_id>zz</customer_id>"
	    "<name>n<b>bold</b>!</name></product>"
	    "</customer>\n"
	    "</organization>\n"
	    "<organization id=\"o2\" color=\"red\"><foo/></organization>\n"
	    "<foo/><name>top</name>\n"
	    "</export>\n";

	assert_int_equal(run(&c, EXPORT, doc), 0);
	assert_string_equal(c.rows,
	    "product 5 2: id=p1 customer_id=c1 kind=domain name=n!\n"
	    "customer 5 2: id=c1 reseller_id=o1 reference=ref\n"
	    "organization 2 2: id=o1 name=real\n"
	    "organization 7 2: id=o2\n");
	/* once per name */
	assert_int_equal(count(c.diag, "\"foo\""), 1);
	assert_int_equal(count(c.diag, "\"color\" on <organization>"), 1);
	assert_int_equal(count(c.diag, "\"color\" on <customer>"), 1);
	assert_int_equal(count(c.diag, "\"name\""), 1);
	assert_true(strstr(c.diag, "custrelease: in.xml:1: warning: unknown "
	    "attribute \"version\" on <export> ignored\n") != NULL);
	assert_true(strstr(c.diag, "custrelease: in.xml:2: warning: unknown "
	    "attribute \"x:id\" on <organization> ignored\n") != NULL);
	assert_true(strstr(c.diag, "custrelease: in.xml:3: warning: unknown "
	    "element \"foo\" ignored\n") != NULL);
	assert_true(strstr(c.diag, "custrelease: in.xml:3: warning: unknown "
	    "element \"x:name\" ignored\n") != NULL);
	assert_true(strstr(c.diag, "in.xml:4: warning: unknown element "
	    "\"reference\" ignored\n") != NULL);
	assert_true(strstr(c.diag, "in.xml:4: warning: unknown element "
	    "\"id\" ignored\n") != NULL);
	assert_true(strstr(c.diag, "in.xml:5: warning: unknown attribute "
	    "\"reseller_id\" on <customer> ignored\n") != NULL);
	assert_true(strstr(c.diag, "in.xml:5: warning: unknown element "
	    "\"reseller_id\" ignored\n") != NULL);
	assert_true(strstr(c.diag, "in.xml:5: warning: unknown element "
	    "\"customer_id\" ignored\n") != NULL);
	assert_true(strstr(c.diag, "in.xml:5: warning: unknown element "
	    "\"b\" ignored\n") != NULL);
	assert_true(strstr(c.diag, "in.xml:8: warning: unknown element "
	    "\"name\" ignored\n") != NULL);
	assert_int_equal(count(c.diag, "warning:"), 13);
	assert_int_equal(count(c.diag, "\n"), 13);
	cap_free(&c);
}

static void
test_export_empty(void **state)
{
	struct capture c;

	assert_int_equal(run(&c, EXPORT, "<export " NS "/>"), 0);
	assert_string_equal(c.rows, "");
	assert_string_equal(c.diag, "");
	cap_free(&c);
	assert_int_equal(run(&c, EXPORT, "\xef\xbb\xbf<!-- x -->\n"
	    "<export " NS "></export>\n<!-- after -->\n"), 0);
	assert_string_equal(c.diag, "");
	cap_free(&c);
}

static void
test_export_wrong_root(void **state)
{
	struct capture c;

	assert_int_equal(run(&c, EXPORT,
	    "<?xml version=\"1.0\"?>\n<export xmlns=\"urn:custrelease:export:2\">"
	    "<organization id=\"o\"/></export>"), CR_STATUS_DATA);
	assert_string_equal(c.rows, "");
	assert_string_equal(c.diag, "custrelease: in.xml:2: root element "
	    "<export> in namespace \"urn:custrelease:export:2\": expected "
	    "<export xmlns=\"urn:custrelease:export:1\">\n");
	cap_free(&c);

	assert_int_equal(run(&c, EXPORT, "<export><organization id=\"o\"/>"
	    "</export>"), CR_STATUS_DATA);
	assert_string_equal(c.diag, "custrelease: in.xml:1: root element "
	    "<export> in no namespace: expected "
	    "<export xmlns=\"urn:custrelease:export:1\">\n");
	cap_free(&c);

	/* a manifest is not an export */
	assert_int_equal(run(&c, EXPORT, "<manifest " MNS "/>"),
	    CR_STATUS_DATA);
	assert_non_null(strstr(c.diag, "root element <manifest> in namespace "
	    "\"urn:custrelease:manifest:1\""));
	cap_free(&c);
}

static void
test_export_wrong_place(void **state)
{
	struct capture c;

	assert_int_equal(run(&c, EXPORT, "<export " NS ">\n"
	    "<organization id=\"o\"/>\n<customer id=\"c\"/>\n</export>"),
	    CR_STATUS_DATA);
	assert_string_equal(c.rows, "organization 2 2: id=o\n");
	assert_string_equal(c.diag, "custrelease: in.xml:3: element "
	    "<customer> is not allowed in <export>\n");
	cap_free(&c);

	assert_int_equal(run(&c, EXPORT, "<export " NS ">\n"
	    "<organization id=\"o\">\n<product id=\"p\"/>\n</organization>"
	    "</export>"), CR_STATUS_DATA);
	assert_string_equal(c.rows, "");
	assert_string_equal(c.diag, "custrelease: in.xml:3: element "
	    "<product> is not allowed in <organization>\n");
	cap_free(&c);

	assert_int_equal(run(&c, EXPORT, "<export " NS "><organization>"
	    "<name><customer/></name></organization></export>"),
	    CR_STATUS_DATA);
	assert_non_null(strstr(c.diag, "<customer> is not allowed in <name>"));
	cap_free(&c);

	assert_int_equal(run(&c, EXPORT, "<export " NS "><account>"
	    "<export/></account></export>"), CR_STATUS_DATA);
	assert_non_null(strstr(c.diag, "<export> is not allowed in <account>"));
	cap_free(&c);
}

static void
test_export_duplicate_child(void **state)
{
	struct capture c;

	assert_int_equal(run(&c, EXPORT, "<export " NS ">\n<account "
	    "username=\"u\">\n<email>a@b</email>\n<email>c@d</email>"
	    "</account></export>"), CR_STATUS_DATA);
	assert_string_equal(c.rows, "");
	assert_string_equal(c.diag, "custrelease: in.xml:4: element <email> "
	    "given twice in <account>\n");
	cap_free(&c);
}

static const char billion_laughs[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE export [\n"
    " <!ENTITY lol \"lol\">\n"
    " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
    " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
    " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
    " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
    " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
    " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
    " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
    " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
    " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
    "]>\n"
    "<export " NS "><account username=\"u\"><email>&lol9;</email>"
    "</account></export>\n";

static void
test_dtd_billion_laughs(void **state)
{
	struct capture c;

	assert_int_equal(run(&c, EXPORT, billion_laughs), CR_STATUS_DATA);
	assert_string_equal(c.rows, "");
	assert_string_equal(c.diag,
	    "custrelease: in.xml:2: DTD (<!DOCTYPE>) refused\n");
	cap_free(&c);
}

static void
test_dtd_external_entity(void **state)
{
	char path[TEST_PATH_MAX];
	char *doc;
	struct capture c;
	int fd, which;

	test_tmpname(path, sizeof path, "test-read-xml");

	/* a file the entity names; its content must never show up */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "SECRET-MARKER", 13), 13);
	close(fd);
	for (which = 0; which < 2; which++) {
		assert_true(asprintf(&doc,
		    "%s<!DOCTYPE export [<!ENTITY xxe SYSTEM \"file://%s\">]>\n"
		    "<export " NS "><account username=\"u\">"
		    "<email>&xxe;</email></account></export>\n",
		    which ? "<?xml version=\"1.0\"?>\n<!-- c -->\n" : "",
		    path) > 0);
		assert_int_equal(run(&c, EXPORT, doc), CR_STATUS_DATA);
		assert_string_equal(c.rows, "");
		assert_null(strstr(c.diag, "SECRET"));
		assert_string_equal(c.diag, which ?
		    "custrelease: in.xml:3: DTD (<!DOCTYPE>) refused\n" :
		    "custrelease: in.xml:1: DTD (<!DOCTYPE>) refused\n");
		cap_free(&c);
		free(doc);
	}
	unlink(path);
}

/*
 * A UTF-16 document hides its DOCTYPE from the byte scan: the DOCTYPE
 * node refuses it then.
 */
static void
test_dtd_utf16(void **state)
{
	const char *ascii = "<!DOCTYPE export>\n<export " NS "/>\n";
	size_t n = strlen(ascii), i;
	char *doc = malloc(2 * n + 2);
	struct capture c;

	assert_non_null(doc);
	doc[0] = (char)0xff;
	doc[1] = (char)0xfe;
	for (i = 0; i < n; i++) {
		doc[2 + 2 * i] = ascii[i];
		doc[3 + 2 * i] = 0;
	}
	assert_int_equal(run_len(&c, EXPORT, doc, 2 * n + 2),
	    CR_STATUS_DATA);
	assert_non_null(strstr(c.diag, "DTD (<!DOCTYPE>) refused\n"));
	assert_string_equal(c.rows, "");
	cap_free(&c);
	free(doc);
}

static void
test_undeclared_entity(void **state)
{
	struct capture c;

	assert_int_equal(run(&c, EXPORT, "<export " NS ">\n<account "
	    "username=\"u\"><email>&foo;</email></account></export>"),
	    CR_STATUS_DATA);
	assert_string_equal(c.rows, "");
	assert_string_equal(c.diag, "custrelease: in.xml:2: malformed XML: "
	    "Entity 'foo' not defined\n");
	cap_free(&c);
}

static void
test_truncated(void **state)
{
	struct capture c;
	size_t cut;

	/* cut inside the last organization and inside the end tag */
	cut = strstr(full_export, "<name>beta") - full_export;
	assert_int_equal(run_len(&c, EXPORT, full_export, cut),
	    CR_STATUS_DATA);
	assert_int_equal(count(c.diag, "\n"), 1);
	assert_non_null(strstr(c.diag, "custrelease: in.xml:24: malformed "
	    "XML: "));
	cap_free(&c);

	assert_int_equal(run_len(&c, EXPORT, full_export,
	    sizeof full_export - 4), CR_STATUS_DATA);
	assert_non_null(strstr(c.diag, ": malformed XML: "));
	cap_free(&c);

	/* cut after a complete element */
	cut = strstr(full_export, "</export>") - full_export;
	assert_int_equal(run_len(&c, EXPORT, full_export, cut),
	    CR_STATUS_DATA);
	assert_string_equal(c.diag, "custrelease: in.xml:24: malformed XML: "
	    "the document ends before </export> (truncated?)\n");
	cap_free(&c);

	assert_int_equal(run(&c, EXPORT, ""), CR_STATUS_DATA);
	assert_non_null(strstr(c.diag, "custrelease: in.xml:"));
	assert_non_null(strstr(c.diag, "malformed XML"));
	cap_free(&c);
}

static void
test_trailing_garbage(void **state)
{
	struct capture c;

	assert_int_equal(run(&c, EXPORT, "<export " NS "/>\n<export " NS
	    "/>\n"), CR_STATUS_DATA);
	assert_string_equal(c.diag, "custrelease: in.xml:2: malformed XML: "
	    "Extra content at the end of the document\n");
	cap_free(&c);
}

static void
test_invalid_utf8(void **state)
{
	struct capture c;
	int saved, fd;
	char path[TEST_PATH_MAX];
	char buf[64];

	test_tmpname(path, sizeof path, "test-read-xml-err");

	/* libxml2 must not print on stderr: send it to a file */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fflush(stderr);
	saved = dup(2);
	dup2(fd, 2);
	assert_int_equal(run(&c, EXPORT, "<export " NS ">\n<account "
	    "username=\"u\">\n<email>a\xc3\x28@b</email></account></export>"),
	    CR_STATUS_DATA);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	assert_int_equal(lseek(fd, 0, SEEK_END), 0);
	close(fd);
	unlink(path);

	assert_string_equal(c.rows, "");
	assert_int_equal(count(c.diag, "\n"), 1);
	assert_non_null(strstr(c.diag, "custrelease: in.xml:3: malformed "
	    "XML: "));
	assert_non_null(strstr(c.diag, "UTF-8"));
	assert_null(strstr(c.diag, "\\x0"));	/* no raw newline inside */
	cap_free(&c);

	/* a surrogate encoded in UTF-8 */
	assert_int_equal(run(&c, EXPORT, "<export " NS "><account "
	    "username=\"\xed\xa0\x80\"/></export>"), CR_STATUS_DATA);
	assert_non_null(strstr(c.diag, "malformed XML: "));
	(void)buf;
	cap_free(&c);
}

static void
test_bad_namespace_prefix(void **state)
{
	struct capture c;

	assert_int_equal(run(&c, EXPORT, "<export " NS "><x:foo/></export>"),
	    CR_STATUS_DATA);
	assert_non_null(strstr(c.diag, "malformed XML: "));
	assert_non_null(strstr(c.diag, "x"));
	cap_free(&c);
}

static void
test_field_too_large(void **state)
{
	size_t big = CR_FIELD_MAX + 1, n;
	const char *head = "<export " NS "><account username=\"u\">\n<email>";
	const char *tail = "</email></account></export>";
	char *doc = malloc(strlen(head) + big + strlen(tail) + 1);
	struct capture c;

	assert_non_null(doc);
	n = strlen(head);
	memcpy(doc, head, n);
	memset(doc + n, 'a', big);
	strcpy(doc + n + big, tail);
	assert_int_equal(run(&c, EXPORT, doc), CR_STATUS_DATA);
	assert_string_equal(c.rows, "");
	assert_string_equal(c.diag, "custrelease: in.xml:2: value of element "
	    "\"email\" is larger than 1048576 bytes\n");
	cap_free(&c);

	/* exactly CR_FIELD_MAX is fine */
	strcpy(doc + n + big - 1, tail);
	assert_int_equal(run(&c, EXPORT, doc), 0);
	assert_int_equal(c.nrows, 1);
	cap_free(&c);

	/* the same in an attribute */
	n = strlen("<export " NS "><account username=\"");
	memcpy(doc, "<export " NS "><account username=\"", n);
	memset(doc + n, 'b', big);
	strcpy(doc + n + big, "\"/></export>");
	assert_int_equal(run(&c, EXPORT, doc), CR_STATUS_DATA);
	assert_string_equal(c.diag, "custrelease: in.xml:1: value of "
	    "attribute \"username\" is larger than 1048576 bytes\n");
	cap_free(&c);
	free(doc);
}

static void
test_callback_stop(void **state)
{
	struct capture c;
	struct cr_stream *s = cr_stream_mem(full_export,
	    sizeof full_export - 1, "in.xml");

	cap_open(&c);
	c.stop_after = 2;
	assert_int_equal(cr_xml_read_export(s, collect, &c), 42);
	cap_close(&c);
	assert_int_equal(c.nrows, 2);
	assert_string_equal(c.diag, "");
	cr_stream_free(s);
	cap_free(&c);
}

static ssize_t
failing_read(void *ctx, void *buf, size_t n)
{
	int *calls = ctx;

	if ((*calls)++ == 0) {
		memcpy(buf, "<export " NS ">", strlen("<export " NS ">"));
		return (ssize_t)strlen("<export " NS ">");
	}
	errno = EIO;
	return -1;
}

static void
test_read_error(void **state)
{
	struct capture c;
	int calls = 0;
	struct cr_stream *s = cr_stream_new("bad.xml", failing_read, &calls);

	cap_open(&c);
	assert_int_equal(cr_xml_read_export(s, collect, &c), CR_STATUS_IO);
	cap_close(&c);
	/* the stream's message only */
	assert_string_equal(c.diag, "custrelease: bad.xml:0: read error: "
	    "Input/output error\n");
	cr_stream_free(s);
	cap_free(&c);

	/* over the stream's limit: its status, 65 */
	s = cr_stream_mem(full_export, sizeof full_export - 1, "big.xml");
	cr_stream_set_limit(s, 100);
	cap_open(&c);
	assert_int_equal(cr_xml_read_export(s, collect, &c), CR_STATUS_DATA);
	cap_close(&c);
	assert_int_equal(count(c.diag, "\n"), 1);
	assert_non_null(strstr(c.diag, "big.xml:0: more than 100 bytes"));
	cr_stream_free(s);
	cap_free(&c);
}

/* Many lines: element line numbers stay exact past the parser's chunks. */
static void
test_line_numbers(void **state)
{
	char *doc, *rows;
	size_t doclen, rowslen, i;
	FILE *d = open_memstream(&doc, &doclen);
	FILE *r = open_memstream(&rows, &rowslen);
	struct capture c;

	fprintf(d, "<export " NS ">\n");
	for (i = 0; i < 500; i++) {
		fprintf(d, "<account username=\"u%zu\">\n<email>x</email>\n"
		    "</account>\n", i);
		fprintf(r, "account %zu 2: username=u%zu email=x\n",
		    2 + 3 * i, i);
	}
	fprintf(d, "</export>\n");
	fclose(d);
	fclose(r);
	assert_int_equal(run(&c, EXPORT, doc), 0);
	assert_string_equal(c.rows, rows);
	cap_free(&c);
	free(doc);
	free(rows);
}

/* -- Manifest ------------------------------------------------------- */

static void
test_manifest(void **state)
{
	struct capture c;

	assert_int_equal(run(&c, MANIFEST,
	    "<?xml version=\"1.0\"?>\n"
	    "<manifest " MNS ">\n"
	    "  <!-- first -->\n"
	    "  <release request_id=\"r1\" reseller_id=\"org-1\" "
	    "customer_id=\"c-1\" quickshare_to=\"acme-admin\"\n"
	    "           reseller_contacts=\"replace\" requested_by=\"Zo&#233; "
	    "&amp; co\" priority=\"high\"/>\n"
	    "  <release request_id=\"r2\" reseller_id=\"org-1\" "
	    "customer_id=\"c-2\" import_to=\"\" on_mismatch=\"reject\" "
	    "priority=\"low\"><note>hi</note></release>\n"
	    "  <other/>\n"
	    "  <release request_id=\"r3\" reseller_id=\"org-2\" "
	    "customer_id=\"c-3\" import_to=\"u9\"></release>\n"
	    "</manifest>\n"), 0);
	assert_string_equal(c.rows,
	    "release 1 2: request_id=r1 reseller_id=org-1 customer_id=c-1 "
	    "quickshare_to=acme-admin reseller_contacts=replace "
	    "requested_by=Zo\xc3\xa9 & co\n"
	    "release 2 2: request_id=r2 reseller_id=org-1 customer_id=c-2 "
	    "on_mismatch=reject\n"
	    "release 3 2: request_id=r3 reseller_id=org-2 customer_id=c-3 "
	    "import_to=u9\n");
	/* a start tag over two lines: the line where it ends (libxml2) */
	assert_string_equal(c.diag,
	    "custrelease: in.xml:5: warning: unknown attribute \"priority\" "
	    "on <release> ignored\n"
	    "custrelease: in.xml:6: warning: unknown element \"note\" "
	    "ignored\n"
	    "custrelease: in.xml:7: warning: unknown element \"other\" "
	    "ignored\n");
	cap_free(&c);
}

static void
test_manifest_refusals(void **state)
{
	struct capture c;

	assert_int_equal(run(&c, MANIFEST, "<export " NS "/>"),
	    CR_STATUS_DATA);
	assert_non_null(strstr(c.diag, "expected <manifest "
	    "xmlns=\"urn:custrelease:manifest:1\">"));
	cap_free(&c);

	assert_int_equal(run(&c, MANIFEST, "<manifest " MNS "><release "
	    "request_id=\"a\"><release request_id=\"b\"/></release>"
	    "</manifest>"), CR_STATUS_DATA);
	assert_non_null(strstr(c.diag, "element <release> is not allowed in "
	    "<release>"));
	cap_free(&c);

	assert_int_equal(run(&c, MANIFEST, "<!DOCTYPE manifest>"
	    "<manifest " MNS "/>"), CR_STATUS_DATA);
	assert_string_equal(c.diag, "custrelease: in.xml:1: DTD (<!DOCTYPE>) "
	    "refused\n");
	cap_free(&c);

	assert_int_equal(run(&c, MANIFEST, "<manifest " MNS "><release "
	    "request_id=\"a\" request_id=\"b\"/></manifest>"),
	    CR_STATUS_DATA);
	assert_non_null(strstr(c.diag, "malformed XML: "));
	assert_string_equal(c.rows, "");
	cap_free(&c);
}

/* -- The sample files (also valid against the XSDs of docs/) --------- */

static void
read_sample(struct capture *c, int which, const char *file)
{
	const char *srcdir = getenv("srcdir");
	struct cr_stream *s;
	char *path;
	int fd;

	assert_true(asprintf(&path, "%s/tests/data/xml/%s",
	    srcdir != NULL ? srcdir : ".", file) > 0);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	s = cr_stream_fd(fd, file);
	cap_open(c);
	if (which == EXPORT)
		assert_int_equal(cr_xml_read_export(s, collect, c), 0);
	else
		assert_int_equal(cr_xml_read_manifest(s, collect, c), 0);
	cap_close(c);
	cr_stream_free(s);
	close(fd);
	free(path);
}

static void
test_samples(void **state)
{
	struct capture c;

	read_sample(&c, EXPORT, "export.xml");
	assert_string_equal(c.diag, "");
	assert_int_equal(c.nrows, 9);
	assert_non_null(strstr(c.rows, "customer 10 2: id=c-1 "
	    "reseller_id=org-1 type=individual firstname=Zo\xc3\xa9 "
	    "lastname=Martin "));
	assert_non_null(strstr(c.rows, "contact 27 2: product_id=p-1 "
	    "role=admin org_id=org-1 orgname=ACME email=ops@acme.example\n"));
	assert_non_null(strstr(c.rows, "organization 4 2: id=org-1 "
	    "name=acme-resell type=company reseller=true orgname=ACME & Co "));
	cap_free(&c);

	read_sample(&c, MANIFEST, "manifest.xml");
	assert_string_equal(c.diag, "");
	assert_string_equal(c.rows,
	    "release 1 2: request_id=r-1 reseller_id=org-1 customer_id=c-1 "
	    "quickshare_to=acme-admin reseller_contacts=replace "
	    "requested_by=Ann Admin <admin@acme.example>\n"
	    "release 2 2: request_id=r-2 reseller_id=org-1 customer_id=c-1 "
	    "import_to=acme-admin on_mismatch=reject\n");
	cap_free(&c);
}

/* prolog_line: the scanner over s, whole and then byte by byte. */
static unsigned long
prolog_line(const char *s, int *done)
{
	struct cr_xml_prolog p, q;
	unsigned long whole, line = 0;
	size_t i, n = strlen(s);

	cr_xml_prolog_init(&p);
	whole = cr_xml_prolog_scan(&p, (const unsigned char *)s, n);
	cr_xml_prolog_init(&q);
	for (i = 0; i < n && line == 0; i++)
		line = cr_xml_prolog_scan(&q, (const unsigned char *)s + i, 1);
	assert_int_equal(line, whole);
	*done = cr_xml_prolog_done(&p);
	return whole;
}

/* The watch for <!DOCTYPE before libxml2 (xml-prolog.c). */
static void
test_prolog_watch(void **state)
{
	int done;

	(void)state;
	assert_int_equal(prolog_line("<!DOCTYPE x>", &done), 1);
	assert_int_equal(prolog_line("\xef\xbb\xbf<!DOCTYPE x>", &done), 1);
	assert_int_equal(prolog_line("<?xml version=\"1.0\"?>\n"
	    "<!-- a -- comment --->\n\n  <!DOCTYPE x [ ]>", &done), 4);
	assert_int_equal(prolog_line("<?pi ?? ?>\r\n<!DOCTYPE x>", &done), 2);
	/* a DOCTYPE inside a comment or after the root is not the watch's */
	assert_int_equal(prolog_line("<!-- <!DOCTYPE x> --><r/>", &done), 0);
	assert_true(done);
	assert_int_equal(prolog_line("<r><!DOCTYPE x></r>", &done), 0);
	assert_true(done);
	assert_int_equal(prolog_line("<!DOCTYPf x>", &done), 0);
	assert_true(done);
	/* a broken byte order mark ends the watch */
	assert_int_equal(prolog_line("\xef\xbb<!DOCTYPE x>", &done), 0);
	assert_true(done);
	/* not over yet: white space and a comment only */
	assert_int_equal(prolog_line(" \t<!-- x -->\n", &done), 0);
	assert_false(done);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prolog_watch),
		cmocka_unit_test(test_export_full),
		cmocka_unit_test(test_export_file_name),
		cmocka_unit_test(test_export_nest_customer),
		cmocka_unit_test(test_export_prefixed_namespace),
		cmocka_unit_test(test_export_entities),
		cmocka_unit_test(test_export_blank),
		cmocka_unit_test(test_export_unknown),
		cmocka_unit_test(test_export_empty),
		cmocka_unit_test(test_export_wrong_root),
		cmocka_unit_test(test_export_wrong_place),
		cmocka_unit_test(test_export_duplicate_child),
		cmocka_unit_test(test_dtd_billion_laughs),
		cmocka_unit_test(test_dtd_external_entity),
		cmocka_unit_test(test_dtd_utf16),
		cmocka_unit_test(test_undeclared_entity),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_trailing_garbage),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_bad_namespace_prefix),
		cmocka_unit_test(test_field_too_large),
		cmocka_unit_test(test_callback_stop),
		cmocka_unit_test(test_read_error),
		cmocka_unit_test(test_line_numbers),
		cmocka_unit_test(test_manifest),
		cmocka_unit_test(test_manifest_refusals),
		cmocka_unit_test(test_samples),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
