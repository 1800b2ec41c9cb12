/* causes.c: the cause catalogue (IDs from causes.md) and the guide's section titles. */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "causes.h"

#define CAUSE_NSECTIONS 9

/*
 * The IDs are a public interface (JSON reports, helpdesk tooling): never rename one. The
 * titles are for people who do not know what SMTP is, so they avoid the jargon.
 */
static const struct cause cause_table[] = {
	{ "settings.host-unresolvable", 1,
	  "The outgoing server's name does not exist, so it cannot be found" },
	{ "settings.host-unreachable", 1,
	  "The outgoing server's name is found, but nothing answers there" },
	{ "settings.wrong-port", 1,
	  "The mail program uses a port the outgoing server does not answer on" },
	{ "settings.tls-mismatch", 1,
	  "The encryption setting does not suit the port (SSL/TLS and STARTTLS mixed up)" },
	{ "settings.starttls-required", 1,
	  "The server only accepts mail over an encrypted connection, and encryption is off" },
	{ "settings.sender-not-permitted", 1,
	  "The login works, but this account may not send from that address" },
	{ "tls.certificate-invalid", 1,
	  "The server's security certificate does not check out" },
	{ "tls.outdated-protocol", 1,
	  "The server only offers old kinds of encryption that are no longer safe" },
	{ "settings.auth-required", 1,
	  "The server wants a login before it takes mail, and none is set up" },
	{ "auth.credentials-rejected", 2,
	  "The server turned down the user name or password" },
	{ "auth.app-password-required", 2,
	  "The provider wants a special app password instead of the normal one" },
	{ "auth.mechanism-unsupported", 2,
	  "The mail program and the server have no way of signing in in common" },
	{ "auth.locked-out", 2,
	  "The account is locked for a while after too many failed logins" },
	{ "firewall.port-filtered", 3,
	  "A firewall silently drops connections to the outgoing mail port" },
	{ "firewall.port-blocked", 3,
	  "A firewall turns away connections to the outgoing mail port" },
	{ "firewall.smtp-inspection", 3,
	  "A firewall meddles with the mail conversation and strips its encryption" },
	{ "client.settings-differ", 4,
	  "The mail program's outgoing settings differ from the ones that work" },
	{ "client.clock-wrong", 4,
	  "This computer's date or time is wrong, so good certificates look bad" },
	{ "client.not-the-server", 4,
	  "Sending works from this computer, so the trouble is inside the mail program" },
	{ "port.isp-blocks-25", 5,
	  "The internet provider blocks port 25 for outgoing mail" },
	{ "port.ipv6-path-broken", 5,
	  "Connections over IPv6 fail on this network while IPv4 works" },
	{ "isp.rate-limited", 6,
	  "The provider is holding mail back because too much was sent" },
	{ "isp.smtp-intercepted", 6,
	  "The internet provider diverts outgoing mail to a server of its own" },
	{ "antivirus.tls-interception", 7,
	  "Security software or a proxy opens up the encrypted connection" },
	{ "antivirus.mail-scanning", 7,
	  "Security software that checks outgoing mail gets in the way" },
	{ "dns.resolver-failure", 8,
	  "This network cannot look up names (DNS is not working)" },
	{ "dns.spf-missing", 8,
	  "The sender's domain does not list this server as allowed to send for it (SPF)" },
	{ "dns.dkim-missing", 8,
	  "Mail from this domain carries no DKIM signature that receivers can check" },
	{ "dns.dmarc-missing", 8,
	  "The sender's domain has no DMARC record, and the receiver insists on one" },
	{ "dns.ptr-mismatch", 8,
	  "The sending server's address has no matching reverse name" },
	{ "spam.ip-listed", 9,
	  "The sending address is on a spam blocklist" },
	{ "spam.account-restricted", 9,
	  "The provider has stopped this account from sending, usually after spam" },
	{ "spam.content-rejected", 9,
	  "The message itself is refused because it looks like spam" },
};
#define CAUSE_COUNT (sizeof cause_table / sizeof cause_table[0])

/* cause_all() hands out pointers, so the list of them is built beside the table. */
#define C(n) &cause_table[n]
static const struct cause *const cause_list[] = {
	C(0), C(1), C(2), C(3), C(4), C(5), C(6), C(7), C(8), C(9),
	C(10), C(11), C(12), C(13), C(14), C(15), C(16), C(17), C(18), C(19),
	C(20), C(21), C(22), C(23), C(24), C(25), C(26), C(27), C(28), C(29),
	C(30), C(31), C(32),
	NULL
};
#undef C
_Static_assert(sizeof cause_list / sizeof cause_list[0] == CAUSE_COUNT + 1,
    "cause_list must point at every entry of cause_table");

/* Indexed by section number; the article numbers them from 1. */
static const char *const cause_section_titles[] = {
	NULL,
	"Outgoing server settings",
	"Authentication errors",
	"Firewall restrictions",
	"Email client configuration",
	"Port blockage",
	"ISP limitations",
	"Antivirus interference",
	"DNS",
	"Spam filters",
};
_Static_assert(sizeof cause_section_titles / sizeof cause_section_titles[0] ==
    CAUSE_NSECTIONS + 1, "one title for each section 1..9");

const struct cause *
cause_find(const char *id)
{
	size_t	 i;

	if (id == NULL)
		return (NULL);
	for (i = 0; i < CAUSE_COUNT; i++) {
		if (strcmp(cause_table[i].id, id) == 0)
			return (&cause_table[i]);
	}
	return (NULL);
}

const struct cause *const *
cause_all(void)
{
	return (cause_list);
}

const char *
cause_section_title(int section)
{
	if (section < 1 || section > CAUSE_NSECTIONS)
		return (NULL);
	return (cause_section_titles[section]);
}
