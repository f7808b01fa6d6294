/*
 * check.h -- cross-row validation of an export and a manifest (check.c):
 * the engine behind `check` and behind --strict in run and plan.
 */
#ifndef CR_CHECK_H
#define CR_CHECK_H

#include "schema.h"

struct cr_check;

/* A problem of FILE at LINE, for the caller to report (it prints nothing). */
typedef void	cr_check_problem_fn(void *arg, const char *file,
		    unsigned long line, const char *msg);

/*
 * strict=0: each problem goes to problem(arg, ...) (NULL: counted only).
 * strict=1: a problem in the export is recorded as an input error (err.h)
 * and cr_check_row returns CR_STATUS_DATA; a manifest row's problems still
 * go to problem().
 */
struct cr_check	*cr_check_new(int strict, cr_check_problem_fn *problem,
		    void *arg);
void		 cr_check_free(struct cr_check *);
/* A cr_row_fn: feed it every row, export tables first, manifest last. */
int		 cr_check_row(void *, const struct cr_row *);
unsigned long	 cr_check_rows(const struct cr_check *, enum cr_table);
unsigned long	 cr_check_problems(const struct cr_check *, enum cr_table);

#endif
