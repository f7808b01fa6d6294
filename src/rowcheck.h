/*
 * rowcheck.h -- the value rules of docs/format.md 2.1 applied to one row, whatever
 * form it was read from: UTF-8, identifiers, enums, booleans, timestamps,
 * values that must not be empty, and the field count of a CSV row.
 *
 * It does not look across rows (duplicates, references: check.c and the
 * decide stage do) nor at contact validation (validate.c).
 */
#ifndef CR_ROWCHECK_H
#define CR_ROWCHECK_H

#include <stddef.h>
#include <time.h>

#include "schema.h"

/*
 * The longest value a row may hold, in bytes: every value custrelease
 * copies into a record stays far below the readers' field limit, with
 * room for the formula guard's prefix and CSV quoting.
 */
#define CR_VALUE_MAX	4096

/* Called once per problem with a sentence naming column and value. */
typedef void (*cr_rowproblem_fn)(void *arg, const struct cr_row *row,
    int column, const char *message);

/* Returns the number of problems found in the row. */
int	cr_rowcheck(const struct cr_row *, cr_rowproblem_fn, void *arg);

/* One value against one column's rules; NULL when valid, else a reason. */
const char *cr_rowcheck_value(const struct cr_column *, const char *v,
	    size_t len, char *buf, size_t bufsize);

int	cr_valid_id(const char *, size_t);
/* 1 true, 0 false, -1 not a boolean. */
int	cr_parse_bool(const char *);
/* "YYYY-MM-DDTHH:MM:SSZ" to seconds since the epoch; -1 when invalid. */
int	cr_parse_time(const char *, time_t *);
/* Format t as "YYYY-MM-DDTHH:MM:SSZ" (21 bytes with the NUL). */
void	cr_format_time(time_t, char out[21]);
/*
 * A claim's expiry (docs/format.md 4): the run time plus ttl_days whole
 * days of 86,400 seconds.  The one place the rule lives: the records, the
 * emails and verify all take it from here.
 */
time_t	cr_claim_expiry(time_t run_time, long ttl_days);

#endif
