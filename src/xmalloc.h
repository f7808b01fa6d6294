/*
 * xmalloc.h -- allocation that never returns NULL.  Out of memory is not an
 * error custrelease can recover from: the helpers call cr_err_nomem()
 * (err.h), which ends the process with exit 74 under a command (nothing is
 * committed, since a run commits only by its final rename).
 */
#ifndef CR_XMALLOC_H
#define CR_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xmemdup0(const void *, size_t);	/* copy, NUL-terminated */
int	 xasprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * An arena: many small allocations that live and die together, with no
 * per-allocation header (kept rows, map keys).  Blocks of 256 KiB, or one
 * block for a larger request; every pointer is 8-byte aligned (enough for
 * pointers and 64-bit integers, not for long double).
 * Nothing is freed before cr_arena_free().
 */
struct cr_arena;

void	*cr_arena_alloc(struct cr_arena **, size_t);
char	*cr_arena_memdup0(struct cr_arena **, const void *, size_t);
void	 cr_arena_free(struct cr_arena *);
/* The bytes an arena holds (used in its blocks), for a memory budget. */
size_t	 cr_arena_bytes(const struct cr_arena *);

#endif
