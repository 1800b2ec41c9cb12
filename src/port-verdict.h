/* port-verdict.h: what a port survey's connect results say about one port. Pure. */
#ifndef SENDFIX_PORT_VERDICT_H
#define SENDFIX_PORT_VERDICT_H

#include "net.h"

enum port_verdict {
	PORT_OPEN = 0,			/* the server's port connected */
	PORT_CLOSED,			/* the network lets it through, the server does not serve it */
	PORT_FILTERED,			/* silently dropped on the way */
	PORT_BLOCKED,			/* actively refused or prohibited on the way */
	PORT_SERVER_UNREACHABLE,	/* no port on the server answers, other hosts do */
	PORT_NO_NETWORK,		/* nothing answers at all */
	PORT_VERDICT_COUNT
};

/* The probe outcome names: "open", "port-closed", "filtered", "blocked", ... */
const char	*port_verdict_name(enum port_verdict);

/*
 * Classifies port U of a server. state: the best (net_status_rank) result on U over the
 * server's addresses; other_open: another port of the same server connected; ref_tested:
 * at least one reference host was tried on U; ref_state: their best result on U (ignored
 * when ref_tested is 0).
 */
enum port_verdict port_verdict_classify(enum net_status state, int other_open,
		    int ref_tested, enum net_status ref_state);

#endif
