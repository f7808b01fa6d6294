/*
 * xmalloc.c -- allocation helpers that end the process on exhaustion
 * through cr_err_nomem() (exit 74; see xmalloc.h).  Nothing else lives
 * here.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "xmalloc.h"

static void __attribute__((noreturn))
xmalloc_fail(void)
{
	cr_err_nomem();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		xmalloc_fail();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		xmalloc_fail();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		xmalloc_fail();
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		xmalloc_fail();
	return xrealloc(p, n * size);
}

char *
xstrdup(const char *s)
{
	return xmemdup0(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	return xmemdup0(s, strnlen(s, n));
}

char *
xmemdup0(const void *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX)
		xmalloc_fail();
	p = xmalloc(n + 1);
	if (n != 0)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

int
xasprintf(char **out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(out, fmt, ap);
	va_end(ap);
	if (n < 0)
		xmalloc_fail();
	return n;
}

/* --- arenas ------------------------------------------------------------- */

#define ARENA_BLOCK	(256 * 1024)
#define ARENA_ALIGN	8	/* pointers, size_t, uint64_t: all we store */

struct cr_arena {
	struct cr_arena	*next;		/* the older blocks, full */
	size_t		 used, size;
	size_t		 below;		/* what the older blocks use */
	uint64_t	 data[];
};

void *
cr_arena_alloc(struct cr_arena **ap, size_t n)
{
	struct cr_arena *b = *ap;
	size_t size;
	char *p;

	if (n > SIZE_MAX - ARENA_ALIGN - ARENA_BLOCK - sizeof *b)
		xmalloc_fail();
	n = (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	if (b == NULL || b->size - b->used < n) {
		size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
		b = xmalloc(sizeof *b + size);
		b->used = 0;
		b->size = size;
		b->below = *ap != NULL ?
		    (*ap)->below + sizeof **ap + (*ap)->used : 0;
		b->next = *ap;
		*ap = b;
	}
	p = (char *)b->data + b->used;
	b->used += n;
	return p;
}

char *
cr_arena_memdup0(struct cr_arena **ap, const void *s, size_t n)
{
	char *p = cr_arena_alloc(ap, n + 1);

	if (n != 0)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

size_t
cr_arena_bytes(const struct cr_arena *a)
{
	/*
	 * What is used (the rest of a block is not touched, not resident),
	 * at once: only the newest block grows, so the older ones' sum is
	 * kept in it.  The model asks every 1024 rows.
	 */
	return a != NULL ? a->below + sizeof *a + a->used : 0;
}

void
cr_arena_free(struct cr_arena *a)
{
	struct cr_arena *next;

	for (; a != NULL; a = next) {
		next = a->next;
		free(a);
	}
}
