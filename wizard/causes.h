/* causes.h: the cause catalogue (stable IDs from causes.md) and the guide's sections. */
#ifndef SENDFIX_CAUSES_H
#define SENDFIX_CAUSES_H

struct cause {
	const char	*id;		/* "firewall.port-filtered" */
	int		 section;	/* 1..9, the guide section */
	const char	*title;		/* one line in plain words */
};

/* NULL when id is not in the catalogue. */
const struct cause *cause_find(const char *id);
/* NULL-terminated list of every cause, in catalogue order. */
const struct cause *const *cause_all(void);
/* "Outgoing server settings" for 1, ... "Spam filters" for 9; NULL outside 1..9. */
const char	*cause_section_title(int section);

#endif
