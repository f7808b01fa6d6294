/*
 * decide.h -- the decide stage: every request of a loaded model gets its
 * outcome, codes, message and effects (docs/format.md 3).  Pure: it reads the model
 * and writes only the decision fields of its requests; no I/O.
 */
#ifndef CR_DECIDE_H
#define CR_DECIDE_H

#include "model.h"

struct cr_decide_opts {
	/*
	 * The template language of a customer's lang (docs/format.md 3 "lang"), with
	 * *defaulted set when there is no template for it (W_LANG_DEFAULTED).
	 */
	const char	*(*resolve_lang)(void *arg, const char *lang,
			    int *defaulted);
	void		*lang_arg;
};

/*
 * A message names at most this many findings of one code (or items of
 * one list), then says ", and N more": a request's message is bounded
 * whatever the size of its customer (docs/behaviour.md "Bounds").
 */
#define CR_MSG_CLAUSES	10

void	cr_decide(struct cr_model *, const struct cr_decide_opts *);

/* Counts after cr_decide. */
struct cr_decide_counts {
	size_t	outcome[3];
	size_t	code[CR_CODE_COUNT];
	size_t	products;	/* released products */
};
void	cr_decide_count(const struct cr_model *, struct cr_decide_counts *);

#endif
