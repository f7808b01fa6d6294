/*
 * check.h -- cross-row validation of an export and a manifest (check.c):
 * the engine behind `check` and behind --strict in run and plan.
 */
#ifndef CR_CHECK_H
#define CR_CHECK_H

#include "schema.h"

struct cr_check;

/*
 * strict=0: each problem is printed on stdout as FILE:LINE: message.
 * strict=1: the first problem is printed as an input error and
 * cr_check_row returns CR_EXIT_DATAERR.
 */
struct cr_check	*cr_check_new(int strict);
void		 cr_check_free(struct cr_check *);
/* A cr_row_fn: feed it every row, export tables first, manifest last. */
int		 cr_check_row(void *, const struct cr_row *);
unsigned long	 cr_check_rows(const struct cr_check *, enum cr_table);
unsigned long	 cr_check_problems(const struct cr_check *, enum cr_table);

#endif
