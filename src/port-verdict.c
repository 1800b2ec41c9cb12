/* port-verdict.c: what a port survey's connect results say about one port. Pure. */
#include "config.h"

#include "port-verdict.h"
#include "util.h"

static const char *const port_verdict_names[] = {
	[PORT_OPEN] = "open",
	[PORT_CLOSED] = "port-closed",
	[PORT_FILTERED] = "filtered",
	[PORT_BLOCKED] = "blocked",
	[PORT_SERVER_UNREACHABLE] = "server-unreachable",
	[PORT_NO_NETWORK] = "no-network",
};
_Static_assert(sizeof port_verdict_names / sizeof port_verdict_names[0] == PORT_VERDICT_COUNT,
    "port_verdict_names does not match enum port_verdict");

const char *
port_verdict_name(enum port_verdict v)
{
	if ((unsigned)v >= PORT_VERDICT_COUNT)
		fatalx("%s: bad verdict %d", __func__, (int)v);
	return (port_verdict_names[v]);
}

enum port_verdict
port_verdict_classify(enum net_status state, int other_open, int ref_tested,
    enum net_status ref_state)
{
	int	 rejected, ref_rejected, ref_silent;

	/* 1. It works: nothing to explain at this layer. */
	if (state == NET_CONNECTED)
		return (PORT_OPEN);

	/*
	 * 2. Nothing on the server answers. If another host answers on the same port the
	 * path out works and the server (or its address) is the problem; otherwise this
	 * machine reaches no mail server at all (or was given no host to compare with).
	 */
	if (!other_open) {
		if (ref_tested && ref_state == NET_CONNECTED)
			return (PORT_SERVER_UNREACHABLE);
		return (PORT_NO_NETWORK);
	}

	/* 3. The server is up (another of its ports connected), U is not. */
	/* a. Another host connects on U: the network lets U out; the server does not serve it. */
	if (ref_tested && ref_state == NET_CONNECTED)
		return (PORT_CLOSED);
	/* b. A filter said so in words: EPERM/EACCES locally or ICMP administratively prohibited. */
	if (state == NET_PROHIBITED || (ref_tested && ref_state == NET_PROHIBITED))
		return (PORT_BLOCKED);
	/* c. Silence on U everywhere it was tried: dropped on the way out. */
	ref_silent = !ref_tested || ref_state == NET_TIMEOUT;
	if (state == NET_TIMEOUT && ref_silent)
		return (PORT_FILTERED);
	/*
	 * d. Refused or unreachable on U at the server and at every reference host too: the
	 * same answer from unrelated hosts comes from something in our path that rejects U
	 * (an RST or ICMP forged by a firewall), not from each server.
	 */
	rejected = state == NET_REFUSED || state == NET_UNREACHABLE;
	ref_rejected = ref_tested && (ref_state == NET_REFUSED ||
	    ref_state == NET_UNREACHABLE || ref_state == NET_PROHIBITED);
	if (rejected && ref_rejected)
		return (PORT_BLOCKED);
	/* e. Rejected at the server and nothing to compare with: most likely a closed port. */
	if (rejected && !ref_tested)
		return (PORT_CLOSED);
	/*
	 * f. What is left mixes silence and rejection (the server drops U while the
	 * references reject it, or a local error on U). The server does not answer on U while
	 * it answers elsewhere, and nothing proves that the server itself refuses U, so the
	 * likeliest reading is a filter on U somewhere on the way: filtered, whose fix (use
	 * the port that works, or open U in the firewall) is right in either case.
	 */
	return (PORT_FILTERED);
}
