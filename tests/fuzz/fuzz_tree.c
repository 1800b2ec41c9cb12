/* fuzz_tree.c: libFuzzer target for the decision tree loader (tree_parse_buffer). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tree.h"
#include "util.h"

/* The input is a tree file; the loader must give a tree or line-numbered problems. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tree	*t = NULL;
	char		*errors = NULL, *cause;
	size_t		 i;

	if (tree_parse_buffer("fuzz.tree", (const char *)data, size, &t, &errors) == 0) {
		FUZZ_CHECK(t != NULL && errors == NULL);
		FUZZ_CHECK(t->start_node != NULL);
		for (i = 0; i < t->nnodes; i++) {
			FUZZ_CHECK(tree_find(t, t->nodes[i]->id) == t->nodes[i]);
			if (t->nodes[i]->kind != TREE_QUESTION)
				continue;
			cause = NULL;
			if (tree_validate_answer(t->nodes[i], "dontknow", &cause) != 0)
				fuzz_fail(__FILE__, __LINE__, "\"dontknow\" refused");
			if (tree_validate_answer(t->nodes[i], "x\ny", &cause) != 0)
				free(cause);
		}
		tree_free(t);
	} else {
		FUZZ_CHECK(t == NULL);
		fuzz_check_errors("fuzz.tree", errors);
		free(errors);
	}
	return (0);
}
